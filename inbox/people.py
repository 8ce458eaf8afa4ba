"""The inbox list as people: one row per person, whatever the number of threads with them.

A buyer who talks to a seller before ordering and then orders three times has four threads
with them (the general one and one evidence log per order). The list shows that seller once:
the row stands for the person's newest thread in the folder (its preview and time), links to
the thread holding their oldest unread message, else the general thread (where the side panel
lists the orders, each with its own thread and unread count), and its unread count covers
every thread with that person. Constant queries per page: the page, the
unread counts per person, the general threads of the page's people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from inbox.models import Message, Participant
from inbox.selectors import (  # the list's own filters and keyset paging, shared with inbox_page
    SUMMARY_RELATED,
    InboxPage,
    _decode_cursor,
    _in_folder,
    _label_filter,
    _older_than,
    _page,
)

__all__ = ["PersonThreads", "people_page", "threads_with"]


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
    # The thread holding the person's oldest unread message: the row opens it, so opening
    # the row clears the badge without marking anything read that was not shown.
    first_unread_id: int | None = None
    first_unread_at: datetime | None = None

    @property
    def link_id(self) -> int | None:
        return self.first_unread_id or self.general_id


def threads_with(user, other_ids: set[int]) -> dict[int, PersonThreads]:
    """{other user id: their threads with `user`}, spam left out as in the header's count."""
    found: dict[int, PersonThreads] = defaultdict(PersonThreads)
    if not other_ids:
        return found
    first_unread = Message.objects.filter(
        conversation_id=OuterRef("conversation_id"), seq=OuterRef("last_read_seq") + 1
    ).values("created_at")[:1]
    rows = (
        Participant.objects.filter(user_id=user.pk, spam=False)
        .annotate(other_id=_other(user.pk), first_unread_at=Subquery(first_unread))
        .filter(other_id__in=other_ids)
        .values_list(
            "other_id",
            "conversation_id",
            "conversation__order_id",
            "conversation__last_seq",
            "last_read_seq",
            "first_unread_at",
        )
        .order_by("-conversation__last_message_at")
    )
    for other_id, conversation_id, order_id, last_seq, read, unread_at in rows:
        person = found[other_id]
        person.unread += max(last_seq - read, 0)
        person.conversation_ids.append(conversation_id)
        if order_id is None and person.general_id is None:
            person.general_id = conversation_id
        older = person.first_unread_at is None or (
            unread_at is not None and unread_at < person.first_unread_at
        )
        if last_seq > read and unread_at is not None and older:
            person.first_unread_id, person.first_unread_at = conversation_id, unread_at
    return found
