"""Conversations: started once per pair (or per order), and a participant's side of one."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from config import clock
from inbox import chain
from inbox.checks import (
    SendError,
    check_sender_sanctions,
    forbidden_error,
    is_system_account,
    official_account_error,
    takes_no_messages,
)
from inbox.models import Conversation, Participant
from inbox.push import push_summaries
from inbox.selectors import is_blocked

__all__ = ["get_or_start_conversation", "participant_of"]


@transaction.atomic
def get_or_start_conversation(*, starter, other, gig=None, order=None) -> Conversation:
    """The general conversation of the pair (or the order's own thread), started if need be.

    A user (not the system account, whose notices start its threads) cannot start one with
    an account that takes no messages, nor, while their messaging is restricted, start a new
    one: it would stay empty (an order's thread is the order's, and always starts)."""
    if other is None or starter.pk == other.pk or not other.is_active or not starter.is_active:
        raise forbidden_error()
    by_user = order is None and not is_system_account(starter)
    if by_user and takes_no_messages(other):
        raise official_account_error()
    if is_blocked(starter.pk, other.pk):
        raise SendError("blocked", "You cannot message this person.")
    user_a_id, user_b_id = sorted((starter.pk, other.pk))
    if order is not None:
        if {order.buyer_id, order.seller_id} != {user_a_id, user_b_id}:
            raise forbidden_error()
        existing = Conversation.objects.filter(order=order).first()
        gig = order.gig
    else:
        existing = Conversation.objects.filter(
            user_a_id=user_a_id, user_b_id=user_b_id, order__isnull=True
        ).first()
    if existing is not None:
        if gig is not None and existing.gig_id != gig.pk and existing.order_id is None:
            # "Contact seller" on another gig: the thread is about the latest one now.
            existing.gig = gig
            existing.save(update_fields=["gig"])
        return existing
    if by_user:
        check_sender_sanctions(starter)
    try:
        with transaction.atomic():
            conversation = _create_conversation(user_a_id, user_b_id, gig=gig, order=order)
    except IntegrityError:  # started by the other side at the same moment
        lookup = (
            {"order": order}
            if order is not None
            else {"user_a_id": user_a_id, "user_b_id": user_b_id, "order__isnull": True}
        )
        return Conversation.objects.get(**lookup)
    push_summaries(conversation, conversation.user_ids())
    return conversation


def _create_conversation(user_a_id: int, user_b_id: int, *, gig, order) -> Conversation:
    now = clock.now()
    conversation = Conversation(
        user_a_id=user_a_id,
        user_b_id=user_b_id,
        gig=gig,
        order=order,
        created_at=now,
        last_message_at=now,
        last_hash="0" * 64,
    )
    conversation.full_clean(exclude=["last_hash"])
    conversation.save()
    conversation.last_hash = chain.genesis_hash(conversation.pk)
    conversation.save(update_fields=["last_hash"])
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, user_id=uid) for uid in (user_a_id, user_b_id)]
    )
    return conversation


def participant_of(conversation: Conversation, user) -> Participant:
    """The user's side of the conversation, else SendError("forbidden") (the writes' answer)."""
    participant = Participant.objects.filter(
        conversation_id=conversation.pk, user_id=getattr(user, "pk", None)
    ).first()
    if participant is None:
        raise forbidden_error()
    return participant
