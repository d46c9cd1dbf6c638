// The code reader reads its code aloud, digit by digit, in the page's language.
(function () {
  "use strict";
  var button = document.querySelector("[data-read-aloud]");
  var screen = document.querySelector("[data-code]");
  if (!button || !screen || !("speechSynthesis" in window)) {
    return;
  }
  var voices = { da: "da-DK", en: "en-GB", kl: "da-DK" };
  button.hidden = false;
  button.addEventListener("click", function () {
    var digits = screen.getAttribute("data-code").split("").join(", ");
    var utterance = new SpeechSynthesisUtterance(digits);
    utterance.lang = voices[document.documentElement.lang] || "da-DK";
    utterance.rate = 0.8;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  });
})();
