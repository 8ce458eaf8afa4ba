"""Benchmark and quality figures for the contact detector, BEFORE and AFTER in one run.

    .venv/bin/python bench/contact.py [--corpus PATH] [--before 69abfa2]
                                      [--out /tmp/contact_bench.txt]

BEFORE is the detector as at git commit ``--before`` (``git archive`` of its
core/contact into a temporary directory), AFTER the working tree; each is
measured in its own process by bench/contact_eval.py on the same data
(bench/contact_data.py): the labelled dev corpus, recall per disguise family
and per depth of composition, false positives per harmless family, tier-2
intent lines, speed on number-heavy and plain chat, and the worst single
message (10,000-character adversarial inputs included). Takes a few minutes.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.contact_data import adversarial, dataset  # noqa: E402  (adversarial: the tests use it)
from core.tests.corpus import ENV_VAR, corpus_candidates, find_contact_corpus  # noqa: E402

__all__ = ["adversarial", "main"]

GOAL_CORPUS_RATE = 10_000
GOAL_CHAT_RATE = 50_000
GOAL_WORST_MS = 20.0
GOAL_RECALL_1 = 0.99
GOAL_RECALL_2 = 0.97
GOAL_FPR = 0.005


def _old_tree(commit: str, into: Path) -> Path:
    """core/contact as at ``commit``, unpacked under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "core/__init__.py", "core/contact"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _evaluate(root: Path, data: Path, corpus: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "contact_eval.py"), "--root", str(root),
         "--data", str(data), "--corpus", str(corpus)],
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    return json.loads(proc.stdout)


def _ratio(pair: list[int]) -> float:
    return pair[0] / max(1, pair[1])


def _report(before: dict, after: dict, corpus: Path, commit: str) -> list[str]:
    b, a = before["families"], after["families"]
    lines = [
        "Contact detector benchmark (.venv/bin/python bench/contact.py), one core, CPU time",
        f"BEFORE = git {commit}, AFTER = working tree; corpus {corpus}",
        "",
        f"{'dev corpus':<34}{'before':>9}{'after':>9}   goal",
    ]
    for key, goal in (("recall", "1.000"), ("fpr", "0.000"), ("span_coverage", "")):
        lines.append(
            f"  {key:<32}{before['corpus'][key]:>9.4f}{after['corpus'][key]:>9.4f}   {goal}"
        )
    lines += ["", f"{'recall per family (tier 1)':<34}{'before':>9}{'after':>9}   goal     n"]
    for family, pair in a["recall"].items():
        depth = 1 if "+" not in family else 2
        goal = GOAL_RECALL_1 if depth == 1 else GOAL_RECALL_2
        lines.append(
            f"  {family:<32}{_ratio(b['recall'][family]):>9.3f}{_ratio(pair):>9.3f}"
            f"   >= {goal}  {pair[1]}"
        )
    lines += ["", "recall per depth of composition"]
    for depth, pair in sorted(a["depth"].items()):
        lines.append(f"  {depth:<32}{_ratio(b['depth'][depth]):>9.3f}{_ratio(pair):>9.3f}")
    lines += [
        "",
        f"{'false positives per harmless family':<34}{'before':>9}{'after':>9}   goal     n",
    ]
    for family, pair in a["fp"].items():
        lines.append(
            f"  {family:<32}{_ratio(b['fp'][family]):>9.4f}{_ratio(pair):>9.4f}"
            f"   <= {GOAL_FPR}  {pair[1]}"
        )
    bi, ai = b["intent"], a["intent"]
    lines += [
        "",
        "tier 2 (intent lines, nothing to mask)",
        f"  {'any finding':<32}{bi[0] / bi[2]:>9.3f}{ai[0] / ai[2]:>9.3f}",
        f"  {'tier 2, text untouched':<32}{bi[1] / bi[2]:>9.3f}{ai[1] / ai[2]:>9.3f}",
        "",
        "generated references (region mobiles, emails, keycaps)",
    ]
    for (label, fb, tb), (_, fa, ta) in zip(before["generated"], after["generated"], strict=True):
        lines.append(f"  {label:<32}{fb / tb:>9.4f}{fa / ta:>9.4f}")
    sb, sa = before["speed"], after["speed"]
    lines += [
        "",
        f"{'speed':<34}{'before':>9}{'after':>9}   goal",
        f"  {'number-heavy msgs/s':<32}{sb['number_heavy'][0]:>9,.0f}{sa['number_heavy'][0]:>9,.0f}"
        f"   >= {GOAL_CORPUS_RATE:,}  ({sa['number_heavy'][1]} msgs: corpus + numbers)",
        f"  {'plain chat msgs/s':<32}{sb['plain_chat']:>9,.0f}{sa['plain_chat']:>9,.0f}"
        f"   >= {GOAL_CHAT_RATE:,}",
        f"  {'ordinary chat msgs/s':<32}{sb['ordinary_chat']:>9,.0f}"
        f"{sa['ordinary_chat']:>9,.0f}   >= {GOAL_CHAT_RATE:,}"
        f"  (flagged {sb['ordinary_flagged']} / {sa['ordinary_flagged']})",
        f"  {'worst 10k-char adversarial ms':<32}{sb['worst_adversarial'][0]:>9.2f}"
        f"{sa['worst_adversarial'][0]:>9.2f}   < {GOAL_WORST_MS:.0f}"
        f"  ({sa['worst_adversarial'][1]})",
        f"  {'worst data-set message ms':<32}{sb['worst_message'][0]:>9.2f}"
        f"{sa['worst_message'][0]:>9.2f}   < {GOAL_WORST_MS:.0f}",
        f"  {'bare 9-digit share masked':<32}{sb['bare_nine']:>9.4f}{sa['bare_nine']:>9.4f}",
    ]
    misses = {f: m for f, m in a["misses"].items() if m}
    if misses:
        lines += ["", "AFTER: examples still missed"]
        lines += [f"  {f}: {m[:2]}" for f, m in misses.items()]
    fps = {f: m for f, m in a["fp_examples"].items() if m}
    if fps:
        lines += ["", "AFTER: harmless examples flagged"]
        lines += [f"  {f}: {m[:2]}" for f, m in fps.items()]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=None, help=f"default: ${ENV_VAR}, ...")
    parser.add_argument("--before", default="69abfa2", help="git commit of the BEFORE detector")
    parser.add_argument("--out", type=Path, default=Path("/tmp/contact_bench.txt"))
    args = parser.parse_args(argv)
    corpus = args.corpus or find_contact_corpus()
    if corpus is None:
        tried = ", ".join(str(p) for p in corpus_candidates())
        print(f"contact corpus not found (tried {tried}); pass --corpus", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="contact_bench_") as tmp:
        data = Path(tmp) / "data.json"
        data.write_text(json.dumps(dataset()), encoding="utf-8")
        old = _old_tree(args.before, Path(tmp) / "before")
        before = _evaluate(old, data, corpus)
        after = _evaluate(ROOT, data, corpus)
    report = "\n".join(_report(before, after, corpus, args.before))
    print(report)
    try:
        args.out.write_text(report + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"(could not write {args.out}: {exc})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
