"""The checks every socket frame and every send pass stay cheap: no Python step per character.

Send path CPU (issue 16's follow-up): the client_id and body checks added for hostile input
(issue 17) walked every character in a Python generator, and a socket's client_id was walked
four times per message (the frame's echo and schema check, the batch's shape check, the
access check). They are one precompiled character class each now.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from inbox.checks import check_request_shape
from inbox.protocol import parse_client_frame


def _calls(action: Callable[[], object]) -> int:
    """Python and C function calls made by `action` (deterministic, unlike its time)."""
    count = 0

    def hook(frame, event, arg) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(hook)
    try:
        action()
    finally:
        sys.setprofile(None)
    return count


def _send_frame(client_id: str, body: str) -> str:
    return json.dumps(
        {"type": "message.send", "conversation_id": 12, "client_id": client_id, "body": body}
    )


def test_parsing_a_send_frame_costs_the_same_for_any_client_id_or_body_length():
    short = _send_frame("a" * 8, "Hi")
    long = _send_frame("é" * 64, "Hello there, " * 500)
    assert _calls(lambda: parse_client_frame(short)) == _calls(lambda: parse_client_frame(long))


def test_the_send_paths_shape_check_costs_the_same_for_any_client_id_length():
    assert _calls(lambda: check_request_shape(12, "a" * 8)) == _calls(
        lambda: check_request_shape(12, "\u00e9" * 64)
    )
