// Report form: the category list follows the chosen kind (problem or question). Without this script the
// server shows the kind it rendered, and a category of the other kind gets a message at the field.
(function () {
  "use strict";
  var select = document.getElementById("category");
  var radios = document.querySelectorAll("input[data-kind-choice]");
  if (!select || !radios.length) { return; }
  function show(kind) {
    var template = document.getElementById("categories-" + kind);
    if (!template) { return; }
    var chosen = select.value;
    select.replaceChildren(template.content.cloneNode(true));
    if (Array.prototype.some.call(select.options, function (o) { return o.value === chosen; })) {
      select.value = chosen;
    }
  }
  Array.prototype.forEach.call(radios, function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { show(radio.value); } });
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
}());
