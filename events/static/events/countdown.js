/* The chair's countdown for the statement under way; without JavaScript the time limit is shown. */
(function () {
  "use strict";
  var clock = document.querySelector(".countdown");
  var start = document.querySelector("[data-countdown-start]");
  if (!clock || !start) { return; }
  var value = clock.querySelector(".countdown-value");
  var total = parseInt(clock.getAttribute("data-seconds"), 10);
  var timer = null;
  function show(left) {
    var minutes = Math.floor(Math.abs(left) / 60);
    var seconds = Math.abs(left) % 60;
    value.textContent = (left < 0 ? "−" : "") + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    clock.classList.toggle("overtime", left < 0);
  }
  var unit = clock.querySelector(".countdown-unit");
  if (unit) { unit.hidden = true; }  // minutes:seconds from here on
  show(total);
  start.addEventListener("click", function () {
    var began = Date.now();
    window.clearInterval(timer);
    timer = window.setInterval(function () {
      show(total - Math.floor((Date.now() - began) / 1000));
    }, 250);
    start.disabled = true;
  });
}());
