/* Shows an event's times in the reader's own time zone, beside the venue's and UTC. */
(function () {
  "use strict";
  document.querySelectorAll(".local-time").forEach(function (el) {
    var start = new Date(el.getAttribute("data-start"));
    var end = new Date(el.getAttribute("data-end"));
    if (isNaN(start) || isNaN(end) || !window.Intl) { return; }
    var day = { weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" };
    var hour = { hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
    var lang = document.documentElement.lang || undefined;
    el.textContent = el.getAttribute("data-label") + ": " + start.toLocaleString(lang, day) + "–" + end.toLocaleTimeString(lang, hour);
    el.hidden = false;
    el.insertAdjacentHTML("beforebegin", "<br>");
  });
}());
