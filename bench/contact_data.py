"""The data bench/contact.py measures the contact detector on.

Ordinary chat (numbers everywhere), plain chat (almost none), 10,000-character
adversarial inputs, and the generated families of core/tests/contact_generators.py
and core/tests/contact_harmless.py, written to one JSON file that the evaluator
(bench/contact_eval.py) reads with either version of the detector.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.tests.contact_generators import FAMILIES_DEPTH_1, FAMILIES_DEPTH_2, cases
from core.tests.contact_harmless import HARMLESS_FAMILIES, harmless_cases, intent_cases

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
    "Step 1: upload, step 2: review, step 3: approve,"
    " then {qty} backlinks in {small}-{small2} days.",
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
        "spelled run together": ("NINEFOURFIVESEVEN" * (length // 17))[:length],
        "letter separators": ("1x2x3x4x5" * (length // 9))[:length],
        "glued words": ("call0803now" * (length // 11))[:length],
        "misspelt platforms": ("tweeter telegran whatsap @a " * (length // 28))[:length],
        "dotted letters": ("l.i.l.y @ " * (length // 10))[:length],
        "intent words": ("add me on whatsapp let's continue outside " * (length // 42))[:length],
    }


_PLAIN = [
    "Hi, thanks for the order! I'll start today and keep you posted.",
    "Could you send me the brand guidelines and the fonts you use?",
    "The second concept looks great, can we try it in blue?",
    "Sure, no problem. I will fix the spacing and resend it.",
    "Good morning! Any feedback on the draft I sent yesterday?",
    "I love it, please go ahead with the final files.",
    "Can you make the text a bit bigger on the mobile version?",
    "Thanks a lot, it was a pleasure working with you.",
    "Is it possible to add a small animation to the logo?",
    "Okay, I will wait for your answer before I continue.",
    "Please check the attachment and tell me what you think.",
    "We need the copy in English and Spanish, is that fine?",
    "The client wants a more modern look, less gold.",
    "I am at the office now, I will reply in the evening.",
    "Let me know if you need anything else from my side.",
]


def plain_chat(n: int, seed: int = 9) -> list[str]:
    """Everyday lines with (almost) no digits: most of what a detector sees."""
    rng = random.Random(seed)
    return [
        rng.choice(_PLAIN) + (" " + rng.choice(_PLAIN) if rng.random() < 0.3 else "")
        for _ in range(n)
    ]


def dataset(per_family_1: int = 300, per_family_2: int = 150, harmless: int = 400) -> dict:
    """Every generated set, JSON-ready: the same input for the old and the new detector."""
    positives = []
    for depth, families, n in (
        (0, ("plain",), per_family_1),
        (1, FAMILIES_DEPTH_1, per_family_1),
        (2, FAMILIES_DEPTH_2, per_family_2),
    ):
        for family in families:
            for case in cases(family, n):
                positives.append(
                    {
                        "family": family,
                        "depth": depth,
                        "kind": case.kind,
                        "messages": list(case.messages),
                        "span": case.span,
                    }
                )
    return {
        "positives": positives,
        "harmless": {f: harmless_cases(f, harmless) for f in HARMLESS_FAMILIES},
        "intent": intent_cases(harmless),
        "ordinary_chat": ordinary_chat(5000),
        "plain_chat": plain_chat(5000),
        "bare_nine": bare_nine_digit_numbers(2000),
        "adversarial": adversarial(),
    }
