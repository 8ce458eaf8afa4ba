// Gigbox thread extras: what a message line offers beyond its text (docs/protocol.md).
//
// - Order events (system lines of an order's thread) carry their next action as a link to
//   the order page (send requirements, deliver, accept or ask for a revision) or to the review
//   page ("You can now review each other").
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
  const reviewUrl = root.dataset.reviewUrl || "";
  const role = root.dataset.orderRole || "";
  const zone = root.dataset.userTimezone || undefined;
  const otherName = root.dataset.otherName || "";
  const ownHosts = new Set([window.location.host, ...(root.dataset.siteHosts || "").split(/\s+/).filter(Boolean)]);
  const GROUP_GAP_MS = 5 * 60 * 1000;
  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

  // [pattern in the event's text (inbox/order_events.py), label by role, target]
  const EVENT_ACTIONS = [
    [/review each other/i, { buyer: "Leave a review", seller: "Leave a review" }, "review"],
    [/ placed by /, { buyer: "Send the requirements", seller: "Open the order" }, "order"],
    [/ sent the requirements /, { buyer: "Open the order", seller: "Deliver the work" }, "order"],
    [/ delivered /, { buyer: "Accept or ask for a revision", seller: "Open the order" }, "order"],
    [/ asked for a revision /, { buyer: "Open the order", seller: "Deliver the revision" }, "order"],
    [/dispute/i, { buyer: "Open the order", seller: "Open the order" }, "order"],
  ];

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

  function addEventAction(li, body) {
    if (!orderUrl || li.querySelector("[data-event-action]")) return;
    const text = body.textContent;
    const found = EVENT_ACTIONS.find(([pattern]) => pattern.test(text));
    if (!found) return;
    const [, labels, target] = found;
    const href = target === "review" ? reviewUrl : orderUrl;
    if (!href) return;
    const link = document.createElement("a");
    link.className = "btn btn-small event-action";
    link.dataset.eventAction = target;
    link.href = href;
    link.textContent = labels[role] || "Open the order";
    const line = document.createElement("p");
    line.className = "event-actions";
    line.append(link);
    body.after(line);
  }

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
      addEventAction(li, body);
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
