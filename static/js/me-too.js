// Report form, "me too": once the kind is a problem, the category is chosen and the pin is placed, list the
// open public problems of that category within 50 m (/map/nearby.json), with their approved photos and
// status; "This is my problem too" adds this browser to one of them (POST /signals/<number>/support) instead
// of filing a duplicate. Without this script the form files as before, and each item page has the button.
(function () {
  "use strict";
  var section = document.getElementById("nearby");
  var list = document.getElementById("nearby-list");
  var status = document.getElementById("nearby-status");
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  var category = document.getElementById("category");
  var token = document.querySelector("#report-form input[name=csrf_token]");
  if (!section || !list || !status || !lat || !lon || !category || !window.fetch) { return; }
  var locale = document.documentElement.lang || "bg";
  var text = function (key, values) {
    var t = section.getAttribute("data-" + key) || "";
    Object.keys(values || {}).forEach(function (k) { t = t.replace("{" + k + "}", values[k]); });
    return t;
  };
  var asked = "", seq = 0;

  function kind() {
    var chosen = document.querySelector("input[data-kind-choice]:checked");
    return chosen ? chosen.value : "problem";
  }

  function number(value) { return parseFloat(String(value).replace(",", ".")); }

  function hide() { section.hidden = true; list.replaceChildren(); status.textContent = ""; }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function support(item, button, count) {
    button.disabled = true;
    fetch(item.support_url, { method: "POST", credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        count.textContent = text("count", { n: data.supporters });
        var thanks = element("p", "notice", text(data.added ? "thanks" : "already", { n: data.supporters }));
        thanks.setAttribute("role", "status");
        button.replaceWith(thanks);
      })
      .catch(function () {
        button.disabled = false;
        status.textContent = text("failed");
      });
  }

  function render(results) {
    list.replaceChildren();
    results.forEach(function (item) {
      var li = element("li", "nearby-item");
      if (item.photos.length) {
        var photos = element("div", "nearby-photos");
        item.photos.forEach(function (src, i) {
          var img = element("img");
          img.src = src; img.width = 96; img.loading = "lazy";
          img.alt = text("photo", { n: i + 1, number: item.number });
          photos.appendChild(img);
        });
        li.appendChild(photos);
      }
      var body = element("div", "nearby-body");
      var link = element("a", "number", item.number);
      link.href = item.url; link.target = "_blank"; link.rel = "noopener";
      link.appendChild(element("span", "visually-hidden", " " + text("newtab")));
      body.appendChild(link);
      var title = element("p", "user-text", item.title);
      title.dir = "auto";
      body.appendChild(title);
      body.appendChild(element("p", "nearby-meta", text("meta", {
        status: item.status_label, date: item.registered, m: Math.round(item.distance_m) })));
      var count = element("p", "nearby-count", text("count", { n: item.supporters }));
      body.appendChild(count);
      var button = element("button", "secondary", text("button"));
      button.type = "button";
      button.setAttribute("aria-describedby", "nearby-why");
      button.addEventListener("click", function () { support(item, button, count); });
      body.appendChild(button);
      li.appendChild(body);
      list.appendChild(li);
    });
  }

  function look() {
    var y = number(lat.value), x = number(lon.value);
    if (kind() !== "problem" || !category.value || !isFinite(y) || !isFinite(x)) { asked = ""; hide(); return; }
    var query = "lat=" + y.toFixed(6) + "&lon=" + x.toFixed(6) + "&category=" + encodeURIComponent(category.value);
    if (query === asked) { return; }
    asked = query;
    var mine = ++seq;
    fetch(section.getAttribute("data-api") + "?" + query + "&locale=" + encodeURIComponent(locale),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        if (mine !== seq) { return; }
        var results = data.results || [];
        if (!results.length) { hide(); return; }
        render(results);
        section.hidden = false;
        status.textContent = text("found", { n: results.length });
      })
      .catch(function () { if (mine === seq) { hide(); } });
  }

  [lat, lon, category].forEach(function (field) { field.addEventListener("change", look); });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-kind-choice]"), function (radio) {
    radio.addEventListener("change", function () { setTimeout(look, 0); });   // after report-form.js swaps the list
  });
  look();
}());
