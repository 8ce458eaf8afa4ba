"""The inbox list as people: one row per person, whatever the number of threads with them.

A buyer who talks to a seller before ordering and then orders three times has four threads
with them (the general one and one evidence log per order). The list shows that seller once:
the row stands for the person's newest thread in the folder: its preview, its time and the
thread the row opens are that thread's (the thread view then starts at its first unread), so
what the row shows is what opening it shows. Its unread count covers every thread with that
person; reading the open thread clears that thread's share, and the side panel shows where
the rest lies (each order with its own thread and unread count). Opening the thread with the
oldest unread message instead (tried first) led readers to stale order threads whose old
system lines nobody had opened, away from the message the row showed. Constant queries per
page: the page, the unread counts per person (plus one when a preview skips an away reply).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from inbox.away import AWAY_REPLIES, is_away_reply
from inbox.models import Conversation, Message, Participant
from inbox.selectors import (  # the list's own filters and keyset paging, shared with inbox_page
    SUMMARY_RELATED,
    InboxPage,
    _decode_cursor,
    _in_folder,
    _label_filter,
    _older_than,
    _page,
)

__all__ = ["PersonThreads", "people_page", "previewed_messages", "threads_with"]


def _other(user_id: int) -> F:
    """The other participant's id of a Participant row of `user_id` (user_a + user_b - me)."""
    return F("conversation__user_a_id") + F("conversation__user_b_id") - user_id


def _folder(user, filter: str, label: str | None) -> QuerySet[Participant]:
    rows = _in_folder(Participant.objects.filter(user_id=user.pk), filter)
    if label:
        rows = rows.filter(_label_filter(label))
    return rows.annotate(other_id=_other(user.pk))


def people_page(
    user,
    *,
    filter: str = "all",
    label: str | None = None,
    cursor: str | None = None,
    limit: int = 30,
) -> InboxPage:
    """Like selectors.inbox_page, but each person once: their newest thread in the folder."""
    newer_with_same_person = _folder(user, filter, label).filter(
        Q(other_id=OuterRef("other_id"))
        & (
            Q(conversation__last_message_at__gt=OuterRef("conversation__last_message_at"))
            | Q(
                conversation__last_message_at=OuterRef("conversation__last_message_at"),
                conversation_id__gt=OuterRef("conversation_id"),
            )
        )
    )
    rows = (
        _folder(user, filter, label)
        .select_related(*SUMMARY_RELATED)
        .exclude(Exists(newer_with_same_person))
    )
    position = _decode_cursor(cursor) if cursor else None
    if position is not None:
        rows = rows.filter(_older_than(*position))
    return _page(rows, max(1, min(limit, 100)))


@dataclass
class PersonThreads:
    """Every thread of the user with one person: the row's unread count and where it leads."""

    unread: int = 0
    conversation_ids: list[int] = field(default_factory=list)
    general_id: int | None = None


def threads_with(user, other_ids: set[int]) -> dict[int, PersonThreads]:
    """{other user id: their threads with `user`}, spam left out as in the header's count."""
    found: dict[int, PersonThreads] = defaultdict(PersonThreads)
    if not other_ids:
        return found
    rows = (
        Participant.objects.filter(user_id=user.pk, spam=False)
        .annotate(other_id=_other(user.pk))
        .filter(other_id__in=other_ids)
        .values_list(
            "other_id",
            "conversation_id",
            "conversation__order_id",
            "conversation__last_seq",
            "last_read_seq",
        )
        .order_by("-conversation__last_message_at")
    )
    for other_id, conversation_id, order_id, last_seq, read in rows:
        person = found[other_id]
        person.unread += max(last_seq - read, 0)
        person.conversation_ids.append(conversation_id)
        if order_id is None and person.general_id is None:
            person.general_id = conversation_id
    return found


def previewed_messages(participants: list[Participant]) -> dict[int, Message | None]:
    """{conversation id: the message its row previews}: the last one, unless that is an away
    reply, which repeats the seller's own notice over what the buyer asked: then the last
    message before it that is not one (docs/architecture.md, "The inbox list"). One query,
    only when a page's last message is an away reply."""
    shown: dict[int, Message | None] = {
        p.conversation_id: p.conversation.last_message for p in participants
    }
    replied = [cid for cid, last in shown.items() if last is not None and is_away_reply(last)]
    if not replied:
        return shown
    latest_other = (
        Message.objects.filter(conversation_id=OuterRef("pk"))
        .exclude(AWAY_REPLIES)
        .order_by("-seq")
        .values("pk")[:1]
    )
    before = Conversation.objects.filter(pk__in=replied).values(m=Subquery(latest_other))
    found = Message.objects.filter(pk__in=before).select_related("withdrawal")
    shown.update({cid: None for cid in replied})  # only away replies: nothing to preview
    shown.update({message.conversation_id: message for message in found})
    return shown
