"""`conversation.updated` over the socket: a new conversation reaches both participants, a
change to one participant's filing (star, archive, labels, …) reaches only that user's tabs.

Pushed after commit, so real transactions (transactional_db); every frame is validated
against inbox/protocol.py by the helpers in ws.py.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from inbox import services
from inbox.conversations import get_or_start_conversation
from inbox.tests.ws import assert_quiet, open_socket, receive

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_new_conversation_reaches_both_sides_and_nobody_else(alice, bob, charlie):
    alice_socket, bob_socket, charlie_socket = [
        await open_socket(user) for user in (alice, bob, charlie)
    ]

    conversation = await database_sync_to_async(get_or_start_conversation)(starter=bob, other=alice)

    for socket, me, other in ((alice_socket, alice, bob), (bob_socket, bob, alice)):
        frame = await receive(socket)
        assert frame["type"] == "conversation.updated"
        summary = frame["conversation"]
        assert (summary["id"], summary["other"]["id"], summary["other"]["username"]) == (
            conversation.pk,
            other.pk,
            other.username,
        )
        assert (summary["last_seq"], summary["unread"], summary["starred"]) == (0, 0, False), me
    await assert_quiet(charlie_socket)

    # Opening the same conversation again is no news.
    again = await database_sync_to_async(get_or_start_conversation)(starter=alice, other=bob)
    assert again.pk == conversation.pk
    await assert_quiet(alice_socket)
    await assert_quiet(bob_socket)
    for socket in (alice_socket, bob_socket, charlie_socket):
        await socket.disconnect()


async def test_a_participant_state_change_reaches_only_the_users_own_tabs(conversation, alice, bob):
    first_tab, second_tab, alice_socket = (
        await open_socket(bob),
        await open_socket(bob),
        await open_socket(alice),
    )

    await database_sync_to_async(services.update_participant)(
        conversation=conversation, user=bob, starred=True, labels=["logo"]
    )

    for tab in (first_tab, second_tab):
        frame = await receive(tab)
        assert frame["type"] == "conversation.updated"
        summary = frame["conversation"]
        assert (summary["id"], summary["other"]["id"]) == (conversation.pk, alice.pk)
        assert (summary["starred"], summary["labels"]) == (True, ["logo"])
    # Alice's side is untouched and she is not told anything about how Bob files it.
    await assert_quiet(alice_socket)
    for socket in (first_tab, second_tab, alice_socket):
        await socket.disconnect()


async def test_a_change_that_changes_nothing_pushes_nothing(conversation, bob):
    tab = await open_socket(bob)
    await database_sync_to_async(services.update_participant)(conversation=conversation, user=bob)
    await assert_quiet(tab)
    await tab.disconnect()
