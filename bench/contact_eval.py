"""Measure one version of the contact detector on bench/contact_data.py's data.

    python bench/contact_eval.py --root DIR --data FILE [--corpus PATH]

``DIR`` holds the ``core/contact`` package to measure (the working tree, or a
``git archive`` of an older commit); nothing else of the repository is
imported, so bench/contact.py runs the old and the new detector the same way,
each in its own process. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path


def _load(root: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(root))
    from core.contact import scan
    from core.contact.regions import match_international, match_national

    return scan, (match_international, match_national)


scan = None  # set by main(): the detector under test
_CACHES: tuple = ()


def _intents(result) -> tuple:  # type: ignore[no-untyped-def]
    return getattr(result, "intents", ())  # detectors before the tiers had none


def generated_recall() -> list[tuple[str, int, int]]:
    """(label, found, total) for details generated from references, not from the corpus.

    Every region's example mobile (libphonenumber) written E.164, international
    and national after "call me on"; plain emails after words that used to
    hide them; keycap-disguised 8-15 digit runs after "my number" (valid
    somewhere or not).
    """
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    rng = random.Random(11)
    phones = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        number = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        if number is None or len(phonenumbers.national_significant_number(number)) < 7:
            continue
        for fmt in (
            PhoneNumberFormat.E164,
            PhoneNumberFormat.INTERNATIONAL,
            PhoneNumberFormat.NATIONAL,
        ):
            phones.append(phonenumbers.format_number(number, fmt))
    locals_ = ["bob.b", "jo.k", "a.b", "sam_99", "k-l", "x+tag", "q"]
    prefixes = [
        "Email me at ",
        "reach me at ",
        "mail me at ",
        "my mail is ",
        "contact - ",
        "at ",
        "write to sam at ",
    ]
    emails = [
        (p, f"{loc}@{d}")
        for p in prefixes
        for loc in locals_
        for d in ("example.com", "outlook.com", "x.io", "studio.museum")
    ]
    keycaps = [
        "".join(rng.choice("0123456789") for _ in range(rng.randint(8, 15))) for _ in range(300)
    ]

    def covered(text: str, start: int, end: int, kind: str) -> bool:
        return any(
            f.kind == kind and f.start <= start and end <= f.end for f in scan(text).findings
        )

    found_phones = sum(covered("call me on " + w, 11, 11 + len(w), "phone") for w in phones)
    found_emails = sum(covered(p + e, len(p), len(p) + len(e), "email") for p, e in emails)
    disguised = ["".join(c + "\ufe0f\u20e3" for c in d) for d in keycaps if len(set(d)) > 1]
    found_keycaps = sum(covered("my number " + w, 10, 10 + len(w), "phone") for w in disguised)
    return [
        ("region mobiles", found_phones, len(phones)),
        ("emails after words", found_emails, len(emails)),
        ("keycap runs", found_keycaps, len(disguised)),
    ]


# --- measuring ----------------------------------------------------------------

# CPU time of this process, not wall time: on a shared machine other jobs
# would otherwise be billed to the detector. The detector is single-threaded,
# so CPU seconds are seconds of one core.
_clock = time.process_time


def _rate(messages: list[tuple[str, list[str]]], min_seconds: float = 1.5) -> float:
    for text, history in messages[:200]:
        scan(text, history)  # warm the caches the way a long-running worker has them
    done = 0
    elapsed = 0.0
    while True:
        # Forget validated numbers between passes: real traffic rarely repeats
        # a number, so the memo must not make repeated passes look faster.
        for cache in _CACHES:
            cache.cache_clear()
        start = _clock()
        for text, history in messages:
            scan(text, history)
        elapsed += _clock() - start
        done += len(messages)
        if elapsed >= min_seconds:
            return done / elapsed


def corpus_messages(rows: list[dict]) -> list[tuple[str, list[str]]]:
    out = []
    for row in rows:
        if "sequence" in row:
            seq = row["sequence"]
            out.extend((m, seq[:i]) for i, m in enumerate(seq))
        else:
            out.append((row["text"], []))
    return out


def quality(rows: list[dict]) -> dict[str, float]:
    tp = fn = fp = tn = 0
    spans_total = spans_covered = 0
    for row in rows:
        if "sequence" in row:
            seq = row["sequence"]
            flagged = any(scan(m, seq[:i]).has_contact for i, m in enumerate(seq))
        else:
            result = scan(row["text"])
            flagged = result.has_contact
            for a, b in row.get("spans", []):
                spans_total += 1
                text = row["text"]
                if all(
                    any(f.start <= i < f.end for f in result.findings)
                    for i in range(a, b)
                    if not text[i].isspace()
                ):
                    spans_covered += 1
        if row["has_contact"]:
            tp += flagged
            fn += not flagged
        else:
            fp += flagged
            tn += not flagged
    return {
        "recall": tp / max(1, tp + fn),
        "fpr": fp / max(1, fp + tn),
        "span_coverage": spans_covered / max(1, spans_total),
        "positives": tp + fn,
        "negatives": fp + tn,
        "fn": fn,
        "fp": fp,
    }


def _worst_ms(texts: dict[str, tuple[str, list[str]]]) -> tuple[float, str]:
    worst, name = 0.0, ""
    for label, (text, history) in texts.items():
        best = float("inf")
        for _ in range(3):
            t0 = _clock()
            scan(text, history)
            best = min(best, _clock() - t0)
        if best * 1000 > worst:
            worst, name = best * 1000, label
    return worst, name


def _found(messages: list[str], span: list[int] | None) -> bool:
    """A tier-1 finding on the detail (single message) or anywhere in the sequence (split)."""
    if span is None:
        return any(scan(m, messages[:i]).findings for i, m in enumerate(messages))
    a, b = span
    return any(f.start < b and a < f.end for f in scan(messages[-1]).findings)


def families(data: dict) -> dict:
    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    depth: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[list[str]]] = defaultdict(list)
    for case in data["positives"]:
        ok = _found(case["messages"], case["span"])
        for key, table in ((case["family"], recall), (f"depth {case['depth']}", depth)):
            table[key][0] += ok
            table[key][1] += 1
        if not ok and len(misses[case["family"]]) < 5:
            misses[case["family"]].append(case["messages"])
    fp: dict[str, list[int]] = {}
    fp_examples: dict[str, list[list[str]]] = defaultdict(list)
    for family, seqs in data["harmless"].items():
        flagged = 0
        for seq in seqs:
            hit = any(
                r.findings or _intents(r) for i, m in enumerate(seq) for r in [scan(m, seq[:i])]
            )
            flagged += hit
            if hit and len(fp_examples[family]) < 5:
                fp_examples[family].append(seq)
        fp[family] = [flagged, len(seqs)]
    intent_any = sum(bool(scan(t).findings or _intents(scan(t))) for t in data["intent"])
    intent_t2 = sum(bool(_intents(r)) and r.masked == t for t in data["intent"] for r in [scan(t)])
    return {
        "recall": recall,
        "depth": depth,
        "misses": misses,
        "fp": fp,
        "fp_examples": fp_examples,
        "intent": [intent_any, intent_t2, len(data["intent"])],
    }


def speed(data: dict, corpus_rows: list[dict]) -> dict:
    heavy = corpus_messages(corpus_rows)
    for family in (
        "numbers",
        "sizes",
        "dates",
        "versions",
        "prices",
        "references",
        "code",
        "sequences",
    ):
        for seq in data["harmless"][family]:
            heavy.extend((m, seq[:i]) for i, m in enumerate(seq))
    for case in data["positives"]:
        if case["depth"] == 1 and case["family"] in ("separators", "spelled", "split", "glued"):
            msgs = case["messages"]
            heavy.extend((m, msgs[:i]) for i, m in enumerate(msgs))
    adversarial = {k: (v, []) for k, v in data["adversarial"].items()}
    adversarial.update(
        {f"{k} (with history)": (v, [v[:2000], v[:2000]]) for k, v in data["adversarial"].items()}
    )
    worst_adv = _worst_ms(adversarial)
    # The slowest ordinary message of the whole data set, timed once each then confirmed.
    everything = heavy + [(m, []) for m in data["ordinary_chat"] + data["plain_chat"]]
    slowest = sorted(everything, key=_single_time, reverse=True)[:20]
    worst_msg = _worst_ms({t[:60]: (t, h) for t, h in slowest})
    return {
        "number_heavy": [_rate(heavy), len(heavy)],
        "ordinary_chat": _rate([(m, []) for m in data["ordinary_chat"]]),
        "plain_chat": _rate([(m, []) for m in data["plain_chat"]]),
        "worst_adversarial": worst_adv,
        "worst_message": worst_msg,
        "ordinary_flagged": sum(_flagged(m) for m in data["ordinary_chat"]),
        "plain_flagged": sum(_flagged(m) for m in data["plain_chat"]),
        "bare_nine": sum(bool(scan(m).findings) for m in data["bare_nine"])
        / len(data["bare_nine"]),
    }


def _flagged(text: str) -> bool:
    result = scan(text)
    return bool(result.findings or _intents(result))


def _single_time(item: tuple[str, list[str]]) -> float:
    t0 = _clock()
    scan(*item)
    return _clock() - t0


def main(argv: list[str] | None = None) -> int:
    global scan, _CACHES
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    args = parser.parse_args(argv)
    scan, _CACHES = _load(args.root)
    data = json.loads(args.data.read_text(encoding="utf-8"))
    rows = [
        json.loads(line)
        for line in args.corpus.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    out = {
        "corpus": quality(rows),
        "generated": generated_recall(),
        "families": families(data),
        "speed": speed(data, rows),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
