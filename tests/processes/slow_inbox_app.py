"""config.asgi with a slow message store (0.5 s a batch), for the graceful-shutdown test of
the real inbox: a SIGTERM sent right after a send then always finds it in flight."""

from __future__ import annotations

import time

from config.asgi import application  # noqa: F401  (sets Django up first)
from inbox import writer

STORE_SECONDS = 0.5
_store = writer.send_messages


def _slow_send_messages(requests):
    time.sleep(STORE_SECONDS)
    return _store(requests)


writer.send_messages = _slow_send_messages
