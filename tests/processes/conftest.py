"""Fixtures that start real processes on loopback: the `make serve` supervisor, single server
processes (config.server) and a private redis-server. Each is stopped by its PID when the
test ends, whatever happened; nothing but 127.0.0.1 is touched, and the shared Redis and
PostgreSQL are only used through the test database and a Redis db number of their own.

Without nginx, PostgreSQL or Redis these tests are skipped with the reason, except in CI
(CI=true), where they fail instead.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from deploy.serve import NGINX, RUN_DIR_ENV
from harness.servers import REPO_ROOT, database_url_for, free_port, wait_for_port
from tests.support import require


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/processes" in str(item.fspath) and "test_serve_config" not in str(item.fspath):
            item.add_marker(pytest.mark.processes)


def require_production_services() -> None:
    from django.db import connection

    require(os.path.exists(NGINX), f"nginx not found at {NGINX}: apt-get install -y nginx")
    require(
        connection.vendor == "postgresql", "DATABASE_URL is not PostgreSQL: make serve needs it"
    )
    require(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set: make serve needs Redis")


def http_get(
    url: str, *, timeout: float = 5.0, host: str = "127.0.0.1"
) -> tuple[int, Message, dict]:
    """(status, headers (case-insensitive), JSON body or {}) for a GET; never raises for HTTP
    errors."""
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        payload = {}
    return status, headers, payload


def wait_until(
    predicate, *, timeout: float, interval: float = 0.1, message: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"{message} not met within {timeout} s")


def stop_pid(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def processes_marked(run_dir: Path) -> list[int]:
    """PIDs of live processes started for this run directory: those whose environment carries
    its marker (the server processes), nginx's master (its command line names the run
    directory; nginx overwrites its environment with its process title) and their children."""
    marker = f"{RUN_DIR_ENV}={run_dir}".encode()
    nginx_arg = f"-p {run_dir} ".encode()
    parents: dict[int, int] = {}
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            status = (entry / "status").read_text()
        except OSError:
            continue
        if "\nState:\tZ" in status:
            continue
        pid = int(entry.name)
        parents[pid] = int(status.split("\nPPid:\t", 1)[1].split("\n", 1)[0])
        if marker in environ.split(b"\0") or nginx_arg in cmdline:
            found.add(pid)
    found |= {pid for pid, ppid in parents.items() if ppid in found}
    return sorted(found)


def private_redis_db(url: str, db: int = 13) -> str:
    """The shared Redis, on a database number of these tests' own (rate-limit counters and
    cache entries of other test runs cannot leak in; pub/sub is global in Redis anyway)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def production_env(**overrides: str) -> dict[str, str]:
    from django.db import connection

    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "GIGBOX_SHUTDOWN_TIMEOUT": "5",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("static")


@dataclass
class Served:
    """A running `python -m deploy.serve`."""

    process: subprocess.Popen
    run_dir: Path
    port: int
    log_path: Path
    secret_key: str = ""
    state: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def app_process(self, name: str) -> dict:
        self.state = json.loads((self.run_dir / "serve.json").read_text())
        return next(p for p in self.state["processes"] if p["name"] == name)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_serve(
    tmp_path: Path, env: dict[str, str], *extra_args: str, timeout: float = 90.0
) -> Served:
    run_dir = tmp_path / "serve"
    port = free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "deploy.serve",
                "--listen",
                f"127.0.0.1:{port}",
                "--run-dir",
                str(run_dir),
                *extra_args,
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    served = Served(
        process=process, run_dir=run_dir, port=port, log_path=log_path, secret_key=env["SECRET_KEY"]
    )
    deadline = time.monotonic() + timeout
    while not (run_dir / "serve.json").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_serve(served)
            raise AssertionError(f"make serve did not come up:\n{served.log()}")
        time.sleep(0.2)
    served.state = json.loads((run_dir / "serve.json").read_text())
    return served


def stop_serve(served: Served) -> None:
    """SIGTERM to the supervisor; if anything it started is still alive, kill it by PID."""
    stop_pid(served.process, timeout=40)
    for pid in processes_marked(served.run_dir):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture
def served(transactional_db, tmp_path, static_root) -> Iterator[Served]:
    """`make serve` on the test database: nginx and two server processes."""
    require_production_services()
    env = production_env(
        STATIC_ROOT=str(static_root),
        REDIS_URL=private_redis_db(os.environ["REDIS_URL"]),
        GIGBOX_SEND_RATE_LIMIT="1000",  # the tests send bursts; the limit has its own tests
    )
    # The first start of the session runs migrate and collectstatic like `make serve`; later
    # ones skip them (same database, same STATIC_ROOT) to keep the tests quick.
    setup = ["--no-setup"] if any(static_root.iterdir()) else []
    served = start_serve(tmp_path, env, "--processes", "2", *setup)
    try:
        yield served
    finally:
        stop_serve(served)


@dataclass
class PrivateRedis:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=10, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_pid(self.process, timeout=10)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A redis-server of this test's own on a free port (the shared one is never touched)."""
    require(
        shutil.which("redis-server") is not None,
        "redis-server not installed: apt-get install -y redis-server",
    )
    redis = PrivateRedis(port=free_port()).start()
    try:
        yield redis
    finally:
        redis.stop()


@dataclass
class AppProcess:
    """One `python -m config.server` process, started and stopped by PID."""

    env: dict[str, str]
    log_path: Path
    application: str = "config.asgi:application"
    name: str = "web1"
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> AppProcess:
        self.port = self.port or free_port()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "config.server",
                    "--port",
                    str(self.port),
                    "--name",
                    self.name,
                    "--application",
                    self.application,
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, timeout=30, process=self.process)
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None:
            stop_pid(self.process, sig)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def app_process(tmp_path) -> Iterator[callable]:
    """Factory: `app_process(env=..., application=...)` starts one; all are stopped after."""
    started: list[AppProcess] = []

    def start(
        *, env: dict[str, str], application: str = "config.asgi:application", name: str = "web1"
    ) -> AppProcess:
        process = AppProcess(
            env=env,
            application=application,
            name=name,
            log_path=tmp_path / f"{name}-{len(started)}.log",
        )
        started.append(process)
        return process.start()

    try:
        yield start
    finally:
        for process in started:
            process.stop()
