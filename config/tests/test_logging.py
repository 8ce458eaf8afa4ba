"""Request and socket logs (config/logging.py): one line each, request ids, and nothing
sensitive: no message bodies, contact details, passwords or reset keys, whatever the path."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
import sys
from copy import deepcopy

import pytest
from django.conf import settings as django_settings

from config.logging import (
    JsonFormatter,
    PlainFormatter,
    SensitiveDataFilter,
    clean_request_id,
    log_socket_event,
    scrub_text,
)

PHONE = "+44 7700 900123"
EMAIL = "bob.buyer@example.com"


@pytest.fixture
def captured(settings):
    """The real LOGGING (handler, filter, JSON formatter) writing into a buffer."""
    stream = io.StringIO()
    config = deepcopy(django_settings.LOGGING)
    config["handlers"]["console"]["stream"] = stream
    config["handlers"]["console"]["formatter"] = "json"
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(django_settings.LOGGING)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_one_json_line_per_request_with_id_method_path_status_and_duration(client, captured):
    response = client.get("/healthz?token=abc123", HTTP_X_REQUEST_ID="req-from-nginx-0001")
    assert response["X-Request-ID"] == "req-from-nginx-0001"
    [entry] = [e for e in lines(captured) if e["logger"] == "gigbox.request"]
    assert entry["request_id"] == "req-from-nginx-0001"
    assert entry["method"] == "GET" and entry["path"] == "/healthz" and entry["status"] == 200
    assert entry["duration_ms"] >= 0 and entry["user_id"] is None
    assert "abc123" not in captured.getvalue()


def test_an_odd_request_id_is_replaced_not_trusted():
    assert clean_request_id("req-from-nginx-0001") == "req-from-nginx-0001"
    for odd in ("", "short", "x" * 65, "evil\nINFO forged line", "a b c d e f g h"):
        replaced = clean_request_id(odd)
        assert replaced != odd and len(replaced) == 32


@pytest.mark.django_db
def test_the_user_id_is_logged_when_the_request_looked_the_user_up(
    client, captured, django_user_model
):
    alice = django_user_model.objects.create_user(
        username="alice", email="alice@example.com", password="x" * 12
    )
    client.force_login(alice, backend="moderation.auth.NotSuspendedModelBackend")
    client.get("/")
    [entry] = [e for e in lines(captured) if e["logger"] == "gigbox.request"]
    assert entry["user_id"] == alice.pk
    assert "alice@example.com" not in captured.getvalue()


@pytest.mark.django_db
def test_a_password_reset_leaves_no_email_key_or_password_in_the_logs(
    client, captured, django_user_model, mailoutbox
):
    django_user_model.objects.create_user(username="bob", email=EMAIL, password="old-password-123")
    client.post("/accounts/password/reset/", {"email": EMAIL})
    [mail] = mailoutbox
    reset_path = next(word for word in mail.body.split() if "/password/reset/key/" in word)
    reset_path = reset_path[reset_path.index("/accounts/") :]
    key = reset_path.rstrip("/").rsplit("/", 1)[1]
    response = client.get(reset_path, follow=True)
    client.post(
        response.request["PATH_INFO"],
        {"password1": "New-pass-4567!", "password2": "New-pass-4567!"},
    )
    logged = captured.getvalue()
    assert "gigbox.request" in logged and "/password/reset/key/[filtered]" in logged
    assert EMAIL not in logged and key not in logged
    assert "New-pass-4567!" not in logged and "old-password-123" not in logged


@pytest.mark.django_db
def test_a_message_with_a_phone_number_is_not_logged(client, captured, django_user_model):
    """Whatever a view or a library logs about a send, the body and the number stay out."""
    from inbox.conversations import get_or_start_conversation
    from marketplace.tests.factories import SellerFactory, UserFactory

    alice, bob = SellerFactory(username="alice"), UserFactory(username="bob")
    conversation = get_or_start_conversation(starter=bob, other=alice)
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    body = f"call me on {PHONE} or mail {EMAIL}"
    response = client.post(
        f"/api/inbox/conversations/{conversation.pk}/messages/",
        data=json.dumps({"client_id": "log-test-0001", "body": body}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    # A careless log call with the body in it, from anywhere:
    logging.getLogger("inbox.anything").warning(
        "send failed for %s", body, extra={"body": body, "phone": PHONE}
    )
    logged = captured.getvalue()
    assert "gigbox.request" in logged  # the request itself was logged
    # Free text passed as a format argument cannot be told from anything else; its contact
    # details are scrubbed (and `body=` style keys masked) as a safety net.
    for secret in (PHONE, "7700 900123", "7700900123", EMAIL):
        assert secret not in logged


def test_sensitive_keys_are_masked_and_contact_details_scrubbed():
    record = logging.makeLogRecord(
        {
            "name": "x",
            "levelno": logging.INFO,
            "levelname": "INFO",
            "msg": "login %s with %s",
            "args": (EMAIL, "pw"),
            "password": "hunter2",
            "session_key": "abc",
            "body": "hello",
            "count": 3,
            "path": "/inbox/1234567/",
            "detail": {"token": "t0k", "note": f"ring {PHONE}"},
        }
    )
    assert SensitiveDataFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "login [email] with pw"
    assert entry["password"] == entry["session_key"] == entry["body"] == "[filtered]"
    assert entry["detail"] == {"token": "[filtered]", "note": "ring [phone]"}
    assert entry["count"] == 3 and entry["path"] == "/inbox/1234567/"  # ids stay readable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GET /accounts/password/reset/key/1a-abc123def/",
            "GET /accounts/password/reset/key/[filtered]/",
        ),
        ("/accounts/confirm-email/MTIz:1tXyz/", "/accounts/confirm-email/[filtered]/"),
        ("/search/?q=bob&page=2", "/search/?q=[filtered]&page=[filtered]"),
        ("whatsapp 07700 900 123 now", "whatsapp [phone] now"),
        ("until 2026-11-24 16:30:00 (id 1234567)", "until 2026-11-24 16:30:00 (id 1234567)"),
    ],
)
def test_scrub_text(text, expected):
    assert scrub_text(text) == expected


def test_an_exception_message_is_scrubbed_too(captured):
    try:
        raise ValueError(f"bad value {EMAIL}")
    except ValueError:
        logging.getLogger("x").exception("failed")
    assert EMAIL not in captured.getvalue() and "[email]" in captured.getvalue()


def test_socket_events_carry_request_id_path_user_and_code(captured):
    class User:
        pk, is_authenticated = 7, True

    scope = {
        "type": "websocket",
        "path": "/ws/inbox/",
        "headers": [(b"x-request-id", b"ws-req-000000001")],
        "user": User(),
    }
    log_socket_event("connect", scope=scope)
    log_socket_event("disconnect", scope=scope, code=1001, body="never logged")
    connect, disconnect = [e for e in lines(captured) if e["logger"] == "gigbox.socket"]
    assert (
        connect["event"] == "connect"
        and connect["user_id"] == 7
        and connect["request_id"] == "ws-req-000000001"
    )
    assert (
        disconnect["code"] == 1001
        and disconnect["path"] == "/ws/inbox/"
        and disconnect["body"] == "[filtered]"
    )


@pytest.fixture
def captured_plain(settings):
    """The real LOGGING with its plain (default) formatter, writing into a buffer."""
    stream = io.StringIO()
    config = deepcopy(django_settings.LOGGING)
    config["handlers"]["console"]["stream"] = stream
    config["handlers"]["console"]["formatter"] = "plain"
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(django_settings.LOGGING)


def test_a_plain_request_line_ends_with_its_request_id(client, captured_plain):
    # An id that starts with nine digits: written into the message it would be scrubbed as a phone.
    request_id = "123456789abcdef0"
    client.get("/healthz", HTTP_X_REQUEST_ID=request_id)
    [line] = [line for line in captured_plain.getvalue().splitlines() if "gigbox.request" in line]
    assert re.search(rf" GET /healthz 200 [0-9.]+ms rid={request_id}$", line)
    assert "[phone]" not in line


def test_plain_socket_lines_carry_the_request_id_and_other_lines_none(captured_plain):
    scope = {
        "type": "websocket",
        "path": "/ws/inbox/",
        "headers": [(b"x-request-id", b"ws-req-000000001")],
    }
    log_socket_event("connect", scope=scope)
    logging.getLogger("gigbox.other").warning("no request here")
    socket_line, other_line = captured_plain.getvalue().splitlines()
    assert socket_line.endswith("rid=ws-req-000000001")
    assert other_line.endswith("gigbox.other no request here") and "rid=" not in other_line


def test_the_request_id_goes_before_a_traceback():
    record = logging.makeLogRecord(
        {"msg": "failed", "request_id": "req-from-nginx-0001", "levelname": "ERROR"}
    )
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    [line] = PlainFormatter("%(message)s").format(record).splitlines()  # one record, one line
    first, *rest = line.split("\\n")
    assert first == "failed rid=req-from-nginx-0001"
    assert rest[-1] == "ValueError: boom"
