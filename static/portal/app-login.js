// The live QR login. A websocket brings a new frame every second and the login's status;
// the frame is drawn here (qrcode-generator), so the server only sends a line of text. If the
// websocket cannot get through (a proxy, an old browser), the page polls instead. On every
// change of status htmx fetches the page's status part again, except for "scanned", which the
// page brought along (a <template>); an approved login goes on to the page the citizen came for. Without JavaScript the page waits: the citizen presses "I have
// approved in the app" or "Show a new code" (no reload of itself, which restarts screen readers).
document.addEventListener("DOMContentLoaded", function () {
  // Run once every deferred script (htmx among them) has loaded.
  "use strict";
  var OPEN = ["waiting", "scanned"];
  var box = document.getElementById("app-login");
  if (!box || OPEN.indexOf(box.dataset.status) < 0 || !window.htmx) { return; }
  var status = box.dataset.status;
  var socket = null;
  var polling = null;

  function draw(frame) {
    var holder = document.getElementById("login-qr");
    if (!holder || !window.qrcode) { return; }
    var qr = window.qrcode(0, "M");
    qr.addData(frame);
    qr.make();
    holder.innerHTML = qr.createSvgTag({ cellSize: 4, margin: 16, scalable: true });
    holder.dataset.frame = frame;
    var text = document.querySelector("[data-testid=qr-text]");
    if (text) { text.textContent = frame; }
  }

  function stop() {
    if (polling) { clearInterval(polling); polling = null; }
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
  }

  // One refresh at a time: a change that arrives while one is under way is fetched after it.
  var refreshing = false;
  var again = false;
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    htmx.ajax("GET", box.dataset.refresh, { target: "#app-login", swap: "outerHTML" }).finally(function () {
      refreshing = false;
      if (again) { again = false; refresh(); }
    });
  }

  function announce() {
    var said = document.querySelector("#app-login [data-announce]");
    var live = document.getElementById("app-login-announce");
    if (said && live) { live.textContent = said.textContent.trim(); }
  }

  // "Scanned" from what the page brought: the clock goes on from where it is.
  function showScanned() {
    var current = document.getElementById("app-login");
    var ready = document.getElementById("app-login-scanned");
    if (!current || !ready) { return false; }
    var clock = document.getElementById("login-time");
    var left = clock ? clock.dataset.secondsLeft : null;
    current.replaceChildren(ready.content.cloneNode(true));
    current.dataset.status = "scanned";
    clock = document.getElementById("login-time");
    if (clock && left !== null) { clock.dataset.secondsLeft = left; }
    document.body.dispatchEvent(new CustomEvent("portal:swapped"));
    announce();
    return true;
  }

  // Leaving the page (Cancel, another way in, any link): how its login ends is no longer this
  // page's to show, and a refresh now would only meet a login that is over. A page still here
  // (a link the browser gave to another program: the MitID app on this phone) shows what it
  // missed when it is looked at again, or after a while.
  var leaving = false;
  var missed = null;
  function stay() {
    if (!leaving) { return; }
    leaving = false;
    if (missed) { var next = missed; missed = null; changed(next); }
  }
  window.addEventListener("beforeunload", function () {
    leaving = true;
    setTimeout(stay, 10000);
  });
  window.addEventListener("pageshow", stay);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { stay(); }
  });

  function changed(next) {
    if (leaving) { missed = next; return; }
    if (next === status) { return; }
    var was = status;
    status = next;
    if (OPEN.indexOf(status) < 0) { stop(); }
    if (!(was === "waiting" && next === "scanned" && !refreshing && showScanned())) { refresh(); }
  }

  function poll() {
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.frame) { draw(answer.frame); }
        changed(answer.status);
      })
      .catch(function () { /* the next poll tries again */ });
  }

  function startPolling() {
    if (polling || OPEN.indexOf(status) < 0) { return; }
    socket = null;
    poll();
    polling = setInterval(poll, 1000);
  }

  // The first frame comes with the page, so the code shows at once.
  var first = document.getElementById("login-qr");
  if (first && first.dataset.firstFrame) { draw(first.dataset.firstFrame); }

  // Tell screen readers what changed, in the page's language (the text the server rendered).
  document.body.addEventListener("htmx:afterSwap", announce);

  try {
    var address = box.dataset.socket;  // the same origin, or the websocket server's own
    if (!/^wss?:/.test(address)) {
      address = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + address;
    }
    socket = new WebSocket(address);
  } catch (error) {
    startPolling();
    return;
  }
  // A websocket still not open after a few seconds (a proxy holding it, a server waiting on
  // Redis) gives way to polling: closing it calls onclose.
  var opening = setTimeout(function () {
    if (socket && socket.readyState === WebSocket.CONNECTING) { socket.close(); }
  }, 5000);
  socket.onopen = function () { clearTimeout(opening); };
  socket.onmessage = function (event) {
    var message = JSON.parse(event.data);
    if (message.type === "frame") { draw(message.frame); }
    if (message.type === "status") { changed(message.status); }
  };
  socket.onclose = function () {
    // Closed before the login was decided: the connection is lost or blocked, so poll.
    startPolling();
  };
});
