"""S1-S5, S8: who may open /ws/inbox/ and what an outsider learns through it.

Through the real ASGI stack (origin validator, session cookie, auth) in-process. Refused
handshakes never reach accept; anonymous sockets close with 4401 before any data frame;
logout, suspension and blocks while connected act as docs/protocol.md says; every action
that takes an id answers an outsider exactly as it answers a missing id.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.security import parse_origin
from inbox import consumers
from inbox.models import Message
from inbox.services import block_user
from inbox.tests.ws import assert_closed_with, connect, open_socket, receive, send
from moderation import services as moderation_services

pytestmark = pytest.mark.django_db(transaction=True)
MISSING = 987654


@pytest.fixture
def w(transactional_db, tmp_path, settings):
    from tests.security.conftest import build_world

    return build_world()


@pytest.mark.parametrize(
    "origin",
    [
        b"https://evil.example",
        b"http://127.0.0.1.evil.test",  # look-alike: our host as a prefix
        b"http://evil.test/127.0.0.1",
        b"http://127.0.0.1@evil.test",  # userinfo trick
        b"null",
        b"",
        None,  # no Origin at all
    ],
)
async def test_a_foreign_missing_or_look_alike_origin_is_refused_before_accept(w, origin):
    communicator, connected = await connect(w.bob, origin=origin)
    assert not connected
    assert await communicator.receive_nothing(timeout=0.1)  # not one frame


@pytest.mark.parametrize(
    "origin, host",
    [
        (b"http://127.0.0.1", b"127.0.0.1"),
        (b"http://localhost:8000", b"localhost:8000"),
        (b"https://127.0.0.1:8443", b"10.0.0.5:8101"),  # in CSRF_TRUSTED_ORIGINS
    ],
)
async def test_our_own_origins_are_let_in(w, origin, host, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://127.0.0.1:8443"]
    communicator, connected = await connect(w.bob, origin=origin, host=host)
    assert connected
    assert (await receive(communicator))["type"] == "hello"
    await communicator.disconnect()


@pytest.mark.parametrize(
    "origin, host",
    [
        (b"http://127.0.0.1:9999", b"127.0.0.1:8000"),  # another port of our host (issue 17)
        (b"https://127.0.0.1:8000", b"127.0.0.1:8000"),  # another scheme
        (b"http://localhost:8000", b"127.0.0.1:8000"),  # another allowed host
        (b"http://evil.test", b"evil.test"),  # a Host not in ALLOWED_HOSTS
    ],
)
async def test_another_scheme_port_or_host_of_ours_is_refused(w, origin, host):
    communicator, connected = await connect(w.bob, origin=origin, host=host)
    assert not connected


@pytest.mark.parametrize("origin", [b"https://evil.example.com", b"https://*.example.com"])
async def test_a_wildcard_trusted_origin_lets_no_socket_in(w, origin, settings):
    """Issue 17 #8 (origins): the socket compares exact scheme, host and port; a wildcard in
    CSRF_TRUSTED_ORIGINS (which Django's form check reads as every subdomain) matches nothing,
    not even an Origin header that spells the pattern itself."""
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.com", "https://127.0.0.1:8443"]
    communicator, connected = await connect(w.bob, origin=origin, host=b"10.0.0.5:8101")
    assert not connected
    assert parse_origin("https://*.example.com") is None


@pytest.mark.parametrize("cookie", [None, "not-a-session", "0" * 32])
async def test_anonymous_sockets_close_with_4401_and_no_data(w, cookie):
    communicator, connected = await connect(cookie=cookie)
    assert connected  # accepted only to say why, with the code
    await assert_closed_with(communicator, 4401)


async def test_logout_while_connected_closes_with_4401_at_the_next_ping(w, monkeypatch):
    monkeypatch.setattr(consumers, "SESSION_CHECK_SECONDS", 0)
    tab = await open_socket(w.bob)
    await database_sync_to_async(lambda: Session.objects.all().delete())()
    await send(tab, {"type": "ping"})
    await assert_closed_with(tab, 4401)


async def test_suspension_while_connected_closes_with_4403(w):
    tab = await open_socket(w.bob)

    @database_sync_to_async
    def suspend():
        moderation_services.impose_sanction(
            user=w.bob,
            kind="suspend",
            moderator=w.mo,
            reason="Scam attempts",
            ends_at=timezone.now() + timedelta(days=3),
        )

    await suspend()
    while True:  # a strike notice may arrive first; then the close
        output = await tab.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            assert output["code"] == 4403
            break


async def test_a_block_while_connected_refuses_sends_and_stores_nothing(w):
    tab = await open_socket(w.bob)
    before = await database_sync_to_async(Message.objects.count)()
    await database_sync_to_async(block_user)(blocker=w.alice, blocked=w.bob)
    client_id = uuid.uuid4().hex
    await send(
        tab,
        {
            "type": "message.send",
            "conversation_id": w.general.pk,
            "client_id": client_id,
            "body": "still there?",
        },
    )
    while True:
        frame = await receive(tab)
        if frame["type"] == "error":
            break
    assert frame["code"] == "blocked" and frame["client_id"] == client_id
    assert await database_sync_to_async(Message.objects.count)() == before
    await tab.disconnect()


ID_ACTIONS = {
    "message.send": lambda cid: {
        "type": "message.send",
        "conversation_id": cid,
        "client_id": "outsider-0001",
        "body": "hi",
    },
    "typing": lambda cid: {"type": "typing", "conversation_id": cid},
    "read": lambda cid: {"type": "read", "conversation_id": cid, "seq": 1},
    "sync": lambda cid: {"type": "sync", "conversations": {str(cid): 0}},
    "presence.subscribe": lambda cid: {"type": "presence.subscribe", "conversation_id": cid},
}


@pytest.mark.parametrize("action", sorted(ID_ACTIONS))
async def test_every_socket_action_with_an_id_answers_an_outsider_like_a_missing_id(w, action):
    tab = await open_socket(w.charlie)
    answers = []
    for conversation_id in (w.conversation.pk, MISSING):
        await send(tab, ID_ACTIONS[action](conversation_id))
        frame = await receive(tab)
        frame.pop("conversation_id", None)  # echoes the id the client sent
        answers.append(frame)
    assert answers[0] == answers[1] and answers[0]["code"] == "forbidden", answers
    assert await tab.receive_nothing(timeout=0.2)  # and no data frame after it
    await tab.disconnect()
    assert not await database_sync_to_async(Message.objects.filter(sender=w.charlie).exists)()
