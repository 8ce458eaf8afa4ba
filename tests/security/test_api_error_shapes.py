"""Issue 17 follow-up, problem 5: the JSON API answers its documented error shape
(docs/protocol.md, "HTTP (JSON)") where Django answered HTML, and a lone surrogate in a
report's note gets the usual validation wording, not a codec message."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from inbox.protocol import validate_server_frame

pytestmark = pytest.mark.django_db


def _json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.status_code
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    validate_server_frame(body, over_http=True)
    assert body["code"] == code
    return body


def test_a_missing_csrf_token_on_the_api_is_a_json_403(bob, conversation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    response = client.post(
        f"/api/inbox/conversations/{conversation.pk}/messages/",
        json.dumps({"client_id": "a" * 32, "body": "hi"}),
        content_type="application/json",
    )
    _json_error(response, 403, "csrf_failed")


def test_a_missing_csrf_token_elsewhere_keeps_the_html_page(bob, conversation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    response = client.post(f"/inbox/{conversation.pk}/state/", {"action": "star"})
    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")


def test_an_oversized_json_body_is_a_json_413(bob, conversation, settings):
    settings.DEBUG = False
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    body = json.dumps({"client_id": "a" * 32, "body": "x" * (3 * 1024 * 1024)})
    response = client.post(
        f"/api/inbox/conversations/{conversation.pk}/messages/",
        body,
        content_type="application/json",
    )
    _json_error(response, 413, "too_large")


def test_a_lone_surrogate_in_a_report_note_gets_the_usual_wording(bob, alice, conversation, send):
    message = send(conversation, alice, body="Pay me outside").message
    client = Client()
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    response = client.post(
        f"/api/inbox/messages/{message.pk}/report/",
        '{"reason": "spam", "note": "\\ud800 see"}',
        content_type="application/json",
    )
    body = _json_error(response, 400, "invalid_frame")
    assert body["message"] == "note: expected text (UTF-8, no NUL)."
    assert "codec" not in body["message"]
