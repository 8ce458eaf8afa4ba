"""A batch's drafts on their way to rows: what both stores (inbox.store) share.

The chain (seq and hash link of each draft, built in memory on the conversations' heads),
the attachment files and rows, the detector's findings handed to their extension point,
the read state a send implies, and the reads of resends. The statements that store them
differ by database: inbox.store (ORM) and inbox.store_postgres.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db.models.expressions import RawSQL

from config import clock
from inbox import chain, known_heads
from inbox.checks import CheckedFile
from inbox.extensions import masked_messages_stored
from inbox.models import Attachment, Conversation, Message, attachment_upload_to

__all__ = [
    "Draft",
    "BatchReads",
    "Recent",
    "Written",
    "HeadMoved",
    "save_files",
    "discard_files",
    "lock_conversations",
    "chain_drafts",
    "point_heads",
    "write_related",
    "read_state_rows",
    "stored_messages",
]


# (conversation, sender) -> their last (time, body), oldest first
Recent = dict[tuple[int, int], known_heads.History]
Written = list[tuple[Message, list[Attachment]]]


@dataclass
class Draft:
    """A message ready to be chained and stored."""

    conversation_id: int
    kind: str
    sender_id: int | None
    client_id: str
    body: str
    delivered_body: str
    findings: list[dict[str, Any]]
    files: list[CheckedFile] = field(default_factory=list)
    stored_names: list[str] = field(default_factory=list)


@dataclass
class BatchReads:
    """What a batch's checks and write read first, for every request of the batch."""

    conversations: dict[int, Conversation]  # unlocked: the chain starts from these heads
    blocked: set[int]  # conversations with a block between their participants, either way
    stored: dict[tuple[int, str], Message]  # already stored under a (sender, client_id): resends
    recent: Recent  # each sender's last messages in the conversation: the detector's history


class HeadMoved(Exception):
    """A conversation's head is no longer the one the batch's chain was built on: another
    writer (a second process, a system message) stored a message in between."""


def save_files(drafts: Collection[Draft]) -> None:
    """Write attachment bytes before the transaction; `discard_files` undoes it on failure."""
    for draft in drafts:
        for checked in draft.files:
            placeholder = Attachment(conversation_id=draft.conversation_id)
            draft.stored_names.append(
                default_storage.save(
                    attachment_upload_to(placeholder, checked.name), checked.as_file()
                )
            )


def discard_files(drafts: Collection[Draft]) -> None:
    for draft in drafts:
        for name in draft.stored_names:
            default_storage.delete(name)
        draft.stored_names.clear()


def lock_conversations(conversation_ids: Collection[int] | RawSQL) -> dict[int, Conversation]:
    """The batch's conversations, locked in pk order (no deadlock between two writers)."""
    locked = (
        Conversation.objects.select_for_update()
        .filter(pk__in=conversation_ids)
        .only("user_a_id", "user_b_id", "last_seq", "last_hash")  # what the chain and heads need
        .order_by("pk")
    )
    return {c.pk: c for c in locked}


# The concrete fields of Message in declaration order: a Message built from positional values
# skips Model.__init__'s keyword handling, a large share of a batch's Python time.
_MESSAGE_ATTNAMES = tuple(f.attname for f in Message._meta.concrete_fields)
_CONVERSATION_CACHE = Message._meta.get_field("conversation")


def chain_drafts(drafts: Sequence[Draft], conversations: dict[int, Conversation]) -> list[Message]:
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
                chain.attachment_entry(
                    name=f.name, size=f.size, sha256=f.sha256, content_type=f.content_type
                )
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


_LAST_MESSAGE = Conversation._meta.get_field("last_message")


def point_heads(conversations: dict[int, Conversation], messages: Sequence[Message]) -> None:
    """Each conversation's `last_message_id` in memory: the last of its stored messages.

    By id, not by object: each message caches its conversation (`chain_drafts`), and a
    conversation holding its message back would make a reference cycle per message that only
    the garbage collector frees, and its collections stop the event loop."""
    for message in messages:
        conversation = conversations[message.conversation_id]
        conversation.last_message_id = message.pk
        if _LAST_MESSAGE.is_cached(conversation):
            _LAST_MESSAGE.delete_cached_value(conversation)


def write_related(drafts: Sequence[Draft], messages: Sequence[Message]) -> Written:
    """The rows that go with the stored messages, in the same transaction: attachments, and
    what the masked-messages listeners write for the masked ones (inbox.extensions:
    moderation's flags)."""
    attachments = [
        [
            Attachment(
                message=message,
                conversation_id=message.conversation_id,
                file=stored_name,
                name=checked.name,
                size=checked.size,
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
        masked_messages_stored(messages=masked)
    return list(zip(messages, attachments, strict=True))


def read_state_rows(
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


def stored_messages(
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
