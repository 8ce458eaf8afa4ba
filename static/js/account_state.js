// Gigbox: an open tab whose account was just suspended (the socket closed for good with
// 4403) says so at the top of the page, with the end and a link to the account page, and
// takes away the actions the server now refuses: order steps, offers, composer actions (the
// elements the stylesheet hides under body.account-suspended). Loaded with realtime.js.
"use strict";

(function () {
  const ACCOUNT_URL = "/account/health/";
  const ACCOUNT_LINK_TEXT = "See your account page";
  // The same list as the stylesheet's rule for body.account-suspended.
  const ACTIONS = "[data-account-action], [data-offer-action], [data-offer-composer], [data-composer-action], [data-next-step]";

  /** The server's sentence ("Your account is suspended until …. See your account page to
   * appeal."), its last words a link to the account page. */
  function banner(text, url) {
    const box = document.createElement("p");
    box.className = "notice notice-error account-state";
    box.setAttribute("role", "alert");
    box.dataset.accountState = "suspended";
    const marker = text.indexOf(ACCOUNT_LINK_TEXT);
    if (marker < 0) {
      box.textContent = text;
      return box;
    }
    const link = document.createElement("a");
    link.href = url;
    link.textContent = ACCOUNT_LINK_TEXT;
    box.append(document.createTextNode(text.slice(0, marker)), link,
      document.createTextNode(text.slice(marker + ACCOUNT_LINK_TEXT.length)));
    return box;
  }

  async function onSuspended() {
    let data = {};
    try {
      const response = await fetch("/api/account/standing/", { credentials: "same-origin", headers: { Accept: "application/json" } });
      data = await response.json();
    } catch (err) {
      return;
    }
    const error = data.error && typeof data.error === "object" ? data.error : data;
    if (error.code !== "suspended" || document.querySelector("[data-account-state]")) return;
    document.body.classList.add("account-suspended");
    document.querySelectorAll(ACTIONS).forEach((el) => {
      el.querySelectorAll("button, input, textarea, select").forEach((field) => { field.disabled = true; });
      if (el.matches("button")) el.disabled = true;
    });
    const main = document.getElementById("main");
    if (main) main.prepend(banner(String(error.message || "Your account is suspended."), error.account_url || ACCOUNT_URL));
  }

  document.addEventListener("gigbox:socket", (event) => {
    const detail = event.detail || {};
    if (detail.state === "closed" && detail.code === 4403) onSuspended();
  });
})();
