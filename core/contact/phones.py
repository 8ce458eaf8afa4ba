"""Phone numbers in the phone view.

1. Find digit runs: digits joined by at most four separator characters of any
   kind (space . - / \\ | * _ ~ brackets), optionally led by '+' or '00'.
   Runs glued to letters (FO1234567, A1:A250, 1920x1080) are never phones.
2. Throw out shapes that are something else: dates, times, year lists,
   dotted versions, decimals, prices, percentages, check-summed barcodes.
3. Decide how much evidence there is: phone words nearby ("call", "WA",
   "my number"), disguise (the run needed rewriting), or nothing.
4. Validate with libphonenumber: with evidence, valid in any region; without,
   a mobile number of one of the core regions, at least ten digits long.
If the whole run fails, sub-runs on group boundaries are tried, so
"0812 3456 7890 0813 1111 2222" or a stray digit word at the edge still work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from .context import (
    Context,
    context_after,
    context_before,
    currency_before,
    labelled_as_identifier,
    named_by_phone_word,
    symbol_after,
)
from .digits import PhoneView
from .phone_shapes import (
    _DECIMAL_COMMA_AFTER_RE,
    _ean_checksum_ok,
    _is_compact_date,
    _is_plain_date,
    _shape_rejects,
)
from .regions import (
    ALL_REGIONS,
    CORE_REGIONS,
    NINE_DIGIT_MOBILE_REGIONS,
    PhoneMatch,
    first_national_match,
    match_home_format,
    match_international,
)

_SEP = r"[\s\-./\\|*_~()\[\]{}'\"]"
# An ellipsis between groups ("98765 ... 43210"; "…" is "..." after NFKC) is
# longer than the four separator characters allowed otherwise. Its shortest
# form is five characters, so it never matches the same stretch as _SEP{0,4}
# (no ambiguity for the regex engine to backtrack over).
_ELLIPSIS = (
    r"(?:[ \t]{1,2}\.{3,4}[ \t]{1,2}|[ \t]{1,2}\.{4}|\.{4}[ \t]{1,2}|[ \t]{2}\.{3}|\.{3}[ \t]{2})"
)
# Starts with a digit (so the regex engine can skip ahead to digits fast);
# a '+' or bracket before it is picked up by _extend_start.
CANDIDATE_RE = re.compile(
    r"[0-9](?<![^\W_][0-9])"  # not glued to a letter or digit before
    r"(?:(?:" + _SEP + r"{0,4}|" + _ELLIPSIS + r")[0-9]){6,}"  # seven or more digits
    r"(?![^\W_])"  # nor after
)


def _extend_start(text: str, start: int) -> int:
    """Include a '+' and an opening bracket written before the first digit."""
    pos = start
    if pos > 0 and text[pos - 1] == " " and pos > 1 and text[pos - 2] == "+":
        pos -= 2
    elif pos > 0 and text[pos - 1] == "+":
        pos -= 1
    if pos > 0 and text[pos - 1] == " " and pos > 1 and text[pos - 2] in "([":
        pos -= 2
    elif pos > 0 and text[pos - 1] in "([":
        pos -= 1
    if pos != start and pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "_"):
        return start  # "FO+123...": the sign belongs to something else
    return pos


_GROUP_RE = re.compile(r"\d+")
MIN_DIGITS = 7  # the shortest subscriber numbers anywhere, with area code
MAX_RUN_DIGITS = 40  # longer runs are hashes, card dumps or noise
MAX_CANDIDATE_RUNS = 48


@dataclass(frozen=True)
class PhoneHit:
    start: int  # in the phone view
    end: int
    match: PhoneMatch
    rule: str
    reason: str


class _Group(NamedTuple):  # a tuple: cheap to create, runs have many groups
    start: int
    end: int
    digits: str


# --- candidate runs -----------------------------------------------------------


def _groups(text: str, start: int, end: int) -> list[_Group]:
    return [_Group(m.start(), m.end(), m.group()) for m in _GROUP_RE.finditer(text, start, end)]


def _trim_times(text: str, groups: list[_Group]) -> list[_Group]:
    """Drop a leading/trailing group that belongs to a time such as 08:00."""
    if (
        groups
        and text[groups[-1].end : groups[-1].end + 1] == ":"
        and text[groups[-1].end + 1 : groups[-1].end + 2].isdigit()
    ):
        groups = groups[:-1]
    if (
        groups
        and groups[0].start >= 2
        and text[groups[0].start - 1] == ":"
        and text[groups[0].start - 2].isdigit()
    ):
        groups = groups[1:]
    return groups


def _plus_before(text: str, start: int) -> bool:
    head = text[max(0, start - 4) : start]
    return "+" in head


class _Evidence(NamedTuple):
    level: str  # 'suppress', 'context' or 'strict'
    why: str
    named: bool  # the nearest telling word before the run is a phone word ("call me on", "WA")


def _evidence(
    view: PhoneView, text: str, start: int, end: int, has_msg_phone_word: bool
) -> _Evidence:
    before = context_before(text, start)
    named = before is Context.PHONE and named_by_phone_word(text, start)
    if view.is_obfuscated(start, end):
        return _Evidence("context", "written with digit words or look-alike letters", named)
    ctx = before if before is not Context.NONE else context_after(text, end)
    if ctx is Context.SUPPRESS:
        return _Evidence("suppress", "", False)
    if ctx is Context.PHONE:
        return _Evidence(
            "context", "next to a word such as 'call', 'WhatsApp' or 'my number'", named
        )
    if has_msg_phone_word and not labelled_as_identifier(text, start):
        # "const id = 812414286 ... WhatsApp": a labelled id is not the number the message talks of
        return _Evidence("context", "in a message that talks about calling or messaging", False)
    return _Evidence("strict", "", False)


# How people group a nine-digit national mobile ("612 345 678", "612 34 56 78")
# and the separators they use for each grouping. Dots are left out of 3-3-3:
# "612.345.678" is an amount in most of the world.
_PHONE_GROUPINGS: dict[tuple[int, ...], tuple[str, ...]] = {
    (3, 3, 3): (" ", "-"),
    (3, 2, 2, 2): (" ", "-", "."),
}


_COUNTING = "01234567890"  # "one two three ... nine" is counting, "1234567890" a placeholder


def grouped_like_phone(groups: list[str], seps: list[str]) -> bool:
    """Nine digits grouped the way a phone number is written, not an amount or list.

    Without any phone evidence a number under ten digits is accepted only in
    this shape: one separator throughout, no group of zeros ("1 500 000"),
    not a list of round numbers ("250 500 750") nor a digit sequence.
    """
    allowed = _PHONE_GROUPINGS.get(tuple(len(g) for g in groups))
    if allowed is None or len(set(seps)) != 1 or seps[0] not in allowed:
        return False
    if any(not g.strip("0") for g in groups):
        return False
    digits = "".join(groups)
    if digits in _COUNTING or digits in _COUNTING[::-1]:
        return False  # "123 456 789", "987 654 321"
    return not all(g.endswith("0") for g in groups)


def validate_digits(digits: str, has_plus: bool, level: str) -> PhoneMatch | None:
    if has_plus:
        found = match_international(digits)
        if found is not None and len(digits) >= 8:
            return found
        return None
    if digits.startswith("00") and len(digits) >= 10:
        return match_international(digits[2:])
    if level == "strict":
        if len(digits) < 10:
            return None
        if not digits.startswith("0") and len(digits) >= 11:
            found = match_international(digits)
            if found is not None and found.number_type in (1, 2):  # MOBILE, FIXED_OR_MOBILE
                return found
        return first_national_match(digits, CORE_REGIONS, mobile_only=True)
    if len(digits) < 7:
        return None
    if not digits.startswith("0") and len(digits) >= 11:
        found = match_international(digits)
        if found is not None:
            return found
    found = first_national_match(digits, CORE_REGIONS, mobile_only=True)
    if found is None:
        found = first_national_match(digits, CORE_REGIONS, mobile_only=False)
    if found is None:
        found = first_national_match(digits, ALL_REGIONS[len(CORE_REGIONS) :], mobile_only=True)
    return found


def _windows(groups: list[_Group]) -> Iterator[tuple[int, int]]:
    """Sub-runs of groups, longest first, that could hold one number."""
    n = len(groups)
    for size in range(n - 1, 0, -1):
        for i in range(0, n - size + 1):
            digits = sum(len(g.digits) for g in groups[i : i + size])
            if 7 <= digits <= 15:
                yield i, i + size


_DELETE_DIGITS = str.maketrans("", "", "0123456789")


def find_phones(view: PhoneView, has_msg_phone_word: bool) -> list[PhoneHit]:
    text = view.view.text
    hits: list[PhoneHit] = []
    for k, m in enumerate(CANDIDATE_RE.finditer(text)):
        if k == MAX_CANDIDATE_RUNS:
            break  # a message of a hundred digit runs is noise; the first ones are judged
        run = m.group()
        if len(run) - len(run.translate(_DELETE_DIGITS)) > MAX_RUN_DIGITS:
            continue  # checked before splitting into groups: keeps noise cheap
        if _is_plain_date(text, m.start(), m.end()):
            continue
        hits.extend(
            _scan_run(view, text, _extend_start(text, m.start()), m.end(), has_msg_phone_word)
        )
    return hits


def _scan_run(
    view: PhoneView, text: str, start: int, end: int, has_msg_phone_word: bool
) -> list[PhoneHit]:
    # Each test below can only reject the run; the cheapest come first.
    if currency_before(text, start) or symbol_after(text, end) in ("%", "$", "€", "£", "₹"):
        return []
    if text[max(0, start - 1) : start] == "#" and not view.is_obfuscated(start, end):
        return []  # "#1234567": a reference, not a number to call
    if _DECIMAL_COMMA_AFTER_RE.match(text, end):
        return []  # "12.345.678,00": an amount with its cents
    evidence = _evidence(view, text, start, end, has_msg_phone_word)
    level = evidence.level
    if level == "suppress":
        return []
    groups = _trim_times(text, _groups(text, start, end))
    total = sum(len(g.digits) for g in groups)
    if not MIN_DIGITS <= total <= MAX_RUN_DIGITS:
        return []
    digit_groups = [g.digits for g in groups]
    seps = [text[a.end : b.start] for a, b in pairwise(groups)]
    if _shape_rejects(text[start:end], digit_groups, seps, evidence.named):
        return []  # a date or version anywhere in the run: none of it is a phone
    hit = _try_span(view, text, groups, 0, len(groups), start, evidence)
    if hit is not None:
        return [hit]
    if level == "strict":
        return []  # without any phone evidence only a whole run may be a number
    found = _sub_numbers(view, text, groups, start, evidence) if len(groups) >= 2 else []
    if not found and evidence.named:
        unvalidated = _disguised_unvalidated(view, text, groups, start)
        if unvalidated is not None:
            return [unvalidated]
    return found


def _sub_numbers(
    view: PhoneView, text: str, groups: list[_Group], start: int, evidence: _Evidence
) -> list[PhoneHit]:
    """Numbers inside a run that is not one number as a whole."""
    found: list[PhoneHit] = []
    taken = [False] * len(groups)
    for i, j in _windows(groups):
        if any(taken[i:j]):
            continue
        sub = _try_span(view, text, groups, i, j, start, evidence)
        if sub is not None:
            found.append(sub)
            for k in range(i, j):
                taken[k] = True
    if len(found) == 1:
        # A few stray digits glued to a number in the same run ("+52 1 55 ...",
        # an old trunk digit, a country code libphonenumber no longer accepts)
        # belong to it: mask the whole run rather than leave them readable.
        leftover = sum(len(g.digits) for g, t in zip(groups, taken, strict=True) if not t)
        if leftover <= 4:
            hit = found[0]
            run_start = start if text[start] in "+([" else groups[0].start
            found = [
                PhoneHit(
                    min(run_start, hit.start),
                    max(groups[-1].end, hit.end),
                    hit.match,
                    hit.rule,
                    hit.reason,
                )
            ]
    return found


def _disguise(view: PhoneView, groups: list[_Group], start: int, end: int) -> str:
    """How the run at [start, end) of the phone view is disguised ('' if it is not).

    Digit words and look-alike letters (rewritten in the phone view), digits
    of other scripts, fullwidth or keycap digits (folded by normalisation:
    the original has non-ASCII characters there), or a separator between
    every digit ("9 8 7 6 ...", "9-8-7-6-...").
    """
    if view.is_obfuscated(start, end):
        return "written with digit words or look-alike letters"
    original_start, original_end = view.view.to_original(start, end)
    if not view.view.original_text()[original_start:original_end].isascii():
        return "written with keycap, fullwidth or other-script digits"
    if len(groups) >= MIN_DIGITS and all(len(g.digits) == 1 for g in groups):
        return "written with a separator between every digit"
    return ""


# A disguised run named by a phone word is reported even when it is not a
# valid number anywhere, if it is this long (shorter: a code or a count).
UNVALIDATED_DIGITS = (8, 15)


def _disguised_unvalidated(
    view: PhoneView, text: str, groups: list[_Group], run_start: int
) -> PhoneHit | None:
    """ "my number 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣9️⃣0️⃣": a disguised digit run right after a phone word.

    Nobody spells out an order number in keycaps after "my number": the
    disguise and the phone word together are the attempt, whether or not
    libphonenumber knows the number. The value is the digits as written
    ("+" kept if the sender wrote one), not an E.164 number.
    """
    digits = "".join(g.digits for g in groups)
    low, high = UNVALIDATED_DIGITS
    if not low <= len(digits) <= high or len(set(digits)) <= 1:
        return None
    start = run_start if text[run_start] in "+([" else groups[0].start
    end = groups[-1].end
    how = _disguise(view, groups, start, end)
    if not how:
        return None
    value = ("+" if "+" in text[start : groups[0].start] else "") + digits
    reason = (
        f"spells out the digits {value} right after a phone word ({how}); not a valid number"
        " for any region, but clearly disguised to share a number"
    )
    return PhoneHit(start, end, PhoneMatch(value, "", -1), "phone.disguised_unvalidated", reason)


def _try_span(
    view: PhoneView,
    text: str,
    groups: list[_Group],
    i: int,
    j: int,
    run_start: int,
    evidence: _Evidence,
) -> PhoneHit | None:
    """Is ``groups[i:j]`` of the run at ``run_start`` one phone number? Its hit, or None.

    The steps go from cheapest to dearest: the span and its shape first,
    then codes that merely look like numbers, then libphonenumber.
    """
    part = groups[i:j]
    digits = "".join(g.digits for g in part)
    if not MIN_DIGITS <= len(digits) <= 15 + 2:
        return None
    # Only the whole run (i == 0) can own a '+' written before it.
    has_plus = _plus_before(text, part[0].start) if i == 0 else False
    start = _span_start(text, part, run_start, has_plus)
    end = part[-1].end
    digit_groups = [g.digits for g in part]
    seps = [text[a.end : b.start] for a, b in pairwise(part)]
    if _shape_rejects(text[start:end], digit_groups, seps, evidence.named):
        return None
    if _is_code_or_placeholder(digits, len(part), has_plus, evidence):
        return None
    found = _validate_span(text, start, digits, digit_groups, seps, has_plus, evidence.level)
    if found is None:
        return None
    rule, reason = _describe(view, part, start, end, digits, found, has_plus, evidence.why)
    return PhoneHit(start, end, found, rule, reason)


def _span_start(text: str, part: list[_Group], run_start: int, has_plus: bool) -> int:
    """Where the number starts: its '+' and an opening bracket belong to it."""
    start = part[0].start
    if has_plus:
        plus_at = text.rfind("+", max(run_start - 2, 0), start)
        start = plus_at if plus_at >= 0 else start
        if start > 0 and text[start - 1] in "([":
            start -= 1
        elif start > 1 and text[start - 2] in "([" and text[start - 1] == " ":
            start -= 2
    elif (
        start > 0
        and text[start - 1] in "(["
        and (")" in text[start : part[-1].end] or "]" in text[start : part[-1].end])
    ):
        start -= 1  # "(0812) 3456-7890": the bracket opens the number
    return start


def _is_code_or_placeholder(
    digits: str, n_groups: int, has_plus: bool, evidence: _Evidence
) -> bool:
    """Digits that are a barcode, a date or a placeholder rather than somebody's number."""
    if not has_plus:
        if len(digits) == 13 and digits[:3] in ("978", "979") and _ean_checksum_ok(digits):
            return True  # ISBN-13
        # A bare, unseparated 12/13-digit run with a valid check digit and no
        # phone words around it is a barcode far more often than a phone.
        if evidence.level == "strict" and (
            _is_compact_date(digits) or (n_groups == 1 and _ean_checksum_ok(digits))
        ):
            return True
    # 9999999999 / 0000000 / 1234567: a placeholder or counting.
    return len(set(digits.lstrip("0"))) <= 1 or (digits in _COUNTING and not evidence.named)


def _validate_span(
    text: str,
    start: int,
    digits: str,
    digit_groups: list[str],
    seps: list[str],
    has_plus: bool,
    level: str,
) -> PhoneMatch | None:
    """libphonenumber's verdict, as strict as the evidence demands."""
    bare = level == "strict" and not has_plus
    if (
        bare
        and len(digits) == 9
        and grouped_like_phone(digit_groups, seps)
        and not labelled_as_identifier(text, start)
    ):
        # Nine digits with no evidence: only a mobile of a region that writes nine at home.
        return first_national_match(digits, NINE_DIGIT_MOBILE_REGIONS, mobile_only=True)
    found = validate_digits(digits, has_plus, level)
    if (
        found is None
        and bare
        and len(digit_groups) >= 2
        and not labelled_as_identifier(text, start)
    ):
        # Outside the core markets: only a number written in its region's own grouping.
        found = match_home_format(digits, tuple(len(g) for g in digit_groups))
    return found


def _describe(
    view: PhoneView,
    part: list[_Group],
    start: int,
    end: int,
    digits: str,
    found: PhoneMatch,
    has_plus: bool,
    why: str,
) -> tuple[str, str]:
    """The rule and the sentence for the sender and moderators."""
    international = has_plus or digits.startswith("00")
    disguise = "" if international else _disguise(view, part, start, end)
    if international:
        rule, reason = "phone.international", f"looks like the phone number {found.e164}"
    elif disguise:
        rule, reason = "phone.disguised", f"spells out the phone number {found.e164} ({disguise})"
    else:
        rule, reason = "phone.national", f"looks like the {found.region} phone number {found.e164}"
    if why and not view.is_obfuscated(start, end):
        reason += f", {why}"
    return rule, reason
