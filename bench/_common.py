"""Helpers shared by the benchmarks: private database and Redis, processes by PID, /proc.

Everything runs on loopback, every process started here is tracked by its PID and stopped
by that PID (atexit as well as finally), and the PostgreSQL database is a private one that
is created for the run and dropped after it.
"""

from __future__ import annotations

import atexit
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from harness.servers import free_port, wait_for_port  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

_started: list[subprocess.Popen] = []


def stop(process: subprocess.Popen | None, *, timeout: float = 10.0) -> None:
    """SIGTERM by PID, then SIGKILL if it does not go."""
    if process is None or process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGCONT)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def _stop_all() -> None:
    for process in reversed(_started):
        stop(process, timeout=5)


atexit.register(_stop_all)


def spawn(args: Sequence[str], *, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    """Start a process we own (stopped by PID at exit whatever happens)."""
    process = subprocess.Popen(list(args), cwd=REPO_ROOT, env=env, **kwargs)
    _started.append(process)
    return process


# PostgreSQL -----------------------------------------------------------------------------------


def _admin_execute(sql: str) -> None:
    import psycopg

    with psycopg.connect(
        PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(sql)


def create_database(name: str) -> str:
    """A fresh private database (dropped first if a crashed run left it); its URL."""
    drop_database(name)
    _admin_execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    assert name.startswith("gigbox_bench"), "only the benchmark's own databases are dropped"
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Redis ----------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of our own on a free loopback port, no persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.process = spawn(
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
                "--maxclients",
                "20000",
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=10, process=self.process)
        return self

    def stop(self) -> None:
        stop(self.process)


# Servers ---------------------------------------------------------------------------------------


def production_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like server process (docs/deploy.md), for a bench."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_ALLOW_ASYNC", "GIGBOX_FAULT"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOG_LEVEL="WARNING",
        GIGBOX_VAR_DIR="/tmp/gigbox-bench-var",
        # Thousands of synthetic sockets from 127.0.0.1 (the limits have their own tests).
        GIGBOX_MAX_SOCKETS_PER_USER="1000000",
        GIGBOX_MAX_SOCKETS_PER_ADDRESS="1000000",
        **extra,
    )
    return env


def start_server(
    env: dict[str, str],
    *,
    name: str,
    application: str = "config.asgi:application",
    log_path: Path | None = None,
) -> tuple[subprocess.Popen, int]:
    """One `python -m config.server` (the graceful daphne runner); (process, port)."""
    port = free_port()
    # The child writes to the log for its whole life, past this function: no `with` here.
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = spawn(
        [
            sys.executable,
            "-m",
            "config.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--name",
            name,
            "--application",
            application,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, timeout=60, process=process)
    return process, port


# CPU quota --------------------------------------------------------------------------------------


class CpuQuota:
    """A cgroup that caps the processes put in it at `cores` CPUs (cgroup v2 `cpu.max`, or v1
    `cpu.cfs_quota_us`). Scaling across server processes on a 2-core machine is otherwise
    hidden by the cores they share with PostgreSQL, Redis and the clients: each server gets
    the same fixed share, so one against two compares the design, not the spare cores.
    `available()` is False where no cpu controller can be written (not root, a container)."""

    PERIOD_US = 10_000  # a short period: a throttled process waits at most ~6 ms, not ~60

    def __init__(self, name: str, cores: float) -> None:
        self.name, self.cores = f"gigbox-bench-{name}-{os.getpid()}", cores
        self.path: Path | None = None

    @staticmethod
    def _root() -> tuple[Path, int] | None:
        v2 = Path("/sys/fs/cgroup")
        if (v2 / "cgroup.controllers").exists() and "cpu" in (
            v2 / "cgroup.subtree_control"
        ).read_text().split():
            return v2, 2
        v1 = Path("/sys/fs/cgroup/cpu")
        if (v1 / "cpu.cfs_quota_us").exists():
            return v1, 1
        return None

    @classmethod
    def available(cls) -> bool:
        root = cls._root()
        return root is not None and os.access(root[0], os.W_OK)

    def add(self, pid: int) -> None:
        """Put `pid` (all its threads, and every thread it starts later) under the quota."""
        if self.path is None:
            root, version = self._root() or (None, 0)
            assert root is not None, "no cgroup cpu controller"
            self.path = root / self.name
            self.path.mkdir(exist_ok=True)
            quota = int(self.cores * self.PERIOD_US)
            if version == 2:
                (self.path / "cpu.max").write_text(f"{quota} {self.PERIOD_US}")
            else:
                (self.path / "cpu.cfs_period_us").write_text(str(self.PERIOD_US))
                (self.path / "cpu.cfs_quota_us").write_text(str(quota))
        (self.path / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        """Remove the cgroup once its processes are gone (stopped by PID before this)."""
        if self.path is not None:
            for _ in range(50):
                try:
                    self.path.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
            self.path = None


# /proc -----------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def thread_cpu_seconds(pid: int) -> dict[int, float]:
    """utime + stime per thread of `pid` (thread id -> seconds); the main thread's id is `pid`."""
    seconds = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        seconds[int(task)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return seconds


def split_cpu(before: dict[int, float], after: dict[int, float], pid: int) -> tuple[float, float]:
    """(main thread, all other threads) CPU seconds between two `thread_cpu_seconds`."""
    main = after.get(pid, 0.0) - before.get(pid, 0.0)
    others = sum(v - before.get(tid, 0.0) for tid, v in after.items() if tid != pid)
    return main, others


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def load_average() -> list[str]:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg writes them."""
    with open("/proc/loadavg") as loadavg:
        return loadavg.read().split()[:3]


def machine() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        model = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
            "?",
        )
    with open("/proc/meminfo") as meminfo:
        mem_kib = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")), 0)
    load = load_average()
    return (
        f"{os.cpu_count()} x {model}, {mem_kib / 1024 / 1024:.1f} GiB RAM, "
        f"Python {platform.python_version()}, "
        f"load average {' '.join(load)} at start"
    )


# Figures ----------------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, columns padded so that it also reads in a terminal."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
