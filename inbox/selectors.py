"""Reads of the inbox, already filtered by who may see them (their frames: inbox.frames).

Every read of a conversation goes through `conversation_for_user`, which answers
ConversationNotFound both for a conversation that does not exist and for one that is not
the user's: outsiders cannot tell the two apart.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Prefetch, Q, QuerySet, Sum

from config.security import refused
from inbox.frames import (
    forbidden_frame,
    serialize_message,
    serialize_summary,
    sync_result_frame,
    sync_resync_frame,
)
from inbox.models import Attachment, Block, Conversation, Message, Participant
from inbox.protocol import is_id
from inbox.store_postgres import LOCK_TIMEOUT  # one value for the send path and the reads

__all__ = [
    "ConversationNotFound",
    "InboxPage",
    "conversation_for_user",
    "participant_for_user",
    "inbox_page",
    "history_page",
    "messages_after",
    "search_messages",
    "unread_total",
    "is_blocked",
    "has_blocked",
    "blockers_between",
    "labels_of",
    "sync_replies",
]

MAX_LABELS = 10
FILTERS = ("all", "unread", "starred", "archived", "spam", "offers")
SYNC_PAGE, SYNC_MAX_BEHIND = 200, 1000  # messages per sync.result; further behind: sync.resync


class ConversationNotFound(Exception):
    """No such conversation, or not the user's: the same answer for both."""


def not_found(object_type: str, object_id: int) -> ConversationNotFound:
    """The refusal, recorded in the security log (config/security.py), ready to raise."""
    refused(object_type, object_id)
    return ConversationNotFound(object_id)


def conversation_for_user(user, conversation_id: int) -> Conversation:
    """The conversation if `user` takes part in it, else ConversationNotFound."""
    if not getattr(user, "is_authenticated", False) or not is_id(conversation_id):
        raise not_found("conversation", conversation_id)  # past a bigint: the driver overflows
    conversation = (
        Conversation.objects.filter(pk=conversation_id)
        .filter(Q(user_a_id=user.pk) | Q(user_b_id=user.pk))
        .first()
    )
    if conversation is None:
        raise not_found("conversation", conversation_id)
    return conversation


def participant_for_user(user, conversation_id: int) -> Participant:
    """The user's side of the conversation (with the conversation), else ConversationNotFound."""
    if not getattr(user, "is_authenticated", False):
        raise not_found("conversation", conversation_id)
    participant = (
        Participant.objects.select_related("conversation")
        .filter(conversation_id=conversation_id, user_id=user.pk)
        .first()
    )
    if participant is None:
        raise not_found("conversation", conversation_id)
    return participant


SUMMARY_RELATED = (
    "conversation__user_a__seller_profile",
    "conversation__user_b__seller_profile",
    "conversation__gig",
    "conversation__last_message",
    "conversation__last_message__withdrawal",  # a hidden last message previews as the notice
)


def inbox_participant(user, conversation_id: int) -> Participant:
    """The user's side of one conversation, with what its summary shows."""
    participant = (
        Participant.objects.select_related(*SUMMARY_RELATED)
        .filter(conversation_id=conversation_id, user_id=user.pk)
        .first()
    )
    if participant is None:
        raise not_found("conversation", conversation_id)
    return participant


def message_for_user(user, message_id: int) -> Message:
    """A message of one of the user's conversations, else ConversationNotFound."""
    message = (
        Message.objects.select_related("conversation")
        .filter(pk=message_id, conversation__participants__user_id=user.pk)
        .first()
    )
    if message is None:
        raise not_found("message", message_id)
    return message


def attachment_for_user(user, attachment_id: int) -> Attachment | None:
    """An attachment the user may download: a participant's (not of a message Trust & Safety
    hid), or any for staff (inbox.api then asks the staff evidence sources)."""
    rows = Attachment.objects.filter(pk=attachment_id)
    if not user.is_staff:
        rows = rows.filter(
            conversation__participants__user_id=user.pk, message__withdrawal__isnull=True
        )
    attachment = rows.first()
    if attachment is None:
        refused("attachment", attachment_id)
    return attachment


# The inbox list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxPage:
    participants: list[Participant]
    next_cursor: str | None

    def summaries(self) -> list[dict[str, object]]:
        return [serialize_summary(participant) for participant in self.participants]


def _encode_cursor(participant: Participant) -> str:
    raw = f"{participant.conversation.last_message_at.isoformat()}|{participant.conversation_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, conversation_id = raw.rsplit("|", 1)
        return datetime.fromisoformat(moment), int(conversation_id)
    except (ValueError, UnicodeDecodeError):
        return None


def _label_filter(label: str) -> Q:
    # JSON "contains" is not portable to SQLite; labels are capped at MAX_LABELS, so looking
    # at each position is exact on both databases.
    query = Q()
    for index in range(MAX_LABELS):
        query |= Q(**{f"labels__{index}": label})
    return query


def inbox_page(
    user,
    *,
    filter: str = "all",
    label: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = 30,
) -> InboxPage:
    """The user's conversations, newest activity first; one query whatever the page size.

    `all` leaves out archived and spam threads, as every mail client does; `unread`,
    `starred`, `archived` and `spam` show those alone; `offers` the threads with custom offers.
    """
    rows = _in_folder(
        Participant.objects.filter(user_id=user.pk).select_related(*SUMMARY_RELATED), filter
    )
    if label:
        rows = rows.filter(_label_filter(label))
    if q:
        rows = rows.filter(_search_filter(user, q))
    position = _decode_cursor(cursor) if cursor else None
    if position is not None:
        rows = rows.filter(_older_than(*position))
    return _page(rows, max(1, min(limit, 100)))


def _in_folder(rows: QuerySet[Participant], filter: str) -> QuerySet[Participant]:
    """The rows the list filter shows (`all` and unknown names: neither archived nor spam)."""
    if filter == "archived":
        return rows.filter(archived=True, spam=False)
    if filter == "spam":
        return rows.filter(spam=True)
    rows = rows.filter(archived=False, spam=False)
    if filter == "starred":
        return rows.filter(starred=True)
    if filter == "unread":
        return rows.filter(last_read_seq__lt=F("conversation__last_seq"))
    if filter == "offers":  # conversations with custom offers (deals.Offer)
        return rows.filter(conversation__in=Conversation.objects.filter(offers__isnull=False))
    return rows


def _search_filter(user, q: str) -> Q:
    """The other person's name or the gig's title: never one's own name, which every row has."""
    return (
        Q(conversation__user_a_id=user.pk, conversation__user_b__username__icontains=q)
        | Q(conversation__user_b_id=user.pk, conversation__user_a__username__icontains=q)
        | Q(conversation__gig__title__icontains=q)
    )


def _older_than(moment: datetime, conversation_id: int) -> Q:
    """The rows after the cursor's in the list's order (newest activity, then highest id, first)."""
    return Q(conversation__last_message_at__lt=moment) | Q(
        conversation__last_message_at=moment, conversation_id__lt=conversation_id
    )


def _page(rows: QuerySet[Participant], limit: int) -> InboxPage:
    """The first `limit` rows in the list's order, and the cursor of the next page if there is
    one (one row more is read to know)."""
    page = list(rows.order_by("-conversation__last_message_at", "-conversation_id")[: limit + 1])
    next_cursor = _encode_cursor(page[limit - 1]) if len(page) > limit else None
    return InboxPage(participants=page[:limit], next_cursor=next_cursor)


def unread_total(user) -> int:
    """Unread messages over all the user's conversations but spam, in one query."""
    total = (
        Participant.objects.filter(user_id=user.pk, spam=False)
        .aggregate(total=Sum(F("conversation__last_seq") - F("last_read_seq")))
        .get("total")
    )
    return max(int(total or 0), 0)


def unread_counts(user, conversation_id: int) -> tuple[int, int]:
    """(unread in this conversation, unread in all) for the `unread` frame."""
    participant = Participant.objects.select_related("conversation").get(
        conversation_id=conversation_id, user_id=user.pk
    )
    return max(participant.conversation.last_seq - participant.last_read_seq, 0), unread_total(user)


# Messages -----------------------------------------------------------------------------------


def _messages(conversation: Conversation):
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("offer", "withdrawal")  # an offer's card; a Trust & Safety notice
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
    )


def history_page(
    user, conversation: Conversation, *, before_seq: int | None = None, limit: int = 50
) -> tuple[list[Message], bool]:
    """A page of the conversation ending before `before_seq` (or at the head), oldest first,
    and whether there is more before it."""
    conversation_for_user(user, conversation.pk)
    limit = max(1, min(limit, 200))
    rows = _messages(conversation)
    if before_seq is not None:
        rows = rows.filter(seq__lt=before_seq)
    page = list(rows.order_by("-seq")[: limit + 1])
    has_more = len(page) > limit
    return list(reversed(page[:limit])), has_more


def messages_after(user, conversation: Conversation, after_seq: int, limit: int) -> list[Message]:
    """Messages with seq > after_seq, oldest first, at most `limit` (the catch-up read)."""
    conversation_for_user(user, conversation.pk)
    return list(_messages(conversation).filter(seq__gt=after_seq).order_by("seq")[:limit])


def search_messages(user, q: str, limit: int = 50) -> list[Message]:
    """The user's messages whose delivered text contains `q`, newest first."""
    q = q.strip()
    if not q:
        return []
    mine = Participant.objects.filter(user_id=user.pk).values("conversation_id")
    return list(
        Message.objects.filter(
            conversation_id__in=mine, delivered_body__icontains=q, withdrawal__isnull=True
        )
        .select_related("conversation")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("-created_at", "-id")[: max(1, min(limit, 200))]
    )


SYNC_STATEMENT_TIMEOUT = "10s"  # a whole sync page is a few ms; beyond this something is stuck


@contextmanager
def _bounded_reads() -> Iterator[None]:
    """On PostgreSQL, reads that give up on a lock after the send path's lock_timeout (and on
    any statement after SYNC_STATEMENT_TIMEOUT) with an OperationalError, instead of holding
    the database thread behind a locked table (a socket's `sync` did: docs/reliability.md).
    SET LOCAL: the limits end with this transaction, the pooled connection keeps nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cursor.execute(f"SET LOCAL statement_timeout = '{SYNC_STATEMENT_TIMEOUT}'")
        yield


def sync_replies(user, cursors: dict[int, int]) -> list[dict[str, object]]:
    """The answer to a `sync`: one frame per conversation, in the order asked. What is after
    the cursor (a page), `sync.resync` when too far behind, `forbidden` when not the user's.
    A lock held on the tables raises OperationalError after LOCK_TIMEOUT (the consumer
    answers a retryable `unavailable`)."""
    with _bounded_reads():
        return _sync_replies(user, cursors)


def _sync_replies(user, cursors: dict[int, int]) -> list[dict[str, object]]:
    mine = {
        c.pk: c
        for c in Conversation.objects.filter(pk__in=cursors).filter(
            Q(user_a_id=user.pk) | Q(user_b_id=user.pk)
        )
    }
    if not_mine := [conversation_id for conversation_id in cursors if conversation_id not in mine]:
        refused("conversation", not_mine)
    replies: list[dict[str, object]] = []
    for conversation_id, after in cursors.items():
        conversation = mine.get(conversation_id)
        if conversation is None:
            replies.append(forbidden_frame(conversation_id))
        elif conversation.last_seq - after > SYNC_MAX_BEHIND:
            replies.append(
                sync_resync_frame(
                    conversation_id, last_seq=conversation.last_seq, reason="too_far_behind"
                )
            )
        else:
            messages = (
                messages_after(user, conversation, after, SYNC_PAGE)
                if after < conversation.last_seq
                else []
            )
            replies.append(
                sync_result_frame(
                    conversation_id,
                    [serialize_message(m, for_user=user) for m in messages],
                    has_more=bool(messages) and messages[-1].seq < conversation.last_seq,
                    last_seq=conversation.last_seq,
                )
            )
    return replies


# People ---------------------------------------------------------------------------------------


def is_blocked(first_id: int, second_id: int) -> bool:
    """Whether either of the two has blocked the other (nothing passes between them then)."""
    return Block.objects.filter(
        Q(blocker_id=first_id, blocked_id=second_id) | Q(blocker_id=second_id, blocked_id=first_id)
    ).exists()


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    """Whether `blocker_id` blocked `blocked_id` (one way: who may unblock)."""
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def blockers_between(first_id: int, second_id: int) -> set[int]:
    """Which of the two has blocked the other (both, one or neither), in one query."""
    return set(
        Block.objects.filter(
            Q(blocker_id=first_id, blocked_id=second_id)
            | Q(blocker_id=second_id, blocked_id=first_id)
        ).values_list("blocker_id", flat=True)
    )


def labels_of(user) -> list[str]:
    """Every label the user has put on a conversation, sorted, for the filter links."""
    seen: set[str] = set()
    for labels in (
        Participant.objects.filter(user_id=user.pk)
        .exclude(labels=[])
        .values_list("labels", flat=True)
    ):
        seen.update(str(label) for label in labels)
    return sorted(seen, key=str.casefold)
