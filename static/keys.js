// Keyboard shortcuts for the review page.
//
// A button declares its keys with data-key="…" (space-separated); pressing one clicks it, so every
// shortcut does exactly what the button does (a plain form post, or htmx when loaded).
// Keys for one actor (1/2/3) act inside the focused [data-keyscope] element, or the one
// marked data-current. Keys pressed while a request is in flight are queued and replayed
// after the page settles, so fast typing never loses a decision.
(function () {
  "use strict";
  const queue = [];
  let busy = false;

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

  function press(key) {
    const button = buttonFor(key, document.activeElement);
    if (!button || button.disabled) return false;
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (!buttonFor(event.key, event.target)) return;
    event.preventDefault();
    if (event.repeat) return;
    if (busy) queue.push(event.key);
    else press(event.key);
  });

  document.addEventListener("htmx:beforeRequest", function () { busy = true; });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) { busy = false; queue.length = 0; }
  });
  document.addEventListener("htmx:afterSettle", function () {
    busy = false;
    const focused = document.querySelector("[autofocus]");
    if (focused && !focused.contains(document.activeElement)) focused.focus();
    if (queue.length) press(queue.shift());
  });
})();
