// Gigbox quick responses: insert a saved reply into the inbox composer.
//
// Type "/" in an empty composer, or press Alt+Q anywhere in it: a list of your saved replies
// opens under the composer. Arrow keys move, Enter (or a click) inserts, Escape closes, and
// typing after the "/" filters by title. Replies are managed on /deals/quick-replies/ and
// fetched once per page. Text is only ever inserted with textContent / value.
"use strict";

(function () {
  const input = document.querySelector("[data-composer-input]");
  if (!input) return;
  const composer = input.closest("form");
  const URL_JSON = "/deals/quick-replies/?format=json";

  let replies = null;
  let panel = null;
  let active = 0;
  let shown = [];

  async function loadReplies() {
    if (replies) return replies;
    try {
      const response = await fetch(URL_JSON, { credentials: "same-origin", headers: { Accept: "application/json" } });
      replies = response.ok ? (await response.json()).replies || [] : [];
    } catch (err) {
      replies = [];
    }
    return replies;
  }

  function close() {
    if (!panel) return;
    panel.remove();
    panel = null;
    input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-expanded", "false");
  }

  function filterText() {
    return input.value.startsWith("/") ? input.value.slice(1).trim().toLowerCase() : "";
  }

  function render() {
    const query = filterText();
    shown = replies.filter((r) => !query || r.title.toLowerCase().includes(query));
    active = Math.min(active, Math.max(shown.length - 1, 0));
    panel.replaceChildren();
    if (!replies.length) {
      const empty = document.createElement("li");
      empty.className = "quick-reply-empty";
      const link = document.createElement("a");
      link.href = "/deals/quick-replies/";
      link.textContent = "No saved replies yet: add some";
      empty.append(link);
      panel.append(empty);
      return;
    }
    shown.forEach((reply, index) => {
      const item = document.createElement("li");
      item.id = "quick-reply-" + reply.id;
      item.setAttribute("role", "option");
      item.className = "quick-reply" + (index === active ? " is-active" : "");
      item.setAttribute("aria-selected", index === active ? "true" : "false");
      const title = document.createElement("strong");
      title.textContent = reply.title;
      const preview = document.createElement("span");
      preview.className = "small muted";
      preview.textContent = " " + reply.body.slice(0, 80);
      item.append(title, preview);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep the focus in the composer
        insert(reply);
      });
      panel.append(item);
    });
    const current = shown[active];
    if (current) input.setAttribute("aria-activedescendant", "quick-reply-" + current.id);
  }

  async function open() {
    await loadReplies();
    if (!panel) {
      panel = document.createElement("ul");
      panel.className = "quick-replies-panel";
      panel.id = "quick-replies-panel";
      panel.setAttribute("role", "listbox");
      panel.setAttribute("aria-label", "Quick responses");
      composer.append(panel);
      input.setAttribute("aria-controls", panel.id);
      input.setAttribute("aria-expanded", "true");
    }
    active = 0;
    render();
  }

  function insert(reply) {
    input.value = reply.body;
    close();
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true })); // counters and warnings update
  }

  // Capture phase: this runs before inbox.js's Enter-to-send handler on the same field.
  input.addEventListener("keydown", (event) => {
    if (event.altKey && (event.key === "q" || event.key === "Q" || event.code === "KeyQ")) {
      event.preventDefault();
      open();
      return;
    }
    if (!panel) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = shown.length ? (active + step + shown.length) % shown.length : 0;
      render();
    } else if (event.key === "Enter" && !event.shiftKey) {
      if (shown[active]) {
        event.preventDefault();
        event.stopImmediatePropagation();
        insert(shown[active]);
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  }, true);

  input.addEventListener("input", () => {
    if (input.value === "/") open();
    else if (panel && input.value.startsWith("/")) render();
    else close();
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();
