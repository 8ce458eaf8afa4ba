"""/healthz and /readyz (config/health.py)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.utils import OperationalError

from config import health, lifecycle
from harness.servers import free_port


@pytest.fixture(autouse=True)
def _fresh_health_state():
    health.reset_cache_for_tests()
    lifecycle.reset_for_tests()
    yield
    health.reset_cache_for_tests()
    lifecycle.reset_for_tests()


def test_healthz_answers_without_touching_the_database(client, monkeypatch):
    """No django_db mark: any query would raise here."""
    monkeypatch.setenv("GIGBOX_PROCESS_NAME", "web2")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "process": "web2"}
    assert response["X-Gigbox-Process"] == "web2"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_200_with_every_check_when_all_is_well(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "redis": "skipped",
        "migrations": "ok",
        "process": "ok",
    }


@pytest.mark.django_db
def test_readyz_remembers_the_migration_check_once_it_passed(client, settings):
    settings.REDIS_URL = ""
    client.get("/readyz")
    with mock.patch.object(health, "MigrationExecutor") as executor:
        assert client.get("/readyz").status_code == 200
    executor.assert_not_called()


@pytest.mark.django_db
def test_readyz_is_503_naming_redis_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"] == "error: ConnectionError"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_is_503_while_migrations_are_unapplied(client, settings):
    settings.REDIS_URL = ""
    with mock.patch.object(health, "MigrationExecutor") as executor:
        executor.return_value.migration_plan.return_value = [("inbox.0099_future", False)]
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "error: RuntimeError"


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_down_and_skips_the_migration_check(client, settings):
    settings.REDIS_URL = ""
    with (
        mock.patch.object(
            health, "check_database", side_effect=OperationalError("connection refused")
        ),
        mock.patch.dict(health.CHECKS, {"database": health.check_database}),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "error: OperationalError" and checks["migrations"] == "skipped"


@pytest.mark.django_db
def test_readyz_is_503_once_the_process_is_shutting_down(client, settings):
    settings.REDIS_URL = ""
    lifecycle.begin_shutdown()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["process"] == "error: RuntimeError"


def test_probes_are_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_production_settings_exempt_the_probes_from_the_https_redirect():
    import subprocess
    import sys

    code = (
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.SECURE_REDIRECT_EXEMPT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **__import__("os").environ,
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "healthz" in result.stdout and "readyz" in result.stdout
