// The console: the idle warning two minutes before a staff session ends (with "stay logged in"), and drafts of
// what is typed into textareas kept in this browser until the form is sent, so a timeout never loses a reply.
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (box) {
    var idle = parseInt(box.getAttribute("data-idle-seconds"), 10) * 1000;
    var warnAt = Math.max(idle - 120000, 0);
    var warnTimer, endTimer;
    var csrf = document.querySelector("input[name=csrf_token]");
    var start = function () {
      clearTimeout(warnTimer); clearTimeout(endTimer);
      box.hidden = true;
      warnTimer = setTimeout(function () {
        box.hidden = false;
        document.getElementById("idle-stay").focus();
      }, warnAt);
      endTimer = setTimeout(function () { window.location.href = box.getAttribute("data-login"); }, idle);
    };
    document.getElementById("idle-stay").addEventListener("click", function () {
      var request = new XMLHttpRequest();
      request.open("POST", box.getAttribute("data-keepalive"));
      if (csrf) { request.setRequestHeader("X-CSRFToken", csrf.value); }
      request.onload = function () {
        if (request.status === 204) { start(); } else { window.location.href = box.getAttribute("data-login"); }
      };
      request.send();
    });
    start();
  }
  // Drafts: kept on every keystroke; a sent draft is forgotten only once the next page says the action was done.
  var key = function (area) { return "draft:" + window.location.pathname + ":" + area.form.action + ":" + area.name; };
  var state = document.getElementById("console-state");
  try {
    var sent = JSON.parse(window.sessionStorage.getItem("drafts-sent") || "[]");
    if (state && state.getAttribute("data-done")) {
      sent.forEach(function (k) { window.localStorage.removeItem(k); });
    }
    window.sessionStorage.removeItem("drafts-sent");
  } catch (e) { /* storage refused: drafts are not kept */ }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft] textarea"), function (area) {
    try {
      var kept = window.localStorage.getItem(key(area));
      if (kept && !area.value) { area.value = kept; }
      area.addEventListener("input", function () { window.localStorage.setItem(key(area), area.value); });
      area.form.addEventListener("submit", function () {
        var list = JSON.parse(window.sessionStorage.getItem("drafts-sent") || "[]");
        list.push(key(area));
        window.sessionStorage.setItem("drafts-sent", JSON.stringify(list));
      });
    } catch (e) { /* storage refused: drafts are not kept */ }
  });
}());
