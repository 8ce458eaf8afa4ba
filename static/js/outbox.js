// Gigbox outbox storage: messages written but not yet stored by the server, per user, in
// localStorage, so that a reload or a closed tab loses nothing (inbox.js sends them).
// Entries: {clientId, conversationId, body, at}. Storage may be unavailable (private
// mode, full): the outbox then lives for the page only.
"use strict";

(function () {
  const PREFIX = "gigbox.outbox.";
  const MAX_AGE_MS = 7 * 24 * 3600 * 1000; // older drafts are dropped, not sent days late

  function forUser(userId) {
    const key = PREFIX + userId;
    let memory = [];

    function read() {
      try {
        const raw = window.localStorage.getItem(key);
        const entries = raw ? JSON.parse(raw) : [];
        return Array.isArray(entries) ? entries : [];
      } catch (err) {
        return memory;
      }
    }

    function write(entries) {
      memory = entries;
      try {
        if (entries.length) window.localStorage.setItem(key, JSON.stringify(entries));
        else window.localStorage.removeItem(key);
      } catch (err) {
        // Storage full or disabled: kept in memory for this page.
      }
    }

    return {
      all() {
        const fresh = read().filter((entry) => Date.now() - (entry.at || 0) < MAX_AGE_MS);
        return fresh;
      },
      add(entry) {
        const entries = read().filter((e) => e.clientId !== entry.clientId);
        entries.push({ ...entry, at: Date.now() });
        write(entries);
      },
      remove(clientId) {
        const entries = read();
        const kept = entries.filter((e) => e.clientId !== clientId);
        if (kept.length !== entries.length) write(kept);
      },
    };
  }

  window.GigboxOutbox = { forUser: forUser };
})();
