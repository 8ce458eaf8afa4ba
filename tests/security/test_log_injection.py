"""S21 (ASVS 16.4.1): text from users - message bodies, usernames, paths, user agents, Origin
headers, frames - with CR/LF, ANSI escapes, NUL, U+2028 and other control characters never
makes a log record take more than one line, in the plain and in the JSON format, and never
reaches the log raw (config.logging.encode_controls, in the formatters).

Checked through the formatters directly, and through real requests and socket frames with a
handler built like settings.LOGGING's (the sensitive-data filter, then the formatter).
"""

from __future__ import annotations

import json
import logging
import sys
import uuid

import pytest
from django.test import Client

from config.logging import JsonFormatter, PlainFormatter, SensitiveDataFilter, encode_controls

PAYLOADS = [
    "line one\r\nINFO gigbox.request forged line",
    "lf only\nWARNING forged",
    "cr only\rERROR forged",
    "ansi \x1b[31mred\x1b[0m and \x1b]0;title\x07",
    "nul \x00 byte",
    "unicode line\u2028separator and paragraph\u2029separator",
    "nel\x85 vt\x0b ff\x0c fs\x1c gs\x1d rs\x1e del\x7f",
]
RAW_CONTROLS = [
    chr(c) for c in (*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
]
PLAIN_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s"


def assert_one_clean_line(text: str) -> None:
    assert len(text.splitlines()) == 1, text
    leaked = [hex(ord(c)) for c in text if c in RAW_CONTROLS]
    assert leaked == [], leaked


class Capture(logging.Handler):
    """The console handler of settings.LOGGING, writing to a string: records and lines."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter)
        self.addFilter(SensitiveDataFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(params=["plain", "json"])
def captured(request):
    formatter = PlainFormatter(PLAIN_FORMAT) if request.param == "plain" else JsonFormatter()
    handler = Capture(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


# The formatters --------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    "formatter", [PlainFormatter(PLAIN_FORMAT), JsonFormatter()], ids=["plain", "json"]
)
def test_a_record_is_one_line_whatever_its_message_fields_and_traceback(formatter, payload):
    record = logging.makeLogRecord(
        {
            "name": "gigbox.test",
            "levelname": "WARNING",
            "msg": "user said %s",
            "args": (payload,),
            "request_id": "req-00000001",
            "path": f"/inbox/{payload}/",
            "origin": payload,
            "username": payload,
        }
    )
    try:
        raise ValueError(payload)
    except ValueError:
        record.exc_info = sys.exc_info()
    SensitiveDataFilter().filter(record)
    line = formatter.format(record)
    assert_one_clean_line(line)
    if isinstance(formatter, JsonFormatter):
        entry = json.loads(line)
        assert (
            entry["origin"] == payload and entry["message"] == f"user said {payload}"
        )  # encoded, not lost
        assert entry["exc"].endswith(f"ValueError: {payload}")


def test_encode_controls_keeps_text_readable_and_tabs_alone():
    assert (
        encode_controls("a\r\nb\x1b[31mc\x00d\u2028e\tf") == "a\\r\\nb\\x1b[31mc\\x00d\\u2028e\tf"
    )
    assert encode_controls("plain text, ünïcödé ✓") == "plain text, ünïcödé ✓"


# Real requests and frames -------------------------------------------------------------------------


@pytest.mark.django_db
def test_paths_user_agents_and_login_names_through_real_requests(captured, django_user_model):
    django_user_model.objects.create_user(
        username="victim", email="victim@example.com", password="a-long-password-1"
    )
    # A header cannot carry CR, LF or NUL through a real server (h11 refuses them); the test
    # client can, which is the worse case for the log.
    client = Client(HTTP_USER_AGENT="Mozilla\r\nINFO forged \x1b[31m\u2028")
    for payload in PAYLOADS:
        client.get("/inbox/" + payload.replace("\x00", "%00") + "/", HTTP_X_REQUEST_ID=payload)
        client.post("/accounts/login/", {"login": payload, "password": payload})
    assert len(captured.lines) >= 2 * len(PAYLOADS)  # at least the request lines
    for line in captured.lines:
        assert_one_clean_line(line)
    assert sum("/inbox/" in line for line in captured.lines) >= len(
        PAYLOADS
    )  # the paths were logged, encoded


@pytest.mark.django_db(transaction=True)
async def test_origins_and_frames_through_a_real_socket(captured):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from inbox.tests.ws import connect, open_socket, receive, send
    from marketplace.tests.factories import UserFactory

    bob = await sync_to_async(UserFactory)(username="bob")
    for payload in PAYLOADS:
        communicator = WebsocketCommunicator(
            application, "/ws/inbox/", headers=[(b"origin", payload.encode("utf-8"))]
        )
        connected, _ = await communicator.connect(timeout=5)
        assert not connected  # refused, and recorded in the security log with the origin
    tab = await open_socket(bob)
    for payload in PAYLOADS:
        await send(tab, {"type": "sync", "conversations": {"987654": 0}, "note": payload})
        await receive(tab)
        await tab.send_to(text_data="{" + payload)  # not JSON
        await receive(tab)
        await send(
            tab,
            {
                "type": "message.send",
                "conversation_id": 987654,
                "client_id": uuid.uuid4().hex,
                "body": payload,
            },
        )
        await receive(tab)
    await tab.disconnect()
    communicator, _ = await connect(cookie="x\r\ny")
    await communicator.disconnect()
    security = [line for line in captured.lines if "gigbox.security" in line]
    assert len(security) >= 2 * len(PAYLOADS)  # the origins and the syncs at least
    for line in captured.lines:
        assert_one_clean_line(line)
