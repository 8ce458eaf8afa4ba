"""Starting conversations, read marks, filing and blocking (reporting: moderation/tests)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inbox import services
from inbox.checks import SendError
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation, Participant
from inbox.read_marks import mark_read
from marketplace.tests.factories import GigFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_a_pair_has_one_general_conversation_whoever_starts_it(alice, bob):
    first = get_or_start_conversation(starter=bob, other=alice)
    again = get_or_start_conversation(starter=alice, other=bob)
    assert first == again
    assert (first.user_a_id, first.user_b_id) == tuple(sorted((alice.pk, bob.pk)))
    assert Participant.objects.filter(conversation=first).count() == 2
    assert first.last_seq == 0 and len(first.last_hash) == 64


def test_an_order_has_its_own_thread(alice, bob):
    order = OrderFactory(gig=GigFactory(seller=alice), buyer=bob)
    general = get_or_start_conversation(starter=bob, other=alice)
    thread = get_or_start_conversation(starter=bob, other=alice, order=order)
    assert thread != general and thread.order == order and thread.gig == order.gig
    assert get_or_start_conversation(starter=alice, other=bob, order=order) == thread


def test_an_order_thread_is_for_its_buyer_and_seller_only(alice, bob, charlie):
    order = OrderFactory(gig=GigFactory(seller=alice), buyer=bob)
    with pytest.raises(SendError) as info:
        get_or_start_conversation(starter=charlie, other=alice, order=order)
    assert info.value.code == "forbidden"


def test_nobody_starts_a_conversation_with_themselves_or_across_a_block(alice, bob):
    with pytest.raises(SendError) as itself:
        get_or_start_conversation(starter=bob, other=bob)
    assert itself.value.code == "forbidden"
    services.block_user(blocker=alice, blocked=bob)
    with pytest.raises(SendError) as blocked:
        get_or_start_conversation(starter=bob, other=alice)
    assert blocked.value.code == "blocked"
    assert not Conversation.objects.exists()


def test_mark_read_only_moves_forward_and_stops_at_the_head(conversation, alice, bob, send):
    for _ in range(3):
        send(conversation, alice, "hi")
    assert mark_read(conversation=conversation, user=bob, seq=2) == 2
    assert mark_read(conversation=conversation, user=bob, seq=1) == 2
    assert mark_read(conversation=conversation, user=bob, seq=99) == 3
    assert Participant.objects.get(conversation=conversation, user=bob).last_read_seq == 3


def test_reopening_a_read_thread_costs_one_query(
    conversation, alice, bob, send, django_assert_num_queries
):
    send(conversation, alice, "hi")
    mark_read(conversation=conversation, user=bob, seq=1)
    with django_assert_num_queries(1):  # the participant row: nothing to move, nobody to tell
        assert mark_read(conversation=conversation, user=bob, seq=1) == 1


def test_mark_read_is_for_participants(conversation, charlie):
    with pytest.raises(SendError):
        mark_read(conversation=conversation, user=charlie, seq=1)


def test_update_participant_changes_only_what_is_given(conversation, bob):
    services.update_participant(conversation=conversation, user=bob, starred=True, muted=True)
    side = services.update_participant(conversation=conversation, user=bob, labels=["a", "b"])
    assert (side.starred, side.muted, side.archived, side.labels) == (True, True, False, ["a", "b"])


@pytest.mark.parametrize(
    "labels", [["x" * 31], [""], [f"l{n}" for n in range(11)], "not a list", [1]]
)
def test_labels_are_short_and_few(conversation, bob, labels):
    with pytest.raises(ValidationError):
        services.update_participant(conversation=conversation, user=bob, labels=labels)


def test_a_block_is_one_row_and_unblock_removes_it(alice, bob):
    services.block_user(blocker=alice, blocked=bob)
    services.block_user(blocker=alice, blocked=bob)
    services.unblock_user(blocker=alice, blocked=bob)
    services.unblock_user(blocker=alice, blocked=bob)
    with pytest.raises(SendError):
        services.block_user(blocker=alice, blocked=alice)


def test_contact_from_a_second_gig_makes_the_thread_about_that_gig(alice, bob):
    first, second = GigFactory(seller=alice), GigFactory(seller=alice)
    thread = get_or_start_conversation(starter=bob, other=alice, gig=first)
    again = get_or_start_conversation(starter=bob, other=alice, gig=second)
    assert again == thread
    thread.refresh_from_db()
    assert thread.gig == second
    get_or_start_conversation(starter=alice, other=bob)  # no gig: unchanged
    thread.refresh_from_db()
    assert thread.gig == second
