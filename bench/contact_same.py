"""Are the contact detector's findings byte-identical BEFORE and AFTER a change?

    .venv/bin/python bench/contact_same.py [--before HEAD] [--corpus PATH]

For speed work that must not change behaviour: BEFORE is ``core/contact`` as at git
commit ``--before`` (``git archive``), AFTER the working tree, each run in its own
process over the same inputs: the labelled dev corpus (sequences with their history),
every generated set of bench/contact_data.py (positives and harmless sequences with
their history, intent lines, ordinary and plain chat alone and with the 8 messages
before each as history, bare 9-digit numbers, the adversarial inputs alone and with
history), core/tests/data/blind_probes.jsonl, the realtime bench's bodies, and every
string literal of the contact and send tests (alone, and with the 1, 2, 3 and 5
literals before it in the source as history). Each result (findings with every field,
masked text, intents) is compared; exits 1 and prints the first differences when any differ.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOSTS = ("gigbox.example", "gigbox.com")
_TEST_SOURCES = ("core/tests", "inbox/tests", "moderation/tests")


def _literal_cases() -> list[tuple[str, list[str]]]:
    """Every string literal of the contact and send tests, alone and after its neighbours."""
    cases: list[tuple[str, list[str]]] = []
    for folder in _TEST_SOURCES:
        for path in sorted((ROOT / folder).glob("test_*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            nodes = [
                n
                for n in ast.walk(tree)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.strip()
            ]
            nodes.sort(key=lambda n: (n.lineno, n.col_offset))  # in source order
            strings = [n.value for n in nodes]
            for i, text in enumerate(strings):
                cases.append((text, []))
                cases += [(text, strings[max(0, i - k) : i]) for k in (1, 2, 3, 5) if i >= k]
    return cases


def _with_history(seq: list[str]) -> list[tuple[str, list[str]]]:
    return [(m, seq[:i]) for i, m in enumerate(seq)]


def inputs(corpus: Path) -> list[tuple[str, list[str]]]:
    from bench import realtime
    from bench.contact_data import dataset

    data = dataset()
    cases: list[tuple[str, list[str]]] = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        cases += _with_history(row["sequence"]) if "sequence" in row else [(row["text"], [])]
    for case in data["positives"]:
        cases += _with_history(case["messages"])
    for seqs in data["harmless"].values():
        for seq in seqs:
            cases += _with_history(seq if isinstance(seq, list) else [seq])
    for item in data["intent"]:
        text = item if isinstance(item, str) else item.get("text", json.dumps(item))
        cases.append((text, []))
    for name in ("ordinary_chat", "plain_chat"):
        chat = data[name]
        cases += [(m, []) for m in chat]
        cases += [(m, chat[max(0, i - 8) : i]) for i, m in enumerate(chat)]
    cases += [(m, []) for m in data["bare_nine"]]
    for text in data["adversarial"].values():
        cases += [(text, []), (text, [text[:2000], text[:2000]])]
    probes = ROOT / "core" / "tests" / "data" / "blind_probes.jsonl"
    for line in probes.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        cases.append((row["text"], list(row.get("history", []))))
    bodies = list(realtime.BODIES) + list(realtime.CONTACT_BODIES)
    cases += [(b, bodies[max(0, i - 5) : i]) for i, b in enumerate(bodies)]
    cases += [(b, []) for b in bodies]
    return cases + _literal_cases()


def dump(root: Path, cases_file: Path) -> list[str]:
    """One line per case: its result, every field."""
    sys.path.insert(0, str(root))
    from core.contact import scan

    out = []
    for text, history in json.loads(cases_file.read_text(encoding="utf-8")):
        r = scan(text, history, allowed_hosts=HOSTS)
        fields = [[list(vars(f).values()) for f in r.findings], r.masked]
        fields.append([list(vars(f).values()) for f in getattr(r, "intents", ())])
        out.append(json.dumps(fields))
    return out


def _run(root: Path, cases_file: Path, out: Path) -> list[str]:
    subprocess.run(
        [sys.executable, __file__, "--dump", str(root), "--cases", str(cases_file),
         "--out", str(out)],
        check=True,
    )  # fmt: skip
    return out.read_text(encoding="utf-8").splitlines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", default="HEAD", help="git commit of the BEFORE detector")
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cases", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dump:
        args.out.write_text("\n".join(dump(args.dump, args.cases)) + "\n", encoding="utf-8")
        return 0
    from bench.contact import _old_tree
    from core.tests.corpus import find_contact_corpus

    corpus = args.corpus or find_contact_corpus()
    if corpus is None:
        print("contact corpus not found; pass --corpus", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="contact_same_") as tmp:
        cases = inputs(corpus)
        cases_file = Path(tmp) / "cases.json"
        cases_file.write_text(json.dumps(cases), encoding="utf-8")
        old = _old_tree(args.before, Path(tmp) / "before")
        before = _run(old, cases_file, Path(tmp) / "before.txt")
        after = _run(ROOT, cases_file, Path(tmp) / "after.txt")
    digest = hashlib.sha256("\n".join(after).encode()).hexdigest()[:16]
    differ = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
    flagged = sum(line != json.dumps([[], text, []])
                  for line, (text, _) in zip(after, cases, strict=True))  # fmt: skip
    print(f"{len(cases)} cases ({flagged} with a finding or intent), before {args.before} "
          f"vs working tree: {len(differ)} differ; after digest {digest}")  # fmt: skip
    for i in differ[:10]:
        text, history = cases[i]
        print(f"  {text[:80]!r} (history {len(history)})\n    before {before[i][:300]}\n"
              f"    after  {after[i][:300]}")  # fmt: skip
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
