"""build_export and the signing key: what an export holds and which key signs it."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest

from disputes.export import (
    DEVELOPMENT_KEY_ID,
    ExportRefused,
    build_export,
    encode_document,
    export_key,
)
from disputes.export_format import FORMAT, decode_document, messages_digest
from disputes.tests.conftest import TEST_KEY_ID
from inbox.chain import genesis_hash
from inbox.checks import AttachmentUpload
from inbox.conversations import get_or_start_conversation
from inbox.send import send_message


def _export(dispute, conversation, staff):
    return build_export(dispute=dispute, conversation=conversation, staff=staff, key=export_key())


def test_an_export_holds_every_message_with_both_bodies_and_the_head(
    dispute, order_conversation, rita
):
    document = _export(dispute, order_conversation, rita)
    manifest, messages = document["manifest"], document["messages"]
    order_conversation.refresh_from_db()
    assert document["format"] == manifest["format"] == FORMAT
    assert [m["seq"] for m in messages] == list(range(1, order_conversation.last_seq + 1))
    assert manifest["count"] == len(messages) == manifest["last_seq"]
    assert manifest["head_hash"] == order_conversation.last_hash == messages[-1]["hash"]
    assert messages[0]["prev_hash"] == genesis_hash(order_conversation.pk)
    masked = next(m for m in messages if m["findings"])
    assert "+49 151 23456789" in masked["body"] and "[contact hidden]" in masked["delivered_body"]
    assert masked["sender"] == "alice" and masked["findings"][0]["kind"] == "phone"
    assert manifest["messages_sha256"] == messages_digest(messages)
    assert (manifest["dispute_id"], manifest["order_reference"]) == (
        dispute.pk,
        dispute.order.reference,
    )
    assert (manifest["key_id"], manifest["development_key"], manifest["exported_by"]) == (
        TEST_KEY_ID,
        False,
        "rita",
    )


def test_attachments_are_listed_with_their_sha256(
    dispute, order_conversation, bob, rita, png_bytes
):
    send_message(
        conversation=order_conversation,
        sender=bob,
        body="",
        client_id=uuid.uuid4().hex,
        attachments=[AttachmentUpload("proof.png", png_bytes)],
    )
    document = _export(dispute, order_conversation, rita)
    files = document["messages"][-1]["attachments"]

    assert files == [
        {
            "name": "proof.png",
            "size": len(png_bytes),
            "sha256": hashlib.sha256(png_bytes).hexdigest(),
            "content_type": "image/png",
        }
    ]


def test_the_file_form_is_exact_and_round_trips(dispute, order_conversation, rita):
    raw = encode_document(_export(dispute, order_conversation, rita))
    assert raw.endswith(b"\n") and json.loads(raw)["format"] == FORMAT
    assert encode_document(decode_document(raw)) == raw


def test_without_a_key_in_debug_a_labelled_development_key_signs(settings):
    settings.DEBUG, settings.GIGBOX_EXPORT_SIGNING_KEY = True, ""
    first, second = export_key(), export_key()
    assert first.development and first.key_id == DEVELOPMENT_KEY_ID
    assert first.public_key_b64() == second.public_key_b64()  # derived deterministically


def test_the_development_key_depends_on_the_secret_key(settings):
    settings.DEBUG, settings.GIGBOX_EXPORT_SIGNING_KEY = True, ""
    one = export_key().public_key_b64()
    settings.SECRET_KEY = "another-development-secret-" + "x" * 40
    assert export_key().public_key_b64() != one


def test_without_a_key_and_debug_off_exports_are_refused(settings):
    settings.DEBUG, settings.GIGBOX_EXPORT_SIGNING_KEY = False, ""
    with pytest.raises(ExportRefused, match="Exports are switched off"):
        export_key()


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_key_is_refused(settings, value):
    settings.GIGBOX_EXPORT_SIGNING_KEY = value
    with pytest.raises(ExportRefused, match="32-byte"):
        export_key()


def test_a_configured_key_needs_its_id(settings):
    settings.GIGBOX_EXPORT_KEY_ID = ""
    with pytest.raises(ExportRefused, match="GIGBOX_EXPORT_KEY_ID"):
        export_key()


def test_a_configured_key_signs_with_its_id(export_signing_key):
    key = export_key()
    assert (key.key_id, key.development, key.public_key_b64()) == (
        TEST_KEY_ID,
        False,
        export_signing_key,
    )


def test_an_empty_conversation_exports(dispute, alice, bob, rita):
    general = get_or_start_conversation(starter=bob, other=alice)
    document = _export(dispute, general, rita)
    assert document["messages"] == [] and document["manifest"]["count"] == 0
    assert document["manifest"]["head_hash"] == genesis_hash(general.pk)
