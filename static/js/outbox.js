// Gigbox outbox storage: messages written but not yet stored by the server, per user, so
// that a reload or a closed tab loses nothing (inbox.js sends them). Entries, in
// localStorage: {clientId, conversationId, body, files (how many), at}. A message's files
// are kept in IndexedDB as Blobs (too large for localStorage), under the same client_id.
// Storage may be unavailable (private mode, full): the outbox then lives for the page only.
"use strict";

(function () {
  const PREFIX = "gigbox.outbox.";
  const MAX_AGE_MS = 7 * 24 * 3600 * 1000; // older drafts are dropped, not sent days late
  const DB_NAME = "gigbox-outbox";
  const STORE = "files";

  let database = null;
  /** The IndexedDB database (one per origin), or null when it cannot be opened. */
  function openDatabase() {
    if (!database) {
      database = new Promise((resolve) => {
        try {
          const request = window.indexedDB.open(DB_NAME, 1);
          request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => resolve(null);
          request.onblocked = () => resolve(null);
        } catch (err) {
          resolve(null);
        }
      });
    }
    return database;
  }

  /** One request on the files store; resolves its result, or `fallback` on any failure. */
  async function onStore(mode, act, fallback) {
    const db = await openDatabase();
    if (!db) return fallback;
    return new Promise((resolve) => {
      try {
        const transaction = db.transaction(STORE, mode);
        const request = act(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request.result === undefined ? true : request.result);
        transaction.onerror = () => resolve(fallback);
        transaction.onabort = () => resolve(fallback);
      } catch (err) {
        resolve(fallback);
      }
    });
  }

  function forUser(userId) {
    const key = PREFIX + userId;
    const fileKey = (clientId) => userId + ":" + clientId;
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
      /** Keep `entry`, and its files (an array of File) in IndexedDB; resolves when stored. */
      async add(entry, files) {
        const count = files ? files.length : 0;
        if (count) {
          const stored = files.map((file) => ({ name: file.name, type: file.type, blob: file }));
          const kept = await onStore("readwrite", (store) => store.put({ key: fileKey(entry.clientId), files: stored }), false);
          if (!kept) return false; // no IndexedDB: the message waits in this page only
        }
        const entries = read().filter((e) => e.clientId !== entry.clientId);
        entries.push({ ...entry, files: count, at: Date.now() });
        write(entries);
        return true;
      },
      /** The files kept with an entry, as File objects; null when they are gone. */
      async files(clientId) {
        const record = await onStore("readonly", (store) => store.get(fileKey(clientId)), null);
        if (!record || !Array.isArray(record.files)) return null;
        return record.files.map((f) => new File([f.blob], f.name, { type: f.type || f.blob.type }));
      },
      remove(clientId) {
        const entries = read();
        const kept = entries.filter((e) => e.clientId !== clientId);
        if (kept.length !== entries.length) write(kept);
        const had = entries.find((e) => e.clientId === clientId);
        if (had && had.files) onStore("readwrite", (store) => store.delete(fileKey(clientId)), false);
      },
    };
  }

  window.GigboxOutbox = { forUser: forUser };
})();
