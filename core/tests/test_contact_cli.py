"""`python -m core.contact`: stdin lines in, JSON lines out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "core.contact", *args],
        input=stdin,
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )


def test_plain_and_json_lines() -> None:
    lines = [
        "call me 0803 123 4567",
        json.dumps({"text": "296033", "history": ["my number", "08125"]}),
        "hello there",
        json.dumps({"text": "sam at gmail dot com"}),
    ]
    done = _run(("\n".join(lines) + "\n").encode())
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [o["has_contact"] for o in out] == [True, True, False, True]
    assert out[0]["masked"] == "call me [contact hidden]"
    assert out[1]["findings"][0]["split"] is True
    assert set(out[0]) == {"has_contact", "masked", "findings"}


def test_invalid_lines_are_reported_and_processing_continues() -> None:
    stdin = (
        b'{"text": 5}\n{not json\n\xff\xfe\n{"text": "ok", "history": "nope"}\ncall 0803 123 4567\n'
    )
    done = _run(stdin)
    assert done.returncode == 1
    err = done.stderr.decode()
    for number in (1, 2, 3, 4):
        assert f"line {number}:" in err
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 5
    assert all("error" in o for o in out[:4])
    assert out[4]["has_contact"] is True


def test_help_and_allowed_hosts() -> None:
    done = _run(b"", "--help")
    assert done.returncode == 0
    assert b"stdin" in done.stdout
    done = _run(b"see t.me/samdesigns\n", "--allowed-host", "t.me")
    assert json.loads(done.stdout)["has_contact"] is False
    done = _run(b"mail support@gigbox.com\n")  # no host of its own without the flag
    assert json.loads(done.stdout)["has_contact"] is True
