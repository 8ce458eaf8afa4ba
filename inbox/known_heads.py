"""What this process last wrote to each conversation, so that its next batch need not read it.

A batch's reads (`inbox.store_postgres.PostgresStore.read`: the conversation with its chain
head, blocks, resends, the sender's recent messages for the detector) are a database round trip
before every write. After a write this process knows the result exactly: the new head, and each
sender's recent messages up to it. A batch whose conversations and senders are all known
here skips the reads, and its write checks, in the same statement, what it assumed: that
each head (seq and hash: a write its caller rolled back leaves a known head that never
was) is still the one it was built on (so nobody wrote in between, and the history is
complete) and that no block stands between the participants. When either changed it
writes nothing and the batch is read and built again (`StaleHeads`); a resend is caught
by the unique (sender, client_id) index, as a race between processes always is
(docs/decisions.md P20).

Per process; entries expire (`TTL_SECONDS`: a conversation's order and participants are
re-read now and then), the oldest go past `MAX_CONVERSATIONS`, and a `message.new` from
another writer (`saw`, called by the sockets that relay it) forgets the conversation
before this process would try a head that has moved.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from inbox.models import Conversation, Message

__all__ = [
    "StaleHeads",
    "TTL_SECONDS",
    "MAX_CONVERSATIONS",
    "recall",
    "remember",
    "forget",
    "saw",
    "clear",
]

TTL_SECONDS = 30.0
MAX_CONVERSATIONS = 5_000

History = list[
    tuple[datetime, str]
]  # a sender's last user messages in a conversation, oldest first


class StaleHeads(Exception):
    """A known head moved (another writer), or a block now stands: nothing was written."""


@dataclass
class _Known:
    conversation: Conversation  # heads as this process last wrote them
    history: dict[int, History]  # sender -> their last messages up to that head
    expires: float  # time.monotonic()


_known: OrderedDict[int, _Known] = OrderedDict()
_lock = threading.Lock()  # HTTP sends may run on other threads than the writer's


def recall(
    pairs: Iterable[tuple[int, int]], *, keep: int, since: datetime
) -> tuple[dict[int, Conversation], dict[tuple[int, int], History]] | None:
    """The conversations (copies: the caller moves their heads) and the histories since
    `since` of these (conversation, sender) pairs, or None unless every one is known."""
    now = time.monotonic()
    conversations: dict[int, Conversation] = {}
    histories: dict[tuple[int, int], History] = {}
    with _lock:
        for conversation_id, sender_id in pairs:
            known = _known.get(conversation_id)
            if known is None or known.expires < now or sender_id not in known.history:
                return None
            if conversation_id not in conversations:
                conversations[conversation_id] = copy.copy(known.conversation)
            histories[(conversation_id, sender_id)] = [
                (at, body) for at, body in known.history[sender_id][-keep:] if at >= since
            ]
    return conversations, histories


def remember(
    conversations: Mapping[int, Conversation],
    histories: Mapping[tuple[int, int], History],
    written: Sequence[Message],
    *,
    keep: int,
    fresh: bool,
) -> None:
    """After a write whose statement checked the heads: the written conversations as they
    now are, and each sender's history with the new messages. `fresh`: the conversations
    and histories were just read from the database (the entry's lifetime starts again).

    The histories of other senders known before are kept when the batch was built on the
    known head (nothing was written in between), else forgotten. A conversation whose
    object is not at the batch's last message was chained again on other objects (under
    row locks, after HeadMoved): it is forgotten."""
    spans: dict[
        int, tuple[int, int]
    ] = {}  # conversation -> (the head it was built on, its last seq written)
    for message in written:
        built_on = spans.get(message.conversation_id, (message.seq - 1, 0))[0]
        spans[message.conversation_id] = (built_on, message.seq)
    chained_elsewhere = [
        pk for pk, (_, last) in spans.items() if conversations[pk].last_seq != last
    ]
    forget(chained_elsewhere)
    by_conversation = _histories_after(
        [pk for pk in spans if pk not in chained_elsewhere], histories, written, keep
    )
    now = time.monotonic()
    with _lock:
        for conversation_id, senders in by_conversation.items():
            conversation = conversations[conversation_id]
            known = _known.get(conversation_id)
            if known is not None and known.conversation.last_seq > conversation.last_seq:
                continue  # another thread of this process wrote after this batch
            if known is None or known.conversation.last_seq != spans[conversation_id][0]:
                known = _known[conversation_id] = _Known(
                    copy.copy(conversation), {}, now + TTL_SECONDS
                )
            known.conversation = copy.copy(conversation)
            if fresh:
                known.expires = now + TTL_SECONDS
            known.history.update(senders)
            _known.move_to_end(conversation_id)
        while len(_known) > MAX_CONVERSATIONS:
            _known.popitem(last=False)


def _histories_after(
    conversation_ids: Iterable[int],
    histories: Mapping[tuple[int, int], History],
    written: Sequence[Message],
    keep: int,
) -> dict[int, dict[int, History]]:
    """Each sender's last `keep` messages in these conversations: as the batch read them,
    then what it wrote."""
    by_conversation: dict[int, dict[int, History]] = {pk: {} for pk in conversation_ids}
    for (conversation_id, sender_id), history in histories.items():
        if conversation_id in by_conversation:
            by_conversation[conversation_id][sender_id] = list(history)
    for message in written:
        if message.sender_id is not None and message.conversation_id in by_conversation:
            history = by_conversation[message.conversation_id].setdefault(message.sender_id, [])
            history.append((message.created_at, message.body))
            del history[:-keep]
    return by_conversation


def forget(conversation_ids: Iterable[int]) -> None:
    with _lock:
        for conversation_id in conversation_ids:
            _known.pop(conversation_id, None)


def saw(conversation_id: int, seq: int) -> None:
    """A socket of this process relays message `seq` of the conversation: when this process
    did not write it (another process, a system message), the known head is behind."""
    known = _known.get(conversation_id)
    if known is not None and known.conversation.last_seq < seq:
        forget([conversation_id])


def clear() -> None:
    """Forget everything (tests: a rolled-back database is not what this process wrote)."""
    with _lock:
        _known.clear()
