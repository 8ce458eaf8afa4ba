"""Health endpoints for the proxy and orchestrators (docs/deploy.md, "Health").

- `/healthz`: liveness. The process answers; touches neither the database nor Redis, so a
  database outage does not get every process restarted.
- `/readyz`: readiness. The database answers `SELECT 1`, Redis answers PING when REDIS_URL
  is set, no migration is unapplied, and the process is not shutting down. 200 with the
  checks as JSON, or 503 naming the check that failed. The migration check is the only
  expensive one (it loads the migration graph), so its success is remembered per process.

Both are exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) so that probes over plain
HTTP inside the network work, and never cached. They need an allowed Host header like any
request (probes send `Host: <a name in ALLOWED_HOSTS>`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config import lifecycle
from config.logging import process_name

logger = logging.getLogger("gigbox.health")

OK = "ok"
SKIPPED = "skipped"

_migrations_applied = False
_redis_clients: dict[str, object] = {}


def reset_cache_for_tests() -> None:
    global _migrations_applied
    _migrations_applied = False
    _redis_clients.clear()


def check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def _redis_client(url: str):
    client = _redis_clients.get(url)
    if client is None:
        import redis

        # Short timeouts: a probe must answer within the proxy's and orchestrator's limits.
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        _redis_clients[url] = client
    return client


def check_redis() -> str:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return SKIPPED
    if not _redis_client(url).ping():
        raise ConnectionError("PING did not answer PONG")
    return OK


def check_migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return OK
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} unapplied migration(s): run `manage.py migrate`")
    _migrations_applied = True
    return OK


def check_not_shutting_down() -> str:
    if lifecycle.is_shutting_down():
        raise RuntimeError("this process is shutting down")
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "redis": check_redis,
    "migrations": check_migrations,
    "process": check_not_shutting_down,
}


def run_checks() -> tuple[bool, dict[str, str]]:
    """Every check, in order; a failure is reported by its exception class and message
    (no URLs or credentials: those are in neither). Migrations are skipped when the
    database is down, since they cannot be read then."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database", OK) != OK:
            results[name] = SKIPPED
            continue
        try:
            results[name] = check()
        except Exception as exc:  # a probe reports, it never raises
            results[name] = f"error: {type(exc).__name__}"
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
    ready = all(value in (OK, SKIPPED) for value in results.values())
    return ready, results


def _payload(status: str, **extra: object) -> dict[str, object]:
    payload: dict[str, object] = {"status": status}
    if name := process_name():
        payload["process"] = name
    payload.update(extra)
    return payload


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_payload("ok"))


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    ready, checks = run_checks()
    return JsonResponse(
        _payload("ready" if ready else "unavailable", checks=checks), status=200 if ready else 503
    )
