// Console inbox as a map: the filtered items (the same as the list below it), each linked to its console page.
(function () {
  "use strict";
  var map = window.map_city;
  var data = document.getElementById("console-map-data");
  if (!map || !data) { return; }
  var request = new XMLHttpRequest();
  request.open("GET", data.getAttribute("data-url"));
  request.onload = function () {
    if (request.status !== 200) { return; }
    var collection = JSON.parse(request.responseText);
    var bounds = [];
    collection.features.forEach(function (feature) {
      var lonlat = feature.geometry.coordinates;
      var link = document.createElement("a");
      link.href = feature.properties.url;
      link.textContent = feature.properties.number;
      L.circleMarker([lonlat[1], lonlat[0]], { radius: 6, weight: 2 }).bindPopup(link).addTo(map);
      bounds.push([lonlat[1], lonlat[0]]);
    });
    if (bounds.length) { map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] }); }
  };
  request.send();
}());
