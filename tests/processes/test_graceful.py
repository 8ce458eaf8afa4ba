"""SIGTERM to a server process (python -m config.server): it stops accepting, drains what it
accepted, closes sockets with 1001 and exits, within its deadline. Uses the small consumers
of tests/processes/apps.py, so it needs no PostgreSQL or Redis.

No wall-clock assertions (the machine is shared and its load varies): the tests check what
happened and in which order, from the process's own log lines and exit code. A process that
hangs is caught by the timeout below (pytest-timeout) and by `wait(timeout=...)`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import urllib.request

import pytest
import websockets

APP = "tests.processes.apps:application"
RECEIVED = "shutdown: SIGTERM received"
OVERRAN = "overran the deadline"
DONE_OK = "shutdown: done in"

pytestmark = pytest.mark.timeout(120)  # a hang guard, far above a normal run


def assert_in_order(log: str, *needles: str) -> None:
    """Each needle is in the log, each after the one before."""
    position = 0
    for needle in needles:
        found = log.find(needle, position)
        assert found >= 0, f"{needle!r} missing after position {position} in:\n{log}"
        position = found + len(needle)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    environ = {**os.environ, "GIGBOX_TEST_COMMIT_LOG": str(tmp_path / "commits.jsonl")}
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return environ


def committed(env: dict[str, str]) -> list[str]:
    path = env["GIGBOX_TEST_COMMIT_LOG"]
    if not os.path.exists(path):
        return []
    with open(path) as log:
        return [json.loads(line) for line in log]


async def read_until_closed(socket) -> list[dict]:
    frames = []
    try:
        async for raw in socket:
            frames.append(json.loads(raw))
    except websockets.ConnectionClosed:
        pass
    return frames


def test_sigterm_commits_and_acks_every_accepted_send_then_closes_with_1001(app_process, env):
    server = app_process(env=env, application=APP)

    async def scenario():
        async with websockets.connect(f"{server.ws_url}/ws/writer/") as socket:
            assert socket.response.headers["X-Gigbox-Process"] == "web1"
            sent = [f"msg-{n:03d}" for n in range(50)]
            for client_id in sent:
                await socket.send(json.dumps({"client_id": client_id}))
            await asyncio.sleep(0.05)  # the frames reach the process before the signal
            os.kill(server.process.pid, signal.SIGTERM)
            frames = await read_until_closed(socket)
            return sent, frames, socket.close_code

    sent, frames, close_code = asyncio.run(scenario())
    acked = [f["client_id"] for f in frames if f["type"] == "ack"]
    refused = [
        f["client_id"] for f in frames if f["type"] == "error" and f["code"] == "unavailable"
    ]
    assert close_code == 1001
    # Sends are answered in order: acks (each after its commit), then, for frames handled
    # after the signal on a loaded machine, `unavailable`; frames still unread when the
    # socket closed get no answer at all. Either way the client resends what has no ack.
    answered = acked + refused
    assert acked and answered == sent[: len(answered)] and acked == sent[: len(acked)]
    assert set(acked) <= set(committed(env))  # nothing acknowledged is missing
    assert not set(sent) - set(acked) & set(committed(env))  # nothing unacked was stored
    assert server.process.wait(timeout=30) == 0
    # The drain finished inside the deadline: the hooks completed, none was cut off.
    log = server.log()
    assert_in_order(log, RECEIVED, DONE_OK, "(hooks ok,")
    assert OVERRAN not in log


def test_during_the_drain_the_process_refuses_new_connections(app_process, env):
    env["GIGBOX_TEST_DRAIN_DELAY"] = "1.5"
    server = app_process(env=env, application=APP)

    async def scenario():
        async with websockets.connect(f"{server.ws_url}/ws/writer/") as socket:
            await socket.send(json.dumps({"client_id": "before-signal"}))
            await asyncio.sleep(0.05)
            os.kill(server.process.pid, signal.SIGTERM)
            await asyncio.sleep(0.3)  # draining now (the hook waits 1.5 s)
            with pytest.raises(OSError):  # nothing listens any more: the proxy goes elsewhere
                await websockets.connect(f"{server.ws_url}/ws/writer/", open_timeout=2)
            frames = await read_until_closed(socket)
            return frames, socket.close_code

    frames, close_code = asyncio.run(scenario())
    assert {"type": "ack", "client_id": "before-signal"} in frames
    assert close_code == 1001
    assert server.process.wait(timeout=10) == 0


def test_a_consumer_without_hooks_is_closed_with_1001_by_the_server(app_process, env):
    server = app_process(env=env, application=APP)

    async def scenario():
        async with websockets.connect(f"{server.ws_url}/ws/plain/") as socket:
            await socket.send(json.dumps({"n": 1}))
            assert json.loads(await socket.recv()) == {"type": "echo", "n": 1}
            os.kill(server.process.pid, signal.SIGTERM)
            await read_until_closed(socket)
            return socket.close_code

    assert asyncio.run(scenario()) == 1001
    assert server.process.wait(timeout=10) == 0
    assert "ws closed /ws/plain/ code=1001" in server.log()


def test_a_hook_that_overruns_does_not_keep_the_process_alive(app_process, env):
    env["GIGBOX_TEST_DRAIN_DELAY"] = "3600"  # never finishes within the test
    env["GIGBOX_SHUTDOWN_TIMEOUT"] = "1.5"
    server = app_process(env=env, application=APP)

    async def scenario():
        async with websockets.connect(f"{server.ws_url}/ws/writer/") as socket:
            os.kill(server.process.pid, signal.SIGTERM)
            await read_until_closed(socket)
            return socket.close_code

    assert asyncio.run(scenario()) == 1001
    # Exits cleanly although the hook never returns: it was cut off at the deadline, then
    # the sockets were closed and the process finished its shutdown.
    assert server.process.wait(timeout=30) == 0
    assert_in_order(
        server.log(), RECEIVED, "1 drain hook(s) " + OVERRAN, DONE_OK, "(hooks incomplete,"
    )


def test_an_http_request_in_flight_is_answered_before_the_process_exits(app_process, env):
    server = app_process(env=env, application=APP)

    async def scenario():
        request = asyncio.to_thread(
            urllib.request.urlopen, urllib.request.Request(f"{server.url}/slow/"), timeout=10
        )
        task = asyncio.ensure_future(request)
        await asyncio.sleep(0.3)  # the request is being handled (it takes 1 s)
        os.kill(server.process.pid, signal.SIGTERM)
        with await task as response:
            return response.status, response.read()

    assert asyncio.run(scenario()) == (200, b"finished")
    assert server.process.wait(timeout=10) == 0
