"""inbox.extensions' masked-messages listeners (moderation's flags) are called inside the
transaction that stores the masked messages."""

from __future__ import annotations

import pytest
from django.db import connection

from inbox import extensions
from inbox.models import Message
from inbox.send import SendRequest, send_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(monkeypatch):
    """A findings handler of the test's own, in place of the registered ones."""
    calls: list[tuple[list[int], list[int | None], bool]] = []

    def handler(*, messages):
        calls.append(
            ([m.seq for m in messages], [m.pk for m in messages], connection.in_atomic_block)
        )

    monkeypatch.setattr(extensions, "_masked_messages_listeners", [handler])
    return calls


def test_masked_messages_of_a_batch_reach_the_handler_stored_and_in_the_transaction(
    conversation, bob, seen
):
    outcomes = send_messages(
        [
            SendRequest(conversation.pk, bob, "hello there", "findings-0001"),
            SendRequest(conversation.pk, bob, "call me on +44 7911 123456", "findings-0002"),
        ]
    )
    assert [o.message.masked for o in outcomes] == [False, True]
    ((seqs, pks, in_transaction),) = seen
    assert seqs == [2] and pks == [outcomes[1].message.pk] and in_transaction


def test_a_handler_that_fails_leaves_the_message_unstored(conversation, bob, monkeypatch):
    """The handler's rows and the message commit together or not at all."""

    def failing(*, messages):
        raise RuntimeError("the flag could not be written")

    monkeypatch.setattr(extensions, "_masked_messages_listeners", [failing])
    with pytest.raises(RuntimeError):
        send_messages([SendRequest(conversation.pk, bob, "mail me: sam@example.com", "find-0004")])
    assert not Message.objects.exists()
    conversation.refresh_from_db()
    assert conversation.last_seq == 0


def test_a_batch_with_nothing_masked_calls_no_handler(conversation, bob, seen):
    send_messages([SendRequest(conversation.pk, bob, "hello there", "findings-0003")])
    assert seen == []
