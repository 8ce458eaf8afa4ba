"""The inbox socket: every client frame, every error, and who hears what.

Acks come after commit, so these tests use real transactions (transactional_db). Every
frame received is validated against inbox/protocol.py by the helpers in ws.py.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from django.db import OperationalError

from inbox import consumers, services, store
from inbox import send as inbox_send
from inbox.checks import SendError
from inbox.models import Message, Participant
from inbox.push import disconnect_user
from inbox.send import SendRequest, send_message
from inbox.tests.ws import (
    assert_closed_with,
    assert_quiet,
    connect,
    open_socket,
    receive,
    receive_types,
    send,
    session_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True)


def send_frame(
    conversation_id: int, body: str = "Hello", client_id: str = "client-id-0001"
) -> dict:
    return {
        "type": "message.send",
        "conversation_id": conversation_id,
        "client_id": client_id,
        "body": body,
    }


@database_sync_to_async
def count_messages() -> int:
    return Message.objects.count()


# Connecting ------------------------------------------------------------------------------------


async def test_an_anonymous_socket_is_closed_with_4401_and_no_data():
    communicator, connected = await connect(None)
    assert connected
    await assert_closed_with(communicator, 4401)


async def test_a_deactivated_account_is_closed_with_4403(bob):
    cookie = await database_sync_to_async(session_cookie)(bob)

    @database_sync_to_async
    def deactivate():
        bob.is_active = False
        bob.save()

    await deactivate()
    communicator, connected = await connect(cookie=cookie)
    await assert_closed_with(communicator, 4403)


@pytest.mark.parametrize("origin", [b"https://evil.example", b"http://127.0.0.1.evil.test", None])
async def test_a_foreign_or_missing_origin_is_refused_before_accept(bob, origin):
    communicator, connected = await connect(bob, origin=origin)
    assert not connected


async def test_hello_says_who_and_how_many_unread(conversation, alice, bob):
    await database_sync_to_async(send_message)(
        conversation=conversation, sender=alice, body="Hi", client_id="client-id-hello"
    )
    communicator, _ = await connect(bob)
    hello = await receive(communicator)
    assert (hello["type"], hello["user_id"], hello["unread_total"]) == ("hello", bob.pk, 1)
    await communicator.disconnect()


# Sending ---------------------------------------------------------------------------------------


async def test_a_message_is_acked_after_commit_and_pushed_to_both_sides(conversation, alice, bob):
    bob_tab, bob_other_tab, alice_tab = (
        await open_socket(bob),
        await open_socket(bob),
        await open_socket(alice),
    )
    await send(bob_tab, send_frame(conversation.pk, "Hi Alice"))
    frames = await receive_types(bob_tab, 2)
    ack, own_echo = frames["message.ack"], frames["message.new"]
    assert ack["seq"] == 1 and ack["client_id"] == "client-id-0001" and ack["body"] == "Hi Alice"
    assert await count_messages() == 1  # the ack came after the row was committed
    assert own_echo["message"]["client_id"] == "client-id-0001"
    other_tab = await receive(bob_other_tab)
    assert other_tab == own_echo
    pushed = await receive(alice_tab)
    assert pushed["type"] == "message.new" and pushed["message"]["id"] == ack["id"]
    assert "client_id" not in pushed["message"]
    for tab in (bob_tab, bob_other_tab, alice_tab):
        await assert_quiet(tab)
        await tab.disconnect()


async def test_a_resend_gets_the_same_ack_and_stores_nothing_new(conversation, bob):
    tab = await open_socket(bob)
    await send(tab, send_frame(conversation.pk, "first"))
    first = (await receive_types(tab, 2))["message.ack"]
    await send(tab, send_frame(conversation.pk, "changed on retry"))
    again = await receive(tab)
    assert again == first
    assert await count_messages() == 1
    await assert_quiet(tab)  # no second message.new
    await tab.disconnect()


async def test_masked_text_is_what_the_recipient_gets(conversation, alice, bob):
    bob_tab, alice_tab = await open_socket(bob), await open_socket(alice)
    await send(bob_tab, send_frame(conversation.pk, "write to bob.smith@example.com"))
    ack = (await receive_types(bob_tab, 2))["message.ack"]
    assert ack["masked"] and ack["notice"] and ack["findings"][0]["kind"] == "email"
    pushed = await receive(alice_tab)
    assert "bob.smith" not in json.dumps(pushed) and pushed["message"]["masked"] is True
    await bob_tab.disconnect()
    await alice_tab.disconnect()


async def test_an_outsider_gets_the_same_error_as_for_a_missing_conversation(
    conversation, alice, charlie
):
    alice_tab, charlie_tab = await open_socket(alice), await open_socket(charlie)
    await send(charlie_tab, send_frame(conversation.pk, client_id="charlie-key-1"))
    not_yours = await receive(charlie_tab)
    await send(charlie_tab, send_frame(987654, client_id="charlie-key-1"))
    missing = await receive(charlie_tab)
    assert not_yours == missing
    assert not_yours["code"] == "forbidden" and not_yours["client_id"] == "charlie-key-1"
    assert await count_messages() == 0
    await assert_quiet(alice_tab)
    await alice_tab.disconnect()
    await charlie_tab.disconnect()


@pytest.mark.parametrize(
    "body, code",
    [("", "empty"), ("   ", "empty"), ("x" * 5001, "too_long"), ("a\u0000b", "invalid_frame")],
)
async def test_a_refused_body_gets_an_error_with_the_client_id(conversation, bob, body, code):
    tab = await open_socket(bob)
    await send(tab, send_frame(conversation.pk, body))
    error = await receive(tab)
    assert (error["type"], error["code"], error["client_id"]) == ("error", code, "client-id-0001")
    if code == "too_long":
        assert error["limit"] == 5000
    assert await count_messages() == 0
    await tab.disconnect()


async def test_blocked_and_rate_limited_sends_are_refused(conversation, alice, bob, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 1
    tab = await open_socket(bob)
    await send(tab, send_frame(conversation.pk, "one", "client-id-0001"))
    await receive_types(tab, 2)
    await send(tab, send_frame(conversation.pk, "two", "client-id-0002"))
    limited = await receive(tab)
    assert limited["code"] == "rate_limited" and 1 <= limited["retry_after"] <= 60
    await database_sync_to_async(services.block_user)(blocker=alice, blocked=bob)
    await send(tab, send_frame(conversation.pk, "three", "client-id-0003"))
    assert (await receive(tab))["code"] == "blocked"
    assert await count_messages() == 1
    await tab.disconnect()


async def test_a_database_that_does_not_answer_gives_unavailable(conversation, bob, monkeypatch):
    def broken(drafts, conversations=None, **kwargs):
        raise OperationalError("lock timeout")

    monkeypatch.setattr(store.current(), "write", broken)
    tab = await open_socket(bob)
    await send(tab, send_frame(conversation.pk))
    error = await receive(tab)
    assert error["code"] == "unavailable" and error["client_id"] == "client-id-0001"
    monkeypatch.undo()
    await send(tab, send_frame(conversation.pk))  # the retry with the same client_id
    assert (await receive_types(tab, 2))["message.ack"]["seq"] == 1
    await tab.disconnect()


async def test_concurrent_sends_of_a_process_are_written_in_one_batch(
    conversation, alice, bob, monkeypatch
):
    from inbox import writer

    batches = []
    real = writer.send_messages

    def spy(requests):
        batches.append(len(requests))
        return real(requests)

    monkeypatch.setattr(writer, "send_messages", spy)
    tabs = [await open_socket(bob) for _ in range(5)]
    await asyncio.gather(
        *(
            send(tab, send_frame(conversation.pk, "hi there", f"client-id-{n:04d}"))
            for n, tab in enumerate(tabs)
        )
    )
    acks = []
    for tab in tabs:
        while True:
            frame = await receive(tab)
            if frame["type"] == "message.ack":
                acks.append(frame["seq"])
                break
    assert sorted(acks) == [1, 2, 3, 4, 5]
    assert sum(batches) == 5 and len(batches) < 5
    for tab in tabs:
        await tab.disconnect()


# Bad frames --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, code",
    [
        ("not json", "invalid_json"),
        ("[1, 2]", "invalid_json"),
        ('{"type": "ping"}\u0000', "invalid_json"),
        (b"\xff\xfe{}", "invalid_json"),
        ('{"type": "launch"}', "unknown_type"),
        ('{"body": "no type"}', "unknown_type"),
        ('{"type": "message.send", "conversation_id": 1, "body": "x"}', "invalid_frame"),
        (
            '{"type": "message.send", "conversation_id": "1", '
            '"client_id": "client-id-1", "body": "x"}',
            "invalid_frame",
        ),
        (
            '{"type": "message.send", "conversation_id": 1, "client_id": "short", "body": "x"}',
            "invalid_frame",
        ),
        ('{"type": "read", "conversation_id": 1, "seq": true}', "invalid_frame"),
        ('{"type": "sync", "conversations": {"abc": 1}}', "invalid_frame"),
    ],
)
async def test_a_bad_frame_gets_an_error_and_the_socket_stays_usable(bob, raw, code):
    tab = await open_socket(bob)
    if isinstance(raw, bytes):
        await tab.send_to(bytes_data=raw)
    else:
        await tab.send_to(text_data=raw)
    error = await receive(tab)
    assert (error["type"], error["code"]) == ("error", code)
    await send(tab, {"type": "ping"})
    assert (await receive(tab))["type"] == "pong"
    assert await count_messages() == 0
    await tab.disconnect()


async def test_a_frame_over_64_kib_closes_the_socket_with_1009(conversation, bob):
    tab = await open_socket(bob)
    await send(tab, send_frame(conversation.pk, "x" * (64 * 1024)))
    await assert_closed_with(tab, 1009)
    assert await count_messages() == 0


async def test_flooding_gets_one_error_then_close_4429(bob):
    tab = await open_socket(bob)
    for _ in range(121):
        await tab.send_to(text_data='{"type": "ping"}')
    frames = []
    while True:
        output = await tab.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            assert output["code"] == 4429
            break
        frames.append(json.loads(output["text"]))
    assert [f["type"] for f in frames].count("pong") == 120
    assert frames[-1]["code"] == "flooding"


# Typing, read, sync, presence --------------------------------------------------------------------


async def test_typing_reaches_the_other_side_at_most_every_3_seconds(conversation, alice, bob):
    bob_tab, alice_tab = await open_socket(bob), await open_socket(alice)
    await send(bob_tab, {"type": "typing", "conversation_id": conversation.pk})
    assert await receive(alice_tab) == {
        "type": "typing",
        "conversation_id": conversation.pk,
        "user_id": bob.pk,
    }
    await send(bob_tab, {"type": "typing", "conversation_id": conversation.pk})
    await assert_quiet(alice_tab)
    await assert_quiet(bob_tab)
    await bob_tab.disconnect()
    await alice_tab.disconnect()


async def test_typing_into_someone_elses_conversation_is_forbidden(conversation, alice, charlie):
    alice_tab, charlie_tab = await open_socket(alice), await open_socket(charlie)
    await send(charlie_tab, {"type": "typing", "conversation_id": conversation.pk})
    assert (await receive(charlie_tab))["code"] == "forbidden"
    await assert_quiet(alice_tab)
    await alice_tab.disconnect()
    await charlie_tab.disconnect()


async def test_read_tells_the_other_side_and_the_readers_tabs(conversation, alice, bob):
    for n in range(3):
        await database_sync_to_async(send_message)(
            conversation=conversation, sender=alice, body="hey", client_id=f"alice-key-{n}"
        )
    bob_tab, alice_tab = await open_socket(bob), await open_socket(alice)
    await send(bob_tab, {"type": "read", "conversation_id": conversation.pk, "seq": 2})
    assert await receive(alice_tab) == {
        "type": "read",
        "conversation_id": conversation.pk,
        "user_id": bob.pk,
        "seq": 2,
    }
    assert await receive(bob_tab) == {
        "type": "unread",
        "conversation_id": conversation.pk,
        "count": 1,
        "total": 1,
    }
    await send(
        bob_tab, {"type": "read", "conversation_id": conversation.pk, "seq": 1}
    )  # never backwards
    await assert_quiet(alice_tab)
    side = await database_sync_to_async(Participant.objects.get)(
        conversation=conversation, user=bob
    )
    assert side.last_read_seq == 2
    await bob_tab.disconnect()
    await alice_tab.disconnect()


async def test_read_of_someone_elses_conversation_is_forbidden(conversation, charlie):
    tab = await open_socket(charlie)
    await send(tab, {"type": "read", "conversation_id": conversation.pk, "seq": 1})
    assert (await receive(tab))["code"] == "forbidden"
    await tab.disconnect()


@database_sync_to_async
def fill(conversation, sender, count: int) -> None:
    """`count` messages through the send path, in batches."""
    for start in range(0, count, 100):
        requests = [
            SendRequest(conversation.pk, sender, "some words", f"fill-{start + n:06d}")
            for n in range(min(100, count - start))
        ]
        assert all(not isinstance(o, SendError) for o in inbox_send.send_messages(requests))


async def test_sync_catches_up_after_a_gap_in_pages_of_200(conversation, alice, bob, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 10_000
    await fill(conversation, alice, 250)
    tab = await open_socket(bob)
    await send(tab, {"type": "sync", "conversations": {str(conversation.pk): 10}})
    page = await receive(tab)
    assert page["type"] == "sync.result" and page["has_more"] is True and page["last_seq"] == 250
    assert [m["seq"] for m in page["messages"]] == list(range(11, 211))
    await send(tab, {"type": "sync", "conversations": {str(conversation.pk): 210}})
    rest = await receive(tab)
    assert [m["seq"] for m in rest["messages"]] == list(range(211, 251)) and rest[
        "has_more"
    ] is False
    await tab.disconnect()


async def test_sync_more_than_1000_behind_says_resync(conversation, alice, bob, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 10_000
    await fill(conversation, alice, 1002)
    tab = await open_socket(bob)
    await send(tab, {"type": "sync", "conversations": {str(conversation.pk): 1}})
    assert await receive(tab) == {
        "type": "sync.resync",
        "conversation_id": conversation.pk,
        "last_seq": 1002,
        "reason": "too_far_behind",
    }
    await tab.disconnect()


async def test_sync_from_beyond_the_head_or_of_an_outsider(conversation, alice, bob, charlie):
    await database_sync_to_async(send_message)(
        conversation=conversation, sender=alice, body="hi", client_id="alice-key-1"
    )
    tab = await open_socket(bob)
    await send(tab, {"type": "sync", "conversations": {str(conversation.pk): 99}})
    assert await receive(tab) == {
        "type": "sync.result",
        "conversation_id": conversation.pk,
        "messages": [],
        "has_more": False,
        "last_seq": 1,
    }
    await send(tab, {"type": "sync", "conversations": {str(conversation.pk): 1}})
    assert (await receive(tab))["messages"] == []
    outsider = await open_socket(charlie)
    await send(outsider, {"type": "sync", "conversations": {str(conversation.pk): 0, "987654": 0}})
    first, second = await receive(outsider), await receive(outsider)
    assert first["code"] == second["code"] == "forbidden"
    assert {k: v for k, v in first.items() if k != "conversation_id"} == {
        k: v for k, v in second.items() if k != "conversation_id"
    }
    await tab.disconnect()
    await outsider.disconnect()


async def test_presence_follows_the_other_participant(conversation, alice, bob):
    alice_tab = await open_socket(alice)
    await send(alice_tab, {"type": "presence.subscribe", "conversation_id": conversation.pk})
    now = await receive(alice_tab)
    assert now == {
        "type": "presence",
        "user_id": bob.pk,
        "online": False,
        "last_seen": None,
        "timezone": "Europe/Berlin",
    }
    bob_tab = await open_socket(bob)
    online = await receive(alice_tab)
    assert online["online"] is True and online["user_id"] == bob.pk
    second_tab = await open_socket(bob)
    await assert_quiet(alice_tab)  # a second tab changes nothing
    await second_tab.disconnect()
    await assert_quiet(alice_tab)
    await bob_tab.disconnect()
    offline = await receive(alice_tab)
    assert offline["online"] is False and offline["last_seen"] is not None
    await alice_tab.disconnect()


async def test_presence_of_someone_elses_conversation_is_forbidden(conversation, charlie):
    tab = await open_socket(charlie)
    await send(tab, {"type": "presence.subscribe", "conversation_id": conversation.pk})
    assert (await receive(tab))["code"] == "forbidden"
    await tab.disconnect()


# Closing from the server -------------------------------------------------------------------------


async def test_disconnect_user_closes_every_socket_with_the_code(bob):
    first, second = await open_socket(bob), await open_socket(bob)
    await database_sync_to_async(disconnect_user)(bob.pk, 4403)
    await assert_closed_with(first, 4403)
    await assert_closed_with(second, 4403)


async def test_a_session_logged_out_elsewhere_is_closed_at_the_next_ping(bob, monkeypatch):
    from django.contrib.sessions.models import Session

    monkeypatch.setattr(consumers, "SESSION_CHECK_SECONDS", 0)
    tab = await open_socket(bob)
    await send(tab, {"type": "ping"})
    assert (await receive(tab))["type"] == "pong"
    await database_sync_to_async(lambda: Session.objects.all().delete())()
    await send(tab, {"type": "ping"})
    await assert_closed_with(tab, 4401)
