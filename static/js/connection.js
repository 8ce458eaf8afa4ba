// Gigbox connection state, shown where people write (the thread's composer): connected,
// reconnecting (with a countdown and "Try now"), or offline. realtime.js reports the state
// as "gigbox:socket" events: {state: "open" | "reconnecting" | "offline", retryAt}.
"use strict";

(function () {
  const box = document.querySelector("[data-connection-state]");
  if (!box) return;
  const realtime = window.GigboxRealtime;
  let countdown = null;
  let hideTimer = null;
  let wasDown = false;

  function show(text, withButton) {
    clearTimeout(hideTimer);
    box.replaceChildren(document.createTextNode(text));
    if (withButton) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = "Try now";
      button.addEventListener("click", () => realtime && realtime.reconnectNow());
      box.append(" ", button);
    }
    box.hidden = false;
  }

  function render(detail) {
    clearInterval(countdown);
    box.dataset.state = detail.state;
    if (detail.state === "open") {
      if (!wasDown) {
        box.hidden = true;
        return;
      }
      wasDown = false;
      show("Connected again.", false);
      hideTimer = setTimeout(() => { box.hidden = true; }, 2500);
      return;
    }
    wasDown = true;
    if (detail.state === "closed") {
      // Final: realtime.js does not reconnect after these (the composer says why).
      show(detail.code === 4401 ? "You were logged out: log in again to send messages." : "Not connected: this account cannot send messages now.", false);
      return;
    }
    if (detail.state === "offline") {
      show("You are offline. What you write waits here and is sent when you are back.", false);
      return;
    }
    const tick = () => {
      const seconds = Math.max(0, Math.ceil(((detail.retryAt || 0) - Date.now()) / 1000));
      show(seconds > 0 ? "Connection lost. Reconnecting in " + seconds + " s…" : "Reconnecting…", true);
    };
    tick();
    countdown = setInterval(tick, 1000);
  }

  document.addEventListener("gigbox:socket", (event) => render(event.detail || {}));
  // At load the first connection is still being made: nothing to say unless offline.
  if (realtime && realtime.state && realtime.state() === "offline") render({ state: "offline" });
})();
