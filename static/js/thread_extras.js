// Gigbox thread extras: what a message line offers beyond its text (docs/protocol.md).
//
// - Order events (system lines of an order's thread): the newest one carries the order's
//   next step as it is now (send requirements, deliver, accept or ask for a revision, leave a
//   review), copied from the side panel's entry for the order (deals/person_panel.py, kept
//   current by panel.js); older events carry none, and none is shown once nothing is left
//   to do. An order older than the panel lists gets "Open the order".
// - Times written into system lines by the server (ISO 8601, UTC) are shown in the viewer's
//   time zone, at display.
// - Each line's accessible name starts with its author and time ("Alice Studio, 14:05:").
// - Links to our own hosts become clickable (rel="nofollow noopener noreferrer"); any other
//   address stays text (contact details are masked by the server before this).
// - Consecutive messages of one author (within 5 minutes) are grouped: one time, at the end.
// inbox.js owns the list; this file decorates each line when it appears (MutationObserver).
// User text is only ever inserted with textContent (never innerHTML).
"use strict";

(function () {
  const root = document.querySelector("[data-inbox]");
  const list = root && root.querySelector("[data-message-list]");
  if (!root || !list) return;

  const orderUrl = root.dataset.orderUrl || "";
  const orderId = root.dataset.orderId || "";
  const zone = root.dataset.userTimezone || undefined;
  const otherName = root.dataset.otherName || "";
  const ownHosts = new Set([window.location.host, ...(root.dataset.siteHosts || "").split(/\s+/).filter(Boolean)]);
  const GROUP_GAP_MS = 5 * 60 * 1000;
  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

  // The order events' texts (inbox/order_events.py) that get the order's next step.
  const ORDER_EVENTS = [/review each other/i, / placed by /, / sent the requirements /, / delivered /, / asked for a revision /, /dispute/i];

  const ISO = /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))/;
  const timeFormat = (() => {
    const options = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      return new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone });
    } catch (err) {
      return new Intl.DateTimeFormat(undefined, options); // an unknown zone name
    }
  })();

  /** Replace each ISO time in the line's text nodes by a <time> in the viewer's zone. */
  function localizeSystemTimes(body) {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach((node) => {
      const parts = node.textContent.split(ISO);
      if (parts.length < 2) return;
      const fragment = document.createDocumentFragment();
      parts.forEach((part, index) => {
        if (index % 2 === 0) {
          if (part) fragment.append(document.createTextNode(part));
          return;
        }
        const date = new Date(part);
        const time = document.createElement("time");
        time.setAttribute("datetime", part);
        time.dataset.systemTime = "";
        time.textContent = Number.isNaN(date.getTime()) ? part : timeFormat.format(date);
        fragment.append(time);
      });
      node.replaceWith(fragment);
    });
  }

  function markOrderEvent(li, body) {
    if (!orderUrl || li.dataset.orderEvent !== undefined) return;
    if (!ORDER_EVENTS.some((pattern) => pattern.test(body.textContent))) return;
    li.dataset.orderEvent = "";
    scheduleEventActions();
  }

  /** The order's current next steps, as the panel shows them (server-rendered nodes). */
  function currentSteps() {
    const panel = document.querySelector("[data-person-panel]");
    const entry = panel && panel.querySelector('[data-panel-order="' + orderId + '"]');
    if (!entry) {
      const link = document.createElement("a");
      link.href = orderUrl;
      link.textContent = "Open the order";
      return [link];
    }
    return Array.from(entry.querySelectorAll("[data-next-step]")).map((step) => {
      const form = step.closest("form");
      const copy = (form || step).cloneNode(true);
      return copy;
    });
  }

  function drawEventActions() {
    const events = Array.from(list.querySelectorAll("li.message[data-order-event]"));
    const newest = events[events.length - 1];
    const steps = newest ? currentSteps() : [];
    const signature = steps.map((step) => step.outerHTML).join("");
    events.forEach((li) => {
      const shown = li.querySelector(".event-actions");
      if (li === newest && shown && shown.dataset.signature === signature) return;
      if (shown) shown.remove();
      if (li !== newest || !steps.length) return;
      const line = document.createElement("div");
      line.className = "event-actions";
      line.dataset.signature = signature;
      steps.forEach((step) => {
        const action = step.matches("form") ? step.querySelector("button") : step;
        action.classList.add("btn", "btn-small", "event-action");
        action.dataset.eventAction = "";
        line.append(step);
      });
      const body = li.querySelector('[data-slot="body"]');
      if (body) body.after(line);
    });
  }

  let eventActionsFrame = 0;
  function scheduleEventActions() {
    cancelAnimationFrame(eventActionsFrame);
    eventActionsFrame = requestAnimationFrame(drawEventActions);
  }
  document.addEventListener("gigbox:panel-updated", scheduleEventActions);

  const clock = (() => {
    try {
      return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: zone });
    } catch (err) {
      return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
    }
  })();

  function timeOf(li) {
    const time = li.querySelector('[data-slot="time"]');
    const date = time && time.getAttribute("datetime") ? new Date(time.getAttribute("datetime")) : null;
    return date && !Number.isNaN(date.getTime()) ? date : null;
  }

  /** "You, 14:05:" / "Alice Studio, 14:05:" read first by screen readers. */
  function nameLine(li) {
    const bubble = li.querySelector(".bubble");
    if (!bubble) return;
    let who = bubble.querySelector("[data-slot='who']");
    if (!who) {
      who = document.createElement("span");
      who.className = "visually-hidden";
      who.dataset.slot = "who";
      bubble.prepend(who);
    }
    const date = timeOf(li);
    const author = li.classList.contains("is-mine") ? "You" : li.classList.contains("is-system") ? "Gigbox" : otherName;
    const text = author + (date ? ", " + clock.format(date) : "") + ": ";
    if (who.textContent !== text) who.textContent = text;
  }

  /** Our own links clickable, in the text nodes of a body (never via HTML). */
  function linkify(body) {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
      if (!walker.currentNode.parentElement.closest("a")) nodes.push(walker.currentNode);
    }
    nodes.forEach((node) => {
      const text = node.textContent;
      URL_PATTERN.lastIndex = 0;
      if (!URL_PATTERN.test(text)) return;
      URL_PATTERN.lastIndex = 0;
      const fragment = document.createDocumentFragment();
      let last = 0;
      let match;
      let changed = false;
      while ((match = URL_PATTERN.exec(text))) {
        let url;
        try {
          url = new URL(match[0]);
        } catch (err) {
          continue;
        }
        if (!ownHosts.has(url.host)) continue; // others stay text
        fragment.append(document.createTextNode(text.slice(last, match.index)));
        const link = document.createElement("a");
        link.href = url.href;
        link.rel = "nofollow noopener noreferrer";
        link.textContent = match[0];
        fragment.append(link);
        last = match.index + match[0].length;
        changed = true;
      }
      if (!changed) return;
      fragment.append(document.createTextNode(text.slice(last)));
      node.replaceWith(fragment);
    });
  }

  const PREVIEWED = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

  /** A server-made preview (inbox/thumbnails.py) inside each image attachment's link. */
  function previewImages(li) {
    li.querySelectorAll('[data-slot="attachments"] a[data-content-type]').forEach((link) => {
      if (!PREVIEWED.has(link.dataset.contentType) || link.querySelector("img")) return;
      const img = document.createElement("img");
      img.className = "attachment-thumb";
      img.alt = "";
      img.loading = "lazy";
      img.src = link.getAttribute("href").replace(/\/?$/, "/") + "thumb/";
      link.classList.add("has-thumb");
      link.prepend(img);
    });
  }

  function decorate(li) {
    if (!li.classList || !li.classList.contains("message")) return;
    const body = li.querySelector('[data-slot="body"]');
    if (!body) return;
    nameLine(li);
    previewImages(li);
    if (li.classList.contains("is-system")) {
      localizeSystemTimes(body);
      markOrderEvent(li, body);
    } else {
      linkify(body);
    }
  }

  /** One time under a run of messages of one author: the earlier ones are "followed". */
  function regroup() {
    const items = Array.from(list.children);
    items.forEach((li, index) => {
      if (!li.classList.contains("message")) return;
      const next = items[index + 1];
      const author = (el) => (el.classList.contains("is-mine") ? "me" : el.classList.contains("is-theirs") ? "them" : "");
      let followed = false;
      if (next && next.classList.contains("message") && author(li) && author(li) === author(next)) {
        const a = timeOf(li);
        const b = timeOf(next);
        followed = Boolean(a && b && b - a >= 0 && b - a < GROUP_GAP_MS) && !li.classList.contains("is-failed");
      }
      li.classList.toggle("is-followed", followed);
    });
  }

  let regroupFrame = 0;
  function scheduleRegroup() {
    cancelAnimationFrame(regroupFrame);
    regroupFrame = requestAnimationFrame(regroup);
  }

  list.querySelectorAll("li.message").forEach(decorate);
  regroup();
  new MutationObserver((records) => {
    records.forEach((record) => {
      if (record.type === "childList") {
        record.addedNodes.forEach((node) => node.nodeType === 1 && decorate(node));
      }
      // inbox.js refills a line in place (a pending message acknowledged, an ack's files).
      const li = record.target.nodeType === 1 && record.target.closest && record.target.closest("li.message");
      if (li && record.target !== list) decorate(li);
    });
    scheduleRegroup();
  }).observe(list, { childList: true, subtree: true });
})();
