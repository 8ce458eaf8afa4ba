"""Blind-probe score of the contact detector, as a black box.

    .venv/bin/python bench/blind_probes.py                 # core/tests/data/blind_probes.jsonl
    .venv/bin/python bench/blind_probes.py other.jsonl -q  # another file; -q: no line listing
    .venv/bin/python bench/blind_probes.py --all           # every family in the table

Each line of the file is {"id", "text", "history", "contact", "family", "note"}. The line is
scanned with `core.contact.scan(text, history=history)` and counts as flagged when the result
has a contact. Printed: recall on the contact lines, the false-positive rate on the harmless
lines, a per-family table (the families with a mistake; --all: every family), and the missed
and falsely flagged lines.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.contact import scan  # noqa: E402

DEFAULT = ROOT / "core" / "tests" / "data" / "blind_probes.jsonl"


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def short(text: str, width: int = 70) -> str:
    one = json.dumps(text, ensure_ascii=False)[1:-1]
    return one if len(one) <= width else one[: width - 1] + "…"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("-q", "--quiet", action="store_true", help="no missed/false listing")
    parser.add_argument("--all", action="store_true", help="every family, not only the wrong")
    args = parser.parse_args()

    rows = load(args.path)
    per_family: dict[tuple[bool, str], list[int]] = defaultdict(lambda: [0, 0])
    missed, false = [], []
    for row in rows:
        flagged = scan(row["text"], history=row.get("history") or []).has_contact
        good = flagged == row["contact"]
        cell = per_family[(row["contact"], row["family"])]
        cell[0] += good
        cell[1] += 1
        if not good:
            (missed if row["contact"] else false).append(row)

    positives = sum(r["contact"] for r in rows)
    negatives = len(rows) - positives
    print(f"{args.path.name}: {len(rows)} lines ({positives} contact, {negatives} harmless)")
    print(
        f"recall         {positives - len(missed)}/{positives}"
        f" = {(positives - len(missed)) / max(positives, 1):.1%}"
    )
    print(f"false positive {len(false)}/{negatives} = {len(false) / max(negatives, 1):.1%}")

    perfect = sum(right == total for right, total in per_family.values())
    print(
        f"\nper family (right/total), C contact, H harmless; {perfect}/{len(per_family)} all right:"
    )
    for (contact, family), (right, total) in sorted(
        per_family.items(), key=lambda kv: (not kv[0][0], kv[1][0] == kv[1][1], kv[0][1])
    ):
        if right == total and not args.all:
            continue
        mark = "" if right == total else "  <--"
        print(f"  {'C' if contact else 'H'} {family:28} {right}/{total}{mark}")

    if not args.quiet:
        for title, bad in (("missed", missed), ("falsely flagged", false)):
            print(f"\n{title} ({len(bad)}):")
            for r in bad:
                hist = f" [history: {short(' | '.join(r['history']), 40)}]" if r["history"] else ""
                print(f"  {r['id']} {r['family']}: {short(r['text'])}{hist}  ({r['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
