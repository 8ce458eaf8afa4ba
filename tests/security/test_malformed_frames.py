"""S16/S20/R9: malformed frames get an `error` frame (or the documented close), never a server
exception, a traceback or a row; error pages and frames leak no stack trace or ids."""

from __future__ import annotations

import json
import logging

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from inbox.models import Message
from inbox.tests.ws import open_socket, receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def w(transactional_db):
    from tests.security.conftest import build_world

    return build_world()


def deep(n: int) -> str:
    return "[" * n + "]" * n


FRAMES = [
    ("text", "not json at all", "invalid_json"),
    ("text", "[1, 2, 3]", "invalid_json"),
    ("text", '"a string"', "invalid_json"),
    ("text", "null", "invalid_json"),
    ("text", '{"type": "message.send"', "invalid_json"),
    ("text", json.dumps({"no": "type"}), "unknown_type"),
    ("text", json.dumps({"type": "launch.missiles"}), "unknown_type"),
    ("text", json.dumps({"type": 42}), "unknown_type"),
    ("text", json.dumps({"type": "message.send"}), "invalid_frame"),
    (
        "text",
        json.dumps(
            {"type": "message.send", "conversation_id": "1", "client_id": "abcdefgh", "body": "x"}
        ),
        "invalid_frame",
    ),
    (
        "text",
        json.dumps(
            {"type": "message.send", "conversation_id": True, "client_id": "abcdefgh", "body": "x"}
        ),
        "invalid_frame",
    ),
    (
        "text",
        json.dumps(
            {"type": "message.send", "conversation_id": 1, "client_id": 12345678, "body": "x"}
        ),
        "invalid_frame",
    ),
    (
        "text",
        json.dumps(
            {"type": "message.send", "conversation_id": 1, "client_id": "short", "body": "x"}
        ),
        "invalid_frame",
    ),
    (
        "text",
        json.dumps(
            {"type": "message.send", "conversation_id": 1, "client_id": "abcdefgh", "body": ["x"]}
        ),
        "invalid_frame",
    ),
    (
        "text",
        json.dumps(
            {
                "type": "message.send",
                "conversation_id": 1,
                "client_id": "abcdefgh",
                "body": {"$gt": ""},
            }
        ),
        "invalid_frame",
    ),
    ("text", json.dumps({"type": "read", "conversation_id": 1, "seq": "all"}), "invalid_frame"),
    ("text", json.dumps({"type": "sync", "conversations": [1, 2]}), "invalid_frame"),
    ("text", json.dumps({"type": "sync", "conversations": {"1; DROP TABLE": 0}}), "invalid_frame"),
    ("text", json.dumps({"type": "sync", "conversations": {"1": -5}}), "invalid_frame"),
    (
        "text",
        json.dumps({"type": "ping"}).replace("}", ', "x": "\\u0000"}'),
        None,
    ),  # escaped NUL in an ignored field
    ("text", '{"type": "ping\x00"}', "invalid_json"),  # raw NUL
    ("bytes", b"\xff\xfe\xfd not utf-8", "invalid_json"),
    ("bytes", json.dumps({"type": "ping"}).encode("utf-16"), "invalid_json"),
    ("text", deep(50_000)[:60_000], "invalid_json"),  # deeply nested (and unbalanced)
    ("text", "[" * 20_000 + "]" * 20_000, "invalid_json"),  # deeply nested, balanced
    (
        "text",
        '{"type": "ping", "a": ' + "[" * 15_000 + "]" * 15_000 + "}",
        None,
    ),  # nested inside an object
]


@pytest.mark.parametrize(
    ("kind", "raw", "code"), FRAMES, ids=[f"{i}-{c}" for i, (_, _, c) in enumerate(FRAMES)]
)
async def test_a_malformed_frame_gets_an_error_and_the_socket_stays_usable(
    w, caplog, kind, raw, code
):
    caplog.set_level(logging.WARNING)
    tab = await open_socket(w.bob)
    before = await database_sync_to_async(Message.objects.count)()
    if kind == "text":
        await tab.send_to(text_data=raw)
    else:
        await tab.send_to(bytes_data=raw)
    frame = await receive(tab)
    if code is None:  # a frame the parser accepts: answered normally
        assert frame["type"] in ("pong", "error"), frame
    else:
        assert frame["type"] == "error" and frame["code"] == code, frame
        assert "Traceback" not in frame["message"] and 'File "' not in frame["message"]
        assert str(w.alice.pk) not in frame["message"].split()
    await tab.send_to(text_data=json.dumps({"type": "ping"}))  # still usable
    assert (await receive(tab))["type"] == "pong"
    await tab.disconnect()
    assert await database_sync_to_async(Message.objects.count)() == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], [
        r.getMessage() for r in caplog.records
    ]


async def test_a_nul_inside_the_body_is_refused_and_stores_nothing(w):
    tab = await open_socket(w.bob)
    await tab.send_to(
        text_data=json.dumps(
            {
                "type": "message.send",
                "conversation_id": w.general.pk,
                "client_id": "nul-body-1",
                "body": "a\u0000b",
            }
        )
    )
    frame = await receive(tab)
    assert (
        frame["type"] == "error"
        and frame["code"] == "invalid_frame"
        and frame["client_id"] == "nul-body-1"
    )
    assert not await database_sync_to_async(Message.objects.filter(client_id="nul-body-1").exists)()
    await tab.disconnect()


@pytest.mark.parametrize("size", [64 * 1024 + 1, 1024 * 1024])
async def test_an_oversize_frame_closes_with_1009_and_stores_nothing(w, size, caplog):
    tab = await open_socket(w.bob)
    frame = json.dumps(
        {
            "type": "message.send",
            "conversation_id": w.general.pk,
            "client_id": "oversize-1",
            "body": "x" * size,
        }
    )
    await tab.send_to(text_data=frame)
    output = await tab.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 1009}
    assert not await database_sync_to_async(Message.objects.filter(client_id="oversize-1").exists)()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_consumer_exception_gives_no_traceback_to_the_client(w, monkeypatch):
    """A bug in a handler: the client sees no stack trace, no SQL and no ids in any frame."""
    from inbox import consumers

    async def broken(self, frame):
        raise RuntimeError("SELECT secret FROM inbox_message WHERE sender_id = 4242")

    monkeypatch.setattr(consumers.InboxConsumer, "on_ping", broken)
    tab = await open_socket(w.bob)
    await tab.send_to(text_data=json.dumps({"type": "ping"}))
    outputs = []
    try:
        while True:
            outputs.append(await tab.receive_output(timeout=1))
    except Exception:
        pass
    text = json.dumps(outputs)
    for leak in ("Traceback", "SELECT", "4242", "RuntimeError"):
        assert leak not in text, outputs


@pytest.mark.parametrize(
    "path", ["/no/such/page/", "/inbox/987654/", "/api/inbox/conversations/987654/messages/"]
)
def test_error_pages_are_generic(w, path, settings):
    settings.DEBUG = False
    client = Client()
    client.force_login(w.charlie, backend="moderation.auth.NotSuspendedModelBackend")
    response = client.get(path)
    assert response.status_code == 404
    for leak in (
        b"Traceback",
        b"Django",
        b"urlpatterns",
        str(w.alice.pk).encode() + b'"',
        b"DEBUG",
    ):
        assert leak not in response.content, (path, leak)


def test_a_500_page_is_generic(w, settings, monkeypatch):
    settings.DEBUG = False
    from inbox import views

    def explode(*args, **kwargs):
        raise RuntimeError("secret detail 4242")

    monkeypatch.setattr(views, "inbox_context", explode)
    client = Client(raise_request_exception=False)
    client.force_login(w.bob, backend="moderation.auth.NotSuspendedModelBackend")
    response = client.get("/inbox/")
    assert response.status_code == 500
    assert (
        b"secret detail" not in response.content
        and b"Traceback" not in response.content
        and b"4242" not in response.content
    )
