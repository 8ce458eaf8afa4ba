"""inbox.known_heads: a batch in a conversation this process wrote to last skips its reads,
and whatever changed since (another writer, a block, a resend) is still answered right."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import clock
from core.contact_policy import get_contact_policy
from inbox import known_heads, services
from inbox.checks import SendError
from inbox.models import Message
from inbox.send import SendRequest, SentMessage, post_system_message, send_messages
from inbox.tests.conftest import new_client_id
from inbox.verification import verify_conversation


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("known heads are the PostgreSQL path's (SQLite locks and reads every batch)")


def send_one(conversation, sender, body: str, client_id: str | None = None):
    return send_messages(
        [SendRequest(conversation.pk, sender, body, client_id or new_client_id())]
    )[0]


def statements_of(conversation, sender, body: str) -> tuple[object, list[str]]:
    """The send's reads and writes by their first word (not the test transaction's
    savepoints, nor the lock timeout, set per batch inside a test's transaction)."""
    with CaptureQueriesContext(connection) as captured:
        outcome = send_one(conversation, sender, body)
    words = [query["sql"].split()[0] for query in captured.captured_queries]
    return outcome, [word for word in words if word not in ("SET", "SAVEPOINT", "RELEASE")]


def test_a_known_conversation_costs_one_statement(conversation, bob):
    _, first = statements_of(conversation, bob, "hello")
    outcome, second = statements_of(conversation, bob, "hello again")
    assert len(first) == 3  # the two reads and the write
    assert second == ["WITH"] and outcome.message.seq == 2  # the write alone
    conversation.refresh_from_db()
    assert conversation.last_seq == 2 and verify_conversation(conversation) is None


def test_both_senders_of_a_conversation_stay_known(conversation, alice, bob):
    for sender in (bob, alice):
        send_one(conversation, sender, "hi")
    for sender in (bob, alice, bob):
        _, statements = statements_of(conversation, sender, "and again")
        assert statements == ["WITH"]


def test_a_head_moved_by_another_writer_is_read_and_the_batch_chained_after_it(conversation, bob):
    send_one(conversation, bob, "first")
    post_system_message(conversation=conversation, body="Order started.")  # moves the head
    outcome = send_one(conversation, bob, "after it")
    assert isinstance(outcome, SentMessage) and outcome.message.seq == 3
    assert list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("body", flat=True)
    ) == ["first", "Order started.", "after it"]
    conversation.refresh_from_db()
    assert verify_conversation(conversation) is None
    _, statements = statements_of(conversation, bob, "known again")
    assert statements == ["WITH"]


def test_a_block_made_since_is_refused_and_nothing_stored(conversation, alice, bob):
    send_one(conversation, bob, "hello")
    services.block_user(blocker=alice, blocked=bob)
    outcome = send_one(conversation, bob, "still there?")
    assert isinstance(outcome, SendError) and outcome.code == "blocked"
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_a_resend_is_answered_with_the_stored_message_and_counts_once(conversation, bob, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 2
    first = send_one(conversation, bob, "hello", client_id="the-same")
    again = send_one(conversation, bob, "hello", client_id="the-same")
    assert again.duplicate and again.message.pk == first.message.pk
    assert isinstance(
        send_one(conversation, bob, "second"), SentMessage
    )  # 2 of 2: the resend did not count
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_resend_at_the_limit_still_gets_its_ack(conversation, bob, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 1
    first = send_one(conversation, bob, "hello", client_id="the-same")
    again = send_one(conversation, bob, "hello", client_id="the-same")
    assert isinstance(again, SentMessage) and again.message.pk == first.message.pk
    limited = send_one(conversation, bob, "one too many")
    assert isinstance(limited, SendError) and limited.code == "rate_limited"


def test_the_history_of_a_known_sender_finds_a_split_number(conversation, alice, bob):
    send_one(conversation, bob, "my number is 0151")
    send_one(conversation, alice, "ok")
    send_one(conversation, bob, "2345")
    _, statements = statements_of(conversation, bob, "6789")
    last = Message.objects.get(conversation=conversation, seq=4)
    assert statements[0] == "WITH" and len(statements) > 1  # the write, then the flag
    assert last.findings and last.findings[0]["split"] is True


def test_a_message_written_elsewhere_enters_the_history(conversation, bob):
    """Bob's second part goes through another process (its writer, its own known heads):
    this process's known head is behind, so its next batch reads, and finds the number."""
    send_one(conversation, bob, "my number is 0151")
    ours = copy.deepcopy(known_heads._known)
    known_heads.clear()  # "another process"
    send_one(conversation, bob, "2345")
    known_heads._known.clear()
    known_heads._known.update(ours)  # back in this process, which did not see it
    outcome = send_one(conversation, bob, "6789")
    assert (
        outcome.message.seq == 3
        and outcome.message.findings
        and outcome.message.findings[0]["split"] is True
    )


def test_history_older_than_the_window_is_not_used(conversation, bob):
    start = clock.now()
    with time_machine.travel(start, tick=False):
        send_one(conversation, bob, "my number is 0151")
    window = get_contact_policy().history_window
    with time_machine.travel(start + window + timedelta(minutes=1), tick=False):
        send_one(conversation, bob, "2345")
        outcome = send_one(conversation, bob, "6789")
    assert not outcome.message.findings


def test_a_relayed_message_ahead_of_the_known_head_forgets_it(conversation, bob):
    send_one(conversation, bob, "hello")
    known_heads.saw(conversation.pk, 1)  # this process's own message: still known
    assert (
        known_heads.recall(
            [(conversation.pk, bob.pk)], keep=5, since=clock.now() - timedelta(minutes=15)
        )
        is not None
    )
    known_heads.saw(conversation.pk, 2)  # written elsewhere
    assert (
        known_heads.recall(
            [(conversation.pk, bob.pk)], keep=5, since=clock.now() - timedelta(minutes=15)
        )
        is None
    )


def test_entries_expire_and_the_oldest_go_first(conversation, bob, monkeypatch):
    send_one(conversation, bob, "hello")
    pair, since = [(conversation.pk, bob.pk)], clock.now() - timedelta(minutes=15)
    monkeypatch.setattr(known_heads.time, "monotonic", lambda: 10**9)
    assert known_heads.recall(pair, keep=5, since=since) is None
    monkeypatch.undo()
    known_heads.clear()
    send_one(conversation, bob, "hello again")
    monkeypatch.setattr(known_heads, "MAX_CONVERSATIONS", 0)
    send_one(conversation, bob, "and again")
    assert known_heads.recall(pair, keep=5, since=since) is None


def test_an_unknown_sender_is_read(conversation, alice, bob):
    send_one(conversation, bob, "hello")
    _, statements = statements_of(conversation, alice, "hi")  # alice has no history here yet
    assert len(statements) == 3


async def test_a_socket_relaying_a_message_new_tells_known_heads(monkeypatch):
    """InboxConsumer.inbox_frame passes the event's head on (the wiring of `saw`)."""
    from inbox.consumers import InboxConsumer

    seen, sent = [], []
    monkeypatch.setattr(
        known_heads, "saw", lambda conversation_id, seq: seen.append((conversation_id, seq))
    )

    class Socket:
        async def send(self, text_data):
            sent.append(text_data)

    await InboxConsumer.inbox_frame(
        Socket(), {"type": "inbox.frame", "text": '{"type": "message.new"}', "head": [7, 42]}
    )
    await InboxConsumer.inbox_frame(
        Socket(), {"type": "inbox.frame", "frame": {"type": "read"}}
    )  # not a message.new
    assert seen == [(7, 42)] and len(sent) == 2


def test_a_write_rolled_back_by_its_caller_cannot_fork_the_chain(conversation, alice, bob):
    """An HTTP send inside a transaction that is then rolled back leaves a known head that
    never was; another writer then stores its own message at that seq. The write checks the
    head's hash as well as its seq: the next batch is read again and chained on the real head."""
    from django.db import transaction

    send_one(conversation, bob, "first")
    with pytest.raises(RuntimeError), transaction.atomic():
        send_one(conversation, bob, "rolled back")
        raise RuntimeError("the view failed after sending")
    ours = copy.deepcopy(known_heads._known)
    known_heads.clear()  # another process
    send_one(conversation, alice, "the real second")
    known_heads._known.clear()
    known_heads._known.update(ours)
    outcome = send_one(conversation, bob, "third")
    assert outcome.message.seq == 3
    assert list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("body", flat=True)
    ) == ["first", "the real second", "third"]
    conversation.refresh_from_db()
    assert verify_conversation(conversation) is None
