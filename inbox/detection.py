"""Step 4 of the send path (inbox.send): each admitted body through the contact policy.

The policy masks what it finds, records tier-2 intents unmasked, and lets contact details
through as work content in the thread of an order whose gig takes them (a business card's
phone, written by the buyer to the seller). The order of a thread is read only when a body or
a file name there has something to let through: one query per order per batch, none in the
common case.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from core.contact_policy import OrderContext, get_contact_policy, hides
from inbox.checks import CheckedFile
from inbox.drafts import Draft, Recent
from inbox.models import Conversation, Message
from marketplace.models import Order

if TYPE_CHECKING:
    from inbox.send import SendRequest

__all__ = ["OrderContexts", "active_order_conversations", "draft_messages"]


class OrderContexts:
    """The contact policy's view of each order thread of a batch, read on first need."""

    def __init__(self, conversations: dict[int, Conversation]) -> None:
        self.conversations = conversations
        self.known: dict[int, OrderContext] = {}

    def of(self, conversation_id: int) -> OrderContext | None:
        conversation = self.conversations.get(conversation_id)
        if conversation is None or conversation.order_id is None:
            return None
        if conversation.order_id not in self.known:
            order = (
                Order.objects.select_related("gig__category")
                .only(
                    "seller_id",
                    "status",
                    "gig__contact_details_as_work",
                    "gig__category__contact_details_as_work",
                )
                .get(pk=conversation.order_id)
            )
            self.known[conversation.order_id] = order.contact_context()
        return self.known[conversation.order_id]

    def work_for(self, request: SendRequest) -> OrderContext | None:
        """The order context when what `request`'s sender writes there is work content."""
        order = self.of(request.conversation_id)
        return order if get_contact_policy().details_are_work(order, request.sender.pk) else None


def _file_findings(files: Sequence[CheckedFile], order: OrderContext, writer_id: int) -> list:
    """Details in file names let through as work: recorded by name (no offsets in the body)."""
    found: list[dict[str, Any]] = []
    for checked in files:
        for finding in get_contact_policy().work_findings(checked.name, order, writer_id):
            del finding["start"], finding["end"]
            found.append({**finding, "field": "file_name", "file_name": checked.name})
    return found


def draft_messages(
    pending: Sequence[tuple[int, SendRequest]],
    files: dict[int, list[CheckedFile]],
    history: Recent,
    contexts: OrderContexts,
) -> dict[int, Draft]:
    """A draft per admitted request (a repeated client_id in the batch: the first only), its
    body masked with the sender's recent messages in the conversation as history."""
    policy = get_contact_policy()
    history = {pair: list(recent) for pair, recent in history.items()}  # reads stay as read
    drafts: dict[int, Draft] = {}
    first_of_key: set[tuple[int, str]] = set()
    for i, request in pending:
        key = (request.sender.pk, request.client_id)
        if request.client_id and key in first_of_key:
            continue  # a repeat inside the batch: answered with the first one's outcome
        first_of_key.add(key)
        recent = history[(request.conversation_id, request.sender.pk)]
        earlier = [body for _, body in recent[-policy.history_messages :]]
        detection = policy.mask_message(request.body, earlier)
        found = list(detection.findings)
        order = None
        if any(map(hides, found)) or files.get(i):
            order = contexts.work_for(request)
        if order is not None:
            detection = policy.mask_message(
                request.body, earlier, order=order, writer_id=request.sender.pk
            )
            found = detection.findings + _file_findings(files.get(i, []), order, request.sender.pk)
        recent.append((None, request.body))  # for the next of the batch; timed when chained
        drafts[i] = Draft(
            conversation_id=request.conversation_id,
            kind=Message.Kind.USER,
            sender_id=request.sender.pk,
            client_id=request.client_id,
            body=request.body,
            delivered_body=detection.delivered_body,
            findings=found,
            files=files.get(i, []),
        )
    return drafts


def active_order_conversations(
    messages: Sequence[Message], conversations: dict[int, Conversation]
) -> set[int]:
    """Which of the masked messages' conversations belong to an order still running (one
    query per batch, none when nothing was masked): their acks say so."""
    order_ids = {conversations[m.conversation_id].order_id for m in messages if m.masked} - {None}
    if not order_ids:
        return set()
    active = set(
        Order.objects.filter(pk__in=order_ids, status__in=Order.ACTIVE_STATUSES).values_list(
            "pk", flat=True
        )
    )
    return {c.pk for c in conversations.values() if c.order_id in active}
