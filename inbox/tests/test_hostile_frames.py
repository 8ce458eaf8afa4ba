"""Issue 17, the socket side: one user's bad frames never hurt anyone else.

Each test is one finding of the issue (1 batch poisoning, 2 a sync frame that killed its
socket, 7 blocks leaking live frames, 8 the origin check, 9 sockets per user and address).
The property-based fuzz suite over the same surface is test_fuzz_protocol.py.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from inbox import consumers, services
from inbox.models import Message
from inbox.send import SendRequest, SentMessage
from inbox.tests.ws import (
    assert_closed_with,
    assert_quiet,
    connect,
    open_socket,
    receive,
    send,
)
from inbox.writer import MessageWriter

pytestmark = pytest.mark.django_db(transaction=True)

# The poison of finding 1, and what each must be answered with.
SURROGATE_CLIENT_ID = "\ud800aaaaaaaa"
POISON_FRAMES = [
    {"client_id": SURROGATE_CLIENT_ID},
    {"client_id": "aaaa\x00aaaa"},
    {"client_id": "aaaa\x1baaaa"},
    {"conversation_id": 2**63},
    {"conversation_id": -(2**63) - 1},
    {"conversation_id": 10**30},
]


def send_frame(conversation_id: int, client_id: str, body: str = "Hello") -> dict:
    return {
        "type": "message.send",
        "conversation_id": conversation_id,
        "client_id": client_id,
        "body": body,
    }


async def raw_send(communicator, frame: dict) -> None:
    """json.dumps escapes a lone surrogate as \\ud800, which the server's json.loads restores."""
    await communicator.send_to(text_data=json.dumps(frame))


async def still_open(communicator) -> None:
    await send(communicator, {"type": "ping"})
    assert (await receive(communicator))["type"] == "pong"


def server_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


# Finding 1: batch poisoning ----------------------------------------------------------------------


@pytest.mark.parametrize("poison", POISON_FRAMES, ids=repr)
async def test_a_poisoned_send_gets_invalid_frame_and_the_socket_stays(
    conversation, bob, poison, caplog
):
    tab = await open_socket(bob)
    frame = {**send_frame(conversation.pk, "honest-0001"), **poison}
    await raw_send(tab, frame)
    error = await receive(tab)
    assert error["type"] == "error" and error["code"] == "invalid_frame", error
    await still_open(tab)
    assert await database_sync_to_async(Message.objects.count)() == 0
    assert not server_errors(caplog)
    await tab.disconnect()


async def test_poison_on_forty_sockets_never_fails_another_users_sends(
    conversation, alice, bob, caplog
):
    """The issue's attack: many sockets of one account send poison alongside bob's sends;
    every one of bob's sends is acked and stored once."""
    attackers = [await open_socket(alice) for _ in range(8)]
    honest = await open_socket(bob)
    for n in range(15):
        for i, tab in enumerate(attackers):
            poison = POISON_FRAMES[(n + i) % len(POISON_FRAMES)]
            await raw_send(tab, {**send_frame(conversation.pk, f"evil-{n:04}-{i:04}"), **poison})
        await send(honest, send_frame(conversation.pk, f"honest-{n:04}", f"hi {n}"))
    acks = []
    while len(acks) < 15:
        frame = await receive(honest)
        if frame["type"] == "message.ack":
            acks.append(frame["client_id"])
        assert frame["type"] != "error", frame
    assert sorted(acks) == [f"honest-{n:04}" for n in range(15)]
    stored = await database_sync_to_async(
        lambda: list(Message.objects.values_list("client_id", flat=True))
    )()
    assert sorted(stored) == sorted(acks)
    for tab in attackers:  # 15 refusals each, bob's messages, then the pong: still open
        await send(tab, {"type": "ping"})
        seen = []
        while not seen or seen[-1]["type"] != "pong":
            seen.append(await receive(tab))
        errors = [frame["code"] for frame in seen if frame["type"] == "error"]
        assert errors == ["invalid_frame"] * 15
        await tab.disconnect()
    await honest.disconnect()
    assert not server_errors(caplog)


async def test_a_batch_the_database_refuses_for_one_request_stores_the_others(
    conversation, alice, bob
):
    """Isolation behind the edge check: a request the database refuses (built past the
    protocol, as a future bug might) fails alone; the rest of its batch is stored."""
    writer = MessageWriter()
    futures = [
        writer.enqueue(SendRequest(conversation.pk, bob, "before", "honest-a-0001")),
        writer.enqueue(SendRequest(2**63, alice, "poison", "poison-0000001")),
        writer.enqueue(SendRequest(conversation.pk, alice, "after", "honest-b-0001")),
    ]
    outcomes = await asyncio.wait_for(asyncio.gather(*futures), timeout=10)
    assert isinstance(outcomes[0], SentMessage) and isinstance(outcomes[2], SentMessage)
    assert not isinstance(outcomes[1], SentMessage)
    assert outcomes[1].code in {"forbidden", "unavailable", "invalid_frame"}
    bodies = await database_sync_to_async(
        lambda: sorted(Message.objects.values_list("body", flat=True))
    )()
    assert bodies == ["after", "before"]


async def test_when_the_database_refuses_one_request_the_rest_of_the_batch_is_stored(
    conversation, alice, bob, monkeypatch
):
    """Isolation: the database raises for any batch holding the poisoned request (as
    PostgreSQL does for a NUL); the batch is stored again without it."""
    from django.db import DataError

    from inbox import send as inbox_send

    real = inbox_send._send_batch

    def refuse_poison(batch, reads, *, known):
        if any(request.body == "poison" for request in batch.requests):
            raise DataError("text fields cannot contain NUL")
        return real(batch, reads, known=known)

    monkeypatch.setattr(inbox_send, "_send_batch", refuse_poison)
    writer = MessageWriter()
    futures = [
        writer.enqueue(SendRequest(conversation.pk, bob, f"honest {n}", f"honest-{n:04}"))
        for n in range(5)
    ]
    futures.insert(2, writer.enqueue(SendRequest(conversation.pk, alice, "poison", "poison-01")))
    outcomes = await asyncio.wait_for(asyncio.gather(*futures), timeout=10)
    assert [isinstance(o, SentMessage) for o in outcomes] == [True, True, False, True, True, True]
    assert outcomes[2].code == "unavailable"
    bodies = await database_sync_to_async(
        lambda: sorted(Message.objects.values_list("body", flat=True))
    )()
    assert bodies == [f"honest {n}" for n in range(5)]


def test_the_json_api_answers_a_surrogate_client_id_with_400(conversation, bob):
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    url = f"/api/inbox/conversations/{conversation.pk}/messages/"
    for client_id in (SURROGATE_CLIENT_ID, "aaaa\x00aaaa", "aaaa\x07aaaa"):
        body = json.dumps({"client_id": client_id, "body": "hi"})
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (client_id, response.status_code)
        assert response.json()["code"] == "invalid_frame"
    assert Message.objects.count() == 0


# Finding 2: a sync frame kills its socket ------------------------------------------------------


@pytest.mark.parametrize(
    "conversations",
    [{"\u00b2": 0}, {"\u0663": 0}, {"9" * 5000: 0}, {"1": 2**63}, {"9223372036854775808": 0}],
    ids=["superscript-two", "arabic-digit", "huge-key", "huge-seq", "key-past-bigint"],
)
async def test_a_bad_sync_frame_gets_invalid_frame_and_the_socket_stays(bob, conversations, caplog):
    tab = await open_socket(bob)
    await send(tab, {"type": "sync", "conversations": conversations})
    error = await receive(tab)
    assert error["type"] == "error" and error["code"] == "invalid_frame", error
    await still_open(tab)
    assert not server_errors(caplog)
    await tab.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "read", "conversation_id": 1, "seq": 2**63},
        {"type": "read", "conversation_id": 2**63, "seq": 1},
        {"type": "typing", "conversation_id": 2**64},
        {"type": "presence.subscribe", "conversation_id": -(2**70)},
    ],
)
async def test_out_of_range_integers_in_any_frame_are_invalid(bob, frame, caplog):
    tab = await open_socket(bob)
    await send(tab, frame)
    assert (await receive(tab))["code"] == "invalid_frame"
    await still_open(tab)
    assert not server_errors(caplog)
    await tab.disconnect()


# Finding 7: blocks cut every live channel ---------------------------------------------------


async def test_a_block_stops_presence_to_a_subscribed_socket(conversation, alice, bob):
    bob_tab = await open_socket(bob)
    await send(bob_tab, {"type": "presence.subscribe", "conversation_id": conversation.pk})
    assert (await receive(bob_tab))["type"] == "presence"
    await database_sync_to_async(services.block_user)(blocker=alice, blocked=bob)
    await asyncio.sleep(0.2)  # the block's event reaches bob's socket
    alice_tab = await open_socket(alice)
    await alice_tab.disconnect()
    await assert_quiet(bob_tab)
    await bob_tab.disconnect()


@pytest.mark.parametrize("blocker_is_typing", [False, True], ids=["blocked-types", "blocker-types"])
async def test_typing_stops_at_once_on_block_in_both_directions(
    conversation, alice, bob, monkeypatch, blocker_is_typing
):
    monkeypatch.setattr(consumers, "TYPING_INTERVAL", 0)
    alice_tab, bob_tab = await open_socket(alice), await open_socket(bob)
    typist, watcher = (alice_tab, bob_tab) if blocker_is_typing else (bob_tab, alice_tab)
    await send(typist, {"type": "typing", "conversation_id": conversation.pk})
    assert (await receive(watcher))["type"] == "typing"  # the access is cached now
    await database_sync_to_async(services.block_user)(blocker=alice, blocked=bob)
    await asyncio.sleep(0.2)
    await send(typist, {"type": "typing", "conversation_id": conversation.pk})
    await assert_quiet(watcher)
    await alice_tab.disconnect()
    await bob_tab.disconnect()


async def test_an_unblock_lets_typing_through_again(conversation, alice, bob, monkeypatch):
    monkeypatch.setattr(consumers, "TYPING_INTERVAL", 0)
    await database_sync_to_async(services.block_user)(blocker=alice, blocked=bob)
    alice_tab, bob_tab = await open_socket(alice), await open_socket(bob)
    await send(bob_tab, {"type": "typing", "conversation_id": conversation.pk})
    await assert_quiet(alice_tab)
    await database_sync_to_async(services.unblock_user)(blocker=alice, blocked=bob)
    await asyncio.sleep(0.2)
    await send(bob_tab, {"type": "typing", "conversation_id": conversation.pk})
    assert (await receive(alice_tab))["type"] == "typing"
    await alice_tab.disconnect()
    await bob_tab.disconnect()


# Finding 8: the origin is exact -------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        b"http://127.0.0.1:9999",
        b"https://127.0.0.1",
        b"http://127.0.0.1:8000.evil.com",
        b"http://127.0.0.1:99999",
        b"null",
        b"http://127.0.0.1\xff",
    ],
)
async def test_an_origin_of_another_scheme_or_port_is_refused_and_logged(bob, origin, caplog):
    communicator, connected = await connect(bob, origin=origin)
    assert not connected
    records = [r for r in caplog.records if r.name == "gigbox.security"]
    assert any(getattr(r, "reason", None) == "bad_origin" for r in records), records
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_origin_must_match_the_host_with_its_port(bob):
    ok, connected = await connect(bob, origin=b"http://127.0.0.1:8000", host=b"127.0.0.1:8000")
    assert connected
    await ok.disconnect()
    refused, connected = await connect(bob, origin=b"http://127.0.0.1:9999", host=b"127.0.0.1:8000")
    assert not connected


async def test_a_trusted_origin_is_exact(bob, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://gigbox.example"]
    ok, connected = await connect(bob, origin=b"https://gigbox.example", host=b"10.0.0.5:8101")
    assert connected
    await ok.disconnect()
    for origin in (b"http://gigbox.example", b"https://gigbox.example:444"):
        _, connected = await connect(bob, origin=origin, host=b"10.0.0.5:8101")
        assert not connected


# Finding 9: sockets per account and per address --------------------------------------------------


async def test_sockets_past_the_limit_per_account_are_refused_with_4430(bob, settings):
    settings.GIGBOX_MAX_SOCKETS_PER_USER = 3
    tabs = [await open_socket(bob) for _ in range(3)]
    extra, connected = await connect(bob)
    assert connected  # accepted only to say why
    await assert_closed_with(extra, consumers.CLOSE_TOO_MANY_SOCKETS)
    for tab in tabs:  # the new one is refused; the open ones stay
        await still_open(tab)
    await tabs[0].disconnect()
    again = await open_socket(bob)  # a closed one frees its place
    await again.disconnect()
    for tab in tabs[1:]:
        await tab.disconnect()


async def test_sockets_past_the_limit_per_address_are_refused_with_4430(
    alice, bob, charlie, settings, caplog
):
    settings.GIGBOX_MAX_SOCKETS_PER_ADDRESS = 2
    address = ("203.0.113.9", 5000)
    first = await open_socket(alice, client=address)
    second = await open_socket(bob, client=address)
    extra, _ = await connect(charlie, client=address)
    await assert_closed_with(extra, consumers.CLOSE_TOO_MANY_SOCKETS)
    records = [r for r in caplog.records if r.name == "gigbox.security"]
    assert any(getattr(r, "reason", None) == "too_many_sockets" for r in records)
    elsewhere = await open_socket(charlie, client=("198.51.100.7", 5000))
    for tab in (first, second, elsewhere):
        await tab.disconnect()


def test_the_json_api_checks_numbers_and_query_text_at_the_edge(conversation, bob):
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    url = f"/api/inbox/conversations/{conversation.pk}/messages/"
    for value in ("\u00b2", "9223372036854775808", "9" * 40):
        assert client.get(url, {"before_seq": value}).status_code == 400, value
    assert client.get(f"/api/inbox/conversations/{2**64}/messages/").status_code == 404
    listing = client.get("/api/inbox/conversations/", {"q": "a\x00b"})
    assert listing.status_code == 400
