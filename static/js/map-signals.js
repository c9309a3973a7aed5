// Home page: public signals of the chosen window on the map, every one of them counted at every zoom.
// Below street zoom the server's cell counts (/map/cells.json, one level per zoom band) are drawn as clusters
// with their counts; at street zoom the points themselves (/map/signals.geojson), falling back to the finest
// cells if the box holds more than the server sends. URLs carry the data version and the window's first date
// from /map/version.json, so the browser may keep them. Bodies carry codes; their words come once from
// /map/labels.<locale>.json, the locale being the page's.
(function () {
  "use strict";
  var map = window.map_city;
  var box = document.getElementById("map-signals");
  if (!map || !box) { return; }
  var colours = {};
  Array.prototype.forEach.call(document.querySelectorAll(".legend .swatch"), function (swatch) {
    var status = (swatch.className.match(/status-(\w+)/) || [])[1];
    if (status) { colours[status] = getComputedStyle(swatch).backgroundColor; }
  });
  var filters = document.getElementById("map-filters");
  var note = document.getElementById("map-count");
  if (!isFinite(map.getMaxZoom())) { map.setMaxZoom(19); }   // no tile layer tells Leaflet one
  var STREET = 16;
  // The whole municipality in view first, at any screen width: every signal of the window is on the map.
  if (window.geo_json_city_districts && !window.location.hash) {
    map.fitBounds(window.geo_json_city_districts.getBounds(), { animate: false });
  }
  var cellLayer = L.layerGroup().addTo(map);
  var pointLayer = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 30 });
  map.addLayer(pointLayer);
  var locale = document.documentElement.lang || "bg";
  var labels = { statuses: {}, categories: {} };
  var labelsLoaded = fetch("/map/labels." + encodeURIComponent(locale) + ".json", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : labels; })
    .then(function (data) { labels = data; })
    .catch(function () { /* codes are shown instead */ });
  var state = null, stateAt = 0, pending = null;

  function current() {   // the version document, at most 15 s old
    if (state && Date.now() - stateAt < 15000) { return Promise.resolve(state); }
    return fetch("/map/version.json", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { state = data; stateAt = Date.now(); return data; });
  }

  function levelFor(zoom) { return zoom <= 10 ? 0 : zoom <= 12 ? 1 : zoom <= 14 ? 2 : 3; }

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

  function cluster(lat, lon, count) {
    var span = document.createElement("span");
    span.textContent = String(count);
    var size = count < 10 ? "s" : count < 100 ? "m" : count < 1000 ? "l" : "xl";
    var marker = L.marker([lat, lon], {
      icon: L.divIcon({ html: span, className: "cell-cluster cell-" + size, iconSize: null }),
      title: count + " " + (box.getAttribute("data-reports") || ""), keyboard: true
    });
    marker.on("click", function () { map.setView([lat, lon], Math.min(map.getZoom() + 2, STREET)); });
    return marker;
  }

  function shown(total) {
    box.setAttribute("data-count", String(total));
    if (note) { note.textContent = note.getAttribute("data-template") + " " + total; }
  }

  function drawCells(data) {
    var bounds = map.getBounds(), total = 0;
    cellLayer.clearLayers(); pointLayer.clearLayers();
    data.cells.forEach(function (c) {
      cellLayer.addLayer(cluster(c[1], c[0], c[2]));
      if (bounds.contains([c[1], c[0]])) { total += c[2]; }
    });
    box.setAttribute("data-mode", "cells"); box.setAttribute("data-level", String(data.level));
    box.setAttribute("data-total", String(data.total));
    shown(total);
  }

  function drawPoints(data) {
    cellLayer.clearLayers(); pointLayer.clearLayers();
    pointLayer.addLayers(data.features.map(function (f) {
      var c = f.geometry.coordinates;
      return L.circleMarker([c[1], c[0]], { radius: 7, weight: 2, color: "#ffffff", fillOpacity: 0.9,
        fillColor: colours[f.properties.status] || "#374151" }).bindPopup(popup(f.properties));
    }));
    box.setAttribute("data-mode", "points");
    shown(data.features.length);
  }

  function get(url, controller) {
    return fetch(url, { signal: controller.signal, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function load() {
    if (pending) { pending.abort(); }
    var controller = pending = new AbortController();
    Promise.all([current(), labelsLoaded]).then(function (both) {
      if (controller.signal.aborted) { return null; }
      var version = both[0], zoom = map.getZoom();
      var params = new URLSearchParams({ v: String(version.version) });
      var days = "30";
      if (filters) {
        new FormData(filters).forEach(function (value, key) {
          if (key === "days") { days = value || "30"; } else if (value) { params.set(key, value); }
        });
      }
      params.set("from", version.from[days] || version.from["30"]);
      var b = map.getBounds(), padded = b.pad(0.5);
      var bbox = function (r) {
        return [Math.max(r.getWest(), -180), Math.max(r.getSouth(), -90), Math.min(r.getEast(), 180),
                Math.min(r.getNorth(), 90)].map(function (x) { return x.toFixed(4); }).join(",");
      };
      var cells = function (level) {
        var q = new URLSearchParams(params); q.set("level", String(level));
        if (level >= 2) { q.set("bbox", bbox(padded)); }   // city and district levels: the whole city, a few KB
        return get("/map/cells.json?" + q.toString(), controller).then(drawCells);
      };
      if (zoom < STREET) { return cells(levelFor(zoom)); }
      var q = new URLSearchParams(params); q.set("bbox", bbox(b));
      return get("/map/signals.geojson?" + q.toString(), controller).then(function (data) {
        return data.truncated ? cells(3) : drawPoints(data);
      });
    }).catch(function () { /* a newer view replaced this request, or the network failed: keep the last */ });
  }

  map.on("moveend", load);
  if (filters) {
    filters.addEventListener("change", load);
    filters.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  }
  load();
}());
