"""Logging out closes the inbox sockets of that login session at once with 4401, and only
those: the same user's sockets from another browser (another session) stay open."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from inbox.tests.ws import LOGIN_BACKEND, assert_closed_with, assert_quiet, connect, receive, send

pytestmark = pytest.mark.django_db(transaction=True)


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user, backend=LOGIN_BACKEND)
    return client


async def open_with(client: Client):
    socket, connected = await connect(cookie=client.cookies["sessionid"].value)
    assert connected
    assert (await receive(socket))["type"] == "hello"
    return socket


async def test_logout_closes_that_sessions_sockets_with_4401_and_not_another_sessions(bob):
    laptop, phone = (
        await sync_to_async(logged_in_client)(bob),
        await sync_to_async(logged_in_client)(bob),
    )
    laptop_tabs = [await open_with(laptop), await open_with(laptop)]
    phone_tab = await open_with(phone)

    response = await sync_to_async(laptop.post)(reverse("account_logout"))

    assert response.status_code == 302
    for tab in laptop_tabs:
        await assert_closed_with(tab, 4401)
    await assert_quiet(phone_tab)
    await send(phone_tab, {"type": "ping"})
    assert (await receive(phone_tab))["type"] == "pong"  # still served
    await phone_tab.disconnect()
