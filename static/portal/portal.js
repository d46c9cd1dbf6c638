// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  // Move focus to the error summary, so screen readers announce what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
