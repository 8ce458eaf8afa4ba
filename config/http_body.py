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
"""

# daphne.server installs Twisted's asyncio reactor: it must be imported before Twisted.
import daphne.server  # noqa: F401  # isort:skip

import asyncio
import io
from typing import IO, Any

from daphne.http_protocol import WebRequest

__all__ = ["BODY_CHUNK", "BodyQueue", "GigboxWebRequest"]

BODY_CHUNK = 64 * 1024


class GigboxWebRequest(WebRequest):
    """daphne's HTTP request, without Twisted's form parsing; the body stays in its file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["parsePOSTFormSubmission"] = False
        super().__init__(*args, **kwargs)

    def take_body(self) -> IO[bytes]:
        """The received body's file, for the application's queue; daphne then reads an
        empty body (its eager copy) and Twisted closes only the empty stand-in."""
        body, self.content = self.content, io.BytesIO()
        return body


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
