"""Order events as system messages in the order's own conversation.

marketplace.services._record_event calls `post_order_event` for every timeline entry, in
the same transaction, through the marketplace's order event listeners (marketplace.extensions,
registered in InboxConfig.ready): the event and its message are stored together or not at
all, and the message is pushed to both parties after commit like any other
(post_system_message). A named extension point instead of a signal, so the marketplace
service shows every effect it has.
"""

from __future__ import annotations

import logging

from django.conf import settings

from core.contact_policy import get_contact_policy
from core.timestamps import stamp
from inbox.checks import SendError
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation, Message
from inbox.send import post_system_message
from marketplace.models import Order, OrderEvent

logger = logging.getLogger(__name__)

__all__ = ["post_order_event", "order_event_text", "post_order_line"]

Kind = OrderEvent.Kind


def _name(user) -> str:
    return user.public_name if user is not None else "Gigbox"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"  # "1 revision", "2 revisions"


def order_event_text(order: Order, event: OrderEvent) -> str:
    """The event in words, for both parties (the order's timeline says the same)."""
    ref, actor = order.reference, _name(event.actor)
    note = f" {event.note}" if event.note else ""
    texts = {
        Kind.PLACED: f"Order {ref} placed by {actor}: “{order.title}”, ${order.price}, "
        f"{_count(order.delivery_days, 'day')}, "
        # No "next step" in the text: it is stored for good, the step changes (the thread
        # shows the order's current one beside the newest event, thread_extras.js).
        f"{_count(order.revisions_included, 'revision')}.{note}",
        Kind.REQUIREMENTS_SENT: f"{actor} sent the requirements for {ref}. The work has started"
        + (f"; delivery is due {stamp(order.due_at)}." if order.due_at else "."),
        Kind.DELIVERED: f"{actor} delivered {ref}. The buyer can accept it or ask for a revision.",
        Kind.REVISION_REQUESTED: f"{actor} asked for a revision of {ref}:{note}",
        Kind.COMPLETED: f"{ref} is complete.{note} You can now review each other.",
        Kind.CANCELLED: f"{ref} was cancelled by {actor}.{note}",
        Kind.DISPUTED: f"{actor} opened a dispute on {ref}.{note}",
        Kind.RESOLVED: f"The dispute on {ref} was resolved.{note}",
        Kind.SELLER_SUSPENDED: note.strip(),  # the marketplace's words: what happens next
        Kind.SELLER_REINSTATED: note.strip(),
    }
    text = texts.get(event.kind) or f"{event.get_kind_display()}: {ref}.{note}"
    return text[: settings.GIGBOX_MESSAGE_MAX_CHARS]


def _order_conversation(order: Order) -> Conversation | None:
    conversation = Conversation.objects.filter(order_id=order.pk).first()
    if conversation is not None:
        return conversation
    try:
        return get_or_start_conversation(starter=order.buyer, other=order.seller, order=order)
    except SendError as error:
        # A block or a closed account: no thread can be opened for them. The order's own
        # timeline still holds the event, which is what disputes and staff read.
        logger.info(
            "no conversation for %s (%s): event %s not posted",
            order.reference,
            error.code,
            order.pk,
        )
        return None


def post_order_event(*, order: Order, event: OrderEvent) -> Message | None:
    """Post `event` into the order's conversation (started on the first event)."""
    conversation = _order_conversation(order)
    if conversation is None:
        return None
    # The event's actor (who placed, delivered, accepted …) does not get it as unread news.
    return post_system_message(
        conversation=conversation,
        body=order_event_text(order, event),
        actor=event.actor,
        findings=_work_findings(order, event),
    )


def post_order_line(*, order: Order, text: str) -> Message | None:
    """Post a system line about the order that is not a timeline entry (moderation: the
    seller's suspension ended early) in the order's conversation, for both parties."""
    conversation = _order_conversation(order)
    if conversation is None:
        return None
    return post_system_message(
        conversation=conversation, body=text[: settings.GIGBOX_MESSAGE_MAX_CHARS]
    )


def _work_findings(order: Order, event: OrderEvent) -> list[dict]:
    """The requirements' contact details let through as the order's work, recorded on the
    event's message for the audit flag (by value: their offsets are not in its text), with
    who wrote them: moderation attributes the flag to the buyer, not to the system line."""
    if event.kind != Kind.REQUIREMENTS_SENT or not order.requirements:
        return []
    found = get_contact_policy().work_findings(
        order.requirements, order.contact_context(), order.buyer_id
    )
    for finding in found:
        del finding["start"], finding["end"]
        finding["field"] = "requirements"
        finding["writer_id"] = order.buyer_id  # the line is the system's; the words the buyer's
    return found
