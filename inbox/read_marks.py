"""Read marks: how far each participant has read a conversation, and who is told.

A participant's `last_read_seq` moves forward when they read (`mark_read`), back when they
ask (`mark_unread`), and over their own messages when they send (inbox.drafts'
read state, in the send's transaction).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from inbox.conversations import participant_of
from inbox.frames import read_frame, unread_frame
from inbox.models import Conversation, Message, Participant
from inbox.push import push_frames
from inbox.selectors import is_blocked, unread_total

__all__ = ["mark_read", "mark_unread", "read_own_announcement"]


def mark_read(*, conversation: Conversation, user, seq: int) -> int:
    """Move the user's read mark forward to `seq` (never back, never past the head).

    Tells the other participant ("Seen") and the user's tabs (unread counts). Returns the
    read mark now stored. A thread already read (every reopening of it) costs one query.
    """
    participant = participant_of(conversation, user)
    if int(seq) <= participant.last_read_seq:
        return participant.last_read_seq
    with transaction.atomic():
        return _move_read_mark(conversation, user, participant, int(seq))


def _move_read_mark(conversation: Conversation, user, participant: Participant, seq: int) -> int:
    head = Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation.pk)
    seq = max(0, min(seq, head))
    updated = Participant.objects.filter(pk=participant.pk, last_read_seq__lt=seq).update(
        last_read_seq=seq
    )
    if not updated:
        return max(participant.last_read_seq, seq)
    other_id = conversation.other_user_id(user.pk)
    frames: list[tuple[int, dict[str, Any]]] = [
        (
            user.pk,
            unread_frame(
                conversation_id=conversation.pk, count=head - seq, total=unread_total(user)
            ),
        )
    ]
    if not is_blocked(user.pk, other_id):
        frames.append(
            (other_id, read_frame(conversation_id=conversation.pk, user_id=user.pk, seq=seq))
        )
    push_frames(frames)
    return seq


@transaction.atomic
def mark_unread(*, conversation: Conversation, user) -> int:
    """ "Mark unread": move the user's read mark back to just before the other participant's
    last message (before the last message when they wrote none: only system messages), never
    below 0 and never forward. Tells the user's tabs (`unread`); the other participant's
    "Seen" stays (they did see it). Returns the read mark now stored.
    """
    participant = participant_of(conversation, user)
    head = Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation.pk)
    last_from_other = (
        Message.objects.filter(
            conversation_id=conversation.pk, sender_id=conversation.other_user_id(user.pk)
        )
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    seq = min(participant.last_read_seq, max(0, (last_from_other or head) - 1))
    if Participant.objects.filter(pk=participant.pk, last_read_seq__gt=seq).update(
        last_read_seq=seq
    ):
        frame = unread_frame(
            conversation_id=conversation.pk, count=head - seq, total=unread_total(user)
        )
        push_frames([(user.pk, frame)])
    return seq


def read_own_announcement(message: Message, actor) -> None:
    """Move the actor's read mark over the system message announcing their own action, when
    they had read everything before it (a single read mark cannot skip one message, and an
    earlier unread message must stay unread). Their tabs, which count the `message.new` as
    unread, are told the true count right after it."""
    caught_up = Participant.objects.filter(
        conversation_id=message.conversation_id, user_id=actor.pk, last_read_seq=message.seq - 1
    ).update(last_read_seq=message.seq)
    if caught_up:
        frame = unread_frame(
            conversation_id=message.conversation_id, count=0, total=unread_total(actor)
        )
        push_frames([(actor.pk, frame)])
