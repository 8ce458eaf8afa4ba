"""`make serve` refuses to start without the production settings: a clear message naming
what is missing, exit code 2, and no process left behind."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from config.env import DEVELOPMENT_SECRET_KEY
from deploy.serve import EXIT_REFUSED
from harness.servers import REPO_ROOT, free_port
from tests.processes.conftest import processes_marked

COMPLETE = {
    "SECRET_KEY": "a-real-secret-for-this-test-only-0123456789abcdefghijklmnop",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/gigbox_never_used",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("SECRET_KEY", None, "SECRET_KEY is not set"),
        ("SECRET_KEY", DEVELOPMENT_SECRET_KEY, "SECRET_KEY is not set"),
        ("DATABASE_URL", None, "DATABASE_URL is not set"),
        ("DATABASE_URL", "sqlite:///tmp/gigbox.sqlite3", "DATABASE_URL is not PostgreSQL"),
        ("REDIS_URL", None, "REDIS_URL is not set"),
        ("REDIS_URL", "memcached://127.0.0.1", "REDIS_URL has the scheme 'memcached'"),
    ],
)
def test_serve_refuses_to_start_without_a_production_setting(tmp_path, variable, value, named):
    env = {**os.environ, **COMPLETE}
    env.pop(variable)
    if value is not None:
        env[variable] = value
    run_dir = tmp_path / "serve"
    port = free_port()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "deploy.serve",
            "--listen",
            f"127.0.0.1:{port}",
            "--run-dir",
            str(run_dir),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_REFUSED
    assert "refusing to start" in result.stderr and named in result.stderr
    # Only the missing one is named.
    for other in set(COMPLETE) - {variable}:
        assert f"{other} is not" not in result.stderr
    assert processes_marked(run_dir.resolve()) == []
    assert not run_dir.exists()  # it stopped before touching anything
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens
