// Gigbox: an open tab whose account was just suspended (the socket closed for good with
// 4403) says so at the top of the page, with the end and a link to the account page, and
// takes away the actions the server now refuses: order steps, offers, composer actions (the
// elements the stylesheet hides under body.account-suspended). Loaded with realtime.js,
// before inbox.js, which uses `window.GigboxAccount` for its composer.
"use strict";

(function () {
  const ACCOUNT_URL = "/account/health/";
  const ACCOUNT_LINK_TEXT = "See your account page";
  // The same list as the stylesheet's rule for body.account-suspended.
  const ACTIONS = "[data-account-action], [data-offer-action], [data-offer-composer], [data-composer-action], [data-next-step]";

  /** `text` into `box`, its words "See your account page" a link to the account page. */
  function fillLinked(box, text, url) {
    box.replaceChildren();
    const marker = text.indexOf(ACCOUNT_LINK_TEXT);
    if (marker < 0) {
      box.textContent = text;
      return;
    }
    const link = document.createElement("a");
    link.href = url || ACCOUNT_URL;
    link.textContent = ACCOUNT_LINK_TEXT;
    box.append(document.createTextNode(text.slice(0, marker)), link,
      document.createTextNode(text.slice(marker + ACCOUNT_LINK_TEXT.length)));
  }

  /** The server's sentence ("Your account is suspended until …. See your account page to
   * appeal."), its last words a link to the account page. */
  function banner(text, url) {
    const box = document.createElement("p");
    box.className = "notice notice-error account-state";
    box.setAttribute("role", "alert");
    box.dataset.accountState = "suspended";
    fillLinked(box, text, url);
    return box;
  }

  // The standing API's `suspended` error (or null), asked once per page however many
  // scripts want it after a 4403 (this one and the inbox's composer); a failed request is
  // asked again next time.
  let standing = null;
  function suspension() {
    if (!standing) {
      standing = fetch("/api/account/standing/", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => response.json())
        .then((data) => {
          const error = data.error && typeof data.error === "object" ? data.error : data;
          return error.code === "suspended" ? error : null;
        })
        .catch(() => {
          standing = null;
          return null;
        });
    }
    return standing;
  }

  window.GigboxAccount = { ACCOUNT_URL, ACCOUNT_LINK_TEXT, fillLinked, suspension };

  async function onSuspended() {
    const error = await suspension();
    if (!error || document.querySelector("[data-account-state]")) return;
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
