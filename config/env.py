"""Read settings from the environment.

Small, pure helpers (no Django import) so that settings.py stays declarative and the
parsing rules can be tested on their own: tests call them with explicit mappings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

Environ = Mapping[str, str]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(Exception):
    """A setting from the environment is missing or malformed; the message says which and why."""


def env_str(name: str, default: str = "", environ: Environ = os.environ) -> str:
    return environ.get(name, default).strip()


def env_bool(name: str, default: bool, environ: Environ = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, environ: Environ = os.environ) -> int:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str], environ: Environ = os.environ) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config(url: str, *, sqlite_path: str) -> dict[str, Any]:
    """The default database: DATABASE_URL when given (PostgreSQL via psycopg 3), else SQLite.

    SQLite runs in WAL mode with immediate transactions so that a second process (a daphne
    server started by a browser test, or `make run` beside a management command) waits for
    the write lock instead of failing with "database is locked".
    """
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_path,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise SettingsError(
            f"DATABASE_URL has the scheme {scheme!r}; Gigbox supports postgres:// and sqlite://."
        )
    config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast instead of hanging forever when the server or a lock does not answer.
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("connect_timeout", 5)
    return config


def redis_host(url: str, *, max_connections: int) -> dict[str, Any]:
    """A channels_redis host entry for REDIS_URL.

    redis-py 8 applies a 5 s socket timeout by default: a consumer that hears nothing for
    5 s then crashes with close code 1011 (channels_redis issue 422), so the timeout is
    switched off. Its pool defaults to 100 connections, too few for bursts of sockets.
    """
    scheme = urlsplit(url).scheme
    if scheme not in {"redis", "rediss", "unix"}:
        raise SettingsError(
            f"REDIS_URL has the scheme {scheme!r}; use redis://, rediss:// or unix://."
        )
    return {"address": url, "socket_timeout": None, "max_connections": max_connections}


def channel_layers(redis_url: str, *, max_connections: int) -> dict[str, Any]:
    """The channel layer: Redis pub/sub when REDIS_URL is set, else in-memory (one process only).

    The pub/sub layer is chosen over RedisChannelLayer because the latter silently drops
    messages past its per-channel capacity; delivery never depends on the layer anyway,
    clients catch up from the database (docs/decisions.md).
    """
    if not redis_url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return {
        "default": {
            # pub/sub, plus batched publishes
            "BACKEND": "inbox.channel_layer.PipelinedPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_host(redis_url, max_connections=max_connections)]},
        }
    }


def cache_config(redis_url: str) -> dict[str, Any]:
    """The cache holds rate-limit counters, so it must be shared by every server process."""
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "gigbox",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


DEVELOPMENT_SECRET_KEY = "django-insecure-gigbox-development-only-never-use-in-production"


# Secrets that were copied from an example, not generated: refused with DEBUG off.
PLACEHOLDER_SECRET_WORDS = ("change-me", "changeme", "replace", "placeholder", "your-secret")
SECRET_KEY_MIN_LENGTH = 32


def secret_key(raw: str, *, debug: bool) -> str:
    """The SECRET_KEY; with DEBUG off the development secret, a placeholder (the one in
    deploy/gigbox.env.example) or one shorter than 32 characters is refused."""
    if debug:
        return raw or DEVELOPMENT_SECRET_KEY
    if not raw or raw == DEVELOPMENT_SECRET_KEY:
        raise SettingsError(
            "SECRET_KEY is not set. With DEBUG off Gigbox refuses to start with the development "
            "secret: set SECRET_KEY to a long random value, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    lowered = raw.lower()
    if len(raw) < SECRET_KEY_MIN_LENGTH or any(w in lowered for w in PLACEHOLDER_SECRET_WORDS):
        raise SettingsError(
            "SECRET_KEY is a placeholder or shorter than 32 characters: set it to a long random "
            "value, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    return raw
