// Report form: click the map to set the visible lat/lon inputs; typing in them moves the marker.
(function () {
  "use strict";
  var map = window.map_city;
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  if (!map || !lat || !lon) { return; }
  var marker = null;

  function place(latlng, pan) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { keyboard: false }).addTo(map); }
    if (pan) { map.panTo(latlng); }
  }
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    place(event.latlng, false);
    lat.dispatchEvent(new Event("change"));
  });
  function typed() {
    var y = parseFloat(lat.value.replace(",", ".")), x = parseFloat(lon.value.replace(",", "."));
    if (isFinite(y) && isFinite(x) && Math.abs(y) <= 90 && Math.abs(x) <= 180) { place([y, x], true); }
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);
  typed();
}());
