"""The inbox application plus two bench-only HTTP paths that say where a process's memory
goes (bench/idle_memory.py; never served by config.asgi):

    GET /__memprobe__/mark   remember a tracemalloc snapshot and the live objects per type
    GET /__memprobe__/diff   what was allocated since, by source line and by type

Run the server with PYTHONTRACEMALLOC=1 (the bench does).
"""

from __future__ import annotations

import gc
import tracemalloc
from collections import Counter

from config.asgi import application as inbox_application

_marks: dict[str, object] = {}


def _types() -> Counter:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def _diff(top: int = 30) -> str:
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    lines = ["by source line (KiB, count):"]
    for stat in snapshot.compare_to(_marks["snapshot"], "lineno")[:top]:
        frame = stat.traceback[0]
        lines.append(
            f"  {stat.size_diff / 1024:9.1f} {stat.count_diff:8d}  {frame.filename}:{frame.lineno}"
        )
    lines.append("live objects by type (count):")
    after = _types()
    for name, count in (after - _marks["types"]).most_common(top):
        lines.append(f"  {count:8d}  {name}")
    return "\n".join(lines)


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith("/__memprobe__/"):
        if scope["path"].endswith("/mark"):
            gc.collect()
            _marks["snapshot"] = tracemalloc.take_snapshot()
            _marks["types"] = _types()
            body = b"marked"
        else:
            body = _diff().encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return
    await inbox_application(scope, receive, send)
