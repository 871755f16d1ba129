// Draws every chart of an agilegov report from its embedded JSON spec.
// Works offline: vega, vega-lite and vega-embed are loaded from ./static/.
(function () {
  "use strict";
  function draw() {
    var specs = document.querySelectorAll('script[type="application/json"][data-chart]');
    Array.prototype.forEach.call(specs, function (node) {
      var target = document.getElementById(node.getAttribute("data-chart"));
      if (!target) { return; }
      var spec;
      try {
        spec = JSON.parse(node.textContent);
      } catch (err) {
        target.textContent = "This chart could not be read: " + err;
        return;
      }
      if (typeof window.vegaEmbed !== "function") {
        target.textContent = "Charts need the files in the static folder next to this page.";
        return;
      }
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).catch(function (err) {
        target.textContent = "This chart could not be drawn: " + err;
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
