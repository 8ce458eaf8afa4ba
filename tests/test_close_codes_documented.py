"""Every close code the server sends is in docs/protocol.md, and the browser client gives
up only on the two codes after which reconnecting cannot help (4401, 4403)."""

from __future__ import annotations

import re
from pathlib import Path

from inbox import consumers
from moderation import auth, enforcement

ROOT = Path(__file__).resolve().parents[1]


def server_close_codes() -> set[int]:
    codes = {value for name, value in vars(consumers).items() if name.startswith("CLOSE_")}
    codes |= {value for name, value in vars(enforcement).items() if name.startswith("CLOSE_")}
    return codes | {auth.CLOSE_LOGGED_OUT}


def test_every_close_code_is_documented():
    documented = {
        int(code)
        for code in re.findall(r"\*\*(\d{4})\*\*", (ROOT / "docs/protocol.md").read_text())
    }
    assert {1001, 1009, 1012, 4401, 4403, 4429} <= server_close_codes()
    assert server_close_codes() <= documented


def test_the_browser_client_reconnects_after_every_close_but_4401_and_4403():
    source = (ROOT / "static/js/realtime.js").read_text()
    final = re.search(r"FINAL_CLOSE_CODES = new Set\(\[([^\]]*)\]\)", source)
    assert final is not None
    assert {int(code) for code in final.group(1).split(",")} == {4401, 4403}
