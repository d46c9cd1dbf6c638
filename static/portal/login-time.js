// The time left to approve a login (WCAG 2.2.1 Timing Adjustable). The server says how many
// seconds are left; this counts down, says once, a minute before the end, that time is running
// out, and shows the "More time" button then. The status part of the page is swapped (by htmx,
// or from a <template> the page brought) when the login moves on; the clock starts again from
// what the new part says.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var WARN_AT = 60;
  var deadline = null;
  var warned = false;

  function box() { return document.getElementById("login-time"); }

  function read() {
    var element = box();
    if (!element) {
      // The login moved on (approved, expired, cancelled): so did its warning, which a
      // screen reader would otherwise still find on the page.
      deadline = null;
      var live = document.getElementById("login-time-announce");
      if (live) { live.textContent = ""; }
      return;
    }
    var left = parseInt(element.dataset.secondsLeft, 10);
    deadline = Date.now() + (isNaN(left) ? 0 : left) * 1000;
    var more = element.querySelector("[data-more-time]");
    if (more) { more.hidden = left > WARN_AT && !warned; }
    tick();
  }

  function tick() {
    var element = box();
    if (!element || deadline === null) { return; }
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    element.dataset.secondsLeft = left;  // where a part swapped in later goes on from
    var shown = element.querySelector("[data-countdown]");
    if (shown) {
      shown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    }
    if (left <= WARN_AT && !warned) {
      warned = true;
      var more = element.querySelector("[data-more-time]");
      if (more) { more.hidden = false; }
      var live = document.getElementById("login-time-announce");
      if (live) { live.textContent = element.dataset.warning; }
    }
  }

  read();
  setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", read);
  document.body.addEventListener("portal:swapped", read);
});
