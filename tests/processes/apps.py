"""A small ASGI application for the graceful-shutdown tests, independent of the inbox.

It follows the hooks the real consumer and writer are asked to use (config/lifecycle.py):
- `/ws/writer/`: a consumer whose sends go through a per-process batching "writer" that
  commits (appends to the file named by GIGBOX_TEST_COMMIT_LOG) every 200 ms and acks after
  the commit, like inbox/writer.py. The writer registers a DRAIN hook that flushes; each
  consumer registers a CLOSE hook that closes with 1001; connects during shutdown are
  refused and sends during shutdown get `unavailable` (the client resends elsewhere).
- `/ws/plain/`: a consumer with no hooks at all: the server itself must close it with 1001.
- HTTP `/slow/`: answers after 1 s (a request in flight during a shutdown);
  everything else: config.asgi (HTTP: /healthz, /readyz).
"""

from __future__ import annotations

import asyncio
import json
import os

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from config import lifecycle
from config.asgi import django_asgi_app
from config.logging import log_socket_event

COMMIT_EVERY = 0.2


class BatchingWriter:
    """Gathers sends, "commits" them in one append, then acks each sender."""

    def __init__(self) -> None:
        self.queue: list[tuple[AsyncJsonWebsocketConsumer, str]] = []
        self.task: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.ensure_future(self._run())
            lifecycle.on_shutdown(self.drain, stage=lifecycle.DRAIN)

    async def drain(self) -> None:
        # GIGBOX_TEST_DRAIN_DELAY stretches the drain so that tests can look inside it.
        await asyncio.sleep(float(os.environ.get("GIGBOX_TEST_DRAIN_DELAY") or 0))
        await self.flush()

    def submit(self, consumer: AsyncJsonWebsocketConsumer, client_id: str) -> None:
        self.queue.append((consumer, client_id))

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(COMMIT_EVERY)
            await self.flush()

    async def flush(self) -> None:
        async with self.lock:
            batch, self.queue = self.queue, []
            if not batch:
                return
            with open(os.environ["GIGBOX_TEST_COMMIT_LOG"], "a") as log:
                log.write("".join(json.dumps(client_id) + "\n" for _, client_id in batch))
                log.flush()
                os.fsync(log.fileno())
            for consumer, client_id in batch:  # acks only after the commit
                await consumer.send_json({"type": "ack", "client_id": client_id})


writer = BatchingWriter()


class WriterConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        if lifecycle.is_shutting_down():
            await self.close()  # refused: the client retries through the proxy
            return
        writer.start()
        self.shutdown_hook = lifecycle.on_shutdown(self.close_going_away, stage=lifecycle.CLOSE)
        await self.accept()
        log_socket_event("connect", scope=self.scope)

    async def close_going_away(self):
        await self.close(code=1001)

    async def disconnect(self, code):
        self.shutdown_hook.cancel()
        log_socket_event("disconnect", scope=self.scope, code=code)

    async def receive_json(self, content, **kwargs):
        if lifecycle.is_shutting_down():
            await self.send_json(
                {"type": "error", "code": "unavailable", "client_id": content["client_id"]}
            )
            return
        writer.submit(self, content["client_id"])


class PlainConsumer(AsyncJsonWebsocketConsumer):
    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "echo", **content})


async def http_app(scope, receive, send):
    if scope["path"] != "/slow/":
        return await django_asgi_app(scope, receive, send)
    await asyncio.sleep(1.0)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"finished"})


application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": URLRouter(
            [
                path("ws/writer/", WriterConsumer.as_asgi()),
                path("ws/plain/", PlainConsumer.as_asgi()),
            ]
        ),
    }
)
