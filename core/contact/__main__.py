"""Command line: scan messages from stdin, one JSON result per line on stdout.

    python -m core.contact < messages.txt
    echo '{"text": "296033", "history": ["my number", "08125"]}' | python -m core.contact

Each input line is either plain text (one message) or a JSON object with a
"text" string and an optional "history" list of strings (auto-detected: a
line starting with '{' must be such an object). Each output line is
{"has_contact": ..., "masked": ..., "findings": [...]}.

A line that cannot be used (not UTF-8, a '{' line that is not a valid JSON
object, missing/invalid "text" or "history") is reported on stderr with its line number and
produces the output line {"error": "..."} so outputs stay aligned with inputs; the
remaining lines are still processed and the exit status is 1 at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, BinaryIO, TextIO

from . import scan


def _parse_line(line: str) -> tuple[str | None, list[str], str | None]:
    """(text, history, error) for one input line."""
    stripped = line.strip()
    if not stripped.startswith("{"):
        return line.rstrip("\r\n"), [], None
    try:
        obj: Any = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return None, [], f"invalid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(obj, dict):
        return None, [], 'a JSON line must be an object with a "text" field'
    text = obj.get("text")
    if not isinstance(text, str):
        return None, [], 'the "text" field is missing or not a string'
    history = obj.get("history", [])
    if history is None:
        history = []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        return None, [], 'the "history" field must be a list of strings'
    return text, history, None


def run(stdin: BinaryIO, stdout: TextIO, stderr: TextIO, allowed_hosts: tuple[str, ...]) -> int:
    status = 0
    for number, raw in enumerate(stdin, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, text, history, error = "", None, [], f"not valid UTF-8 (byte {exc.start + 1})"
        else:
            if not line.strip():
                continue
            text, history, error = _parse_line(line)
        if error is not None or text is None:
            print(f"line {number}: {error}", file=stderr)
            stdout.write(json.dumps({"error": error, "line": number}) + "\n")
            status = 1
            continue
        result = scan(text, history, allowed_hosts=allowed_hosts)
        stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    stdout.flush()
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.contact",
        description="Find and mask contact details (phones, emails, handles, links) "
        "in chat messages. "
        "Reads one message per line on stdin: plain text, or a JSON object "
        '{"text": ..., "history": [earlier messages, oldest first]}. '
        'Writes one JSON result per line: {"has_contact", "masked", "findings"}.',
        epilog="Invalid lines are reported on stderr with their line number; "
        "the other lines are still processed and the exit status is 1.",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        dest="allowed_hosts",
        metavar="HOST",
        help="the site's own host, whose links and email addresses are never findings "
        "(repeatable; default: none)",
    )
    args = parser.parse_args(argv)
    hosts = tuple(args.allowed_hosts or ())
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
    return run(sys.stdin.buffer, sys.stdout, sys.stderr, hosts)


if __name__ == "__main__":
    raise SystemExit(main())
