"""Digit runs shaped like something other than a phone number.

Dates in any order, year lists, dotted versions, decimals and amounts with
cents, compact dates and check-summed barcodes: the shape checks that
phones.py runs before it asks libphonenumber anything.
"""

from __future__ import annotations

import re


def _is_year(g: str) -> bool:
    return len(g) == 4 and 1900 <= int(g) <= 2099


def _is_month(g: str) -> bool:
    return len(g) <= 2 and 1 <= int(g) <= 12


def _is_day(g: str) -> bool:
    return len(g) <= 2 and 1 <= int(g) <= 31


def looks_like_date(groups: list[str], seps: list[str] | None = None) -> bool:
    """Dates in any order (2024-03-15, 15/03/2024, 03.27.25, 2024 0315, 2019 2024).

    ``seps[i]`` is what separates groups i and i+1; day-month-year triples
    need the same date-ish separator twice, or a four-digit year.
    """
    if not any(len(g) <= 2 or (len(g) == 4 and g[:2] in ("19", "20")) for g in groups):
        return False  # every date has a short group or a year
    if seps is None:
        seps = [" "] * (len(groups) - 1)
    stripped = [s.strip() or " " for s in seps]
    for i in range(len(groups) - 2):
        a, b, c = groups[i : i + 3]
        s1, s2 = stripped[i], stripped[i + 1]
        same_sep = s1 == s2 and s1 in "/-."
        if (
            same_sep
            and len(a) <= 2
            and len(b) <= 2
            and len(c) <= 2
            and (
                (i > 0 and stripped[i - 1] == s1) or (i + 3 < len(groups) and stripped[i + 2] == s1)
            )
        ):
            # "06-12-34-56-78", "70.12.34.56": pairs running on past a dd-mm-yy are a phone.
            continue
        if not same_sep and not (s1 == s2 and (_is_year(a) or _is_year(c))):
            continue
        if _is_year(a) and _is_month(b) and _is_day(c):
            return True
        day_month = (_is_day(a) and _is_month(b)) or (_is_month(a) and _is_day(b))
        if day_month and (
            _is_year(c) or (same_sep and len(c) == 2 and len(a) <= 2 and len(b) <= 2)
        ):
            return True
    for i in range(len(groups) - 1):
        a, b = groups[i : i + 2]
        if _is_year(a) and len(b) == 4 and _is_month(b[:2]) and _is_day(b[2:]):
            return True  # 2024 0315
        if _is_year(a) and (
            _is_year(b) or (len(b) == 2 and int(b) > int(a[2:]) and seps[i].strip() in "/-")
        ):
            return True  # 2019 2024, 2024/25
    return False


def is_year_list(groups: list[str]) -> bool:
    return len(groups) >= 2 and all(_is_year(g) for g in groups)


def _is_compact_date(digits: str) -> bool:
    return (
        len(digits) == 8 and _is_year(digits[:4]) and _is_month(digits[4:6]) and _is_day(digits[6:])
    )


def _ean_checksum_ok(digits: str) -> bool:
    if len(digits) not in (8, 12, 13, 14):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits[:-1])):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10 == int(digits[-1])


_NON_DIGITS_RE = re.compile(r"\D+")
_DECIMAL_COMMA_AFTER_RE = re.compile(r",\d{1,2}(?!\d)")
_DECIMAL_RE = re.compile(r"\d+[.,]\d{1,2}")


def _is_version(raw: str, groups: list[str]) -> bool:
    """10.0.19045.3693 / 6.4.2: dotted groups led by a short non-zero group."""
    if "+" in raw or len(groups) < 3:
        return False
    seps = set(_NON_DIGITS_RE.findall(raw.strip("()[] ")))
    if seps != {"."} or len(groups[0]) > 2 or groups[0][0] == "0":
        return False
    # "97.3122.4455": groups of three or more digits after the first, ten digits in
    # all, are how a phone number is dotted; versions have a short part somewhere.
    return sum(map(len, groups)) < 10 or any(len(g) <= 2 for g in groups[1:])


def _is_ip_address(raw: str, groups: list[str]) -> bool:
    """192.168.1.254: four dotted groups of 0-255, none with a leading zero, one of them
    of one or three digits (dotted pairs, "70.12.34.56", are how phones are written)."""
    if len(groups) != 4 or set(_NON_DIGITS_RE.findall(raw.strip("()[] "))) != {"."}:
        return False
    if all(len(g) == 2 for g in groups):
        return False
    return (
        all(len(g) <= 3 and int(g) <= 255 and (g == "0" or g[0] != "0") for g in groups)
        and int(groups[0]) > 0
    )


def _is_decimal(raw: str, groups: list[str]) -> bool:
    return len(groups) == 2 and _DECIMAL_RE.fullmatch(raw.strip()) is not None


def _shape_rejects(raw: str, digits_groups: list[str], seps: list[str], named: bool) -> bool:
    """Is the run a date, year list, version or decimal rather than a number?

    A leading '+' rules out a date; a phone word right before the run
    (``named``: "call me on 70.12.34.56", "WA 8.029.491.19.11") rules out a
    version, a decimal or an IP address, which is how dotted numbers are written in much of
    Africa and Europe.
    """
    if raw.lstrip("([ ").startswith("+"):
        return False
    if is_year_list(digits_groups) or looks_like_date(digits_groups, seps):
        return True
    return not named and (
        _is_version(raw, digits_groups)
        or _is_decimal(raw, digits_groups)
        or _is_ip_address(raw, digits_groups)
    )


# A run that is nothing but a date ("15/03/2024", "2024-03-15", "12.04.2025"):
# by far the most common digit run in ordinary chat, rejected before the
# run is split into groups and its context read.
_PLAIN_DATE_RE = re.compile(
    r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)|(\d{4})([/.-])(\d{1,2})\6(\d{1,2})(?!\d)"
)
_HOUR_AFTER_DATE_RE = re.compile(r" \d{1,2}")


def _is_plain_date(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a date, or a date and the hour of a time ("15/03/2024 10:30")?"""
    m = _PLAIN_DATE_RE.match(text, start, end)
    if m is None:
        return False
    if m.end() != end:
        # The hour group is dropped by _trim_times, leaving the date.
        hour = _HOUR_AFTER_DATE_RE.fullmatch(text, m.end(), end)
        if hour is None or not text.startswith(":", end) or not text[end + 1 : end + 2].isdigit():
            return False
    groups = [g for g in m.group(1, 3, 4, 5, 7, 8) if g is not None]
    sep = m.group(2) or m.group(6)
    return looks_like_date(groups, [sep, sep])
