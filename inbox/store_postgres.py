"""The send path's store on PostgreSQL: every statement of it written by hand, in one place.

Django's bulk_create/bulk_update compile per row and column, which costs more than the rest
of the transaction, so a batch's reads are two prepared
statements sent together, and its write one statement (rows, heads and read state), each
taking the batch as JSON arrays so its text never changes.

The chain starts from the heads the batch read (unlocked); the write's statement locks the
conversations and checks those heads (HeadMoved when another writer moved one meanwhile:
then the batch is built again with the conversations locked first). A batch whose
conversations and senders this process wrote to last takes its reads from
inbox.known_heads instead; its write also refuses a block, and a head it could not see
raises StaleHeads (the batch is read again).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL

from config import clock
from core.contact_policy import get_contact_policy
from inbox import chain, known_heads
from inbox.drafts import (
    BatchReads,
    Draft,
    HeadMoved,
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
from inbox.prepared import prepared_cursor

__all__ = ["LOCK_TIMEOUT", "PostgresStore"]

LOCK_TIMEOUT = "3s"


def _set_lock_timeout(*, session: bool = False) -> None:
    # A lock held elsewhere turns into a quick, retryable `unavailable` instead of a hang.
    # `session=True` also covers the reads before the transaction (resends, history): found by
    # tests/faults/test_database_faults.py, where a 5 s LOCK TABLE stalled the writer silently.
    # A pooled connection keeps a committed session setting (Django's pool resets nothing), so
    # it is set once per connection rather than twice per batch (two round trips).
    raw = connection.connection
    if raw is not None and getattr(raw, "_gigbox_lock_timeout", None) == LOCK_TIMEOUT:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET {'' if session else 'LOCAL '}lock_timeout = '{LOCK_TIMEOUT}'")
    if session and not connection.in_atomic_block:  # committed at once: it outlives this call
        connection.connection._gigbox_lock_timeout = LOCK_TIMEOUT


class PostgresStore:
    """inbox.store.Store on PostgreSQL."""

    def prepare_session(self) -> None:
        _set_lock_timeout(session=True)

    def recall(self, pairs: set[tuple[int, int]]) -> BatchReads | None:
        """From known heads: no blocks (the write checks them), no resends (the unique index
        catches them)."""
        recalled = known_heads.recall(
            pairs,
            keep=get_contact_policy().history_messages,
            since=clock.now() - get_contact_policy().history_window,
        )
        return None if recalled is None else BatchReads(recalled[0], set(), {}, recalled[1])

    def read(
        self,
        conversation_ids: set[int],
        resend_keys: set[tuple[int, str]],
        pairs: set[tuple[int, int]],
    ) -> BatchReads:
        """Two hand-written, prepared statements sent together (a psycopg pipeline): one
        round trip instead of two, and none of the ORM's query building, the largest CPU cost
        of a small batch."""
        senders, client_ids = zip(*resend_keys, strict=True) if resend_keys else ((), ())
        pair_conversations, pair_senders = zip(*pairs, strict=True) if pairs else ((), ())
        since = clock.now() - get_contact_policy().history_window
        with prepared_cursor() as heads, prepared_cursor() as messages:
            with connection.wrap_database_errors, connection.connection.pipeline():
                heads.execute(_CONVERSATIONS_AND_BLOCKS, [list(conversation_ids)])
                messages.execute(
                    _STORED_AND_RECENT,
                    [
                        list(senders),
                        list(client_ids),
                        list(pair_conversations),
                        list(pair_senders),
                        Message.Kind.USER,
                        since,
                        get_contact_policy().history_messages,
                    ],
                )
            head_rows, message_rows = heads.fetchall(), messages.fetchall()
        conversations = {
            row[0]: Conversation.from_db(connection.alias, _CONVERSATION_FIELDS, row[:-1])
            for row in head_rows
        }
        blocked = {row[0] for row in head_rows if row[-1]}
        stored_ids = [row[0] for row in message_rows if row[0] is not None]
        recent: Recent = {pair: [] for pair in pairs}
        for _, conversation_id, sender_id, body, _, created_at in sorted(
            (row for row in message_rows if row[0] is None), key=lambda row: row[4]
        ):
            recent[(conversation_id, sender_id)].append((created_at, body))
        stored = stored_messages(resend_keys, ids=stored_ids) if stored_ids else {}
        return BatchReads(conversations, blocked, stored, recent)

    def write(
        self,
        drafts: Sequence[Draft],
        conversations: dict[int, Conversation] | None = None,
        *,
        known: bool = False,
    ) -> Written:
        """On the heads as read when `conversations` are given (HeadMoved: written again
        below, from the heads as they are now), else with the conversations locked first.
        `known`: they are known heads, not read for this batch: the write also refuses a
        block, and raises StaleHeads instead (its checks and history must be read again)."""
        if conversations is not None:
            try:
                return _write_unlocked(drafts, conversations, refuse_if_blocked=known)
            except HeadMoved:
                if known:
                    raise known_heads.StaleHeads() from None
        return _write_locked(drafts)

    def remember(self, reads: BatchReads, messages: Sequence[Message], *, fresh: bool) -> None:
        known_heads.remember(
            reads.conversations,
            reads.recent,
            messages,
            keep=get_contact_policy().history_messages,
            fresh=fresh,
        )

    def forget(self, reads: BatchReads) -> None:
        known_heads.forget(reads.conversations)


def _write_unlocked(
    drafts: Sequence[Draft], conversations: dict[int, Conversation], *, refuse_if_blocked: bool
) -> Written:
    """Heads as read: one statement, which is its own transaction when nothing else is
    written with it (no flag, no attachment): one round trip instead of four (BEGIN,
    SELECT ... FOR UPDATE, the insert, COMMIT). Raises HeadMoved
    (nothing written) when a head moved since it was read."""
    heads = {pk: (c.last_seq, c.last_hash, c.last_message_at) for pk, c in conversations.items()}
    messages = chain_drafts(drafts, conversations)
    extra_rows = any(message.findings for message in messages) or any(
        draft.files for draft in drafts
    )
    try:
        # A savepoint inside a caller's transaction (tests, HTTP sends in ATOMIC_REQUESTS), so
        # that a resent client_id's IntegrityError rolls back this write alone.
        with transaction.atomic() if extra_rows or connection.in_atomic_block else nullcontext():
            _insert_messages(
                messages,
                conversations,
                read_state_rows(messages, conversations),
                refuse_if_blocked=refuse_if_blocked,
            )
            point_heads(conversations, messages)
            return write_related(drafts, messages)
    except (HeadMoved, IntegrityError):
        for pk, (seq, head_hash, at) in heads.items():  # the caller may write again from these
            (
                conversations[pk].last_seq,
                conversations[pk].last_hash,
                conversations[pk].last_message_at,
            ) = seq, head_hash, at
        raise


def _write_locked(drafts: Sequence[Draft]) -> Written:
    """One transaction, the conversations locked in pk order while the chain grows."""
    with transaction.atomic():
        _set_lock_timeout()
        ids = sorted({draft.conversation_id for draft in drafts})
        # One array: the statement's text is the same whatever the number of conversations,
        # so psycopg parses it once (`IN (%s, %s, ...)` was re-parsed on every batch).
        conversations = lock_conversations(RawSQL("SELECT unnest(%s::bigint[])", [ids]))
        messages = chain_drafts(drafts, conversations)
        _insert_messages(messages, conversations, read_state_rows(messages, conversations))
        point_heads(conversations, messages)
        return write_related(drafts, messages)


def _insert_messages(
    messages: Sequence[Message],
    conversations: dict[int, Conversation],
    read_rows: Sequence[tuple[int, int, int, bool]],
    *,
    refuse_if_blocked: bool = False,
) -> None:
    """The rows, the conversation heads and the read state in one statement.

    The batch travels as one JSON array of rows per table (`json_array_elements`): the
    statement's text is the same for every batch, so psycopg parses it once, and json.dumps
    encodes the values in C rather than binding each value in Python, as bulk_create or
    arrays do. One round trip per batch instead of bulk_create's compiled INSERT plus two
    UPDATEs. The heads take `last_message_id` from the inserted rows (the foreign key is
    checked at commit). Sets each message's pk.

    The statement first locks the conversations (in pk order, as `lock_conversations` does:
    no deadlock between the two) and writes only if each head (seq and hash) is still the
    one the chain was built on (and, with `refuse_if_blocked`, if no block stands between
    the participants of each: known heads were not read with the blocks): else it writes
    nothing and raises HeadMoved.
    """
    with prepared_cursor() as cursor:
        cursor.execute(
            _INSERT_MESSAGES,
            _insert_parameters(messages, conversations, read_rows, refuse_if_blocked),
        )
        ids = {(conversation_id, seq): pk for pk, conversation_id, seq in cursor.fetchall()}
    if not ids:
        raise HeadMoved()
    for message in messages:
        message.pk = ids[(message.conversation_id, message.seq)]
        message._state.adding, message._state.db = False, connection.alias


def _insert_parameters(
    messages: Sequence[Message],
    conversations: dict[int, Conversation],
    read_rows: Sequence[tuple[int, int, int, bool]],
    refuse_if_blocked: bool,
) -> list[Any]:
    """`_INSERT_MESSAGES`' parameters, in its order: the heads each conversation's first
    message was built on, the block check, the rows, the new heads, the read state."""
    expected: dict[int, list[Any]] = {}
    for m in messages:  # in seq order within each conversation: the first is built on the head
        expected.setdefault(m.conversation_id, [m.conversation_id, m.seq - 1, m.prev_hash])
    rows = [
        [
            m.conversation_id,
            m.seq,
            m.kind,
            m.sender_id,
            m.client_id,
            m.body,
            m.delivered_body,
            m.findings,
            chain.format_timestamp(m.created_at),
            m.prev_hash,
            m.hash,
        ]
        for m in messages
    ]
    heads = [
        [c.pk, c.last_seq, c.last_hash, chain.format_timestamp(c.last_message_at)]
        for c in conversations.values()
    ]
    return [
        json.dumps(list(expected.values())),
        refuse_if_blocked,
        json.dumps(rows),
        json.dumps(heads),
        json.dumps(read_rows),
    ]


# The statements ------------------------------------------------------------------------------


def _json_rows(columns: str) -> str:
    """A FROM item reading a JSON array of arrays as rows of typed `columns` ("name type, ...")."""
    names = [column.split()[0] for column in columns.split(",")]
    types = [column.split()[1] for column in columns.split(",")]
    select = ", ".join(
        f"(r->>{i})::{kind} AS {name}"
        for i, (name, kind) in enumerate(zip(names, types, strict=True))
    )
    return f"(SELECT {select} FROM json_array_elements(%s::json) AS r)"


_CONVERSATIONS, _MESSAGES, _PARTICIPANTS, _BLOCKS = (
    model._meta.db_table for model in (Conversation, Message, Participant, Block)
)
_MESSAGE_ROWS = _json_rows(
    "conversation_id bigint, seq integer, kind varchar, sender_id bigint, client_id varchar, "
    "body text, delivered_body text, findings jsonb, created_at timestamptz, "
    "prev_hash varchar, hash varchar"
)
_HEAD_ROWS = _json_rows(
    "id bigint, last_seq integer, last_hash varchar, last_message_at timestamptz"
)
_READ_ROWS = _json_rows("conversation_id bigint, user_id bigint, read_to integer, received boolean")

_INSERT_MESSAGES = f"""
WITH expected AS (
    SELECT * FROM {_json_rows("id bigint, prev_seq integer, prev_hash varchar")} AS e
), locked AS (
    SELECT c.id, c.last_seq, c.last_hash, c.user_a_id, c.user_b_id FROM {_CONVERSATIONS} AS c
    WHERE c.id IN (SELECT id FROM expected) ORDER BY c.id FOR UPDATE OF c
), unchanged AS (
    SELECT count(*) = (SELECT count(*) FROM expected) AS ok
    FROM locked JOIN expected
      ON expected.id = locked.id AND expected.prev_seq = locked.last_seq
     AND expected.prev_hash = locked.last_hash
    WHERE NOT %s::boolean OR NOT EXISTS (
        SELECT 1 FROM {_BLOCKS} AS b
        WHERE (b.blocker_id = locked.user_a_id AND b.blocked_id = locked.user_b_id)
           OR (b.blocker_id = locked.user_b_id AND b.blocked_id = locked.user_a_id))
), ins AS (
    INSERT INTO {_MESSAGES}
        (conversation_id, seq, kind, sender_id, client_id, body, delivered_body, findings,
         created_at, prev_hash, hash)
    SELECT * FROM {_MESSAGE_ROWS} AS m
    WHERE (SELECT ok FROM unchanged)
    RETURNING id, conversation_id, seq
), heads AS (
    UPDATE {_CONVERSATIONS} AS c
    SET last_seq = h.last_seq, last_hash = h.last_hash, last_message_at = h.last_message_at,
        last_message_id = ins.id
    FROM {_HEAD_ROWS} AS h
    JOIN ins ON ins.conversation_id = h.id AND ins.seq = h.last_seq
    WHERE c.id = h.id
), reads AS (
    UPDATE {_PARTICIPANTS} AS p
    SET last_read_seq = GREATEST(p.last_read_seq, v.read_to),
        archived = p.archived AND NOT v.received
    FROM {_READ_ROWS} AS v
    WHERE p.conversation_id = v.conversation_id AND p.user_id = v.user_id
      AND (v.read_to > p.last_read_seq OR (v.received AND p.archived))
      AND (SELECT ok FROM unchanged)
)
SELECT id, conversation_id, seq FROM ins
"""

_CONVERSATION_FIELDS = tuple(f.attname for f in Conversation._meta.concrete_fields)
_CONVERSATIONS_AND_BLOCKS = f"""
SELECT {", ".join(f"c.{f.column}" for f in Conversation._meta.concrete_fields)},
       EXISTS (SELECT 1 FROM {_BLOCKS} AS b
               WHERE (b.blocker_id = c.user_a_id AND b.blocked_id = c.user_b_id)
                  OR (b.blocker_id = c.user_b_id AND b.blocked_id = c.user_a_id))
FROM {_CONVERSATIONS} AS c WHERE c.id = ANY(%s::bigint[])
"""

# Both halves are LATERAL subqueries with a LIMIT, which the planner cannot turn into a join:
# each key is one lookup on its index (unless the statistics say the table is empty, until
# autovacuum analyses it again). As a plain join, a prepared (generic) plan made on a young
# table would scan every message for as long as the connection lives. The history reads at
# most the contact policy's history_messages rows per pair, backwards on the (sender,
# created_at) index.
_STORED_AND_RECENT = f"""
SELECT s.id, NULL::bigint, NULL::bigint, NULL::text, NULL::integer, NULL::timestamptz
FROM unnest(%s::bigint[], %s::varchar[]) AS k(sender_id, client_id)
CROSS JOIN LATERAL (
    SELECT m.id FROM {_MESSAGES} AS m
    WHERE m.sender_id = k.sender_id AND m.client_id = k.client_id AND m.client_id <> '' LIMIT 1
) AS s
UNION ALL
SELECT NULL, p.conversation_id, p.sender_id, r.body, r.seq, r.created_at
FROM unnest(%s::bigint[], %s::bigint[]) AS p(conversation_id, sender_id)
CROSS JOIN LATERAL (
    SELECT body, seq, created_at FROM {_MESSAGES}
    WHERE sender_id = p.sender_id AND conversation_id = p.conversation_id
      AND kind = %s AND created_at >= %s
    ORDER BY created_at DESC, seq DESC LIMIT %s
) AS r
"""
