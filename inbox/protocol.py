"""The inbox WebSocket protocol (docs/protocol.md) as data: frame schemas and parsing.

Client frames are parsed here (`parse_client_frame`), so the consumer only sees well-formed
frames. Server frames are described by SERVER_FRAMES; the tests validate every frame the
server sends with `validate_server_frame`. The schema language is deliberately tiny: a
field is a type, a tuple of types, an `Obj` or a `ListOf`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CLIENT_FRAMES",
    "SERVER_FRAMES",
    "MAX_FRAME_BYTES",
    "ProtocolError",
    "is_id",
    "is_identifier",
    "is_text",
    "parse_client_frame",
    "validate_server_frame",
]

MAX_FRAME_BYTES = 64 * 1024
CLIENT_ID_LENGTH = (8, 64)
MAX_SYNC_CONVERSATIONS = 100
# Integer fields are ids and seqs stored in bigint columns: a value past them overflowed the
# driver inside the shared batch (issue 17, finding 1).
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
NoneType = type(None)


@dataclass(frozen=True)
class Obj:
    required: Mapping[str, Any]
    optional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListOf:
    item: Any


ATTACHMENT = Obj({"id": int, "name": str, "size": int, "content_type": str, "url": str})
# A seller's custom offer (deals.selectors.offer_object): on its system message, and in
# `offer.updated`.
OFFER = Obj(
    {
        "id": int,
        "conversation_id": int,
        "message_id": (int, NoneType),
        "seller_id": int,
        "buyer_id": int,
        "gig_id": int,
        "title": str,
        "description": str,
        "price": str,
        "delivery_days": int,
        "revisions": int,
        "milestones": ListOf(Obj({"title": str, "amount": str, "due_days": int})),
        "expires_at": str,
        "status": str,
        "order": (Obj({"id": int, "reference": str, "url": str}), NoneType),
        "url": str,
    }
)
MESSAGE = Obj(
    {
        "id": int,
        "conversation_id": int,
        "seq": int,
        "kind": str,
        "sender_id": (int, NoneType),
        "body": str,
        "masked": bool,
        "created_at": str,
        "attachments": ListOf(ATTACHMENT),
    },
    {"client_id": str, "offer": OFFER, "withdrawn": bool},
)
PERSON = Obj({"id": int, "username": str, "name": str})
SUMMARY = Obj(
    {
        "id": int,
        "other": PERSON,
        "gig": (Obj({"id": int, "title": str}), NoneType),
        "order_id": (int, NoneType),
        "last_message": (
            Obj(
                {
                    "seq": int,
                    "sender_id": (int, NoneType),
                    "kind": str,
                    "body": str,
                    "created_at": str,
                }
            ),
            NoneType,
        ),
        "last_message_at": str,
        "last_seq": int,
        "unread": int,
        "starred": bool,
        "archived": bool,
        "spam": bool,
        "muted": bool,
        "labels": ListOf(str),
    }
)

SERVER_FRAMES: dict[str, Obj] = {
    "hello": Obj({"user_id": int, "server_time": str, "unread_total": int}),
    "message.ack": Obj(
        {
            "client_id": str,
            "conversation_id": int,
            "id": int,
            "seq": int,
            "created_at": str,
            "body": str,
            "masked": bool,
            "notice": (str, NoneType),
            "findings": ListOf(Obj({"kind": str, "reason": str})),
        }
    ),
    "message.new": Obj({"message": MESSAGE}),
    # Trust & Safety hid a message: its object again, with the notice as its body.
    "message.withdrawn": Obj({"message": MESSAGE}),
    "sync.result": Obj(
        {"conversation_id": int, "messages": ListOf(MESSAGE), "has_more": bool, "last_seq": int}
    ),
    "sync.resync": Obj({"conversation_id": int, "last_seq": int, "reason": str}),
    "typing": Obj({"conversation_id": int, "user_id": int}),
    "read": Obj({"conversation_id": int, "user_id": int, "seq": int}),
    "unread": Obj({"conversation_id": int, "count": int, "total": int}),
    "presence": Obj(
        {"user_id": int, "online": bool, "last_seen": (str, NoneType), "timezone": str}
    ),
    "conversation.updated": Obj({"conversation": SUMMARY}),
    "offer.updated": Obj({"offer": OFFER}),
    "pong": Obj({}),
    "error": Obj(
        {"code": str, "message": str},
        {"client_id": str, "retry_after": int, "until": str, "limit": int, "conversation_id": int},
    ),
}

ERROR_CODES = frozenset(
    {
        "invalid_json",
        "unknown_type",
        "invalid_frame",
        "empty",
        "too_long",
        "forbidden",
        "blocked",
        "restricted",
        "official_account",
        "rate_limited",
        "unavailable",
        "flooding",
        "invalid_attachment",
    }
)
# HTTP only (inbox/api.py): over the socket a missing or foreign conversation is `forbidden`
# and an anonymous socket is closed with 4401, so a frame never carries these.
# `suspended` (403: a suspended account's session reaches only its account page, with
# `until` and `account_url`) and `already_reported` (409) are moderation's HTTP answers.
# `csrf_failed` (403) and `too_large` (413: a body over DATA_UPLOAD_MAX_MEMORY_SIZE) come
# from Django before any view (config/errors.py).
HTTP_ERROR_CODES = frozenset(
    {"not_found", "unauthenticated", "suspended", "already_reported", "csrf_failed", "too_large"}
)


def _type_ok(value: object, expected: type) -> bool:
    if expected is int:  # bool is an int in Python, never in the protocol
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _check(value: object, spec: Any, path: str) -> None:
    if isinstance(spec, tuple):
        errors = []
        for option in spec:
            try:
                _check(value, option, path)
                return
            except ValueError as exc:
                errors.append(str(exc))
        raise ValueError(" / ".join(errors))
    if isinstance(spec, Obj):
        if not isinstance(value, dict):
            raise ValueError(f"{path}: expected an object, got {type(value).__name__}")
        for key, item_spec in spec.required.items():
            if key not in value:
                raise ValueError(f"{path}.{key}: missing")
            _check(value[key], item_spec, f"{path}.{key}")
        for key, item in value.items():
            if key in spec.required:
                continue
            if key not in spec.optional:
                raise ValueError(f"{path}.{key}: not in the protocol")
            _check(item, spec.optional[key], f"{path}.{key}")
        return
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            raise ValueError(f"{path}: expected a list, got {type(value).__name__}")
        for index, item in enumerate(value):
            _check(item, spec.item, f"{path}[{index}]")
        return
    if not _type_ok(value, spec):
        raise ValueError(f"{path}: expected {spec.__name__}, got {type(value).__name__}")


def validate_server_frame(frame: Mapping[str, Any], *, over_http: bool = False) -> None:
    """Raise ValueError naming the first way `frame` departs from docs/protocol.md.

    `over_http` for the JSON API's error bodies, which may also carry HTTP_ERROR_CODES."""
    frame = dict(frame)
    kind = frame.pop("type", None)
    if kind not in SERVER_FRAMES:
        raise ValueError(f"unknown server frame type {kind!r}")
    _check(frame, SERVER_FRAMES[kind], kind)
    codes = ERROR_CODES | HTTP_ERROR_CODES if over_http else ERROR_CODES
    if kind == "error" and frame["code"] not in codes:
        raise ValueError(f"unknown error code {frame['code']!r}")
    json.dumps(frame)  # must survive the wire


# Client frames ------------------------------------------------------------------------------


class ProtocolError(Exception):
    """A client frame that cannot be acted on; becomes an `error` frame, the socket stays."""

    def __init__(self, code: str, message: str, *, client_id: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.client_id = code, message, client_id


class Identifier(str):
    """Schema marker: text that names something (a client_id): valid UTF-8, no lone
    surrogate, NUL or other control character. It is echoed in frames and stored in a
    column, where each of those failed (issue 17, finding 1)."""


class Text(str):
    """Schema marker: free text (a message body): valid UTF-8 without NUL, as a text column
    needs (PostgreSQL refuses NUL; no driver encodes a lone surrogate)."""


class Id(int):
    """Schema marker: a whole number from 0 to MAX_ID (a bigint column)."""


CLIENT_FRAMES: dict[str, dict[str, type]] = {
    "message.send": {"conversation_id": Id, "client_id": Identifier, "body": Text},
    "typing": {"conversation_id": Id},
    "read": {"conversation_id": Id, "seq": Id},
    "sync": {"conversations": dict},
    "presence.subscribe": {"conversation_id": Id},
    "ping": {},
}


# What a column or a frame cannot take, as one precompiled class each (checked at C speed on
# every frame): control characters (C0, DEL, C1) and lone surrogates (no UTF-8 encoding).
_NOT_IDENTIFIER_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_TEXT_RE = re.compile(r"[\x00\ud800-\udfff]")


def is_identifier(value: object, *, min_length: int = 1, max_length: int = 64) -> bool:
    """True for text fit to name something: length in range, encodable as UTF-8 (no lone
    surrogate), no control character (C0, DEL, C1)."""
    if not isinstance(value, str) or not min_length <= len(value) <= max_length:
        return False
    return _NOT_IDENTIFIER_RE.search(value) is None


def is_text(value: object) -> bool:
    """Text a text column takes: no NUL, encodable as UTF-8 (no lone surrogate)."""
    return isinstance(value, str) and _NOT_TEXT_RE.search(value) is None


def is_id(value: object) -> bool:
    return _type_ok(value, int) and 0 <= value <= MAX_ID  # type: ignore[operator]


def _field_problem(value: object, expected: type) -> str | None:
    """What is wrong with one client field, or None."""
    if expected is Id:
        return None if is_id(value) else f"expected a whole number from 0 to {MAX_ID}"
    if expected is Text:
        return None if is_text(value) else "expected text (UTF-8, no NUL)"
    if expected is Identifier:
        if is_identifier(value, min_length=CLIENT_ID_LENGTH[0], max_length=CLIENT_ID_LENGTH[1]):
            return None
        return (
            f"expected {CLIENT_ID_LENGTH[0]} to {CLIENT_ID_LENGTH[1]} characters of text"
            " without control characters"
        )
    return None if _type_ok(value, expected) else f"expected {expected.__name__}"


def decode_frame(raw: str | bytes) -> dict[str, Any]:
    """JSON text (or UTF-8 bytes) to an object; anything else is `invalid_json`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if "\x00" in text:
            raise ValueError("NUL in frame")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: deeply nested arrays ("[[[[..." within 64 KiB) crashed the consumer
        # (found by tests/security/test_malformed_frames.py).
        raise ProtocolError("invalid_json", "The frame is not valid JSON text.") from None
    if not isinstance(data, dict):
        raise ProtocolError("invalid_json", "The frame must be a JSON object.")
    return data


def _check_sync(conversations: dict[str, Any]) -> dict[int, int]:
    if len(conversations) > MAX_SYNC_CONVERSATIONS:
        raise ProtocolError(
            "invalid_frame", f"conversations: at most {MAX_SYNC_CONVERSATIONS} per sync."
        )
    cursors = {}
    for key, value in conversations.items():
        # ASCII digits only: str.isdigit() accepts "²", which int() refuses (finding 2).
        if not (0 < len(key) <= MAX_ID_DIGITS and key.isascii() and key.isdigit()) or not (
            is_id(value) and int(key) <= MAX_ID
        ):
            raise ProtocolError(
                "invalid_frame",
                'conversations: expected {"<conversation id>": last seq seen (a whole number)}.',
            )
        cursors[int(key)] = value
    return cursors


def parse_client_frame(raw: str | bytes) -> dict[str, Any]:
    """The frame as a dict with checked fields, or ProtocolError with the protocol's code."""
    data = decode_frame(raw)
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_FRAMES:
        raise ProtocolError("unknown_type", f"Unknown frame type {str(kind)[:40]!r}.")
    # Echoed in the error only when it could be echoed (and stored) at all.
    client_id = data.get("client_id") if is_identifier(data.get("client_id")) else None
    for name, expected in CLIENT_FRAMES[kind].items():
        if name not in data:
            raise ProtocolError("invalid_frame", f"{name}: missing.", client_id=client_id)
        problem = _field_problem(data[name], expected)
        if problem is not None:
            raise ProtocolError("invalid_frame", f"{name}: {problem}.", client_id=client_id)
    if kind == "sync":
        data["conversations"] = _check_sync(data["conversations"])
    return data
