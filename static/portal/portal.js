// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Parts that only work with this script (the step indicator's button) show from here on.
  document.documentElement.classList.add("js");
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  // Move focus to the error summary, so screen readers announce what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
