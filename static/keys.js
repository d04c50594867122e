// Keyboard shortcuts for the review page.
//
// A button declares its keys with data-key="…" (space-separated); pressing one clicks it,
// so every shortcut does exactly what the button does (a plain form post, or htmx when
// loaded). Keys for one actor (1/2/3) act inside the focused [data-keyscope] element, or
// the one marked data-current.
//
// Shortcuts are for the review card itself: while focus is on a control (a button, link,
// field, radio or panel toggle) its keys are its own, so Enter and Space submit the flag or
// add the actor rather than accept the sentence. Only an actor's own label buttons keep
// that actor's keys. Escape closes an open panel and returns to its actor.
//
// Keys are handled one at a time: a key pressed while the previous one's request is still
// on its way waits in a queue until the review card has been swapped and settled. Fast
// typing therefore never loses a decision, and responses can never arrive out of order.
(function () {
  "use strict";
  const queue = [];
  let busy = false;
  let request = null;  // the xhr of the key press being handled
  let watchdog = null;

  const CONTROL = "a[href], button, input, select, textarea, summary, [contenteditable]";
  const LABEL_BUTTON = "[data-keyscope] .label-button";

  function ownKey(event) {
    const control = event.target.closest && event.target.closest(CONTROL);
    if (!control) return false;
    return event.key === "Enter" || event.key === " " || !control.matches(LABEL_BUTTON);
  }

  function scopeFor(target) {
    return (target && target.closest && target.closest("[data-keyscope]")) ||
      document.querySelector("[data-keyscope][data-current]");
  }

  function buttonFor(key, target) {
    const selector = '[data-key~="' + CSS.escape(key) + '"]';
    const scope = scopeFor(target);
    const inScope = scope && scope.querySelector(selector);
    if (inScope) return inScope;
    return Array.from(document.querySelectorAll(selector))
      .find((button) => !button.closest("[data-keyscope]")) || null;
  }

  function idle() {
    busy = false;
    request = null;
    clearTimeout(watchdog);
    pump();
  }

  // Focus on a panel's field or button (a panel the last key opened): keys typed before it
  // opened are not replayed into it as shortcuts, and Enter never accepts the sentence.
  function panelHasFocus() {
    const active = document.activeElement;
    const control = active && active.closest && active.closest(CONTROL);
    return Boolean(control) && !control.matches(LABEL_BUTTON);
  }

  function pump() {
    while (!busy && queue.length) {
      if (panelHasFocus()) {
        queue.length = 0;
        return;
      }
      const button = buttonFor(queue.shift(), document.activeElement);
      if (!button || button.disabled) continue;
      busy = true;
      // Should no swap follow (a failed request, a plain navigation), do not stay stuck.
      watchdog = setTimeout(idle, 10000);
      button.click();
      const panel = button.matches("summary") && button.parentElement;
      // The panel takes the keys at once, not when its toggle event comes.
      if (panel && panel.open) focusPanel(panel);
      // A key that sent no request (opening a panel) lets the next key go at once.
      if (request === null) idle();
    }
  }

  // Where keys do the work, an actor's label buttons and the panel toggles leave the Tab
  // order, so that Tab steps from actor to actor; without this script Tab reaches them all.
  function keysOnly(root) {
    root.querySelectorAll(LABEL_BUTTON + ", summary[data-key]").forEach((element) => {
      element.tabIndex = -1;
    });
  }
  keysOnly(document);
  document.addEventListener("htmx:load", (event) => keysOnly(event.target));

  // The focused actor is the current one: its keys apply when focus leaves for the page, and
  // its words are marked in the sentence (two mentions of one name stay apart).
  document.addEventListener("focusin", function (event) {
    const scope = event.target.closest && event.target.closest("[data-keyscope]");
    if (!scope || scope.hasAttribute("data-current")) return;
    scope.parentElement.querySelectorAll("[data-keyscope][data-current]")
      .forEach((other) => other.removeAttribute("data-current"));
    scope.setAttribute("data-current", "");
    document.querySelectorAll("mark[data-mention]").forEach((mark) => {
      if (mark.dataset.mention === scope.dataset.mention) mark.setAttribute("aria-current", "true");
      else mark.removeAttribute("aria-current");
    });
  });

  // A panel that opens takes the focus to its first field, its text selected to retype.
  function focusPanel(panel) {
    const active = document.activeElement;
    if (!panel.open || (panel.contains(active) && active.tagName !== "SUMMARY")) return;
    const field = panel.querySelector("input:not([type=hidden]), select, textarea, button");
    if (!field) return;
    field.focus();
    if (field.select) field.select();
  }
  document.addEventListener("toggle", (event) => focusPanel(event.target), true);

  // Escape closes the panel that holds the focus (Fix actor, Add a missed actor, Flag) without
  // sending it, and gives the focus back to the panel's actor, or to the current actor. What
  // was typed there is dropped, as is a refusal shown in it: opened again, the panel starts
  // from what is stored (the sentence's flag, the actor's name), not from a draft.
  function closePanel(target) {
    const panel = target && target.closest && target.closest("details[open]");
    if (!panel) return false;
    panel.open = false;
    panel.querySelectorAll("[data-refusal]").forEach((line) => line.remove());
    panel.querySelectorAll("[aria-invalid]").forEach((field) => {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    });
    panel.querySelectorAll("[data-draft]").forEach((field) => {  // a refused entry's words
      field.removeAttribute("data-draft");
      field.defaultValue = "";
    });
    panel.querySelectorAll("form").forEach((form) => form.reset());
    const home = panel.closest("[data-keyscope]") ||
      document.querySelector("[data-keyscope][data-current]");
    if (home) home.focus();
    return true;
  }

  // A panel's Cancel button closes it as Escape does, sending nothing.
  document.addEventListener("click", function (event) {
    const cancel = event.target.closest && event.target.closest("[data-close-panel]");
    if (cancel && closePanel(cancel)) event.preventDefault();
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (event.key === "Escape" && closePanel(event.target)) {
      event.preventDefault();
      return;
    }
    if (ownKey(event)) return;
    if (!buttonFor(event.key, event.target)) return;
    event.preventDefault();
    if (event.repeat) return;
    queue.push(event.key);
    pump();
  });

  // htmx may report several settles for one swap (the card and its out-of-band pieces);
  // only the settle of the request this key started lets the next key go. A request that
  // no key started (a panel's form sent with Enter) holds the keys too: htmx focuses the new
  // card's [autofocus] when it settles, which would take the focus from a panel that a key
  // pressed meanwhile had opened.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (busy && request === null) request = event.detail.xhr;
    else if (!busy) {
      busy = true;
      request = event.detail.xhr;
      watchdog = setTimeout(idle, 10000);
    }
  });

  // A response with nothing to swap (204) never settles: it lets the keys go at once.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (busy && event.detail.xhr === request && event.detail.xhr.status === 204) idle();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!busy || event.detail.xhr !== request) return;
    // htmx focuses the swapped content's [autofocus]; if focus was lost anyway, restore it.
    const focused = document.querySelector("#review [autofocus]");
    if (focused && document.activeElement === document.body) focused.focus();
    idle();
  });

  function failed(event) {
    if (!busy || event.detail.xhr !== request) return;
    queue.length = 0;
    idle();
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
