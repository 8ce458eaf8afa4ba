"""Where the send path reads and writes: one interface, one implementation per database.

`current()` chooses once, by the default connection's database: PostgreSQL's hand-written
statements (inbox.store_postgres), or the ORM here (SQLite in development; the inbox
tests run on both). Both share the chain and the related rows (inbox.drafts), so a batch
is the same rows whichever stores it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.db import connection, transaction
from django.db.models import Q

from config import clock
from core.contact_policy import get_contact_policy
from inbox.drafts import (
    BatchReads,
    Draft,
    Recent,
    Written,
    chain_drafts,
    lock_conversations,
    point_heads,
    read_state_rows,
    stored_messages,
    write_related,
)
from inbox.models import Block, Conversation, Message, Participant
from inbox.store_postgres import PostgresStore

__all__ = ["Store", "OrmStore", "current"]


class Store(Protocol):
    def prepare_session(self) -> None:
        """Before a batch's first statement (PostgreSQL: the session's lock timeout)."""

    def recall(self, pairs: set[tuple[int, int]]) -> BatchReads | None:
        """The batch's reads from what this process wrote last, when it knows every
        (conversation, sender) pair of the batch; None: read them."""

    def read(
        self,
        conversation_ids: set[int],
        resend_keys: set[tuple[int, str]],
        pairs: set[tuple[int, int]],
    ) -> BatchReads:
        """The conversations (unlocked) and their blocks, the messages already stored under
        `resend_keys` (sender, client_id), and each (conversation, sender) pair's history."""

    def write(
        self,
        drafts: Sequence[Draft],
        conversations: dict[int, Conversation] | None = None,
        *,
        known: bool = False,
    ) -> Written:
        """Chain and insert `drafts` (in order) atomically with their related rows; the
        conversations' heads and read state move with them. `conversations`: the batch's,
        as read (unlocked) by `read` or `recall` (`known`); without them (system messages)
        the conversations are locked first. Raises IntegrityError on a resent client_id
        (nothing written), StaleHeads when known heads turned out stale."""

    def remember(self, reads: BatchReads, messages: Sequence[Message], *, fresh: bool) -> None:
        """After a write: what `recall` may answer next (`fresh`: `reads` were read)."""

    def forget(self, reads: BatchReads) -> None:
        """`reads` came from `recall` and turned out stale."""


class OrmStore:
    """Store through the ORM: the conversations are always locked before the chain grows."""

    def prepare_session(self) -> None:
        pass

    def recall(self, pairs: set[tuple[int, int]]) -> BatchReads | None:
        return None  # every batch reads

    def read(
        self,
        conversation_ids: set[int],
        resend_keys: set[tuple[int, str]],
        pairs: set[tuple[int, int]],
    ) -> BatchReads:
        conversations, blocked = _conversations_and_blocks(conversation_ids)
        return BatchReads(
            conversations, blocked, stored_messages(resend_keys), _recent_history(pairs)
        )

    def write(
        self,
        drafts: Sequence[Draft],
        conversations: dict[int, Conversation] | None = None,
        *,
        known: bool = False,
    ) -> Written:
        with transaction.atomic():
            locked = lock_conversations(sorted({draft.conversation_id for draft in drafts}))
            messages = chain_drafts(drafts, locked)
            Message.objects.bulk_create(messages)
            point_heads(locked, messages)
            Conversation.objects.bulk_update(
                list(locked.values()), ["last_seq", "last_hash", "last_message_at", "last_message"]
            )
            _update_read_state(messages, locked)
            return write_related(drafts, messages)

    def remember(self, reads: BatchReads, messages: Sequence[Message], *, fresh: bool) -> None:
        pass

    def forget(self, reads: BatchReads) -> None:
        pass


def _conversations_and_blocks(
    conversation_ids: set[int],
) -> tuple[dict[int, Conversation], set[int]]:
    """The batch's conversations (unlocked), and which of them have a block between their
    two participants, either way."""
    conversations = Conversation.objects.in_bulk(conversation_ids)
    user_ids = {uid for c in conversations.values() for uid in c.user_ids()}
    blocked_pairs = {
        frozenset(pair)
        for pair in Block.objects.filter(
            blocker_id__in=user_ids, blocked_id__in=user_ids
        ).values_list("blocker_id", "blocked_id")
    }
    return conversations, {
        pk for pk, c in conversations.items() if frozenset(c.user_ids()) in blocked_pairs
    }


def _recent_history(pairs: set[tuple[int, int]]) -> Recent:
    """The sender's last user messages in each conversation (15 minutes, 5 at most)."""
    history: Recent = {pair: [] for pair in pairs}
    if not pairs:
        return history
    query = Q()
    for conversation_id, sender_id in pairs:
        query |= Q(conversation_id=conversation_id, sender_id=sender_id)
    since = clock.now() - get_contact_policy().history_window
    rows = Message.objects.filter(query, kind=Message.Kind.USER, created_at__gte=since).order_by(
        "-seq"
    )
    for conversation_id, sender_id, body, created_at in rows.values_list(
        "conversation_id", "sender_id", "body", "created_at"
    ):
        recent = history[(conversation_id, sender_id)]
        if len(recent) < get_contact_policy().history_messages:
            recent.insert(0, (created_at, body))
    return history


def _update_read_state(messages: Sequence[Message], conversations: dict[int, Conversation]) -> None:
    """`read_state_rows` through the ORM."""
    rows = {
        (c, u): (read_to, received)
        for c, u, read_to, received in read_state_rows(messages, conversations)
    }
    changed = []
    for participant in Participant.objects.filter(conversation_id__in={c for c, _ in rows}):
        read_to, received = rows[(participant.conversation_id, participant.user_id)]
        if read_to <= participant.last_read_seq and not (received and participant.archived):
            continue
        participant.last_read_seq = max(participant.last_read_seq, read_to)
        participant.archived = participant.archived and not received
        changed.append(participant)
    if changed:
        Participant.objects.bulk_update(changed, ["last_read_seq", "archived"])


_POSTGRES, _ORM = PostgresStore(), OrmStore()


def current() -> Store:
    """The store of the default database (the same object for the life of the process)."""
    return _POSTGRES if connection.vendor == "postgresql" else _ORM
