"""Signed head checkpoints: a full recomputation of the chain by someone with database access
(not the key) is detected once a checkpoint exists, and only then (the gap is pinned too)."""

from __future__ import annotations

import base64
import dataclasses
import logging
import uuid
from io import StringIO

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from core.append_only import AppendOnlyError
from disputes import services
from disputes.checkpoints import (
    ChainNotProven,
    CheckpointProblem,
    checkpoints_of,
    sign_head,
)
from disputes.export import (
    ExportKey,
    ExportRefused,
    build_export,
    checkpoint_entry,
    encode_document,
    export_key,
    signed_document,
)
from disputes.export_format import (
    FORMAT,
    FORMAT_V1,
    FORMAT_V2,
    b64encode,
    checkpoint_bytes,
    checkpoint_statement,
    checkpoints_digest,
    manifest_bytes,
)
from disputes.models import HeadCheckpoint
from inbox.chain import link_hash
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation
from inbox.send import send_message
from inbox.tests.test_chain import tamper  # the DB-owner attacker, as the chain tests model it
from inbox.verification import _stored_links, check_conversation, verify_conversation


def send_messages(conversation: Conversation, alice, bob, count: int) -> Conversation:
    for n in range(count):
        sender = bob if n % 2 == 0 else alice
        send_message(
            conversation=conversation,
            sender=sender,
            body=f"message {n + 1}",
            client_id=uuid.uuid4().hex,
        )
    return Conversation.objects.get(pk=conversation.pk)


@pytest.fixture
def ten(alice, bob) -> Conversation:
    """A conversation of ten messages, not checkpointed."""
    conversation = get_or_start_conversation(starter=bob, other=alice)
    return send_messages(conversation, alice, bob, 10)


def recompute_from(conversation: Conversation, seq: int, body: str) -> str:
    """What an attacker with database write access (not the key) does: rewrite the body of
    `seq`, recompute its hash and every later prev_hash and hash with inbox.chain, move the
    conversation's head, all in raw SQL. Returns the forged head hash."""
    links = list(_stored_links(conversation))
    prev = links[seq - 1].link.prev_hash
    for stored in links[seq - 1 :]:
        link = stored.link
        link = dataclasses.replace(
            link, prev_hash=prev, body=body if link.seq == seq else link.body
        )
        prev = link_hash(link)
        tamper(
            "UPDATE inbox_message SET body = %s, prev_hash = %s, hash = %s "
            "WHERE conversation_id = %s AND seq = %s",
            [link.body, link.prev_hash, prev, conversation.pk, link.seq],
        )
    tamper("UPDATE inbox_conversation SET last_hash = %s WHERE id = %s", [prev, conversation.pk])
    return prev


def fresh(conversation: Conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


# The gap, and how a checkpoint closes it -------------------------------------------------------


def test_without_a_checkpoint_a_full_recomputation_passes(ten):
    """The documented limit: the chain alone has no anchor outside the database."""
    forged_head = recompute_from(ten, 3, "I never promised a refund")
    status = check_conversation(fresh(ten))
    assert fresh(ten).messages.get(seq=3).body == "I never promised a refund"
    assert status.head_hash == forged_head
    assert status.intact and status.checkpoints == 0
    assert verify_conversation(fresh(ten)) is None
    assert "no signed checkpoint yet" in status.describe()


def test_after_a_checkpoint_a_full_recomputation_is_detected(ten):
    checkpoint = sign_head(ten, export_key())
    assert (checkpoint.seq, checkpoint.head_hash) == (10, ten.last_hash)
    assert check_conversation(fresh(ten)).intact

    recompute_from(ten, 3, "I never promised a refund")

    status = check_conversation(fresh(ten))
    assert status.bad_seq is None  # the chain itself is consistent again
    assert status.checkpoint_problem.kind == CheckpointProblem.CONTRADICTED
    assert status.checkpoint_problem.checkpoint.pk == checkpoint.pk
    assert verify_conversation(fresh(ten)) == 10
    assert "rewritten at or before seq 10" in status.describe()


def test_the_report_names_the_first_checkpoint_the_rewrite_contradicts(alice, bob):
    conversation = get_or_start_conversation(starter=bob, other=alice)
    key = export_key()
    for count in (2, 3, 5):  # checkpoints at seq 2, 5 and 10
        conversation = send_messages(conversation, alice, bob, count)
        sign_head(conversation, key)
    assert [c.seq for c in checkpoints_of(conversation.pk)] == [2, 5, 10]

    recompute_from(conversation, 3, "rewritten")

    problem = check_conversation(fresh(conversation)).checkpoint_problem
    assert (problem.kind, problem.checkpoint.seq) == (
        CheckpointProblem.CONTRADICTED,
        5,
    )  # seq 2 still holds


def test_a_head_moved_back_behind_a_checkpoint_is_detected(ten):
    sign_head(ten, export_key())
    nine = ten.messages.get(seq=9)
    tamper(
        "UPDATE inbox_conversation SET last_seq = 9, last_hash = %s, last_message_id = %s "
        "WHERE id = %s",
        [nine.hash, nine.pk, ten.pk],
    )
    tamper("DELETE FROM inbox_message WHERE conversation_id = %s AND seq = 10", [ten.pk])
    problem = check_conversation(fresh(ten)).checkpoint_problem
    assert (problem.kind, problem.checkpoint.seq) == (CheckpointProblem.CONTRADICTED, 10)


# Forged and unverifiable checkpoints -------------------------------------------------------------


def test_a_checkpoint_signed_with_another_key_is_detected(ten):
    """The attacker recomputes the chain and adds a checkpoint of the forged head, signed with
    a key of their own under the real key id."""
    key = export_key()
    forged_head = recompute_from(ten, 3, "rewritten")
    own = ExportKey(Ed25519PrivateKey.generate(), key.key_id, development=False)
    forged = sign_head(fresh(ten), own)
    assert forged.head_hash == forged_head
    status = check_conversation(fresh(ten))
    assert status.checkpoint_problem.kind == CheckpointProblem.BAD_SIGNATURE
    assert "does not verify" in status.describe()


def test_an_altered_checkpoint_row_is_detected(ten):
    checkpoint = sign_head(ten, export_key())
    forged_head = recompute_from(ten, 3, "rewritten")
    # Past the append-only guard (the DB owner's session_replication_role), the row is made to fit.
    tamper(
        "UPDATE disputes_headcheckpoint SET head_hash = %s WHERE id = %s",
        [forged_head, checkpoint.pk],
    )
    problem = check_conversation(fresh(ten)).checkpoint_problem
    assert problem.kind == CheckpointProblem.BAD_SIGNATURE


def test_a_checkpoint_of_an_unknown_key_is_reported_not_trusted(ten):
    statement = checkpoint_statement(
        conversation_id=ten.pk,
        seq=10,
        head_hash=ten.last_hash,
        signed_at="2026-11-24T10:00:00.000000Z",
        key_id="elsewhere",
    )
    other = Ed25519PrivateKey.generate()
    HeadCheckpoint.objects.create(
        conversation=ten,
        seq=10,
        head_hash=ten.last_hash,
        signed_at="2026-11-24T10:00:00Z",
        key_id="elsewhere",
        signature=b64encode(other.sign(checkpoint_bytes(statement))),
    )
    status = check_conversation(fresh(ten))
    assert status.checkpoint_problem.kind == CheckpointProblem.UNKNOWN_KEY
    assert not status.intact


def test_after_a_rotation_old_checkpoints_verify_with_the_retired_public_key(
    ten, settings, export_signing_key
):
    old = export_key()
    sign_head(ten, old)
    settings.GIGBOX_EXPORT_SIGNING_KEY = base64.b64encode(bytes(range(1, 33))).decode()
    settings.GIGBOX_EXPORT_KEY_ID = "gigbox-next"
    problem = check_conversation(fresh(ten)).checkpoint_problem
    assert (
        problem.kind == CheckpointProblem.UNKNOWN_KEY
        and "GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS" in problem.describe()
    )
    settings.GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS = (
        f"{old.key_id}=not-a-key"  # malformed: never trusted
    )
    assert check_conversation(fresh(ten)).checkpoint_problem.kind == CheckpointProblem.UNKNOWN_KEY
    settings.GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS = f"older=, {old.key_id}={export_signing_key}"
    assert check_conversation(fresh(ten)).intact
    recompute_from(ten, 3, "rewritten")  # and the retired key's checkpoint still anchors the chain
    assert check_conversation(fresh(ten)).checkpoint_problem.kind == CheckpointProblem.CONTRADICTED


def test_a_checkpoint_signature_covers_every_field(ten):
    checkpoint = sign_head(ten, export_key())
    document = checkpoint_entry(checkpoint)
    public = export_key().private_key.public_key()
    signature = base64.b64decode(document.pop("signature"))
    public.verify(signature, checkpoint_bytes(document))
    for name, other in [
        ("seq", 9),
        ("head_hash", "0" * 64),
        ("key_id", "x"),
        ("conversation_id", ten.pk + 1),
    ]:
        with pytest.raises(InvalidSignature):
            public.verify(signature, checkpoint_bytes({**document, name: other}))


# Nothing is signed that the chain does not prove -------------------------------------------------


def test_a_broken_chain_is_not_signed(ten):
    tamper(
        "UPDATE inbox_message SET body = 'edited' WHERE conversation_id = %s AND seq = 4", [ten.pk]
    )
    with pytest.raises(ChainNotProven):
        sign_head(fresh(ten), export_key())
    assert not HeadCheckpoint.objects.filter(conversation=ten).exists()


def test_a_recomputed_chain_is_not_signed_over_an_earlier_checkpoint(ten, alice, bob):
    sign_head(ten, export_key())
    recompute_from(ten, 3, "rewritten")
    with pytest.raises(ChainNotProven):
        sign_head(fresh(ten), export_key())
    assert [c.seq for c in checkpoints_of(ten.pk)] == [10]


# The daily command --------------------------------------------------------------------------------


def run_command() -> str:
    out = StringIO()
    call_command("checkpoint_heads", stdout=out)
    return out.getvalue()


def test_the_command_signs_moved_heads_only_and_is_idempotent(ten, alice, bob, charlie, caplog):
    other = send_messages(
        get_or_start_conversation(starter=charlie, other=alice), alice, charlie, 2
    )
    empty = get_or_start_conversation(starter=charlie, other=bob)  # no message: nothing to sign

    with caplog.at_level(logging.INFO, logger="disputes.checkpoints"):
        assert "2 signed, 0 already signed, 0 refused; 2 checkpoints in all" in run_command()
    assert "2 checkpoints in all" in caplog.text  # the total reaches the log (outside the database)
    assert "0 signed, 0 already signed, 0 refused; 2 checkpoints in all" in run_command()

    send_messages(other, alice, charlie, 1)
    assert "1 signed, 0 already signed, 0 refused; 3 checkpoints in all" in run_command()
    assert [c.seq for c in checkpoints_of(other.pk)] == [2, 3]
    assert [c.seq for c in checkpoints_of(ten.pk)] == [10]
    assert checkpoints_of(empty.pk) == []
    assert all(check_conversation(fresh(c)).intact for c in (ten, other, empty))


def test_the_command_works_in_small_batches(alice, bob, charlie):
    for starter, other in [(bob, alice), (charlie, alice), (charlie, bob)]:
        send_messages(
            get_or_start_conversation(starter=starter, other=other),
            other,
            starter,
            1,
        )
    out = StringIO()
    call_command("checkpoint_heads", "--batch-size", "1", stdout=out)
    assert "3 signed" in out.getvalue()
    assert HeadCheckpoint.objects.count() == 3


def test_the_command_refuses_a_rewritten_chain_and_exits_1(ten):
    run_command()
    recompute_from(ten, 3, "rewritten")  # the head hash moved: the job looks again
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("checkpoint_heads", stdout=out)
    assert info.value.returncode == 1
    assert "0 signed, 0 already signed, 1 refused" in out.getvalue()
    assert f"conversation {ten.pk}: BROKEN: rewritten at or before seq 10" in out.getvalue()
    assert [c.seq for c in checkpoints_of(ten.pk)] == [10]


def test_the_command_needs_the_key(ten, settings):
    settings.GIGBOX_EXPORT_SIGNING_KEY = ""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="No checkpoint signed"):
        run_command()
    assert not HeadCheckpoint.objects.exists()


def test_verify_conversation_command_reports_the_contradicted_checkpoint(ten):
    sign_head(ten, export_key())
    out = StringIO()
    call_command("verify_conversation", str(ten.pk), stdout=out)
    assert f"conversation {ten.pk}: ok (10 messages); 1 signed checkpoint hold" in out.getvalue()

    recompute_from(ten, 3, "rewritten")
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("verify_conversation", str(ten.pk), stdout=out)
    assert info.value.returncode == 1
    assert (
        f"conversation {ten.pk}: BROKEN: rewritten at or before seq 10: "
        "the stored chain contradicts the checkpoint of seq 10" in out.getvalue()
    )


# Dispute opening ---------------------------------------------------------------------------------


def test_opening_a_dispute_checkpoints_the_order_conversation(dispute, order_conversation):
    conversation = fresh(order_conversation)
    [checkpoint] = checkpoints_of(conversation.pk)
    # The head after the dispute's own system message.
    assert (checkpoint.seq, checkpoint.head_hash) == (conversation.last_seq, conversation.last_hash)
    assert f"Dispute #{dispute.pk}:" in conversation.messages.get(seq=checkpoint.seq).body
    assert check_conversation(conversation).intact


def test_opening_a_dispute_without_a_key_still_opens_it(
    order, order_conversation, bob, settings, caplog
):
    settings.GIGBOX_EXPORT_SIGNING_KEY = ""
    settings.DEBUG = False
    with caplog.at_level(logging.WARNING, logger="disputes.checkpoints"):
        dispute = services.open_dispute(
            order=order,
            opener=bob,
            reason="late",
            requested_outcome="refund",
            statement="Nothing arrived.",
        )
    assert dispute.pk and dispute.is_open
    assert not HeadCheckpoint.objects.exists()
    assert "not checkpointed at dispute opening" in caplog.text


def test_the_case_file_shows_the_contradicted_checkpoint(client, rita, dispute, order_conversation):
    from disputes.tests.test_admin_case_file import open_case

    client.force_login(rita)
    html = open_case(client, dispute).content.decode()
    assert 'data-chain="ok"' in html and "1 signed checkpoint hold" in html

    recompute_from(order_conversation, 2, "I never said that")
    html = open_case(client, dispute).content.decode()
    assert 'data-chain="broken"' in html
    assert "rewritten at or before seq" in html and "contradicts the checkpoint of seq" in html


# Append-only -------------------------------------------------------------------------------------


def test_checkpoints_are_append_only_in_the_model(ten):
    checkpoint = sign_head(ten, export_key())
    checkpoint.head_hash = "0" * 64
    with pytest.raises(AppendOnlyError):
        checkpoint.save()
    with pytest.raises(AppendOnlyError):
        checkpoint.delete()
    with pytest.raises(AppendOnlyError):
        HeadCheckpoint.objects.filter(pk=checkpoint.pk).update(head_hash="0" * 64)
    with pytest.raises(AppendOnlyError):
        HeadCheckpoint.objects.filter(pk=checkpoint.pk).delete()
    assert HeadCheckpoint.objects.get(pk=checkpoint.pk).head_hash == ten.last_hash


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger is PostgreSQL's; SQLite has the model guard only",
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE disputes_headcheckpoint SET seq = 1 WHERE id = %s",
        "DELETE FROM disputes_headcheckpoint WHERE id = %s",
    ],
)
def test_checkpoints_are_append_only_in_the_database(ten, sql):
    checkpoint = sign_head(ten, export_key())
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [checkpoint.pk])
    assert HeadCheckpoint.objects.filter(pk=checkpoint.pk, seq=10).exists()


def test_no_admin_page_can_change_a_checkpoint():
    from django.contrib import admin

    assert HeadCheckpoint not in admin.site._registry


# In the signed export, checked by tools/verify_export.py -----------------------------------------


def unchecked_export(dispute, conversation, staff):
    """The export signed without the server's chain check (build_export refuses these)."""
    return signed_document(
        dispute=dispute,
        conversation=conversation,
        staff=staff,
        key=export_key(),
        head=(conversation.last_seq, conversation.last_hash),
    )


def _verify(document, export_signing_key, *, trusted: dict | None = None):
    from disputes.tests.conftest import TEST_KEY_ID
    from disputes.tests.test_verify_export import verifier

    keys = {TEST_KEY_ID: base64.b64decode(export_signing_key)} if trusted is None else trusted
    return verifier.verify(encode_document(document), keys)


def test_an_export_carries_the_checkpoints_and_the_verifier_checks_them(
    dispute, order_conversation, rita, export_signing_key
):
    document = build_export(
        dispute=dispute, conversation=order_conversation, staff=rita, key=export_key()
    )
    [checkpoint] = checkpoints_of(order_conversation.pk)
    assert document["format"] == FORMAT and document["checkpoints"] == [
        checkpoint_entry(checkpoint)
    ]
    assert document["manifest"]["checkpoints_sha256"] == checkpoints_digest(document["checkpoints"])
    report = _verify(document, export_signing_key)
    assert report.ok, report.problem
    assert "1 of 1 signed head checkpoints checked and held" in report.summary


def test_an_export_of_a_chain_rewritten_after_a_checkpoint_fails_offline(
    dispute, order_conversation, rita, export_signing_key
):
    """The server signs the export over what the database holds; the checkpoint signed at
    dispute opening tells the offline verifier the chain was rewritten since."""
    recompute_from(order_conversation, 2, "I never said that")
    with pytest.raises(ExportRefused, match="rewritten at or before seq 4"):
        build_export(
            dispute=dispute, conversation=fresh(order_conversation), staff=rita, key=export_key()
        )
    # Signed anyway (as a server without that refusal would): the verifier catches it alone.
    document = unchecked_export(dispute, fresh(order_conversation), rita)
    report = _verify(document, export_signing_key)
    assert not report.ok
    assert (
        "the chain was rewritten at or before seq 4: it contradicts the head checkpoint"
        in report.problem
    )


def test_a_forged_checkpoint_in_an_export_fails_offline(
    dispute, order_conversation, rita, export_signing_key
):
    own = ExportKey(Ed25519PrivateKey.generate(), export_key().key_id, development=False)
    send_message(
        conversation=order_conversation,
        sender=dispute.opened_by,
        body="one more",
        client_id=uuid.uuid4().hex,
    )
    sign_head(fresh(order_conversation), own)  # inserted by someone with database access
    with pytest.raises(ExportRefused, match="does not verify"):
        build_export(
            dispute=dispute, conversation=fresh(order_conversation), staff=rita, key=export_key()
        )
    document = unchecked_export(dispute, fresh(order_conversation), rita)
    report = _verify(document, export_signing_key)
    assert (
        not report.ok
        and "the signature of the checkpoint of seq 5 does not verify" in report.problem
    )


def test_a_checkpoint_of_another_key_is_named_in_a_warning(
    dispute, order_conversation, rita, settings, export_signing_key
):
    settings.GIGBOX_EXPORT_SIGNING_KEY = base64.b64encode(bytes(range(1, 33))).decode()
    settings.GIGBOX_EXPORT_KEY_ID = "gigbox-next"  # rotated after the dispute opened
    settings.GIGBOX_EXPORT_RETIRED_PUBLIC_KEYS = f"test-2026-11={export_signing_key}"
    key = export_key()
    document = build_export(dispute=dispute, conversation=order_conversation, staff=rita, key=key)
    report = _verify(
        document,
        export_signing_key,
        trusted={"gigbox-next": base64.b64decode(key.public_key_b64())},
    )
    assert report.ok, report.problem
    assert any(
        "checkpoint of seq 4 (key_id 'test-2026-11') was not checked" in w for w in report.warnings
    )
    assert "0 of 1 signed head checkpoints checked" in report.summary
    both = {
        "gigbox-next": base64.b64decode(key.public_key_b64()),
        "test-2026-11": base64.b64decode(export_signing_key),
    }
    assert (
        "1 of 1 signed head checkpoints checked and held"
        in _verify(document, export_signing_key, trusted=both).summary
    )


def test_a_format_1_export_still_verifies(dispute, order_conversation, rita, export_signing_key):
    key = export_key()
    document = build_export(dispute=dispute, conversation=order_conversation, staff=rita, key=key)
    del document["withdrawals"], document["manifest"]["withdrawals_sha256"]  # format /3's
    document["format"] = document["manifest"]["format"] = FORMAT_V2
    document["signature"] = b64encode(key.private_key.sign(manifest_bytes(document["manifest"])))
    assert _verify(document, export_signing_key).ok  # a format /2 export still verifies
    del document["checkpoints"], document["manifest"]["checkpoints_sha256"]
    document["format"] = document["manifest"]["format"] = FORMAT_V1
    document["signature"] = b64encode(key.private_key.sign(manifest_bytes(document["manifest"])))
    report = _verify(document, export_signing_key)
    assert report.ok, report.problem
    assert "format /1: no signed head checkpoints" in report.summary
    document["format"] = document["manifest"]["format"] = FORMAT_V2  # /2 without checkpoints
    assert "wrong keys" in _verify(document, export_signing_key).problem


def test_the_printable_export_lists_the_checkpoints(client, rita, dispute, order_conversation):
    from disputes.tests.test_admin_actions import _export_data, _post

    [checkpoint] = checkpoints_of(order_conversation.pk)
    client.force_login(rita)
    html = _post(
        client, "export", dispute, _export_data(order_conversation, output="html")
    ).content.decode()
    assert 'data-checkpoints="1"' in html
    assert f"seq {checkpoint.seq} · {checkpoint.head_hash} · signed" in html
