"""Request bodies from daphne to the application one chunk at a time, never whole in memory.

daphne 4.2 on Twisted, as shipped, holds every upload in memory (docs/benchmarks.md,
"Uploads"):
- Twisted parses a multipart or urlencoded POST itself into `request.args`, which daphne never
  reads, holding several whole copies of the body at once (`GigboxWebRequest` turns this off
  with Twisted's `parsePOSTFormSubmission=False`);
- once Twisted has received the body (in a temporary file past 100 KB), daphne reads all of
  it into the application's queue as 8 KB messages before the application reads any, so each
  request in flight holds its body in memory. `BodyQueue` instead reads the next chunk from
  Twisted's file when the application asks for it.

A body over GIGBOX_UPLOAD_REQUEST_MAX_BYTES is refused while it arrives: as soon as its
Content-Length (or, chunked, the bytes counted so far) is over the limit, the 413 goes out
(the same body as config.uploads' guard), the rest is read and dropped, never stored, and the
connection is closed once the client has had LINGER_SECONDS to read the answer (closing at
once, with the upload still arriving, would reset the connection and lose the answer).
"""

# daphne.server installs Twisted's asyncio reactor: it must be imported before Twisted.
import daphne.server  # noqa: F401  # isort:skip

import asyncio
import io
import json
from typing import IO, Any

from daphne.http_protocol import WebRequest
from django.conf import settings
from twisted.internet import reactor

from config.uploads import too_large_error

__all__ = ["BODY_CHUNK", "BodyQueue", "GigboxWebRequest"]

BODY_CHUNK = 64 * 1024
LINGER_SECONDS = 2.0


class GigboxWebRequest(WebRequest):
    """daphne's HTTP request, without Twisted's form parsing; the body stays in its file."""

    _refused = False  # answered 413 while the body arrived: the rest is dropped
    _received = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["parsePOSTFormSubmission"] = False
        super().__init__(*args, **kwargs)

    def gotLength(self, length: int | None) -> None:
        """The headers are in: a declared length over the limit is refused before the body."""
        if length is not None and length > settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES:
            self._refuse_too_large()
            length = 0  # a buffer for nothing: the body is dropped
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        if self._refused:
            return
        self._received += len(data)
        if self._received > settings.GIGBOX_UPLOAD_REQUEST_MAX_BYTES:  # chunked, or lying
            self._refuse_too_large()
            return
        super().handleContentChunk(data)

    def process(self) -> Any:
        if self._refused:
            return None  # answered already; no application runs for it
        return super().process()

    def _refuse_too_large(self) -> None:
        """Write the 413 now, then half-close: the client reads it while its upload is
        dropped; the connection is aborted after LINGER_SECONDS if the client keeps sending."""
        self._refused = True
        self.requestHeaders.removeHeader(b"Expect")  # no "100 Continue" after the refusal
        body = json.dumps(too_large_error()).encode()
        head = (
            b"HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
        )
        transport = self.channel.transport
        transport.write(head + body)
        if hasattr(transport, "loseWriteConnection"):
            transport.loseWriteConnection()
            reactor.callLater(LINGER_SECONDS, _abort, transport)
        else:
            transport.loseConnection()

    def take_body(self) -> IO[bytes]:
        """The received body's file, for the application's queue; daphne then reads an
        empty body (its eager copy) and Twisted closes only the empty stand-in."""
        body, self.content = self.content, io.BytesIO()
        return body


def _abort(transport: Any) -> None:
    if getattr(transport, "connected", False):
        transport.abortConnection()


class BodyQueue(asyncio.Queue):
    """One HTTP request's input queue (the application's `receive` is its `get`): the body's
    chunks, read from the file as the application asks, then what daphne puts (its
    `http.disconnect`). The file is closed at its end or at the disconnect."""

    def __init__(self, body: IO[bytes]) -> None:
        super().__init__()
        self._body: IO[bytes] | None = body

    def put_nowait(self, item: dict[str, Any]) -> None:
        if item.get("type") == "http.request":
            return  # daphne's copy of the body (empty: see take_body); it comes from the file
        if item.get("type") == "http.disconnect":
            self._close_body()
        super().put_nowait(item)

    async def get(self) -> dict[str, Any]:
        if self._body is None:
            return await super().get()
        try:
            chunk = self._body.read(BODY_CHUNK)
        except ValueError:  # closed under us: the request is over
            self._close_body()
            return {"type": "http.disconnect"}
        more_body = len(chunk) == BODY_CHUNK
        if not more_body:
            self._close_body()
        return {"type": "http.request", "body": chunk, "more_body": more_body}

    def _close_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None
