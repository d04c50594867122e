// Upload progress for forms that carry a <progress data-upload-progress> element.
//
// htmx reports the bytes sent while a multipart request uploads; the bar shows them, so a
// large file never looks stuck before the import job takes over with its own progress.
//
// A file input with data-max-bytes refuses a file over the server's upload limit as soon as
// it is chosen: the server would cut such an upload off, and the browser would only report a
// reset connection instead of the limit.
(function () {
  "use strict";
  function mebibytes(bytes) {
    return (bytes / 1048576).toFixed(1).replace(/\.0$/, "") + " MiB";
  }
  // The server's limit counts the whole request: the form's other fields and the multipart
  // wrapping take a little of it (a pasted text goes in the text box, not with a file).
  const WRAPPING = 64 * 1024;
  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    const limit = Number(input.dataset.maxBytes);
    const file = input.files && input.files[0];
    input.setCustomValidity(file && file.size > limit - WRAPPING
      ? file.name + " is " + mebibytes(file.size) + ": too large for the " + mebibytes(limit) +
        " limit of an upload."
      : "");
    input.reportValidity();
  });
  function barIn(element) {
    const form = element && element.closest && element.closest("form");
    return form && form.querySelector("progress[data-upload-progress]");
  }
  document.addEventListener("htmx:xhr:progress", function (event) {
    const bar = barIn(event.target);
    if (!bar || !event.detail.lengthComputable) return;
    bar.hidden = false;
    bar.max = event.detail.total;
    bar.value = event.detail.loaded;
  });
})();
