// The MitID app simulator (demo only). Like a real app it makes an ECDSA P-256 key per
// user-ID, keeps it in this browser (IndexedDB, not extractable), and speaks only the App
// API: every request after activation carries a MitID-Signature header by that key. It gets
// MitID by an activation code, by the passport road (terms, MRZ, chip, face, user-ID), or by
// a copy from another phone's QR code; it logs in by scanning, and copies itself to a new phone.
// Each `?phone=N` is a phone of its own (its own installation and keys), so a copy can go from
// one tab to another.
(function () {
  "use strict";
  var root = document.getElementById("app");
  if (!root) { return; }
  var api = root.dataset.api.replace(/openapi\.json$/, "").replace(/\/$/, "");
  var errors = JSON.parse(document.getElementById("app-errors").textContent);
  var reasons = JSON.parse(document.getElementById("app-user-id-reasons").textContent);
  var texts = {};
  document.getElementById("app-texts").content.querySelectorAll("[data-text]").forEach(function (node) {
    texts[node.dataset.text] = node.textContent;
  });
  // Phone 1 keeps the record it always had; other phones have one each.
  var record = root.dataset.phone === "1" ? "app" : "app-" + root.dataset.phone;
  var state = { installation: "", accounts: {} };
  var current = null; // the login being shown for approval
  var openedBy = null; // the login a page on this phone opened the app for, and its way back
  var activating = ""; // the user-ID being activated
  var passport = null; // the passport in the citizen's hand (demo: a passport file)
  var road = null; // the passport road under way: its enrollment token
  var copy = null; // the copy this phone shows: its id, what to sign, which user-ID
  var copyTimer = null;
  var waitTimer = null; // a copy's new phone asks again when the old one's time to confirm is up
  var copyCode = ""; // the copy QR code this phone scanned
  var phoneName = "MitID app simulator " + root.dataset.phone; // as a phone names itself

  if (!window.crypto || !crypto.subtle || !window.indexedDB) {
    document.getElementById("app-unsupported").hidden = false;
    return;
  }

  // Storage: one IndexedDB record per phone holds the installation and its user-IDs with keys.
  function database() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("mitid-app-simulator", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("state"); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function load() {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var get = db.transaction("state").objectStore("state").get(record);
        get.onsuccess = function () { resolve(get.result); };
        get.onerror = function () { reject(get.error); };
      });
    }).then(function (saved) {
      state = saved || { installation: crypto.randomUUID(), accounts: {} };
    });
  }
  function save() {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("state", "readwrite");
        tx.objectStore("state").put(state, record);
        tx.oncomplete = resolve;
        // A write that fails (the browser's storage full) must end the request it belongs to.
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  // Bytes and signatures.
  function b64(bytes) {
    var array = new Uint8Array(bytes);
    var text = "";
    for (var i = 0; i < array.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, array.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }
  function hex(bytes) {
    return Array.prototype.map.call(new Uint8Array(bytes), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function derInteger(bytes) {
    var i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) { i++; }
    var trimmed = Array.prototype.slice.call(bytes, i);
    if (trimmed[0] & 0x80) { trimmed.unshift(0); }
    return [0x02, trimmed.length].concat(trimmed);
  }
  // WebCrypto signs as r||s; the portal reads DER, as phones' keystores give it.
  function toDer(raw) {
    var bytes = new Uint8Array(raw);
    var body = derInteger(bytes.slice(0, 32)).concat(derInteger(bytes.slice(32)));
    return new Uint8Array([0x30, body.length].concat(body));
  }
  function sign(key, text) {
    return crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, new TextEncoder().encode(text))
      .then(function (raw) { return b64(toDer(raw)); });
  }
  // A new key for a user-ID on this phone: the private half never leaves the browser.
  function newKey() {
    return crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]).then(function (pair) {
      return crypto.subtle.exportKey("spki", pair.publicKey).then(function (spki) {
        return { privateKey: pair.privateKey, publicKey: b64(spki) };
      });
    });
  }
  function remember(userId, key, answer) {
    state.accounts[userId] = { key: key.privateKey, keyId: answer.key_id, challenge: answer.challenge, status: "pending" };
    activating = userId;
    return save();
  }

  // The App API. A refusal becomes an Error whose message is the API's code.
  function call(method, path, body, userId) {
    var data = body === undefined ? "" : JSON.stringify(body);
    var headers = method === "POST" ? { "Content-Type": "application/json" } : {};
    var signing = Promise.resolve();
    if (userId) {
      var account = state.accounts[userId];
      var created = String(Math.floor(Date.now() / 1000));
      var nonce = crypto.randomUUID().replace(/-/g, "");
      signing = crypto.subtle.digest("SHA-256", new TextEncoder().encode(data)).then(function (digest) {
        var url = new URL(api + path, location.href);
        return sign(account.key, [method, url.pathname, created, nonce, hex(digest)].join("\n"));
      }).then(function (signature) {
        headers.Authorization = "MitID-Signature key-id=" + account.keyId + ", created=" + created +
          ", nonce=" + nonce + ", signature=" + signature;
      });
    }
    return signing.then(function () {
      // Never waiting for ever: one request runs at a time (`run`), so a hung one would stop them all.
      return fetch(api + path, { method: method, headers: headers, body: method === "POST" ? data : undefined, credentials: "omit", signal: AbortSignal.timeout(30000) });
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) {
          var refusal = new Error((json.error && json.error.code) || "unknown");
          refusal.details = json.error || {};
          refusal.fromApi = true;
          // The portal says the app is blocked: so does the list of user-IDs, until it is
          // lifted (staff, after an ID check) and the portal takes its signature again.
          return learn(userId, refusal.message === "device_not_active" ? "blocked" : null)
            .then(function () { throw refusal; });
        }
        return learn(userId, "active").then(function () { return json; });
      });
    }, function () { throw new Error("network"); });
  }
  function learn(userId, status) {
    var account = userId && state.accounts[userId];
    var known = account && ["active", "blocked"].indexOf(account.status) >= 0;
    if (!known || !status || account.status === status) { return Promise.resolve(); }
    account.status = status;
    return save().then(function () { if (!root.querySelector("[data-screen='home']").hidden) { home(true); } });
  }

  // Screens and messages.
  function show(name, quietly) {
    document.getElementById("app-elsewhere").hidden = true;
    document.getElementById("app-return").hidden = true;
    root.querySelectorAll("[data-screen]").forEach(function (screen) { screen.hidden = screen.dataset.screen !== name; });
    var heading = root.querySelector("[data-screen='" + name + "'] h2");
    if (heading && !quietly) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }
  function field(name, value) {
    root.querySelectorAll("[data-field='" + name + "']").forEach(function (node) { node.textContent = value || ""; });
  }
  // A message above the screen; a refusal by the portal also shows its stable code.
  function say(text, kind, code) {
    var box = document.getElementById("app-message");
    kind = kind === "error" ? "error" : "success";
    box.className = "app-message alert alert-" + kind;
    box.querySelectorAll("[data-icon]").forEach(function (icon) { icon.hidden = icon.dataset.icon !== kind; });
    box.querySelector(".alert-text").textContent = text;
    var line = box.querySelector(".app-error-code");
    line.querySelector("code").textContent = code || "";
    line.hidden = !code;
    box.hidden = !text;
    if (text && kind === "error") { box.scrollIntoView({ block: "nearest" }); }
  }
  function fail(error) {
    var code = error.message;
    var details = error.details || {};
    var text = error.text || errors[code] || texts[code] || errors.unknown;
    if (code === "user_id_invalid" && details.reasons) {
      text = [text].concat(details.reasons.map(function (reason) { return reasons[reason]; }).filter(Boolean)).join(" ");
    }
    if (code === "user_id_taken" && details.suggestions) { suggest(details.suggestions); }
    say(text, "error", error.fromApi ? code : "");
  }
  function withStatus(status) {
    return Object.keys(state.accounts).filter(function (id) { return state.accounts[id].status === status; })[0];
  }
  function signer() {
    // An active user-ID first; else a blocked one, which is tried: the block may be lifted.
    return withStatus("active") || withStatus("blocked");
  }
  function activeSigner() {
    // A road that joins a MitID to this phone proves the phone with an app in use only: a
    // blocked one's key signs nothing the portal takes (its blocked app here is replaced).
    return withStatus("active");
  }
  function accountFor(login) {
    return Object.keys(state.accounts).filter(function (id) { return state.accounts[id].keyId === login.key_id; })[0];
  }
  // A copy's new phone waits for the old one to confirm, showing the code to compare; when
  // the old phone's time to confirm is up, it asks the portal whether the copy happened.
  function waitForOldPhone(userId) {
    activating = userId;
    field("match_code", state.accounts[userId].matchCode);
    say("");
    show("copy-wait");
    stopWaiting();
    var until = state.accounts[userId].confirmBy;
    if (until) {
      waitTimer = setTimeout(function () {
        waitTimer = null;
        if (!root.querySelector("[data-screen='copy-wait']").hidden) { run("copy-ask"); }
      }, Math.max(2000, new Date(until) - Date.now() + 500));
    }
  }
  function stopWaiting() {
    if (waitTimer) { clearTimeout(waitTimer); waitTimer = null; }
  }
  // Has the old phone confirmed? Then the SMS is on its way. A copy that is over (its time to
  // confirm ran out, or the old phone showed a new code since) is said so, and the user-ID it
  // was setting up goes from this phone, whose key is of no use now: it can scan a new code.
  function askAfterCopy(userId, pressed) {
    var account = state.accounts[userId];
    return call("POST", "/copies/new-phone", { key_id: account.keyId }).then(function (answer) {
      activating = userId;
      if (answer.status === "temporary_pin_sent") {
        stopWaiting();
        delete account.matchCode;
        delete account.confirmBy;
        return save().then(function () { say(texts["pin-sent"]); show("confirm"); });
      }
      account.confirmBy = answer.confirm_by;
      return save().then(function () {
        waitForOldPhone(userId);
        if (pressed) { say(texts["copy-not-confirmed"], "error"); }
      });
    }, function (error) {
      if (["copy_code_expired", "copy_replaced", "not_found"].indexOf(error.message) < 0) { throw error; }
      stopWaiting();
      delete state.accounts[userId];
      if (error.message !== "copy_replaced") { error.text = texts["copy-wait-expired"]; }
      return save().then(function () {
        root.querySelector("[data-action='scan']").reset();
        show("scan");
        throw error;
      });
    });
  }
  function home(quietly) {
    stopCopy();
    stopWaiting();
    var list = document.getElementById("app-accounts");
    list.textContent = "";
    Object.keys(state.accounts).forEach(function (userId) {
      var account = state.accounts[userId];
      var item = document.createElement("li");
      item.textContent = userId + " – " + (texts[account.status] || texts.pending);
      if (account.status === "pending" && account.challenge) {
        // Waiting for its temporary PIN: the citizen may come back to it after the SMS.
        // Or remove it, if no SMS will come (a copy not confirmed in time).
        ["finish", "forget"].forEach(function (action) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button button-tertiary";
          button.dataset.action = action;
          button.dataset.userId = userId;
          button.textContent = texts[action];
          item.appendChild(button);
        });
      }
      list.appendChild(item);
    });
    document.getElementById("app-no-accounts").hidden = list.children.length > 0;
    document.getElementById("app-use").hidden = !signer();
    show("home", quietly === true);
  }
  function present(login) {
    current = login;
    ["service", "text", "user_id", "code"].forEach(function (name) { field(name, login[name]); });
    root.querySelector("[data-typed-code]").hidden = !login.code;
    show("approve");
  }
  // Before a screen is shown: what it needs from the state.
  var prepare = {
    "passport-start": function () { forgetRoad(); },
    "copy-show": function () {
      copy = null;
      var select = document.getElementById("app-copy-source");
      var active = Object.keys(state.accounts).filter(function (id) { return state.accounts[id].status === "active"; });
      select.textContent = "";
      active.forEach(function (userId) { select.add(new Option(userId, userId)); });
      document.getElementById("app-copy-which").hidden = active.length < 2;
      document.getElementById("app-copy").hidden = true;
      copyButton(false);
    }
  };
  function go(name) {
    say("");
    if (name === "home") { forgetRoad(); home(); return; }
    // Back to the copy this phone showed, while it is open.
    if (name === "copy-show" && state.copy) { run("copy-resume"); return; }
    if (prepare[name]) { prepare[name](); }
    show(name);
  }

  // The passport in the citizen's hand: a demo passport file, read as the app reads a passport.
  function hold(read) {
    var form = root.querySelector("form[data-action='passport-mrz']");
    passport = read;
    form.mrz.value = read ? read.mrz : "";
  }
  function isPassport(read) {
    return read && ["mrz", "dg1", "dg2", "sod", "face"].every(function (name) { return typeof read[name] === "string"; });
  }
  function choosePassport(name) {
    if (!name) { hold(null); return; }
    fetch(root.dataset.passports + encodeURIComponent(name) + ".json", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(new Error("not-a-passport-file")); },
        function () { throw new Error("network"); })
      .then(function (read) { hold(read); })
      .catch(fail);
  }
  function openPassport(file) {
    if (!file) { return; }
    file.text().then(JSON.parse).then(function (read) {
      if (!isPassport(read)) { throw new Error("not-a-passport-file"); }
      document.getElementById("app-passport").value = "";
      hold(read);
      say("");
    }).catch(function () { fail(new Error("not-a-passport-file")); });
  }
  // A picture as the app sends it: at most 480 pixels across, as PNG.
  function picture(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, 480 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
    }).then(function (blob) { return blob.arrayBuffer(); }).then(b64, function () {
      throw new Error("picture-unreadable");
    });
  }
  function suggest(userIds) {
    var box = document.getElementById("app-suggestions");
    var list = box.querySelector("ul");
    list.textContent = "";
    userIds.forEach(function (userId) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-tertiary";
      button.dataset.action = "use-suggestion";
      button.textContent = userId;
      item.appendChild(button);
      list.appendChild(item);
    });
    box.hidden = userIds.length === 0;
  }
  function onRoad() {
    if (!road) { throw new Error("enrollment_not_found"); }
    return road;
  }
  // The road under way is kept with the phone's keys, as a copy is: a reload, or the page in
  // another language, comes back to its step with the passport and what was typed (a walk of
  // 2026-12-06 lost a whole road by switching language at its last step).
  function keepRoad(screen, more) {
    road = Object.assign({}, road, { screen: screen }, more || {});
    state.road = Object.assign({}, road, { passport: passport });
    return save();
  }
  function forgetRoad() {
    road = null;
    if (!state.road) { return Promise.resolve(); }
    delete state.road;
    return save();
  }
  function resumeRoad() {
    var kept = state.road;
    road = { token: kept.token, screen: kept.screen, documentNumber: kept.documentNumber, hasMitid: kept.hasMitid, typed: kept.typed };
    hold(kept.passport || null);
    field("document_number", kept.documentNumber);
    ownUserId(Boolean(kept.hasMitid));
    var form = root.querySelector("form[data-action='passport-user-id']");
    form.user_id.value = (kept.typed && kept.typed.user_id) || "";
    form.mobile.value = (kept.typed && kept.typed.mobile) || "";
    show(kept.screen);
  }
  function ownUserId(hasMitid) {
    document.getElementById("app-has-mitid").hidden = !hasMitid;
    // Their own user-ID, not a new one by the rules, for someone who has MitID already.
    var label = root.querySelector("label[for='app-new-user-id']");
    label.textContent = label.dataset[hasMitid ? "own" : "new"];
    document.getElementById("app-new-user-id-hint").hidden = hasMitid;
  }

  // The copy this phone shows: its QR code until it expires.
  function stopCopy() {
    if (copyTimer) { clearTimeout(copyTimer); copyTimer = null; }
  }
  // A time as the portal's pages write it: in the page's language, in Danish time (the
  // portal's TIME_ZONE), whatever the phone's clock is set to.
  function clock(date) {
    return new Intl.DateTimeFormat(document.documentElement.lang, {
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
      timeZone: "Europe/Copenhagen"
    }).format(date);
  }
  // Once a code is shown, confirming the copy comes first; a new code is the other choice.
  function copyButton(shown) {
    var button = document.getElementById("app-copy-button");
    button.textContent = texts[shown ? "show-new-qr" : "show-qr"];
    button.className = "button " + (shown ? "button-secondary" : "button-primary");
  }
  // Which phone scanned the code shown: asked for first, then confirmed with the PIN.
  function scannedBy(answer) {
    document.getElementById("app-copy-ask").hidden = Boolean(answer);
    document.getElementById("app-copy-confirm").hidden = !answer;
    if (!answer) { return; }
    // The code has done its job: it goes, and the time to confirm runs from the scan.
    stopCopy();
    document.getElementById("app-copy-code").hidden = true;
    copyTimer = setTimeout(confirmTooLate, Math.max(0, new Date(answer.confirm_by) - Date.now()));
    field("copy_device", "“" + answer.device_name + "”");
    field("copy_scanned_at", clock(new Date(answer.scanned_at)));
    field("match_code", answer.match_code);
    document.getElementById("app-copy-scanned").focus();
  }
  function confirmTooLate() {
    stopCopy();
    document.getElementById("app-copy").hidden = true;
    copy = null;
    copyButton(false);
    say(texts["copy-confirm-expired"], "error");
    forgetCopy();
  }
  // The copy this phone shows is kept with its keys, so that a reload, or the page in another
  // language, comes back to it (a walk lost it after "The new phone has scanned it").
  function keepCopy(answer) {
    state.copy = { id: answer.copy_id, userId: copy.userId, qr: answer.qr, expiresAt: answer.expires_at };
    return save();
  }
  function forgetCopy() {
    if (!state.copy) { return Promise.resolve(); }
    delete state.copy;
    return save();
  }
  // Back where it was while the copy is open: the QR code with its expiry, or the phone that
  // scanned it with its four digits and the PIN form; or said to be over, and forgotten.
  function resumeCopy() {
    var kept = state.copy;
    prepare["copy-show"]();
    copy = { id: kept.id, signingInput: null, userId: kept.userId };
    say("");
    show("copy-show", true);
    return call("POST", "/copies/" + kept.id, {}, kept.userId).then(function (answer) {
      copy.signingInput = answer.signing_input;
      document.getElementById("app-copy").hidden = false;
      copyButton(true);
      scannedBy(answer);
    }, function (error) {
      if (error.message === "copy_not_scanned" && new Date(kept.expiresAt) > Date.now()) {
        showCopy({ qr: kept.qr, expires_at: kept.expiresAt });
        return;
      }
      copy = null;
      if (error.message === "copy_not_scanned") { error = new Error("copy-expired"); }
      if (error.message === "copy_code_expired") { error.text = texts["copy-confirm-expired"]; }
      // Kept when the portal could not be asked: the copy may well be open still.
      var over = error.fromApi || error.message === "copy-expired";
      return (over ? forgetCopy() : Promise.resolve()).then(function () { throw error; });
    });
  }
  function showCopy(answer) {
    var qr = window.qrcode(0, "M");
    qr.addData(answer.qr);
    qr.make();
    var holder = document.getElementById("app-copy-qr");
    holder.innerHTML = qr.createSvgTag({ cellSize: 4, margin: 16, scalable: true });
    holder.dataset.qr = answer.qr;
    var until = new Date(answer.expires_at);
    field("copy_qr", answer.qr);
    field("copy_until", clock(until));
    document.getElementById("app-copy-code").hidden = false;
    document.getElementById("app-copy").hidden = false;
    scannedBy(null);
    copyButton(true);
    holder.focus();
    stopCopy();
    copyTimer = setTimeout(function () {
      // Only the QR code dies: a new phone that scanned it in time may still be confirmed.
      document.getElementById("app-copy-code").hidden = true;
      say(texts["copy-expired"], "error");
    }, Math.max(0, until - Date.now()));
  }

  var actions = {
    "start-activation": function (form) {
      var userId = form.user_id.value.trim();
      return newKey().then(function (key) {
        // A phone that already holds a user-ID signs, to prove it is the same installation.
        return call("POST", "/activations", {
          user_id: userId, activation_code: form.activation_code.value.trim(),
          installation_id: state.installation, public_key: key.publicKey, device_name: phoneName
        }, signer()).then(function (answer) { return remember(userId, key, answer); });
      }).then(function () { say(texts["pin-sent"]); show("confirm"); });
    },
    "confirm-activation": function (form) {
      if (form.pin.value !== form.pin2.value) { return Promise.reject(new Error("pins-differ")); }
      var account = state.accounts[activating];
      return sign(account.key, account.challenge).then(function (signature) {
        return call("POST", "/activations/" + state.installation + "/confirm", {
          user_id: activating, temporary_pin: form.temporary_pin.value.trim(), pin: form.pin.value,
          signature: signature, notifications_accepted: form.notifications.checked, biometrics: form.biometrics.checked
        });
      }).then(function (answer) {
        account.status = answer.status;
        delete account.challenge;
        // Listed as registered, not as typed: the key goes with it (a walk saw "jonas walk").
        if (answer.user_id && answer.user_id !== activating && !state.accounts[answer.user_id]) {
          state.accounts[answer.user_id] = account;
          delete state.accounts[activating];
          activating = answer.user_id;
        }
        return save();
      }).then(function () { form.reset(); say(texts.activated); home(); });
    },
    forget: function (button) {
      // Only this phone forgets it: an app never activated logs nobody in.
      delete state.accounts[button.dataset.userId];
      return save().then(function () { say(texts.forgotten); home(); });
    },
    finish: function (button) {
      activating = button.dataset.userId;
      if (state.accounts[activating].matchCode) {
        return askAfterCopy(activating, false);
      } else {
        say("");
        show("confirm");
      }
      return Promise.resolve();
    },

    // The passport road, step by step; the portal checks each answer.
    "passport-start": function (form) {
      var person = form.person.value.trim();
      var body = {
        terms_accepted: form.terms.checked, terms_version: root.dataset.termsVersion,
        language: document.documentElement.lang
      };
      if (/^p/i.test(person)) { body.p_code = person.toUpperCase(); } else { body.cpr = person; }
      return call("POST", "/passport/enrollments", body).then(function (answer) {
        road = { token: answer.enrollment_token };
        return keepRoad("passport-mrz");
      }).then(function () {
        say("");
        show("passport-mrz");
      });
    },
    "passport-mrz": function (form) {
      var token = onRoad().token;
      if (!passport) { return Promise.reject(new Error("no-passport")); }
      return call("POST", "/passport/mrz", { enrollment_token: token, mrz: form.mrz.value }).then(function (answer) {
        field("document_number", answer.document_number);
        return keepRoad("passport-chip", { documentNumber: answer.document_number });
      }).then(function () {
        say("");
        show("passport-chip");
      });
    },
    "passport-chip": function () {
      var token = onRoad().token;
      return call("POST", "/passport/chip", {
        enrollment_token: token, dg1: passport.dg1, dg2: passport.dg2, sod: passport.sod
      }).then(function () { return keepRoad("passport-face"); }).then(function () { say(""); show("passport-face"); });
    },
    "passport-face": function (form) {
      var token = onRoad().token;
      var file = form.face.files[0];
      return (file ? picture(file) : Promise.resolve(passport.face)).then(function (face) {
        return call("POST", "/passport/face", { enrollment_token: token, picture: face });
      }).then(function (answer) {
        form.reset();
        ownUserId(answer.has_mitid);
        return keepRoad("passport-user-id", { hasMitid: answer.has_mitid });
      }).then(function () {
        say("");
        show("passport-user-id");
      }, function (error) {
        form.reset(); // a refused picture is taken again, not sent again
        throw error;
      });
    },
    "passport-user-id": function (form) {
      var token = onRoad().token;
      document.getElementById("app-suggestions").hidden = true;
      return call("POST", "/passport/user-id", { enrollment_token: token, user_id: form.user_id.value }).then(newKey).then(function (key) {
        var body = {
          enrollment_token: token, mobile: form.mobile.value.trim(), installation_id: state.installation,
          public_key: key.publicKey, device_name: phoneName
        };
        var by = activeSigner();
        return call("POST", "/passport/app", body, by).catch(function (error) {
          // The app that signed was blocked since this phone last heard (`call` has learnt
          // it now): the road goes on without it, as a blocked app proves nothing.
          if (by && error.message === "device_not_active") { return call("POST", "/passport/app", body, activeSigner()); }
          throw error;
        }).then(function (answer) { return remember(answer.user_id, key, answer); });
      }).then(function () {
        passport = null;
        return forgetRoad();
      }).then(function () {
        root.querySelectorAll("form[data-action^='passport-']").forEach(function (done) { done.reset(); });
        say(texts["pin-sent"]);
        show("confirm");
      });
    },
    "use-suggestion": function (button) {
      var input = document.getElementById("app-new-user-id");
      input.value = button.textContent;
      input.focus();
      return Promise.resolve();
    },

    // Logins, the other phone's copy code and an activation code (self-service's QR code for
    // a new device): one scanner reads them all.
    scan: function (form) {
      var file = form.photo.files[0];
      var read = file ? readQr(file) : Promise.resolve(form.frame.value.trim());
      return read.then(function (text) {
        if (/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/.test(text)) {
          // The code goes in its field; the citizen types the user-ID, as with a typed code.
          form.reset();
          say("");
          var activation = root.querySelector("[data-action='start-activation']");
          activation.activation_code.value = text;
          show("activate");
          activation.user_id.focus();
          return;
        }
        if (text.indexOf("mitid-copy.") === 0) {
          // Asked at once: a code used or out of time is said before the user-ID is typed.
          return call("POST", "/copies/check", { qr: text }).then(function () {
            copyCode = text;
            form.reset();
            say("");
            show("copy-user-id");
          }, function (error) {
            if (error.message === "copy_code_used") {
              error.text = errors.copy_code_used + " " + texts["copy-used-warning"];
            }
            throw error;
          });
        }
        // Anything else that is not a login's frame is said as such, not as a login this phone
        // cannot make: a new phone, with no user-ID yet, told so for a mistyped copy code.
        if (text.indexOf("mitid.") !== 0) { throw new Error("invalid_frame"); }
        if (!signer()) { throw new Error("no-user-id"); }
        return call("POST", "/logins/scan", { frame: text }, signer()).then(function (login) {
          form.reset();
          say("");
          present(login);
        });
      });
    },
    pending: function () {
      return call("GET", "/logins", undefined, signer()).then(function (answer) {
        if (!answer.logins.length) { say(texts["nothing-pending"]); return; }
        say("");
        present(answer.logins[0]);
      });
    },
    approve: function (form) {
      var userId = accountFor(current);
      var lines = current.signing_input.split("\n");
      if (lines[lines.length - 2] !== current.service || lines[lines.length - 1] !== current.text) {
        return Promise.reject(new Error("unknown")); // never sign other than what is shown
      }
      return sign(state.accounts[userId].key, current.signing_input).then(function (signature) {
        var body = { signature: signature, pin: form.pin.value };
        return call("POST", "/logins/" + current.token + "/approve", body, userId);
      }).then(function () { form.reset(); say(texts.approved); home(); offerTheWayBack(); });
    },
    reject: function () {
      return call("POST", "/logins/" + current.token + "/reject", {}, accountFor(current))
        .then(function () { say(texts.rejected); home(); offerTheWayBack(); });
    },

    // Copying MitID: the old phone shows the QR code and confirms; the new one scans it.
    "copy-show": function (form) {
      var userId = form.user_id.value || signer();
      return call("POST", "/copies", {}, userId).then(function (answer) {
        copy = { id: answer.copy_id, signingInput: null, userId: userId };
        say("");
        showCopy(answer);
        return keepCopy(answer);
      });
    },
    "copy-resume": resumeCopy,
    "copy-ask": function () { return askAfterCopy(activating, false); },
    "copy-confirmed": function () { return askAfterCopy(activating, true); },
    "copy-scanned": function () {
      if (!copy) { return Promise.reject(new Error("copy_not_scanned")); }
      return call("POST", "/copies/" + copy.id, {}, copy.userId).then(function (answer) {
        // What the PIN confirms: this phone, by its key.
        copy.signingInput = answer.signing_input;
        say("");
        scannedBy(answer);
      });
    },
    "copy-approve": function (form) {
      if (!copy || !copy.signingInput) { return Promise.reject(new Error("copy_not_scanned")); }
      return sign(state.accounts[copy.userId].key, copy.signingInput).then(function (signature) {
        return call("POST", "/copies/" + copy.id + "/approve", { pin: form.pin.value, signature: signature }, copy.userId);
      }).catch(function (error) {
        form.pin.value = ""; // typed again, never sent again
        if (error.message === "copy_code_expired") {
          confirmTooLate();
          error.text = texts["copy-confirm-expired"];
        }
        throw error;
      }).then(function () {
        form.reset();
        copy = null;
        return forgetCopy();
      }).then(function () {
        say(texts["copy-approved"]);
        home();
      });
    },
    "copy-scan": function (form) {
      var userId = form.user_id.value.trim();
      return newKey().then(function (key) {
        return call("POST", "/copies/scan", {
          qr: copyCode, user_id: userId, installation_id: state.installation,
          public_key: key.publicKey, device_name: phoneName
        }).then(function (answer) {
          return remember(userId, key, answer).then(function () { return answer; });
        });
      }).then(function (answer) {
        form.reset();
        copyCode = "";
        // The SMS comes once the other phone has confirmed: until then, this phone says so.
        if (answer.status === "waiting_for_old_app") {
          // Kept: after a reload (or another language) the citizen still has the code to compare.
          state.accounts[userId].matchCode = answer.match_code;
          state.accounts[userId].confirmBy = answer.confirm_by;
          return save().then(function () { waitForOldPhone(userId); });
        }
        say(texts["pin-sent"]);
        show("confirm");
      });
    }
  };

  function readQr(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var canvas = document.createElement("canvas");
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      var context = canvas.getContext("2d");
      context.drawImage(bitmap, 0, 0);
      var found = window.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
      if (!found) { throw new Error("no-qr"); }
      return found.data;
    });
  }

  var busy = false;
  function run(action, target) {
    // One request at a time, as an app shows a spinner: a double tap sends once.
    if (busy) { return; }
    busy = true;
    root.setAttribute("aria-busy", "true");
    function done() { busy = false; root.removeAttribute("aria-busy"); }
    try {
      actions[action](target).then(done, function (error) { done(); fail(error); });
    } catch (error) {
      done();
      fail(error);
    }
  }
  root.addEventListener("submit", function (event) {
    event.preventDefault();
    run(event.target.dataset.action, event.target);
  });
  root.addEventListener("click", function (event) {
    var target = event.target.closest("button[type=button]");
    if (!target) { return; }
    if (target.dataset.go) { go(target.dataset.go); }
    if (target.dataset.action) { run(target.dataset.action, target); }
  });
  root.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!road || !form || form.dataset.action !== "passport-user-id") { return; }
    road.typed = { user_id: form.user_id.value, mobile: form.mobile.value };
    keepRoad(road.screen);
  });
  root.addEventListener("change", function (event) {
    if (event.target.id === "app-passport") { choosePassport(event.target.value); }
    if (event.target.id === "app-passport-file") { openPassport(event.target.files[0]); }
  });
  // The demo's phones share one browser, and a login page's link opens phone 1: when this
  // phone cannot approve the login, the others that hold an active user-ID are offered, with
  // the same link.
  function offerOtherPhones(hash) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var phones = [];
        var cursor = db.transaction("state").objectStore("state").openCursor();
        cursor.onsuccess = function () {
          var at = cursor.result;
          if (!at) { resolve(phones); return; }
          var accounts = (at.value && at.value.accounts) || {};
          var active = Object.keys(accounts).some(function (id) { return accounts[id].status === "active"; });
          if (at.key !== record && active) { phones.push(at.key === "app" ? "1" : String(at.key).replace(/^app-/, "")); }
          at.continue();
        };
        cursor.onerror = function () { reject(cursor.error); };
      });
    }).then(function (phones) {
      var box = document.getElementById("app-elsewhere");
      var list = box.querySelector("[data-phones]");
      list.textContent = "";
      phones.sort().forEach(function (phone) {
        var link = document.createElement("a");
        link.href = location.pathname + "?phone=" + phone + hash;
        link.textContent = texts.phone + " " + phone;
        list.appendChild(link);
        list.appendChild(document.createTextNode(" "));
      });
      box.hidden = !phones.length;
    });
  }
  // Opened from a login page on this phone: the link carries the login and its secret, and
  // the page to go back to once the app has its answer (as a phone switches back to the
  // browser). Only a plain path on this site, letters, digits and slashes: the link is
  // anyone's to make, and a browser reads "/<tab>/host" as "//host", another site.
  function pageToGoBackTo(hash) {
    var match = /[#&]return=([^&#]*)/.exec(hash);
    return match && /^\/(?!\/)[A-Za-z0-9._~\/-]*$/.test(match[1]) ? match[1] : null;
  }
  function offerTheWayBack() {
    if (!openedBy || openedBy.token !== current.token || !openedBy.back) { return; }
    var box = document.getElementById("app-return");
    box.querySelector("a").setAttribute("href", openedBy.back);
    box.hidden = false;
    box.querySelector("a").focus();
  }
  function openedFromPage() {
    var match = /[#&]autostart=([0-9a-f-]{36})\.([0-9a-f]+)/.exec(location.hash);
    if (!match) { return false; }
    var hash = location.hash;
    var back = pageToGoBackTo(hash);
    history.replaceState(null, "", location.pathname + location.search);
    if (!signer()) {
      home(true);
      fail(new Error("no-user-id"));
      offerOtherPhones(hash);
      return true;
    }
    call("POST", "/logins/open", { token: match[1], autostart: match[2] }, signer())
      .then(function (login) {
        openedBy = { token: login.token, back: back };
        present(login);
      }).catch(function (error) {
        home(true);
        fail(error);
        if (error.message === "not_for_this_app") { offerOtherPhones(hash); }
      });
    return true;
  }
  load().then(function () {
    if (openedFromPage()) { return; }
    if (state.copy) { run("copy-resume"); return; }
    if (state.road) { resumeRoad(); return; }
    home(true);
  });
})();
