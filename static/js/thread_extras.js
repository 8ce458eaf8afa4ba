// Gigbox thread extras: what a message line offers beyond its text (docs/protocol.md).
//
// - Order events (system lines of an order's thread) carry their next action as a link to
//   the order page (send requirements, deliver, accept or ask for a revision) or to the review
//   page ("You can now review each other").
// - Times written into system lines by the server (ISO 8601, UTC) are shown in the viewer's
//   time zone, at display.
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

  function decorate(li) {
    if (!li.classList || !li.classList.contains("is-system")) return;
    const body = li.querySelector('[data-slot="body"]');
    if (!body) return;
    localizeSystemTimes(body);
    addEventAction(li, body);
  }

  list.querySelectorAll("li.is-system").forEach(decorate);
  new MutationObserver((records) => {
    records.forEach((record) => {
      if (record.type === "childList") {
        record.addedNodes.forEach((node) => node.nodeType === 1 && decorate(node));
      }
      // inbox.js refills a line in place (a pending message acknowledged, an ack's files).
      const li = record.target.nodeType === 1 && record.target.closest && record.target.closest("li.is-system");
      if (li && record.target !== list) decorate(li);
    });
  }).observe(list, { childList: true, subtree: true });
})();
