"""The send path in-process: CPU per message of `send_messages` on full batches.

    .venv/bin/python bench/send_path.py                     # 30 batches of 100, 200 pairs
    .venv/bin/python bench/send_path.py --batch 50 --profile  # plus a cProfile of the batches

No sockets and no channel layer: what the writer's database thread spends per message
(process CPU, i.e. the GIL-holding Python side; PostgreSQL's own CPU is not in it), the
number of SQL statements per batch, and the wall time per batch. A private PostgreSQL
database (gigbox_bench_sendpath) and a private redis-server are created and removed.
Run it before and after a change in the same sitting: the machine is shared, CPU time
travels better than wall time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common
from bench import realtime

DATABASE = "gigbox_bench_sendpath"


def run(*, pairs: list[dict], batches: int, batch_size: int, profile: bool) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inbox.send import SendRequest, SentMessage, send_messages

    users = get_user_model().objects.in_bulk([p["a"] for p in pairs] + [p["b"] for p in pairs])
    rng = random.Random(7)
    walls, cpus, queries, stored = [], [], [], 0
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall
    for n in range(batches):
        requests = []
        for k in range(batch_size):
            pair = pairs[(n * batch_size + k) % len(pairs)]
            sender = users[pair["a"] if k % 2 else pair["b"]]
            requests.append(
                SendRequest(
                    pair["conv"], sender, realtime._body(rng), f"sp-{n}-{k}-{uuid.uuid4().hex[:8]}"
                )
            )
        if (
            n == batches - 1
        ):  # the last batch counts statements (the debug cursor costs CPU: not timed)
            with CaptureQueriesContext(connection) as captured:
                outcomes = send_messages(requests)
            queries.append(len(captured))
            if os.environ.get("BENCH_SHOW_SQL"):
                for query in captured.captured_queries:
                    print("  SQL:", query["sql"][:150].replace("\n", " "))
        else:
            if profiler and n:
                profiler.enable()
            wall, cpu = time.perf_counter(), time.process_time()
            outcomes = send_messages(requests)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            if profiler and n:
                profiler.disable()
        stored += sum(isinstance(o, SentMessage) and not o.duplicate for o in outcomes)
    walls, cpus = walls[1:], cpus[1:]  # the first batch warms caches and imports
    report = ""
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(
            r"inbox|moderation|ratelimit|bulk_create|execute", 40
        )
        report = out.getvalue()
    return {
        "stored": stored,
        "cpu_us": common.median(cpus) / batch_size * 1e6,
        "cpu_p90_us": common.percentile(cpus, 90) / batch_size * 1e6,
        "wall_ms": common.median(walls) * 1e3,
        "queries": common.median(queries),
        "profile": report,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--batches", type=int, default=32)
    parser.add_argument("--batch", type=int, default=100, help="sends per batch")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile (tottime) of the batches"
    )
    args = parser.parse_args()
    print(f"machine: {common.machine()}", flush=True)
    redis = common.PrivateRedis().start()
    database_url = common.create_database(DATABASE)
    try:
        realtime.setup_django(database_url, redis.url, rate_limit=10_000_000)
        pairs = realtime.make_pairs(args.pairs)
        result = run(pairs=pairs, batches=args.batches, batch_size=args.batch, profile=args.profile)
        print(
            f"send_messages, batches of {args.batch} (median of {args.batches - 2}): "
            f"{result['cpu_us']:.0f} µs CPU per message (p90 batch {result['cpu_p90_us']:.0f}), "
            f"{result['wall_ms'] * 1000:,.0f} µs wall per batch, "
            f"{result['queries']:.0f} SQL statements per batch; "
            f"{result['stored']} stored",
            flush=True,
        )
        if result["profile"]:
            print(result["profile"])
        print(f"load average now {common.load_average()}")
    finally:
        from django.db import connections

        connections.close_all()
        redis.stop()
        common.drop_database(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
