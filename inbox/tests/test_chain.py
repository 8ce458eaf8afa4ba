"""The hash chain: golden vectors pin the encoding; verification catches every tampering."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inbox.chain import (
    ChainLink,
    StoredLink,
    canonical_json,
    first_bad_seq,
    format_timestamp,
    genesis_hash,
    link_hash,
)
from inbox.checks import AttachmentUpload
from inbox.models import Conversation
from inbox.verification import verify_conversation

# Golden vectors: fixed inputs -> fixed hashes. If one of these fails, the encoding changed
# and every stored chain would stop verifying: change the code back, never the vector.
GENESIS_12 = "62170b1f944784a162f7ff45702d20245e010547ee9a7fe01a6a65e51a540139"
VECTOR_1 = ChainLink(
    conversation_id=12,
    seq=1,
    kind="user",
    sender_id=7,
    client_id="3f1c9a2e-0001",
    body="Hello Alice",
    delivered_body="Hello Alice",
    findings=[],
    attachments=[],
    created_at=datetime(2026, 11, 24, 16, 30, 0, 123456, tzinfo=UTC),
    prev_hash=GENESIS_12,
)
VECTOR_1_ENCODING = (
    b'{"attachments":[],"body":"Hello Alice","client_id":"3f1c9a2e-0001","conversation_id":12,'
    b'"created_at":"2026-11-24T16:30:00.123456Z","delivered_body":"Hello Alice","findings":[],'
    b'"kind":"user","prev_hash":"62170b1f944784a162f7ff45702d20245e010547ee9a7fe01a6a65e51a540139",'
    b'"sender_id":7,"seq":1}'
)
VECTOR_1_HASH = "a01c2f039b0d9eb52ac0e7f0ea3dafe4e241863f97121711474d1032410823ad"
VECTOR_2 = ChainLink(
    conversation_id=12,
    seq=2,
    kind="user",
    sender_id=9,
    client_id="3f1c9a2e-0002",
    body="Ruf an: 0151 2345 6789 \u2713 \U0001f600",
    delivered_body="Ruf an: [contact hidden] \u2713 \U0001f600",
    findings=[
        {
            "kind": "phone",
            "start": 8,
            "end": 22,
            "value": "+4915123456789",
            "rule": "phone.national",
            "reason": "looks like a phone number",
            "split": False,
        }
    ],
    attachments=[
        {
            "name": "brief \u00e9.pdf",
            "size": 18234,
            "sha256": "a" * 64,
            "content_type": "application/pdf",
        }
    ],
    created_at=datetime(2026, 11, 24, 16, 31, 5, 0, tzinfo=UTC),
    prev_hash=VECTOR_1_HASH,
)
VECTOR_2_HASH = "dc8c761d50dcd28fc8fad3ee26aa8cb3ac1eccf629e1fb254a5325e26b88d49e"
VECTOR_3 = ChainLink(
    conversation_id=12,
    seq=3,
    kind="system",
    sender_id=None,
    client_id="",
    body="Order GB-000001 was placed.",
    delivered_body="Order GB-000001 was placed.",
    findings=[],
    attachments=[],
    created_at=datetime(2026, 11, 24, 17, 0, 0, 1, tzinfo=UTC),
    prev_hash=VECTOR_2_HASH,
)
VECTOR_3_HASH = "c1484ac5c57c1179329ad5f31002eb09b41de13f6a9649015feb97b596030ceb"


def test_the_genesis_hash_is_sha256_of_the_conversation_name():
    assert genesis_hash(12) == GENESIS_12 == hashlib.sha256(b"gigbox:conversation:12").hexdigest()


def test_the_canonical_encoding_of_the_golden_vector_is_fixed():
    assert VECTOR_1.encoding() == VECTOR_1_ENCODING
    assert hashlib.sha256(VECTOR_1_ENCODING).hexdigest() == VECTOR_1_HASH


@pytest.mark.parametrize(
    "link, expected",
    [(VECTOR_1, VECTOR_1_HASH), (VECTOR_2, VECTOR_2_HASH), (VECTOR_3, VECTOR_3_HASH)],
    ids=["ascii", "unicode-findings-attachment", "system"],
)
def test_golden_vectors(link, expected):
    assert link_hash(link) == expected


def test_golden_vectors_chain_and_verify():
    links = [
        StoredLink(VECTOR_1, VECTOR_1_HASH),
        StoredLink(VECTOR_2, VECTOR_2_HASH),
        StoredLink(VECTOR_3, VECTOR_3_HASH),
    ]
    assert first_bad_seq(12, links, head_seq=3, head_hash=VECTOR_3_HASH) is None
    assert first_bad_seq(12, links[:2], head_seq=3, head_hash=VECTOR_3_HASH) == 3
    assert first_bad_seq(12, [links[0], links[2]], head_seq=3, head_hash=VECTOR_3_HASH) == 2
    assert first_bad_seq(12, [], head_seq=0, head_hash=GENESIS_12) is None


def test_timestamps_are_utc_with_microseconds():
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 11, 24, 17, 30, 0, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    assert format_timestamp(moment) == "2026-11-24T16:30:00.000005Z"
    with pytest.raises(ValueError):
        format_timestamp(datetime(2026, 11, 24))


def test_the_encoding_refuses_floats():
    with pytest.raises(TypeError):
        canonical_json({"score": 0.5})


# Against the database ------------------------------------------------------------------------


@pytest.fixture
def thread(conversation, alice, bob, send):
    for n, sender in enumerate([bob, alice, bob, alice, bob]):
        send(conversation, sender, f"message number {['one', 'two', 'three', 'four', 'five'][n]}")
    conversation.refresh_from_db()
    assert verify_conversation(conversation) is None
    return conversation


def tamper(sql: str, params: list) -> None:
    """Raw SQL an attacker with the database owner's rights could run: on PostgreSQL they
    can set the append-only trigger aside (session_replication_role), which is why the
    chain exists at all."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def fresh(conversation: Conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column, value",
    [
        ("body", "message number THREE"),
        ("delivered_body", "message number three "),
        ("client_id", "forged"),
        ("kind", "system"),
        ("findings", "[]  "),
        ("prev_hash", "0" * 64),
        ("hash", "f" * 64),
    ],
)
def test_a_changed_field_is_named_by_its_seq(thread, column, value):
    tamper(
        f"UPDATE inbox_message SET {column} = %s WHERE conversation_id = %s AND seq = 3",
        [value, thread.pk],
    )
    if column == "findings":  # the same JSON value with other bytes: still the same evidence
        assert verify_conversation(fresh(thread)) is None
        tamper(
            "UPDATE inbox_message SET findings = %s WHERE conversation_id = %s AND seq = 3",
            ['[{"kind": "x"}]', thread.pk],
        )
    assert verify_conversation(fresh(thread)) == 3


@pytest.mark.django_db
def test_a_changed_sender_or_time_is_caught(thread, charlie):
    tamper(
        "UPDATE inbox_message SET sender_id = %s WHERE conversation_id = %s AND seq = 2",
        [charlie.pk, thread.pk],
    )
    assert verify_conversation(fresh(thread)) == 2


@pytest.mark.django_db
def test_a_changed_timestamp_is_caught(thread):
    message = thread.messages.get(seq=4)
    later = message.created_at.replace(microsecond=(message.created_at.microsecond + 1) % 1_000_000)
    tamper("UPDATE inbox_message SET created_at = %s WHERE id = %s", [later, message.pk])
    assert verify_conversation(fresh(thread)) == 4


@pytest.mark.django_db
def test_a_deleted_row_is_caught_as_a_gap(thread):
    tamper("DELETE FROM inbox_message WHERE conversation_id = %s AND seq = 2", [thread.pk])
    assert verify_conversation(fresh(thread)) == 2


@pytest.mark.django_db
def test_reordered_rows_are_caught(thread):
    swap = "UPDATE inbox_message SET seq = %s WHERE conversation_id = %s AND seq = %s"
    tamper(swap, [999, thread.pk, 2])
    tamper(swap, [2, thread.pk, 3])
    tamper(swap, [3, thread.pk, 999])
    assert verify_conversation(fresh(thread)) == 2


@pytest.mark.django_db
def test_a_truncated_tail_is_caught_against_the_head(thread):
    # The attacker also repoints the preview at the new last row; last_seq/last_hash remain.
    new_last = thread.messages.get(seq=3).pk
    tamper(
        "UPDATE inbox_conversation SET last_message_id = %s WHERE id = %s", [new_last, thread.pk]
    )
    tamper("DELETE FROM inbox_message WHERE conversation_id = %s AND seq >= 4", [thread.pk])
    assert verify_conversation(fresh(thread)) == 4


@pytest.mark.django_db
def test_a_changed_attachment_record_is_caught(conversation, bob, send, png_bytes):
    sent = send(conversation, bob, "logo", attachments=[AttachmentUpload("logo.png", png_bytes)])
    tamper(
        "UPDATE inbox_attachment SET name = 'other.png' WHERE message_id = %s", [sent.message.pk]
    )
    assert verify_conversation(fresh(conversation)) == 1


@pytest.mark.django_db
def test_the_command_exits_0_when_all_conversations_verify(thread):
    out = StringIO()
    call_command("verify_conversation", "--all", stdout=out)
    assert f"conversation {thread.pk}: ok (5 messages)" in out.getvalue()


@pytest.mark.django_db
def test_the_command_names_the_first_bad_seq_and_exits_1(thread, alice, bob):
    tamper(
        "UPDATE inbox_message SET body = 'edited' WHERE conversation_id = %s AND seq = 2",
        [thread.pk],
    )
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("verify_conversation", str(thread.pk), stdout=out)
    assert info.value.returncode == 1
    assert f"conversation {thread.pk}: BROKEN at seq 2" in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_unknown_ids():
    with pytest.raises(CommandError, match="No conversation with id 424242"):
        call_command("verify_conversation", "424242")
