"""Reads: the inbox list (filters, labels, search, keyset pages, constant queries), history,
catch-up, search and unread counts, always limited to the user's own conversations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox import frames, selectors, services
from inbox.conversations import get_or_start_conversation
from inbox.read_marks import mark_read
from inbox.selectors import ConversationNotFound
from marketplace.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_threads(alice, send):
    """Alice talks with five buyers; the last one wrote most recently."""
    threads = []
    for n in range(5):
        buyer = UserFactory(username=f"buyer{n}")
        thread = get_or_start_conversation(starter=buyer, other=alice)
        send(thread, buyer, f"hello from buyer number {'abcde'[n]}")
        threads.append(thread)
    return threads


def test_conversation_for_user_is_the_one_gate(conversation, alice, charlie):
    assert selectors.conversation_for_user(alice, conversation.pk) == conversation
    with pytest.raises(ConversationNotFound):
        selectors.conversation_for_user(charlie, conversation.pk)
    with pytest.raises(ConversationNotFound):
        selectors.conversation_for_user(alice, 987654)


def test_the_inbox_page_costs_one_query_whatever_its_size(alice, many_threads):
    with CaptureQueriesContext(connection) as small:
        selectors.inbox_page(alice, limit=1).summaries()
    with CaptureQueriesContext(connection) as large:
        selectors.inbox_page(alice, limit=30).summaries()
    assert len(small.captured_queries) == len(large.captured_queries) == 1


def test_keyset_pages_cover_every_conversation_once(alice, many_threads):
    seen, cursor = [], None
    while True:
        page = selectors.inbox_page(alice, limit=2, cursor=cursor)
        seen += [p.conversation_id for p in page.participants]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [t.pk for t in reversed(many_threads)]


def test_a_bad_cursor_starts_from_the_top(alice, many_threads):
    assert len(selectors.inbox_page(alice, cursor="garbage!").participants) == 5


def test_filters_and_labels(alice, many_threads):
    first, second, third = many_threads[:3]
    services.update_participant(
        conversation=first, user=alice, starred=True, labels=["logo", "vip"]
    )
    services.update_participant(conversation=second, user=alice, archived=True)
    services.update_participant(conversation=third, user=alice, spam=True)
    mark_read(conversation=first, user=alice, seq=1)

    def ids(**kwargs):
        return [p.conversation_id for p in selectors.inbox_page(alice, **kwargs).participants]

    assert second.pk not in ids() and third.pk not in ids() and first.pk in ids()
    assert ids(filter="starred") == [first.pk]
    assert ids(filter="archived") == [second.pk]
    assert ids(filter="spam") == [third.pk]
    assert first.pk not in ids(filter="unread") and len(ids(filter="unread")) == 2
    assert ids(label="vip") == [first.pk] and ids(label="other") == []


def test_search_by_the_other_persons_name_not_ones_own(alice, many_threads):
    assert [p.conversation_id for p in selectors.inbox_page(alice, q="buyer3").participants] == [
        many_threads[3].pk
    ]
    assert selectors.inbox_page(alice, q="alice").participants == []


def test_the_summary_shows_the_other_person_and_the_delivered_preview(
    conversation, alice, bob, send
):
    send(conversation, bob, "reach me at bob.smith@example.com")
    (summary,) = selectors.inbox_page(alice).summaries()
    assert summary["other"]["username"] == "bob"
    assert "bob.smith" not in summary["last_message"]["body"] and summary["unread"] == 1


def test_unread_total_is_one_query_and_leaves_out_spam(alice, many_threads):
    services.update_participant(conversation=many_threads[0], user=alice, spam=True)
    with CaptureQueriesContext(connection) as captured:
        assert selectors.unread_total(alice) == 4
    assert len(captured.captured_queries) == 1


def test_history_and_catch_up_are_for_participants_only(conversation, alice, bob, charlie, send):
    for word in ["one", "two", "three"]:
        send(conversation, bob, word)
    messages, has_more = selectors.history_page(alice, conversation, limit=2)
    assert [m.seq for m in messages] == [2, 3] and has_more
    assert [m.seq for m in selectors.messages_after(alice, conversation, 1, 10)] == [2, 3]
    with pytest.raises(ConversationNotFound):
        selectors.history_page(charlie, conversation)
    with pytest.raises(ConversationNotFound):
        selectors.messages_after(charlie, conversation, 0, 10)


def test_search_messages_looks_at_delivered_text_of_ones_own_conversations(
    conversation, alice, bob, charlie, send
):
    send(conversation, bob, "the logo should be blue, mail bob.smith@example.com")
    other = get_or_start_conversation(starter=charlie, other=bob)
    send(other, charlie, "blue is my favourite")
    assert [m.conversation_id for m in selectors.search_messages(alice, "blue")] == [
        conversation.pk
    ]
    assert selectors.search_messages(alice, "bob.smith") == []  # masked text is not searchable
    assert selectors.search_messages(alice, "  ") == []


def test_serialize_message_shows_the_client_id_to_the_sender_only(conversation, alice, bob, send):
    message = send(conversation, bob, "hi", client_id="bob-key-0001").message
    assert frames.serialize_message(message, for_user=bob)["client_id"] == "bob-key-0001"
    assert "client_id" not in frames.serialize_message(message, for_user=alice)
