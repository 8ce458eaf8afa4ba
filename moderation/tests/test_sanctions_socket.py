"""Sanctions over the WebSocket: a restricted send gets `restricted` with `until`; a
suspension closes open sockets with 4403 within a second and refuses new ones."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from inbox.models import Message
from inbox.tests.ws import assert_closed_with, connect, open_socket, receive, send, session_cookie
from moderation import enforcement, services
from moderation.models import Sanction

pytestmark = pytest.mark.django_db(transaction=True)


async def notice_then_closed_with(communicator, code: int) -> list[str]:
    """The sanction's notice frames (pushed first, so an open tab shows it), then the close."""
    types = []
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            assert output == {"type": "websocket.close", "code": code}, output
            assert "message.new" in types, types
            return types
        types.append(json.loads(output["text"])["type"])


@database_sync_to_async
def impose(user, moderator, kind, days=3):
    return services.impose_sanction(
        user=user,
        kind=kind,
        moderator=moderator,
        reason="Rules broken.",
        ends_at=timezone.now() + timedelta(days=days),
    )


async def test_a_restricted_send_is_refused_with_until(conversation, bob, mona):
    sanction = await impose(bob, mona, Sanction.Kind.RESTRICT)
    socket = await open_socket(bob)

    await send(
        socket,
        {
            "type": "message.send",
            "conversation_id": conversation.pk,
            "client_id": "client-id-0001",
            "body": "Hi",
        },
    )

    error = await receive(socket)
    assert (error["type"], error["code"], error["client_id"]) == (
        "error",
        "restricted",
        "client-id-0001",
    )
    assert error["until"] == sanction.ends_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert not await database_sync_to_async(Message.objects.filter(sender=bob).exists)()
    await socket.disconnect()


async def test_a_socket_opened_before_the_restriction_is_made_to_reconnect(conversation, bob, mona):
    socket = await open_socket(bob)

    await impose(bob, mona, Sanction.Kind.RESTRICT)

    # The open socket holds the user as loaded at connect: it is closed so that the client
    # reconnects at once, and the new socket sees the restriction.
    await notice_then_closed_with(socket, enforcement.CLOSE_RECONNECT)
    fresh = await open_socket(bob)
    await send(
        fresh,
        {
            "type": "message.send",
            "conversation_id": conversation.pk,
            "client_id": "client-id-0002",
            "body": "Hi",
        },
    )
    assert (await receive(fresh))["code"] == "restricted"
    await fresh.disconnect()


async def test_suspension_closes_open_sockets_with_4403_within_a_second(bob, mona):
    first, second = await open_socket(bob), await open_socket(bob)

    started = time.monotonic()
    await impose(bob, mona, Sanction.Kind.SUSPEND)
    await notice_then_closed_with(first, 4403)
    await notice_then_closed_with(second, 4403)

    assert time.monotonic() - started < 1.0


async def test_a_suspended_account_cannot_open_a_socket(bob, mona):
    # The session is kept (it opens the account page only: moderation.limited_access), and
    # the consumer refuses the suspended user with 4403 on connect.
    cookie = await database_sync_to_async(session_cookie)(bob)
    await impose(bob, mona, Sanction.Kind.SUSPEND)

    socket, _ = await connect(cookie=cookie)

    await assert_closed_with(socket, 4403)
    await asyncio.sleep(0)
