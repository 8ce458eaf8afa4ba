"""Reads about people moved out of the consumer and the page code: blocks both ways, a
user's labels, and who is online (one cache round trip for a whole list)."""

from __future__ import annotations

import pytest

from inbox import presence, selectors, services

pytestmark = pytest.mark.django_db


def test_is_blocked_either_way_has_blocked_one_way(alice, bob, charlie):
    services.block_user(blocker=alice, blocked=bob)

    assert selectors.is_blocked(alice.pk, bob.pk) and selectors.is_blocked(bob.pk, alice.pk)
    assert selectors.has_blocked(alice.pk, bob.pk) and not selectors.has_blocked(bob.pk, alice.pk)
    assert not selectors.is_blocked(alice.pk, charlie.pk)


def test_labels_of_a_user_are_their_own_sorted_once(conversation, alice, bob):
    services.update_participant(
        conversation=conversation, user=bob, labels=["urgent", "Client", "logo"]
    )
    services.update_participant(conversation=conversation, user=alice, labels=["alices-own"])

    assert selectors.labels_of(bob) == ["Client", "logo", "urgent"]


def test_online_ids_asks_the_cache_once_for_everyone(monkeypatch):
    presence.socket_opened(1)
    presence.socket_opened(3)
    calls = []
    shared = presence.shared_cache()  # the socket code's one cache client per process
    real_get_many = shared.get_many
    monkeypatch.setattr(presence, "is_online", lambda user_id: pytest.fail("one lookup per user"))
    monkeypatch.setattr(shared, "get_many", lambda keys: calls.append(keys) or real_get_many(keys))

    assert presence.online_ids({1, 2, 3}) == {1, 3}
    assert len(calls) == 1 and len(calls[0]) == 3
    assert presence.online_ids(set()) == set()
