// The warning before the session runs out (WCAG 2.2.1 Timing Adjustable). The page says how
// many seconds are left; a while before the end the design system's dialog asks whether the
// citizen needs more time. "Yes" asks the server for the full time again without leaving the
// page, so nothing typed is lost; when the session had already ended (logged out in another
// tab), the answer says no time is left, and the dialog says so rather than close as if the
// time were given. Before it warns, and before it says the time ran out, the page asks how long
// the session has (without keeping it longer): another tab may have kept it meanwhile, and a
// tab left alone said "You have been logged out" while the citizen was not. Without
// JavaScript there is no dialog (and no timer).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box || !window.DKFDS || !window.DKFDS.Modal) { return; }
  var modal = new window.DKFDS.Modal(box);
  var warnBefore = parseInt(box.dataset.warnBefore, 10) || 120;
  var form = box.querySelector("[data-session-extend]");
  var deadline = 0;
  var open = false;
  var before = null;  // where the citizen was, to go back there after "Yes"
  // The session is written at most once a minute (SESSION_REFRESH_SECONDS): a time further
  // on than this page's by more than that was given in another tab.
  var kept = 60 * 1000;
  var asking = false;
  var asked = "";  // the moment (and deadline) last asked about
  // Where to ask (none in a dialog's words kept from before the question was asked: as before).
  var timeLeft = box.querySelector("[data-time-left]");

  function start(seconds) {
    deadline = Date.now() + seconds * 1000;
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var count = box.querySelector("[data-session-countdown]");
    if (count) { count.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0"); }
    if (left <= warnBefore && !open) { askFirst("warn", warn); }
    if (left === 0) { askFirst("end", showEnded); }
  }

  function warn() {
    if (open) { return; }
    open = true;
    before = document.activeElement;
    modal.show();
  }

  function close() {
    open = false;
    modal.hide();
    if (before && before.focus) { before.focus(); }
  }

  // `then` once the server has said how long the session has, at this moment of this deadline;
  // if it has more than the page thought, the page counts down from that instead, quietly.
  function askFirst(moment, then) {
    var key = moment + deadline;
    if (asked === key || !timeLeft) { then(); return; }
    if (asking) { return; }
    asking = true;
    fetch(timeLeft.dataset.timeLeft, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (answer) {
        if (answer.seconds_left * 1000 > deadline - Date.now() + kept) {
          start(answer.seconds_left);
          if (open) { close(); }
        }
      }, function () { /* not answered: warn as the page counted */ })
      .then(function () {
        asking = false;
        asked = key;
        tick();
      });
  }

  function showEnded() {
    var ended = box.querySelector("[data-session-ended]");
    if (ended.hidden) {
      box.querySelector("[data-session-open]").hidden = true;
      ended.hidden = false;
      box.setAttribute("aria-labelledby", "session-ended-title");
      document.getElementById("session-ended-title").focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (answer) {
        start(answer.seconds_left);
        if (!answer.seconds_left) { showEnded(); return; }  // it had ended meanwhile
        close();
        tick();
      })
      .catch(function () { form.submit(); });
  });

  start(parseInt(box.dataset.secondsLeft, 10) || 0);
  tick();
  setInterval(tick, 1000);
});
