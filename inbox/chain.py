"""The hash chain of a conversation: canonical encoding, link hashes and verification.

Pure functions, no Django import: the encoding is the evidence format, so it lives in one
place, is pinned by golden vectors (inbox/tests/test_chain.py) and must never drift.

Each message's `hash` is sha256 over the canonical JSON of its fields, `prev_hash` included
(the hash of the message before it, or the conversation's genesis hash for seq 1). Canonical
JSON: keys sorted, UTF-8, no whitespace, only strings, integers, booleans, null, lists and
objects (a float is refused: its text form is not stable), times as RFC 3339 UTC with
microseconds and a `Z`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "ChainLink",
    "attachment_entry",
    "StoredLink",
    "canonical_json",
    "format_timestamp",
    "genesis_hash",
    "link_hash",
    "first_bad_seq",
]

HASHED_FIELDS = (
    "conversation_id",
    "seq",
    "kind",
    "sender_id",
    "client_id",
    "body",
    "delivered_body",
    "findings",
    "attachments",
    "created_at",
    "prev_hash",
)
# What a message's link records of each attachment: the file itself is proven by its sha256.
ATTACHMENT_FIELDS = ("name", "size", "sha256", "content_type")


def genesis_hash(conversation_id: int) -> str:
    """The `prev_hash` of a conversation's first message."""
    return hashlib.sha256(f"gigbox:conversation:{conversation_id}".encode()).hexdigest()


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds: 2026-11-24T16:30:00.000000Z."""
    if moment.tzinfo is None:
        raise ValueError("the chain only records aware datetimes")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_canonical(value: object) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_canonical(item)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"canonical JSON keys are strings, not {type(key).__name__}")
            _check_canonical(item)
        return
    raise TypeError(f"canonical JSON has no stable form for {type(value).__name__}")


def canonical_json(value: object) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (not \\u escapes)."""
    _check_canonical(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def attachment_entry(*, name: str, size: int, sha256: str, content_type: str) -> dict[str, object]:
    """An attachment as the chain records it: the same for a new upload and a stored row."""
    return {"name": name, "size": size, "sha256": sha256, "content_type": content_type}


@dataclass(frozen=True)
class ChainLink:
    """Everything a message's hash covers, in plain values."""

    conversation_id: int
    seq: int
    kind: str
    sender_id: int | None
    client_id: str
    body: str
    delivered_body: str
    findings: Sequence[Mapping[str, object]]
    attachments: Sequence[Mapping[str, object]]
    created_at: datetime
    prev_hash: str

    def encoding(self) -> bytes:
        fields = {name: getattr(self, name) for name in HASHED_FIELDS}
        fields["created_at"] = format_timestamp(self.created_at)
        fields["findings"] = [dict(finding) for finding in self.findings]
        fields["attachments"] = [
            {key: attachment[key] for key in ATTACHMENT_FIELDS} for attachment in self.attachments
        ]
        return canonical_json(fields)


def link_hash(link: ChainLink) -> str:
    return hashlib.sha256(link.encoding()).hexdigest()


@dataclass(frozen=True)
class StoredLink:
    """A message as read back from the database: its fields and the hash stored with it."""

    link: ChainLink
    stored_hash: str


def first_bad_seq(
    conversation_id: int, links: Iterable[StoredLink], *, head_seq: int, head_hash: str
) -> int | None:
    """The first seq at which the stored chain is not what its contents prove, else None.

    `links` are the stored messages ordered by seq. A changed byte in any hashed field, a
    missing row (a gap), rows in the wrong place and a tail cut off behind the
    conversation's recorded head (`head_seq`, `head_hash`) are all caught.
    """
    expected_prev, expected_seq = genesis_hash(conversation_id), 1
    for stored in links:
        link = stored.link
        if link.seq != expected_seq or link.conversation_id != conversation_id:
            return expected_seq
        if link.prev_hash != expected_prev or link_hash(link) != stored.stored_hash:
            return link.seq
        expected_prev, expected_seq = stored.stored_hash, expected_seq + 1
    last_seq = expected_seq - 1
    if last_seq != head_seq:  # a tail cut off, or rows the head does not account for
        return min(last_seq, head_seq) + 1
    if expected_prev != head_hash:
        return max(head_seq, 1)
    return None
