// Upload progress for forms that carry a <progress data-upload-progress> element.
//
// htmx reports the bytes sent while a multipart request uploads; the bar shows them, so a
// large file never looks stuck before the import job takes over with its own progress.
(function () {
  "use strict";
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
