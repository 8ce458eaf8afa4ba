// Gigbox inbox side panel (orders and offers with this person): a column on wide screens, a
// drawer on narrower ones, opened by the thread header's "Orders & offers" button. Escape or
// the Close button closes the drawer and gives the focus back to the button.
"use strict";

(function () {
  const panel = document.querySelector("[data-person-panel]");
  const toggle = document.querySelector("[data-panel-toggle]");
  if (!panel || !toggle) return;
  const closeButton = panel.querySelector("[data-panel-close]");

  function setOpen(open) {
    panel.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (open) {
      const first = panel.querySelector("a, button");
      if (first) first.focus();
    } else if (panel.contains(document.activeElement)) {
      toggle.focus();
    }
  }

  toggle.addEventListener("click", () => setOpen(!panel.classList.contains("is-open")));
  if (closeButton) closeButton.addEventListener("click", () => setOpen(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel.classList.contains("is-open")) setOpen(false);
  });
})();
