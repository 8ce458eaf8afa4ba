"""Reads of disputes, already filtered by who may see them.

Parties see their own order's dispute pages; anybody else (staff included: reviewers work in
admin) gets the same 404 as for an order that does not exist.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from config.security import refused
from disputes.models import Dispute, DisputeEntry
from inbox.models import Attachment, Conversation, MessageWithdrawal
from marketplace.models import Delivery, Order, User

__all__ = [
    "party_order",
    "latest_dispute",
    "entries_of",
    "entry_file_for_party",
    "case_conversations",
    "case_attachment",
    "case_delivery_file",
    "case_entry_file",
    "case_references",
    "withdrawals_by_seq",
]


def party_order(*, pk: int, user: User) -> Order:
    """The order if `user` is its buyer or seller, else Http404."""
    order = (
        Order.objects.select_related("buyer", "seller__seller_profile", "gig")
        .filter(Q(buyer_id=user.pk) | Q(seller_id=user.pk), pk=pk)
        .first()
    )
    if order is None:
        refused("order", pk)
        raise Http404("No such order.")
    return order


def latest_dispute(order: Order) -> Dispute | None:
    """The order's open dispute, else its most recent one (an order may be disputed again
    after a "more time" resolution)."""
    disputes = Dispute.objects.filter(order=order).select_related("opened_by", "resolved_by")
    return disputes.filter(status=Dispute.Status.OPEN).first() or disputes.first()


def entries_of(dispute: Dispute) -> list[DisputeEntry]:
    return list(dispute.entries.select_related("author"))


def entry_file_for_party(*, order: Order, entry_pk: int) -> DisputeEntry:
    """A file of one of `order`'s disputes (the caller has checked the user is a party)."""
    entry = DisputeEntry.objects.filter(pk=entry_pk, dispute__order=order).exclude(file="").first()
    if entry is None:
        refused("dispute_file", entry_pk)
        raise Http404("No such file.")
    return entry


def case_conversations(order: Order) -> list[tuple[str, Conversation]]:
    """What the reviewer reads: the order's own conversation and the pair's general one."""
    user_a_id, user_b_id = sorted((order.buyer_id, order.seller_id))
    found = []
    own = Conversation.objects.filter(order=order).first()
    if own is not None:
        found.append((f"Order {order.reference}", own))
    general = Conversation.objects.filter(
        user_a_id=user_a_id, user_b_id=user_b_id, order__isnull=True
    ).first()
    if general is not None:
        found.append(("General", general))
    return found


def case_attachment(*, dispute: Dispute, attachment_pk: int) -> Attachment:
    """An attachment of one of the case's conversations, else Http404."""
    conversation_ids = [c.pk for _, c in case_conversations(dispute.order)]
    attachment = (
        Attachment.objects.select_related("conversation")
        .filter(pk=attachment_pk, conversation_id__in=conversation_ids)
        .first()
    )
    if attachment is None:
        refused("attachment", attachment_pk)
        raise Http404("No such file.")
    return attachment


def case_delivery_file(*, dispute: Dispute, delivery_pk: int) -> Delivery:
    """A file the seller delivered on the dispute's order, else Http404."""
    delivery = (
        Delivery.objects.filter(pk=delivery_pk, order_id=dispute.order_id).exclude(file="").first()
    )
    if delivery is None:
        refused("delivery", delivery_pk)
        raise Http404("No such file.")
    return delivery


def case_entry_file(*, dispute: Dispute, entry_pk: int) -> DisputeEntry:
    entry = dispute.entries.filter(pk=entry_pk).exclude(file="").first()
    if entry is None:
        refused("dispute_file", entry_pk)
        raise Http404("No such file.")
    return entry


def case_references(*, staff, message) -> list[str]:
    """ "dispute:N" for each dispute whose case file holds the message's conversation (the
    order's own thread, or the pair's general thread), for reviewers who view disputes: the
    inbox's staff evidence source (inbox.extensions)."""
    if not (staff.is_active and staff.is_staff and staff.has_perm("disputes.view_dispute")):
        return []
    conversation = message.conversation
    if conversation.order_id is not None:
        disputes = Dispute.objects.filter(order_id=conversation.order_id)
    else:
        pair = Q(order__buyer_id=conversation.user_a_id, order__seller_id=conversation.user_b_id)
        pair |= Q(order__buyer_id=conversation.user_b_id, order__seller_id=conversation.user_a_id)
        disputes = Dispute.objects.filter(pair)
    return [f"dispute:{pk}" for pk in disputes.values_list("pk", flat=True)]


def withdrawals_by_seq(conversation: Conversation) -> dict[int, MessageWithdrawal]:
    """The conversation's messages Trust & Safety hid from the parties, by seq (the printable
    export marks them)."""
    rows = MessageWithdrawal.objects.filter(message__conversation=conversation).select_related(
        "message", "withdrawn_by"
    )
    return {row.message.seq: row for row in rows}
