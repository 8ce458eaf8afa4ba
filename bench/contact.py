"""Benchmark and quality figures for the contact detector.

    .venv/bin/python bench/contact.py [--corpus PATH] [--out /tmp/contact_bench.txt]

The corpus is found like the tests find it (moderation/tests/corpus.py).

Prints messages per second on the labelled dev corpus and on a generated set
of ordinary chat without contact details, the worst scan time over 10,000-
character adversarial messages, and recall / false-positive rate / span
coverage on the corpus, each next to its goal. Runs in well under a minute.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.contact import scan
from core.contact.regions import match_international, match_national
from core.tests.corpus import ENV_VAR, corpus_candidates, find_contact_corpus

GOAL_CORPUS_RATE = 10_000
GOAL_CHAT_RATE = 50_000
GOAL_WORST_MS = 20.0
GOAL_RECALL = 0.99
GOAL_FPR = 0.005


# --- ordinary chat ------------------------------------------------------------

_OPENERS = [
    "Hi",
    "Hello",
    "Hey",
    "Thanks",
    "Sure",
    "Great",
    "Okay",
    "Dear sir",
    "Hi there",
    "Good morning",
]
_TEMPLATES = [
    "{o}, the logo is ready. Can we do {price} for {qty} revisions?",
    "{o}! Order FO{order} is due {date}, I'll send the draft by {time}.",
    "The total is {price} for {qty} pages, delivery by {date}.",
    "I can do {qty} banners at {res} for {price}, is that ok?",
    "Please export at {res} and also {res2} for Instagram stories.",
    "{o}, revision {small} of {small2} is done, please check and tell me.",
    "Invoice {invoice} has been paid, thank you for the order.",
    "Can you send the brand colours? I have #{hex} and #{hex2} so far.",
    "Site runs WordPress {ver}; I upgraded the theme to {ver2} yesterday.",
    "{o}, I'm at {pct}% on the draft, the rest will be ready {day}.",
    "Meeting {date} {time} via Gigbox call, does that work for you?",
    "My phone is broken, please send the files here.",
    "Shipping to {city}, postal code {zip}, tracking {tracking}.",
    "Budget is {price}, deadline {date}, {qty} products in {small}-{small2} days.",
    "I don't use WhatsApp for work, let's keep everything here on Gigbox.",
    "{o}! Could you do the same design in {qty} sizes: {res}, {res2}?",
    "Transaction ID {order}{small} shows {price} for the extra gig.",
    "Let's do a Gigbox call at {time} {tz}, I'm free until {time2}.",
    "The year range {year} to {year2} should be in the chart.",
    "Step 1: upload, step 2: review, step 3: approve, "
    "then {qty} backlinks in {small}-{small2} days.",
    "Can I get {qty} more slides at {price}? The deck is {pages} pages now.",
    "The file is {res} px, {small}00 dpi, about {small2} MB.",
    "{o}, I sent the source files, ISBN {isbn} on the back cover.",
    "Rating {rating} from {reviews} reviews, {years} years of experience.",
    "Ok, one more round of changes and then we are done, thank you!",
    "Will the {qty} logo concepts be ready by {day}? No rush.",
    "Discount {pct}% if you order {qty} logos before {date}.",
    "Dimensions {small}0 x {small2}0 x {qty} cm, weight {small} kg.",
]
_CITIES = [
    "Lagos",
    "Karachi",
    "Dhaka",
    "Nairobi",
    "Cairo",
    "Riyadh",
    "Dubai",
    "Sao Paulo",
    "Mexico City",
    "Austin",
    "Leeds",
    "Berlin",
    "Lyon",
    "Jakarta",
    "Manila",
    "Hanoi",
    "Durban",
    "Colombo",
    "Kathmandu",
]


def ordinary_chat(n: int, seed: int = 7) -> list[str]:
    """Deterministic, varied seller/buyer lines with prices, dates, orders."""
    rng = random.Random(seed)
    prices = [
        "$45",
        "$1,200",
        "₹45,999",
        "PKR 45,000",
        "NGN 250,000",
        "KES 15,000",
        "R$ 1.250,00",
        "€300",
        "1,500 USD",
        "£80",
        "Rp 750.000",
    ]
    dates = [
        "15/03/2024",
        "2024-03-15",
        "31/8/2025",
        "03/27/2025",
        "March 15, 2024",
        "1st of June",
        "Friday 21.6.",
        "12.04.2025",
    ]
    times = ["10:30", "08:00", "9pm", "14:00", "10:30 AM", "7 30"]
    out = []
    for _ in range(n):
        t = rng.choice(_TEMPLATES)
        out.append(
            t.format(
                o=rng.choice(_OPENERS),
                price=rng.choice(prices),
                qty=rng.randint(2, 60),
                small=rng.randint(1, 9),
                small2=rng.randint(1, 9),
                order=rng.randint(1_000_000, 99_999_999),
                date=rng.choice(dates),
                time=rng.choice(times),
                time2=rng.choice(times),
                res=rng.choice(
                    ["1920x1080", "3000 x 3000", "1080 x 1920", "375x667", "4K 3840x2160"]
                ),
                res2=rng.choice(["500 x 500", "1200×628", "2048x2048"]),
                invoice=f"INV-{rng.randint(2019, 2025)}-{rng.randint(1, 99999):05d}",
                hex=f"{rng.randint(0, 0xFFFFFF):06X}",
                hex2=f"{rng.randint(0, 0xFFFFFF):06x}",
                ver=f"{rng.randint(4, 6)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}",
                ver2=f"{rng.randint(1, 20)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
                pct=rng.choice([20, 80, 12.5, 99.9, 50]),
                day=rng.choice(["tomorrow", "tonight", "on Monday", "next week"]),
                city=rng.choice(_CITIES),
                zip=rng.randint(10000, 999999),
                tracking=f"1Z{rng.randint(10**15, 10**16 - 1)}",
                tz=rng.choice(["IST", "PKT", "UTC+05:30", "GMT+5", "EST"]),
                year=rng.randint(1990, 2010),
                year2=rng.randint(2011, 2025),
                pages=rng.randint(5, 40),
                isbn=rng.choice(["978-3-16-148410-0", "978-1-4028-9462-6"]),
                rating=rng.choice(["4.9", "5.0", "4.7"]),
                reviews=f"{rng.randint(1, 9)},{rng.randint(100, 999)}",
                years=rng.randint(2, 15),
            )
        )
    return out


def bare_nine_digit_numbers(n: int, seed: int = 5) -> list[str]:
    """Random nine-digit numbers grouped like a phone with no words around.

    The share of these that gets masked is the false-positive exposure of
    the no-context nine-digit rule, should such numbers be ids or amounts:
    neither the corpus negatives nor the ordinary-chat set contain any.
    """
    rng = random.Random(seed)
    out = []
    for i in range(n):
        d = f"{rng.randint(0, 10**9 - 1):09d}"
        out.append(f"{d[:3]} {d[3:6]} {d[6:]}" if i % 2 else f"{d[:3]} {d[3:5]} {d[5:7]} {d[7:]}")
    return out


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
        (p, f"{local}@{d}")
        for p in prefixes
        for local in locals_
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


# --- adversarial inputs -------------------------------------------------------


def adversarial(length: int = 10_000) -> dict[str, str]:
    rng = random.Random(3)
    digits = "".join(rng.choice("0123456789") for _ in range(length))
    return {
        "long digit run": "9" * length,
        "random digits": digits,
        "digits and separators": "".join(
            rng.choice("0123456789") + rng.choice(" -./*_") for _ in range(length // 2)
        ),
        "spaced single digits": " ".join("9876543210" * (length // 20)),
        "at at at": ("at " * (length // 3))[:length],
        "dot dot dot": ("dot " * (length // 4))[:length],
        "a at b dot": ("a at b dot " * (length // 11))[:length],
        "@@@": "@" * length,
        "a@a@": ("a@" * (length // 2))[:length],
        "long word": "a" * length,
        "long word then @": "a" * (length - 10) + "@gmail.com",
        "dots in word": ("a." * (length // 2))[:length],
        "digit words": ("nine eight seven " * (length // 17))[:length],
        "double double": ("double " * (length // 7))[:length],
        "leet": ("O1l" * (length // 3))[:length],
        "emoji": "😀🔥9️⃣" * (length // 5),
        "zero-width digits": "\u200b".join("9" * (length // 2)),
        "platform words": ("telegram whatsapp skype discord " * (length // 32))[:length],
        "mentions": ("@sam " * (length // 5))[:length],
        "url-ish": ("wa.me/" * (length // 6))[:length],
        "spaced letters": " ".join("abcdefghij" * (length // 20)),
        "brackets": ("(at)[dot]{at}" * (length // 13))[:length],
        "mixed unicode": "".join(
            rng.choice("٠١٢٣٤٥٦٧٨٩০১২৩৪५६७८९ａｂｃ＠．") for _ in range(length)
        ),
        "hash tags": ("sam#1234 " * (length // 9))[:length],
        "dates": ("2024-03-15 " * (length // 11))[:length],
    }


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
        match_national.cache_clear()
        match_international.cache_clear()
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


def worst_adversarial_ms() -> tuple[float, str]:
    worst, name = 0.0, ""
    for label, text in adversarial().items():
        for history in ([], [text[:2000], text[:2000]]):
            best = float("inf")
            for _ in range(3):
                t0 = _clock()
                scan(text, history)
                best = min(best, _clock() - t0)
            if best * 1000 > worst:
                worst, name = best * 1000, label + (" (with history)" if history else "")
    return worst, name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help=f"default: ${ENV_VAR}, else <repo>/../shared/corpus/contact_dev.jsonl, "
        "else /work/shared/corpus/contact_dev.jsonl",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/contact_bench.txt"))
    args = parser.parse_args(argv)
    if args.corpus is None:
        args.corpus = find_contact_corpus()
        if args.corpus is None:
            tried = ", ".join(str(p) for p in corpus_candidates())
            print(
                f"labelled contact corpus not found (tried {tried}); "
                f"pass --corpus or set {ENV_VAR}",
                file=sys.stderr,
            )
            return 2

    rows = [
        json.loads(line)
        for line in args.corpus.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    q = quality(rows)
    corpus_rate = _rate(corpus_messages(rows))
    chat = ordinary_chat(5000)
    chat_flagged = sum(scan(m).has_contact for m in chat)
    chat_rate = _rate([(m, []) for m in chat])
    worst_ms, worst_name = worst_adversarial_ms()
    bare = bare_nine_digit_numbers(2000)
    bare_flagged = sum(scan(m).has_contact for m in bare)
    generated = generated_recall()

    lines = [
        "Contact detector benchmark (.venv/bin/python bench/contact.py), "
        "one core, CPU time of the process",
        f"corpus: {args.corpus} ({q['positives']} positive, {q['negatives']} negative records)",
        f"  recall           {q['recall']:.4f}   goal >= {GOAL_RECALL}   ({q['fn']} missed)",
        f"  false-pos rate   {q['fpr']:.4f}   goal <= {GOAL_FPR}  ({q['fp']} flagged)",
        f"  span coverage    {q['span_coverage']:.4f}   (labelled spans fully covered by findings)",
        f"  bare 9 digits    {bare_flagged / len(bare):.4f}   masked share of {len(bare)} "
        "random '612 345 678'-style"
        f" numbers without words (ES/PE mobiles; exposure if such ids appear)",
        "generated recall (references, not the corpus):",
        *(
            f"  {label:<19}{found / total:.4f}   ({found} of {total})"
            for label, found, total in generated
        ),
        "speed:",
        f"  dev corpus        {corpus_rate:>9,.0f} msgs/s   goal {GOAL_CORPUS_RATE:,}  "
        f"({corpus_rate / GOAL_CORPUS_RATE:.1f}x)",
        f"  ordinary chat     {chat_rate:>9,.0f} msgs/s   goal {GOAL_CHAT_RATE:,}  "
        f"({chat_rate / GOAL_CHAT_RATE:.1f}x)"
        f"   [{len(chat)} generated lines, {chat_flagged} flagged]",
        f"  worst 10k-char    {worst_ms:>9.2f} ms       goal < {GOAL_WORST_MS:.0f} ms  "
        f"({GOAL_WORST_MS / max(worst_ms, 1e-9):.1f}x headroom; {worst_name})",
    ]
    report = "\n".join(lines)
    print(report)
    try:
        args.out.write_text(report + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"(could not write {args.out}: {exc})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
