/* Places: a button that fills the typed field from the browser's Geolocation API. The field is
   the answer and works without this script; the button only appears where the browser can
   locate, and the server checks whatever the field holds. A geopoint's field is replaced, a
   geotrace's or geoshape's gets the position added as its next point. */
(function () {
  "use strict";
  if (!navigator.geolocation) { return; }
  var policy = document.permissionsPolicy || document.featurePolicy;
  if (policy && policy.allowsFeature && !policy.allowsFeature("geolocation")) { return; }
  function round(value, places) { return Number(value.toFixed(places)).toString(); }
  document.querySelectorAll(".geo-locate[data-for]").forEach(function (slot) {
    var field = document.getElementById(slot.getAttribute("data-for"));
    if (!field) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary";
    button.textContent = slot.getAttribute("data-label");
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "help";
    slot.appendChild(button);
    slot.appendChild(document.createTextNode(" "));
    slot.appendChild(status);
    button.addEventListener("click", function () {
      status.textContent = slot.getAttribute("data-waiting");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        var point = round(c.latitude, 6) + " " + round(c.longitude, 6) + " " +
          round(c.altitude === null ? 0 : c.altitude, 1) + " " + round(c.accuracy, 1);
        if (field.getAttribute("data-geo") === "geopoint" || !field.value.trim()) {
          field.value = point;
        } else {
          field.value = field.value.replace(/[;\s]+$/, "") + "; " + point;
        }
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
        status.textContent = slot.getAttribute("data-done");
        button.disabled = false;
      }, function () {
        status.textContent = slot.getAttribute("data-failed");
        button.disabled = false;
        field.focus();
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });
  });
})();
