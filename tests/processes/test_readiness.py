"""/readyz of a real server process follows Redis: 503 naming the check while a (private)
Redis is down, 200 again once it is back. /healthz does not care."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from harness.servers import database_url_for
from tests.processes.conftest import http_get, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_readyz_is_503_while_redis_is_down_and_200_when_it_is_back(private_redis, app_process):
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "REDIS_URL": private_redis.url,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = app_process(env=env)

    status, _, body = http_get(f"{server.url}/readyz")
    assert status == 200, body
    assert body["checks"] == {"database": "ok", "redis": "ok", "migrations": "ok", "process": "ok"}

    private_redis.stop()
    status, _, body = http_get(f"{server.url}/readyz")
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"].startswith("error: ") and body["checks"]["database"] == "ok"
    assert http_get(f"{server.url}/healthz")[0] == 200  # alive, only not ready

    private_redis.start()  # again on the same port; the fixture stops it by PID
    wait_until(
        lambda: http_get(f"{server.url}/readyz")[0] == 200,
        timeout=10,
        message="/readyz back to 200",
    )
