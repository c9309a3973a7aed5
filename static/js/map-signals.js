// Home page: markers of public signals for the current view, from /map/signals.geojson,
// clustered and coloured by status. Never embedded in the page: fetched per view.
// The GeoJSON carries codes only (one cached answer for every language); their labels
// come once from /map/labels.<locale>.json, the locale being the page's.
(function () {
  "use strict";
  var map = window.map_city;
  var box = document.getElementById("map-signals");
  if (!map || !box) { return; }
  // Colours come from the legend's swatches (site.css), so the legend and the markers never disagree.
  var colours = {};
  Array.prototype.forEach.call(document.querySelectorAll(".legend .swatch"), function (swatch) {
    var status = (swatch.className.match(/status-(\w+)/) || [])[1];
    if (status) { colours[status] = getComputedStyle(swatch).backgroundColor; }
  });
  var filters = document.getElementById("map-filters");
  // Without tiles no layer tells Leaflet a maximum zoom, which clustering needs.
  if (!isFinite(map.getMaxZoom())) { map.setMaxZoom(19); }
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
  map.addLayer(cluster);
  var pending = null;
  var locale = document.documentElement.lang || "bg";
  var labels = { statuses: {}, categories: {} };
  var labelsLoaded = fetch("/map/labels." + encodeURIComponent(locale) + ".json", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : labels; })
    .then(function (data) { labels = data; })
    .catch(function () { /* codes are shown instead */ });

  function popup(p) {
    var div = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/signals/" + encodeURIComponent(p.number);
    link.textContent = p.number;
    var category = document.createElement("div");
    category.textContent = labels.categories[p.category_code] || p.category_code;
    var status = document.createElement("div");
    status.textContent = labels.statuses[p.status] || p.status;
    div.appendChild(link); div.appendChild(category); div.appendChild(status);
    return div;
  }

  function load() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); });
    var params = new URLSearchParams({ bbox: bbox.join(","), days: "30" });
    if (filters) {
      new FormData(filters).forEach(function (value, key) { if (value) { params.set(key, value); } });
    }
    var url = "/map/signals.geojson?" + params.toString();
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var answer = fetch(url, { signal: pending.signal, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; });
    Promise.all([answer, labelsLoaded]).then(function (both) { return both[0]; })
      .then(function (data) {
        cluster.clearLayers();
        var markers = data.features.map(function (f) {
          var c = f.geometry.coordinates;
          return L.circleMarker([c[1], c[0]], {
            radius: 7, weight: 2, color: "#ffffff", fillOpacity: 0.9,
            fillColor: colours[f.properties.status] || "#374151"
          }).bindPopup(popup(f.properties));
        });
        cluster.addLayers(markers);
        box.setAttribute("data-count", String(markers.length));
        var note = document.getElementById("map-count");
        if (note) { note.textContent = note.getAttribute("data-template") + " " + markers.length; }
      })
      .catch(function () { /* a newer view replaced this request */ });
  }
  map.on("moveend", load);
  if (filters) {
    filters.addEventListener("change", load);
    filters.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  }
  load();
}());
