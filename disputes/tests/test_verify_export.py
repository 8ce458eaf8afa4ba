"""tools/verify_export.py, tested adversarially (RELIABILITY.md T1-T7, T11): a valid export
verifies; any changed byte, any changed field, a re-computed chain with a forged head,
deleted, reordered and truncated messages are all caught; the script runs without Django."""

from __future__ import annotations

import base64
import copy
import importlib.util
import os
import random
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings as django_settings

from disputes.export import build_export, encode_document, export_key
from disputes.export_format import (
    b64encode,
    chain_link,
    checkpoints_digest,
    manifest_bytes,
    messages_digest,
)
from disputes.tests.conftest import TEST_KEY_ID
from inbox.chain import link_hash
from inbox.checks import AttachmentUpload
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message

SCRIPT = Path(django_settings.BASE_DIR) / "tools" / "verify_export.py"
SEED = int(os.environ.get("GIGBOX_TAMPER_SEED", "20261124"))


def _load_verifier():
    spec = importlib.util.spec_from_file_location("verify_export", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


verifier = _load_verifier()


@pytest.fixture
def document(dispute, order_conversation, alice, bob, rita, png_bytes):
    """A signed export of the order's conversation: user and system messages, a masked one,
    an attachment, non-ASCII text."""
    send_message(
        conversation=order_conversation,
        sender=bob,
        body='Here: ✅ مرحبا 🎨 — "quoted" \\ back',
        client_id=uuid.uuid4().hex,
        attachments=[AttachmentUpload("proof.png", png_bytes)],
    )
    return build_export(
        dispute=dispute, conversation=order_conversation, staff=rita, key=export_key()
    )


@pytest.fixture
def trusted(export_signing_key) -> dict:
    return {TEST_KEY_ID: base64.b64decode(export_signing_key)}


def _check(document_or_raw, trusted):
    raw = (
        document_or_raw if isinstance(document_or_raw, bytes) else encode_document(document_or_raw)
    )
    return verifier.verify(raw, trusted)


def _rechain(document, *, from_index: int = 0) -> None:
    """What an attacker with the data can do: recompute every hash from `from_index` on,
    the head and the messages digest (but not the signature: no private key)."""
    conversation_id = document["manifest"]["conversation_id"]
    messages = document["messages"]
    for index in range(from_index, len(messages)):
        if index:
            messages[index]["prev_hash"] = messages[index - 1]["hash"]
        messages[index]["hash"] = link_hash(chain_link(conversation_id, messages[index]))
    manifest = document["manifest"]
    manifest["count"] = len(messages)
    manifest["last_seq"] = messages[-1]["seq"] if messages else 0
    manifest["head_hash"] = messages[-1]["hash"] if messages else manifest["head_hash"]
    manifest["messages_sha256"] = messages_digest(messages)


# A valid export -----------------------------------------------------------------------------------


def test_a_valid_export_verifies_with_the_trusted_key(document, trusted):
    report = _check(document, trusted)
    assert report.ok, report.problem
    assert report.summary.startswith("OK: conversation") and report.warnings == []


def test_a_key_given_without_key_id_is_trusted_for_any_key_id(document, export_signing_key):
    assert _check(document, {None: base64.b64decode(export_signing_key)}).ok


def test_with_the_embedded_key_only_it_verifies_but_warns(document):
    report = _check(document, None)
    assert report.ok and report.warnings == [verifier.EMBEDDED_KEY_WARNING]
    assert "proves nothing by itself" in report.warnings[0]


def test_a_development_key_export_verifies_with_a_warning(
    dispute, order_conversation, rita, settings, export_signing_key
):
    settings.DEBUG, settings.GIGBOX_EXPORT_SIGNING_KEY = True, ""
    # The dispute's checkpoint (the test key) must still verify, or the export is refused.
    settings.GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS = f"{TEST_KEY_ID}={export_signing_key}"
    key = export_key()
    document = build_export(dispute=dispute, conversation=order_conversation, staff=rita, key=key)
    report = _check(document, {"development": base64.b64decode(key.public_key_b64())})
    assert report.ok and verifier.DEVELOPMENT_KEY_WARNING in report.warnings


def test_an_empty_conversation_verifies(dispute, alice, bob, rita, trusted):
    general = get_or_start_conversation(starter=bob, other=alice)
    document = build_export(dispute=dispute, conversation=general, staff=rita, key=export_key())
    assert _check(document, trusted).ok


def test_a_long_non_ascii_conversation_verifies(dispute, order_conversation, alice, rita, trusted):
    send_message(
        conversation=order_conversation,
        sender=alice,
        body="שלום 👋🏽 " * 600,
        client_id=uuid.uuid4().hex,
    )
    document = build_export(
        dispute=dispute, conversation=order_conversation, staff=rita, key=export_key()
    )
    assert _check(document, trusted).ok


# Any byte -----------------------------------------------------------------------------------------


def test_changing_any_one_byte_anywhere_is_detected(document, trusted):
    """T2/T5: EVERY byte position of the export (about 4 KB, a few seconds), each changed
    twice: its lowest bit flipped (the smallest change: a digit, a letter's case) and set to
    a random other value."""
    raw = encode_document(document)
    assert len(raw) > 3000  # the fixture's messages, attachment and signature are all in it
    rng = random.Random(SEED)
    missed = []
    for position in range(len(raw)):
        for value in (raw[position] ^ 1, rng.choice([b for b in range(256) if b != raw[position]])):
            if _check(raw[:position] + bytes([value]) + raw[position + 1 :], trusted).ok:
                missed.append((position, value))
    assert missed == [], f"seed {SEED}: undetected changes at {missed[:5]}"


def test_every_single_bit_flip_in_the_manifest_and_signature_is_detected(document, trusted):
    """T5, transparency-dev style: every bit of the bytes after "manifest" (manifest, messages
    key, signature) in a sample of 300 positions, and every bit of the signature line."""
    raw = encode_document(document)
    start = raw.index(b'"manifest"')
    signature_start = raw.index(b'"signature"')
    positions = sorted(
        set(random.Random(SEED).sample(range(start, len(raw)), 300))
        | set(range(signature_start, len(raw)))
    )
    missed = [
        (position, bit)
        for position in positions
        for bit in range(8)
        if _check(
            raw[:position] + bytes([raw[position] ^ (1 << bit)]) + raw[position + 1 :], trusted
        ).ok
    ]
    assert missed == []


def test_reformatting_the_file_is_detected(document, trusted):
    import json

    pretty = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode()
    report = _check(pretty, trusted)
    assert not report.ok and "byte for byte" in report.problem
    assert not _check(encode_document(document) + b"\n", trusted).ok
    assert not _check(encode_document(document).replace(b"\n", b"\r\n"), trusted).ok


# Any field ----------------------------------------------------------------------------------------


FAKE_ITEM = {
    "findings": {"kind": "phone", "start": 0, "end": 1, "rule": "phone.plain"},
    "attachments": {"name": "x.png", "size": 1, "sha256": "0" * 64, "content_type": "image/png"},
}


def _changed(value, field=""):
    if isinstance(value, list) and not value:
        return [FAKE_ITEM[field]]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return "mallory" if field == "sender" else 1
    if isinstance(value, str):
        return value[:-1] + ("0" if value[-1:] != "0" else "1") if value else "x"
    if isinstance(value, list):
        return value[:-1]
    raise AssertionError(type(value))


HASHED = {
    "seq",
    "kind",
    "sender_id",
    "client_id",
    "created_at",
    "body",
    "delivered_body",
    "findings",
    "attachments",
    "prev_hash",
    "hash",
}


def test_changing_any_field_of_any_message_is_detected_and_named(document, trusted):
    """T2: each field of each message changed, the file otherwise in perfect form."""
    for index, message in enumerate(document["messages"]):
        for field in message:
            tampered = copy.deepcopy(document)
            tampered["messages"][index][field] = _changed(message[field], field)
            report = _check(tampered, trusted)
            assert not report.ok, (index, field)
            if field in HASHED:
                assert (
                    "hash chain breaks" in report.problem or "cannot be encoded" in report.problem
                ), (field, report.problem)
            else:  # the sender's name is not hashed: the signed digest covers it
                assert "messages_sha256" in report.problem


def test_changing_an_attachment_digest_is_detected(document, trusted):
    tampered = copy.deepcopy(document)
    attachment = tampered["messages"][-1]["attachments"][0]
    attachment["sha256"] = "0" * 64
    assert "hash chain breaks at seq" in _check(tampered, trusted).problem


def test_changing_any_manifest_field_is_detected(document, trusted):
    for field, value in document["manifest"].items():
        tampered = copy.deepcopy(document)
        tampered["manifest"][field] = _changed(value)
        assert not _check(tampered, trusted).ok, field


def test_adding_or_removing_keys_is_detected(document, trusted):
    for where in (lambda d: d, lambda d: d["manifest"], lambda d: d["messages"][0]):
        tampered = copy.deepcopy(document)
        where(tampered)["note"] = "added"
        assert "wrong keys" in _check(tampered, trusted).problem
    tampered = copy.deepcopy(document)
    del tampered["messages"][0]["findings"]
    assert not _check(tampered, trusted).ok


def test_a_changed_signature_is_detected(document, trusted):
    signature = base64.b64decode(document["signature"])
    for index in range(len(signature)):
        tampered = copy.deepcopy(document)
        tampered["signature"] = b64encode(
            signature[:index] + bytes([signature[index] ^ 1]) + signature[index + 1 :]
        )
        assert "signature does not match" in _check(tampered, trusted).problem


# The whole chain recomputed -----------------------------------------------------------------------


def test_a_recomputed_chain_with_a_forged_head_fails_on_the_signature(document, trusted):
    """T4: the attacker edits a message and recomputes every hash, the head and the digest."""
    tampered = copy.deepcopy(document)
    tampered["messages"][1]["body"] = "Sure, I will fix it for free."
    _rechain(tampered, from_index=1)
    report = _check(tampered, trusted)
    assert not report.ok and "signature does not match" in report.problem


def test_a_re_signed_forgery_passes_only_with_the_embedded_key(document, trusted):
    """...and with a key of their own: the embedded key accepts it (hence the warning), the
    trusted key does not."""
    tampered = copy.deepcopy(document)
    tampered["messages"][1]["body"] = "Sure, I will fix it for free."
    _rechain(tampered, from_index=1)
    # The signed head checkpoints contradict the rewrite (and the forger cannot sign new
    # ones): their best move is to drop them (test_head_checkpoints covers keeping them).
    tampered["checkpoints"] = []
    tampered["manifest"]["checkpoints_sha256"] = checkpoints_digest([])
    forger = Ed25519PrivateKey.generate()
    tampered["manifest"]["public_key"] = b64encode(
        forger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    tampered["signature"] = b64encode(forger.sign(manifest_bytes(tampered["manifest"])))
    embedded = _check(tampered, None)
    assert embedded.ok and verifier.EMBEDDED_KEY_WARNING in embedded.warnings
    report = _check(tampered, trusted)
    assert not report.ok and "another public key" in report.problem


# Deleted, reordered, truncated --------------------------------------------------------------------


def test_a_deleted_message_is_detected(document, trusted):
    tampered = copy.deepcopy(document)
    del tampered["messages"][1]
    assert "counts" in _check(tampered, trusted).problem
    tampered["manifest"]["count"] -= 1
    tampered["manifest"]["messages_sha256"] = messages_digest(tampered["messages"])
    assert "hash chain breaks at seq 2" in _check(tampered, trusted).problem


def test_reordered_messages_are_detected(document, trusted):
    tampered = copy.deepcopy(document)
    messages = tampered["messages"]
    messages[1], messages[2] = messages[2], messages[1]
    tampered["manifest"]["messages_sha256"] = messages_digest(messages)
    assert "hash chain breaks at seq 2" in _check(tampered, trusted).problem


def test_a_truncated_tail_is_detected(document, trusted):
    tampered = copy.deepcopy(document)
    del tampered["messages"][-2:]
    tampered["manifest"]["count"] = len(tampered["messages"])
    tampered["manifest"]["messages_sha256"] = messages_digest(tampered["messages"])
    assert "hash chain breaks" in _check(tampered, trusted).problem  # against the signed head
    _rechain(tampered)  # head moved back too: only the signature can tell
    assert "signature does not match" in _check(tampered, trusted).problem


# Keys ---------------------------------------------------------------------------------------------


def test_an_unknown_key_id_is_refused(document, export_signing_key):
    report = _check(document, {"gigbox-2025-05": base64.b64decode(export_signing_key)})
    assert not report.ok and "no trusted public key for key_id" in report.problem


def test_rotated_keys_each_verify_their_own_exports(
    dispute, order_conversation, rita, settings, export_signing_key
):
    """T11: an export signed before the rotation verifies with the old key_id's key."""
    old = build_export(
        dispute=dispute, conversation=order_conversation, staff=rita, key=export_key()
    )
    new_private = Ed25519PrivateKey.generate()
    settings.GIGBOX_EXPORT_SIGNING_KEY = b64encode(new_private.private_bytes_raw())
    settings.GIGBOX_EXPORT_KEY_ID = "test-2027-01"
    settings.GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS = f"{TEST_KEY_ID}={export_signing_key}"
    new = build_export(
        dispute=dispute, conversation=order_conversation, staff=rita, key=export_key()
    )
    keyring = {
        TEST_KEY_ID: base64.b64decode(export_signing_key),
        "test-2027-01": new_private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    }
    assert _check(old, keyring).ok and _check(new, keyring).ok
    swapped = {TEST_KEY_ID: keyring["test-2027-01"], "test-2027-01": keyring[TEST_KEY_ID]}
    assert not _check(old, swapped).ok and not _check(new, swapped).ok


# The command line, without Django -----------------------------------------------------------------


def _run(tmp_path, *args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


@pytest.fixture
def no_django(tmp_path) -> dict:
    """PYTHONPATH with a `django` package that fails on import: the verifier must not need it."""
    fake = tmp_path / "fake" / "django"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('the verifier must not import Django')\n")
    return {"PYTHONPATH": str(tmp_path / "fake")}


def test_the_script_verifies_without_django(tmp_path, document, export_signing_key, no_django):
    path = tmp_path / "export.json"
    path.write_bytes(encode_document(document))
    result = _run(
        tmp_path,
        str(path),
        "--public-key",
        f"{TEST_KEY_ID}={export_signing_key}",
        env_extra=no_django,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: conversation") and "WARNING" not in result.stdout


def test_the_script_fails_with_the_first_problem(tmp_path, document, export_signing_key, no_django):
    tampered = copy.deepcopy(document)
    tampered["messages"][0]["body"] = "changed"
    path = tmp_path / "export.json"
    path.write_bytes(encode_document(tampered))
    result = _run(tmp_path, str(path), "--public-key", export_signing_key, env_extra=no_django)
    assert result.returncode == 1
    assert (
        result.stdout.strip()
        == "FAILED: the hash chain breaks at seq 1 (a message was changed, removed, added or moved)"
    )


def test_the_script_warns_about_an_embedded_key(tmp_path, document, no_django):
    path = tmp_path / "export.json"
    path.write_bytes(encode_document(document))
    result = _run(tmp_path, str(path), env_extra=no_django)
    assert result.returncode == 0 and "proves nothing by itself" in result.stdout


def test_bad_arguments_exit_2(tmp_path, no_django):
    result = _run(tmp_path, "missing.json", "--public-key", "not-a-key", env_extra=no_django)
    assert result.returncode == 2 and "--public-key" in result.stderr


def test_the_verifier_and_its_modules_import_no_django():
    """A static check too: the three files the verifier needs name no Django module."""
    import ast

    base = Path(django_settings.BASE_DIR)
    for path in (SCRIPT, base / "disputes" / "export_format.py", base / "inbox" / "chain.py"):
        tree = ast.parse(path.read_text())
        names = [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [name for name in names if name.split(".")[0] == "django"], path
    for package in ("disputes", "inbox"):
        assert (base / package / "__init__.py").read_text().strip() == "", package


# Hides (format /3) --------------------------------------------------------------------------------


@pytest.fixture
def hidden_document(dispute, order_conversation, alice, rita, mo):
    """A signed export of the order's conversation after Trust & Safety hid one message."""
    from inbox.withdrawals import withdraw_message

    sent = send_message(
        conversation=order_conversation,
        sender=alice,
        body="Pay me outside: the <b>deposit</b> first.",
        client_id=uuid.uuid4().hex,
    ).message
    withdraw_message(
        message=sent, staff=mo, reason="Asked for payment outside.", reference="flag:7"
    )
    return build_export(
        dispute=dispute, conversation=order_conversation, staff=rita, key=export_key()
    ), sent


def test_the_signed_export_carries_the_hides(hidden_document, trusted, mo):
    """Issue 18 leftover 7: the case file and the printable export marked hides; the signed
    JSON did not."""
    document, sent = hidden_document
    assert document["format"] == "gigbox-conversation-export/3"
    [withdrawal] = document["withdrawals"]
    assert withdrawal["seq"] == sent.seq and withdrawal["withdrawn_by"] == mo.username
    assert withdrawal["reason"] == "Asked for payment outside." and withdrawal["reference"]
    report = _check(document, trusted)
    assert report.ok, report.problem
    assert "1 hidden from the parties" in report.summary


def test_a_removed_or_moved_hide_is_detected(hidden_document, trusted):
    document, _ = hidden_document
    for change in (
        lambda d: d["withdrawals"].clear(),
        lambda d: d["withdrawals"][0].update(seq=1),
        lambda d: d["withdrawals"][0].update(reason="Nothing."),
    ):
        changed = copy.deepcopy(document)
        change(changed)
        assert "withdrawals_sha256" in _check(changed, trusted).problem
    # Re-signed by whoever holds the key, a hide of a message that is not in the file fails.
    changed = copy.deepcopy(document)
    changed["withdrawals"][0]["seq"] = 999
    _resign_withdrawals(changed)
    assert "not in the file" in _check(changed, trusted).problem


def _resign_withdrawals(document) -> None:
    from disputes.export_format import withdrawals_digest

    manifest = document["manifest"]
    manifest["withdrawals_sha256"] = withdrawals_digest(document["withdrawals"])
    document["signature"] = b64encode(export_key().private_key.sign(manifest_bytes(manifest)))


def test_changing_any_one_byte_of_an_export_with_a_hide_is_detected(hidden_document, trusted):
    """Every byte of the manifest and of the withdrawals (the rest: the test above), each
    with its lowest bit flipped and set to a random other value."""
    document, _ = hidden_document
    raw = encode_document(document)
    rng = random.Random(SEED)
    positions = [
        *range(raw.index(b'"manifest"'), raw.index(b'"messages"')),
        *range(raw.index(b'"withdrawals"'), len(raw)),
    ]
    missed = [
        (position, value)
        for position in positions
        for value in (raw[position] ^ 1, rng.choice([b for b in range(256) if b != raw[position]]))
        if _check(raw[:position] + bytes([value]) + raw[position + 1 :], trusted).ok
    ]
    assert missed == [], f"seed {SEED}: undetected changes at {missed[:5]}"
