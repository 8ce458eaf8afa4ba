"""Pushing to open sockets through the channel layer: the groups, and what is sent to them.

Every socket joins its user's group and its login session's (inbox.consumers). A push
is best effort: a channel layer that fails costs a live frame, never a message, because
clients catch up from the database with `sync`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from inbox.channel_layer import send_here_first
from inbox.frames import conversation_updated_frame, message_new_text, serialize_summary
from inbox.models import Conversation, Participant
from inbox.selectors import SUMMARY_RELATED

if TYPE_CHECKING:
    from inbox.send import SentMessage

logger = logging.getLogger(__name__)

__all__ = [
    "user_group",
    "session_group",
    "group_send_safely",
    "announce_block_changed",
    "broadcast",
    "broadcast_on_commit",
    "push_frames",
    "push_summaries",
    "disconnect_user",
    "disconnect_session",
]


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def session_group(session_key: str) -> str:
    """The sockets opened with one login session (a hash: the key itself is a credential)."""
    return f"session.{hashlib.sha256(session_key.encode()).hexdigest()[:32]}"


async def group_send_safely(group: str, event: dict[str, Any]) -> None:
    """Push to a group; a channel layer that fails costs a live frame, never a message."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group, event)
    except Exception:
        logger.warning("group_send to %s failed; clients catch up with sync", group, exc_info=True)


# Stored messages ------------------------------------------------------------------------------


def broadcast(sent: Sequence[SentMessage]) -> Awaitable[None]:
    """Push the `message.new` of these stored messages, in order, to every socket of their
    participants. With the Redis layer this process's sockets have the frames when this
    returns (inbox.channel_layer); the awaitable publishes them for the other processes in
    one round trip, and must be awaited (the writer awaits it while it writes the next batch)."""
    layer = get_channel_layer()
    publishing = None
    if layer is not None and sent:
        events = [event for item in sent for event in _message_events(item)]
        try:
            publishing = send_here_first(layer, events)
        except Exception:
            _push_failed(len(sent))
    return _published(publishing, len(sent))


def broadcast_on_commit(sent: Sequence[SentMessage]) -> None:
    """`broadcast` once the current transaction commits (outside the writer: forms, the API,
    system messages)."""

    async def push() -> None:
        await broadcast(sent)

    transaction.on_commit(lambda: async_to_sync(push)())


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
        # `head`: the sockets that relay it tell known_heads which seq they saw.
        event = {"type": "inbox.frame", "text": message_new_text(payload), "head": head}
        events.append((user_group(user_id), event))
    return events


async def _published(publishing: Awaitable[None] | None, count: int) -> None:
    if publishing is None:
        return
    try:
        await publishing
    except Exception:
        _push_failed(count)


def _push_failed(count: int) -> None:
    logger.warning("pushing %d messages failed; clients catch up with sync", count, exc_info=True)


# Other frames ---------------------------------------------------------------------------------


def push_frames(frames: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Push (user_id, frame) pairs after commit."""

    async def push() -> None:
        for user_id, frame in frames:
            await group_send_safely(user_group(user_id), {"type": "inbox.frame", "frame": frame})

    transaction.on_commit(lambda: async_to_sync(push)())


def _summary_for(conversation: Conversation, user_id: int) -> dict[str, Any]:
    participant = Participant.objects.select_related(*SUMMARY_RELATED).get(
        conversation=conversation, user_id=user_id
    )
    return serialize_summary(participant)


def push_summaries(conversation: Conversation, user_ids: Sequence[int]) -> None:
    """`conversation.updated` to these participants, after commit."""
    push_frames(
        [(uid, conversation_updated_frame(_summary_for(conversation, uid))) for uid in user_ids]
    )


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


def announce_block_changed(first_id: int, second_id: int) -> None:
    """After commit: every socket of both users drops what it cached about the other (the
    access used by typing, a presence subscription), so a block cuts the live frames at
    once, in both directions, in every process (issue 17, finding 7)."""

    async def announce() -> None:
        for user_id, other_id in ((first_id, second_id), (second_id, first_id)):
            await group_send_safely(
                user_group(user_id), {"type": "user.block_changed", "other_id": other_id}
            )

    transaction.on_commit(lambda: async_to_sync(announce)())
