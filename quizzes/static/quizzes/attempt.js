// The quiz countdown. Informative only: the server decides when the attempt closes.
// The visible clock ticks every second; screen readers hear a polite update once a minute.
(function () {
  "use strict";
  function start() {
    var box = document.querySelector(".countdown[data-remaining-seconds]");
    if (!box) return;
    var clock = box.querySelector("[data-countdown-clock]");
    var announce = box.querySelector("[data-countdown-announce]");
    var form = document.querySelector("[data-quiz-form]");
    var endsAt = Date.now() + parseInt(box.dataset.remainingSeconds, 10) * 1000;
    var lastMinutes = null;
    var submitted = false;

    function pad(n) { return (n < 10 ? "0" : "") + n; }

    function tick() {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      clock.textContent = pad(minutes) + ":" + pad(left % 60);
      if (left === 0) {
        announce.textContent = box.dataset.textOver;
        if (form && !submitted) {
          submitted = true;
          var button = form.querySelector("[data-submit-quiz]");
          if (form.requestSubmit && button) { form.requestSubmit(button); } else if (button) { button.click(); }
        }
        return;
      }
      var wholeMinutes = Math.ceil(left / 60);
      if (wholeMinutes !== lastMinutes) {
        lastMinutes = wholeMinutes;
        announce.textContent = left < 60 ? box.dataset.textLastMinute
          : box.dataset.textMinutes.replace("__N__", String(wholeMinutes));
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
