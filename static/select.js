// Adding a missed actor by selecting words in the sentence on the review page.
//
// A selection inside #sentence-text fills the "Add a missed actor" form with the words and
// their character offsets in the sentence, opens it and focuses the actor name: Enter adds.
// Without this script the same form works with typed words.
(function () {
  "use strict";

  function offsetIn(container, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function takeSelection() {
    const sentence = document.getElementById("sentence-text");
    const panel = document.getElementById("add-mention");
    const selection = window.getSelection();
    if (!sentence || !panel || !selection || selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    if (!sentence.contains(range.startContainer) || !sentence.contains(range.endContainer)) return;
    let start = offsetIn(sentence, range.startContainer, range.startOffset);
    let end = offsetIn(sentence, range.endContainer, range.endOffset);
    const text = sentence.textContent;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (start >= end) return;
    const form = panel.querySelector("form");
    form.elements.start.value = start;
    form.elements.end.value = end;
    form.elements.text.value = text.slice(start, end);
    panel.open = true;
    form.elements.actor.focus();
  }

  // Typing in the words box means the offsets of an earlier selection no longer apply.
  document.addEventListener("input", function (event) {
    if (event.target.name === "text" && event.target.closest("#add-mention")) {
      const form = event.target.form;
      form.elements.start.value = "";
      form.elements.end.value = "";
    }
  });
  document.addEventListener("mouseup", takeSelection);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey) takeSelection();
  });
})();
