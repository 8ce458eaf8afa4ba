"""Names instead of ids: how moderation pages and notices name a conversation and a message
("alice ↔ bob, order #12 'Logo design', message 19"). Callers select the conversation's users,
order and gig with the rows (LABEL_RELATED), so a label costs no query."""

from __future__ import annotations

from collections.abc import Iterable

from inbox.models import Conversation, Message
from moderation.models import Flag

# select_related paths from a Conversation that conversation_label reads.
CONVERSATION_RELATED = ("user_a", "user_b", "order__buyer", "order__seller", "gig")


def related(prefix: str) -> list[str]:
    """CONVERSATION_RELATED under `prefix`, e.g. related("message__conversation")."""
    return [f"{prefix}__{path}" for path in CONVERSATION_RELATED]


def _people(conversation: Conversation) -> str:
    order = conversation.order
    if order is not None:  # buyer first: the order's own roles
        return f"{order.buyer.username} ↔ {order.seller.username}"
    return f"{conversation.user_a.username} ↔ {conversation.user_b.username}"


def conversation_label(conversation: Conversation) -> str:
    """ "buyer ↔ seller, order #12 'Logo design'", "a ↔ b, gig 'Logo design'" or "a ↔ b"."""
    people = _people(conversation)
    if conversation.order is not None:
        return f"{people}, order #{conversation.order.pk} '{conversation.order.title}'"
    if conversation.gig is not None:
        return f"{people}, gig '{conversation.gig.title}'"
    return people


def message_label(message: Message) -> str:
    return f"{conversation_label(message.conversation)}, message {message.seq}"


def other_party_label(conversation: Conversation, user_id: int | None) -> str:
    """What the sender of a message reads: "your conversation with bob (order #12 'Logo')"."""
    other = conversation.user_b if conversation.user_a_id == user_id else conversation.user_a
    where = f"your conversation with {other.username}"
    if conversation.order is not None:
        return f"{where} (order #{conversation.order.pk} '{conversation.order.title}')"
    if conversation.gig is not None:
        return f"{where} (gig '{conversation.gig.title}')"
    return where


def dismiss_words(sources: Iterable[str]) -> str:
    """What dismissing says, by where the flags came from: "not contact sharing" when the
    contact detector raised one, "no breach found" for users' reports only (fraud, abuse,
    spam...), where "not contact" would answer a question nobody asked. The stored resolution
    is the same (not_contact: a dismissal)."""
    return "not contact sharing" if Flag.Source.DETECTOR in set(sources) else "no breach found"
