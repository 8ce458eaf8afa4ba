// Gigbox composer attachments: the chosen files as chips before sending, each with its size,
// a preview for images (a local object URL, never uploaded for it) and a Remove button.
"use strict";

(function () {
  const input = document.querySelector("[data-attach-input]");
  const chips = document.querySelector("[data-attach-chips]");
  if (!input || !chips) return;
  const composer = input.closest("form");
  const urls = [];

  function size(bytes) {
    if (bytes < 1024) return bytes + " bytes";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function removeAt(index) {
    const kept = new DataTransfer();
    Array.from(input.files).forEach((file, i) => {
      if (i !== index) kept.items.add(file);
    });
    input.files = kept.files;
    render();
    input.focus();
  }

  function render() {
    urls.splice(0).forEach((url) => URL.revokeObjectURL(url));
    chips.replaceChildren();
    Array.from(input.files).forEach((file, index) => {
      const chip = document.createElement("li");
      chip.className = "attach-chip";
      if (file.type.startsWith("image/")) {
        const img = document.createElement("img");
        const url = URL.createObjectURL(file);
        urls.push(url);
        img.src = url;
        img.alt = "";
        img.className = "attach-chip-thumb";
        chip.append(img);
      }
      const name = document.createElement("span");
      name.className = "attach-chip-name";
      name.textContent = file.name;
      const meta = document.createElement("span");
      meta.className = "muted small";
      meta.textContent = " (" + size(file.size) + ")";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "attach-chip-remove";
      remove.setAttribute("aria-label", "Remove " + file.name);
      remove.textContent = "×";
      remove.addEventListener("click", () => removeAt(index));
      chip.append(name, meta, remove);
      chips.append(chip);
    });
    chips.hidden = chips.children.length === 0;
  }

  // Refused at once, as the server would refuse it (inbox.checks), so the message with its
  // text is never sent only to fail: the file is dropped, the draft kept, the reason shown.
  const maxBytes = Number(input.dataset.maxBytes) || 0;
  const errorBox = composer && composer.querySelector("[data-composer-error]");

  function refuseUnsendable() {
    const kept = new DataTransfer();
    const refused = [];
    Array.from(input.files).forEach((file) => {
      if (maxBytes && file.size > maxBytes) refused.push(file.name + " is over " + Math.floor(maxBytes / 1024 / 1024) + " MB");
      else if (!file.size) refused.push(file.name + " is empty");
      else kept.items.add(file);
    });
    if (refused.length) input.files = kept.files;
    if (!errorBox) return;
    errorBox.textContent = refused.length ? refused.join("; ") + ": not attached. Your message is kept." : "";
    errorBox.hidden = !refused.length;
  }

  input.addEventListener("change", () => {
    refuseUnsendable();
    render();
  });
  // inbox.js empties the file input when it sends: the chips follow.
  if (composer) composer.addEventListener("submit", () => setTimeout(render, 0));
})();
