// The alert page: draw the alert's area as a polygon on the map (Leaflet.draw, vendored). The drawn polygon goes
// into the form's hidden `polygon` field as GeoJSON; the server checks it (valid, at most 200 corners, no larger
// than the municipality). Without JavaScript, or by keyboard, the district or the point and radius serve.
(function () {
  "use strict";
  var map = window.map_city;
  var field = document.getElementById("polygon");
  var status = document.getElementById("drawn-status");
  var clear = document.getElementById("drawn-clear");
  if (!map || !field || !L.Control.Draw) { return; }
  var drawn = new L.FeatureGroup().addTo(map);
  var t = document.getElementById("draw-texts").dataset;
  // The drawing tool's own words, in the page's language.
  var local = L.drawLocal.draw;
  local.toolbar.buttons.polygon = t.button;
  local.toolbar.finish = { title: t.finish, text: t.finish };
  local.toolbar.undo = { title: t.undo, text: t.undo };
  local.toolbar.actions = { title: t.cancel, text: t.cancel };
  local.handlers.polygon.tooltip = { start: t.start, cont: t.next, end: t.end };
  map.addControl(new L.Control.Draw({
    position: "topleft",
    draw: { polygon: { allowIntersection: false, showArea: false, maxPoints: 200 },
            polyline: false, rectangle: false, circle: false, marker: false, circlemarker: false },
    edit: { featureGroup: drawn, edit: false, remove: false }
  }));
  function show(layer) {
    drawn.clearLayers();
    if (layer) {
      drawn.addLayer(layer);
      var geometry = layer.toGeoJSON().geometry;
      field.value = JSON.stringify(geometry);
      status.textContent = t.drawn;
      clear.hidden = false;
    } else {
      field.value = "";
      status.textContent = t.none;
      clear.hidden = true;
    }
  }
  map.on(L.Draw.Event.CREATED, function (event) { show(event.layer); });
  clear.addEventListener("click", function () { show(null); });
  if (field.value) {
    try { show(L.geoJSON(JSON.parse(field.value)).getLayers()[0]); } catch (e) { show(null); }
  }
  map.setView([42.6977, 23.3219], 12);
}());
