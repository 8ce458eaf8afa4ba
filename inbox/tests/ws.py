"""Helpers for consumer tests: open a socket as a user through the real ASGI stack (origin
check, session cookie, auth), and receive frames that are checked against the protocol."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from inbox.protocol import validate_server_frame

ORIGIN = b"http://127.0.0.1"
HOST = b"127.0.0.1"  # the Host header: the origin must be this host's, scheme and port included
# The backend a test login names (force_login): it must be one of AUTHENTICATION_BACKENDS.
LOGIN_BACKEND = "moderation.auth.NotSuspendedModelBackend"


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user, backend=LOGIN_BACKEND)
    return client.cookies["sessionid"].value


async def connect(
    user=None,
    *,
    origin: bytes | None = ORIGIN,
    cookie: str | None = None,
    client: tuple[str, int] | None = None,
    host: bytes | None = HOST,
) -> tuple[WebsocketCommunicator, bool]:
    """`client`: the peer address the application sees (the test communicator sets none)."""
    headers = [(b"host", host)] if host is not None else []
    if origin is not None:
        headers.append((b"origin", origin))
    if user is not None and cookie is None:
        cookie = await sync_to_async(session_cookie)(user)
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/inbox/", headers=headers)
    if client is not None:
        communicator.scope["client"] = list(client)  # the scope object the application gets
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


async def receive(communicator: WebsocketCommunicator, timeout: float = 3) -> dict[str, Any]:
    """The next frame, which must be valid per inbox/protocol.py."""
    frame = await communicator.receive_json_from(timeout=timeout)
    validate_server_frame(frame)
    return frame


async def open_socket(user, *, client: tuple[str, int] | None = None) -> WebsocketCommunicator:
    """A connected socket of `user`, past its `hello`."""
    communicator, connected = await connect(user, client=client)
    assert connected
    hello = await receive(communicator)
    assert hello["type"] == "hello" and hello["user_id"] == user.pk
    return communicator


async def receive_types(
    communicator: WebsocketCommunicator, count: int
) -> dict[str, dict[str, Any]]:
    """`count` frames by type (frames of one push may interleave with others)."""
    frames = {}
    for _ in range(count):
        frame = await receive(communicator)
        frames[frame["type"]] = frame
    return frames


async def assert_closed_with(communicator: WebsocketCommunicator, code: int) -> None:
    output = await communicator.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": code}, output


async def assert_quiet(communicator: WebsocketCommunicator) -> None:
    if not await communicator.receive_nothing(timeout=0.3):
        raise AssertionError(f"unexpected frame: {await communicator.receive_output()}")


async def send(communicator: WebsocketCommunicator, frame: dict[str, Any]) -> None:
    await communicator.send_json_to(frame)
