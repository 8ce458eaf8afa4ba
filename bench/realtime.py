"""Real-time benchmark: the inbox against a bare Channels relay, on one machine.

    .venv/bin/python bench/realtime.py                 # the full run (about 4 minutes)
    .venv/bin/python bench/realtime.py --quick         # short phases, fewer sockets (~1.5 min)
    .venv/bin/python bench/realtime.py --only gigbox --rates 250,1000 --no-burst

What runs (all on 127.0.0.1, every process stopped by its PID at the end):
- a private PostgreSQL database (gigbox_bench, created, migrated, dropped) and a private
  redis-server on a free port;
- the real app: `python -m config.server` (daphne, graceful runner) with DEBUG=0, the
  Redis pub/sub channel layer and the Redis cache (rate-limit counters), and, in the same
  run, bench/relay_app.py served the same way: the baseline;
- 1 or 2 client processes (asyncio + websockets), separate from the server so that the
  server's CPU (utime+stime from /proc/<pid>/stat) is its own. N pairs of users, each pair a
  conversation, each user one socket; both sides send. Every message goes through the real
  protocol: `message.send` -> `message.ack` (after commit) and the peer's `message.new`.

Phases per server: offered rates (open loop, messages spread over the sending sockets), a
burst (all messages written at once), an overload phase, two server processes, one and two
processes each capped at the same CPU quota (a cgroup: on 2 cores two uncapped servers share
them with PostgreSQL, Redis and the clients, so only a fixed share per process shows how the
design scales; skipped where no cgroup can be written), and 5,000 idle sockets on one
process (RSS per socket). Clients resend with the same client_id after
a retryable error (`rate_limited`, `unavailable`, `overloaded`): a message is lost only if
it was acknowledged and never reached the peer, or never answered at all.

Limits: 2 cores shared by the server(s), PostgreSQL, Redis and the clients; the figures are
for this machine and this load (the load average is printed). The per-user send limit is
raised for the run (GIGBOX_SEND_RATE_LIMIT): 400 synthetic users sending several messages a
second would otherwise be refused by design; the counter is still incremented in Redis for
every batch.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import random
import resource
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common

ORIGIN = "http://127.0.0.1"


def _origin_of(url: str) -> str:
    """The origin check is exact (scheme, host and port): the page's origin at `url`."""
    scheme, _, rest = url.partition("://")
    return f"{'https' if scheme in ('wss', 'https') else 'http'}://{rest.split('/', 1)[0]}"


RETRYABLE = {"rate_limited": 1.0, "unavailable": 0.2, "overloaded": 0.1}  # code -> base delay (s)
MAX_ATTEMPTS = 20
BODIES = [
    "Hi! I saw your logo gig, can you do a version with a darker blue?",
    "Sure, I can send a first draft tomorrow morning.",
    "Great, the deadline is Friday. Is that ok for the standard package?",
    "Yes. Could you share the brand guidelines as a PDF here?",
    "Attached the old logo too, we want something more modern.",
    "Thanks for the quick reply, looking forward to it",
    "I updated the offer: 3 revisions instead of 2, same price.",
    "Can we add a favicon in 32 and 64 px?",
    "Of course, that's included in the premium tier.",
    "Perfect, I'll accept the offer now.",
]
CONTACT_BODIES = [
    "text me on whatsapp +44 7700 900123 it's quicker",
    "my email is jane.doe@example.com",
]
CONTACT_SHARE = 0.02  # 2% of messages carry contact details: masked and flagged


# Client process --------------------------------------------------------------------------------


@dataclass
class Send:
    client_id: str
    sock: Sock
    body: str
    first_sent: float = 0.0
    attempts: int = 0
    ack: tuple[int, int] | None = None  # (conversation_id, seq)
    final_error: str | None = None


@dataclass
class Sock:
    user_id: int
    conversation_id: int
    url: str
    cookie: str
    ws: Any = None


@dataclass
class ClientState:
    sends: dict[str, Send] = field(default_factory=dict)
    receipts: dict[tuple[int, int], list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    unexpected: Counter = field(default_factory=Counter)


def _body(rng: random.Random) -> str:
    return rng.choice(CONTACT_BODIES) if rng.random() < CONTACT_SHARE else rng.choice(BODIES)


async def _send(state: ClientState, send: Send) -> None:
    send.attempts += 1
    if not send.first_sent:
        send.first_sent = time.monotonic()
    frame = {
        "type": "message.send",
        "conversation_id": send.sock.conversation_id,
        "client_id": send.client_id,
        "body": send.body,
    }
    try:
        await send.sock.ws.send(json.dumps(frame))
    except Exception:
        send.final_error = "socket_closed"


async def _retry_later(state: ClientState, send: Send, delay: float) -> None:
    await asyncio.sleep(delay * (0.5 + random.random()))
    await _send(state, send)


async def _read(state: ClientState, sock: Sock) -> None:
    try:
        await _read_frames(state, sock)
    except Exception as exc:  # a closed socket ends its reader; anything else is a bench bug
        import websockets

        if not isinstance(exc, websockets.ConnectionClosed):
            print(f"reader failed: {exc!r}", file=sys.stderr)
        state.errors["socket_closed"] += 1


async def _read_frames(state: ClientState, sock: Sock) -> None:
    async for raw in sock.ws:
        now = time.monotonic()
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "message.new":
            message = frame["message"]
            if message.get("sender_id") != sock.user_id:
                state.receipts[(message["conversation_id"], message["seq"])].append(now)
        elif kind == "message.ack":
            send = state.sends.get(frame["client_id"])
            if send is not None and send.ack is None:
                send.ack = (frame["conversation_id"], frame["seq"])
        elif kind == "error":
            code = frame.get("code", "?")
            state.errors[code] += 1
            send = state.sends.get(frame.get("client_id", ""))
            if send is None:
                continue
            if code in RETRYABLE and send.attempts < MAX_ATTEMPTS:
                delay = max(RETRYABLE[code], min(float(frame.get("retry_after") or 0), 2.0))
                asyncio.get_running_loop().create_task(_retry_later(state, send, delay))
            else:
                send.final_error = code
        else:
            state.unexpected[kind] += 1


async def _connect(sock: Sock, mode: str, peer: int) -> None:
    import websockets

    if mode == "relay":
        url = f"{sock.url}/ws/relay/?me={sock.user_id}&peer={peer}"
        headers = {}
    else:
        url = f"{sock.url}/ws/inbox/"
        headers = {"Cookie": f"sessionid={sock.cookie}"}
    sock.ws = await websockets.connect(
        url,
        origin=_origin_of(sock.url),
        additional_headers=headers,
        max_queue=None,
        ping_interval=None,
        open_timeout=60,
        compression=None,
    )
    hello = json.loads(await sock.ws.recv())
    assert hello["type"] == "hello", hello


async def _run_phase(
    state: ClientState, socks: list[Sock], phase: dict, start: float, rng: random.Random
) -> dict:
    rate, duration, burst = phase.get("rate", 0), phase.get("duration", 0), phase.get("burst", 0)
    total = burst or int(rate * duration)
    share = phase.get("share", 1.0)  # this process's part of the offered load
    total = round(total * share)
    mine: list[Send] = []
    cpu0 = time.process_time()
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    for k in range(total):
        sock = socks[k % len(socks)]
        send = Send(f"{phase['name']}-{uuid.uuid4().hex[:20]}", sock, _body(rng))
        state.sends[send.client_id] = send
        mine.append(send)
        if not burst:
            due = start + k / (rate * share)
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await _send(state, send)
    end_of_slot = start + phase["slot"]
    while time.monotonic() < end_of_slot - 0.05:
        pending = [
            s
            for s in mine
            if s.final_error is None and (s.ack is None or s.ack not in state.receipts)
        ]
        if not pending:
            break
        await asyncio.sleep(0.05)
    return _phase_result(state, mine, start, time.process_time() - cpu0)


def _phase_result(state: ClientState, mine: list[Send], start: float, client_cpu: float) -> dict:
    latencies, last = [], start
    lost = unanswered = refused = dup = 0
    for send in mine:
        if send.ack is None:
            if send.final_error is None:
                unanswered += 1
            else:
                refused += 1
            continue
        times = state.receipts.get(send.ack)
        if not times:
            lost += 1
            continue
        dup += len(times) - 1
        latencies.append((times[0] - send.first_sent) * 1000)
        last = max(last, times[0])
    return {
        "offered": len(mine),
        "delivered": len(latencies),
        "lost": lost,
        "unanswered": unanswered,
        "refused": refused,
        "duplicated": dup,
        "latencies": [round(x, 3) for x in latencies],
        "elapsed": last - start,
        "client_cpu": client_cpu,
        "acks_distinct": len({s.ack for s in mine if s.ack is not None}),
        "acked": sum(1 for s in mine if s.ack is not None),
    }


async def client_main(spec: dict) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    state = ClientState()
    rng = random.Random(spec.get("seed", 1))
    socks = [Sock(s["user"], s["conv"], s["url"], s.get("cookie", "")) for s in spec["sockets"]]
    peers = [s["peer"] for s in spec["sockets"]]
    gate = asyncio.Semaphore(spec.get("connect_concurrency", 50))
    failed = 0

    async def connect(sock: Sock, peer: int) -> None:
        nonlocal failed
        async with gate:
            try:
                await _connect(sock, spec["mode"], peer)
            except Exception as exc:
                failed += 1
                if failed <= 3:
                    print(f"connect failed: {exc!r}", file=sys.stderr)

    await asyncio.gather(*(connect(sock, peer) for sock, peer in zip(socks, peers, strict=True)))
    socks_ok = [s for s in socks if s.ws is not None]
    readers = [asyncio.get_running_loop().create_task(_read(state, s)) for s in socks_ok]
    loop = asyncio.get_running_loop()
    print(json.dumps({"ready": len(socks_ok), "failed": failed}), flush=True)
    command = (await loop.run_in_executor(None, sys.stdin.readline)).split()
    results = []
    if command and command[0] == "GO":
        start = float(command[1])
        for phase in spec["phases"]:
            results.append(
                {"name": phase["name"], **await _run_phase(state, socks_ok, phase, start, rng)}
            )
            start += phase["slot"]
        print(
            json.dumps(
                {
                    "results": results,
                    "errors": dict(state.errors),
                    "unexpected": dict(state.unexpected),
                }
            ),
            flush=True,
        )
        await loop.run_in_executor(None, sys.stdin.readline)  # hold the sockets until told
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*(s.ws.close() for s in socks_ok), return_exceptions=True)


# Orchestrator: data ----------------------------------------------------------------------------


def setup_django(database_url: str, redis_url: str, rate_limit: int) -> None:
    os.environ.update(
        common.production_env(
            database_url=database_url, redis_url=redis_url, GIGBOX_SEND_RATE_LIMIT=str(rate_limit)
        )
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_users(prefix: str, count: int) -> list[tuple[int, str]]:
    """`count` users with a logged-in session each: [(user_id, session key)]."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    User = get_user_model()
    password = make_password("bench-password-not-used")
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{i}", email=f"{prefix}{i}@bench.invalid", password=password)
            for i in range(count)
        ]
    )
    store = SessionStore()
    # A backend the settings list (a session naming another is refused: 4401).
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if path.endswith("ModelBackend")
    )
    expire = timezone.now() + datetime.timedelta(days=1)
    sessions = []
    for user in users:
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": backend,
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        sessions.append(
            Session(
                session_key=uuid.uuid4().hex, session_data=store.encode(data), expire_date=expire
            )
        )
    Session.objects.bulk_create(sessions)
    return [(u.pk, s.session_key) for u, s in zip(users, sessions, strict=True)]


def make_pairs(count: int) -> list[dict]:
    """`count` pairs of users, each with one conversation through the real service."""
    from django.contrib.auth import get_user_model

    from inbox.conversations import get_or_start_conversation

    users = make_users("pair", 2 * count)
    User = get_user_model()
    pairs = []
    for i in range(count):
        (a, a_cookie), (b, b_cookie) = users[2 * i], users[2 * i + 1]
        conversation = get_or_start_conversation(
            starter=User.objects.get(pk=a), other=User.objects.get(pk=b)
        )
        pairs.append(
            {"a": a, "a_cookie": a_cookie, "b": b, "b_cookie": b_cookie, "conv": conversation.pk}
        )
    return pairs


def measure_send_path(pairs: list[dict], *, batches: int, batch_size: int = 100) -> dict:
    """`send_messages` alone, in this process (no sockets, no layer): wall and CPU time per
    message of full batches, i.e. the ceiling the writer's database thread puts on a process."""
    from django.contrib.auth import get_user_model

    from inbox.send import SendRequest, SentMessage, send_messages

    users = get_user_model().objects.in_bulk([p["a"] for p in pairs] + [p["b"] for p in pairs])
    rng = random.Random(7)
    walls, cpus, stored = [], [], 0
    for n in range(batches):
        requests = []
        for k in range(batch_size):
            pair = pairs[(n * batch_size + k) % len(pairs)]
            sender = users[pair["a"] if k % 2 else pair["b"]]
            requests.append(
                SendRequest(
                    pair["conv"], sender, _body(rng), f"path-{n}-{k}-{uuid.uuid4().hex[:8]}"
                )
            )
        wall, cpu = time.perf_counter(), time.process_time()
        outcomes = send_messages(requests)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        stored += sum(isinstance(o, SentMessage) for o in outcomes)
    walls, cpus = walls[1:], cpus[1:]  # the first batch warms caches and imports
    return {
        "batches": batches,
        "batch_size": batch_size,
        "stored": stored,
        "wall_us": common.median(walls) / batch_size * 1e6,
        "cpu_us": common.median(cpus) / batch_size * 1e6,
    }


def stored_messages() -> tuple[int, int]:
    """(messages stored, (conversation, seq) gaps) in the bench database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inbox_message WHERE kind = 'user'")
        count = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM inbox_conversation c WHERE c.last_seq <> "
            "(SELECT count(*) FROM inbox_message m WHERE m.conversation_id = c.id)"
        )
        gaps = cursor.fetchone()[0]
    return count, gaps


# Orchestrator: runs ----------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    result: dict
    server_cpu: float
    client_cpu: float
    threads: tuple[float, float] = (
        0.0,
        0.0,
    )  # first server process: (event loop thread, other threads) CPU s

    def cells(self, baseline: dict[str, Row]) -> list[str]:
        r, lat = self.result, self.result["latencies"]
        rate = r["delivered"] / r["elapsed"] if r["elapsed"] > 0 else 0.0
        cpu_us = self.server_cpu / r["delivered"] * 1e6 if r["delivered"] else float("nan")
        base = baseline.get(self.label.split(" ", 1)[1]) if " " in self.label else None
        ratio = ""
        if base is not None and base is not self and base.result["delivered"] and r["delivered"]:
            base_cpu = base.server_cpu / base.result["delivered"] * 1e6
            ratio = f"{cpu_us / base_cpu:.2f}x cpu"
        return [
            self.label,
            f"{r['delivered']}/{r['offered']}",
            str(r["lost"]),
            str(r["unanswered"]),
            str(r["duplicated"]),
            str(r["refused"]),
            f"{rate:,.0f}",
            *(f"{common.percentile(lat, p):.1f}" for p in (50, 95, 99)),
            f"{max(lat) if lat else float('nan'):.1f}",
            f"{cpu_us:,.0f}",
            f"{self.threads[0]:.1f} / {self.threads[1]:.1f}",
            f"{self.client_cpu:.1f}",
            ratio,
        ]


HEADERS = [
    "phase",
    "delivered/offered",
    "acked not delivered",
    "unanswered at slot end",
    "dup",
    "refused",
    "msg/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "server CPU µs/msg",
    "loop / other threads CPU s",
    "client CPU s",
    "vs relay",
]


def run_load(
    *,
    mode: str,
    urls: list[str],
    pids: list[int],
    pairs: list[dict],
    phases: list[dict],
    client_procs: int,
    same_server_pairs: bool = True,
) -> tuple[list[Row], dict]:
    """Connect every pair, run the phases on a shared clock, sample the servers' CPU per phase."""
    phases = [{**phase, "share": 1 / client_procs} for phase in phases]
    sockets = _sockets_per_client(mode, urls, pairs, client_procs, same_server_pairs)
    clients = _start_clients(mode, sockets, phases)
    start = time.monotonic() + 0.5
    for process in clients:
        process.stdin.write(f"GO {start}\n")
        process.stdin.flush()
    profiler = _start_profiler(mode, pids, phases)
    cpu_marks, moment = [], start
    time.sleep(max(0.0, start - time.monotonic()))
    cpu_marks.append(sum(common.cpu_seconds(pid) for pid in pids))
    thread_marks = [common.thread_cpu_seconds(pids[0])]
    for phase in phases:
        moment += phase["slot"]
        time.sleep(max(0.0, moment - time.monotonic()))
        cpu_marks.append(sum(common.cpu_seconds(pid) for pid in pids))
        thread_marks.append(common.thread_cpu_seconds(pids[0]))
    outputs = [json.loads(process.stdout.readline()) for process in clients]
    if profiler is not None:
        profiler.wait(timeout=30)
    for process in clients:
        process.stdin.write("CLOSE\n")
        process.stdin.flush()
        process.wait(timeout=30)
    rows = []
    for k, phase in enumerate(phases):
        merged = _merged_phase([output["results"][k] for output in outputs])
        client_cpu = merged.pop("client_cpu")
        row = Row(f"{mode} {phase['name']}", merged, cpu_marks[k + 1] - cpu_marks[k], client_cpu)
        row.threads = common.split_cpu(thread_marks[k], thread_marks[k + 1], pids[0])
        rows.append(row)
    errors: Counter = Counter()
    for output in outputs:
        errors.update(output["errors"])
        errors.update({f"unexpected {k}": v for k, v in output["unexpected"].items()})
    return rows, dict(errors)


def _sockets_per_client(
    mode: str, urls: list[str], pairs: list[dict], client_procs: int, same_server_pairs: bool
) -> list[list[dict]]:
    """Both users of each pair, spread over the client processes and the server URLs."""
    sockets_per_client: list[list[dict]] = [[] for _ in range(client_procs)]
    for i, pair in enumerate(pairs):
        url_a = urls[i % len(urls)]
        url_b = url_a if same_server_pairs else urls[(i + 1) % len(urls)]
        conv_a, conv_b = (pair["a"], pair["b"]) if mode == "relay" else (pair["conv"], pair["conv"])
        sockets_per_client[i % client_procs] += [
            {
                "user": pair["a"],
                "peer": pair["b"],
                "conv": conv_a,
                "url": url_a,
                "cookie": pair["a_cookie"],
            },
            {
                "user": pair["b"],
                "peer": pair["a"],
                "conv": conv_b,
                "url": url_b,
                "cookie": pair["b_cookie"],
            },
        ]
    return sockets_per_client


def _start_clients(mode: str, sockets_per_client: list[list[dict]], phases: list[dict]) -> list:
    """One client process per socket list, each connected and waiting for GO."""
    clients = []
    for n, sockets in enumerate(sockets_per_client):
        spec = {"mode": mode, "sockets": sockets, "phases": phases, "seed": n + 1}
        process = common.spawn(
            [sys.executable, __file__, "--client"],
            stdin=common.subprocess.PIPE,
            stdout=common.subprocess.PIPE,
            text=True,
        )
        process.stdin.write(json.dumps(spec) + "\n")
        process.stdin.flush()
        clients.append(process)
    for process in clients:
        ready = json.loads(process.stdout.readline() or '{"ready": 0, "failed": -1}')
        if ready["failed"]:
            print(f"  warning: {ready['failed']} socket(s) failed to connect", flush=True)
    return clients


def _start_profiler(mode: str, pids: list[int], phases: list[dict]):
    """BENCH_PYSPY=/path/to/py-spy: a raw flame profile of the first server over the phases."""
    if not os.environ.get("BENCH_PYSPY"):
        return None
    seconds = int(sum(phase["slot"] for phase in phases)) + 1
    out = f"/tmp/gigbox-bench-{mode}-{len(pids)}.pyspy.txt"
    return common.spawn(
        [
            os.environ["BENCH_PYSPY"],
            "record",
            "-d",
            str(seconds),
            "-p",
            str(pids[0]),
            "-r",
            "250",
            "-f",
            "raw",
            "-o",
            out,
            "--nonblocking",
        ],
        stdout=common.subprocess.DEVNULL,
        stderr=common.subprocess.DEVNULL,
    )


def _merged_phase(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One phase's results from every client process: sums and joined lists, the longest elapsed."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key == "name":
                continue
            if key == "elapsed":
                merged[key] = max(merged.get(key, 0.0), value)
            else:
                merged[key] = merged.get(key, [] if isinstance(value, list) else 0) + value
    return merged


def run_idle(*, url: str, pid: int, users: list[tuple[int, str]]) -> dict:
    """Open one idle socket per user on one process; RSS before and after, failed connects."""
    warm = common.spawn(
        [sys.executable, __file__, "--client"],
        stdin=common.subprocess.PIPE,
        stdout=common.subprocess.PIPE,
        text=True,
    )
    spec = {
        "mode": "gigbox",
        "phases": [],
        "connect_concurrency": 100,
        "sockets": [{"user": u, "peer": 0, "conv": 0, "url": url, "cookie": c} for u, c in users],
    }
    first = {**spec, "sockets": spec["sockets"][:20]}  # warm the process (imports, pools) first
    warm.stdin.write(json.dumps(first) + "\n")
    warm.stdin.flush()
    warm.stdout.readline()
    time.sleep(1.0)
    rss_before = common.rss_kib(pid)
    started = time.monotonic()
    idle = common.spawn(
        [sys.executable, __file__, "--client"],
        stdin=common.subprocess.PIPE,
        stdout=common.subprocess.PIPE,
        text=True,
    )
    idle.stdin.write(json.dumps({**spec, "sockets": spec["sockets"][20:]}) + "\n")
    idle.stdin.flush()
    ready = json.loads(idle.stdout.readline() or '{"ready": 0, "failed": -1}')
    connect_seconds = time.monotonic() - started
    time.sleep(2.0)
    rss_after = common.rss_kib(pid)
    for process in (idle, warm):
        process.stdin.write("CLOSE\n")
        process.stdin.flush()
    for process in (idle, warm):
        try:
            process.wait(timeout=60)
        except common.subprocess.TimeoutExpired:
            common.stop(process)
    return {
        "sockets": ready["ready"],
        "failed": ready["failed"],
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "connect_seconds": connect_seconds,
        "kib_per_socket": (rss_after - rss_before) / max(1, ready["ready"]),
    }


# A rate is sustained under a CPU quota when all is delivered, nothing lost, and p99 stays
# within this bound: a throttled process waits for its next period (up to ~6 ms each time,
# common.CpuQuota), so the goal's 50 ms of an uncapped process would measure the throttle.
CAPPED_P99_MS = 250.0


def run_capped_scaling(
    env: dict[str, str], pairs: list[dict], args: argparse.Namespace
) -> tuple[list[Row], dict]:
    """One server process, then two, each capped at `--scaling-quota` cores (common.CpuQuota),
    through rising offered rates (`--quota-rates` per process: twice those for two), the last
    a little past one capped process's capacity. The scaling figure is the most either
    delivered (msg/s); far past capacity efficiency falls (retries, refusals), which would
    flatter or belittle either side, so the rates stop near it."""
    rows: list[Row] = []
    errors: dict[str, dict] = {}
    for count in (1, 2):
        quotas = [common.CpuQuota(f"web{n}", args.scaling_quota) for n in range(count)]
        servers = [common.start_server(env, name=f"web{n + 1}") for n in range(count)]
        try:
            for quota, (server, _) in zip(quotas, servers, strict=True):
                quota.add(server.pid)
            phases = [
                {
                    "name": f"{count}x{args.scaling_quota} core {rate * count}/s",
                    "rate": rate * count,
                    "duration": args.duration,
                    "slot": args.duration + args.drain,
                }
                for rate in args.quota_rates
            ]
            got, errors[f"gigbox {count} capped"] = run_load(
                mode="gigbox",
                urls=[f"ws://127.0.0.1:{port}" for _, port in servers],
                pids=[s.pid for s, _ in servers],
                pairs=pairs,
                phases=phases,
                client_procs=args.client_procs,
            )
            rows += got
        finally:
            for server, _ in servers:
                common.stop(server)
            for quota in quotas:
                quota.remove()
    return rows, errors


def sustained(rows: list[Row], rates: list[int]) -> int:
    """The highest of the rising offered `rates` up to which every phase (`rows`, in the same
    order) delivered all it was offered, lost nothing and kept p99 within CAPPED_P99_MS;
    0 if the first did not."""
    best = 0
    for row, rate in zip(rows, rates, strict=True):
        r = row.result
        if (
            r["delivered"] != r["offered"]
            or r["lost"]
            or r["unanswered"]
            or common.percentile(r["latencies"], 99) > CAPPED_P99_MS
        ):
            break
        best = rate
    return best


def delivered_rate(row: Row) -> float:
    return row.result["delivered"] / row.result["elapsed"] if row.result["elapsed"] > 0 else 0.0


def capped_scaling_summary(capped: list[Row], args: argparse.Namespace) -> str:
    """One line: the most one and two capped processes delivered, and the best rate sustained."""
    if not capped:
        return "scaling under a CPU quota: not measured (no writable cgroup cpu controller here)"
    steps = len(args.quota_rates)
    one_rows, two_rows = capped[:steps], capped[steps:]
    one, two = max(map(delivered_rate, one_rows)), max(map(delivered_rate, two_rows))
    return (
        f"scaling, each process capped at {args.scaling_quota} core: the most delivered, "
        f"one {one:,.0f} msg/s, two {two:,.0f} msg/s = {two / one:.2f}x; "
        "the highest offered rate sustained (all delivered, "
        f"p99 <= {CAPPED_P99_MS:.0f} ms): one {sustained(one_rows, args.quota_rates):,}/s, "
        f"two {sustained(two_rows, [rate * 2 for rate in args.quota_rates]):,}/s"
    )


def load_phases(args: argparse.Namespace) -> list[dict]:
    phases = [
        {
            "name": f"{rate}/s",
            "rate": rate,
            "duration": args.duration,
            "slot": args.duration + args.drain,
        }
        for rate in args.rates
    ]
    if args.burst:
        phases.append({"name": f"burst {args.burst}", "burst": args.burst, "slot": args.burst_slot})
    return phases


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="short phases and fewer sockets")
    parser.add_argument("--only", choices=["gigbox", "relay"], help="run one side only")
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--rates", default="250,500,1000,1500")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per offered rate")
    parser.add_argument(
        "--drain", type=float, default=3.0, help="seconds after each phase for the last deliveries"
    )
    parser.add_argument("--burst", type=int, default=5000)
    parser.add_argument("--no-burst", dest="burst", action="store_const", const=0)
    parser.add_argument("--burst-slot", type=float, default=12.0)
    parser.add_argument(
        "--overload", type=int, default=3000, help="offered rate of the overload phase (0: none)"
    )
    parser.add_argument(
        "--scaling-rate", type=int, default=2000, help="offered rate with two processes (0: none)"
    )
    parser.add_argument(
        "--scaling-quota",
        type=float,
        default=0.4,
        help="cores per server process for the capped one-vs-two run "
        "(0: none; needs a writable cgroup)",
    )
    parser.add_argument(
        "--quota-rates",
        default="400,475,550,625,700",
        help="offered rates per process of the capped one-vs-two run "
        "(two processes get twice these)",
    )
    parser.add_argument(
        "--idle", type=int, default=5000, help="idle sockets on one process (0: none)"
    )
    parser.add_argument(
        "--send-path-batches",
        type=int,
        default=21,
        help="batches for the in-process send_messages figure (0: none)",
    )
    parser.add_argument("--client-procs", type=int, default=1, choices=[1, 2])
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop gigbox_bench at the end"
    )
    args = parser.parse_args()
    if args.quick:
        args.pairs, args.duration, args.drain, args.idle = (
            min(args.pairs, 100),
            3.0,
            2.0,
            min(args.idle, 1000),
        )
        args.burst, args.burst_slot = min(args.burst, 2000), 8.0
    args.rates = [int(r) for r in args.rates.split(",") if r]
    args.quota_rates = [int(r) for r in args.quota_rates.split(",") if r]
    return args


@dataclass
class GigboxRun:
    """What the Gigbox side of a run measured (`run_gigbox`)."""

    rows: list[Row] = field(default_factory=list)
    errors: dict[str, dict] = field(default_factory=dict)
    capped: list[Row] = field(default_factory=list)
    idle: dict | None = None
    stored: int = 0
    gaps: int = 0


def run_relay(
    env: dict[str, str], pairs: list, phases: list[dict], args: argparse.Namespace
) -> tuple[list[Row], dict]:
    server, port = common.start_server(env, name="relay", application="bench.relay_app:application")
    try:
        return run_load(
            mode="relay",
            urls=[f"ws://127.0.0.1:{port}"],
            pids=[server.pid],
            pairs=pairs,
            phases=phases,
            client_procs=args.client_procs,
        )
    finally:
        common.stop(server)


def run_gigbox(
    env: dict[str, str], pairs: list, idle_users: list, phases: list[dict], args: argparse.Namespace
) -> GigboxRun:
    """One process through the phases (and overload), its idle sockets, two processes,
    the capped one-vs-two run."""
    run = GigboxRun()
    gig_phases = phases + (
        [
            {
                "name": f"overload {args.overload}/s",
                "rate": args.overload,
                "duration": args.duration,
                "slot": args.duration + args.drain + 3,
            }
        ]
        if args.overload
        else []
    )
    server, port = common.start_server(
        env, name="web1", log_path=Path("/tmp/gigbox-bench-web1.log")
    )
    try:
        rows, run.errors["gigbox"] = run_load(
            mode="gigbox",
            urls=[f"ws://127.0.0.1:{port}"],
            pids=[server.pid],
            pairs=pairs,
            phases=gig_phases,
            client_procs=args.client_procs,
        )
        run.rows += rows
        run.idle = (
            run_idle(url=f"ws://127.0.0.1:{port}", pid=server.pid, users=idle_users)
            if idle_users
            else None
        )
    finally:
        common.stop(server)
    if args.scaling_rate:
        rows, run.errors["gigbox 2 procs"] = run_two_processes(env, pairs, args)
        run.rows += rows
    if args.scaling_quota and common.CpuQuota.available():
        run.capped, capped_errors = run_capped_scaling(env, pairs, args)
        run.rows += run.capped
        run.errors.update(capped_errors)
    run.stored, run.gaps = stored_messages()
    return run


def run_two_processes(
    env: dict[str, str], pairs: list, args: argparse.Namespace
) -> tuple[list[Row], dict]:
    servers = [common.start_server(env, name=f"web{n}") for n in (1, 2)]
    phases = [
        {
            "name": f"2 procs {args.scaling_rate}/s",
            "rate": args.scaling_rate,
            "duration": args.duration,
            "slot": args.duration + args.drain + 2,
        }
    ]
    if args.burst:
        phases.append(
            {"name": f"2 procs burst {args.burst}", "burst": args.burst, "slot": args.burst_slot}
        )
    try:
        return run_load(
            mode="gigbox",
            urls=[f"ws://127.0.0.1:{p}" for _, p in servers],
            pids=[s.pid for s, _ in servers],
            pairs=pairs,
            phases=phases,
            client_procs=args.client_procs,
        )
    finally:
        for server, _ in servers:
            common.stop(server)


def print_report(
    rows: list[Row], errors: dict[str, dict], gigbox: GigboxRun | None, args: argparse.Namespace
) -> None:
    baseline = {row.label.split(" ", 1)[1]: row for row in rows if row.label.startswith("relay ")}
    print()
    print(common.table(HEADERS, [row.cells(baseline) for row in rows]))
    print()
    print(
        "msg/s: delivered / (last delivery - phase start); "
        "latency: first send -> the peer's message.new;"
    )
    print(
        "acked not delivered: acknowledged, "
        "no message.new to the peer by the end of the phase's slot;"
    )
    print(
        "unanswered at slot end: still queued "
        "(late, not lost: the database check below counts what was stored);"
    )
    print(
        "refused: ended with a non-retryable error. Backlog left by one phase slows the next ones."
    )
    print(
        "server CPU: utime+stime of the server process(es) over the phase "
        "(including its drain) / delivered."
    )
    print(f"client errors (retryable ones were retried with the same client_id): {errors}")
    if gigbox is None:
        return
    acked = sum(row.result["acks_distinct"] for row in rows if row.label.startswith("gigbox"))
    print(
        f"database: {gigbox.stored} user messages stored, {acked} distinct acks; "
        f"conversations whose last_seq != row count: {gigbox.gaps}"
    )
    if args.scaling_quota:
        print(capped_scaling_summary(gigbox.capped, args))
    if gigbox.idle:
        idle = gigbox.idle
        print(
            f"idle sockets on one process: {idle['sockets']} connected, {idle['failed']} failed, "
            f"in {idle['connect_seconds']:.1f} s; RSS {idle['rss_before_kib'] / 1024:.0f} -> "
            f"{idle['rss_after_kib'] / 1024:.0f} MiB = {idle['kib_per_socket']:.1f} KiB per socket"
        )


def main() -> int:
    args = parse_args()
    if args.client:
        asyncio.run(client_main(json.loads(sys.stdin.readline())))
        return 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))

    print(f"machine: {common.machine()}", flush=True)
    began = time.monotonic()
    redis = common.PrivateRedis().start()
    database_url = common.create_database("gigbox_bench")
    try:
        setup_django(database_url, redis.url, rate_limit=10_000_000)
        pairs = make_pairs(args.pairs)
        idle_users = make_users("idle", args.idle) if args.idle else []
        print(
            f"setup: {len(pairs)} pairs, {len(idle_users)} idle users "
            f"in {time.monotonic() - began:.1f} s",
            flush=True,
        )
        env = dict(os.environ)
        if args.send_path_batches:
            print_send_path(measure_send_path(pairs, batches=args.send_path_batches))
        phases = load_phases(args)
        rows: list[Row] = []
        errors: dict[str, dict] = {}
        gigbox = None
        if args.only in (None, "relay"):
            relay_rows, errors["relay"] = run_relay(env, pairs, phases, args)
            rows += relay_rows
        if args.only in (None, "gigbox"):
            gigbox = run_gigbox(env, pairs, idle_users, phases, args)
            rows += gigbox.rows
            errors.update(gigbox.errors)
        print_report(rows, errors, gigbox, args)
        print(
            f"whole run: {time.monotonic() - began:.0f} s; load average now {common.load_average()}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        redis.stop()
        if not args.keep_db:
            common.drop_database("gigbox_bench")
    return 0


def print_send_path(send_path: dict) -> None:
    print(
        f"send_messages alone, batches of {send_path['batch_size']} "
        f"(median of {send_path['batches'] - 1}): "
        f"{send_path['wall_us']:.0f} µs wall, {send_path['cpu_us']:.0f} µs Python CPU per message "
        f"(ceiling ~{1e6 / send_path['wall_us']:,.0f} msg/s per process)",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
