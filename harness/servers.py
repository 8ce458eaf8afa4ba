"""Start and stop real Gigbox server processes on loopback, for tests and benchmarks.

Every process is started by us, tracked by its PID and stopped by that PID; nothing here
talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port that is free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int, *, timeout: float = 30.0, process: subprocess.Popen | None = None
) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server process exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


def database_url_for(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database Django is connected to (e.g. the test database)."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    if engine.endswith("postgresql"):
        user = settings_dict.get("USER") or "postgres"
        password = settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{password}@" if password else f"{user}@"
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"
    raise ValueError(f"no DATABASE_URL form for {engine}")


@dataclass
class DaphneServer:
    """One Gigbox server process (daphne through config.server, which closes sockets with
    RFC codes such as 1001 and drains on SIGTERM) serving config.asgi on 127.0.0.1:<port>."""

    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "server not started"
        return self.process.pid

    def start(self, *, timeout: float = 30.0) -> DaphneServer:
        self.port = self.port or free_port()
        env = {**os.environ, **self.env}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the server must never run with it
        # The server writes to the log for its whole life, past this method: no `with` here.
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "config.server",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, timeout=timeout, process=self.process)
        return self

    def stop(self, sig: int = signal.SIGTERM, *, timeout: float = 10.0) -> None:
        """Stop the process by its PID (SIGTERM, then SIGKILL if it does not go)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """kill -9: no chance to finish anything."""
        self.stop(signal.SIGKILL)

    def restart(self) -> DaphneServer:
        """Stop and start again on the same port (clients must reconnect and catch up)."""
        self.stop()
        self.process = None
        return self.start()
