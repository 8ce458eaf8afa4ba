// Gigbox: the browser's time zone (IANA name) for the sign-up form's hidden field, and the
// hint on the account settings page. Pages show times in the zone stored on the account.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (err) {
    return;
  }
  document.querySelectorAll("input[data-detect-timezone]").forEach((input) => {
    if (!input.value) input.value = zone;
  });
  document.querySelectorAll("[data-browser-timezone]").forEach((el) => {
    el.textContent = zone;
    const use = el.closest("form") && el.closest("form").querySelector("[data-use-browser-timezone]");
    if (use) {
      use.hidden = !zone;
      use.addEventListener("click", () => {
        const select = el.closest("form").querySelector("select[name=timezone]");
        if (select) select.value = zone;
      });
    }
  });
});
