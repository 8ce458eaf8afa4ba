"""Inbox test helpers. The personas (alice sells, bob buys from her, charlie is a stranger,
stella is staff), alice and bob's general `conversation`, `send` (through the one send path
with a fresh client_id unless one is given) and `png_bytes` are the root conftest's."""

from __future__ import annotations

import uuid


def new_client_id() -> str:
    return uuid.uuid4().hex
