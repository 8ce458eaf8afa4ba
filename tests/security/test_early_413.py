"""Issue 17's leftover: a body over the request limit is refused while it arrives, not after
the server process has received all of it (config/http_body.py). Raw sockets against a live
server process (config.server, daphne)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
from django.db import connection

from harness.servers import DaphneServer, database_url_for

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 1024 * 1024  # GIGBOX_UPLOAD_REQUEST_MAX_BYTES of the server under test
ANSWER_SECONDS = 5.0


@pytest.fixture
def server(transactional_db, tmp_path) -> Iterator[DaphneServer]:
    live = DaphneServer(
        env={
            "DATABASE_URL": database_url_for(connection.settings_dict),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "GIGBOX_UPLOAD_REQUEST_MAX_BYTES": str(LIMIT),
        },
        log_path=tmp_path / "daphne.log",
    )
    live.start()
    yield live
    live.stop()


def _head(extra: bytes) -> bytes:
    return (
        b"POST /api/inbox/conversations/1/messages/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=b0undary\r\n" + extra + b"\r\n"
    )


def _answer(client: socket.socket) -> tuple[int, dict, float]:
    """(status, JSON body, seconds) of the answer, read until the server closes."""
    started = time.monotonic()
    client.settimeout(ANSWER_SECONDS)
    data = b""
    try:
        while chunk := client.recv(65536):
            data += chunk
    except TimeoutError:
        pass
    head, _, body = data.partition(b"\r\n\r\n")
    assert head, f"no answer within {ANSWER_SECONDS} s"
    return int(head.split()[1]), json.loads(body or b"{}"), time.monotonic() - started


def test_a_declared_length_over_the_limit_is_refused_before_the_body(server):
    declared = 40 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(_head(b"Content-Length: %d\r\n" % declared))
        client.sendall(b"x" * 65536)  # 64 KiB of 40 MiB: the rest is never sent
        status, body, seconds = _answer(client)
    assert status == 413 and seconds < ANSWER_SECONDS
    assert (body["code"], body["limit"]) == ("invalid_attachment", LIMIT)


def test_a_chunked_body_is_refused_once_its_bytes_pass_the_limit(server):
    piece = b"x" * 65536
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(_head(b"Transfer-Encoding: chunked\r\n"))
        for _ in range(LIMIT // len(piece) + 2):  # past the limit, never the final chunk
            client.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        status, body, _ = _answer(client)
    assert status == 413 and body["code"] == "invalid_attachment"


def test_the_server_still_answers_after_refusing(server):
    """The refused request left nothing behind: the next request is served."""
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(_head(b"Content-Length: %d\r\n" % (LIMIT + 1)))
        assert _answer(client)[0] == 413
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        client.settimeout(ANSWER_SECONDS)
        assert client.recv(65536).startswith(b"HTTP/1.1 ")
