"""Issue 17, finding 3: an upload costs little before it is refused.

The rate limit comes before the body is parsed and before any content check; files stay on
disk (Django's temporary files), never read whole into memory; a request too large for the
limits, or past the process's cap on concurrent upload bytes, is answered before its body is
read. The memory figure (8 concurrent 24 MB uploads) is bench/uploads.py's."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client

from config.http_body import BODY_CHUNK, BodyQueue
from config.uploads import UploadGuard, reserved_upload_bytes
from inbox import files as inbox_files
from inbox.checks import AttachmentUpload, SendError, read_upload
from inbox.models import Message
from inbox.protocol import validate_server_frame

pytestmark = pytest.mark.django_db


def test_files_are_streamed_to_temporary_files(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert "django.core.files.uploadhandler.TemporaryFileUploadHandler" in (
        settings.FILE_UPLOAD_HANDLERS
    )


def test_an_upload_is_checked_from_its_file_never_read_whole():
    upload = TemporaryUploadedFile("notes.txt", "text/plain", 0, "utf-8")
    upload.write(b"plain words\n" * 1000)
    upload.flush()
    upload.size = upload.tell()

    def read_all(*args):
        if not args or args[0] in (-1, None):
            raise AssertionError("the whole file was read into memory")
        return original_read(*args)

    original_read = upload.file.read
    upload.file.read = read_all
    attachment = read_upload(upload)
    assert not isinstance(attachment.content, bytes)
    from inbox.checks import check_attachment

    checked = check_attachment(attachment)
    assert checked.size == 12000 and checked.content_type == "text/plain"


def test_the_content_check_comes_after_the_rate_limit(
    conversation, bob, send, settings, monkeypatch
):
    settings.GIGBOX_SEND_RATE_LIMIT = 1
    send(conversation, bob, "first")
    monkeypatch.setattr(
        inbox_files,
        "detect_content_type",
        lambda *a: (_ for _ in ()).throw(AssertionError("content checked for a limited user")),
    )
    with pytest.raises(SendError) as info:
        send(conversation, bob, "", attachments=[AttachmentUpload("a.txt", b"words")])
    assert info.value.code == "rate_limited"


def test_a_refused_file_does_not_use_up_the_limit(conversation, bob, send, settings):
    settings.GIGBOX_SEND_RATE_LIMIT = 1
    with pytest.raises(SendError) as info:
        send(
            conversation,
            bob,
            "",
            attachments=[AttachmentUpload("x.exe", b"MZ\x90\x00" + b"\0" * 60)],
        )
    assert info.value.code == "invalid_attachment"
    send(conversation, bob, "still allowed")
    assert Message.objects.count() == 1


@pytest.mark.parametrize("path", ["api", "form"])
def test_a_limited_user_is_refused_before_the_body_is_parsed(
    conversation, bob, send, settings, monkeypatch, path
):
    settings.GIGBOX_SEND_RATE_LIMIT = 1
    send(conversation, bob, "first")
    monkeypatch.setattr(
        MultiPartParser, "parse", lambda self: (_ for _ in ()).throw(AssertionError("parsed"))
    )
    client = Client(enforce_csrf_checks=True)  # CSRF's check reads the form: it must not
    client.force_login(bob, backend="moderation.auth.NotSuspendedModelBackend")
    client.get(f"/inbox/{conversation.pk}/")
    form = {
        "client_id": "limited-upload-1",
        "body": "x",
        "files": [SimpleUploadedFile("a.txt", b"words", content_type="text/plain")],
    }
    url = (
        f"/api/inbox/conversations/{conversation.pk}/messages/"
        if path == "api"
        else f"/inbox/{conversation.pk}/send/"
    )
    response = client.post(url, form, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    if path == "api":
        assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    else:
        assert response.status_code == 302
    assert Message.objects.count() == 1


class _Receiver:
    def __init__(self):
        self.calls = 0

    async def __call__(self):
        self.calls += 1
        return {"type": "http.request", "body": b"", "more_body": False}


def _upload_scope(length: int) -> dict:
    return {
        "type": "http",
        "method": "POST",
        "path": "/api/inbox/conversations/1/messages/",
        "headers": [
            (b"content-type", b"multipart/form-data; boundary=x"),
            (b"content-length", str(length).encode()),
        ],
    }


async def _run(guard, scope):
    sent: list[dict] = []
    receive = _Receiver()

    async def send(message):
        sent.append(message)

    await guard(scope, receive, send)
    return sent, receive


async def test_a_body_over_the_request_limit_is_refused_unread(settings):
    settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    async def app(scope, receive, send):
        raise AssertionError("the app saw an oversized request")

    sent, receive = await _run(UploadGuard(app), _upload_scope(1001))
    assert sent[0]["status"] == 413 and receive.calls == 0


async def test_the_process_cap_on_concurrent_upload_bytes(settings):
    settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES = 10_000
    settings.GIGBOX_UPLOAD_CONCURRENT_BYTES = 15_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    inner: list[dict] = []

    async def app(scope, receive, send):
        # While this upload runs, a second one that would pass the cap is refused.
        assert reserved_upload_bytes() == 10_000
        refused, _ = await _run(UploadGuard(app), _upload_scope(6000))
        inner.extend(refused)
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent, _ = await _run(UploadGuard(app), _upload_scope(10_000))
    assert sent[0]["status"] == 201
    assert inner[0]["status"] == 503 and (b"retry-after", b"1") in inner[0]["headers"]
    assert reserved_upload_bytes() == 0
    busy = json.loads(inner[1]["body"])
    validate_server_frame(busy, over_http=True)
    assert (busy["code"], busy["retry_after"]) == ("unavailable", 1)


async def test_the_guards_answers_are_the_protocols_errors(settings):
    """docs/protocol.md, "Limits on files": the 413 and 503 bodies are error objects."""
    settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES = 1000
    settings.GIGBOX_UPLOAD_CONCURRENT_BYTES = 0
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    too_big, _ = await _run(UploadGuard(None), _upload_scope(1001))
    body = json.loads(too_big[1]["body"])
    validate_server_frame(body, over_http=True)
    assert (too_big[0]["status"], body["code"], body["limit"]) == (413, "invalid_attachment", 1000)


def _daphne_request(app, body: bytes, content_type: bytes):
    """A request as the server process's daphne receives it (Twisted has the whole body in
    its file), handed to `app` through daphne's own WebRequest.process."""
    import argparse
    import tempfile
    from types import SimpleNamespace

    from daphne.http_protocol import HTTPFactory
    from twisted.web.test.requesthelper import DummyChannel

    from config.server import build_server

    args = argparse.Namespace(host="127.0.0.1", port=0, shutdown_timeout=1, proxy_headers=False)
    server = build_server(args, application=app)
    server.connections, server.http_factory = {}, HTTPFactory(server)  # as Server.run does
    request_factory = server._build_http_protocol(None).requestFactory
    channel = DummyChannel()
    channel.factory = SimpleNamespace(server=server)
    request = request_factory(channel)
    request.requestHeaders.setRawHeaders(b"content-type", [content_type])
    # Twisted's file for a body past 100 KB; the request closes it (its queue does).
    request.content = tempfile.TemporaryFile()  # noqa: SIM115
    request.content.write(body)
    request.requestReceived(b"POST", b"/api/inbox/conversations/1/messages/", b"HTTP/1.1")
    return server, request


async def test_the_server_hands_the_body_over_as_the_app_reads_it():
    """Issue 17 #3, upload memory (bench/uploads.py: 8 concurrent 24 MB uploads peaked at
    544 MB): Twisted no longer parses the multipart body itself (several whole copies), and
    daphne no longer queues the whole body in memory before the app reads any of it."""
    boundary = b"b0undary"
    content = b"plain words for a long brief.\n" * 40_000  # 1.2 MB
    body = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="files"; '
        b'filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n' + content + b"\r\n--" + boundary
        + b"--\r\n"
    )  # fmt: skip
    received: list[int] = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            received.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                return

    server, request = _daphne_request(app, body, b"multipart/form-data; boundary=" + boundary)
    assert request.args == {}  # Twisted kept no parsed copy of the form
    queued = request.application_queue.qsize()
    assert queued == 0, f"{queued} body messages queued before the app read one"
    await server.connections[request]["application_instance"]
    assert sum(received) == len(body) and max(received) <= 64 * 1024


async def test_a_disconnect_ends_the_body_and_closes_its_file():
    """Issue 17 #3: the body's file is closed when the client goes (or the response ends);
    daphne's own body messages are not passed on, its disconnect is."""
    body = io.BytesIO(b"x" * (BODY_CHUNK * 3))
    queue = BodyQueue(body)
    first = await queue.get()
    assert first["more_body"] and len(first["body"]) == BODY_CHUNK and body.tell() == BODY_CHUNK
    queue.put_nowait({"type": "http.request", "body": b"", "more_body": False})
    queue.put_nowait({"type": "http.disconnect"})
    assert body.closed and queue.qsize() == 1
    assert (await queue.get())["type"] == "http.disconnect"


# daphne.server.Server.create_application as config.server copies it (daphne 4.2.3).
DAPHNE_CREATE_APPLICATION_SHA256 = (
    "f1e300b4ecf636c85e1a66250e32af2ebb67728f01919678d43e80c794a79a87"
)


def test_the_copied_create_application_is_daphnes_current_one():
    """config/server.py copies daphne's create_application (no hook supplies the queue): an
    upgrade that changes the original fails here until the copy is checked against it."""
    import hashlib
    import inspect

    from daphne.server import Server

    source = inspect.getsource(Server.create_application)
    assert hashlib.sha256(source.encode()).hexdigest() == DAPHNE_CREATE_APPLICATION_SHA256, (
        "daphne's create_application changed: compare it with "
        "config.server.GracefulServer._create_http_application, then update the digest"
    )
