"""Reading one token for the phone view: is it digits, and how are they written?

``token_class`` sorts a token into a kind (digits, a digit word, a weak digit
word, look-alikes, a spelled run, digits cut by letters or emoji, digits glued
to words, a size, a lone separator letter or emoji...) with the digits it
stands for; ``split_tokens`` cuts a message into tokens, emoji inside a token
cut out as tokens of their own. Runs of tokens are judged in digits.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .quick import TOKEN_RE
from .tokens import (
    MAX_SPELLED_TOKEN,
    glued_words,
    is_dimension,
    is_letters,
    segment,
    separated_digits,
    spelled_mixed,
    spelled_piece,
    spelled_run,
)
from .words import (
    DIGIT_WORDS,
    HUNDRED_WORDS,
    MULTIPLIERS,
    PLUS_WORDS,
    SCALE_WORDS,
    TENS_WORDS,
    WEAK_DIGIT_WORDS,
)

# Letters people type instead of digits. O/l/I are everywhere; S/B/Z only
# count deep inside a long digit run (see _leet_digits).
_LEET_COMMON = {"o": "0", "O": "0", "l": "1", "I": "1", "i": "1"}
_LEET_RARE = {"S": "5", "B": "8", "Z": "2"}
_LEET_ANY = {**_LEET_COMMON, **_LEET_RARE}


def _leet_digits(token: str) -> str | None:
    """Digits for a token like 'O7ll853l69', or None when it is a real word."""
    real = sum(c.isdigit() for c in token)
    if real == 0 or real == len(token):
        return None
    out = []
    for i, c in enumerate(token):
        if c.isdigit():
            out.append(c)
        elif c in _LEET_COMMON:
            out.append(_LEET_COMMON[c])
        elif (
            c in _LEET_RARE and real >= 4 and 2 <= i <= len(token) - 3
        ):  # two characters in, like "98S65..."; not UPS "1Z..."
            out.append(_LEET_RARE[c])
        else:
            return None
    return "".join(out)


_DIGITS_OR_LETTERS_RE = re.compile(r"[0-9]+|[^0-9]+")
_LEET_TABLE = str.maketrans(_LEET_COMMON)
# A token mixing numerals and spelled digits must make at least this many
# digits: "9876five43210" is a number, "2one" or "one2one" is not.
_MIN_MIXED_DIGITS = 5


def _mixed_digits(token: str) -> str | None:
    """Digits for a token like '9876five43210' or '98seven6543210', else None.

    Every letter part must be a digit word (weak ones only next to four real
    digits: "98ate6543210") or look-alike letters ("l", "O").
    """
    parts = _DIGITS_OR_LETTERS_RE.findall(token)
    real = sum(len(p) for p in parts if "0" <= p[0] <= "9")
    if real == 0 or real == len(token):
        return None
    out = []
    has_word = False
    for part in parts:
        if "0" <= part[0] <= "9":
            out.append(part)
            continue
        lower = part.lower()
        digit = DIGIT_WORDS.get(lower) or HUNDRED_WORDS.get(lower)
        if digit is not None and (lower not in WEAK_DIGIT_WORDS or real >= 4):
            out.append(digit)
            has_word = True
        elif not part.strip("OolIi"):
            out.append(part.translate(_LEET_TABLE))
        else:
            return None
    digits = "".join(out)
    return digits if has_word and len(digits) >= _MIN_MIXED_DIGITS else None


# Separators written as words between digit groups.
SEPARATOR_WORDS = frozenset({"dash", "hyphen", "dot", "space", "slash"})


@lru_cache(maxsize=8192)
def token_class(token: str) -> tuple[str, str, int] | None:
    """(kind, digits, times) of one token, or None when it is an ordinary word.

    For "sep" and "glued" tokens ``digits`` is the replacement text (digit
    groups with spaces, the glued words set apart).
    """
    if token.isdigit():
        return ("digits", token, 1)
    lower = token.lower()
    digit = DIGIT_WORDS.get(lower) or HUNDRED_WORDS.get(lower)
    if digit is None and "ı" in lower:
        digit = DIGIT_WORDS.get(lower.replace("ı", "i"))
    if digit is not None:
        return ("weak" if lower in WEAK_DIGIT_WORDS else "word", digit, 1)
    if lower in MULTIPLIERS:
        return ("mult", "", MULTIPLIERS[lower])
    tens = TENS_WORDS.get(lower)
    if tens is not None:
        return ("tens", str(tens[0]), int(tens[1]))  # times: 1 when a unit after it adds
    if lower in SEPARATOR_WORDS:
        return ("gap", "", 1)  # "0803 dash 555 dash 1234": a separator spelled out
    if lower in PLUS_WORDS:
        return ("plus", "+", 1)
    if lower in SCALE_WORDS:
        return ("scale", SCALE_WORDS[lower], 1)
    leet = _leet_digits(token)
    if leet is not None:
        return ("leet", leet, 1)
    mixed = _mixed_digits(token)
    if mixed is not None:
        return ("mixed", mixed, 1)
    return _disguised_token(token)


def _disguised_token(token: str) -> tuple[str, str, int] | None:
    """The readings of tokens.py: spelled runs, letter/emoji separators, glued words."""
    if len(token) > MAX_SPELLED_TOKEN:
        return None
    if len(token) <= 4 and not token.strip("OolI"):
        return (
            "leet1",
            token.translate(_LEET_TABLE).replace("I", "1"),
            1,
        )  # "O", "Ol" among digits
    if len(token) == 1 and token.isascii() and token.isalpha():
        return ("lgap", "", 1) if token.lower() not in "ai" else None  # "0912 x 34 x 969"
    if is_letters(token):
        spelled = spelled_run(token)
        if spelled is not None:
            return ("spelled", spelled, 1)
        two = segment(token.lower()) if len(token) >= 5 else None
        if two is not None and two[1] == 2:
            return ("piece", two[0], 1)  # "zweidrei", "mojambili": digits among other digits
        return None
    has_digit = any(c.isdigit() for c in token)
    if not has_digit:
        # Emoji or symbols alone between digit groups: "0812 🔥 3480".
        return ("gap", "", 1) if not any(c.isalnum() for c in token) else None
    if is_dimension(token):
        return ("dim", token.lower().replace("x", " "), 1)
    mixed = spelled_mixed(token)
    if mixed is not None:
        return ("spelled", mixed, 1)
    piece = spelled_piece(token)
    if piece is not None:
        return ("piece", piece, 1)
    separated = separated_digits(token)
    if separated is not None:
        return ("sep", separated, 1)
    glued = glued_words(token)
    if glued is not None:
        before, digits, after = glued
        return ("glued", " ".join(p for p in (before, digits, after) if p), 1)
    return None


def produced_digits(kind: str, digits: str) -> int:
    """How many digits a token of ``kind`` standing for ``digits`` makes."""
    if kind in ("sep", "glued", "dim", "spelled"):
        return sum(c.isdigit() for c in digits)
    return len(digits)


SYMBOLS_RE = re.compile(r"[^\w\u0300-\u036f\u0900-\u0dff\u0610-\u065f\u06d6-\u06ed]+")


def split_tokens(text: str) -> list[tuple[int, int, str]]:
    """TOKEN_RE's tokens, with symbols inside a token (emoji) cut out as tokens of their own:
    "mbili👉tatu8" is "mbili", "👉", "tatu8". A token longer than MAX_SPELLED_TOKEN is
    noise and stays whole (a number glued with emoji is far shorter)."""
    if text.isascii():
        return [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
    out = []
    for m in TOKEN_RE.finditer(text):
        token = m.group()
        if len(token) > MAX_SPELLED_TOKEN or token.isascii() or SYMBOLS_RE.search(token) is None:
            out.append((m.start(), m.end(), token))
            continue
        pos = 0
        for sym in SYMBOLS_RE.finditer(token):
            if sym.start() > pos:
                out.append((m.start() + pos, m.start() + sym.start(), token[pos : sym.start()]))
            out.append((m.start() + sym.start(), m.start() + sym.end(), sym.group()))
            pos = sym.end()
        if pos < len(token):
            out.append((m.start() + pos, m.end(), token[pos:]))
    return out
