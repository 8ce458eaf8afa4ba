"""Process-local shutdown hooks: how a server process goes away without losing anything.

The server entry point (`python -m config.server`) calls `begin_shutdown()` when it gets
SIGTERM, stops listening, then awaits `run_shutdown_hooks(timeout=...)` in its event loop
before it stops. Code that holds work in memory registers a hook:

    from config import lifecycle

    # once per process, e.g. when the writer task starts: commit (and ack) what is queued
    lifecycle.on_shutdown(writer.flush, stage=lifecycle.DRAIN)

    # per WebSocket consumer, in connect(); returns a handle to cancel in disconnect()
    self._shutdown_hook = lifecycle.on_shutdown(self.close_going_away, stage=lifecycle.CLOSE)

DRAIN hooks all run first (concurrently), then CLOSE hooks (concurrently), each stage
bounded by what is left of the deadline (but at least MIN_STAGE_SECONDS). A hook that raises
or overruns is logged and does not stop the others. Nothing here imports Django: it is plain
asyncio.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

logger = logging.getLogger("gigbox.lifecycle")

ShutdownHook = Callable[[], Awaitable[object]]

DRAIN = "drain"  # finish work already accepted (flush queues, commit, ack)
CLOSE = "close"  # then say goodbye (close sockets with 1001 "going away")
STAGES = (DRAIN, CLOSE)
# A stage whose turn comes after the deadline still gets this long: saying goodbye (1001)
# is quick and worth more than the fraction of a second it costs.
MIN_STAGE_SECONDS = 0.5

_hooks: dict[int, tuple[str, ShutdownHook]] = {}
_next_id = 0
_shutting_down = False


@dataclass(frozen=True)
class HookHandle:
    """What `on_shutdown` returns: call `.cancel()` when the owner goes away first."""

    hook_id: int

    def cancel(self) -> None:
        _hooks.pop(self.hook_id, None)


def on_shutdown(hook: ShutdownHook, *, stage: str = DRAIN) -> HookHandle:
    """Run `await hook()` when this process shuts down (in the server's event loop)."""
    global _next_id
    if stage not in STAGES:
        raise ValueError(f"unknown shutdown stage {stage!r}; use one of {STAGES}")
    _next_id += 1
    _hooks[_next_id] = (stage, hook)
    return HookHandle(_next_id)


def is_shutting_down() -> bool:
    """True once SIGTERM arrived: refuse new connections and new work (callers retry elsewhere)."""
    return _shutting_down


def begin_shutdown() -> None:
    global _shutting_down
    _shutting_down = True


def pending_hooks() -> int:
    return len(_hooks)


async def run_shutdown_hooks(timeout: float) -> bool:
    """Run every registered hook, DRAIN stage then CLOSE stage, within `timeout` seconds.

    Returns True when every hook finished in time without raising. Hooks registered while
    a stage runs (a connection that slipped in) are picked up by the next stage or ignored.
    """
    begin_shutdown()
    deadline = time.monotonic() + timeout
    all_ok = True
    for stage in STAGES:
        hooks = [
            _hooks.pop(hid)[1]
            for hid, (hook_stage, _) in list(_hooks.items())
            if hook_stage == stage
        ]
        if not hooks:
            continue
        remaining = max(MIN_STAGE_SECONDS, deadline - time.monotonic())
        tasks = [asyncio.ensure_future(_call(hook)) for hook in hooks]
        done, not_done = await asyncio.wait(tasks, timeout=remaining)
        for task in not_done:
            task.cancel()
        if not_done:
            all_ok = False
            logger.warning("shutdown: %d %s hook(s) overran the deadline", len(not_done), stage)
        all_ok = all_ok and all(task.result() for task in done)
    return all_ok


async def _call(hook: ShutdownHook) -> bool:
    try:
        await hook()
        return True
    except Exception:
        logger.exception("shutdown hook %r failed", hook)
        return False


def reset_for_tests() -> None:
    """Forget every hook and the shutting-down flag (tests only)."""
    global _shutting_down
    _hooks.clear()
    _shutting_down = False
