"""The signed conversation-log export: its layout, encoding and checks, in one pure module.

No Django import here or in inbox.chain (whose hash encoding it reuses): the standalone
verifier (tools/verify_export.py) imports both, so the server that writes an export and the
script that checks it share every rule. docs/disputes.md describes the format for people.

An export is one JSON document:

    {"format": FORMAT, "manifest": {...}, "messages": [...], "checkpoints": [...],
     "signature": "<base64>"}

`messages` hold every message of the conversation in seq order (both bodies, findings, the
attachments' sha256, prev_hash and hash: everything inbox.chain hashes, plus the sender's
username for readers). The manifest names the chain head (last seq and hash), the count, the
export time, the signing key (`key_id`, public key) and the sha256 of the canonical encoding
of `messages`; the Ed25519 signature covers the manifest's canonical encoding. The file is
written in one exact byte form (`encode_document`), so any change to any byte shows.

`checkpoints` (format /2) are the conversation's signed head checkpoints up to the exported
head (disputes.checkpoints), each with its own signature over `checkpoint_bytes`; the
manifest holds their digest (`checkpoints_sha256`). Format /1 (no checkpoints) still verifies.

`withdrawals` (format /3) are the messages Trust & Safety hid from the parties (inbox's
MessageWithdrawal): seq, when, by whom, why and the reference, in seq order. A hide changes
no message (the chain still verifies): it is carried beside them, under the manifest's
`withdrawals_sha256`, so the signature covers it. Formats /1 and /2 still verify.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from inbox.chain import ChainLink, canonical_json, format_timestamp

__all__ = [
    "FORMAT",
    "FORMAT_V1",
    "LAYOUTS",
    "DOCUMENT_KEYS",
    "MANIFEST_KEYS",
    "MESSAGE_KEYS",
    "ATTACHMENT_KEYS",
    "FormatError",
    "encode_document",
    "decode_document",
    "messages_digest",
    "checkpoints_digest",
    "manifest_bytes",
    "b64encode",
    "b64decode_exact",
    "parse_timestamp",
    "chain_link",
    "CHECKPOINT_KEYS",
    "checkpoint_statement",
    "checkpoint_bytes",
    "FORMAT_V2",
    "WITHDRAWAL_KEYS",
    "withdrawals_digest",
]

FORMAT_V1 = "gigbox-conversation-export/1"  # before head checkpoints: still verified
FORMAT_V2 = "gigbox-conversation-export/2"  # before withdrawals (hides): still verified
FORMAT = "gigbox-conversation-export/3"
DOCUMENT_KEYS_V1 = frozenset({"format", "manifest", "messages", "signature"})
DOCUMENT_KEYS_V2 = DOCUMENT_KEYS_V1 | {"checkpoints"}
DOCUMENT_KEYS = DOCUMENT_KEYS_V2 | {"withdrawals"}
MANIFEST_KEYS_V1 = frozenset(
    {
        "format",
        "conversation_id",
        "dispute_id",
        "order_reference",
        "count",
        "last_seq",
        "head_hash",
        "exported_at",
        "exported_by",
        "key_id",
        "public_key",
        "development_key",
        "messages_sha256",
    }
)
MANIFEST_KEYS_V2 = MANIFEST_KEYS_V1 | {"checkpoints_sha256"}
MANIFEST_KEYS = MANIFEST_KEYS_V2 | {"withdrawals_sha256"}
# The layout of each format this code reads: (document keys, manifest keys).
LAYOUTS = {
    FORMAT_V1: (DOCUMENT_KEYS_V1, MANIFEST_KEYS_V1),
    FORMAT_V2: (DOCUMENT_KEYS_V2, MANIFEST_KEYS_V2),
    FORMAT: (DOCUMENT_KEYS, MANIFEST_KEYS),
}
# A message hidden from the parties (format /3).
WITHDRAWAL_KEYS = frozenset({"seq", "withdrawn_at", "withdrawn_by", "reason", "reference"})
MESSAGE_KEYS = frozenset(
    {
        "seq",
        "kind",
        "sender_id",
        "sender",
        "client_id",
        "created_at",
        "body",
        "delivered_body",
        "findings",
        "attachments",
        "prev_hash",
        "hash",
    }
)
ATTACHMENT_KEYS = frozenset({"name", "size", "sha256", "content_type"})
# Domain separation: a signature over an export manifest is never valid for anything else.
MANIFEST_CONTEXT = b"gigbox conversation export manifest v1\n"
# A head checkpoint (disputes.models.HeadCheckpoint): what its signature covers, and how an
# export carries it. Its own context: a checkpoint signature is never a manifest's, or back.
CHECKPOINT_STATEMENT_KEYS = ("conversation_id", "seq", "head_hash", "signed_at", "key_id")
CHECKPOINT_KEYS = frozenset(CHECKPOINT_STATEMENT_KEYS) | {"signature"}
CHECKPOINT_CONTEXT = b"gigbox conversation head checkpoint v1\n"


class FormatError(ValueError):
    """The export is not in the exact form the server writes; the message says where."""


def encode_document(document: Mapping[str, Any]) -> bytes:
    """The one byte form of an export file: sorted keys, one-space indent, UTF-8, final newline."""
    return (
        json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    )


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise FormatError("a JSON object repeats a key")
    return dict(pairs)


def _refuse_number(text: str) -> Any:
    raise FormatError(f"the number {text} is not an integer")


def decode_document(raw: bytes) -> dict[str, Any]:
    """Parse an export file strictly: UTF-8, integers only, no repeated keys, and the bytes
    exactly as `encode_document` writes them (so no byte can change unnoticed)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 at byte {error.start}") from None
    try:
        document = json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_float=_refuse_number,
            parse_constant=_refuse_number,
        )
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    if not isinstance(document, dict):
        raise FormatError("the file is not a JSON object")
    if encode_document(document) != raw:
        raise FormatError("the file is not byte for byte as exported (changed or reformatted)")
    return document


def messages_digest(messages: Sequence[Mapping[str, Any]]) -> str:
    """sha256 (hex) of the canonical encoding of the messages array."""
    return hashlib.sha256(canonical_json(list(messages))).hexdigest()


def checkpoints_digest(checkpoints: Sequence[Mapping[str, Any]]) -> str:
    """sha256 (hex) of the canonical encoding of the checkpoints array."""
    return hashlib.sha256(canonical_json(list(checkpoints))).hexdigest()


def withdrawals_digest(withdrawals: Sequence[Mapping[str, Any]]) -> str:
    """sha256 (hex) of the canonical encoding of the withdrawals array."""
    return hashlib.sha256(canonical_json(list(withdrawals))).hexdigest()


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """What the Ed25519 signature covers."""
    return MANIFEST_CONTEXT + canonical_json(dict(manifest))


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def b64decode_exact(text: str, *, length: int, what: str) -> bytes:
    """Standard base64 of exactly `length` bytes, in its one canonical spelling (the unused
    low bits of the last character would otherwise let two spellings decode alike)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise FormatError(f"{what} is not base64") from None
    if len(raw) != length or b64encode(raw) != text:
        raise FormatError(f"{what} is not the base64 of {length} bytes")
    return raw


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 UTC time exactly as inbox.chain.format_timestamp writes it."""
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        raise FormatError(f"{text!r} is not a time like 2026-11-24T16:30:00.000000Z") from None
    if format_timestamp(moment) != text:
        raise FormatError(f"{text!r} is not in canonical form")
    return moment


def chain_link(conversation_id: int, message: Mapping[str, Any]) -> ChainLink:
    """The hashed fields of an exported message, as inbox.chain encodes them."""
    return ChainLink(
        conversation_id=conversation_id,
        seq=message["seq"],
        kind=message["kind"],
        sender_id=message["sender_id"],
        client_id=message["client_id"],
        body=message["body"],
        delivered_body=message["delivered_body"],
        findings=message["findings"],
        attachments=message["attachments"],
        created_at=parse_timestamp(message["created_at"]),
        prev_hash=message["prev_hash"],
    )


def checkpoint_statement(
    *, conversation_id: int, seq: int, head_hash: str, signed_at: datetime | str, key_id: str
) -> dict[str, Any]:
    """The signed fields of a head checkpoint, as plain values ("this conversation's chain
    had this hash at this seq, at this time, says this key")."""
    moment = signed_at if isinstance(signed_at, str) else format_timestamp(signed_at)
    return {
        "conversation_id": conversation_id,
        "seq": seq,
        "head_hash": head_hash,
        "signed_at": moment,
        "key_id": key_id,
    }


def checkpoint_bytes(statement: Mapping[str, Any]) -> bytes:
    """What a head checkpoint's Ed25519 signature covers."""
    return CHECKPOINT_CONTEXT + canonical_json(
        {key: statement[key] for key in CHECKPOINT_STATEMENT_KEYS}
    )
