// Gigbox search filters: on a phone the panel folds behind its "Filters" button (which counts
// the active filters); on a wide screen it stays open beside the results. Served open, so
// that without JavaScript every filter is there.
"use strict";

(function () {
  const panel = document.querySelector("[data-filters-panel]");
  if (!panel) return;
  const wide = window.matchMedia("(min-width: 800px)");

  function fit() {
    panel.open = wide.matches;
  }

  fit();
  wide.addEventListener("change", fit);
  // A wide screen hides the button: the panel cannot be folded away there.
  panel.addEventListener("toggle", () => {
    if (wide.matches && !panel.open) panel.open = true;
  });
})();
