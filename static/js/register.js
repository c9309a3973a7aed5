// Registration: show the fieldset of the chosen kind (a person's names, or the organisation) and hide the other.
// Without this script both show, and the server reads only the chosen kind's fields.
(function () {
  "use strict";
  var radios = document.querySelectorAll("input[data-kind-switch]");
  var sets = document.querySelectorAll("fieldset[data-kind]");
  if (!radios.length || !sets.length) { return; }
  function show() {
    var chosen = document.querySelector("input[data-kind-switch]:checked");
    var kind = chosen ? chosen.value : "person";
    Array.prototype.forEach.call(sets, function (set) { set.hidden = set.getAttribute("data-kind") !== kind; });
  }
  Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", show); });
  show();
}());
