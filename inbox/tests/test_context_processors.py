"""inbox.context_processors.unread: the header's live unread badge, on every page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from inbox.context_processors import unread
from inbox.read_marks import mark_read

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_counts_unread_messages_in_one_query(conversation, alice, bob, send):
    send(conversation, alice, "one")
    send(conversation, alice, "two")
    with CaptureQueriesContext(connection) as queries:
        assert unread(request_for(bob)) == {"inbox_unread": 2}
    assert len(queries) == 1
    assert unread(request_for(alice)) == {"inbox_unread": 0}


def test_a_visitor_costs_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert unread(request_for(AnonymousUser())) == {}
    assert len(queries) == 0


def test_the_header_shows_the_badge_and_an_inbox_link(client, conversation, alice, bob, send):
    send(conversation, alice, "hello")
    client.force_login(bob)
    page = client.get("/").content.decode()
    assert 'href="/inbox/"' in page
    assert 'data-unread-badge aria-hidden="true">1</span>' in page
    assert ", 1 unread" in page
    assert "js/realtime.js" in page


def test_the_badge_is_hidden_at_zero_and_visitors_get_no_socket_script(client, bob):
    assert "js/realtime.js" not in client.get("/").content.decode()
    client.force_login(bob)
    page = client.get("/").content.decode()
    assert 'data-unread-badge aria-hidden="true" hidden>0</span>' in page


def test_reading_the_thread_clears_the_count(client, conversation, alice, bob, send):
    send(conversation, alice, "hello")
    mark_read(conversation=conversation, user=bob, seq=1)
    assert unread(request_for(bob)) == {"inbox_unread": 0}
