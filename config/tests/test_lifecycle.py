"""Shutdown hooks (config/lifecycle.py): DRAIN before CLOSE, a deadline, failures contained."""

from __future__ import annotations

import asyncio

import pytest

from config import lifecycle


@pytest.fixture(autouse=True)
def _fresh():
    lifecycle.reset_for_tests()
    yield
    lifecycle.reset_for_tests()


async def test_drain_hooks_run_before_close_hooks_and_the_flag_is_set():
    order = []

    async def close_socket():
        order.append(("close", lifecycle.is_shutting_down()))

    async def flush_writer():
        await asyncio.sleep(0.05)
        order.append(("drain", lifecycle.is_shutting_down()))

    lifecycle.on_shutdown(close_socket, stage=lifecycle.CLOSE)
    lifecycle.on_shutdown(flush_writer)  # DRAIN by default
    assert not lifecycle.is_shutting_down()
    assert await lifecycle.run_shutdown_hooks(timeout=2) is True
    assert order == [("drain", True), ("close", True)]
    assert lifecycle.pending_hooks() == 0


async def test_a_cancelled_hook_does_not_run():
    ran = []

    async def hook():
        ran.append(1)

    handle = lifecycle.on_shutdown(hook, stage=lifecycle.CLOSE)
    handle.cancel()
    assert await lifecycle.run_shutdown_hooks(timeout=1) is True
    assert ran == []


async def test_a_hook_that_overruns_or_fails_does_not_stop_the_others():
    ran = []

    async def forever():
        await asyncio.sleep(60)

    async def broken():
        raise RuntimeError("boom")

    async def fine():
        ran.append("fine")

    lifecycle.on_shutdown(forever)
    lifecycle.on_shutdown(broken)
    lifecycle.on_shutdown(fine, stage=lifecycle.CLOSE)
    started = asyncio.get_running_loop().time()
    assert await lifecycle.run_shutdown_hooks(timeout=0.3) is False
    assert asyncio.get_running_loop().time() - started < 0.3 + 2 * lifecycle.MIN_STAGE_SECONDS
    assert ran == ["fine"]  # CLOSE still had its minimum turn after DRAIN used the deadline


async def test_close_hooks_still_run_when_drain_fails_quickly():
    ran = []

    async def broken():
        raise RuntimeError("boom")

    async def fine():
        ran.append("fine")

    lifecycle.on_shutdown(broken)
    lifecycle.on_shutdown(fine, stage=lifecycle.CLOSE)
    assert await lifecycle.run_shutdown_hooks(timeout=1) is False
    assert ran == ["fine"]


def test_an_unknown_stage_is_refused():
    async def hook():
        pass

    with pytest.raises(ValueError):
        lifecycle.on_shutdown(hook, stage="later")
