"""manage.py send_unread_digests: one email per conversation to offline users, delivered
text only, escaped, never twice; muted conversations and online users are skipped."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from inbox import presence, services
from inbox.conversations import get_or_start_conversation
from inbox.digests import send_unread_digests
from inbox.read_marks import mark_read
from marketplace.tests.factories import SellerProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def later():
    """Eleven minutes from now: past the default wait of ten."""
    return timezone.now() + timedelta(minutes=11)


def run(now) -> int:
    return send_unread_digests(now=now)


def test_an_offline_user_gets_one_email_with_the_delivered_text(
    conversation, alice, bob, send, later
):
    send(conversation, alice, "Hi Bob, call me on +1 415 555 0198")
    send(conversation, alice, "Any news?")
    assert run(later) == 1
    (email,) = mail.outbox
    assert email.to == ["bob@example.com"]
    assert alice.public_name in email.subject and "2 new messages" in email.subject
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert "555 0198" not in body and "415" not in body
        assert "contact details hidden" in body
        assert "Any news?" in body
        assert f"/inbox/{conversation.pk}/" in body


def test_it_is_not_sent_twice(conversation, alice, send, later):
    send(conversation, alice, "Hello")
    assert run(later) == 1
    assert run(later + timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1


def test_a_later_message_gets_its_own_email_listing_only_what_is_new(
    conversation, alice, send, later
):
    send(conversation, alice, "first note")
    run(later)
    with time_machine.travel(later):
        send(conversation, alice, "second note")
    assert run(later + timedelta(minutes=11)) == 1
    assert "second note" in mail.outbox[1].body and "first note" not in mail.outbox[1].body


def test_recent_messages_wait(conversation, alice, send):
    send(conversation, alice, "Hello")
    assert run(timezone.now() + timedelta(minutes=5)) == 0
    assert mail.outbox == []


def test_read_messages_are_not_sent(conversation, alice, bob, send, later):
    send(conversation, alice, "Hello")
    mark_read(conversation=conversation, user=bob, seq=1)
    assert run(later) == 0


def test_own_messages_are_not_sent_to_oneself(conversation, bob, send, later):
    send(conversation, bob, "Hello Alice")
    assert run(later) == 1
    assert mail.outbox[0].to == ["alice@example.com"]


def test_muted_conversations_are_skipped(conversation, alice, bob, send, later):
    services.update_participant(conversation=conversation, user=bob, muted=True)
    send(conversation, alice, "Hello")
    assert run(later) == 0


def test_online_users_are_skipped(conversation, alice, bob, send, later):
    send(conversation, alice, "Hello")
    presence.socket_opened(bob.pk)
    assert run(later) == 0
    presence.socket_closed(bob.pk)
    assert run(later) == 1


def test_names_and_bodies_are_escaped_in_the_html(bob, send, later):
    mallory = UserFactory(username="mallory")
    SellerProfileFactory(user=mallory, display_name="<b>Mal</b>")
    conversation = get_or_start_conversation(starter=bob, other=mallory)
    send(conversation, mallory, "<script>alert(1)</script>")
    run(later)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Mal</b>" not in html and "&lt;b&gt;Mal&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" in mail.outbox[0].body  # plain text shows it as text


def test_the_command_reports_what_it_sent(conversation, alice, send):
    send(conversation, alice, "Hello")
    out = StringIO()
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        call_command("send_unread_digests", stdout=out)
    assert "1 digest email(s) sent." in out.getvalue()
    out = StringIO()
    call_command("send_unread_digests", "--minutes=0", stdout=out)
    assert "0 digest email(s) sent." in out.getvalue()
