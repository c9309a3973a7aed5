// Report form: "Use my location" places the pin where the browser says the device is, and says how accurate
// that is. Browsers give a position only to secure pages (https, or this machine), so the button shows only
// there; elsewhere the map, the search and the coordinate fields remain.
(function () {
  "use strict";
  var button = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  if (!button || !status || !lat || !lon || !window.isSecureContext || !navigator.geolocation) { return; }
  button.hidden = false;

  function say(key, metres) {
    status.textContent = (status.getAttribute("data-" + key) || "").replace("{m}", String(metres));
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("busy");
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      lat.value = c.latitude.toFixed(6);
      lon.value = c.longitude.toFixed(6);
      lat.dispatchEvent(new Event("change"));
      if (window.map_city) { window.map_city.setView([c.latitude, c.longitude], 17, { animate: false }); }
      var metres = Math.max(1, Math.round(c.accuracy || 0));
      say(metres > 100 ? "rough" : "done", metres);
      button.disabled = false;
    }, function (error) {
      say(error.code === 1 ? "denied" : error.code === 3 ? "timeout" : "unavailable");
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
}());
