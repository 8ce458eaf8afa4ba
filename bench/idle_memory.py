"""Where the memory of idle inbox sockets goes: N idle sockets on one server process run
with tracemalloc (bench/memprobe_app.py), then the allocations since just before they
connected, by source line and by object type, and RSS per socket (tracemalloc inflates it).

    .venv/bin/python bench/idle_memory.py --sockets 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common
from bench import realtime

DATABASE = "gigbox_bench_idle"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--no-trace", action="store_true", help="RSS only (no tracemalloc)")
    args = parser.parse_args()
    redis = common.PrivateRedis().start()
    database_url = common.create_database(DATABASE)
    try:
        realtime.setup_django(database_url, redis.url, rate_limit=10_000_000)
        users = realtime.make_users("idle", args.sockets + 20)
        env = {**os.environ, **({} if args.no_trace else {"PYTHONTRACEMALLOC": "1"})}
        server, port = common.start_server(
            env, name="mem", application="bench.memprobe_app:application"
        )
        base = f"http://127.0.0.1:{port}/__memprobe__"
        # Twenty sockets warm the process first, as in realtime.py's idle phase.
        original = common.rss_kib

        calls: list[int] = []

        def mark_then_rss(pid: int) -> int:
            """run_idle reads RSS just before the idle sockets connect, then with them open."""
            calls.append(pid)
            if not args.no_trace:
                what = "mark" if len(calls) == 1 else "diff"
                text = urllib.request.urlopen(f"{base}/{what}", timeout=300).read().decode()
                if what == "diff":
                    print(text, flush=True)
            return original(pid)

        common.rss_kib = mark_then_rss
        idle = realtime.run_idle(url=f"ws://127.0.0.1:{port}", pid=server.pid, users=users)
        common.rss_kib = original
        print(
            f"{idle['sockets']} connected, {idle['failed']} failed "
            f"in {idle['connect_seconds']:.1f} s; "
            f"RSS {idle['rss_before_kib'] / 1024:.0f} -> {idle['rss_after_kib'] / 1024:.0f} MiB = "
            f"{idle['kib_per_socket']:.1f} KiB per socket",
            flush=True,
        )
        common.stop(server)
    finally:
        from django.db import connections

        connections.close_all()
        redis.stop()
        common.drop_database(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
