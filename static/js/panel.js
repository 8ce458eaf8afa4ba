// Gigbox inbox side panel (orders and offers with this person): a column on wide screens, a
// drawer on narrower ones, opened by the thread header's "Orders & offers" button.
// - The drawer is a modal dialog: the focus moves in, Tab stays inside, Escape or Close shuts
//   it and gives the focus back to the button (WCAG 2.2: 2.1.2, 2.4.3).
// - The panel follows order events live: a system line in any of the user's threads (order
//   events, offers sent, accepted or closed) redraws it from the server, which alone knows
//   each order's status and next step (?fragment=panel of the thread's own URL).
//   "gigbox:panel-updated" then tells thread_extras.js to redraw the event cards' actions.
"use strict";

(function () {
  const panel = document.querySelector("[data-person-panel]");
  const toggle = document.querySelector("[data-panel-toggle]");
  if (!panel) return;
  const wide = window.matchMedia("(min-width: 1200px)"); // app.css: the panel is a column
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";

  function isDrawerOpen() {
    return panel.classList.contains("is-open") && !wide.matches;
  }

  function focusables() {
    return Array.from(panel.querySelectorAll(FOCUSABLE)).filter((el) => el.getClientRects().length);
  }

  function setOpen(open) {
    panel.classList.toggle("is-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", String(open));
    if (open && !wide.matches) {
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-modal", "true");
      const first = panel.querySelector("[data-panel-close]") || focusables()[0];
      if (first) first.focus();
    } else {
      panel.setAttribute("role", "complementary");
      panel.removeAttribute("aria-modal");
      if (!open && toggle) toggle.focus();
    }
  }

  if (toggle) toggle.addEventListener("click", () => setOpen(!panel.classList.contains("is-open")));
  panel.addEventListener("click", (event) => {
    if (event.target.closest("[data-panel-close]")) setOpen(false);
  });
  wide.addEventListener("change", () => { if (panel.classList.contains("is-open")) setOpen(false); });

  document.addEventListener("keydown", (event) => {
    if (!isDrawerOpen()) return;
    if (event.key === "Escape") {
      event.preventDefault();
      setOpen(false);
      return;
    }
    if (event.key !== "Tab") return;
    const items = focusables();
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const inside = panel.contains(document.activeElement);
    if (event.shiftKey && (!inside || document.activeElement === first)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (!inside || document.activeElement === last)) {
      event.preventDefault();
      first.focus();
    }
  });
  // A click or a script elsewhere while the dialog is open brings the focus back in.
  document.addEventListener("focusin", (event) => {
    if (isDrawerOpen() && !panel.contains(event.target)) {
      const first = focusables()[0];
      if (first) first.focus();
    }
  });

  // ------------------------------------------------------------ live order events
  let refreshTimer = null;
  function refreshPanel() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      const url = new URL(window.location.pathname, window.location.origin);
      url.searchParams.set("fragment", "panel");
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok || response.redirected) return;
        // Our own server-rendered, autoescaped HTML: parsed inertly, then moved in.
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const focused = panel.contains(document.activeElement) ? document.activeElement : null;
        const focusKey = focused && (focused.textContent || "").trim();
        panel.replaceChildren(...Array.from(doc.body.childNodes).map((node) => document.importNode(node, true)));
        if (focused) {
          const same = focusables().find((el) => (el.textContent || "").trim() === focusKey);
          const target = same || panel.querySelector("[data-panel-close]") || focusables()[0];
          if (target) target.focus();
        }
        document.dispatchEvent(new CustomEvent("gigbox:panel-updated"));
      } catch (err) {
        // Offline: the panel catches up on the next event or reload.
      }
    }, 200);
  }

  document.addEventListener("gigbox:message.new", (event) => {
    const message = event.detail && event.detail.message;
    if (message && message.kind === "system") refreshPanel();
  });
  // After a reconnect (not the first connection), events may have been missed meanwhile.
  let hellos = 0;
  document.addEventListener("gigbox:hello", () => { if (hellos++) refreshPanel(); });
})();
