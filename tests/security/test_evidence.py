"""The evidence: any change to a stored conversation is detected (RELIABILITY.md section 2).

Mutations of the rows as `verify_conversation` reads them: every single-character change of
every hashed field at many random positions (seeded), every deleted row, every swap of
neighbours, every truncated tail. Then the limit of a chain without an outside anchor: someone
with database access who rewrites a message and recomputes every later hash and the head
passes the chain itself; only a signed head issued before shows it: a head checkpoint
(disputes/tests/test_head_checkpoints.py) or a dispute export.
"""

from __future__ import annotations

import dataclasses
import json
import random
import uuid

import pytest
from django.db import DatabaseError, connection

from disputes.export import build_export, encode_document, export_key
from inbox.chain import HASHED_FIELDS, StoredLink, first_bad_seq, link_hash
from inbox.models import Conversation
from inbox.send import send_message
from inbox.verification import _stored_links, verify_conversation
from tests.security.conftest import build_world

SEED = 20261124
POSITIONS_PER_FIELD = 12


@pytest.fixture
def evidence(db, settings):
    settings.GIGBOX_EXPORT_SIGNING_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    settings.GIGBOX_EXPORT_KEY_ID = "test-key"
    world = build_world()
    bodies = [
        "Call me on +49 151 23456789",
        "Ünïcödé ✓ 日本語",
        "plain words",
        "mail me: bob@example.com",
        "last one",
    ]
    for n, body in enumerate(bodies):
        sender = world.bob if n % 2 else world.alice
        send_message(
            conversation=world.conversation, sender=sender, body=body, client_id=uuid.uuid4().hex
        )
    world.conversation.refresh_from_db()
    return world


def links_of(conversation: Conversation) -> list[StoredLink]:
    return list(_stored_links(conversation))


def check(conversation: Conversation, links: list[StoredLink]) -> int | None:
    return first_bad_seq(
        conversation.pk, links, head_seq=conversation.last_seq, head_hash=conversation.last_hash
    )


def _mutate_text(text: str, rng: random.Random) -> str:
    if not text:
        return "x"
    i = rng.randrange(len(text))
    replacement = chr((ord(text[i]) + rng.randrange(1, 50)) % 0x10FFFF or 1)
    if 0xD800 <= ord(replacement) <= 0xDFFF:
        replacement = "?" if text[i] != "?" else "!"
    return text[:i] + replacement + text[i + 1 :]


def _mutate_value(value, rng: random.Random):
    """One small change: a character of a string, an integer off by one, a nested value."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice((-1, 1))
    if value is None:
        return 0
    if isinstance(value, str):
        return _mutate_text(value, rng)
    if isinstance(value, (list, tuple)):
        if not value:
            return [{"kind": "x"}]
        items = [dict(item) for item in value]
        item = rng.randrange(len(items))
        key = rng.choice(sorted(items[item]))
        items[item][key] = _mutate_value(items[item][key], rng)
        return items
    raise TypeError(type(value))


def _with(link: StoredLink, **changes) -> StoredLink:
    return StoredLink(
        link=dataclasses.replace(link.link, **changes),
        stored_hash=changes.pop("stored_hash", link.stored_hash),
    )


def test_the_untouched_chain_verifies(evidence):
    assert check(evidence.conversation, links_of(evidence.conversation)) is None
    assert verify_conversation(evidence.conversation) is None


def test_every_small_change_of_every_hashed_field_is_detected(evidence):
    rng = random.Random(SEED)
    conversation = evidence.conversation
    links = links_of(conversation)
    tried = detected = 0
    for field in (*HASHED_FIELDS, "stored_hash"):
        for _ in range(POSITIONS_PER_FIELD):
            index = rng.randrange(len(links))
            mutated = list(links)
            if field == "stored_hash":
                mutated[index] = StoredLink(
                    links[index].link, _mutate_text(links[index].stored_hash, rng)
                )
            elif field == "created_at":
                moment = links[index].link.created_at
                mutated[index] = _with(
                    links[index],
                    created_at=moment.replace(microsecond=(moment.microsecond + 1) % 1_000_000),
                )
            else:
                value = getattr(links[index].link, field)
                if (
                    field == "attachments" and not value
                ):  # a file slipped into a message without one
                    changed = [
                        {
                            "name": "x.png",
                            "size": 1,
                            "sha256": "0" * 64,
                            "content_type": "image/png",
                        }
                    ]
                else:
                    changed = _mutate_value(value, rng)
                mutated[index] = _with(links[index], **{field: changed})
            tried += 1
            detected += check(conversation, mutated) is not None
    print(f"\nEVIDENCE single-field mutations: {detected}/{tried} detected (seed {SEED})")
    assert detected == tried


def test_every_deleted_row_every_swap_and_every_truncated_tail_is_detected(evidence):
    conversation = evidence.conversation
    links = links_of(conversation)
    cases = []
    cases += [links[:i] + links[i + 1 :] for i in range(len(links))]
    cases += [links[:i] + [links[i + 1], links[i]] + links[i + 2 :] for i in range(len(links) - 1)]
    cases += [links[:n] for n in range(len(links))]
    missed = [i for i, case in enumerate(cases) if check(conversation, case) is None]
    print(
        f"\nEVIDENCE deletions/swaps/truncations: {len(cases) - len(missed)}/{len(cases)} detected"
    )
    assert not missed


def test_a_changed_row_in_the_database_is_found_by_verify_conversation(evidence):
    message = evidence.conversation.messages.order_by("seq")[2]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with pytest.raises(DatabaseError):  # the append-only trigger refuses it outright
                from django.db import transaction

                with transaction.atomic():
                    cursor.execute(
                        "UPDATE inbox_message SET body = %s WHERE id = %s", ["changed", message.pk]
                    )
            return
        cursor.execute("UPDATE inbox_message SET body = %s WHERE id = %s", ["changed", message.pk])
    assert verify_conversation(evidence.conversation) == message.seq


def test_a_full_recomputation_passes_the_chain_but_not_an_earlier_signed_head(evidence):
    """The known limit: the chain has no anchor outside the database. An export (signed head)
    taken before the rewrite exposes it; a conversation never exported has no such anchor."""
    conversation = evidence.conversation
    earlier = build_export(
        dispute=evidence.dispute, conversation=conversation, staff=evidence.rita, key=export_key()
    )
    links = links_of(conversation)
    forged, prev = [], links[0].link.prev_hash
    for n, stored in enumerate(links):
        link = dataclasses.replace(
            stored.link, prev_hash=prev, body="I never said that" if n == 1 else stored.link.body
        )
        digest = link_hash(link)
        forged.append(StoredLink(link, digest))
        prev = digest
    # The forger also moves the head: the chain alone cannot tell.
    assert (
        first_bad_seq(conversation.pk, forged, head_seq=conversation.last_seq, head_hash=prev)
        is None
    )
    # The signed head of the earlier export does not match the rewritten chain.
    assert earlier["manifest"]["head_hash"] == conversation.last_hash != prev
    assert (
        first_bad_seq(
            conversation.pk,
            forged,
            head_seq=earlier["manifest"]["last_seq"],
            head_hash=earlier["manifest"]["head_hash"],
        )
        is not None
    )
    json.loads(encode_document(earlier))  # the export itself is well-formed
