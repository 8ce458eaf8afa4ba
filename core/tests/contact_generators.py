"""Disguised contact details, generated: the recall side of the contact detector's tests.

A *case* is one contact detail (a mobile of one of 35 regions in local or
international form, an email, or a handle on a named platform) written in a
carrier sentence and passed through a chain of *transforms*, each one a way
people hide details from a filter:

    spelled      digits as words (several languages), any case, run together or spaced
    separators   groups re-cut and joined by any separator: punctuation, letters, emoji
    lookalike    O for 0, l/I for 1, fullwidth, other-script and keycap digits
    glued        the number glued to the words around it ("call0803...now")
    letter_at_a_time   one character at a time ("l.i.l.y @ y.a.h.o.o . c.o.m")
    misspelt     the platform name misspelt within edit distance 2 ("tweeter")
    split        the detail cut over 2-6 messages with filler messages between

Depth 1 applies one transform, depth 2 composes two of different stages.
Everything draws from a ``random.Random``, so the bench and the tests share
the generator; ``cases(...)`` is the hypothesis strategy over the same code.
The harmless side is in contact_harmless.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import combinations

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from core.tests.contact_vocabulary import (
    BARE_CARRIERS,
    CORE_BARE,
    DIGIT_WORDS,
    EMAIL_CARRIERS,
    EMAIL_DOMAINS,
    EMAIL_LOCALS,
    FILLERS,
    GLUE_AFTER,
    GLUE_BEFORE,
    HANDLE_CARRIERS,
    HANDLE_PLATFORMS,
    HANDLES,
    LOOKALIKES,
    PHONE_PLATFORMS,
    PHONE_WORD_CARRIERS,
    PLAIN_HANDLE_CARRIERS,
    PLAIN_HANDLES,
    PLATFORM_PHONE_CARRIERS,
    REGIONS,
    SEPARATORS,
    SPLIT_LEADS,
)


@dataclass(frozen=True)
class Case:
    """Messages of one sender (the contact detail is in them); ``span`` locates it in the
    last message for single-message cases (None for splits)."""

    messages: tuple[str, ...]
    span: tuple[int, int] | None
    kind: str
    family: str


@dataclass
class Draft:
    kind: str  # phone | email | handle
    units: list[str]  # what is written, one unit per character or digit of the detail
    gaps: list[str]  # gaps[i] is written after units[i] (len(units) - 1 of them)
    carrier: str  # "{c}" marks the detail, "{p}" the platform word
    platform: str = ""
    messages: int = 1
    glue: tuple[str, str] = ("", "")
    meta: dict[str, object] = field(default_factory=dict)

    def detail(self) -> str:
        out = [self.units[0]]
        for gap, unit in zip(self.gaps, self.units[1:], strict=True):
            out.append(gap + unit)
        return "".join(out)


# --- base contacts -------------------------------------------------------------


@cache
def _example_mobile(region: str) -> phonenumbers.PhoneNumber:
    number = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    assert number is not None, region
    return number


def random_mobile(rng: random.Random, region: str) -> phonenumbers.PhoneNumber:
    """The region's example mobile with its last digits varied (kept valid)."""
    example = _example_mobile(region)
    nsn = phonenumbers.national_significant_number(example)
    for _ in range(6):
        tail = "".join(rng.choice("0123456789") for _ in range(4))
        candidate = phonenumbers.parse(f"+{example.country_code}{nsn[:-4]}{tail}")
        if phonenumbers.is_valid_number(candidate) and len(set(tail)) > 1:
            return candidate
    return example


def _groups(formatted: str) -> list[str]:
    groups, current = [], ""
    for ch in formatted:
        if ch.isdigit():
            current += ch
        elif current:
            groups.append(current)
            current = ""
    return groups + ([current] if current else [])


def base_phone(rng: random.Random, *, bare_ok: bool = True) -> Draft:
    region = rng.choice(REGIONS)
    number = random_mobile(rng, region)
    international = rng.random() < 0.4
    fmt = PhoneNumberFormat.INTERNATIONAL if international else PhoneNumberFormat.NATIONAL
    groups = _groups(phonenumbers.format_number(number, fmt))
    units: list[str] = (["+"] if international else []) + [d for g in groups for d in g]
    gaps: list[str] = []
    if international:
        gaps.append("")
    for gi, g in enumerate(groups):
        gaps.extend([""] * (len(g) - 1))
        if gi < len(groups) - 1:
            gaps.append(" ")
    roll = rng.random()
    if bare_ok and (international or region in CORE_BARE) and roll < 0.25:
        carrier = rng.choice(BARE_CARRIERS)
    elif roll < 0.6:
        carrier = rng.choice(PHONE_WORD_CARRIERS)
    else:
        carrier = rng.choice(PLATFORM_PHONE_CARRIERS)
    platform = rng.choice(PHONE_PLATFORMS) if "{p}" in carrier else ""
    return Draft("phone", units, gaps, carrier, platform, meta={"region": region})


def base_email(rng: random.Random) -> Draft:
    address = f"{rng.choice(EMAIL_LOCALS)}@{rng.choice(EMAIL_DOMAINS)}"
    units = list(address)
    return Draft("email", units, [""] * (len(units) - 1), rng.choice(EMAIL_CARRIERS))


def base_handle(rng: random.Random) -> Draft:
    platform = rng.choice(HANDLE_PLATFORMS)
    if rng.random() < 0.25:
        handle, carrier = rng.choice(PLAIN_HANDLES), rng.choice(PLAIN_HANDLE_CARRIERS)
    else:
        handle, carrier = rng.choice(HANDLES), rng.choice(HANDLE_CARRIERS)
    if platform in ("signal", "line") and not any(
        k in carrier for k in ("id", "ID", "handle", "username", "@")
    ):
        carrier = "{p} id {h}"  # everyday words: named only with an identifier connector
    units = list(handle)
    return Draft("handle", units, [""] * (len(units) - 1), carrier.replace("{h}", "{c}"), platform)


BASES: dict[str, Callable[[random.Random], Draft]] = {
    "phone": base_phone,
    "email": base_email,
    "handle": base_handle,
}


# --- transforms ------------------------------------------------------------------


def _case(rng: random.Random, word: str) -> str:
    style = rng.randrange(4)
    if style == 0:
        return word.lower()
    if style == 1:
        return word.upper()
    if style == 2:
        return word.title()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in word)


def spelled(rng: random.Random, d: Draft) -> Draft:
    lang = rng.choice(tuple(DIGIT_WORDS))
    words = DIGIT_WORDS[lang]
    style = rng.choice(("run", "spaced", "hyphen", "mixed"))
    case_word = rng.choice((True, False))
    upper = rng.random() < 0.3
    units, gaps = [], []
    for i, u in enumerate(d.units):
        if u.isdigit() and (style != "mixed" or rng.random() < 0.6):
            w = words[int(u)]
            w = _case(rng, w) if case_word else (w.upper() if upper else w)
            units.append(w)
        else:
            units.append(u)
        if i < len(d.gaps):
            gap = d.gaps[i]
            if u == "+" or style == "run":
                gaps.append("")
            elif style == "hyphen":
                gaps.append("-" if gap == "" else " ")
            else:
                gaps.append(" " if gap == "" else gap)
    return replace(d, units=units, gaps=gaps, meta={**d.meta, "lang": lang})


def separators(rng: random.Random, d: Draft) -> Draft:
    """Re-cut the digits into groups of 1-4 and join them with one kind of separator
    (a third of the time: a mix of two)."""
    seps = [rng.choice(SEPARATORS)]
    if rng.random() < 0.33:
        seps.append(rng.choice((" ", "-", ".")))
    gaps, run = [], 0
    size = rng.randint(1, 4)
    for i in range(len(d.gaps)):
        if d.units[i] == "+":
            gaps.append("")
            continue
        run += 1
        if run >= size:
            gaps.append(rng.choice(seps))
            run, size = 0, rng.randint(1, 4)
        else:
            gaps.append("")
    return replace(d, gaps=gaps)


def lookalike(rng: random.Random, d: Draft) -> Draft:
    style = rng.choice(("letters", "fullwidth", "script", "keycap", "mixed"))
    pick = {"letters": 0, "fullwidth": 2, "script": 3, "keycap": 5}
    units = []
    for u in d.units:
        options = LOOKALIKES.get(u)
        if options is None:
            units.append(u)
        elif style == "letters":
            units.append(rng.choice(options[:2]) if u in "01" else u)
        elif style == "mixed":
            units.append(rng.choice(options) if rng.random() < 0.5 else u)
        elif style == "script":
            units.append(options[rng.choice((-3, -2))])
        else:
            units.append(options[pick[style] if u in "01" else pick[style] - 2])
    return replace(d, units=units)


def glued(rng: random.Random, d: Draft) -> Draft:
    """The word before the detail (the carrier's, or one of GLUE_BEFORE) and/or one after it
    written without a space."""
    before = rng.choice(GLUE_BEFORE) if rng.random() < 0.8 else ""
    after = rng.choice(GLUE_AFTER) if not before or rng.random() < 0.6 else ""
    return replace(d, glue=(before, after))


def letter_at_a_time(rng: random.Random, d: Draft) -> Draft:
    sep = rng.choice((" ", ".", "-", "*", "_", " . ", ",", "~"))
    if sep.strip() in ("_", "-") and sep.strip() in d.units:
        sep = " "  # "s-a-m-_-9-9" / "s-t-u-d-i-o---k" would be unreadable to people too
    at_word = rng.choice((" @ ", " at ", " (at) ")) if d.kind == "email" else ""
    dot_word = rng.choice((" . ", " dot ", " (dot) ")) if d.kind == "email" else "."
    if d.kind == "email" and sep.strip() == "." and dot_word == " . ":
        dot_word = " (dot) "  # a dot between every letter and a dot in the address: unreadable
    units, gaps = [], []
    for u in d.units:
        if u == "@" and d.kind == "email":
            units.append(at_word.strip())
        elif u == "." and d.kind in ("email", "handle") and sep.strip() in (".", ""):
            units.append(dot_word.strip() if d.kind == "email" else "_")
        else:
            units.append(u)
    for i in range(len(units) - 1):
        pair = (units[i], units[i + 1])
        if any(p in ("@", "at", "(at)", "dot", "(dot)", ".") for p in pair) and d.kind == "email":
            gaps.append(" ")
        elif units[i] == "+":
            gaps.append("")
        else:
            gaps.append(sep)
    return replace(d, units=units, gaps=gaps)


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def misspell(rng: random.Random, word: str) -> str:
    """One or two edits (two for names of six letters or more), never the word itself."""
    edits = 2 if len(word) >= 6 and rng.random() < 0.6 else 1
    for _ in range(20):
        w = word
        for _ in range(edits):
            i = rng.randrange(1, len(w))  # keep the first letter: how people misspell
            op = rng.randrange(4)
            if op == 0:
                w = w[:i] + rng.choice(_ALPHABET) + w[i + 1 :]
            elif op == 1 and len(w) > 4:
                w = w[:i] + w[i + 1 :]
            elif op == 2:
                w = w[:i] + rng.choice(_ALPHABET) + w[i:]
            elif i < len(w) - 1:
                w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        if w != word:
            return w
    return word + word[-1]


MISSPELLABLE = (
    "whatsapp", "telegram", "instagram", "snapchat", "facebook", "twitter", "discord",
    "skype", "wechat", "viber", "tiktok", "linkedin", "paypal",
)  # fmt: skip


PHONE_MISSPELLABLE = ("whatsapp", "telegram", "viber", "skype", "wechat")


def misspelt(rng: random.Random, d: Draft) -> Draft:
    names = PHONE_MISSPELLABLE if d.kind == "phone" else MISSPELLABLE
    platform = d.platform if d.platform in names else rng.choice(names)
    carrier = d.carrier
    if "{p}" not in carrier:
        carrier = rng.choice(
            PLATFORM_PHONE_CARRIERS if d.kind == "phone" else ("my {p} is {c}", "{p}: {c}")
        )
    return replace(
        d,
        platform=misspell(rng, platform),
        carrier=carrier,
        meta={**d.meta, "true_platform": platform},
    )


def split(rng: random.Random, d: Draft) -> Draft:
    """2-6 messages in all: a lead naming the detail, its pieces, fillers between."""
    return replace(d, messages=rng.randint(2, 6))


@dataclass(frozen=True)
class Transform:
    name: str
    stage: str  # transforms of one stage do not compose with each other
    kinds: tuple[str, ...]
    apply: Callable[[random.Random, Draft], Draft]


TRANSFORMS: dict[str, Transform] = {
    t.name: t
    for t in (
        Transform("spelled", "units", ("phone",), spelled),
        Transform("lookalike", "units", ("phone",), lookalike),
        Transform("separators", "gaps", ("phone",), separators),
        Transform("letter_at_a_time", "gaps", ("phone", "email", "handle"), letter_at_a_time),
        Transform("glued", "carrier", ("phone",), glued),
        Transform("misspelt", "carrier", ("phone", "handle"), misspelt),
        Transform("split", "messages", ("phone", "handle", "email"), split),
    )
}
_ORDER = ("units", "gaps", "carrier", "messages")
FAMILIES_DEPTH_1 = tuple(TRANSFORMS)


def _compatible(a: Transform, b: Transform) -> bool:
    if a.stage == b.stage or not set(a.kinds) & set(b.kinds):
        return False
    return {a.name, b.name} != {"glued", "split"}  # a glued number is one message


FAMILIES_DEPTH_2 = tuple(
    f"{a}+{b}"
    for a, b in combinations(FAMILIES_DEPTH_1, 2)
    if _compatible(TRANSFORMS[a], TRANSFORMS[b])
)


def family_kinds(family: str) -> tuple[str, ...]:
    names = family.split("+") if family != "plain" else []
    kinds = {"phone", "email", "handle"}
    for n in names:
        kinds &= set(TRANSFORMS[n].kinds)
    return tuple(sorted(kinds))


# --- rendering -------------------------------------------------------------------------


def _render(d: Draft, rng: random.Random) -> tuple[list[str], tuple[int, int] | None]:
    detail = d.detail()
    before, after = d.glue
    carrier = d.carrier.replace("{p}", d.platform)
    if d.messages <= 1:
        head, _, tail = carrier.partition("{c}")
        if before:
            # glue to the carrier's own last word ("call me on0803"), else to a word of ours
            head = head.rstrip() if head.strip() else before
        text = head + detail + after + tail
        return [text], (len(head), len(head) + len(detail))
    return _split_messages(d, detail, rng), None


def _cut_points(d: Draft, pieces: int, rng: random.Random) -> list[int]:
    """Where the detail is cut: phones anywhere (pieces of two digits at least), emails
    at their '@' or a dot, handles not at all (the platform is the first message)."""
    n = len(d.units)
    if d.kind == "handle":
        return []
    if d.kind == "email":
        marks = [i for i, u in enumerate(d.units) if u in ("@", ".", "at", "dot", "(at)", "(dot)")]
        marks = [i + rng.choice((0, 1)) for i in marks]
        return sorted(set(rng.sample(marks, min(len(marks), pieces - 1))))
    for _ in range(50):
        cuts = sorted(rng.sample(range(2, n - 1), pieces - 1))
        if all(b - a >= 2 for a, b in zip([0, *cuts], [*cuts, n], strict=True)):
            return cuts
    return [n // 2]


def _split_messages(d: Draft, detail: str, rng: random.Random) -> list[str]:
    """The detail in pieces over ``d.messages`` messages, with a lead and fillers."""
    total = d.messages
    out: list[str] = []
    if d.kind == "phone":
        international = d.units[0] == "+"
        zero = d.units[0] in ("0", "O", "o") or d.units[0].lower() in ("zero", "cero", "nol")
        if d.platform or not (international or zero) or rng.random() < 0.7:
            out.append(d.platform or rng.choice(SPLIT_LEADS))
    else:
        head = d.carrier.replace("{p}", d.platform).partition("{c}")[0].strip()
        out.append(head or d.platform or "my email")
    room = max(2, total - len(out))
    pieces = (
        1 if d.kind == "handle" else min(3 if d.kind == "phone" else 2, max(2, (room + 1) // 2))
    )
    cuts = _cut_points(d, pieces, rng)
    fillers = max(0, room - len(cuts) - 1)
    last = 0
    for i, cut in enumerate(cuts + [len(d.units)]):
        if i and fillers:
            out.append(rng.choice(FILLERS))
            fillers -= 1
        part = Draft(d.kind, d.units[last:cut], d.gaps[last : cut - 1], "").detail()
        out.append(part.strip() or part)
        last = cut
    return out


def make_case(rng: random.Random, family: str, kind: str | None = None) -> Case:
    """One case of ``family`` ("plain", a transform name or "a+b")."""
    kinds = family_kinds(family)
    kind = kind if kind in kinds else rng.choice(kinds)
    names = [] if family == "plain" else family.split("+")
    names.sort(key=lambda n: _ORDER.index(TRANSFORMS[n].stage))
    draft = BASES[kind](rng) if kind != "phone" else base_phone(rng, bare_ok="split" not in names)
    for name in names:
        draft = TRANSFORMS[name].apply(rng, draft)
    messages, span = _render(draft, rng)
    return Case(tuple(messages), span, kind, family)


def cases(family: str, n: int, seed: int = 1) -> list[Case]:
    rng = random.Random(f"{family}/{seed}")
    return [make_case(rng, family) for _ in range(n)]


def case_strategy(family: str):  # type: ignore[no-untyped-def]
    """Hypothesis strategy: cases of ``family`` (shrinks over the seed)."""
    from hypothesis import strategies as st

    return st.integers(0, 2**32 - 1).map(lambda s: make_case(random.Random(s), family))
