"""Reporting a message: the page behind the thread's Report link and the JSON endpoint.

Both moved here from the inbox with the report service (inbox/tests/test_views_actions.py,
inbox/tests/test_api.py) and keep their paths: /inbox/messages/<id>/report/ and
/api/inbox/messages/<id>/report/.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import resolve, reverse

from inbox.models import Message
from moderation import api, views
from moderation.models import FlagReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_bob(client, bob):
    client.force_login(bob)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"moderation:{name}", kwargs=kwargs)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


def post_json(client: Client, url: str, data: dict, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def test_the_report_urls_keep_the_inboxs_paths():
    assert url("report", message_id=7) == "/inbox/messages/7/report/"
    assert url("report_api", message_id=7) == "/api/inbox/messages/7/report/"
    assert resolve("/inbox/messages/7/report/").func is views.report
    assert resolve("/api/inbox/messages/7/report/").func is api.report


def test_the_threads_report_link_opens_the_report_page(as_bob, conversation, alice, send):
    message = send(conversation, alice, "hello bob").message
    thread = reverse("inbox:thread", kwargs={"conversation_id": conversation.pk})
    page = as_bob.get(thread).content.decode()
    assert f'href="{url("report", message_id=message.pk)}"' in page
    assert as_bob.get(url("report", message_id=message.pk)).status_code == 200


# The report page ---------------------------------------------------------------------------


def test_report_a_message_of_the_other_person(as_bob, conversation, alice, bob, send):
    message = send(conversation, alice, "buy followers here").message
    assert as_bob.get(url("report", message_id=message.pk)).status_code == 200
    response = as_bob.post(
        url("report", message_id=message.pk), {"reason": "spam", "note": "Not about my order"}
    )
    assert response.status_code == 302
    report = FlagReport.objects.get()
    assert (report.reporter, report.reason, report.flag.message) == (bob, "spam", message)


def test_a_report_needs_a_reason(as_bob, conversation, alice, send):
    message = send(conversation, alice, "hello").message
    response = as_bob.post(url("report", message_id=message.pk), {"note": "?"})
    assert response.status_code == 200
    assert not FlagReport.objects.exists()


def test_one_cannot_report_ones_own_message(as_bob, conversation, bob, send):
    message = send(conversation, bob, "hello").message
    assert as_bob.get(url("report", message_id=message.pk)).status_code == 404


def test_the_report_page_shows_the_delivered_text_only(as_bob, conversation, alice, send):
    message = send(conversation, alice, "<b>mail</b> alice.private@example.org").message
    page = as_bob.get(url("report", message_id=message.pk)).content.decode()
    assert "alice.private" not in page
    assert "&lt;b&gt;mail&lt;/b&gt;" in page


def test_an_outsider_gets_404_from_the_report_page(client, conversation, alice, charlie, send):
    message = send(conversation, alice, "hello bob").message
    client.force_login(charlie)
    for target in (url("report", message_id=message.pk), url("report", message_id=999999)):
        assert client.post(target, {"reason": "spam"}).status_code == 404, target
    assert client.get(url("report", message_id=message.pk)).status_code == 404
    assert Message.objects.count() == 1
    assert not FlagReport.objects.exists()


def test_the_report_form_needs_login(client):
    response = client.post(url("report", message_id=1), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The JSON endpoint -------------------------------------------------------------------------


def test_report_a_message_of_the_other_side(conversation, alice, bob, charlie, send):
    message = send(conversation, alice, "buy followers here").message
    url = f"/api/inbox/messages/{message.pk}/report/"
    assert (
        post_json(client_for(bob), url, {"reason": "spam", "note": "unsolicited"}).status_code
        == 201
    )
    assert FlagReport.objects.get().flag.message_id == message.pk
    assert post_json(client_for(bob), url, {"reason": "nonsense"}).status_code == 400
    assert post_json(client_for(alice), url, {"reason": "spam"}).status_code == 404  # not one's own
    outsider = post_json(client_for(charlie), url, {"reason": "spam"})
    missing = post_json(
        client_for(charlie), "/api/inbox/messages/987654/report/", {"reason": "spam"}
    )
    assert (
        outsider.status_code == missing.status_code == 404 and outsider.content == missing.content
    )
