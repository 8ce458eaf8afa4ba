// Gigbox inbox page: live thread, composer, list updates (docs/protocol.md).
//
// The page works without this file (server-rendered list, thread and a POST form); this
// enhances it. Frames arrive as "gigbox:<type>" DOM events from realtime.js, which owns the
// socket. The database is the truth: messages are keyed by their per-conversation `seq`, a
// gap or a reconnect asks the server for what is missing (`sync`), and our own sends are
// matched by `client_id` so a retry never shows a message twice.
//
// User text is only ever inserted with textContent (never innerHTML).
"use strict";

(function () {
  const root = document.querySelector("[data-inbox]");
  if (!root) return;

  const realtime = window.GigboxRealtime || { send: () => false, isOpen: () => false, setBadge: () => {} };
  const me = Number(root.dataset.userId);
  const MASK = root.dataset.mask || "[contact hidden]";
  const MAX_CHARS = Number(root.dataset.maxChars) || 5000;
  const ACK_TIMEOUT_MS = 10000;
  const TYPING_EVERY_MS = 3000;
  const TYPING_SHOWN_MS = 6000;
  const liveRegion = root.querySelector("[data-live-region]");

  // ---------------------------------------------------------------- time formatting
  function formatter(options) {
    try {
      return new Intl.DateTimeFormat(undefined, { ...options, timeZone: root.dataset.userTimezone || undefined });
    } catch (err) {
      return new Intl.DateTimeFormat(undefined, options); // an unknown time zone name
    }
  }
  const clockFormat = formatter({ hour: "numeric", minute: "2-digit" });
  const dayFormat = formatter({ weekday: "long", year: "numeric", month: "long", day: "numeric" });
  const shortDayFormat = formatter({ month: "short", day: "numeric" });
  const dayKeyFormat = formatter({ year: "numeric", month: "2-digit", day: "2-digit" });

  function dayKey(date) {
    return dayKeyFormat.format(date);
  }

  function formatListTime(date) {
    return dayKey(date) === dayKey(new Date()) ? clockFormat.format(date) : shortDayFormat.format(date);
  }

  function localizeTimes(scope) {
    scope.querySelectorAll("time[datetime][data-time]").forEach((el) => {
      const date = new Date(el.getAttribute("datetime"));
      if (Number.isNaN(date.getTime())) return;
      el.textContent = el.dataset.time === "clock" ? clockFormat.format(date) : formatListTime(date);
      el.title = dayFormat.format(date) + " " + clockFormat.format(date);
    });
  }

  // ---------------------------------------------------------------- text with masked parts
  function hiddenChip() {
    const chip = document.createElement("span");
    chip.className = "chip-hidden";
    chip.title = "Contact details are hidden: sharing them is against the rules";
    chip.textContent = "contact details hidden";
    return chip;
  }

  /** Fill `el` with `text`, each MASK marker shown as a chip. Text nodes only. */
  function fillText(el, text) {
    el.replaceChildren();
    String(text || "").split(MASK).forEach((part, index) => {
      if (index > 0) el.append(hiddenChip());
      if (part) el.append(document.createTextNode(part));
    });
  }

  function plainText(text) {
    return String(text || "").split(MASK).join("(contact details hidden)");
  }

  function announce(text) {
    if (!liveRegion) return;
    liveRegion.textContent = "";
    // A fresh text node after a tick, so that repeated announcements are read again.
    setTimeout(() => { liveRegion.textContent = text; }, 50);
  }

  // ---------------------------------------------------------------- conversation list
  // One row per person (inbox/people.py): a row stands for every thread with that person.
  function rowFor(conversationId) {
    return root.querySelector('[data-conversation-ids~="' + conversationId + '"]') ||
      root.querySelector('[data-conversation-row="' + conversationId + '"]');
  }

  function setRowUnread(conversationId, count) {
    const row = rowFor(conversationId);
    if (!row) return;
    if ((row.dataset.conversationIds || "").trim().split(/\s+/).length > 1) {
      refreshList(); // the row sums several threads: the server counts them
      return;
    }
    const badge = row.querySelector("[data-row-unread]");
    row.classList.toggle("is-unread", count > 0);
    if (badge) {
      badge.hidden = count === 0;
      badge.firstChild.textContent = String(count);
    }
  }

  // A new message: the row moves up and counts it at once; its preview and time come from
  // the server (the list fragment), drawn as on a page load: system lines' times and the
  // row's time in the account's zone, the preview cut as the server cuts it.
  function updateRow(message) {
    refreshList();
    const row = rowFor(message.conversation_id);
    if (!row) return;
    const list = row.parentElement;
    if (list && list.firstElementChild !== row) list.prepend(row);
    // The open thread counts too while its reader is scrolled up or away: not yet seen.
    const seenNow = thread && thread.live && thread.id === message.conversation_id &&
      thread.stick && document.visibilityState === "visible";
    if (message.sender_id !== me && !seenNow) {
      // Counted here until the server's next `unread` frame for it gives the exact number.
      const badge = row.querySelector("[data-row-unread]");
      setRowUnread(message.conversation_id, (Number(badge && badge.firstChild.textContent) || 0) + 1);
    }
  }

  let listRefreshTimer = null;
  /** Re-render the list from the server (a new conversation, a state change elsewhere). */
  function refreshList() {
    clearTimeout(listRefreshTimer);
    listRefreshTimer = setTimeout(async () => {
      const pane = root.querySelector(".inbox-list-pane");
      const url = new URL(root.dataset.listUrl, window.location.origin);
      new URLSearchParams(window.location.search).forEach((value, key) => {
        if (key !== "before") url.searchParams.set(key, value);
      });
      url.searchParams.set("fragment", "list");
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        // A redirect (signed out, or suspended: the account page) is not a list fragment.
        if (!response.ok || response.redirected) return;
        // Our own server-rendered, autoescaped HTML: parsed inertly, then moved in.
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const openId = thread ? thread.id : null;
        const reminder = pane.querySelector(".review-reminder"); // not part of the list fragment
        // Someone typing a search keeps the head (its field); a focused row keeps the focus.
        const head = pane.querySelector(".inbox-list-head");
        const keepHead = head && head.contains(document.activeElement);
        const focusedRow = document.activeElement && document.activeElement.closest && document.activeElement.closest("[data-conversation-row]");
        const focusedId = focusedRow && pane.contains(focusedRow) ? focusedRow.dataset.conversationRow : null;
        const fresh = Array.from(doc.body.childNodes)
          .filter((node) => !(keepHead && node.nodeType === 1 && node.matches(".inbox-list-head")))
          .map((node) => document.importNode(node, true));
        pane.replaceChildren(...(reminder ? [reminder] : []), ...(keepHead ? [head] : []), ...fresh);
        if (focusedId) {
          const link = pane.querySelector('[data-conversation-row="' + focusedId + '"] .conversation-link');
          if (link) link.focus();
        }
        if (openId) {
          const row = rowFor(openId);
          if (row) row.classList.add("is-open");
          const link = row && row.querySelector(".conversation-link");
          if (link) link.setAttribute("aria-current", "page");
        }
        localizeTimes(pane);
      } catch (err) {
        // Offline: the list catches up on the next frame or reload.
      }
    }, 300);
  }

  // ---------------------------------------------------------------- presence
  let otherPresence = null;

  function applyPresence(frame) {
    root.querySelectorAll('[data-presence-dot="' + frame.user_id + '"]').forEach((dot) => {
      dot.classList.toggle("is-online", Boolean(frame.online));
    });
    root.querySelectorAll('[data-presence-text="' + frame.user_id + '"]').forEach((el) => {
      el.textContent = frame.online ? "(online)" : "";
    });
    if (thread && frame.user_id === thread.otherId) {
      otherPresence = frame;
      renderOtherStatus();
    }
  }

  function renderOtherStatus() {
    const status = root.querySelector("[data-presence-status]");
    const local = root.querySelector("[data-local-time]");
    if (status && otherPresence) {
      if (otherPresence.online) {
        status.textContent = "Online";
      } else if (otherPresence.last_seen) {
        const seen = new Date(otherPresence.last_seen);
        status.textContent = "Last seen " + formatListTime(seen) + (dayKey(seen) === dayKey(new Date()) ? "" : " " + clockFormat.format(seen));
      } else {
        status.textContent = "Offline";
      }
    }
    const zone = (otherPresence && otherPresence.timezone) || (local && local.dataset.timezone);
    if (local && zone) {
      try {
        const time = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: zone }).format(new Date());
        local.textContent = "· " + time + " local time";
      } catch (err) {
        local.textContent = "";
      }
    }
  }

  // ---------------------------------------------------------------- the open thread
  const thread = setUpThread();

  function setUpThread() {
    const id = Number(root.dataset.conversationId);
    const list = root.querySelector("[data-message-list]");
    if (!id || !list) return null;
    const state = {
      id: id,
      otherId: Number(root.dataset.otherId),
      otherName: root.dataset.otherName || "",
      list: list,
      scroller: root.querySelector("[data-thread-scroll]"),
      // An older page (?before=) is a read-only window: live messages are not appended to it.
      live: !new URLSearchParams(window.location.search).has("before"),
      seqs: new Set(),
      headSeq: 0, // every seq up to here (from the first shown) is on screen
      firstSeq: Number(root.dataset.firstSeq) || 0,
      hasMore: root.dataset.hasMore === "true",
      otherReadSeq: Number(root.dataset.otherReadSeq) || 0,
      pending: new Map(), // client_id -> {li, body, timer}
      loadingEarlier: false,
      stick: true, // keep the newest message in view
      anchor: null, // or keep this element at the top until the reader scrolls
      newCount: 0, // arrived while scrolled up (the pill)
      readerAt: 0, // when the reader last touched the scroller (wheel, touch, keys, mouse)
    };
    list.querySelectorAll("li[data-seq]").forEach((li) => state.seqs.add(Number(li.dataset.seq)));
    state.headSeq = state.seqs.size ? Math.max(...state.seqs) : 0;
    return state;
  }

  function messageTemplate() {
    return document.querySelector("template[data-message-template]").content.firstElementChild;
  }

  /** A message <li> built from a protocol message object (the server's delivered text). */
  function renderMessage(message) {
    const li = messageTemplate().cloneNode(true);
    fillMessage(li, message);
    return li;
  }

  function fillMessage(li, message) {
    const mine = message.sender_id === me;
    li.classList.remove("is-mine", "is-theirs", "is-system", "is-pending", "is-failed");
    li.classList.add(message.kind === "system" ? "is-system" : mine ? "is-mine" : "is-theirs");
    li.classList.toggle("is-withdrawn", Boolean(message.withdrawn)); // hidden by Trust & Safety
    li.id = "m" + message.seq;
    li.dataset.seq = String(message.seq);
    li.dataset.messageId = String(message.id);
    if (message.client_id) li.dataset.clientId = message.client_id;
    fillText(li.querySelector('[data-slot="body"]'), message.body);
    const time = li.querySelector('[data-slot="time"]');
    time.setAttribute("datetime", message.created_at);
    time.dataset.time = "clock";
    localizeTimes(li);
    const attachments = li.querySelector('[data-slot="attachments"]');
    attachments.replaceChildren();
    (message.attachments || []).forEach((attachment) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = attachment.url;
      link.dataset.contentType = attachment.content_type || "";
      link.setAttribute("download", "");
      link.setAttribute("dir", "auto"); // a name with U+202E shows as typed
      link.textContent = attachment.name;
      // The size as the server renders it: one unbreakable "(4.3 KB)" in its own span.
      const size = document.createElement("span");
      size.className = "muted small file-size";
      size.textContent = "(" + formatSize(attachment.size) + ")";
      item.append(link, " ", size);
      attachments.append(item);
    });
    attachments.hidden = attachments.children.length === 0;
    const report = li.querySelector('[data-slot="report"]');
    if (!mine && message.kind === "user") {
      report.href = "/inbox/messages/" + message.id + "/report/";
      report.hidden = false;
    } else {
      report.hidden = true;
    }
    setStatus(li, "");
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + "\u00a0bytes";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + "\u00a0KB";
    return (bytes / 1024 / 1024).toFixed(1) + "\u00a0MB";
  }

  function setStatus(li, text, retry) {
    const slot = li.querySelector('[data-slot="status"]');
    slot.replaceChildren();
    if (text) slot.append(document.createTextNode(text));
    if (retry) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button retry-button";
      button.textContent = "Retry";
      button.addEventListener("click", retry);
      slot.append(document.createTextNode(" — "), button);
    }
  }

  function isNearBottom() {
    const el = thread.scroller;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  // The view keeps to the newest message while the reader is there ("stick"), or to an
  // anchor (the first unread, a linked message) until they scroll themselves; a
  // ResizeObserver re-applies it whenever something is drawn late (offer cards, images).
  function scrollToBottom() {
    thread.stick = true;
    thread.anchor = null;
    thread.scroller.scrollTop = thread.scroller.scrollHeight;
    hideNewPill();
  }

  function keepPlace() {
    if (thread.anchor && thread.anchor.isConnected) {
      const top = thread.anchor.getBoundingClientRect().top - thread.scroller.getBoundingClientRect().top;
      thread.scroller.scrollTop += top - 8;
      if (isNearBottom()) thread.stick = true;
    } else if (thread.stick) {
      thread.scroller.scrollTop = thread.scroller.scrollHeight;
    }
  }

  function showNewPill(added) {
    const pill = root.querySelector("[data-new-pill]");
    if (!pill) return;
    thread.newCount += added;
    pill.textContent = thread.newCount === 1 ? "1 new message" : thread.newCount + " new messages";
    pill.hidden = false;
  }

  function hideNewPill() {
    const pill = root.querySelector("[data-new-pill]");
    thread.newCount = 0;
    if (pill) pill.hidden = true;
  }

  /** The highest seq on screen: what the reader has seen (read marks follow it). */
  function lastVisibleSeq() {
    const bottom = thread.scroller.getBoundingClientRect().bottom;
    const items = thread.list.querySelectorAll("li[data-seq]");
    for (let i = items.length - 1; i >= 0; i -= 1) {
      if (items[i].getBoundingClientRect().top < bottom - 8) return Math.min(Number(items[i].dataset.seq), thread.headSeq);
    }
    return 0;
  }

  /** A "New messages" line before the first message of theirs not read before opening. */
  function markFirstUnread(lastReadSeq) {
    const first = Array.from(thread.list.querySelectorAll("li.is-theirs[data-seq], li.is-system[data-seq]"))
      .find((li) => Number(li.dataset.seq) > lastReadSeq);
    if (!first || first === thread.list.querySelector("li[data-seq]")) return null;
    const divider = document.createElement("li");
    divider.className = "unread-divider";
    divider.dataset.unreadDivider = "";
    divider.textContent = "New messages";
    first.before(divider);
    return divider;
  }

  /** Day separators follow from the messages: rebuilt after every change of the list. */
  function redrawDaySeparators() {
    thread.list.querySelectorAll(".day-separator").forEach((el) => el.remove());
    let previous = null;
    thread.list.querySelectorAll("li.message").forEach((li) => {
      const time = li.querySelector('[data-slot="time"]');
      const date = time && time.getAttribute("datetime") ? new Date(time.getAttribute("datetime")) : new Date();
      const key = dayKey(date);
      if (key !== previous) {
        const separator = document.querySelector("template[data-day-template]").content.firstElementChild.cloneNode(true);
        separator.querySelector('[data-slot="day"]').textContent = dayFormat.format(date);
        li.before(separator);
        previous = key;
      }
    });
    const empty = root.querySelector("[data-thread-empty]");
    if (empty) empty.hidden = thread.list.querySelector("li.message") !== null;
  }

  /** Insert a stored message in seq order; false if it was already shown. */
  function insertMessage(message) {
    if (thread.seqs.has(message.seq)) {
      // An ack carries no attachments; the message.new that follows it does.
      const shown = thread.list.querySelector('li[data-seq="' + message.seq + '"]');
      if (shown && (message.attachments || []).length) fillMessage(shown, message);
      const twin = message.client_id && thread.pending.get(message.client_id);
      if (twin && twin.li !== shown) {
        twin.li.remove(); // a resend of a message already shown (the outbox after a reload)
        thread.pending.delete(message.client_id);
      }
      return false;
    }
    const pending = message.client_id ? thread.pending.get(message.client_id) : null;
    let li;
    if (pending) {
      clearTimeout(pending.timer);
      thread.pending.delete(message.client_id);
      li = pending.li;
      fillMessage(li, message);
    } else {
      li = renderMessage(message);
    }
    const later = Array.from(thread.list.querySelectorAll("li[data-seq]")).find((el) => Number(el.dataset.seq) > message.seq);
    const firstPending = thread.list.querySelector("li.is-pending, li.is-failed");
    thread.list.insertBefore(li, later || firstPending || null);
    thread.seqs.add(message.seq);
    while (thread.seqs.has(thread.headSeq + 1)) thread.headSeq += 1;
    if (!thread.firstSeq || message.seq < thread.firstSeq) thread.firstSeq = message.seq;
    return true;
  }

  function addMessages(messages, { announceNew } = { announceNew: false }) {
    const stick = thread.stick;
    let added = 0;
    let addedTheirs = 0;
    messages.forEach((message) => {
      if (!insertMessage(message)) return;
      added += 1;
      if (message.sender_id !== me) addedTheirs += 1;
      if (announceNew && message.sender_id !== me) {
        announce(message.kind === "system" ? "Update: " + plainText(message.body) : "New message from " + thread.otherName + ": " + plainText(message.body));
      }
    });
    if (!added) return;
    redrawDaySeparators();
    showSeen();
    if (stick) scrollToBottom();
    else if (addedTheirs && announceNew) showNewPill(addedTheirs);
    markRead();
  }

  // ---------------------------------------------------------------- catching up
  function syncThread() {
    if (!thread || !thread.live) return;
    realtime.send({ type: "sync", conversations: { [thread.id]: thread.headSeq } });
  }

  async function reloadThread() {
    const data = await fetchHistory(null);
    if (!data) return;
    thread.list.querySelectorAll("li[data-seq], .day-separator").forEach((el) => el.remove());
    thread.seqs.clear();
    thread.headSeq = 0;
    thread.firstSeq = 0;
    thread.hasMore = data.has_more;
    const messages = data.messages || [];
    if (messages.length) thread.headSeq = messages[0].seq - 1;
    addMessages(messages);
    updateLoadEarlier();
    scrollToBottom();
  }

  async function fetchHistory(beforeSeq) {
    const url = new URL(root.dataset.historyUrl, window.location.origin);
    if (beforeSeq) url.searchParams.set("before_seq", String(beforeSeq));
    url.searchParams.set("limit", "50");
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      return response.ok ? await response.json() : null;
    } catch (err) {
      return null;
    }
  }

  async function loadEarlier() {
    if (!thread || thread.loadingEarlier || !thread.hasMore || !thread.firstSeq) return;
    thread.loadingEarlier = true;
    const data = await fetchHistory(thread.firstSeq);
    thread.loadingEarlier = false;
    if (!data) return;
    const scroller = thread.scroller;
    const before = scroller.scrollHeight;
    (data.messages || []).forEach(insertMessage);
    redrawDaySeparators();
    showSeen();
    scroller.scrollTop += scroller.scrollHeight - before; // keep the reader's place
    thread.hasMore = Boolean(data.has_more);
    updateLoadEarlier();
  }

  function updateLoadEarlier() {
    const link = root.querySelector("[data-load-earlier]");
    if (link) link.closest(".history-more").hidden = !thread.hasMore;
  }

  // ---------------------------------------------------------------- read receipts
  let readTimer = null;
  let lastReadSent = 0;

  function markRead() {
    if (!thread || !thread.live || document.visibilityState !== "visible") return;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      const seen = lastVisibleSeq();
      if (seen > lastReadSent && realtime.send({ type: "read", conversation_id: thread.id, seq: seen })) {
        lastReadSent = seen;
      }
    }, 250);
  }

  /** "Seen" under the last of my messages the other person has read. */
  function showSeen() {
    if (!thread) return;
    let lastSeen = null;
    thread.list.querySelectorAll("li.is-mine[data-seq]").forEach((li) => {
      if (li.querySelector('[data-slot="status"]').textContent === "Seen") setStatus(li, "");
      if (Number(li.dataset.seq) <= thread.otherReadSeq) lastSeen = li;
    });
    if (lastSeen) setStatus(lastSeen, "Seen");
  }

  // ---------------------------------------------------------------- sending
  const composer = root.querySelector("[data-composer]");
  const input = composer ? composer.querySelector("[data-composer-input]") : null;
  const counter = composer ? composer.querySelector("[data-char-count]") : null;
  const warning = composer ? composer.querySelector("[data-contact-warning]") : null;
  const errorBox = composer ? composer.querySelector("[data-composer-error]") : null;
  const fileInput = composer ? composer.querySelector("[data-attach-input]") : null;

  // "Contact seller" and a refused send land on #composer: the thread's header stays in view
  // (the browser's jump to the anchor scrolled it away) and the message box takes the focus.
  if (input && window.location.hash === "#composer") {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    window.scrollTo(0, 0);
    input.focus({ preventScroll: true });
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function csrfToken() {
    const field = composer && composer.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function codePoints(text) {
    return Array.from(text).length;
  }

  // The account page (moderation): why a sanction holds, and the appeal form (account_state.js).
  const account = window.GigboxAccount;
  const ACCOUNT_LINK_TEXT = account.ACCOUNT_LINK_TEXT;

  /** The error under the composer; a sanction's sentence ends with a link to the account page. */
  function showComposerError(text) {
    if (!errorBox) return;
    account.fillLinked(errorBox, text || "");
    errorBox.hidden = !text;
  }

  function untilText(until) {
    const date = new Date(until);
    return dayFormat.format(date) + " " + clockFormat.format(date);
  }

  /** Why this account cannot send now, in words (the JSON API's `suspended`, `restricted`). */
  function sanctionText(frame) {
    if (frame.code === "suspended") {
      return "Your account is suspended " + (frame.until ? "until " + untilText(frame.until) : "until a moderator lifts it") +
        ". " + ACCOUNT_LINK_TEXT + " to appeal.";
    }
    return "Your messaging is restricted " + (frame.until ? "until " + untilText(frame.until) : "until a moderator lifts it") +
      ": you can read messages, and write only in the conversations of your active orders. " + ACCOUNT_LINK_TEXT + ".";
  }

  function describeError(frame) {
    switch (frame.code) {
      case "suspended":
      case "restricted":
        return sanctionText(frame);
      case "rate_limited":
        return "You are sending too fast: retry in " + Math.ceil(Number(frame.retry_after) || 1) + " s.";
      case "too_long":
        return "Too long: " + (frame.length || "over") + "/" + (frame.limit || MAX_CHARS) + " characters.";
      case "blocked":
        return "You can't message this person: one of you has blocked the other.";
      case "empty":
        return "Write something first.";
      case "forbidden":
        return "This conversation is not available.";
      case "unavailable":
        return "The server is busy and nothing was sent.";
      default:
        return frame.message || "The message was not sent.";
    }
  }

  // ---------------------------------------------------------------- the outbox
  // Every text message goes through a queue kept in localStorage (outbox.js) until the
  // server has it: written offline or while reconnecting, it waits in the page, survives a
  // reload, and is sent once, in order, with its client_id (a resend returns the stored
  // message, never a second one). Files travel over HTTP; they wait in IndexedDB (outbox.js).
  const outbox = window.GigboxOutbox ? window.GigboxOutbox.forUser(me) : null;
  const queue = []; // pending sends in the order they were written
  const waiters = new Map(); // client_id -> resolve(result) of the send in flight
  let draining = false;

  function pendingItem(clientId, body, files) {
    const li = messageTemplate().cloneNode(true);
    li.classList.remove("is-theirs", "is-system");
    li.classList.add("is-mine", "is-pending");
    li.dataset.clientId = clientId;
    fillText(li.querySelector('[data-slot="body"]'), body);
    li.querySelector('[data-slot="time"]').setAttribute("datetime", new Date().toISOString());
    const report = li.querySelector('[data-slot="report"]');
    if (report) report.hidden = true;
    const attachments = li.querySelector('[data-slot="attachments"]');
    files.forEach((file) => {
      const item = document.createElement("li");
      item.textContent = file.name;
      attachments.append(item);
    });
    attachments.hidden = files.length === 0;
    return li;
  }

  function enqueue(clientId, body, files) {
    const li = pendingItem(clientId, body, files);
    thread.list.append(li);
    const pending = { li: li, body: body, files: files, clientId: clientId, timer: null };
    thread.pending.set(clientId, pending);
    queue.push(pending);
    setStatus(li, realtime.isOpen() ? "Sending…" : "Waiting for the connection…");
    redrawDaySeparators();
    return pending;
  }

  function sendBody(body, files) {
    const clientId = newClientId();
    enqueue(clientId, body, files);
    scrollToBottom();
    // Files are kept before the first attempt, so that an ack cannot come before the entry.
    const kept = outbox ? outbox.add({ clientId: clientId, conversationId: thread.id, body: body }, files) : null;
    if (kept) kept.then(drain);
    else drain();
  }

  /** Send what waits, oldest first, one at a time; stop at the first that has to wait. */
  async function drain() {
    if (draining || !thread) return;
    draining = true;
    try {
      while (queue.length) {
        const pending = queue[0];
        const result = await transmit(pending);
        if (result === "wait") {
          queue.forEach((p) => {
            p.li.classList.add("is-pending");
            setStatus(p.li, "Waiting for the connection…");
          });
          return;
        }
        queue.shift();
      }
    } finally {
      draining = false;
    }
  }

  /** One attempt: resolves "sent", "refused" (shown as not sent) or "wait" (try again later). */
  function transmit(pending) {
    pending.li.classList.add("is-pending");
    pending.li.classList.remove("is-failed");
    setStatus(pending.li, "Sending…");
    const frame = { type: "message.send", conversation_id: thread.id, client_id: pending.clientId, body: pending.body };
    if (!pending.files.length && realtime.send(frame)) {
      return new Promise((resolve) => {
        waiters.set(pending.clientId, resolve);
        clearTimeout(pending.timer);
        pending.timer = setTimeout(() => settle(pending.clientId, "wait"), ACK_TIMEOUT_MS);
      });
    }
    return transmitOverHttp(pending); // the socket is reconnecting: the same send path over HTTP
  }

  function settle(clientId, result) {
    const resolve = waiters.get(clientId);
    const pending = thread && thread.pending.get(clientId);
    if (pending) clearTimeout(pending.timer);
    if (!resolve) return;
    waiters.delete(clientId);
    resolve(result);
  }

  async function transmitOverHttp(pending) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    let payload;
    if (pending.files.length) {
      payload = new FormData();
      payload.append("client_id", pending.clientId);
      payload.append("body", pending.body);
      pending.files.forEach((file) => payload.append("files", file, file.name));
    } else {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify({ client_id: pending.clientId, body: pending.body });
    }
    let response;
    try {
      response = await fetch(root.dataset.sendUrl, { method: "POST", credentials: "same-origin", headers: headers, body: payload });
    } catch (err) {
      return "wait"; // offline or the server is down: the outbox keeps it
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      onAck({ ...data, client_id: pending.clientId });
      return "sent";
    }
    if (response.status >= 500 || response.status === 429 && !data.error) return "wait";
    const error = data.error && typeof data.error === "object" ? data.error : data;
    failSend(pending.clientId, describeError(error));
    return "refused";
  }

  function failSend(clientId, reason) {
    if (outbox) outbox.remove(clientId);
    const pending = thread && thread.pending.get(clientId);
    settle(clientId, "refused");
    if (!pending) return;
    pending.li.classList.remove("is-pending");
    pending.li.classList.add("is-failed");
    setStatus(pending.li, "Not sent", () => {
      if (!queue.includes(pending)) queue.push(pending);
      const kept = outbox ? outbox.add({ clientId: clientId, conversationId: thread.id, body: pending.body }, pending.files) : null;
      Promise.resolve(kept).then(drain);
    });
    showComposerError(reason);
    announce("Message not sent. " + reason);
  }

  function onAck(frame) {
    if (outbox && frame.client_id) outbox.remove(frame.client_id);
    if (!thread || frame.conversation_id !== thread.id) return;
    if (thread.pending.has(frame.client_id)) {
      addMessages([{
        id: frame.id, conversation_id: frame.conversation_id, seq: frame.seq, kind: "user", sender_id: me,
        body: frame.body, masked: frame.masked, created_at: frame.created_at, attachments: frame.attachments || [],
        client_id: frame.client_id,
      }]);
    }
    settle(frame.client_id, "sent");
    showComposerError("");
    if ((frame.masked || frame.notice) && warning) {
      warning.textContent = frame.notice || "We hid contact details in your message: sharing them is against the rules.";
      warning.hidden = false;
      warning.classList.add("is-after-send");
    }
  }

  /** The connection dropped: sends waiting for an ack are tried again on reconnect. */
  function holdAllWaiting() {
    Array.from(waiters.keys()).forEach((clientId) => settle(clientId, "wait"));
  }

  /** What a previous visit of this page left unsent (a reload, a closed tab), in order;
   * an entry with files waits for them to be read back from IndexedDB. */
  async function restoreOutbox() {
    if (!outbox || !thread || !thread.live) return;
    const entries = outbox.all().filter((entry) => entry.conversationId === thread.id);
    for (const entry of entries) {
      if (thread.pending.has(entry.clientId)) continue;
      const files = entry.files ? await outbox.files(entry.clientId) : [];
      if (thread.pending.has(entry.clientId)) continue;
      const pending = enqueue(entry.clientId, entry.body, files || []);
      if (!files) {
        // The browser dropped the stored files: never send the message without them unasked.
        queue.splice(queue.indexOf(pending), 1);
        failSend(entry.clientId, "The files of a message written offline were lost: attach them again.");
      }
    }
    if (thread.stick) scrollToBottom();
  }

  // ---------------------------------------------------------------- composer behaviour
  // The pre-send check asks the server's own detector (inbox/precheck.py) once typing pauses,
  // so the warning is exactly what would be hidden. Nothing is stored; offline, no warning.
  const PRECHECK_DELAY_MS = 350;
  const KIND_WORDS = { phone: "a phone number", email: "an email address", handle: "a social handle", link: "a link" };
  let precheckTimer = null;
  let precheckAbort = null;

  function listWords(kinds) {
    const words = [];
    kinds.forEach((kind) => {
      const word = KIND_WORDS[kind] || "contact details";
      if (!words.includes(word)) words.push(word);
    });
    if (words.length < 2) return words.join("");
    return words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }

  function showPrecheck(text, result) {
    warning.dataset.checkedText = text;
    input.classList.toggle("has-contact", Boolean(result && result.masked));
    if (result && result.masked) {
      warning.textContent = "This will be hidden from " + thread.otherName + ": " + (listWords(result.kinds) || "contact details") +
        ". Sharing contact details is against the rules.";
      warning.hidden = false;
      warning.classList.remove("is-after-send");
    } else if (!warning.classList.contains("is-after-send")) {
      warning.hidden = true;
    }
    warning.dispatchEvent(new CustomEvent("gigbox:precheck", { bubbles: true }));
  }

  function precheck(text) {
    clearTimeout(precheckTimer);
    if (precheckAbort) precheckAbort.abort();
    if (!text.trim()) {
      showPrecheck(text, null);
      return;
    }
    precheckTimer = setTimeout(async () => {
      precheckAbort = new AbortController();
      let result = null;
      try {
        const response = await fetch(root.dataset.precheckUrl, {
          method: "POST",
          credentials: "same-origin",
          signal: precheckAbort.signal,
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ body: text }),
        });
        if (!response.ok) return; // rate limited or refused: keep what is shown
        result = await response.json();
      } catch (err) {
        return; // aborted by newer typing, or offline
      }
      if (input.value === text) showPrecheck(text, result);
    }, PRECHECK_DELAY_MS);
  }

  // The unsent draft of each conversation survives switching threads and reloads; it goes
  // when sent (the outbox then holds the message until the server has it).
  const draftKey = thread ? "gigbox:draft:" + me + ":" + thread.id : "";
  function keepDraft(text) {
    if (!draftKey) return;
    try {
      if (text) window.localStorage.setItem(draftKey, text);
      else window.localStorage.removeItem(draftKey);
    } catch (err) { /* storage full or disabled: the draft lives only in the page */ }
  }
  function restoreDraft() {
    if (!draftKey || input.value) return; // a text the server sent back (a no-JS send) wins
    try {
      input.value = window.localStorage.getItem(draftKey) || "";
    } catch (err) { /* storage disabled */ }
  }

  function onDraftChange() {
    const text = input.value;
    keepDraft(text);
    const length = codePoints(text);
    const near = length >= MAX_CHARS * 0.8;
    counter.textContent = near ? length.toLocaleString() + " / " + MAX_CHARS.toLocaleString() : "";
    counter.classList.toggle("is-over", length > MAX_CHARS);
    if (length > MAX_CHARS) showComposerError("Too long: " + length + "/" + MAX_CHARS + " characters.");
    else if (errorBox && errorBox.textContent.startsWith("Too long")) showComposerError("");
    // The notice about the last message sent no longer applies once the next one is written.
    if (text && warning.classList.contains("is-after-send")) {
      warning.classList.remove("is-after-send");
      warning.hidden = true;
    }
    precheck(text);
  }

  let lastTypingSent = 0;
  function signalTyping() {
    const now = Date.now();
    if (now - lastTypingSent < TYPING_EVERY_MS) return;
    if (realtime.send({ type: "typing", conversation_id: thread.id })) lastTypingSent = now;
  }

  function submitDraft(event) {
    event.preventDefault();
    const body = input.value;
    const files = fileInput ? Array.from(fileInput.files) : [];
    if (!body.trim() && !files.length) {
      showComposerError("Write something first.");
      return;
    }
    const length = codePoints(body);
    if (length > MAX_CHARS) {
      showComposerError("Too long: " + length + "/" + MAX_CHARS + " characters.");
      return;
    }
    showComposerError("");
    warning.hidden = true;
    warning.classList.remove("is-after-send");
    input.value = "";
    if (fileInput) fileInput.value = "";
    onDraftChange();
    sendBody(body, files);
    input.focus();
  }

  // On an older page (?before=) the form posts as a plain form and lands on the newest page.
  if (thread && thread.live && composer && input) {
    composer.addEventListener("submit", submitDraft);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });
    input.addEventListener("input", () => {
      onDraftChange();
      if (input.value.trim()) signalTyping();
    });
    restoreDraft();
    onDraftChange();
  }

  // ---------------------------------------------------------------- typing indicator
  let typingTimer = null;
  function showTyping() {
    const el = root.querySelector("[data-typing]");
    if (!el) return;
    el.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { el.hidden = true; }, TYPING_SHOWN_MS);
  }

  function hideTyping() {
    const el = root.querySelector("[data-typing]");
    if (el) el.hidden = true;
    clearTimeout(typingTimer);
  }

  // ---------------------------------------------------------------- frames
  const on = (type, handler) => document.addEventListener("gigbox:" + type, (event) => handler(event.detail));

  function onConnected() {
    if (!thread) return;
    // Errors that were about the connection no longer apply.
    if (errorBox && !errorBox.hidden && !/^Too long/.test(errorBox.textContent) &&
        !(composer && "sanctioned" in composer.dataset)) showComposerError("");
    drain();
    syncThread();
    realtime.send({ type: "presence.subscribe", conversation_id: thread.id });
    lastReadSent = 0;
    markRead();
  }

  /** The socket was closed for good with 4403 (suspended or closed account): ask why, and
   * say it where the user writes, instead of leaving sends "waiting". */
  async function explainClosedAccount() {
    const error = await account.suspension();
    if (!error) return;
    // The server's sentence writes the end as every page does (the reader's zone, named).
    const text = typeof error.message === "string" && error.message.includes(ACCOUNT_LINK_TEXT) ? error.message : sanctionText(error);
    showComposerError(text);
    announce(text);
    queue.splice(0).forEach((pending) => failSend(pending.clientId, text));
    if (composer) composer.querySelectorAll("button[type=submit], textarea").forEach((el) => { el.disabled = true; });
  }

  /** A restriction started or ended (the server made the socket reconnect: 1012), or ran
   * out while the tab was away: ask what this user may do in this thread now, and disable
   * the composer with why and until when, or enable it again. An active order's thread
   * stays writable (the server's rule, inbox.checks.check_sender_sanctions). */
  async function refreshStanding() {
    if (!thread || !composer) return;
    let data = {};
    try {
      const response = await fetch("/api/account/standing/?conversation=" + thread.id, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      data = await response.json();
    } catch (err) {
      return;
    }
    if (typeof data.can_send !== "boolean") return;
    const controls = composer.querySelectorAll("button[type=submit], textarea");
    if (!data.can_send) {
      const text = sanctionText({ code: "restricted", until: data.restricted_until });
      controls.forEach((el) => { el.disabled = true; });
      composer.dataset.sanctioned = "";
      showComposerError(text);
      announce(text);
    } else if ("sanctioned" in composer.dataset) {
      controls.forEach((el) => { el.disabled = false; });
      delete composer.dataset.sanctioned;
      showComposerError("");
    }
  }

  let helloCount = 0;
  on("hello", () => {
    onConnected();
    if (helloCount++ > 0) refreshStanding(); // the page itself rendered the first state
  });
  on("socket", (detail) => {
    if (detail.state !== "open") holdAllWaiting();
    if (detail.state === "closed" && detail.code === 4403) explainClosedAccount();
  });
  window.addEventListener("online", () => drain());
  on("message.new", (frame) => {
    const message = frame.message;
    updateRow(message);
    if (!thread || message.conversation_id !== thread.id || !thread.live) {
      if (message.sender_id !== me) {
        const row = rowFor(message.conversation_id);
        const name = row ? row.querySelector(".conversation-name").textContent.trim() : "someone";
        announce("New message from " + name.split(/\s+/)[0]);
      }
      return;
    }
    if (message.sender_id !== me) hideTyping();
    const gap = message.seq > thread.headSeq + 1;
    addMessages([message], { announceNew: true });
    if (gap) syncThread();
  });
  on("message.ack", onAck);
  on("message.withdrawn", (frame) => {
    // Trust & Safety hid a message: its text becomes the notice in an open thread.
    const message = frame.message;
    if (!thread || message.conversation_id !== thread.id) return;
    const shown = thread.list.querySelector('li[data-seq="' + message.seq + '"]');
    if (shown) fillMessage(shown, message);
  });
  on("sync.result", (frame) => {
    if (!thread || frame.conversation_id !== thread.id) return;
    addMessages(frame.messages || [], { announceNew: true });
    if (frame.has_more) syncThread();
  });
  on("sync.resync", (frame) => {
    if (thread && frame.conversation_id === thread.id) reloadThread();
  });
  on("error", (frame) => {
    if (frame.client_id) failSend(frame.client_id, describeError(frame));
  });
  on("typing", (frame) => {
    if (thread && frame.conversation_id === thread.id && frame.user_id !== me) showTyping();
  });
  on("read", (frame) => {
    if (!thread || frame.conversation_id !== thread.id || frame.user_id === me) return;
    thread.otherReadSeq = Math.max(thread.otherReadSeq, Number(frame.seq) || 0);
    showSeen();
  });
  on("unread", (frame) => setRowUnread(frame.conversation_id, Number(frame.count) || 0));
  on("presence", applyPresence);
  on("conversation.updated", refreshList);

  // ---------------------------------------------------------------- filing (star, archive ...)
  // The Actions menu's forms work as plain POSTs; here they save over the JSON API instead,
  // without leaving the thread, and the list is redrawn from the server.
  async function saveState(form, changes) {
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    try {
      const response = await fetch("/api/inbox/conversations/" + thread.id + "/state/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
        body: JSON.stringify(changes),
      });
      if (response.ok) return "";
      const data = await response.json().catch(() => ({}));
      return data.message || "That did not work; please try again.";
    } catch (err) {
      return "You are offline; nothing was changed.";
    }
  }

  function swapToggle(button) {
    const done = button.textContent;
    const action = button.value;
    button.value = button.dataset.undoAction;
    button.textContent = button.dataset.undoLabel;
    button.dataset.undoAction = action;
    button.dataset.undoLabel = done;
    button.dataset.value = button.dataset.value === "true" ? "false" : "true";
    return done;
  }

  function enhanceFilingForms() {
    root.querySelectorAll("[data-state-form]").forEach((form) => {
      form.addEventListener("submit", async (event) => {
        const button = form.querySelector("button[data-field]");
        event.preventDefault();
        const error = await saveState(form, { [button.dataset.field]: button.dataset.value === "true" });
        if (error) {
          announce(error);
          return;
        }
        announce(swapToggle(button) + ": done.");
        refreshList();
      });
    });
    const labels = root.querySelector(".labels-form");
    if (labels) {
      labels.addEventListener("submit", async (event) => {
        event.preventDefault();
        const field = labels.querySelector("input[name=labels]");
        const list = field.value.split(",").map((label) => label.trim()).filter(Boolean);
        const error = await saveState(labels, { labels: list });
        field.setAttribute("aria-invalid", error ? "true" : "false");
        const shown = labels.querySelector("[data-labels-error]");
        shown.textContent = error;
        shown.hidden = !error;
        announce(error || "Labels saved.");
        if (!error) refreshList();
      });
    }
  }

  // ---------------------------------------------------------------- start
  localizeTimes(root);
  document.addEventListener("visibilitychange", markRead);
  if (thread) {
    enhanceFilingForms();
    restoreOutbox().then(() => {
      if (queue.length) drain();
    });
    redrawDaySeparators();
    showSeen();
    renderOtherStatus();
    setInterval(renderOtherStatus, 60000);
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    const divider = thread.live ? markFirstUnread(Number(root.dataset.lastReadSeq) || 0) : null;
    if (target && thread.list.contains(target)) {
      target.classList.add("is-highlighted");
      thread.stick = false;
      thread.anchor = target;
    } else if (divider) {
      thread.stick = false;
      thread.anchor = divider;
    }
    if (thread.anchor) keepPlace();
    else scrollToBottom();
    // The composer has the focus on open (not when a linked message is shown).
    if (input && thread.live && !(target && thread.list.contains(target))) input.focus({ preventScroll: true });
    // Cards, images and fonts drawn after this point keep the reader's place.
    if (window.ResizeObserver) {
      const observer = new ResizeObserver(keepPlace);
      observer.observe(thread.list);
      observer.observe(thread.scroller); // the window, the composer or a notice changed size
    }
    // Only the reader's own scrolling releases an anchor (not a late layout change).
    ["wheel", "touchstart", "touchmove", "keydown", "mousedown"].forEach((type) => {
      thread.scroller.addEventListener(type, () => {
        thread.anchor = null;
        thread.readerAt = Date.now();
      }, { passive: true });
    });
    thread.scroller.addEventListener("scroll", () => {
      // Only the reader's own scrolling decides whether the view follows the end: scroll
      // events of ours, or of content that grew or shrank, arrive late and would mislead.
      const byReader = Date.now() - thread.readerAt < 1500;
      if (byReader && !thread.anchor) thread.stick = isNearBottom();
      if (thread.stick) hideNewPill();
      markRead();
      if (thread.scroller.scrollTop < 150) loadEarlier();
    }, { passive: true });
    const pill = root.querySelector("[data-new-pill]");
    if (pill) pill.addEventListener("click", () => { scrollToBottom(); markRead(); });
    const earlier = root.querySelector("[data-load-earlier]");
    if (earlier && thread.live) {
      earlier.addEventListener("click", (event) => {
        event.preventDefault();
        loadEarlier();
      });
    }
  }
  // realtime.js may have connected before this file ran: catch up now, too (sync is idempotent).
  if (realtime.isOpen()) onConnected();
})();
