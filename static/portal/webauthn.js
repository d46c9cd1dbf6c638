// The MitID chip in the browser: a form marked data-webauthn="create" or "get" asks the
// security key with the options the page carries, and sends the key's answer as JSON.
(function () {
  "use strict";
  var form = document.querySelector("form[data-webauthn]");
  var script = document.getElementById("webauthn-options");
  if (!form || !script) { return; }
  var supported = window.PublicKeyCredential &&
    PublicKeyCredential.parseCreationOptionsFromJSON && PublicKeyCredential.parseRequestOptionsFromJSON;
  if (!supported) {
    form.querySelector(".webauthn-unsupported").hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    return;
  }
  var options = JSON.parse(script.textContent).publicKey;
  form.addEventListener("submit", function (event) {
    var field = form.querySelector("input[name=credential]");
    if (field.value) { return; }
    event.preventDefault();
    var ask = form.dataset.webauthn === "create"
      ? navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
      : navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    ask.then(function (credential) {
      field.value = JSON.stringify(credential.toJSON());
      form.submit();
    }).catch(function (error) {
      // Cancelled, timed out or refused by the key: the server says so in the page's language.
      // The error's name tells a chip already registered (InvalidStateError) from the rest.
      field.value = JSON.stringify({ error: (error && error.name) || "" });
      form.submit();
    });
  });
})();
