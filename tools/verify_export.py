#!/usr/bin/env python3
"""Check a Gigbox conversation-log export without the database (standalone: Python 3.11+,
the standard library and the `cryptography` package; no Django).

    python tools/verify_export.py export.json --public-key BASE64
    python tools/verify_export.py export.json \
        --public-key gigbox-2026-11=BASE64 --public-key gigbox-2025-05=BASE64
    python tools/verify_export.py export.json          # embedded key only: see the warning

It checks, and stops at the first problem:
  1. the file is byte for byte in the form the server writes (strict JSON, UTF-8, integers only);
  2. the layout: every key present, nothing added, each value of the right type;
  3. every message's hash, recomputed with the same canonical encoding as the server
     (inbox/chain.py), its prev_hash link to the message before, seqs 1, 2, 3... with no gap,
     and the chain's end against the head named in the manifest (count, last seq, head hash);
  4. the manifest's sha256 of the messages array (and, format /2, of the checkpoints array;
     format /3, of the withdrawals: the messages hidden from the parties, each naming a
     message of the file, once, in seq order);
  5. the Ed25519 signature over the manifest, with the trusted public key for its key_id;
  6. (format /2) each signed head checkpoint: its Ed25519 signature, with the trusted public key
     for its key_id, and that the exported chain holds its (seq, hash), so a chain rewritten
     and re-hashed before the export, after a checkpoint was signed, shows here too.

Prints "OK ..." and exits 0, or "FAILED: <first problem>" and exits 1 (2 for bad arguments).
Without --public-key it uses the key embedded in the export and says so: an embedded key
proves nothing by itself (whoever altered the export can re-sign it with a key of their own),
so compare it with the key Gigbox publishes. docs/disputes.md has the details.

The verifier shares the encoding with the server by importing inbox/chain.py and
disputes/export_format.py from this repository (both free of Django); copy those two files
and this one together (keeping the folders) to verify elsewhere.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from disputes.export_format import (
    ATTACHMENT_KEYS,
    CHECKPOINT_KEYS,
    LAYOUTS,
    MESSAGE_KEYS,
    WITHDRAWAL_KEYS,
    FormatError,
    b64decode_exact,
    chain_link,
    checkpoint_bytes,
    checkpoints_digest,
    decode_document,
    manifest_bytes,
    messages_digest,
    parse_timestamp,
    withdrawals_digest,
)
from inbox.chain import StoredLink, first_bad_seq

EMBEDDED_KEY_WARNING = (
    "WARNING: checked with the public key embedded in the export. That proves nothing by itself: "
    "anyone who alters an export can re-sign it with a key of their own and embed that key. "
    "Verify with --public-key and the key Gigbox publishes for this key_id."
)
DEVELOPMENT_KEY_WARNING = "WARNING: signed with a DEVELOPMENT key: for testing only, not evidence."

Trusted = dict[str | None, bytes]  # key_id (None: any key_id) -> raw 32-byte public key


class Problem(Exception):
    """The first thing wrong with the export."""


@dataclass
class Report:
    ok: bool
    problem: str = ""
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


# Layout ---------------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return type(value) is int  # bool is an int to Python, not to us


def _is_hex64(value: Any) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 64
        and all(ch in "0123456789abcdef" for ch in value)
    )


def _require_keys(what: str, value: Any, keys: frozenset[str]) -> None:
    if not isinstance(value, dict):
        raise Problem(f"{what} is not an object")
    if set(value) != keys:
        missing, extra = sorted(keys - set(value)), sorted(set(value) - keys)
        raise Problem(f"{what} has the wrong keys (missing {missing}, unexpected {extra})")


MANIFEST_TYPES = {
    "format": lambda v: v in LAYOUTS,
    "conversation_id": _is_int,
    "dispute_id": _is_int,
    "order_reference": lambda v: isinstance(v, str),
    "count": _is_int,
    "last_seq": _is_int,
    "head_hash": _is_hex64,
    "exported_at": lambda v: isinstance(v, str),
    "exported_by": lambda v: isinstance(v, str),
    "key_id": lambda v: isinstance(v, str) and bool(v),
    "public_key": lambda v: isinstance(v, str),
    "development_key": lambda v: isinstance(v, bool),
    "messages_sha256": _is_hex64,
    "checkpoints_sha256": _is_hex64,  # format /2
    "withdrawals_sha256": _is_hex64,  # format /3
}

WITHDRAWAL_TYPES = {
    "seq": _is_int,
    "withdrawn_at": lambda v: isinstance(v, str),
    "withdrawn_by": lambda v: isinstance(v, str),
    "reason": lambda v: isinstance(v, str),
    "reference": lambda v: isinstance(v, str),
}

MESSAGE_TYPES = {
    "seq": _is_int,
    "kind": lambda v: isinstance(v, str),
    "sender_id": lambda v: v is None or _is_int(v),
    "sender": lambda v: v is None or isinstance(v, str),
    "client_id": lambda v: isinstance(v, str),
    "created_at": lambda v: isinstance(v, str),
    "body": lambda v: isinstance(v, str),
    "delivered_body": lambda v: isinstance(v, str),
    "findings": lambda v: isinstance(v, list) and all(isinstance(item, dict) for item in v),
    "attachments": lambda v: isinstance(v, list),
    "prev_hash": _is_hex64,
    "hash": _is_hex64,
}

CHECKPOINT_TYPES = {
    "conversation_id": _is_int,
    "seq": _is_int,
    "head_hash": _is_hex64,
    "signed_at": lambda v: isinstance(v, str),
    "key_id": lambda v: isinstance(v, str) and bool(v),
    "signature": lambda v: isinstance(v, str),
}

ATTACHMENT_TYPES = {
    "name": lambda v: isinstance(v, str),
    "size": _is_int,
    "sha256": _is_hex64,
    "content_type": lambda v: isinstance(v, str),
}


def _check_types(what: str, value: dict[str, Any], types: dict[str, Any]) -> None:
    for key in value:  # the keys are checked already: exactly those of the layout
        if not types[key](value[key]):
            raise Problem(f"{what}: {key} has a wrong value or type")


def _check_layout(document: dict[str, Any]) -> None:
    if document.get("format") not in LAYOUTS:
        raise Problem(
            f"unknown format {document.get('format')!r} "
            f"(this verifier reads {', '.join(sorted(LAYOUTS))})"
        )
    document_keys, manifest_keys = LAYOUTS[document["format"]]
    _require_keys("the export", document, document_keys)
    _require_keys("the manifest", document["manifest"], manifest_keys)
    _check_types("the manifest", document["manifest"], MANIFEST_TYPES)
    if document["manifest"]["format"] != document["format"]:
        raise Problem("the manifest names another format than the file")
    if not isinstance(document["messages"], list):
        raise Problem("messages is not a list")
    for index, message in enumerate(document["messages"]):
        what = f"message {index + 1} of the file"
        _require_keys(what, message, MESSAGE_KEYS)
        _check_types(what, message, MESSAGE_TYPES)
        for attachment in message["attachments"]:
            _require_keys(f"{what}, an attachment", attachment, ATTACHMENT_KEYS)
            _check_types(f"{what}, an attachment", attachment, ATTACHMENT_TYPES)
    if not isinstance(document.get("checkpoints", []), list):
        raise Problem("checkpoints is not a list")
    for index, checkpoint in enumerate(document.get("checkpoints", [])):
        what = f"checkpoint {index + 1} of the file"
        _require_keys(what, checkpoint, CHECKPOINT_KEYS)
        _check_types(what, checkpoint, CHECKPOINT_TYPES)
    if not isinstance(document.get("withdrawals", []), list):
        raise Problem("withdrawals is not a list")
    for index, withdrawal in enumerate(document.get("withdrawals", [])):
        what = f"withdrawal {index + 1} of the file"
        _require_keys(what, withdrawal, WITHDRAWAL_KEYS)
        _check_types(what, withdrawal, WITHDRAWAL_TYPES)
    if not isinstance(document["signature"], str):
        raise Problem("signature is not text")


# Chain, digest, signature -------------------------------------------------------------------------


def _check_chain(manifest: dict[str, Any], messages: list[dict[str, Any]]) -> None:
    if manifest["count"] != len(messages):
        raise Problem(
            f"the manifest counts {manifest['count']} messages, the file holds {len(messages)}"
        )
    conversation_id = manifest["conversation_id"]
    try:
        links = [
            StoredLink(chain_link(conversation_id, message), message["hash"])
            for message in messages
        ]
    except (FormatError, TypeError, ValueError) as error:
        raise Problem(f"a message cannot be encoded: {error}") from None
    bad = first_bad_seq(
        conversation_id, links, head_seq=manifest["last_seq"], head_hash=manifest["head_hash"]
    )
    if bad is not None:
        raise Problem(
            f"the hash chain breaks at seq {bad} (a message was changed, removed, added or moved)"
        )


def _check_checkpoints(document: dict[str, Any], trusted: Trusted, warnings: list[str]) -> None:
    """Each signed head checkpoint: signed by a trusted key for its key_id (without
    --public-key: the embedded key, for checkpoints of the export's own key_id) and held by
    the exported chain (already checked seq by seq, so messages[seq - 1] is seq). One with
    no key to check it is named in a warning."""
    manifest, messages = document["manifest"], document["messages"]
    embedded = b64decode_exact(manifest["public_key"], length=32, what="the manifest's public_key")
    previous_seq = 0
    for checkpoint in document["checkpoints"]:
        seq, key_id = checkpoint["seq"], checkpoint["key_id"]
        what = f"the checkpoint of seq {seq}"
        if checkpoint["conversation_id"] != manifest["conversation_id"]:
            raise Problem(f"{what} is of another conversation")
        if not previous_seq < seq <= manifest["last_seq"]:
            raise Problem(f"{what} is out of order or beyond the exported head")
        previous_seq = seq
        try:
            parse_timestamp(checkpoint["signed_at"])
        except FormatError as error:
            raise Problem(f"{what}: signed_at {error}") from None
        if trusted:
            raw = trusted.get(key_id, trusted.get(None))
        else:
            raw = embedded if key_id == manifest["key_id"] else None
        if raw is None:  # signed before a rotation, say: the export's own signature stands
            warnings.append(
                f"WARNING: {what} (key_id {key_id!r}) was not checked: give that key's published "
                f"public key with --public-key {key_id}=BASE64"
            )
            continue
        signature = b64decode_exact(
            checkpoint["signature"], length=64, what=f"the signature of {what}"
        )
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(signature, checkpoint_bytes(checkpoint))
        except InvalidSignature:
            raise Problem(f"the signature of {what} does not verify (forged or altered)") from None
        if messages[seq - 1]["hash"] != checkpoint["head_hash"]:
            raise Problem(
                f"the chain was rewritten at or before seq {seq}: "
                "it contradicts the head checkpoint "
                f"signed {checkpoint['signed_at']} with key_id {key_id!r}"
            )


def _check_withdrawals(withdrawals: list[dict[str, Any]], messages: list[dict[str, Any]]) -> None:
    """Each hide names a message of the file, once, in seq order, at a canonical time."""
    seqs = [withdrawal["seq"] for withdrawal in withdrawals]
    if seqs != sorted(set(seqs)):
        raise Problem("the withdrawals are not in seq order, once each")
    exported = {message["seq"] for message in messages}
    for withdrawal in withdrawals:
        if withdrawal["seq"] not in exported:
            raise Problem(f"a withdrawal names seq {withdrawal['seq']}, not in the file")
        parse_timestamp(withdrawal["withdrawn_at"])


def _public_key(
    manifest: dict[str, Any], trusted: Trusted, warnings: list[str]
) -> Ed25519PublicKey:
    embedded = b64decode_exact(manifest["public_key"], length=32, what="the manifest's public_key")
    if not trusted:
        warnings.append(EMBEDDED_KEY_WARNING)
        raw = embedded
    else:
        raw = trusted.get(manifest["key_id"], trusted.get(None))
        if raw is None:
            raise Problem(f"no trusted public key for key_id {manifest['key_id']!r}")
        if raw != embedded:
            raise Problem(
                "the export names another public key than the trusted one "
                f"for key_id {manifest['key_id']!r}"
            )
    return Ed25519PublicKey.from_public_bytes(raw)


def _check_signature(document: dict[str, Any], trusted: Trusted, warnings: list[str]) -> None:
    manifest = document["manifest"]
    key = _public_key(manifest, trusted, warnings)
    signature = b64decode_exact(document["signature"], length=64, what="the signature")
    try:
        key.verify(signature, manifest_bytes(manifest))
    except InvalidSignature:
        raise Problem(
            "the signature does not match the manifest (altered, or signed with another key)"
        ) from None


def verify(raw: bytes, trusted: Trusted | None = None) -> Report:
    """Check an export file's bytes; `trusted` maps key_id (or None for any) to a public key."""
    warnings: list[str] = []
    try:
        document = decode_document(raw)
        _check_layout(document)
        manifest, messages = document["manifest"], document["messages"]
        _check_chain(manifest, messages)
        if messages_digest(messages) != manifest["messages_sha256"]:
            raise Problem("the messages do not match the manifest's messages_sha256")
        checkpoints = document.get("checkpoints")
        if (
            checkpoints is not None
            and checkpoints_digest(checkpoints) != manifest["checkpoints_sha256"]
        ):
            raise Problem("the checkpoints do not match the manifest's checkpoints_sha256")
        withdrawals = document.get("withdrawals")
        if withdrawals is not None:
            if withdrawals_digest(withdrawals) != manifest["withdrawals_sha256"]:
                raise Problem("the withdrawals do not match the manifest's withdrawals_sha256")
            _check_withdrawals(withdrawals, messages)
        _check_signature(document, trusted or {}, warnings)
        if checkpoints is not None:
            _check_checkpoints(document, trusted or {}, warnings)
    except (Problem, FormatError) as error:
        return Report(ok=False, problem=str(error), warnings=warnings)
    if manifest["development_key"]:
        warnings.append(DEVELOPMENT_KEY_WARNING)
    summary = (
        f"OK: conversation {manifest['conversation_id']} (dispute #{manifest['dispute_id']}, "
        f"order {manifest['order_reference']}): {manifest['count']} messages, "
        f"head seq {manifest['last_seq']} {manifest['head_hash']}, "
        f"exported {manifest['exported_at']} by {manifest['exported_by']}, "
        f"signed with key_id {manifest['key_id']}"
    )
    if withdrawals is not None:
        summary += f"; {len(withdrawals)} hidden from the parties by Trust & Safety"
    if checkpoints is None:
        summary += "; format /1: no signed head checkpoints in this file"
    else:
        unchecked = sum("was not checked" in warning for warning in warnings)
        summary += (
            f"; {len(checkpoints) - unchecked} of {len(checkpoints)} "
            "signed head checkpoints checked and held"
        )
    return Report(ok=True, summary=summary, warnings=warnings)


# Command line -------------------------------------------------------------------------------------


def _parse_key_option(text: str) -> tuple[str | None, bytes]:
    # A key id never contains "="; base64 ends with "=" padding for 32 bytes, so split on the
    # first "=".
    key_id, sep, encoded = text.partition("=")
    if sep and encoded and not encoded.startswith("="):
        try:
            return key_id, b64decode_exact(encoded, length=32, what="--public-key")
        except FormatError:
            pass
    try:
        return None, b64decode_exact(text, length=32, what="--public-key")
    except FormatError as error:
        raise argparse.ArgumentTypeError(f"{error}: give BASE64 or KEY_ID=BASE64") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Gigbox conversation-log export offline.")
    parser.add_argument("export", type=Path, help="the export file (.json), exactly as downloaded")
    parser.add_argument(
        "--public-key",
        action="append",
        type=_parse_key_option,
        default=[],
        metavar="[KEY_ID=]BASE64",
        help="a trusted Ed25519 public key (base64 of 32 bytes), optionally for one key_id; "
        "repeat for several",
    )
    args = parser.parse_args(argv)
    try:
        raw = args.export.read_bytes()
    except OSError as error:
        print(f"FAILED: cannot read {args.export}: {error.strerror}")
        return 1
    report = verify(raw, dict(args.public_key))
    for warning in report.warnings:
        print(warning)
    if not report.ok:
        print(f"FAILED: {report.problem}")
        return 1
    print(report.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
