// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Parts that only work with this script (the step indicator's button) show from here on.
  document.documentElement.classList.add("js");
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  // A page that answered another page's form (the user-ID's) gives itself its own address, so
  // that a reload asks for the page and does not send the form again.
  var path = document.body.dataset.pagePath;
  if (path && location.pathname !== path && window.history.replaceState) {
    window.history.replaceState(null, "", path);
  }
  // Move focus to the error summary, so screen readers announce what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
