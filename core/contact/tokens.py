"""Tokens that hide digits in ways a word-by-word reading misses.

- spelled digits run together, any case: "NINEFOURFIVESEVEN", "sitambilimoja",
  and glued to numerals: "0sitambili", "9dos4";
- digit groups joined by a letter or an emoji instead of a separator:
  "0812x445x9071", "050k12k3479", "0812🔥3480🔥5";
- digits glued to the words around them: "call0803", "1234now".

Each reader answers with the digits the token stands for (groups separated by
spaces) or None. They are pure functions of one token, memoised by the
caller (``classify.token_class``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .common_words import COMMON_WORDS
from .context_words import PHONE_CONTEXT_WORDS
from .platforms import PLATFORM_WORDS
from .words import DIGIT_WORDS, HUNDRED_WORDS, WEAK_DIGIT_WORDS

_WORDS = {**DIGIT_WORDS, **HUNDRED_WORDS}
_MAX_WORD = max(map(len, _WORDS))
# Longer tokens are not one phone number spelled out (15 digits of the
# longest digit words is under 200 characters); skipping them keeps noise cheap.
MAX_SPELLED_TOKEN = 200
# English number words that happen to split into digit words ("four"+"teen").
_NUMBER_WORDS = frozenset(
    [
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
        "seventy", "eighty", "ninety", "twentyone", "twentytwo"
    ]
)  # fmt: skip


def is_letters(token: str) -> bool:
    """Letters only, the combining vowel signs of Indic scripts included ("शून्य")."""
    if token.isalpha():
        return True
    if token.isascii() or any(c.isdigit() for c in token):
        return False
    return all(c.isalpha() or unicodedata.category(c) in ("Mn", "Mc") for c in token)


@lru_cache(maxsize=8192)
def segment(letters: str) -> tuple[str, int, int] | None:
    """(digits, words, strong words) when ``letters`` (lower case) is nothing but
    digit words run together, else None. The reading with the fewest words wins.

    A single letter between two words is a separator ("neunxacht", "unzsix"):
    it adds a space to the digits and is never first, last or doubled.
    """
    letters = letters.replace("ı", "i")  # keys are folded alike (words._flatten)
    n = len(letters)
    if n < 2 or n > MAX_SPELLED_TOKEN or letters in _NUMBER_WORDS:
        return None
    # best[i]: (words, letters skipped, -strong, digits, ends with a skip, skipped letters)
    best: list[tuple[int, int, int, str, bool, str] | None] = [None] * (n + 1)
    best[0] = (0, 0, 0, "", True, "")
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        if not here[4] and letters[i].isascii() and i + 1 < n:
            cand = (here[0], here[1] + 1, here[2], here[3] + " ", True, here[5] + letters[i])
            if best[i + 1] is None or cand < best[i + 1]:  # type: ignore[operator]
                best[i + 1] = cand
        for j in range(i + 2, min(n, i + _MAX_WORD) + 1):
            digit = _WORDS.get(letters[i:j])
            if digit is None:
                continue
            strong = letters[i:j] not in WEAK_DIGIT_WORDS
            cand = (here[0] + 1, here[1], here[2] - strong, here[3] + digit, False, here[5])
            if best[j] is None or cand < best[j]:  # type: ignore[operator]
                best[j] = cand
    final = best[n]
    # One separator letter, the same every time ("nueveXunoXdos"), never last.
    if final is None or final[4] or len(set(final[5])) > 1:
        return None
    return final[3], final[0], -final[2]


def _enough(words: int, strong: int) -> bool:
    """Three digit words, one of them unambiguous ("charsaatchar", "ununneufsix")."""
    return words >= 3 and strong >= 1


@lru_cache(maxsize=8192)
def spelled_run(token: str) -> str | None:
    """Digits of a token of digit words run together ("NINEFOURFIVE", "neunXacht"), with
    a word glued before or after them ("signalneunacht...", "...sieteok"): the replacement
    text, words set apart from the digits."""
    if not is_letters(token):
        return None
    lower = token.lower()
    found = segment(lower)
    if found is not None:
        return found[0] if _enough(found[1], found[2]) else None
    for before in _affixes(lower, _GLUED_BEFORE, prefix=True):
        for after in _affixes(lower[len(before) :], _GLUED_AFTER_ANY, prefix=False):
            middle = lower[len(before) : len(lower) - len(after)]
            found = segment(middle)
            if found is not None and _enough(found[1], found[2]):
                return " ".join(
                    p
                    for p in (token[: len(before)], found[0], token[len(lower) - len(after) :])
                    if p
                )
    return None


def _affixes(word: str, vocabulary: frozenset[str], *, prefix: bool) -> list[str]:
    """ "" and every word of ``vocabulary`` ``word`` starts (ends) with, longest last."""
    out = [""]
    for k in range(2, min(len(word) - 5, 11)):
        part = word[:k] if prefix else word[-k:]
        if part in vocabulary:
            out.append(part)
    return out


_PARTS_RE = re.compile(r"[0-9]+|[^0-9]+")
_LEET_CHARS = "OolI"
_LEET = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})


def spelled_mixed(token: str) -> str | None:
    """Digits of a token mixing numerals and run-together digit words ("0sitambili4")."""
    parts = _PARTS_RE.findall(token)
    if len(parts) < 2:
        return None
    out, words = [], 0
    for part in parts:
        if part[0].isdigit():
            out.append(part)
            continue
        found = segment(part.lower())
        if found is None or (found[1] == 1 and found[2] == 0):
            return None  # a weak word alone ("ate", "do") next to digits proves nothing
        out.append(found[0])
        words += found[1]
    digits = "".join(out)
    return digits if words >= 2 and len(digits) >= 5 else None


def spelled_piece(token: str) -> str | None:
    """Digits of a short mix ("TWO34", "tatu8", "3umdois", "23knane"): a number only
    among other digits. A single letter between the digits and the words is a separator."""
    parts = _PARTS_RE.findall(token)
    if len(parts) < 2 or len(token) > 40:
        return None
    out = []
    for k, part in enumerate(parts):
        if part[0].isdigit():
            out.append(part)
            continue
        found = segment(part.lower())
        if found is None and len(part) > 3:
            lead = 1 if k > 0 and part[0].isascii() else 0
            tail = 1 if k < len(parts) - 1 and part[-1].isascii() else 0
            found = segment(part[lead : len(part) - tail].lower()) if lead or tail else None
        if found is None:
            return None
        out.append(found[0])
    return "".join(out)


def _is_symbol(ch: str) -> bool:
    return not ch.isalnum() and unicodedata.category(ch)[0] in "SP"


def _separator_chunks(token: str) -> tuple[list[str], list[str]] | None:
    """(digit groups, what stands between them) when only single letters or
    symbols (emoji) separate digit groups, else None."""
    groups: list[str] = []
    seps: list[str] = []
    i, n = 0, len(token)
    while i < n:
        j = i
        while j < n and token[j].isdigit():
            j += 1
        if j == i:
            return None
        groups.append(token[i:j])
        if j == n:
            break
        k = j
        if token[k].isascii() and token[k].isalpha():
            k += 1
        else:
            while k < n and not token[k].isdigit() and _is_symbol(token[k]):
                k += 1
        if k in (j, n) or k - j > 4:
            return None
        seps.append(token[j:k])
        i = k
    return (groups, seps) if seps else None


def is_dimension(token: str) -> bool:
    """ "1920x1080", "12x12": two plain numbers and an x, a size unless more digits join it."""
    a, x, b = token.partition("x") if "x" in token else token.partition("X")
    return (
        bool(x)
        and a.isdigit()
        and b.isdigit()
        and a[0] != "0"
        and b[0] != "0"
        and 2 <= len(a) <= 5
        and 2 <= len(b) <= 5
    )


def separated_digits(token: str) -> str | None:
    """Digit groups of "0812x445x9071" or "0812🔥3480", joined by spaces."""
    chunks = _separator_chunks(token)
    if chunks is None and sum(c.isdigit() for c in token) >= 4:
        chunks = _separator_chunks(token.translate(_LEET))  # "9l8zI2z3454": look-alikes too
        if chunks is not None and len(chunks[0][0]) < 2:
            chunks = None  # "ok0905": a word glued to a number, not "0" cut by a "k"
    if chunks is None:
        return None
    groups, seps = chunks
    if len(seps) == 1 and max(map(len, groups)) >= 7:
        return None  # "1Z6531042597069596": a code with a letter in it, not a re-cut number
    letters = [s for s in seps if s.isalpha()]
    if len(set(s.lower() for s in letters)) > 1 and len(letters) >= 3:
        return None  # "1a2b3c4d": a hash, not a number cut by one letter
    return " ".join(groups)


# Words people glue to a number: what names it before, what closes the sentence after.
_GLUED_BEFORE = (
    PHONE_CONTEXT_WORDS
    | frozenset(PLATFORM_WORDS)
    | frozenset(
        ["me", "is", "at", "on", "my", "to", "via", "here", "its", "ok", "use", "hi", "pls"]
    )
)
_GLUED_AFTER = frozenset(
    ["now", "pls", "plz", "please", "thanks", "thx", "ok", "okay", "asap", "bro", "sir", "today",
     "only", "anytime", "here", "call", "whatsapp", "me", "dear", "tomorrow", "tonight"]
)  # fmt: skip
_GLUED_AFTER_ANY = frozenset()  # filled below, once _GLUED_AFTER exists


@lru_cache(maxsize=4096)
def _glue_words(letters: str, depth: int = 0) -> bool:
    """Is ``letters`` one glue or common word, or up to four run together ("mynumberis")?"""
    if letters in _GLUED_BEFORE or letters in COMMON_WORDS:
        return True
    if depth == 3 or len(letters) > 24:
        return False
    return any(
        (letters[:k] in _GLUED_BEFORE or letters[:k] in COMMON_WORDS)
        and _glue_words(letters[k:], depth + 1)
        for k in range(2, len(letters) - 1)
    )


_UNITS = frozenset(
    ["am", "pm", "st", "nd", "rd", "th", "px", "kb", "mb", "gb", "mm", "cm", "km", "kg"]
)
_GLUED_RE = re.compile(r"([^\W\d_]*)([0-9](?:.*[0-9])?)([^\W\d_]*)")


def glued_words(token: str) -> tuple[str, str, str] | None:
    """(word before, digits, word after) of "call0803" or "1234now", else None."""
    m = _GLUED_RE.fullmatch(token)
    if m is None:
        return None
    before, digits, after = m.groups()
    # Look-alike digits at the seam belong to the number: "atO9o5" is "at" + "095".
    while before and before[-1] in _LEET_CHARS and before.lower() not in _GLUED_BEFORE:
        before, digits = before[:-1], before[-1] + digits
    while after and after[0] in _LEET_CHARS and after.lower() not in _GLUED_AFTER_ANY:
        after, digits = after[1:], digits + after[0]
    if not before and not after:
        return None
    digits = digits.translate(_LEET)
    if not digits.isdigit():
        digits = separated_digits(digits) or ""  # "at5123z41z858today"
        if not digits:
            return None
    low_before, low_after = before.lower(), after.lower()
    if before and not _glue_words(low_before):
        return None  # "FO1234567", "INV2024": a code, not words glued to a number
    if after and (len(after) < 2 or low_after in _UNITS):
        return None
    if after and low_after not in _GLUED_AFTER and low_after not in COMMON_WORDS:
        return None
    return before, digits, after


_GLUED_AFTER_ANY = _GLUED_AFTER | frozenset(w for w in COMMON_WORDS if len(w) >= 2)
