// Gigbox custom offers in the inbox thread: cards on their system messages, live.
//
// The thread's offers arrive as JSON (json_script "offers-data", rendered by the deals
// template tag `thread_offers`), on messages (`message.offer`, in sync and history pages)
// and in `offer.updated` frames (docs/protocol.md). A card is drawn inside the <li> of the
// offer's system message, whenever that <li> is on screen: inbox.js owns the list, this file
// only adds cards to it. Buttons post to the same URLs as the no-JavaScript offer page.
//
// User text is only ever inserted with textContent (never innerHTML).
"use strict";

(function () {
  const root = document.querySelector("[data-inbox]");
  const list = root && root.querySelector("[data-message-list]");
  if (!root || !list) return;

  const me = Number(root.dataset.userId);
  const conversationId = Number(root.dataset.conversationId);
  const offersByMessage = new Map(); // message id -> offer object

  const STATUS_WORDS = {
    pending: "Waiting for an answer",
    accepted: "Accepted",
    declined: "Declined",
    withdrawn: "Withdrawn",
    expired: "Expired",
  };

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  // In the viewer's own zone (the account's, as on every server-drawn page), not the browser's.
  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const options = { dateStyle: "medium", timeStyle: "short" };
    try {
      return date.toLocaleString(undefined, { ...options, timeZone: root.dataset.userTimezone || undefined });
    } catch (err) {
      return date.toLocaleString(undefined, options); // an unknown time zone name
    }
  }

  // ---------------------------------------------------------------- drawing a card
  function actionButton(offer, action, label, className) {
    const button = el("button", "btn btn-small " + (className || ""), label);
    button.type = "button";
    button.dataset.offerAction = action;
    button.addEventListener("click", () => runAction(offer, action, button));
    return button;
  }

  function buildCard(offer) {
    const status = offer.status;
    const card = el("article", "offer-card offer-" + status);
    card.dataset.offerCard = String(offer.id);
    const head = el("p", "offer-head");
    head.append(el("span", "tag", "Custom offer #" + offer.id), " ", el("span", "status status-" + status, STATUS_WORDS[status] || status));
    card.append(head, el("h3", "offer-title", offer.title));
    card.append(el("p", "offer-description user-text", offer.description));
    const terms = el("ul", "package-terms");
    terms.append(
      el("li", "price", "$" + offer.price),
      el("li", "", plural(offer.delivery_days, "day") + " delivery"),
      el("li", "", plural(offer.revisions, "revision"))
    );
    card.append(terms);
    if (offer.milestones.length) {
      const milestones = el("ol", "offer-milestone-list small");
      offer.milestones.forEach((m) => milestones.append(el("li", "", m.title + ": $" + m.amount + " by day " + m.due_days)));
      card.append(milestones);
    }
    const expiry = el("p", "small muted", (status === "pending" ? "Open until " : "Was open until ") + formatTime(offer.expires_at));
    card.append(expiry);
    if (offer.order) {
      const link = el("a", "", "Order " + offer.order.reference);
      link.href = offer.order.url;
      const line = el("p");
      line.append(link);
      card.append(line);
    }
    if (status === "pending") {
      const actions = el("div", "actions");
      if (offer.buyer_id === me) {
        // Accepting goes through the checkout summary; its Confirm places the order.
        const accept = el("a", "btn btn-primary", "Accept · $" + offer.price);
        accept.href = "/deals/offers/" + offer.id + "/checkout/";
        accept.dataset.offerCheckout = "";
        actions.append(accept, actionButton(offer, "decline", "Decline"));
      } else if (offer.seller_id === me) {
        actions.append(actionButton(offer, "withdraw", "Withdraw offer", "btn-danger"));
      }
      card.append(actions);
    }
    const error = el("p", "composer-error small");
    error.dataset.offerError = "";
    error.setAttribute("role", "alert");
    error.hidden = true;
    card.append(error);
    const details = el("a", "small", "Offer page");
    details.href = offer.url;
    card.append(details);
    return card;
  }

  function draw(offer) {
    if (!offer || offer.message_id == null) return;
    const li = list.querySelector('li[data-message-id="' + offer.message_id + '"]');
    if (!li) return;
    const old = li.querySelector("[data-offer-card]");
    const card = buildCard(offer);
    if (old) old.replaceWith(card);
    else li.querySelector(".bubble").append(card);
    li.classList.add("has-offer");
  }

  function remember(offer) {
    if (!offer || offer.conversation_id !== conversationId || offer.message_id == null) return;
    offersByMessage.set(offer.message_id, offer);
    draw(offer);
  }

  // ---------------------------------------------------------------- actions
  async function runAction(offer, action, button) {
    const card = button.closest("[data-offer-card]");
    const error = card.querySelector("[data-offer-error]");
    card.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    let response;
    try {
      response = await fetch("/deals/offers/" + offer.id + "/" + action + "/", {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
    } catch (err) {
      response = null;
    }
    const data = response ? await response.json().catch(() => ({})) : {};
    if (response && response.ok) {
      remember(data.offer);
      if (action === "accept" && data.redirect) window.location.assign(data.redirect);
      return;
    }
    card.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    error.textContent = data.error || "The server did not answer; nothing changed. Try again.";
    error.hidden = false;
  }

  // ---------------------------------------------------------------- the offer form
  const composer = document.querySelector("[data-offer-composer]");
  const form = composer && composer.querySelector("[data-offer-form]");

  function showFormErrors(errors) {
    const box = form.querySelector("[data-offer-error]");
    const lines = [];
    Object.entries(errors || {}).forEach(([field, messages]) => {
      const input = form.querySelector('[name="' + field + '"]');
      const label = input && form.querySelector('label[for="' + input.id + '"]');
      const name = label ? label.textContent.trim() + ": " : "";
      lines.push(name + messages.join(" "));
    });
    box.textContent = lines.join(" ") || "The offer was not sent.";
    box.hidden = false;
  }

  // The composer's "Create an offer" link (the same URL as the form) opens the form here;
  // without JavaScript it leads to the offer page. One control, and the form has no other.
  const opener = form && Array.from(document.querySelectorAll("a[data-composer-action]"))
    .find((link) => new URL(link.href, location.href).pathname === new URL(form.action, location.href).pathname);

  function setFormOpen(open) {
    composer.hidden = !open;
    if (opener) opener.setAttribute("aria-expanded", String(open));
    if (open) {
      const first = form.querySelector("select, textarea, input:not([type=hidden])");
      if (first) first.focus();
    } else if (opener) {
      opener.focus();
    }
  }

  if (opener) {
    opener.setAttribute("aria-controls", composer.id);
    opener.setAttribute("aria-expanded", "false");
    opener.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // a new tab
      event.preventDefault();
      setFormOpen(composer.hidden);
    });
    composer.querySelector("[data-offer-composer-close]").addEventListener("click", () => setFormOpen(false));
    composer.addEventListener("keydown", (event) => {
      if (event.key === "Escape") setFormOpen(false);
    });
  }

  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      let response;
      try {
        response = await fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
          body: new FormData(form),
        });
      } catch (err) {
        response = null;
      }
      submit.disabled = false;
      const data = response ? await response.json().catch(() => ({})) : {};
      if (response && response.ok) {
        form.reset();
        form.querySelector("[data-offer-error]").hidden = true;
        setFormOpen(false);
        remember(data.offer);
      } else {
        showFormErrors(data.errors || { __all__: ["The server did not answer; nothing was sent."] });
      }
    });
  }

  // ---------------------------------------------------------------- frames and the list
  const on = (type, handler) => document.addEventListener("gigbox:" + type, (event) => handler(event.detail));
  on("offer.updated", (frame) => remember(frame.offer));
  on("message.new", (frame) => remember(frame.message && frame.message.offer));
  on("sync.result", (frame) => (frame.messages || []).forEach((m) => remember(m.offer)));

  // Messages inbox.js adds later (live, sync, earlier pages): draw their cards when they appear.
  new MutationObserver((records) => {
    records.forEach((record) => record.addedNodes.forEach((node) => {
      if (node.nodeType !== 1 || !node.dataset.messageId) return;
      const offer = offersByMessage.get(Number(node.dataset.messageId));
      if (offer && !node.querySelector("[data-offer-card]")) draw(offer);
    }));
  }).observe(list, { childList: true });

  const initial = document.getElementById("offers-data");
  if (initial) JSON.parse(initial.textContent).forEach(remember);
})();
