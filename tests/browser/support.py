"""Helpers shared by the browser tests."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connection

T = TypeVar("T")


def off_loop(function: Callable[..., T], /, **kwargs: Any) -> T:
    """Call a service from a worker thread, not from the test thread where Playwright's
    event loop runs (services push frames with async_to_sync after commit).

    The thread's database connection is closed before the thread ends: with PostgreSQL's
    connection pool, a connection left open by a finished thread is never given back.
    """

    def call() -> T:
        try:
            return function(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()
