"""A Jepsen-style fault harness for the inbox on one machine (RELIABILITY.md section 5).

Pieces, each usable on its own (the performance bench reuses them):
- `RedisServer`: a private redis-server on a free loopback port (never the shared 6379),
  with `pause()`/`resume()` (SIGSTOP/SIGCONT) and `restart_empty()`.
- `AppServer`: one `python -m config.server` process (the graceful daphne runner), started,
  killed (-9) and stopped by its PID; `Cluster` holds a few of them plus the Redis.
- `FaultClient`: one browser tab over the `websockets` library with a user's session cookie.
  It sends with fresh client_ids (a window of several in flight), resends unacknowledged
  sends with the same client_id after a reconnect or a timeout, retries `unavailable` and
  `rate_limited`, reconnects to the next server when its socket dies, detects gaps and
  catches up with `sync`. Every send, ack, error, receipt and (re)connect goes to a JSONL
  history with timestamps.
- `check(...)`: compares the histories with the database: lost, duplicated, out of order,
  unchained, unanswered, phantom rows, messages missing from a client's view after catch-up.

Nothing here talks to anything but 127.0.0.1, and every process it starts is stopped by PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import websockets

from harness.servers import REPO_ROOT, free_port, wait_for_port

ORIGIN = "http://127.0.0.1"


def origin_of(url: str) -> str:
    """The page origin a browser would send to the socket at `url`: the origin check is
    exact (scheme, host and port; config.security.ExactOriginValidator)."""
    scheme, _, rest = url.partition("://")
    return f"{'https' if scheme in ('wss', 'https') else 'http'}://{rest.split('/', 1)[0]}"


RETRYABLE = frozenset({"unavailable", "rate_limited"})
RESULTS_DIR_ENV = "GIGBOX_FAULT_RESULTS"


def fault_seed() -> int:
    """GIGBOX_FAULT_SEED, else a fresh one (always printed and recorded by the caller)."""
    raw = os.environ.get("GIGBOX_FAULT_SEED", "").strip()
    return int(raw) if raw else random.SystemRandom().randrange(1, 2**31)


def trials(name: str, default: int) -> int:
    """GIGBOX_FAULT_TRIALS_<NAME>, else `default` scaled by GIGBOX_FAULT_SCALE (1.0)."""
    raw = os.environ.get(f"GIGBOX_FAULT_TRIALS_{name.upper()}", "").strip()
    if raw:
        return max(1, int(raw))
    scale = float(os.environ.get("GIGBOX_FAULT_SCALE", "1") or 1)
    return max(1, round(default * scale))


def stop_process(
    process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 10.0
) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGCONT)  # a paused process cannot act on SIGTERM
        process.send_signal(sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


# Processes ------------------------------------------------------------------------------------


@dataclass
class RedisServer:
    """A redis-server of our own: no persistence, loopback, a free port."""

    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.port = self.port or free_port()
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

    def pause(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def restart_empty(self) -> None:
        """kill -9 and start again on the same port: every key and subscription is gone."""
        stop_process(self.process, signal.SIGKILL)
        self.start()

    def stop(self) -> None:
        stop_process(self.process)


@dataclass
class AppServer:
    """One `python -m config.server` process on 127.0.0.1:<port>."""

    name: str
    env: dict[str, str]
    log_path: Path
    port: int = 0
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, *, wait: bool = True, extra_env: dict[str, str] | None = None) -> AppServer:
        self.port = self.port or free_port()
        env = {**os.environ, **self.env, **(extra_env or {})}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # a server never runs with it
        self.starts += 1
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
                ],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 40.0) -> None:
        assert self.process is not None
        wait_for_port(self.port, timeout=timeout, process=self.process)

    def kill(self) -> None:
        stop_process(self.process, signal.SIGKILL)

    def stop(self) -> None:
        stop_process(self.process, timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Cluster:
    """A private Redis and `count` server processes sharing it and the test database."""

    database_url: str
    log_dir: Path
    count: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    redis: RedisServer = field(default_factory=RedisServer)
    servers: list[AppServer] = field(default_factory=list)

    def start(self) -> Cluster:
        self.redis.start()
        env = {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "MEDIA_ROOT": str(self.log_dir / "media"),
            "GIGBOX_SEND_RATE_LIMIT": "1000000",  # bursts here; the limit has its own tests
            "GIGBOX_SHUTDOWN_TIMEOUT": "3",
            "GIGBOX_MAX_SOCKETS_PER_ADDRESS": "100000",  # every client here is 127.0.0.1
            "LOG_LEVEL": "WARNING",
            **self.extra_env,
        }
        self.servers = [
            AppServer(f"web{n + 1}", env, self.log_dir / f"web{n + 1}.log")
            for n in range(self.count)
        ]
        for server in self.servers:
            server.start(wait=False)
        for server in self.servers:
            server.wait_ready()
        return self

    def ensure_all_up(self, attempts: int = 5) -> None:
        """Start whatever died (a fault may take a process down again while it starts)."""
        for attempt in range(attempts):
            for server in self.servers:
                if not server.alive:
                    server.start(wait=False)
            try:
                for server in self.servers:
                    server.wait_ready()
                return
            except RuntimeError:
                if attempt == attempts - 1:
                    raise

    def ws_urls(self) -> list[str]:
        return [server.ws_url for server in self.servers]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.redis.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.log()[-4000:]}" for s in self.servers)


# History --------------------------------------------------------------------------------------


class History:
    """Every event of a run, in memory and as JSONL (one object per line, with `t` in seconds
    since the run started and the wall-clock `ts`)."""

    def __init__(self, path: Path | None = None) -> None:
        self.started = time.monotonic()
        self.events: list[dict[str, Any]] = []
        self.path = path
        # Kept open across the run and closed by close(): no `with` here.
        self._file = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115

    def now(self) -> float:
        return time.monotonic() - self.started

    def record(self, event: str, **fields: Any) -> dict[str, Any]:
        entry = {"t": round(self.now(), 6), "ts": time.time(), "event": event, **fields}
        self.events.append(entry)
        if self._file is not None:
            self._file.write(json.dumps(entry, default=str) + "\n")
        return entry

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


# Clients --------------------------------------------------------------------------------------


@dataclass
class Pending:
    conversation_id: int
    body: str
    first_sent: float | None = None
    last_sent: float | None = None
    not_before: float = 0.0
    attempts: int = 0


class FaultClient:
    """One tab of one user: sends, resends with the same client_id, reconnects, catches up."""

    def __init__(
        self,
        name: str,
        *,
        user_id: int,
        cookie: str,
        conversation_ids: Sequence[int],
        urls: Callable[[], list[str]],
        history: History,
        preferred: int = 0,
        ack_timeout: float = 1.5,
        gap_sync: bool = True,
    ) -> None:
        self.gap_sync = gap_sync
        self.name, self.user_id, self.cookie = name, user_id, cookie
        self.conversation_ids = list(conversation_ids)
        self.urls, self.history, self.ack_timeout = urls, history, ack_timeout
        self.server_index = preferred
        self.outbox: dict[str, Pending] = {}  # sent, not yet answered (insertion = send order)
        self.sent: dict[str, Pending] = {}  # every client_id this tab ever sent
        self.acks: dict[
            str, tuple[int, int, float]
        ] = {}  # client_id -> (id, seq, time of first ack)
        self.final_errors: dict[str, str] = {}
        self.retryable_errors = 0
        self.ack_conflicts = 0
        self.view: dict[int, dict[int, int]] = {
            c: {} for c in self.conversation_ids
        }  # conv -> seq -> id
        self.distinct_duplicates = 0
        self.sync_disorder = 0
        self.live_reordered = 0
        self.synced_head: dict[int, int] = {}  # conv -> last_seq of the last complete sync
        self.synced_at: dict[int, float] = {}
        self.ends = 0.0
        self.connection: asyncio.Task | None = None
        self.sync_waiting: set[int] = set()
        self.sync_requested_at: dict[int, float] = {}
        self.connects = 0
        self.ws: Any = None
        self.last_frame_at = 0.0
        self.live_last: dict[int, int] = {}
        self.progress = asyncio.Event()
        self.stopping = False
        self.sending = True  # until every planned send was answered (or the deadline passed)

    # Public ----------------------------------------------------------------------------------

    async def run(
        self, plan: Sequence[tuple[int, str]], *, window: int = 4, deadline: float = 30.0
    ) -> None:
        """Send `plan` ((conversation_id, body) in order) and wait for every answer; the socket
        stays open (call `finish()` once every client is done sending)."""
        self.ends = time.monotonic() + deadline
        queue = deque(plan)
        self.connection = asyncio.create_task(self._connection_loop())
        while (queue or self.outbox) and time.monotonic() < self.ends:
            while queue and len(self.outbox) < window:
                conversation_id, body = queue.popleft()
                client_id = uuid.uuid4().hex
                self.outbox[client_id] = self.sent[client_id] = Pending(conversation_id, body)
                await self._transmit(client_id)
            await self._wait_progress(0.05)
            await self._retry_due()
        self.sending = False
        self.history.record("client_sent", client=self.name, unanswered=len(self.outbox))

    async def finish(self, timeout: float = 15.0) -> None:
        """Catch up on every conversation (what a tab does when it goes idle), then close."""
        ends = time.monotonic() + timeout
        mark, requested_on = time.monotonic(), None
        try:
            while time.monotonic() < ends:
                if all(self.synced_at.get(c, 0.0) > mark for c in self.conversation_ids):
                    break
                if self.ws is not None and requested_on is not self.ws:
                    requested_on = self.ws
                    self.sync_requested_at.clear()
                    await self._request_sync(self.conversation_ids)
                await self._wait_progress(0.05)
        finally:
            complete = all(self.synced_at.get(c, 0.0) > mark for c in self.conversation_ids)
            self.history.record(
                "client_done", client=self.name, unanswered=len(self.outbox), caught_up=complete
            )
            self.stopping = True
            if self.ws is not None:
                await _close_quietly(self.ws)
            self.connection.cancel()
            await asyncio.gather(self.connection, return_exceptions=True)

    # Connection ------------------------------------------------------------------------------

    async def _connection_loop(self) -> None:
        while not self.stopping:
            urls = self.urls()
            url = urls[self.server_index % len(urls)]
            try:
                ws = await asyncio.wait_for(
                    websockets.connect(
                        f"{url}/ws/inbox/",
                        origin=origin_of(url),
                        additional_headers={"Cookie": f"sessionid={self.cookie}"},
                        ping_interval=None,
                        close_timeout=0.5,
                        max_size=None,
                        open_timeout=None,
                    ),
                    timeout=3.0,
                )
                hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=5.0))
                assert hello["type"] == "hello", hello
            except Exception as error:  # refused, reset, timed out: try the next server
                self.history.record(
                    "connect_failed", client=self.name, url=url, error=type(error).__name__
                )
                self.server_index += 1
                await asyncio.sleep(0.05 + random.random() * 0.1)
                continue
            self.connects += 1
            self.ws, self.live_last, self.last_frame_at = ws, {}, time.monotonic()
            process = ws.response.headers.get("X-Gigbox-Process", "")
            self.history.record(
                "connected", client=self.name, url=url, process=process, n=self.connects
            )
            try:
                await self._request_sync(self.conversation_ids)
                for client_id in list(self.outbox):
                    await self._transmit(client_id)
                async for raw in ws:
                    self.last_frame_at = time.monotonic()
                    self._on_frame(json.loads(raw))
            except (websockets.ConnectionClosed, OSError):
                pass
            self.ws = None
            self.history.record("disconnected", client=self.name, url=url, code=ws.close_code)
            self.sync_waiting.clear()
            self.progress.set()
            if not self.stopping:
                self.server_index += 1  # to the other process, when there is one

    def abort_connection(self) -> None:
        """Drop the TCP connection without a close frame (what a dead network looks like)."""
        ws = self.ws
        if ws is not None:
            ws.transport.abort()

    # Sending ---------------------------------------------------------------------------------

    async def _send(self, frame: dict[str, Any]) -> bool:
        ws = self.ws
        if ws is None:
            return False
        try:
            await ws.send(json.dumps(frame))
            return True
        except (websockets.ConnectionClosed, OSError):
            return False

    async def _transmit(self, client_id: str) -> None:
        pending = self.outbox.get(client_id)
        if pending is None:
            return
        frame = {
            "type": "message.send",
            "conversation_id": pending.conversation_id,
            "client_id": client_id,
            "body": pending.body,
        }
        if await self._send(frame):
            now = time.monotonic()
            pending.first_sent = pending.first_sent or self.history.now()
            pending.last_sent, pending.attempts = now, pending.attempts + 1
            self.history.record(
                "send",
                client=self.name,
                client_id=client_id,
                conversation_id=pending.conversation_id,
                attempt=pending.attempts,
            )

    async def _retry_due(self) -> None:
        now = time.monotonic()
        stale = [
            cid
            for cid, p in self.outbox.items()
            if p.last_sent is not None
            and now - p.last_sent > self.ack_timeout
            and now >= p.not_before
        ]
        due = [cid for cid, p in self.outbox.items() if p.last_sent is None and now >= p.not_before]
        if stale and now - self.last_frame_at > self.ack_timeout:
            # Nothing heard for a while with sends outstanding: treat the connection as dead.
            self.history.record("ack_timeout", client=self.name, outstanding=len(stale))
            self.abort_connection()
            return
        for client_id in stale + due:
            await self._transmit(client_id)

    # Receiving -------------------------------------------------------------------------------

    def _on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "message.ack":
            self._on_ack(frame)
        elif kind == "error":
            self._on_error(frame)
        elif kind == "message.new":
            self._apply(frame["message"], live=True)
        elif kind == "sync.result":
            self._on_sync_result(frame)
        elif kind == "sync.resync":
            self.history.record("resync", client=self.name, **frame)
            self.sync_waiting.discard(frame["conversation_id"])
        self.progress.set()

    def _on_ack(self, frame: dict[str, Any]) -> None:
        client_id, answer = frame["client_id"], (frame["id"], frame["seq"])
        self.history.record(
            "ack",
            client=self.name,
            client_id=client_id,
            id=frame["id"],
            seq=frame["seq"],
            conversation_id=frame["conversation_id"],
        )
        known = self.acks.get(client_id)
        if known is not None and known[:2] != answer:
            self.ack_conflicts += 1
        if known is None:
            self.acks[client_id] = (*answer, self.history.now())
        self.outbox.pop(client_id, None)

    def _on_error(self, frame: dict[str, Any]) -> None:
        client_id, code = frame.get("client_id"), frame["code"]
        self.history.record("error", client=self.name, client_id=client_id, code=code)
        if client_id is None or client_id not in self.outbox:
            return
        if code in RETRYABLE:
            self.retryable_errors += 1
            pending = self.outbox[client_id]
            pending.last_sent = None  # resend once due
            pending.not_before = time.monotonic() + min(
                float(frame.get("retry_after", 0.2)), 0.2 + random.random() * 0.2
            )
        else:
            self.final_errors[client_id] = code
            del self.outbox[client_id]

    def _apply(self, message: dict[str, Any], *, live: bool) -> None:
        conversation_id, seq, message_id = message["conversation_id"], message["seq"], message["id"]
        seen = self.view.setdefault(conversation_id, {})
        if seen.get(seq, message_id) != message_id:
            self.distinct_duplicates += 1
        seen[seq] = message_id
        self.history.record(
            "receive",
            client=self.name,
            conversation_id=conversation_id,
            seq=seq,
            id=message_id,
            live=live,
        )
        if not live:
            return
        if seq < self.live_last.get(conversation_id, 0):
            self.live_reordered += 1  # allowed across processes: the client orders by seq
        self.live_last[conversation_id] = max(seq, self.live_last.get(conversation_id, 0))
        if (
            self.gap_sync and seq > self.cursor(conversation_id) + 1
        ):  # a gap: ask for what is missing
            asyncio.get_running_loop().create_task(
                self._request_sync([conversation_id], throttle=0.3)
            )

    def _on_sync_result(self, frame: dict[str, Any]) -> None:
        conversation_id = frame["conversation_id"]
        seqs = [m["seq"] for m in frame["messages"]]
        if seqs != sorted(set(seqs)) or (
            seqs and seqs != list(range(seqs[0], seqs[0] + len(seqs)))
        ):
            self.sync_disorder += 1
        for message in frame["messages"]:
            self._apply(message, live=False)
        if frame["has_more"]:
            asyncio.get_running_loop().create_task(self._request_sync([conversation_id]))
            return
        self.synced_head[conversation_id] = max(
            self.synced_head.get(conversation_id, 0), frame["last_seq"]
        )
        self.synced_at[conversation_id] = time.monotonic()
        self.sync_waiting.discard(conversation_id)

    def cursor(self, conversation_id: int) -> int:
        seen, seq = self.view.get(conversation_id, {}), 0
        while seq + 1 in seen:
            seq += 1
        return seq

    async def _request_sync(
        self, conversation_ids: Iterable[int], *, throttle: float = 0.0
    ) -> None:
        now = time.monotonic()
        wanted = [
            c for c in conversation_ids if now - self.sync_requested_at.get(c, -1e9) >= throttle
        ]
        if not wanted:
            return
        for c in wanted:
            self.sync_requested_at[c] = now
        if await self._send(
            {"type": "sync", "conversations": {str(c): self.cursor(c) for c in wanted}}
        ):
            self.sync_waiting.update(wanted)

    async def _wait_progress(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.progress.wait(), timeout)
        self.progress.clear()


async def _close_quietly(ws: Any) -> None:
    try:
        await asyncio.wait_for(ws.close(), timeout=1.0)
    except Exception:
        ws.transport.abort()


# Checking -------------------------------------------------------------------------------------


@dataclass
class Figures:
    """What one fault test reports; every figure from `lost` to `phantom` must be 0."""

    fault: str
    seed: int
    trials: int = 0
    attempted: int = 0
    acked: int = 0
    stored: int = 0
    final_errors: int = 0
    retryable_errors: int = 0
    reconnects: int = 0
    receipts: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    unchained: int = 0
    unanswered: int = 0
    missing_after_catch_up: int = 0
    phantom: int = 0
    live_reordered: int = 0
    recovery_seconds: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    FAILURES = (
        "lost",
        "duplicated",
        "out_of_order",
        "unchained",
        "unanswered",
        "missing_after_catch_up",
        "phantom",
    )

    def failures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.FAILURES if getattr(self, name)}

    def recovery(self) -> dict[str, float | None]:
        values = sorted(self.recovery_seconds)
        if not values:
            return {"p50": None, "p99": None, "max": None}
        p99 = values[min(len(values) - 1, max(0, round(0.99 * len(values)) - 1))]
        return {
            "p50": round(statistics.median(values), 3),
            "p99": round(p99, 3),
            "max": round(values[-1], 3),
        }

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("recovery_seconds")
        data["recovery"] = self.recovery()
        return data


def causal_disorder(client: FaultClient) -> int:
    """Sends of one tab that the database ordered against what the tab saw: a message first
    sent after another one's ack (same conversation) must come later in the chain."""
    disorder = 0
    acked = sorted((ack_time, cid) for cid, (_, _, ack_time) in client.acks.items())
    for cid, pending in client.sent.items():
        if cid not in client.acks or pending.first_sent is None:
            continue
        seq = client.acks[cid][1]
        for ack_time, earlier in acked:
            if ack_time >= pending.first_sent:
                break
            if (
                client.sent[earlier].conversation_id == pending.conversation_id
                and client.acks[earlier][1] >= seq
            ):
                disorder += 1
                break
    return disorder


def trial_recovery(clients: Sequence[FaultClient], fault_time: float) -> float | None:
    """Seconds from the fault until every tab that had sends outstanding at that moment got
    an ack again (None when no send was outstanding)."""
    worst = None
    for client in clients:
        outstanding = [
            cid
            for cid, p in client.sent.items()
            if p.first_sent is not None
            and p.first_sent <= fault_time
            and (cid not in client.acks or client.acks[cid][2] > fault_time)
        ]
        if not outstanding:
            continue
        after = [ack_time for (_, _, ack_time) in client.acks.values() if ack_time > fault_time]
        if not after:
            continue
        delay = min(after) - fault_time
        worst = delay if worst is None else max(worst, delay)
    return worst


def check(
    figures: Figures, clients: Sequence[FaultClient], conversation_ids: Iterable[int]
) -> Figures:
    """Compare every client's history with the database (Django ORM of the test process)."""
    from inbox.models import Conversation, Message
    from inbox.verification import verify_conversation

    conversation_ids = set(conversation_ids)
    rows = list(
        Message.objects.filter(conversation_id__in=conversation_ids).values_list(
            "id", "conversation_id", "seq", "sender_id", "client_id"
        )
    )
    by_key: dict[tuple[int, str], list[tuple[int, int, int]]] = defaultdict(list)
    by_seq: dict[int, dict[int, int]] = defaultdict(dict)
    for message_id, conversation_id, seq, sender_id, client_id in rows:
        by_seq[conversation_id][seq] = message_id
        if client_id:
            by_key[(sender_id, client_id)].append((message_id, conversation_id, seq))
    attempted = {(c.user_id, cid) for c in clients for cid in c.sent}
    figures.stored += sum(1 for key in by_key if key in attempted)
    figures.duplicated += sum(len(found) - 1 for found in by_key.values() if len(found) > 1)
    figures.phantom += sum(1 for key in by_key if key not in attempted)
    for client in clients:
        figures.attempted += len(client.sent)
        figures.acked += len(client.acks)
        figures.final_errors += len(client.final_errors)
        figures.retryable_errors += client.retryable_errors
        figures.reconnects += max(0, client.connects - 1)
        figures.unanswered += len(client.outbox)
        figures.duplicated += client.distinct_duplicates + client.ack_conflicts
        figures.out_of_order += client.sync_disorder + causal_disorder(client)
        figures.live_reordered += client.live_reordered
        figures.receipts += sum(len(seen) for seen in client.view.values())
        for cid, (message_id, seq, _) in client.acks.items():
            stored = by_key.get((client.user_id, cid), [])
            if not any(found[0] == message_id and found[2] == seq for found in stored):
                figures.lost += 1
        for conversation_id in client.conversation_ids:
            head = client.synced_head.get(conversation_id, 0)
            seen = client.view.get(conversation_id, {})
            for seq in range(1, head + 1):
                if seen.get(seq) != by_seq[conversation_id].get(seq):
                    figures.missing_after_catch_up += 1
            if head == 0 and by_seq[conversation_id]:
                figures.missing_after_catch_up += 1  # never completed a catch-up at all
    for conversation in Conversation.objects.filter(pk__in=conversation_ids):
        if verify_conversation(conversation) is not None:
            figures.unchained += 1
    return figures


def record_results(figures: Figures, history: History | None = None) -> dict[str, Any]:
    """Print the figures (pytest -s shows them; the seed is always in the failure message) and
    append them to $GIGBOX_FAULT_RESULTS/<fault>.json when that folder is set."""
    summary = figures.summary()
    line = json.dumps(summary, sort_keys=True)
    print(f"\nFAULT RESULT {line}")
    folder = os.environ.get(RESULTS_DIR_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with open(Path(folder) / f"{figures.fault}.json", "a", encoding="utf-8") as out:
            out.write(line + "\n")
    if history is not None:
        history.record("figures", **summary)
    return summary
