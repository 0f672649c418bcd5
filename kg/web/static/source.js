// Source view: highlight the lines named in the address (#L98 or #L98-L113) and scroll to them.
(function () {
  "use strict";
  function apply() {
    document.querySelectorAll(".line.hl").forEach(function (e) { e.classList.remove("hl"); });
    var m = /^#L(\d+)(?:-L?(\d+))?$/.exec(location.hash);
    var note = document.getElementById("source-range");
    if (!m) { if (note) note.hidden = true; return; }
    var a = parseInt(m[1], 10), b = m[2] ? parseInt(m[2], 10) : a;
    if (b < a) { var t = a; a = b; b = t; }
    var first = null;
    for (var i = a; i <= b; i++) {
      var el = document.getElementById("L" + i);
      if (!el) continue;
      el.classList.add("hl");
      if (!first) first = el;
    }
    if (note) {
      var label = note.getAttribute("data-label") || "Markert: linje";  // in the page language (source.html)
      note.textContent = a === b ? label + " " + a : label + " " + a + "–" + b;
      note.hidden = false;
    }
    if (first) first.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", apply);
  apply();
})();
