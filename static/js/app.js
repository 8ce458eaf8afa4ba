// Gigbox: small behaviours shared by every page. No build step, no framework.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-nav-toggle]");
  const nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // Escape closes an open menu (<details>: Actions, the user menu, a message's menu) and
  // gives the focus back to its button.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[open]").forEach((menu) => {
      if (menu.closest("form") && !menu.querySelector(":scope > summary")) return;
      if (menu.matches(".inline-details")) return; // forms, not menus
      const hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      const summary = menu.querySelector(":scope > summary");
      if (hadFocus && summary) summary.focus();
    });
  });
  // Buttons that ask before acting, e.g. <button data-confirm="Cancel this order?">.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
});
