// Item page: the item's point on a small map.
(function () {
  "use strict";
  var map = window.map_city;
  var spot = document.getElementById("item-location");
  if (!map || !spot) { return; }
  var latlng = [parseFloat(spot.getAttribute("data-lat")), parseFloat(spot.getAttribute("data-lon"))];
  L.marker(latlng, { keyboard: false }).addTo(map);
  map.setView(latlng, 16);
}());
