// Place search on the home map and the report form: while one types (or on Enter / "Find"), ask
// /map/places.json and list the places as buttons; choosing one zooms the map to it and outlines it. On the
// report form a chosen street also puts the pin on it (its point nearest the current pin, else its middle),
// and a chosen district is set in the district field. Without this script the search is a GET form to /places.
(function () {
  "use strict";
  var input = document.getElementById("place-q");
  var list = document.getElementById("place-results");
  var status = document.getElementById("place-status");
  var box = input && input.closest(".place-search");
  if (!input || !list || !status || !box || !window.fetch) { return; }
  var map = window.map_city;
  var owner = input.form;                       // the search form, or the empty one a detached search names
  var locale = document.documentElement.lang || "bg";
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  var district = document.getElementById("district");
  var highlight = null, timer = null, asked = "", seq = 0;

  function say(key, values) {
    var text = status.getAttribute("data-" + key) || "";
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    status.textContent = text;
  }

  function clear() { list.replaceChildren(); list.hidden = true; }

  function render(results) {
    list.replaceChildren();
    results.forEach(function (hit, index) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "place-hit";
      button.setAttribute("data-ref", hit.ref);
      var name = document.createElement("strong");
      name.textContent = hit.name;
      var what = document.createElement("span");
      what.textContent = " — " + hit.description;
      button.appendChild(name); button.appendChild(what);
      button.addEventListener("click", function () { choose(hit); });
      button.addEventListener("keydown", function (event) { step(event, index); });
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = !results.length;
    if (results.length) { say("found", { n: results.length }); } else { say("none"); }
  }

  function search(now) {
    var q = input.value.trim();
    if (q === asked && !now) { return; }
    asked = q;
    if (q.length < 2) { clear(); status.textContent = ""; return; }
    var mine = ++seq;
    fetch(box.getAttribute("data-api") + "?locale=" + encodeURIComponent(locale) + "&q=" + encodeURIComponent(q),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        if (mine !== seq) { return; }          // a later keystroke asked again
        render(data.results || []);
        if (now && data.results && data.results.length) { list.querySelector("button").focus(); }
      })
      .catch(function () { if (mine === seq) { clear(); say("failed"); } });
  }

  function step(event, index) {
    var buttons = list.querySelectorAll("button");
    if (event.key === "ArrowDown" && index + 1 < buttons.length) { buttons[index + 1].focus(); event.preventDefault(); }
    if (event.key === "ArrowUp") { (index > 0 ? buttons[index - 1] : input).focus(); event.preventDefault(); }
    if (event.key === "Escape") { clear(); input.focus(); event.preventDefault(); }
  }

  function outline(hit) {
    if (!map || hit.kind === "district") { return Promise.resolve(null); }
    var url = box.getAttribute("data-outline").replace(/0\.geojson$/, hit.ref.slice(1) + ".geojson");
    var pin = lat && lon && isFinite(parseFloat(lat.value)) && isFinite(parseFloat(lon.value));
    if (pin) { url += "?lon=" + encodeURIComponent(lon.value.replace(",", ".")) + "&lat=" + encodeURIComponent(lat.value.replace(",", ".")); }
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }

  function choose(hit) {
    clear();
    input.value = hit.name;
    asked = hit.name;
    if (map) {
      var b = hit.bbox;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: hit.kind === "street" ? 17 : 16, animate: false });
    }
    if (district && hit.kind === "district") { district.value = hit.ref.slice(1); }
    outline(hit).then(function (feature) {
      if (highlight) { highlight.remove(); highlight = null; }
      if (feature && map) {
        highlight = L.geoJSON(feature, { interactive: false,
          style: { color: "#b45309", weight: 3, dashArray: "6 4", fill: hit.kind !== "street", fillOpacity: 0.08 } }).addTo(map);
      }
      if (hit.kind === "street" && lat && lon && feature) {
        lon.value = feature.properties.point[0].toFixed(6);
        lat.value = feature.properties.point[1].toFixed(6);
        lat.dispatchEvent(new Event("change"));
        say("pinned", { place: hit.label });
      } else {
        say("shown", { place: hit.label });
      }
    });
    input.focus();
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 250); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !list.hidden) { list.querySelector("button").focus(); event.preventDefault(); }
    if (event.key === "Escape" && !list.hidden) { clear(); event.preventDefault(); }
    if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); search(true); }
  });
  if (owner) {
    owner.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); search(true); });
  }
}());
