// Gigbox desktop notifications (opt-in): a new message while this tab is hidden shows a
// system notification. Off until the user turns it on with a [data-notify-toggle] button
// (the inbox list has one) and the browser grants the permission; the choice is kept per
// browser in localStorage.
"use strict";

(function () {
  const KEY = "gigbox.notify";
  const supported = "Notification" in window;
  const me = Number(document.body.dataset.userId);

  function isOn() {
    try {
      return supported && Notification.permission === "granted" && window.localStorage.getItem(KEY) === "on";
    } catch (err) {
      return false;
    }
  }

  function remember(on) {
    try {
      if (on) window.localStorage.setItem(KEY, "on");
      else window.localStorage.removeItem(KEY);
    } catch (err) {
      // Storage disabled: the choice lasts for this page.
    }
  }

  function renderButtons() {
    document.querySelectorAll("[data-notify-toggle]").forEach((button) => {
      // Only what changed: this runs from a MutationObserver, which its own writes would wake.
      const hidden = !supported || Notification.permission === "denied";
      if (button.hidden !== hidden) button.hidden = hidden;
      const on = isOn();
      const text = on ? "Desktop notifications: on" : "Turn on desktop notifications";
      if (button.getAttribute("aria-pressed") !== String(on)) button.setAttribute("aria-pressed", String(on));
      if (button.textContent !== text) button.textContent = text;
    });
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("[data-notify-toggle]");
    if (!button || !supported) return;
    if (isOn()) {
      remember(false);
    } else {
      const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
      remember(permission === "granted");
    }
    renderButtons();
  });

  document.addEventListener("gigbox:message.new", (event) => {
    const message = event.detail && event.detail.message;
    if (!message || message.sender_id === me || !isOn() || document.visibilityState !== "hidden") return;
    const text = String(message.body || "").replace(/\[contact hidden\]/g, "(contact details hidden)");
    const note = new Notification("New message on Gigbox", {
      body: text.slice(0, 140) || "Sent an attachment",
      tag: "gigbox-" + message.conversation_id,
    });
    note.onclick = () => {
      window.focus();
      window.location.assign("/inbox/" + Number(message.conversation_id) + "/");
    };
  });

  // The list is redrawn from the server now and then: label the new buttons too.
  const list = document.querySelector(".inbox-list-pane");
  if (list) new MutationObserver(renderButtons).observe(list, { childList: true });
  renderButtons();
})();
