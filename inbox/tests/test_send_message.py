"""send_message / send_messages: the one path by which messages are stored."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from inbox import known_heads, push, services, store
from inbox import send as send_module
from inbox.checks import SendError
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation, Message, Participant
from inbox.send import SendRequest, SentMessage, post_system_message, send_messages
from inbox.tests.conftest import new_client_id
from inbox.verification import verify_conversation

pytestmark = pytest.mark.django_db


def refused(code: str, **kwargs):
    with pytest.raises(SendError) as info:
        kwargs.pop("send")(**kwargs)
    assert info.value.code == code, info.value
    return info.value


def test_it_stores_the_message_with_the_next_seq(conversation, alice, bob, send):
    first = send(conversation, bob, "Hi Alice")
    second = send(conversation, alice, "Hi Bob")
    assert (first.message.seq, second.message.seq) == (1, 2)
    conversation.refresh_from_db()
    assert conversation.last_seq == 2
    assert conversation.last_message_id == second.message.pk
    assert conversation.last_hash == second.message.hash
    assert second.message.prev_hash == first.message.hash
    assert verify_conversation(conversation) is None


def test_the_ack_carries_the_stored_message(conversation, bob, send):
    sent = send(conversation, bob, "Hi Alice", client_id="client-0001")
    assert sent.ack["type"] == "message.ack"
    assert sent.ack["client_id"] == "client-0001"
    assert (sent.ack["id"], sent.ack["seq"]) == (sent.message.pk, 1)
    assert (
        sent.ack["body"] == "Hi Alice"
        and sent.ack["masked"] is False
        and sent.ack["notice"] is None
    )
    assert sent.payload["body"] == "Hi Alice"
    assert "client_id" not in sent.payload


def test_a_resend_returns_the_same_ack_even_with_another_body(conversation, bob, send):
    first = send(conversation, bob, "first body", client_id="same-key-1")
    again = send(conversation, bob, "a different body", client_id="same-key-1")
    assert again.duplicate is True
    assert again.ack == first.ack
    assert Message.objects.filter(sender=bob).count() == 1
    assert Message.objects.get().body == "first body"


def test_the_same_client_id_from_another_sender_is_another_message(conversation, alice, bob, send):
    send(conversation, bob, "from bob", client_id="shared-key-1")
    send(conversation, alice, "from alice", client_id="shared-key-1")
    assert Message.objects.count() == 2


def test_a_resend_is_answered_before_the_rate_limit(conversation, bob, send, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 1
    first = send(conversation, bob, "one", client_id="only-one-1")
    assert send(conversation, bob, "one", client_id="only-one-1").ack == first.ack
    refused("rate_limited", send=send, conversation=conversation, sender=bob, body="two")


def test_a_repeat_inside_one_batch_is_stored_once(conversation, bob):
    request = SendRequest(conversation.pk, bob, "twice", "batch-key-1")
    first, second = send_messages([request, request])
    assert first.ack == second.ack and second.duplicate
    assert Message.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "\n\t "])
def test_an_empty_message_is_refused(conversation, bob, send, body):
    refused("empty", send=send, conversation=conversation, sender=bob, body=body)
    assert not Message.objects.exists()


def test_the_length_limit_counts_code_points(conversation, bob, send, settings):
    settings.GIGBOX_MESSAGE_MAX_CHARS = 5000
    send(conversation, bob, "é" * 5000)
    send(conversation, bob, "😀" * 5000)
    error = refused("too_long", send=send, conversation=conversation, sender=bob, body="a" * 5001)
    assert error.extra["limit"] == 5000
    assert Message.objects.count() == 2


def test_a_nul_character_is_refused(conversation, bob, send):
    refused("invalid_frame", send=send, conversation=conversation, sender=bob, body="a\x00b")
    assert not Message.objects.exists()


def test_an_outsider_gets_forbidden_like_for_a_missing_conversation(conversation, charlie, send):
    outsider = refused("forbidden", send=send, conversation=conversation, sender=charlie)
    missing = refused("forbidden", send=send, conversation=Conversation(pk=987654), sender=charlie)
    assert outsider.message == missing.message
    assert not Message.objects.exists()


def test_an_inactive_sender_is_refused(conversation, bob, send):
    bob.is_active = False
    bob.save()
    refused("forbidden", send=send, conversation=conversation, sender=bob)


@pytest.mark.parametrize("direction", ["recipient blocks sender", "sender blocks recipient"])
def test_a_block_either_way_refuses_the_message(conversation, alice, bob, send, direction):
    blocker, blocked = (alice, bob) if direction == "recipient blocks sender" else (bob, alice)
    services.block_user(blocker=blocker, blocked=blocked)
    refused("blocked", send=send, conversation=conversation, sender=bob)
    services.unblock_user(blocker=blocker, blocked=blocked)
    assert send(conversation, bob).message.seq == 1


def test_the_sanctions_hook_is_asked_for_every_sender(conversation, bob, send, monkeypatch):
    asked = []

    def restricted(user, *, conversation=None):
        asked.append(user.pk)
        raise SendError(
            "restricted", "Your messaging is restricted.", until="2030-01-01T00:00:00.000000Z"
        )

    monkeypatch.setattr(send_module, "check_sender_sanctions", restricted)
    error = refused("restricted", send=send, conversation=conversation, sender=bob)
    assert asked == [bob.pk]
    assert error.frame()["until"] == "2030-01-01T00:00:00.000000Z"


def test_contact_details_are_masked_for_delivery_and_kept_as_written(conversation, bob, send):
    sent = send(conversation, bob, "mail me at bob.smith@example.com please")
    message = sent.message
    assert message.body == "mail me at bob.smith@example.com please"
    assert "bob.smith@example.com" not in message.delivered_body
    assert "[contact hidden]" in message.delivered_body
    assert message.findings and message.findings[0]["kind"] == "email"
    assert sent.ack["masked"] is True and "email" in sent.ack["notice"]
    assert sent.ack["findings"][0]["kind"] == "email"
    assert "bob.smith@example.com" not in str(sent.payload)


def test_a_number_split_across_messages_is_found_with_the_senders_history(
    conversation, alice, bob, send
):
    send(conversation, bob, "my number is 0151")
    send(conversation, alice, "ok")  # someone else's message is not the sender's history
    send(conversation, bob, "2345")
    last = send(conversation, bob, "6789")
    assert last.message.findings, "the split number was not found"
    assert last.message.findings[0]["split"] is True


def test_sending_marks_the_thread_read_and_unarchives_it_for_the_recipient(
    conversation, alice, bob, send
):
    services.update_participant(conversation=conversation, user=alice, archived=True)
    sent = send(conversation, bob)
    bob_side = Participant.objects.get(conversation=conversation, user=bob)
    alice_side = Participant.objects.get(conversation=conversation, user=alice)
    assert bob_side.last_read_seq == sent.message.seq
    assert alice_side.archived is False and alice_side.last_read_seq == 0


def test_a_batch_is_one_transaction_with_one_outcome_per_request(conversation, alice, bob, charlie):
    other = get_or_start_conversation(starter=charlie, other=alice)
    requests = [
        SendRequest(conversation.pk, bob, "one", new_client_id()),
        SendRequest(conversation.pk, charlie, "not mine", new_client_id()),
        SendRequest(other.pk, charlie, "two", new_client_id()),
        SendRequest(conversation.pk, alice, "", new_client_id()),
        SendRequest(conversation.pk, alice, "three", new_client_id()),
    ]
    outcomes = send_messages(requests)
    assert [getattr(o, "code", None) for o in outcomes] == [None, "forbidden", None, "empty", None]
    assert [o.message.seq for o in outcomes if not isinstance(o, SendError)] == [1, 1, 2]
    for thread in (conversation, other):
        thread.refresh_from_db()
        assert verify_conversation(thread) is None


def test_a_batch_costs_the_same_queries_for_one_or_many_messages(conversation, alice, bob):
    def queries_for(count: int) -> int:
        # Words, not numbers: digits across messages could add up to a phone number.
        requests = [
            SendRequest(conversation.pk, bob, "a message", new_client_id()) for _ in range(count)
        ]
        # Each batch reads its conversation (the known heads have a test of their own).
        known_heads.clear()
        with CaptureQueriesContext(connection) as captured:
            send_messages(requests)
        return len(captured.captured_queries)

    assert queries_for(1) == queries_for(20)


def test_a_database_that_does_not_answer_stores_nothing_and_says_unavailable(
    conversation, bob, monkeypatch
):
    def broken(drafts, conversations=None, **kwargs):
        raise OperationalError("could not obtain lock")

    monkeypatch.setattr(store.current(), "write", broken)
    (outcome,) = send_messages([SendRequest(conversation.pk, bob, "hello", "retry-key-1")])
    assert isinstance(outcome, SendError) and outcome.code == "unavailable"
    assert not Message.objects.exists()
    monkeypatch.undo()
    (retried,) = send_messages([SendRequest(conversation.pk, bob, "hello", "retry-key-1")])
    assert retried.message.seq == 1


def test_an_unavailable_send_is_not_counted_against_the_rate_limit(
    conversation, bob, monkeypatch, settings
):
    settings.GIGBOX_SEND_RATE_LIMIT = 1
    monkeypatch.setattr(
        store.current(),
        "write",
        lambda *args, **kwargs: (_ for _ in ()).throw(OperationalError("down")),
    )
    send_messages([SendRequest(conversation.pk, bob, "hello", "retry-key-2")])
    monkeypatch.undo()
    (retried,) = send_messages([SendRequest(conversation.pk, bob, "hello", "retry-key-2")])
    assert not isinstance(retried, SendError)


def test_a_system_message_is_chained_without_a_sender(conversation, bob, send):
    send(conversation, bob, "hi")
    message = post_system_message(conversation=conversation, body="Order GB-000001 was placed.")
    assert (message.kind, message.sender_id, message.seq) == ("system", None, 2)
    conversation.refresh_from_db()
    assert verify_conversation(conversation) is None


def test_the_broadcast_runs_after_commit(
    conversation, bob, send, django_capture_on_commit_callbacks, monkeypatch
):
    pushed = []

    async def fake_broadcast(sent):
        pushed.extend(item.message.seq for item in sent)

    monkeypatch.setattr(push, "broadcast", fake_broadcast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(conversation, bob)
        assert pushed == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert pushed == [1]


def _stale_batch_write(conversation, writer_between, body: str, client_id: str):
    """send_messages with another writer storing into the conversation after the batch read
    its head (and the resends) and before the batch is written (a second process, a system
    message)."""
    backend = store.current()
    real_read = backend.read
    known_heads.clear()  # read, not known: the batch must read its head

    def read_then_someone_writes(*reading):
        reads = real_read(*reading)
        backend.read = real_read  # the other writer's own send is not delayed
        writer_between()
        return reads

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backend, "read", read_then_someone_writes)
        return send_messages([SendRequest(conversation.pk, conversation.user_b, body, client_id)])[
            0
        ]


def test_a_head_moved_after_the_access_check_is_written_after_it(conversation, alice, bob, send):
    """On PostgreSQL the batch's chain is built on the head the access check read, and its
    write checks that head: moved meanwhile, the batch is built again under the lock, after
    the other message, and the chain holds."""
    send(conversation, bob, "first")
    outcome = _stale_batch_write(
        conversation,
        lambda: post_system_message(conversation=conversation, body="Order started."),
        "after it",
        new_client_id(),
    )
    assert isinstance(outcome, SentMessage) and outcome.message.seq == 3
    assert list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("body", flat=True)
    ) == ["first", "Order started.", "after it"]
    conversation.refresh_from_db()
    assert conversation.last_seq == 3 and conversation.last_message_id == outcome.message.pk
    assert verify_conversation(conversation) is None


def test_the_same_client_id_stored_meanwhile_is_answered_as_a_resend(conversation, bob, send):
    """Another process stored this very (sender, client_id) after the resend check: the
    batch's write fails on the client_id constraint and the stored message answers it."""
    client_id = new_client_id()
    outcome = _stale_batch_write(
        conversation,
        lambda: send(conversation, bob, "stored elsewhere", client_id=client_id),
        "resent",
        client_id,
    )
    assert isinstance(outcome, SentMessage) and outcome.duplicate
    assert outcome.message.body == "stored elsewhere"
    assert Message.objects.filter(conversation=conversation).count() == 1
    conversation.refresh_from_db()
    assert conversation.last_seq == 1 and verify_conversation(conversation) is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_into_one_conversation_keep_one_unbroken_chain(alice, bob, settings):
    """Eight threads (eight database connections, as two server processes' writers and the
    HTTP senders would be) write into the same conversation at once. An unlocked write that
    loses a race is built again under the lock, and no two writers deadlock: every message
    is stored once, seqs have no gap, and the chain verifies."""
    from concurrent.futures import ThreadPoolExecutor

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the unlocked write is PostgreSQL's")
    settings.GIGBOX_SEND_RATE_LIMIT = 1000
    conversation = get_or_start_conversation(starter=alice, other=bob)

    def writer(n: int) -> list:
        try:
            sender = alice if n % 2 else bob
            return [
                send_messages(
                    [
                        SendRequest(
                            conversation.pk, sender, f"w{n} m{k}", f"w{n}-m{k}-{new_client_id()}"
                        )
                    ]
                )[0]
                for k in range(25)
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = [outcome for batch in pool.map(writer, range(8)) for outcome in batch]
    assert all(isinstance(o, SentMessage) for o in outcomes), [
        o for o in outcomes if not isinstance(o, SentMessage)
    ][:3]
    seqs = list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 201))
    conversation.refresh_from_db()
    assert conversation.last_seq == 200 and verify_conversation(conversation) is None


def test_the_send_paths_statements_are_prepared_once_per_connection(conversation, alice, bob):
    """PostgreSQL plans the send path's three statements once per connection (inbox/prepared.py):
    a second batch on the same connection prepares nothing new and runs each of them once
    more. They stay Django cursors: the statements are logged like any other (a clash is
    Django's IntegrityError, answered as a resend: the tests above)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are the PostgreSQL path's")

    def prepared() -> dict[str, tuple[str, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, statement, generic_plans + custom_plans FROM pg_prepared_statements"
            )
            return {
                name: (statement.strip()[:30], runs) for name, statement, runs in cursor.fetchall()
            }

    def runs_by_text(statements: dict[str, tuple[str, int]]) -> Counter:
        runs: Counter = Counter()
        for text, count in statements.values():
            runs[text] += count
        return runs

    send_messages([SendRequest(conversation.pk, bob, "first", new_client_id())])
    before = prepared()
    with CaptureQueriesContext(connection) as captured:
        send_messages([SendRequest(conversation.pk, alice, "second", new_client_id())])
    after = prepared()
    assert set(after) == set(before), "a statement was prepared again"
    grew = runs_by_text(after)
    grew.subtract(runs_by_text(before))
    texts = {text for text, runs in grew.items() if runs}
    assert sorted(grew[text] for text in texts) == [1, 1, 1], grew
    logged = [query["sql"] or "" for query in captured.captured_queries]
    assert sum(sql.strip()[:30] in texts for sql in logged) == 3, logged


def test_the_resend_and_history_lookup_never_scans_every_message(conversation, bob):
    """The prepared plan is made once per connection, often on a young table: the lookup must
    not be a plan that scans the message table (as a plain join it hashed the keys and read
    every message, and each batch got slower as the table grew: docs/benchmarks.md)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are the PostgreSQL path's")
    send_messages([SendRequest(conversation.pk, bob, "first", new_client_id())])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM pg_prepared_statements WHERE statement LIKE %s", ["%UNION ALL%"]
        )
        (name,) = cursor.fetchone()
        cursor.execute(
            f"EXPLAIN EXECUTE {name}"
            "(ARRAY[%s], ARRAY['x'], ARRAY[%s], ARRAY[%s], 'user', now(), 5)",
            [bob.pk, conversation.pk, bob.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on inbox_message" not in plan, plan


def test_a_stored_batch_leaves_no_reference_cycle(conversation, alice, bob):
    """Messages and conversations of a written batch are freed by reference counting: a
    cycle per message (a conversation holding its last message, which holds the
    conversation) left them to the garbage collector, whose pauses stopped the event loop
    every few seconds under load (docs/benchmarks.md, lever 19)."""
    import gc

    send_messages(
        [SendRequest(conversation.pk, bob, "warm up", new_client_id())]
    )  # lazy imports, caches
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for sender in (bob, alice, bob):
            outcomes = send_messages(
                [SendRequest(conversation.pk, sender, "How is the logo going?", new_client_id())]
            )
            assert not isinstance(outcomes[0], SendError)
        del outcomes
        gc.collect()
        cyclic = Counter(
            type(obj).__name__ for obj in gc.garbage if isinstance(obj, (Message, Conversation))
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert cyclic == Counter()
