// A request htmx sent that the server refused (400, 404, 409, …: htmx swaps nothing for
// these) or that never got an answer shows why in the page's alert line, instead of failing
// without a word. The next request that succeeds clears it.
(function () {
  "use strict";

  function region() {
    return document.getElementById("request-error");
  }

  function reason(xhr) {
    if (!xhr || !xhr.status) return "The server did not answer: check the connection and try again.";
    const found = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    const alert = found.querySelector("[role=alert]") || found.body;
    const text = alert ? alert.textContent.replace(/\s+/g, " ").trim() : "";
    return text || "The server refused this (" + xhr.status + "). Reload the page and try again.";
  }

  function show(event) {
    const line = region();
    if (!line) return;
    line.textContent = reason(event.detail.xhr);
    line.hidden = false;
  }

  function clear(event) {
    const line = region();
    if (line && event.detail.successful) line.hidden = true;
  }

  document.addEventListener("htmx:responseError", show);
  document.addEventListener("htmx:sendError", show);
  document.addEventListener("htmx:afterRequest", clear);
})();
