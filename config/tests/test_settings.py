"""Settings come from the environment; these pin down how each variable is read."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config.env import (
    DEVELOPMENT_SECRET_KEY,
    SettingsError,
    cache_config,
    channel_layers,
    database_config,
    env_bool,
    env_int,
    env_list,
    secret_key,
)
from harness.servers import REPO_ROOT


def test_no_database_url_means_sqlite_in_wal_mode():
    config = database_config("", sqlite_path="/tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/x.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_database_url_is_parsed():
    config = database_config(
        "postgres://alice:s3cret@db.internal:6543/gigbox", sqlite_path="unused"
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("alice", "s3cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6543, "gigbox")
    assert config["OPTIONS"]["connect_timeout"] == 5


def test_unsupported_database_url_is_refused_with_its_scheme():
    with pytest.raises(SettingsError, match="'mysql'"):
        database_config("mysql://u@h/db", sqlite_path="unused")


def test_no_redis_url_means_in_memory_layer_and_local_cache():
    assert channel_layers("", max_connections=10)["default"]["BACKEND"] == (
        "channels.layers.InMemoryChannelLayer"
    )
    assert cache_config("")["default"]["BACKEND"].endswith("LocMemCache")


def test_redis_url_configures_pubsub_layer_without_socket_timeout():
    layer = channel_layers("redis://127.0.0.1:6379/3", max_connections=500)["default"]
    assert (
        layer["BACKEND"] == "inbox.channel_layer.PipelinedPubSubChannelLayer"
    )  # channels_redis pub/sub + group_send_many
    (host,) = layer["CONFIG"]["hosts"]
    # redis-py 8 would otherwise time out idle consumers after 5 s (channels_redis #422).
    assert host == {
        "address": "redis://127.0.0.1:6379/3",
        "socket_timeout": None,
        "max_connections": 500,
    }
    cache = cache_config("redis://127.0.0.1:6379/3")["default"]
    assert (
        cache["BACKEND"].endswith("RedisCache") and cache["LOCATION"] == "redis://127.0.0.1:6379/3"
    )


def test_redis_url_with_wrong_scheme_is_refused():
    with pytest.raises(SettingsError, match="REDIS_URL"):
        channel_layers("http://127.0.0.1:6379", max_connections=1)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("off", False), ("0", False)]
)
def test_env_bool_reads_common_spellings(raw, expected):
    assert env_bool("X", not expected, {"X": raw}) is expected


def test_env_bool_refuses_nonsense_with_the_variable_name():
    with pytest.raises(SettingsError, match="DEBUG"):
        env_bool("DEBUG", True, {"DEBUG": "maybe"})


def test_env_int_and_list():
    assert env_int("N", 3, {}) == 3 and env_int("N", 3, {"N": "7"}) == 7
    with pytest.raises(SettingsError):
        env_int("N", 3, {"N": "seven"})
    assert env_list("H", ["a"], {"H": " x.example, ,y.example "}) == ["x.example", "y.example"]


def test_secret_key_rules():
    assert secret_key("", debug=True) == DEVELOPMENT_SECRET_KEY
    real = "a-real-secret-" + "9" * 30
    assert secret_key(real, debug=False) == real
    with pytest.raises(SettingsError, match="SECRET_KEY is not set"):
        secret_key("", debug=False)
    with pytest.raises(SettingsError):
        secret_key(DEVELOPMENT_SECRET_KEY, debug=False)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_secret_refuses_to_start_with_a_clear_message():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-123",
        ALLOWED_HOSTS="gigbox.example",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
