"""Every write of the inbox. `send_messages` is the one path by which messages are stored.

The send path (DESIGN.md "One path for every message"), per batch of requests:
  1. access: the conversation exists and the sender takes part, is active, is not blocked
     either way and is not under a messaging restriction (`check_sender_sanctions`);
  2. idempotency: a (sender, client_id) already stored answers with the stored message
     (checked before the rate limit, so a retry never counts twice);
  3. limits: body length in code points, no NUL, and the per-user rate limit;
  4. detection: contact details masked, with the sender's recent messages as history;
  5. one transaction for the whole batch: seq and hash chain, insert, flags for masked
     messages, conversation heads, read state. On PostgreSQL the chain starts from the heads
     the batch read first (`_read_batch`) and the write's one statement locks the
     conversations and checks those heads (HeadMoved when another writer moved one
     meanwhile: then the batch is built again with the conversations locked first, as it
     always is on other databases).
On PostgreSQL a batch whose conversations and senders this process wrote to last takes
its reads (heads, history) from `inbox.known_heads` instead of the database; its write also
refuses a block, and anything it could not see (a moved head, a block, a resend, a refusal
by the limit) sends the batch back through the reads (`_known_reads`, StaleHeads).
Steps 1-4 run outside the transaction. Broadcasting is the caller's, after commit: the
WebSocket writer (inbox/writer.py) does it itself; `send_message` registers it on commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from config import clock
from inbox import chain, known_heads
from inbox.away import send_away_replies
from inbox.channel_layer import send_here_first
from inbox.detection import detect_contact, name_has_contact
from inbox.files import clean_file_name, detect_content_type
from inbox.models import Attachment, Block, Conversation, Message, Participant, attachment_upload_to
from inbox.prepared import prepared_cursor
from inbox.ratelimit import Admission, RateLimiterUnavailable, admit_sends, refund_sends
from inbox.selectors import (
    MAX_LABELS,
    SUMMARY_RELATED,
    ack_frame,
    is_blocked,
    message_object,
    serialize_summary,
    unread_total,
)
from marketplace.models import SYSTEM_USERNAME, Order, has_no_end

logger = logging.getLogger(__name__)

__all__ = [
    "SendError",
    "SendRequest",
    "SentMessage",
    "AttachmentUpload",
    "send_messages",
    "send_message",
    "post_system_message",
    "broadcast_message",
    "broadcast_messages",
    "start_broadcast",
    "get_or_start_conversation",
    "mark_read",
    "mark_unread",
    "update_participant",
    "block_user",
    "unblock_user",
    "report_message",
    "disconnect_user",
    "disconnect_session",
    "check_sender_sanctions",
    "is_account_suspended",
]

HISTORY_MESSAGES = 5
HISTORY_WINDOW = timedelta(minutes=15)
LABEL_MAX_CHARS = 30
LOCK_TIMEOUT = "3s"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def session_group(session_key: str) -> str:
    """The sockets opened with one login session (a hash: the key itself is a credential)."""
    return f"session.{hashlib.sha256(session_key.encode()).hexdigest()[:32]}"


class SendError(Exception):
    """Why a message (or another inbox write) was refused; `code` is a protocol error code."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra

    def frame(self, *, client_id: str | None = None) -> dict[str, Any]:
        """The protocol's `error` frame (also the HTTP API's error body)."""
        data: dict[str, Any] = {"type": "error", "code": self.code, "message": self.message}
        for key, value in self.extra.items():
            data[key] = chain.format_timestamp(value) if isinstance(value, datetime) else value
        if client_id:
            data["client_id"] = client_id
        return data

    def __repr__(self) -> str:
        return f"SendError({self.code!r}, {self.message!r})"


def _forbidden() -> SendError:
    return SendError("forbidden", "No such conversation.")


def unavailable_error() -> SendError:
    return SendError(
        "unavailable",
        "The server could not store the message just now; nothing was stored. Try again.",
    )


def overloaded_error() -> SendError:
    """Past a process's capacity: refused at once, retryable, instead of queueing without end."""
    return SendError(
        "unavailable",
        "The server is busy; nothing was stored. Try again in a second.",
        retry_after=1,
    )


@dataclass(frozen=True)
class AttachmentUpload:
    name: str
    content: bytes


@dataclass(frozen=True)
class SendRequest:
    conversation_id: int
    sender: Any  # a marketplace.User
    body: str
    client_id: str
    attachments: Sequence[AttachmentUpload] = ()


@dataclass(frozen=True)
class SentMessage:
    """A stored message: the sender's ack and what the participants are sent."""

    message: Message
    ack: dict[str, Any]
    payload: dict[str, Any]  # the protocol's message object, without client_id
    user_ids: tuple[int, ...]
    duplicate: bool = False


Outcome = SentMessage | SendError


# Checks -------------------------------------------------------------------------------------


def _sanction_until(until: datetime) -> datetime | None:
    return None if has_no_end(until) else until


def check_sender_sanctions(user, *, conversation: Conversation | None = None) -> None:
    """Raise SendError("restricted", ..., until=...) when `user` may not send messages now.

    The one place for moderation sanctions on messaging. Called for every sender of every
    batch, so it compares the times moderation denormalises onto the user (no query) and
    queries only for a restricted sender: they may still write in the conversation of an
    active order, to finish it.
    """
    now = timezone.now()
    if user.suspended_until is not None and user.suspended_until > now:
        raise SendError(
            "restricted", "Your account is suspended.", until=_sanction_until(user.suspended_until)
        )
    restricted_until = user.messaging_restricted_until
    if restricted_until is None or restricted_until <= now:
        return
    if conversation is not None and conversation.order_id is not None:
        if Order.objects.filter(
            pk=conversation.order_id, status__in=Order.ACTIVE_STATUSES
        ).exists():
            return
    raise SendError(
        "restricted",
        "Your messaging is restricted; you can still write about your active orders in their conversations.",
        until=_sanction_until(restricted_until),
    )


def is_system_account(user) -> bool:
    """The "gigbox" account that sends Trust & Safety notices."""
    return user.username == SYSTEM_USERNAME


def is_account_suspended(user) -> bool:
    """True when the account is suspended: its sockets close with 4403. Moderation sets the
    time (and calls `disconnect_user` when it suspends someone); the suspension ends by itself."""
    return user.suspended_until is not None and user.suspended_until > timezone.now()


def check_body(body: str, *, has_attachments: bool = False) -> None:
    """Length in code points, not empty (unless files carry the message), no NUL."""
    if not isinstance(body, str):
        raise SendError("invalid_frame", "body: expected text.")
    if "\x00" in body:
        raise SendError("invalid_frame", "body: the text contains a NUL character.")
    if not body.isascii():
        try:
            body.encode("utf-8")
        except (
            UnicodeEncodeError
        ):  # a lone surrogate: it would fail the batch's statement for every sender
            raise SendError("invalid_frame", "body: the text is not valid Unicode.") from None
    limit = settings.GIGBOX_MESSAGE_MAX_CHARS
    if len(body) > limit:
        raise SendError("too_long", f"The message is over {limit:,} characters.", limit=limit)
    if not body.strip() and not has_attachments:
        raise SendError("empty", "The message is empty.")


def check_client_id(client_id: str) -> None:
    if not isinstance(client_id, str) or len(client_id) > 64:
        raise SendError("invalid_frame", "client_id: expected at most 64 characters.")


@dataclass(frozen=True)
class _CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str


def check_attachment(upload: AttachmentUpload) -> _CheckedFile:
    """Size, type by content and a name without contact details, or SendError."""
    name = clean_file_name(upload.name)
    limit = settings.GIGBOX_ATTACHMENT_MAX_BYTES
    if not name:
        raise SendError("invalid_attachment", "The file needs a name.")
    if len(upload.content) > limit:
        raise _oversize_error(name)
    if not upload.content:
        raise SendError("invalid_attachment", f"{name} is empty.")
    content_type = detect_content_type(upload.content, name)
    if content_type is None:
        raise SendError(
            "invalid_attachment",
            f"{name}: only images, PDF, Office documents, zip and plain text files can be sent.",
        )
    if name_has_contact(name):
        raise SendError(
            "invalid_attachment", "The file name contains contact details: rename the file."
        )
    return _CheckedFile(
        name, upload.content, content_type, hashlib.sha256(upload.content).hexdigest()
    )


def _oversize_error(name: str) -> SendError:
    limit = settings.GIGBOX_ATTACHMENT_MAX_BYTES
    return SendError(
        "invalid_attachment", f"{name} is over {limit // (1024 * 1024)} MB.", limit=limit
    )


def read_upload(upload: UploadedFile) -> AttachmentUpload:
    """An uploaded file (HTML form, API) in memory, refused by its size before it is read:
    a file over the limit waits in Django's temporary file and is never loaded. The other
    checks (and the size again) are check_attachment's, on the send path."""
    if upload.size is not None and upload.size > settings.GIGBOX_ATTACHMENT_MAX_BYTES:
        raise _oversize_error(clean_file_name(upload.name or "") or "The file")
    return AttachmentUpload(name=upload.name or "", content=upload.read())


# The batch write -----------------------------------------------------------------------------


@dataclass
class _Draft:
    """A message ready to be chained and stored."""

    conversation_id: int
    kind: str
    sender_id: int | None
    client_id: str
    body: str
    delivered_body: str
    findings: list[dict[str, Any]]
    files: list[_CheckedFile] = field(default_factory=list)
    stored_names: list[str] = field(default_factory=list)


def _store_files(drafts: Sequence[_Draft]) -> None:
    """Write attachment bytes before the transaction; `_discard_files` undoes it on failure."""
    for draft in drafts:
        for checked in draft.files:
            placeholder = Attachment(conversation_id=draft.conversation_id)
            draft.stored_names.append(
                default_storage.save(
                    attachment_upload_to(placeholder, checked.name), ContentFile(checked.content)
                )
            )


def _discard_files(drafts: Sequence[_Draft]) -> None:
    for draft in drafts:
        for name in draft.stored_names:
            default_storage.delete(name)
        draft.stored_names.clear()


def _set_lock_timeout(*, session: bool = False) -> None:
    # A lock held elsewhere turns into a quick, retryable `unavailable` instead of a hang.
    # `session=True` also covers the reads before the transaction (resends, history): found by
    # tests/faults/test_database_faults.py, where a 5 s LOCK TABLE stalled the writer silently.
    # A pooled connection keeps a committed session setting (Django's pool resets nothing), so
    # it is set once per connection rather than twice per batch (two round trips: lever 1).
    if connection.vendor != "postgresql":
        return
    raw = connection.connection
    if raw is not None and getattr(raw, "_gigbox_lock_timeout", None) == LOCK_TIMEOUT:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET {'' if session else 'LOCAL '}lock_timeout = '{LOCK_TIMEOUT}'")
    if session and not connection.in_atomic_block:  # committed at once: it outlives this call
        connection.connection._gigbox_lock_timeout = LOCK_TIMEOUT


def _write_drafts(
    drafts: Sequence[_Draft],
    conversations: dict[int, Conversation] | None = None,
    *,
    known: bool = False,
) -> list[tuple[Message, list[Attachment]]]:
    """Chain and insert `drafts` (in order) atomically; the conversations' heads move with them.

    `conversations`: the batch's conversations as read (unlocked) by `_read_batch`. On
    PostgreSQL the chain is built on their heads and the write's one statement checks them
    (HeadMoved when another writer moved one meanwhile: that rare batch is built again
    under row locks). Without them (system messages, SQLite) the conversations are locked
    first. `known`: the conversations are this process's known heads (inbox.known_heads),
    not read for this batch: the write also refuses a block, and raises StaleHeads instead
    of building the batch again (its checks and history must be read again too).
    """
    if conversations is not None and connection.vendor == "postgresql":
        try:
            return _write_unlocked(drafts, conversations, refuse_if_blocked=known)
        except HeadMoved:
            if known:
                raise known_heads.StaleHeads() from None
            # else written again below, from the heads as they are now
    return _write_locked(drafts)


class HeadMoved(Exception):
    """A conversation's head is no longer the one the batch's chain was built on: another
    writer (a second process, a system message) stored a message in between."""


def _write_unlocked(
    drafts: Sequence[_Draft], conversations: dict[int, Conversation], *, refuse_if_blocked: bool
) -> list[tuple[Message, list[Attachment]]]:
    """PostgreSQL, heads as read: one statement, which is its own transaction when nothing
    else is written with it (no flag, no attachment): one round trip instead of four (BEGIN,
    SELECT ... FOR UPDATE, the insert, COMMIT; docs/benchmarks.md, lever 7). Raises HeadMoved
    (nothing written) when a head moved since it was read."""
    heads = {pk: (c.last_seq, c.last_hash, c.last_message_at) for pk, c in conversations.items()}
    messages = _chain(drafts, conversations)
    extra_rows = any(message.findings for message in messages) or any(
        draft.files for draft in drafts
    )
    try:
        # A savepoint inside a caller's transaction (tests, HTTP sends in ATOMIC_REQUESTS), so
        # that a resent client_id's IntegrityError rolls back this write alone.
        with transaction.atomic() if extra_rows or connection.in_atomic_block else nullcontext():
            _pg_insert_messages(
                messages,
                conversations,
                _read_state_rows(messages, conversations),
                refuse_if_blocked=refuse_if_blocked,
            )
            _point_heads(conversations, messages)
            return _write_related(drafts, messages)
    except (HeadMoved, IntegrityError):
        for pk, (seq, head_hash, at) in heads.items():  # the caller may write again from these
            (
                conversations[pk].last_seq,
                conversations[pk].last_hash,
                conversations[pk].last_message_at,
            ) = seq, head_hash, at
        raise


def _write_locked(drafts: Sequence[_Draft]) -> list[tuple[Message, list[Attachment]]]:
    """One transaction, the conversations locked in pk order while the chain grows."""
    with transaction.atomic():
        _set_lock_timeout()
        conversations = _lock_conversations(sorted({draft.conversation_id for draft in drafts}))
        messages = _chain(drafts, conversations)
        if connection.vendor == "postgresql":
            _pg_insert_messages(messages, conversations, _read_state_rows(messages, conversations))
            _point_heads(conversations, messages)
        else:
            Message.objects.bulk_create(messages)
            _point_heads(conversations, messages)
            _move_heads(list(conversations.values()))
            _update_read_state(messages, conversations)
        return _write_related(drafts, messages)


_LAST_MESSAGE = Conversation._meta.get_field("last_message")


def _point_heads(conversations: dict[int, Conversation], messages: Sequence[Message]) -> None:
    """Each conversation's `last_message_id` in memory: the last of its stored messages.

    By id, not by object: each message caches its conversation (`_chain`), and a conversation
    holding its message back made a reference cycle per message that only the garbage
    collector frees; its collections, 8-13 ms each with the event loop stopped, came every
    few seconds at 250 msg/s (docs/benchmarks.md, lever 19)."""
    for message in messages:
        conversation = conversations[message.conversation_id]
        conversation.last_message_id = message.pk
        if _LAST_MESSAGE.is_cached(conversation):
            _LAST_MESSAGE.delete_cached_value(conversation)


def _write_related(
    drafts: Sequence[_Draft], messages: Sequence[Message]
) -> list[tuple[Message, list[Attachment]]]:
    """The rows that go with the stored messages, in the same transaction: attachments, and a
    flag for each masked message."""
    from moderation.services import flag_detected_messages

    attachments = [
        [
            Attachment(
                message=message,
                conversation_id=message.conversation_id,
                file=stored_name,
                name=checked.name,
                size=len(checked.content),
                content_type=checked.content_type,
                sha256=checked.sha256,
            )
            for checked, stored_name in zip(draft.files, draft.stored_names, strict=True)
        ]
        for draft, message in zip(drafts, messages, strict=True)
    ]
    if any(attachments):
        Attachment.objects.bulk_create([a for group in attachments for a in group])
    masked = [message for message in messages if message.findings]
    if masked:
        flag_detected_messages(messages=masked)
    return list(zip(messages, attachments, strict=True))


def _lock_conversations(conversation_ids: Sequence[int]) -> dict[int, Conversation]:
    """The batch's conversations, locked in pk order (no deadlock between two writers)."""
    locked = (
        Conversation.objects.select_for_update()
        .filter(pk__in=_one_of(conversation_ids, "bigint"))
        .only("user_a_id", "user_b_id", "last_seq", "last_hash")  # what the chain and heads need
        .order_by("pk")
    )
    return {c.pk: c for c in locked}


def _one_of(values: Collection[Any], sql_type: str) -> Collection[Any] | RawSQL:
    """The right side of an `__in` filter. On PostgreSQL the values travel as one array, so
    the statement's text is the same whatever their number and psycopg parses it once
    (`IN (%s, %s, ...)` of a 100-send batch was re-parsed on every batch: docs/benchmarks.md)."""
    if connection.vendor != "postgresql":
        return values
    return RawSQL(f"SELECT unnest(%s::{sql_type}[])", [list(values)])


# The concrete fields of Message in declaration order: a Message built from positional values
# skips Model.__init__'s keyword handling (measured: a fifth of the batch's Python time).
_MESSAGE_ATTNAMES = tuple(f.attname for f in Message._meta.concrete_fields)
_CONVERSATION_CACHE = Message._meta.get_field("conversation")


def _chain(drafts: Sequence[_Draft], conversations: dict[int, Conversation]) -> list[Message]:
    """Seq and hash link of each draft, in order; the conversations' heads move in memory."""
    assert _MESSAGE_ATTNAMES[:2] == ("id", "conversation_id") and _MESSAGE_ATTNAMES[-1] == "hash"
    messages: list[Message] = []
    for draft in drafts:
        conversation = conversations[draft.conversation_id]
        seq, created_at = conversation.last_seq + 1, clock.now()  # the seeds may set it in the past
        link = chain.ChainLink(
            conversation_id=conversation.pk,
            seq=seq,
            kind=draft.kind,
            sender_id=draft.sender_id,
            client_id=draft.client_id,
            body=draft.body,
            delivered_body=draft.delivered_body,
            findings=draft.findings,
            attachments=[
                {
                    "name": f.name,
                    "size": len(f.content),
                    "sha256": f.sha256,
                    "content_type": f.content_type,
                }
                for f in draft.files
            ],
            created_at=created_at,
            prev_hash=conversation.last_hash,
        )
        message = Message(
            None,
            conversation.pk,
            seq,
            draft.kind,
            draft.sender_id,
            draft.client_id,
            draft.body,
            draft.delivered_body,
            draft.findings,
            created_at,
            conversation.last_hash,
            chain.link_hash(link),
        )
        _CONVERSATION_CACHE.set_cached_value(message, conversation)
        messages.append(message)
        conversation.last_seq, conversation.last_hash, conversation.last_message_at = (
            seq,
            message.hash,
            created_at,
        )
    return messages


def _pg_insert_messages(
    messages: Sequence[Message],
    conversations: dict[int, Conversation],
    read_rows: Sequence[tuple[int, int, int, bool]],
    *,
    refuse_if_blocked: bool = False,
) -> None:
    """PostgreSQL: the rows, the conversation heads and the read state in one statement.

    The batch travels as one JSON array of rows per table (`json_array_elements`): the statement's
    text is the same for every batch, so psycopg parses it once, and json.dumps encodes the
    values in C (binding 1,100 values one by one, as bulk_create or arrays do, cost ~4x more
    Python). One round trip per batch instead of bulk_create's compiled INSERT plus two
    UPDATEs (docs/benchmarks.md, lever 1). The heads take `last_message_id` from the inserted
    rows (the foreign key is checked at commit). Sets each message's pk.

    The statement first locks the conversations (in pk order, as `_lock_conversations` does:
    no deadlock between the two) and writes only if each head (seq and hash) is still the
    one the chain was built on (and, with `refuse_if_blocked`, if no block stands between
    the participants of each: known heads were not read with the blocks): else it writes
    nothing and raises HeadMoved.
    """
    with prepared_cursor() as cursor:
        cursor.execute(
            _PG_INSERT_MESSAGES,
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
    """`_PG_INSERT_MESSAGES`' parameters, in its order: the heads each conversation's first
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


def _json_rows(columns: str) -> str:
    """A FROM item reading a JSON array of arrays as rows of typed `columns` ("name type, ...")."""
    names = [column.split()[0] for column in columns.split(",")]
    types = [column.split()[1] for column in columns.split(",")]
    select = ", ".join(
        f"(r->>{i})::{kind} AS {name}" for i, (name, kind) in enumerate(zip(names, types))
    )
    return f"(SELECT {select} FROM json_array_elements(%s::json) AS r)"


_PG_INSERT_MESSAGES = f"""
WITH expected AS (
    SELECT * FROM {_json_rows("id bigint, prev_seq integer, prev_hash varchar")} AS e
), locked AS (
    SELECT c.id, c.last_seq, c.last_hash, c.user_a_id, c.user_b_id FROM {
    Conversation._meta.db_table
} AS c
    WHERE c.id IN (SELECT id FROM expected) ORDER BY c.id FOR UPDATE OF c
), unchanged AS (
    SELECT count(*) = (SELECT count(*) FROM expected) AS ok
    FROM locked JOIN expected
      ON expected.id = locked.id AND expected.prev_seq = locked.last_seq AND expected.prev_hash = locked.last_hash
    WHERE NOT %s::boolean OR NOT EXISTS (
        SELECT 1 FROM {Block._meta.db_table} AS b
        WHERE (b.blocker_id = locked.user_a_id AND b.blocked_id = locked.user_b_id)
           OR (b.blocker_id = locked.user_b_id AND b.blocked_id = locked.user_a_id))
), ins AS (
    INSERT INTO {Message._meta.db_table}
        (conversation_id, seq, kind, sender_id, client_id, body, delivered_body, findings, created_at, prev_hash, hash)
    SELECT * FROM {
    _json_rows(
        "conversation_id bigint, seq integer, kind varchar, sender_id bigint, client_id varchar, "
        "body text, delivered_body text, findings jsonb, created_at timestamptz, prev_hash varchar, hash varchar"
    )
} AS m
    WHERE (SELECT ok FROM unchanged)
    RETURNING id, conversation_id, seq
), heads AS (
    UPDATE {Conversation._meta.db_table} AS c
    SET last_seq = h.last_seq, last_hash = h.last_hash, last_message_at = h.last_message_at, last_message_id = ins.id
    FROM {
    _json_rows("id bigint, last_seq integer, last_hash varchar, last_message_at timestamptz")
} AS h
    JOIN ins ON ins.conversation_id = h.id AND ins.seq = h.last_seq
    WHERE c.id = h.id
), reads AS (
    UPDATE {Participant._meta.db_table} AS p
    SET last_read_seq = GREATEST(p.last_read_seq, v.read_to), archived = p.archived AND NOT v.received
    FROM {
    _json_rows("conversation_id bigint, user_id bigint, read_to integer, received boolean")
} AS v
    WHERE p.conversation_id = v.conversation_id AND p.user_id = v.user_id
      AND (v.read_to > p.last_read_seq OR (v.received AND p.archived)) AND (SELECT ok FROM unchanged)
)
SELECT id, conversation_id, seq FROM ins
"""


# On PostgreSQL the batch's reads and writes are written by hand (one array per column, `unnest`):
# Django's bulk_create/bulk_update compile per row and column, and that cost more than the
# rest of the transaction (docs/benchmarks.md). Other databases (SQLite in development) use
# the ORM; the inbox tests run on both.


def _move_heads(conversations: Sequence[Conversation]) -> None:
    """Store each conversation's new head (last seq, hash, time and message); ORM databases
    only: on PostgreSQL `_pg_insert_messages` does it in the insert's statement."""
    Conversation.objects.bulk_update(
        conversations, ["last_seq", "last_hash", "last_message_at", "last_message"]
    )


def _read_state_rows(
    messages: Sequence[Message], conversations: dict[int, Conversation]
) -> list[tuple[int, int, int, bool]]:
    """(conversation, user, read up to, received) for each participant of the batch's
    conversations: sending implies reading up to one's own message; a new message brings an
    archived thread back to the recipient's inbox."""
    last_sent: dict[tuple[int, int], int] = {}
    senders: dict[int, set[int | None]] = defaultdict(set)
    for message in messages:
        senders[message.conversation_id].add(message.sender_id)
        if message.sender_id is not None:
            last_sent[(message.conversation_id, message.sender_id)] = message.seq
    return [
        (
            conversation_id,
            user_id,
            last_sent.get((conversation_id, user_id), 0),
            bool(sender_ids - {user_id}),
        )
        for conversation_id, sender_ids in senders.items()
        for user_id in conversations[conversation_id].user_ids()
    ]


def _update_read_state(messages: Sequence[Message], conversations: dict[int, Conversation]) -> None:
    """`_read_state_rows` through the ORM (on PostgreSQL `_pg_insert_messages` does it)."""
    rows = {
        (c, u): (read_to, received)
        for c, u, read_to, received in _read_state_rows(messages, conversations)
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


def _sent(
    message: Message,
    attachments: Sequence[Attachment],
    conversation: Conversation,
    *,
    in_active_order: bool | None = None,
) -> SentMessage:
    return SentMessage(
        message=message,
        ack=ack_frame(message, in_active_order=in_active_order),
        payload=message_object(message, attachments),
        user_ids=conversation.user_ids(),
    )


def _active_order_conversations(
    messages: Sequence[Message], conversations: dict[int, Conversation]
) -> set[int]:
    """Which of the masked messages' conversations belong to an order still running (one
    query per batch, none when nothing was masked): their acks say so."""
    order_ids = {conversations[m.conversation_id].order_id for m in messages if m.findings} - {None}
    if not order_ids:
        return set()
    active = set(
        Order.objects.filter(pk__in=order_ids, status__in=Order.ACTIVE_STATUSES).values_list(
            "pk", flat=True
        )
    )
    return {c.pk for c in conversations.values() if c.order_id in active}


# Sending ------------------------------------------------------------------------------------


class _Batch:
    """The outcome of each request of a batch, filled in step by step."""

    def __init__(self, requests: Sequence[SendRequest]) -> None:
        self.requests = list(requests)
        self.outcomes: list[Outcome | None] = [None] * len(self.requests)
        self.admissions: dict[int, Admission] = {}  # sender -> what the rate limit admitted

    def pending(self) -> list[int]:
        return [i for i, outcome in enumerate(self.outcomes) if outcome is None]

    def refuse_pending(self, error: SendError) -> None:
        for i in self.pending():
            self.outcomes[i] = error

    def each_pending(self, check: Callable[[SendRequest], None]) -> None:
        for i in self.pending():
            try:
                check(self.requests[i])
            except SendError as error:
                self.outcomes[i] = error


def _orm_conversations_and_blocks(
    conversation_ids: set[int],
) -> tuple[dict[int, Conversation], set[int]]:
    """The batch's conversations (unlocked), and which of them have a block between their
    two participants, either way: ORM databases (PostgreSQL reads them in `_read_batch`)."""
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


_CONVERSATION_FIELDS = tuple(f.attname for f in Conversation._meta.concrete_fields)
_PG_CONVERSATIONS_AND_BLOCKS = f"""
SELECT {", ".join(f"c.{f.column}" for f in Conversation._meta.concrete_fields)},
       EXISTS (SELECT 1 FROM {Block._meta.db_table} AS b
               WHERE (b.blocker_id = c.user_a_id AND b.blocked_id = c.user_b_id)
                  OR (b.blocker_id = c.user_b_id AND b.blocked_id = c.user_a_id))
FROM {Conversation._meta.db_table} AS c WHERE c.id = ANY(%s::bigint[])
"""


Recent = dict[
    tuple[int, int], known_heads.History
]  # (conversation, sender) -> their last (time, body), oldest first


def _resend_keys(batch: _Batch) -> set[tuple[int, str]]:
    return {
        (batch.requests[i].sender.pk, batch.requests[i].client_id)
        for i in batch.pending()
        if batch.requests[i].client_id
    }


def _history_pairs(batch: _Batch) -> set[tuple[int, int]]:
    return {
        (batch.requests[i].conversation_id, batch.requests[i].sender.pk) for i in batch.pending()
    }


@dataclass
class _BatchReads:
    """What a batch's checks and write read first, for every request of the batch."""

    conversations: dict[int, Conversation]  # unlocked: the chain starts from these heads
    blocked: set[int]  # conversations with a block between their participants, either way
    stored: dict[tuple[int, str], Message]  # already stored under a (sender, client_id): resends
    recent: Recent  # each sender's last messages in the conversation: the detector's history


def _read_batch(batch: _Batch) -> _BatchReads:
    """The batch's reads, before any request is refused. On PostgreSQL two hand-written,
    prepared statements sent together (a psycopg pipeline): one round trip instead of two,
    and none of the ORM's query building, which was most of a one-message batch's CPU
    (docs/benchmarks.md, levers 7 and 13)."""
    conversation_ids = {request.conversation_id for request in batch.requests}
    keys, pairs = _resend_keys(batch), _history_pairs(batch)
    if connection.vendor != "postgresql":
        conversations, blocked = _orm_conversations_and_blocks(conversation_ids)
        return _BatchReads(conversations, blocked, _stored_messages(keys), _recent_history(pairs))
    senders, client_ids = zip(*keys) if keys else ((), ())
    pair_conversations, pair_senders = zip(*pairs) if pairs else ((), ())
    since = clock.now() - HISTORY_WINDOW
    with prepared_cursor() as heads, prepared_cursor() as messages:
        with connection.wrap_database_errors, connection.connection.pipeline():
            heads.execute(_PG_CONVERSATIONS_AND_BLOCKS, [list(conversation_ids)])
            messages.execute(
                _PG_STORED_AND_RECENT,
                [
                    list(senders),
                    list(client_ids),
                    list(pair_conversations),
                    list(pair_senders),
                    Message.Kind.USER,
                    since,
                    HISTORY_MESSAGES,
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
    return _BatchReads(
        conversations, blocked, _stored_messages(keys, ids=stored_ids) if stored_ids else {}, recent
    )


# Both halves are LATERAL subqueries with a LIMIT, which the planner cannot turn into a join:
# each key is one lookup on its index (unless the statistics say the table is empty, until
# autovacuum analyses it again). As a plain join the prepared (generic) plan made on a young
# table hashed the keys and scanned every message, and kept doing so as the table grew
# (docs/benchmarks.md, fourth round). The history reads
# at most HISTORY_MESSAGES rows per pair, backwards on the (sender, created_at) index.
_PG_STORED_AND_RECENT = f"""
SELECT s.id, NULL::bigint, NULL::bigint, NULL::text, NULL::integer, NULL::timestamptz
FROM unnest(%s::bigint[], %s::varchar[]) AS k(sender_id, client_id)
CROSS JOIN LATERAL (
    SELECT m.id FROM {Message._meta.db_table} AS m
    WHERE m.sender_id = k.sender_id AND m.client_id = k.client_id AND m.client_id <> '' LIMIT 1
) AS s
UNION ALL
SELECT NULL, p.conversation_id, p.sender_id, r.body, r.seq, r.created_at
FROM unnest(%s::bigint[], %s::bigint[]) AS p(conversation_id, sender_id)
CROSS JOIN LATERAL (
    SELECT body, seq, created_at FROM {Message._meta.db_table}
    WHERE sender_id = p.sender_id AND conversation_id = p.conversation_id AND kind = %s AND created_at >= %s
    ORDER BY created_at DESC, seq DESC LIMIT %s
) AS r
"""


def _check_access(batch: _Batch, reads: _BatchReads) -> None:
    """Conversation, participation, active account, blocks and sanctions."""
    sanctions: dict[tuple[int, int], SendError | None] = {}

    def check(request: SendRequest) -> None:
        conversation = reads.conversations.get(request.conversation_id)
        sender = request.sender
        if conversation is None or sender.pk not in conversation.user_ids() or not sender.is_active:
            raise _forbidden()
        if conversation.pk in reads.blocked:
            raise SendError("blocked", "You cannot message this person.")
        key = (
            sender.pk,
            conversation.pk,
        )  # a restricted sender may still write about active orders
        if key not in sanctions:
            try:
                check_sender_sanctions(sender, conversation=conversation)
                sanctions[key] = None
            except SendError as error:
                sanctions[key] = error
        if sanctions[key] is not None:
            raise sanctions[key]
        check_client_id(request.client_id)

    batch.each_pending(check)


def _stored_messages(
    keys: set[tuple[int, str]], *, ids: Sequence[int] | None = None
) -> dict[tuple[int, str], Message]:
    """The stored messages of these (sender, client_id) pairs (or of these `ids`, already
    found for them), with their conversations and attachments."""
    if not keys:
        return {}
    if ids is not None:
        found = Message.objects.filter(pk__in=ids)
    else:
        found = Message.objects.filter(
            sender_id__in={s for s, _ in keys}, client_id__in={c for _, c in keys}
        )
    return {
        (m.sender_id, m.client_id): m
        for m in found.select_related("conversation").prefetch_related("attachments")
        if (m.sender_id, m.client_id) in keys
    }


def _recent_history(pairs: set[tuple[int, int]]) -> Recent:
    """The sender's last user messages in each conversation (15 minutes, 5 at most): ORM
    databases (PostgreSQL reads them in `_read_batch`'s second statement)."""
    history: Recent = {pair: [] for pair in pairs}
    if not pairs:
        return history
    query = Q()
    for conversation_id, sender_id in pairs:
        query |= Q(conversation_id=conversation_id, sender_id=sender_id)
    since = clock.now() - HISTORY_WINDOW
    rows = Message.objects.filter(query, kind=Message.Kind.USER, created_at__gte=since).order_by(
        "-seq"
    )
    for conversation_id, sender_id, body, created_at in rows.values_list(
        "conversation_id", "sender_id", "body", "created_at"
    ):
        recent = history[(conversation_id, sender_id)]
        if len(recent) < HISTORY_MESSAGES:
            recent.insert(0, (created_at, body))
    return history


def _answer_resends(batch: _Batch, stored: dict[tuple[int, str], Message]) -> None:
    """Requests whose (sender, client_id) is stored get that message's ack, whatever the body."""
    for i in batch.pending():
        request = batch.requests[i]
        message = stored.get((request.sender.pk, request.client_id)) if request.client_id else None
        if message is not None:
            sent = _sent(message, message.attachments.all(), message.conversation)
            batch.outcomes[i] = SentMessage(
                sent.message, sent.ack, sent.payload, sent.user_ids, duplicate=True
            )


def _check_content(batch: _Batch) -> dict[int, list[_CheckedFile]]:
    files: dict[int, list[_CheckedFile]] = {}
    for i in batch.pending():
        request = batch.requests[i]
        try:
            check_body(request.body, has_attachments=bool(request.attachments))
            files[i] = [check_attachment(upload) for upload in request.attachments]
        except SendError as error:
            batch.outcomes[i] = error
    return files


def _apply_rate_limit(batch: _Batch) -> None:
    """Admit the first sends of each sender that fit their window; refuse the rest.

    Admissions the batch already holds come from an attempt on known heads that turned out
    stale (nothing was written): they are kept, not counted again, and what the fresh checks
    now refuse is given back."""
    by_sender: dict[int, list[int]] = defaultdict(list)
    seen_keys: set[tuple[int, str]] = set()
    for i in batch.pending():
        request = batch.requests[i]
        key = (request.sender.pk, request.client_id)
        if request.client_id and key in seen_keys:
            continue  # the same message twice in one batch counts once
        seen_keys.add(key)
        by_sender[request.sender.pk].append(i)
    counted, batch.admissions = batch.admissions, {}
    for sender_id, admission in counted.items():
        unused = admission.admitted - len(by_sender.get(sender_id, ()))
        if unused > 0:
            refund_sends(sender_id, replace(admission, admitted=unused))
            counted[sender_id] = replace(admission, admitted=admission.admitted - unused)
    uncounted = {
        sender_id: len(indexes)
        for sender_id, indexes in by_sender.items()
        if sender_id not in counted
    }
    try:
        by_user = {**counted, **(admit_sends(uncounted) if uncounted else {})}
    except RateLimiterUnavailable:
        logger.warning(
            "send rate limiter unavailable; refusing %d sends", sum(map(len, by_sender.values()))
        )
        for indexes in by_sender.values():
            for i in indexes:
                batch.outcomes[i] = unavailable_error()
        return
    for sender_id, indexes in by_sender.items():
        admission = batch.admissions[sender_id] = by_user[sender_id]
        for i in indexes[admission.admitted :]:
            batch.outcomes[i] = SendError(
                "rate_limited", admission.refusal(), retry_after=admission.retry_after
            )


def _draft_messages(
    batch: _Batch, files: dict[int, list[_CheckedFile]], history: Recent
) -> dict[int, _Draft]:
    history = {
        pair: list(recent) for pair, recent in history.items()
    }  # the reads' stay as read (known_heads)
    drafts: dict[int, _Draft] = {}
    first_of_key: dict[tuple[int, str], int] = {}
    for i in batch.pending():
        request = batch.requests[i]
        key = (request.sender.pk, request.client_id)
        if request.client_id and key in first_of_key:
            continue  # a repeat inside the batch: answered with the first one's outcome
        first_of_key[key] = i
        recent = history[(request.conversation_id, request.sender.pk)]
        detection = detect_contact(request.body, [body for _, body in recent[-HISTORY_MESSAGES:]])
        recent.append(
            (None, request.body)
        )  # for the next of the batch; its time is set when chained
        drafts[i] = _Draft(
            conversation_id=request.conversation_id,
            kind=Message.Kind.USER,
            sender_id=request.sender.pk,
            client_id=request.client_id,
            body=request.body,
            delivered_body=detection.delivered_body,
            findings=detection.findings,
            files=files.get(i, []),
        )
    return drafts


def _store(batch: _Batch, drafts: dict[int, _Draft], reads: _BatchReads, *, known: bool) -> None:
    order = sorted(drafts)
    conversations = reads.conversations
    _store_files(drafts.values())
    try:
        written = _write_drafts([drafts[i] for i in order], conversations, known=known)
    except BaseException:
        _discard_files(drafts.values())
        raise
    if connection.vendor == "postgresql":  # SQLite reads every batch (`_known_reads`)
        known_heads.remember(
            conversations,
            reads.recent,
            [m for m, _ in written],
            keep=HISTORY_MESSAGES,
            fresh=not known,
        )
    active = _active_order_conversations([message for message, _ in written], conversations)
    for i, (message, attachments) in zip(order, written, strict=True):
        conversation = conversations[message.conversation_id]
        batch.outcomes[i] = _sent(
            message, attachments, conversation, in_active_order=conversation.pk in active
        )


def _copy_repeats(batch: _Batch) -> None:
    """A client_id sent twice in one batch: the repeat gets the first one's answer."""
    first: dict[tuple[int, str], Outcome] = {}
    for request, outcome in zip(batch.requests, batch.outcomes):
        if request.client_id and outcome is not None:
            first.setdefault((request.sender.pk, request.client_id), outcome)
    for i in batch.pending():
        request = batch.requests[i]
        outcome = first.get((request.sender.pk, request.client_id))
        if isinstance(outcome, SentMessage):
            batch.outcomes[i] = SentMessage(
                outcome.message, outcome.ack, outcome.payload, outcome.user_ids, duplicate=True
            )
        elif outcome is not None:
            batch.outcomes[i] = outcome


def _known_reads(batch: _Batch) -> _BatchReads | None:
    """The batch's reads from this process's known heads (inbox.known_heads), when every
    conversation and sender of the batch is known: no blocks (the write checks them), no
    resends (the unique index catches them)."""
    if connection.vendor != "postgresql":
        return None
    recalled = known_heads.recall(
        _history_pairs(batch), keep=HISTORY_MESSAGES, since=clock.now() - HISTORY_WINDOW
    )
    return None if recalled is None else _BatchReads(recalled[0], set(), {}, recalled[1])


def _send_batch(batch: _Batch, reads: _BatchReads, *, known: bool) -> None:
    """Steps 1-5 for `batch` on `reads` (its outcomes filled in); `known`: see `_write_drafts`."""
    _check_access(batch, reads)
    _answer_resends(batch, reads.stored)
    files = _check_content(batch)
    checked = batch.pending()
    _apply_rate_limit(batch)
    if known and len(batch.pending()) < len(checked):
        # Refused by the limit: a block or a resend, which known heads do not show, would
        # have been the answer. Read them (the sends counted are kept).
        raise known_heads.StaleHeads()
    drafts = _draft_messages(batch, files, reads.recent)
    if drafts:
        try:
            _store(batch, drafts, reads, known=known)
        except IntegrityError:
            # Another process stored one of these client_ids meanwhile (or, on known heads,
            # this is a resend): answer those from the database and write the others again.
            _answer_resends(batch, _stored_messages(_resend_keys(batch)))
            _give_back_sends(batch, [i for i in drafts if batch.outcomes[i] is not None])
            drafts = {i: d for i, d in drafts.items() if batch.outcomes[i] is None}
            if drafts:
                _store(batch, drafts, reads, known=known)
    _copy_repeats(batch)


def _give_back_sends(batch: _Batch, indexes: Sequence[int]) -> None:
    """These admitted sends turned out to be resends, answered with what was stored: they
    do not count against their senders' limits."""
    unused: dict[int, int] = defaultdict(int)
    for i in indexes:
        unused[batch.requests[i].sender.pk] += 1
    for sender_id, count in unused.items():
        admission = batch.admissions[sender_id]
        refund_sends(sender_id, replace(admission, admitted=count))
        batch.admissions[sender_id] = replace(admission, admitted=admission.admitted - count)


def send_messages(requests: Sequence[SendRequest]) -> list[Outcome]:
    """Store a batch of sends in one transaction; one outcome per request, in order.

    Never raises for a refused request: its outcome is the SendError. A database that does
    not answer refuses every request of the batch as `unavailable` (nothing stored, retry).
    """
    batch = _Batch(requests)
    try:
        _set_lock_timeout(session=True)
        known = _known_reads(batch)
        try:
            _send_batch(batch, known or _read_batch(batch), known=known is not None)
        except known_heads.StaleHeads:
            # A known head moved (or a block stands): nothing was written. Read and build the
            # batch again, keeping what the rate limit counted.
            known_heads.forget(known.conversations)  # raised on known heads only
            counted, batch = batch.admissions, _Batch(requests)
            batch.admissions = counted
            _send_batch(batch, _read_batch(batch), known=False)
    except (OperationalError, DatabaseError) as exc:
        logger.warning("send batch of %d failed: %s", len(batch.requests), exc)
        for sender_id, admission in batch.admissions.items():
            refund_sends(sender_id, admission)
        batch.refuse_pending(unavailable_error())
        batch.outcomes = [
            unavailable_error()
            if isinstance(outcome, SentMessage) and not outcome.duplicate
            else outcome
            for outcome in batch.outcomes
        ]
    outcomes = [o if o is not None else unavailable_error() for o in batch.outcomes]
    send_away_replies(outcomes)  # a seller's out-of-office message, once per conversation
    return outcomes


def send_message(
    *,
    conversation: Conversation,
    sender,
    body: str,
    client_id: str,
    attachments: Sequence[AttachmentUpload] = (),
) -> SentMessage:
    """Send one message (HTTP form, API, seeds): stored, then broadcast after commit."""
    outcome = send_messages(
        [SendRequest(conversation.pk, sender, body, client_id, tuple(attachments))]
    )[0]
    if isinstance(outcome, SendError):
        raise outcome
    if not outcome.duplicate:
        transaction.on_commit(lambda: _broadcast_now(outcome))
    return outcome


@transaction.atomic
def post_system_message(*, conversation: Conversation, body: str, actor=None) -> Message:
    """Add an order event or a moderation notice to the conversation's chain and push it.

    `actor`: the participant whose action this announces (accepting an offer, delivering):
    their own action is not news to them, so it does not count as unread for them."""
    check_body(body)
    draft = _Draft(conversation.pk, Message.Kind.SYSTEM, None, "", body, body, [])
    ((message, attachments),) = _write_drafts([draft])
    sent = _sent(message, attachments, conversation)
    transaction.on_commit(lambda: _broadcast_now(sent))
    if actor is not None:
        _read_own_announcement(message, actor)
    return message


def _read_own_announcement(message: Message, actor) -> None:
    """Move the actor's read mark over the system message announcing their own action, when
    they had read everything before it (a single read mark cannot skip one message, and an
    earlier unread message must stay unread). Their tabs, which count the `message.new` as
    unread, are told the true count right after it."""
    caught_up = Participant.objects.filter(
        conversation_id=message.conversation_id, user_id=actor.pk, last_read_seq=message.seq - 1
    ).update(last_read_seq=message.seq)
    if caught_up:
        frame = {
            "type": "unread",
            "conversation_id": message.conversation_id,
            "count": 0,
            "total": unread_total(actor),
        }
        _push_frames([(actor.pk, frame)])


# Broadcasting -------------------------------------------------------------------------------


async def group_send_safely(group: str, event: dict[str, Any]) -> None:
    """Push to a group; a channel layer that fails costs a live frame, never a message."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group, event)
    except Exception:
        logger.warning("group_send to %s failed; clients catch up with sync", group, exc_info=True)


def _message_events(sent: SentMessage) -> list[tuple[str, dict[str, Any]]]:
    """`message.new` for every socket of both participants (client_id to the sender's only),
    the sender's last: the sending socket has its ack, the other side is waiting.
    The frame goes as JSON text: serialised once here, not once per receiving socket."""
    sender_id = sent.message.sender_id
    head = [sent.message.conversation_id, sent.message.seq]
    events = []
    for user_id in sorted(sent.user_ids, key=lambda user_id: user_id == sender_id):
        payload = sent.payload
        if user_id == sender_id and sent.message.client_id:
            payload = {**payload, "client_id": sent.message.client_id}
        text = json.dumps({"type": "message.new", "message": payload}, ensure_ascii=False)
        # `head`: the sockets that relay it tell known_heads which seq they saw.
        events.append((user_group(user_id), {"type": "inbox.frame", "text": text, "head": head}))
    return events


async def broadcast_messages(sent: Sequence[SentMessage]) -> None:
    """Push a batch's `message.new` frames, in order: one Redis round trip for all of them
    (inbox.channel_layer); a layer that fails costs live frames, never a message."""
    await start_broadcast(sent)


def start_broadcast(sent: Sequence[SentMessage]) -> Awaitable[None]:
    """`broadcast_messages` in two steps (the writer's): with the Redis layer, this
    process's sockets have the frames when this returns; the awaitable publishes them for
    the other processes and must be awaited."""
    layer = get_channel_layer()
    if layer is None or not sent:
        return _nothing_to_publish()
    events = [event for item in sent for event in _message_events(item)]
    try:
        return _logging_failure(send_here_first(layer, events), len(sent))
    except Exception:
        _push_failed(len(sent))
        return _nothing_to_publish()


async def _nothing_to_publish() -> None:
    return None


async def _logging_failure(publishing: Awaitable[None], count: int) -> None:
    try:
        await publishing
    except Exception:
        _push_failed(count)


def _push_failed(count: int) -> None:
    """A channel layer that fails costs live frames, never a message."""
    logger.warning("pushing %d messages failed; clients catch up with sync", count, exc_info=True)


async def broadcast_message(sent: SentMessage) -> None:
    """`message.new` to every socket of both participants (client_id to the sender's only)."""
    await broadcast_messages([sent])


def _broadcast_now(sent: SentMessage) -> None:
    async_to_sync(broadcast_message)(sent)


def _push_frames(frames: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Push (user_id, frame) pairs after commit."""

    async def push() -> None:
        for user_id, frame in frames:
            await group_send_safely(user_group(user_id), {"type": "inbox.frame", "frame": frame})

    transaction.on_commit(lambda: async_to_sync(push)())


def disconnect_user(user_id: int, code: int) -> None:
    """Close every socket of `user_id` with `code` (4403 suspended, 4401 logged out)."""

    async def close() -> None:
        await group_send_safely(user_group(user_id), {"type": "user.close", "code": code})

    async_to_sync(close)()


def disconnect_session(session_key: str, code: int) -> None:
    """Close the sockets opened with this login session only (4401 on logout): the user's
    other browsers stay connected."""

    async def close() -> None:
        await group_send_safely(session_group(session_key), {"type": "user.close", "code": code})

    async_to_sync(close)()


# Conversations and read state -----------------------------------------------------------------


def _blocked_between(first_id: int, second_id: int) -> bool:
    return is_blocked(first_id, second_id)


def _summary_for(conversation: Conversation, user_id: int) -> dict[str, Any]:
    participant = Participant.objects.select_related(*SUMMARY_RELATED).get(
        conversation=conversation, user_id=user_id
    )
    return serialize_summary(participant)


def _push_summaries(conversation: Conversation, user_ids: Sequence[int]) -> None:
    _push_frames(
        [
            (uid, {"type": "conversation.updated", "conversation": _summary_for(conversation, uid)})
            for uid in user_ids
        ]
    )


@transaction.atomic
def get_or_start_conversation(*, starter, other, gig=None, order=None) -> Conversation:
    """The general conversation of the pair (or the order's own thread), started if need be."""
    if other is None or starter.pk == other.pk or not other.is_active or not starter.is_active:
        raise _forbidden()
    if _blocked_between(starter.pk, other.pk):
        raise SendError("blocked", "You cannot message this person.")
    user_a_id, user_b_id = sorted((starter.pk, other.pk))
    if order is not None:
        if {order.buyer_id, order.seller_id} != {user_a_id, user_b_id}:
            raise _forbidden()
        existing = Conversation.objects.filter(order=order).first()
        gig = order.gig
    else:
        existing = Conversation.objects.filter(
            user_a_id=user_a_id, user_b_id=user_b_id, order__isnull=True
        ).first()
    if existing is not None:
        if gig is not None and existing.gig_id is None:
            existing.gig = gig
            existing.save(update_fields=["gig"])
        return existing
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
    _push_summaries(conversation, conversation.user_ids())
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


def _participant(conversation: Conversation, user) -> Participant:
    participant = Participant.objects.filter(
        conversation_id=conversation.pk, user_id=getattr(user, "pk", None)
    ).first()
    if participant is None:
        raise _forbidden()
    return participant


def mark_read(*, conversation: Conversation, user, seq: int) -> int:
    """Move the user's read mark forward to `seq` (never back, never past the head).

    Tells the other participant ("Seen") and the user's tabs (unread counts). Returns the
    read mark now stored. A thread already read (every reopening of it) costs one query.
    """
    participant = _participant(conversation, user)
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
            {
                "type": "unread",
                "conversation_id": conversation.pk,
                "count": head - seq,
                "total": unread_total(user),
            },
        )
    ]
    if not _blocked_between(user.pk, other_id):
        frames.append(
            (
                other_id,
                {
                    "type": "read",
                    "conversation_id": conversation.pk,
                    "user_id": user.pk,
                    "seq": seq,
                },
            )
        )
    _push_frames(frames)
    return seq


@transaction.atomic
def mark_unread(*, conversation: Conversation, user) -> int:
    """ "Mark unread": move the user's read mark back to just before the other participant's
    last message (before the last message when they wrote none: only system messages), never
    below 0 and never forward. Tells the user's tabs (`unread`); the other participant's
    "Seen" stays (they did see it). Returns the read mark now stored.
    """
    participant = _participant(conversation, user)
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
        frame = {
            "type": "unread",
            "conversation_id": conversation.pk,
            "count": head - seq,
            "total": unread_total(user),
        }
        _push_frames([(user.pk, frame)])
    return seq


def clean_labels(labels: Sequence[str]) -> list[str]:
    if not isinstance(labels, (list, tuple)) or not all(isinstance(label, str) for label in labels):
        raise ValidationError("Labels are a list of words.", code="invalid")
    cleaned: list[str] = []
    for label in labels:
        label = " ".join(label.split())
        if not label or len(label) > LABEL_MAX_CHARS:
            raise ValidationError(f"A label has 1 to {LABEL_MAX_CHARS} characters.", code="invalid")
        if label not in cleaned:
            cleaned.append(label)
    if len(cleaned) > MAX_LABELS:
        raise ValidationError(f"At most {MAX_LABELS} labels per conversation.", code="invalid")
    return cleaned


@transaction.atomic
def update_participant(
    *,
    conversation: Conversation,
    user,
    starred: bool | None = None,
    archived: bool | None = None,
    spam: bool | None = None,
    muted: bool | None = None,
    labels: Sequence[str] | None = None,
) -> Participant:
    """File the conversation on the user's side; the other participant sees nothing of it."""
    participant = _participant(conversation, user)
    changes = {"starred": starred, "archived": archived, "spam": spam, "muted": muted}
    fields = [name for name, value in changes.items() if value is not None]
    for name in fields:
        setattr(participant, name, bool(changes[name]))
    if labels is not None:
        participant.labels = clean_labels(labels)
        fields.append("labels")
    if fields:
        participant.full_clean()
        participant.save(update_fields=fields)
        _push_summaries(conversation, [user.pk])
    return participant


@transaction.atomic
def block_user(*, blocker, blocked) -> Block:
    """Refuse messages between the two from now on (existing history stays readable).
    Gigbox Trust & Safety (the system account) cannot be blocked: its notices of strikes and
    sanctions must reach the user."""
    if blocker.pk == blocked.pk:
        raise SendError("forbidden", "You cannot block yourself.")
    if is_system_account(blocked):
        raise SendError(
            "invalid_frame",
            "username: Gigbox Trust & Safety cannot be blocked; its notices about your account must reach you.",
        )
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


@transaction.atomic
def unblock_user(*, blocker, blocked) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def report_message(*, reporter, message: Message, reason: str, note: str = ""):
    """Report a message of the other participant to moderation (one open flag per message)."""
    from moderation.services import report_message as file_report

    conversation = message.conversation
    if reporter.pk not in conversation.user_ids():
        raise _forbidden()
    if message.sender_id == reporter.pk:
        raise SendError("forbidden", "You cannot report your own message.")
    return file_report(reporter=reporter, message=message, reason=reason, note=note)
