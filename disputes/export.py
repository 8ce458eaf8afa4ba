"""Build a signed conversation-log export (the format: disputes/export_format.py).

The signing key comes from settings: GIGBOX_EXPORT_SIGNING_KEY (base64 of a raw 32-byte
Ed25519 private key) and GIGBOX_EXPORT_KEY_ID. With DEBUG on and no key, a development key
derived from SECRET_KEY signs, and the export says so in its manifest; with DEBUG off and no
key, `export_key` raises ExportRefused and nothing is exported. A conversation whose chain
check fails is refused too (build_export), with the check's reason.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils import timezone

from disputes.export_format import (
    FORMAT,
    b64encode,
    checkpoint_statement,
    checkpoints_digest,
    encode_document,
    manifest_bytes,
    messages_digest,
    withdrawals_digest,
)
from disputes.models import Dispute, HeadCheckpoint
from inbox.chain import format_timestamp
from inbox.models import Attachment, Conversation, Message, MessageWithdrawal
from inbox.verification import check_conversation

__all__ = [
    "ExportRefused",
    "ExportKey",
    "export_key",
    "build_export",
    "signed_document",
    "checkpoint_entry",
    "encode_document",
]

DEVELOPMENT_KEY_ID = "development"


class ExportRefused(Exception):
    """Exports cannot be signed here (no key configured in production, or a malformed key)."""


@dataclass(frozen=True)
class ExportKey:
    private_key: Ed25519PrivateKey
    key_id: str
    development: bool

    def public_key_b64(self) -> str:
        return b64encode(self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def export_key() -> ExportKey:
    """The configured signing key, the development key (DEBUG only), or ExportRefused."""
    encoded = settings.GIGBOX_EXPORT_SIGNING_KEY
    if encoded:
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ExportRefused(
                "GIGBOX_EXPORT_SIGNING_KEY is not the base64 of a 32-byte Ed25519 private key."
            )
        if not settings.GIGBOX_EXPORT_KEY_ID:
            raise ExportRefused(
                "GIGBOX_EXPORT_KEY_ID is not set: every export names the key that signed it."
            )
        return ExportKey(
            Ed25519PrivateKey.from_private_bytes(raw),
            settings.GIGBOX_EXPORT_KEY_ID,
            development=False,
        )
    if not settings.DEBUG:
        raise ExportRefused(
            "Exports are switched off: no signing key is configured (GIGBOX_EXPORT_SIGNING_KEY and "
            "GIGBOX_EXPORT_KEY_ID, see docs/disputes.md). Ask an administrator to set them."
        )
    seed = hashlib.sha256(
        b"gigbox development export key\n" + settings.SECRET_KEY.encode()
    ).digest()
    return ExportKey(
        Ed25519PrivateKey.from_private_bytes(seed), DEVELOPMENT_KEY_ID, development=True
    )


def _attachments_by_message(
    conversation: Conversation, head_seq: int
) -> dict[int, list[dict[str, Any]]]:
    files: dict[int, list[dict[str, Any]]] = {}
    rows = Attachment.objects.filter(
        conversation=conversation, message__seq__lte=head_seq
    ).order_by("id")
    for attachment in rows:
        files.setdefault(attachment.message_id, []).append(attachment.chain_entry())
    return files


def _message_entry(message: Message, files: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "seq": message.seq,
        "kind": message.kind,
        "sender_id": message.sender_id,
        "sender": message.sender.username if message.sender_id else None,
        "client_id": message.client_id,
        "created_at": format_timestamp(message.created_at),
        "body": message.body,
        "delivered_body": message.delivered_body,
        "findings": message.findings,
        "attachments": files.get(message.pk, []),
        "prev_hash": message.prev_hash,
        "hash": message.hash,
    }


def _withdrawal_entries(conversation: Conversation, head_seq: int) -> list[dict[str, Any]]:
    """The messages up to the head that Trust & Safety hid from the parties, in seq order."""
    rows = (
        MessageWithdrawal.objects.filter(
            message__conversation=conversation, message__seq__lte=head_seq
        )
        .select_related("message", "withdrawn_by")
        .order_by("message__seq")
    )
    return [
        {
            "seq": row.message.seq,
            "withdrawn_at": format_timestamp(row.created_at),
            "withdrawn_by": row.withdrawn_by.username,
            "reason": row.reason,
            "reference": row.reference,
        }
        for row in rows
    ]


def checkpoint_entry(checkpoint: HeadCheckpoint) -> dict[str, Any]:
    """A head checkpoint as plain values: the signed statement and its signature (as an
    export carries it, and as disputes.checkpoints checks it)."""
    statement = checkpoint_statement(
        conversation_id=checkpoint.conversation_id,
        seq=checkpoint.seq,
        head_hash=checkpoint.head_hash,
        signed_at=checkpoint.signed_at,
        key_id=checkpoint.key_id,
    )
    return {**statement, "signature": checkpoint.signature}


def _checkpoint_entries(conversation: Conversation, head_seq: int) -> list[dict[str, Any]]:
    """The conversation's signed head checkpoints up to the exported head (the verifier
    checks each signature and that the exported chain holds each one's seq and hash)."""
    rows = HeadCheckpoint.objects.filter(conversation=conversation, seq__lte=head_seq).order_by(
        "seq"
    )
    return [checkpoint_entry(row) for row in rows]


def build_export(
    *,
    dispute: Dispute,
    conversation: Conversation,
    staff,
    key: ExportKey,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The export document of `conversation` as stored now, signed with `key`; ExportRefused
    (with the check's reason) when its chain or a signed checkpoint does not verify: a log the
    server cannot prove is never signed as evidence."""
    status = check_conversation(conversation, through_head=True)
    if not status.intact:
        raise ExportRefused(
            f"Not exported: conversation {conversation.pk} fails its chain check "
            f"({status.describe()}). Nothing was signed; the case file marks the rows concerned."
        )
    return signed_document(
        dispute=dispute,
        conversation=conversation,
        staff=staff,
        key=key,
        head=(status.head_seq, status.head_hash),
        now=now,
    )


def signed_document(
    *,
    dispute: Dispute,
    conversation: Conversation,
    staff,
    key: ExportKey,
    head: tuple[int, str],
    now: datetime | None = None,
) -> dict[str, Any]:
    """The document up to `head` (seq, hash), signed, unchecked: build_export checks first
    (the tests call this to show the offline verifier catches a rewrite on its own too)."""
    # Messages are append-only, so a message arriving after the head was read is simply not
    # part of this export.
    head_seq, head_hash = head
    files = _attachments_by_message(conversation, head_seq)
    rows = (
        Message.objects.filter(conversation=conversation, seq__lte=head_seq)
        .select_related("sender")
        .order_by("seq")
    )
    messages = [_message_entry(message, files) for message in rows]
    checkpoints = _checkpoint_entries(conversation, head_seq)
    withdrawals = _withdrawal_entries(conversation, head_seq)
    manifest = {
        "format": FORMAT,
        "conversation_id": conversation.pk,
        "dispute_id": dispute.pk,
        "order_reference": dispute.order.reference,
        "count": len(messages),
        "last_seq": head_seq,
        "head_hash": head_hash,
        "exported_at": format_timestamp(now or timezone.now()),
        "exported_by": staff.username,
        "key_id": key.key_id,
        "public_key": key.public_key_b64(),
        "development_key": key.development,
        "messages_sha256": messages_digest(messages),
        "checkpoints_sha256": checkpoints_digest(checkpoints),
        "withdrawals_sha256": withdrawals_digest(withdrawals),
    }
    signature = key.private_key.sign(manifest_bytes(manifest))
    return {
        "format": FORMAT,
        "manifest": manifest,
        "messages": messages,
        "checkpoints": checkpoints,
        "withdrawals": withdrawals,
        "signature": b64encode(signature),
    }
