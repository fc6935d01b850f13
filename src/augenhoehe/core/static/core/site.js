/* Quick exit: the button, or Escape pressed three times within two seconds, replaces this
   page with a neutral one. location.replace() leaves no history entry for this page. */
(function () {
  "use strict";
  var target = document.body.getAttribute("data-quick-exit-url") || "/rezepte/apfelkuchen/";
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.classList.add("leaving");
    document.title = "";
    try { sessionStorage.clear(); } catch (e) { /* storage may be blocked */ }
    window.location.replace(target);
  }
  document.querySelectorAll("[data-quick-exit]").forEach(function (el) {
    el.addEventListener("click", leave);
  });
  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(event); }
  });
  window.augenhoehe = window.augenhoehe || {};
  window.augenhoehe.quickExit = leave;
})();
