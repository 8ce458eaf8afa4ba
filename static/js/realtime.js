// Gigbox real time: one WebSocket per tab, shared by every page (docs/protocol.md).
//
// Loaded for logged-in users on every page. It keeps the socket open (reconnecting with
// backoff 1, 2, 4 ... 30 s plus jitter), keeps the header's unread badge current, and turns
// every server frame into a DOM CustomEvent "gigbox:<type>" on document (detail = the frame),
// so page scripts (inbox.js) listen instead of owning a socket. "gigbox:socket" reports
// {state: "open" | "reconnecting" (with retryAt, ms since the epoch) | "offline"} (connection.js
// shows it). The database is the truth: after every (re)connect the page
// scripts send `sync` for what they show, on the "gigbox:hello" event.
"use strict";

(function () {
  const PING_EVERY_MS = 25000;
  const BACKOFF_MAX_S = 30;
  // Close codes after which reconnecting cannot help (logged out, suspended).
  const FINAL_CLOSE_CODES = new Set([4401, 4403]);

  let socket = null;
  let attempt = 0;
  let pingTimer = null;
  let reconnectTimer = null;
  let stopped = false;
  let unreadTotal = 0;
  const userId = Number(document.body.dataset.userId);

  function emit(type, detail) {
    document.dispatchEvent(new CustomEvent("gigbox:" + type, { detail: detail }));
  }

  function setBadge(total) {
    const count = Math.max(0, Number(total) || 0);
    unreadTotal = count;
    document.querySelectorAll("[data-unread-badge]").forEach((badge) => {
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count === 0;
    });
    document.querySelectorAll("[data-unread-label]").forEach((label) => {
      label.textContent = count === 0 ? "" : ", " + count + " unread";
    });
    // The tab's title carries the count too: "(3) Inbox · Gigbox".
    const title = document.title.replace(/^\(\d+\+?\) /, "");
    document.title = count ? "(" + (count > 99 ? "99+" : count) + ") " + title : title;
  }

  function socketUrl() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + "/ws/inbox/";
  }

  function backoffDelayMs() {
    const base = Math.min(BACKOFF_MAX_S, 2 ** attempt);
    attempt += 1;
    // Jitter spreads reconnects out after a server restart (up to +50%).
    return Math.round(base * 1000 * (1 + Math.random() * 0.5));
  }

  function onFrame(event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (err) {
      return;
    }
    if (!frame || typeof frame.type !== "string") return;
    if (frame.type === "hello") {
      attempt = 0;
      setBadge(frame.unread_total);
    } else if (frame.type === "unread") {
      setBadge(frame.total);
    } else if (frame.type === "message.new" && frame.message && frame.message.sender_id !== userId) {
      // The server's next `unread` frame (sent when anything is read) corrects this count.
      setBadge(unreadTotal + 1);
    }
    emit(frame.type, frame);
  }

  function connect() {
    if (stopped) return;
    reconnectTimer = null;
    let ws;
    try {
      ws = socket = new WebSocket(socketUrl());
    } catch (err) {
      scheduleReconnect();
      return;
    }
    ws.addEventListener("open", () => {
      emit("socket", { state: "open" });
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ type: "ping" }), PING_EVERY_MS);
    });
    ws.addEventListener("message", onFrame);
    ws.addEventListener("close", (event) => {
      if (ws !== socket) return; // a socket let go of when the browser went offline
      clearInterval(pingTimer);
      socket = null;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        stopped = true;
        emit("socket", { state: "closed", code: event.code });
        return;
      }
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (stopped || reconnectTimer) return;
    const delay = backoffDelayMs();
    reconnectTimer = setTimeout(connect, delay);
    emit("socket", navigator.onLine === false ? { state: "offline" } : { state: "reconnecting", retryAt: Date.now() + delay });
  }

  function state() {
    if (isOpen()) return "open";
    if (navigator.onLine === false) return "offline";
    return socket ? "connecting" : "reconnecting";
  }

  /** Send a frame; false when the socket is not open (the caller decides what to do). */
  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  function isOpen() {
    return Boolean(socket && socket.readyState === WebSocket.OPEN);
  }

  // Coming back online or to a hidden tab: do not wait for the backoff timer.
  function reconnectNow() {
    if (stopped || socket) return;
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    attempt = 0;
    connect();
  }
  window.addEventListener("online", reconnectNow);
  // An open socket can outlive the network for a long while (nothing is sent on it): let it
  // go at once so sends wait in the outbox and the banner says "offline", not "Sending...".
  window.addEventListener("offline", () => {
    if (socket) {
      const old = socket;
      socket = null;
      clearInterval(pingTimer);
      try { old.close(); } catch (err) { /* already closing */ }
    }
    emit("socket", { state: "offline" });
    scheduleReconnect();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNow();
  });

  setBadge(parseInt((document.querySelector("[data-unread-badge]") || {}).textContent, 10) || 0);
  window.GigboxRealtime = { send: send, isOpen: isOpen, setBadge: setBadge, state: state, reconnectNow: reconnectNow };
  connect();
})();
