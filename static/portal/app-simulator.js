// The MitID app simulator (demo only). Like a real app it makes an ECDSA P-256 key per
// user-ID, keeps it in this browser (IndexedDB, not extractable), and speaks only the App
// API: every request after activation carries a MitID-Signature header by that key.
(function () {
  "use strict";
  var root = document.getElementById("app");
  if (!root) { return; }
  var api = root.dataset.api.replace(/openapi\.json$/, "").replace(/\/$/, "");
  var errors = JSON.parse(document.getElementById("app-errors").textContent);
  var texts = {};
  document.getElementById("app-texts").content.querySelectorAll("[data-text]").forEach(function (node) {
    texts[node.dataset.text] = node.textContent;
  });
  var state = { installation: "", accounts: {} };
  var current = null; // the login being shown for approval
  var activating = ""; // the user-ID being activated

  if (!window.crypto || !crypto.subtle || !window.indexedDB) {
    document.getElementById("app-unsupported").hidden = false;
    return;
  }

  // Storage: one IndexedDB record holds the installation and its user-IDs with their keys.
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
      return new Promise(function (resolve) {
        var get = db.transaction("state").objectStore("state").get("app");
        get.onsuccess = function () { resolve(get.result); };
      });
    }).then(function (saved) {
      state = saved || { installation: crypto.randomUUID(), accounts: {} };
    });
  }
  function save() {
    return database().then(function (db) {
      return new Promise(function (resolve) {
        var tx = db.transaction("state", "readwrite");
        tx.objectStore("state").put(state, "app");
        tx.oncomplete = resolve;
      });
    });
  }

  // Bytes and signatures.
  function b64(bytes) { return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes))); }
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

  // The App API.
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
      return fetch(api + path, { method: method, headers: headers, body: method === "POST" ? data : undefined, credentials: "omit" });
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { throw new Error((json.error && json.error.code) || "unknown"); }
        return json;
      });
    }, function () { throw new Error("network"); });
  }

  // Screens and messages.
  function show(name, quietly) {
    root.querySelectorAll("[data-screen]").forEach(function (screen) { screen.hidden = screen.dataset.screen !== name; });
    var heading = root.querySelector("[data-screen='" + name + "'] h2");
    if (heading && !quietly) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }
  function say(text, kind) {
    var box = document.getElementById("app-message");
    box.className = "app-message alert " + (kind === "error" ? "alert-error" : "alert-success");
    box.querySelector(".alert-text").textContent = text;
    box.hidden = !text;
  }
  function fail(error) { say(errors[error.message] || errors.unknown, "error"); }
  function signer() {
    return Object.keys(state.accounts).filter(function (id) { return state.accounts[id].status === "active"; })[0];
  }
  function accountFor(login) {
    return Object.keys(state.accounts).filter(function (id) { return state.accounts[id].keyId === login.key_id; })[0];
  }
  function home(quietly) {
    var list = document.getElementById("app-accounts");
    list.textContent = "";
    Object.keys(state.accounts).forEach(function (userId) {
      var item = document.createElement("li");
      item.textContent = userId + " – " + texts[state.accounts[userId].status === "active" ? "active" : "pending"];
      list.appendChild(item);
    });
    document.getElementById("app-no-accounts").hidden = list.children.length > 0;
    show("home", quietly === true);
  }
  function present(login) {
    current = login;
    ["service", "text", "user_id", "code"].forEach(function (field) {
      root.querySelector("[data-field='" + field + "']").textContent = login[field] || "";
    });
    root.querySelector("[data-typed-code]").hidden = !login.code;
    show("approve");
  }

  var actions = {
    "start-activation": function (form) {
      var userId = form.user_id.value.trim();
      return crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]).then(function (pair) {
        return crypto.subtle.exportKey("spki", pair.publicKey).then(function (spki) {
          // A phone that already holds a user-ID signs, to prove it is the same installation.
          return call("POST", "/activations", {
            user_id: userId, activation_code: form.activation_code.value.trim(),
            installation_id: state.installation, public_key: b64(spki), device_name: "MitID app simulator"
          }, signer());
        }).then(function (answer) {
          state.accounts[userId] = { key: pair.privateKey, keyId: answer.key_id, challenge: answer.challenge, status: "pending" };
          activating = userId;
          return save();
        });
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
        return save();
      }).then(function () { form.reset(); say(texts.activated); home(); });
    },
    scan: function (form) {
      var file = form.photo.files[0];
      var read = file ? readQr(file) : Promise.resolve(form.frame.value.trim());
      return read.then(function (frame) {
        return call("POST", "/logins/scan", { frame: frame }, signer());
      }).then(function (login) { form.reset(); say(""); present(login); });
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
      }).then(function () { form.reset(); say(texts.approved); home(); });
    },
    reject: function () {
      return call("POST", "/logins/" + current.token + "/reject", {}, accountFor(current))
        .then(function () { say(texts.rejected); home(); });
    }
  };
  errors["pins-differ"] = texts["pins-differ"];
  errors["no-qr"] = texts["no-qr"];

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

  root.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    actions[form.dataset.action](form).catch(fail);
  });
  root.addEventListener("click", function (event) {
    var target = event.target.closest("button[type=button]");
    if (!target) { return; }
    if (target.dataset.go) { say(""); if (target.dataset.go === "home") { home(); } else { show(target.dataset.go); } }
    if (target.dataset.action) { actions[target.dataset.action]().catch(fail); }
  });
  // Opened from a login page on this phone: the link carries the login and its secret.
  function openedFromPage() {
    var match = /[#&]autostart=([0-9a-f-]{36})\.([0-9a-f]+)/.exec(location.hash);
    if (!match || !signer()) { return false; }
    history.replaceState(null, "", location.pathname);
    call("POST", "/logins/open", { token: match[1], autostart: match[2] }, signer())
      .then(present).catch(function (error) { home(true); fail(error); });
    return true;
  }
  load().then(function () { if (!openedFromPage()) { home(true); } });
})();
