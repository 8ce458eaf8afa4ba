"""System messages (order events, offer steps) and their actor: one's own action is not
unread news for oneself, while the other participant gets it as unread."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from inbox.read_marks import mark_read
from inbox.selectors import unread_counts
from inbox.send import post_system_message
from inbox.tests.ws import assert_quiet, open_socket, receive, receive_types


def unread(user, conversation) -> int:
    return unread_counts(user, conversation.pk)[0]


@pytest.mark.django_db
def test_the_actor_does_not_get_their_own_action_as_unread(conversation, alice, bob, send):
    send(conversation, alice, "Here is my offer")
    mark_read(conversation=conversation, user=bob, seq=1)
    assert (unread(bob, conversation), unread(alice, conversation)) == (0, 0)

    message = post_system_message(
        conversation=conversation, body="Bob accepted offer #1.", actor=bob
    )

    assert message.seq == 2
    assert unread(bob, conversation) == 0  # the actor: unchanged
    assert unread(alice, conversation) == 1  # the other side: one more


@pytest.mark.django_db
def test_without_an_actor_both_sides_get_it_as_unread(conversation, alice, bob):
    post_system_message(conversation=conversation, body="Offer #1 expired without an answer.")
    assert (unread(bob, conversation), unread(alice, conversation)) == (1, 1)


@pytest.mark.django_db
def test_an_actor_behind_keeps_the_earlier_messages_unread(conversation, alice, bob, send):
    send(conversation, alice, "Did you see this?")  # bob has not read it
    post_system_message(conversation=conversation, body="Bob placed an order.", actor=bob)
    # A single read mark cannot skip one message: alice's message must stay unread.
    assert unread(bob, conversation) == 2


@pytest.mark.django_db
def test_an_actor_who_is_not_a_participant_changes_nothing(conversation, alice, bob, charlie):
    post_system_message(
        conversation=conversation, body="A reviewer resolved the dispute.", actor=charlie
    )
    assert (unread(bob, conversation), unread(alice, conversation)) == (1, 1)


@pytest.mark.django_db(transaction=True)
async def test_the_actors_tabs_are_told_the_true_count_after_the_message(conversation, alice, bob):
    bob_tab, alice_tab = await open_socket(bob), await open_socket(alice)

    await database_sync_to_async(post_system_message)(
        conversation=conversation, body="Bob accepted.", actor=bob
    )

    new = await receive(bob_tab)
    assert new["type"] == "message.new" and new["message"]["kind"] == "system"
    after = await receive(bob_tab)  # after the message.new, which clients count as unread
    assert after == {"type": "unread", "conversation_id": conversation.pk, "count": 0, "total": 0}
    frames = await receive_types(alice_tab, 1)
    assert set(frames) == {"message.new"}
    await assert_quiet(alice_tab)  # no count for her: her tabs add the message.new themselves
    for tab in (bob_tab, alice_tab):
        await tab.disconnect()
