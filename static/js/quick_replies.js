// Gigbox quick responses: insert a saved reply into the inbox composer.
//
// Type "/" in an empty composer, press Alt+Q anywhere in it, or use the "Quick replies" button:
// a list of your saved replies opens above the composer. The chosen reply goes in at the
// cursor (or over the selection); the rest of the draft is kept. Arrow keys move, Enter (or a click) inserts, Escape closes, and
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
  let closeTimer = null;
  // Where the reply goes: the cursor (or selection) when the list was opened.
  let at = { start: 0, end: 0, slash: false };
  const button = composer.querySelector("[data-quick-replies-button]");

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
    if (button) button.setAttribute("aria-expanded", "false");
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
    clearTimeout(closeTimer);
    const slash = input.value.startsWith("/") && at.slash;
    if (!panel && !slash) at = { start: input.selectionStart, end: input.selectionEnd, slash: false };
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
      if (button) {
        button.setAttribute("aria-controls", panel.id);
        button.setAttribute("aria-expanded", "true");
      }
    }
    active = 0;
    render();
  }

  function insert(reply) {
    if (at.slash) {
      input.value = reply.body; // "/" + filter text was all there was
    } else {
      const before = input.value.slice(0, at.start);
      const after = input.value.slice(at.end);
      const gap = before && !/\s$/.test(before) ? " " : "";
      input.value = before + gap + reply.body + after;
      const cursor = (before + gap + reply.body).length;
      input.setSelectionRange(cursor, cursor);
    }
    at = { start: 0, end: 0, slash: false };
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
    if (input.value === "/") {
      at = { start: 0, end: 1, slash: true };
      open();
    }
    else if (panel && input.value.startsWith("/")) render();
    else close();
  });
  input.addEventListener("blur", () => {
    closeTimer = setTimeout(close, 150);
  });
  if (button) {
    button.hidden = false;
    button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the cursor
    button.addEventListener("click", async () => {
      if (panel) {
        close();
        return;
      }
      await open();
      input.focus();
      input.setSelectionRange(at.start, at.end);
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel) close();
  });
})();
