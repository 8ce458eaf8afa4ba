"""The phone view: digit words and look-alike letters turned into digits.

"nine one seven", "0 eight 1 two", "double one", "OlOO6O89736", "47I2 oo73"
all become plain digit runs here, so the phone scanner only ever sees digits
and separators. Every rewritten stretch is also remembered as *obfuscated*:
nobody writes a price as "nine eight four zero", so a run that needed
rewriting is itself evidence of a phone number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .offsets import Replacement, TextView
from .quick import TOKEN_RE, has_glued_letter_digit, words
from .words import (
    DIGIT_WORDS,
    HUNDRED_WORDS,
    MULTIPLIERS,
    PLUS_WORDS,
    SCALE_WORDS,
    WEAK_DIGIT_WORDS,
)

# Letters people type instead of digits. O/l/I are everywhere; S/B/Z only
# count deep inside a long digit run (see _leet_digits).
_LEET_COMMON = {"o": "0", "O": "0", "l": "1", "I": "1", "i": "1"}
_LEET_RARE = {"S": "5", "B": "8", "Z": "2"}
_LEET_ANY = {**_LEET_COMMON, **_LEET_RARE}


@dataclass(frozen=True)
class PhoneView:
    view: TextView
    obfuscated: tuple[tuple[int, int], ...]  # spans of the view that were rewritten

    def is_obfuscated(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.obfuscated)


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


@dataclass
class _Tok:
    start: int
    end: int
    kind: str  # digits | word | weak | mult | plus | scale | leet | mixed
    digits: str = ""
    times: int = 1


@lru_cache(maxsize=8192)
def _token_class(token: str) -> tuple[str, str, int] | None:
    """(kind, digits, times) of one token, or None when it is an ordinary word."""
    if token.isdigit():
        return ("digits", token, 1)
    lower = token.lower()
    digit = DIGIT_WORDS.get(lower) or HUNDRED_WORDS.get(lower)
    if digit is not None:
        return ("weak" if lower in WEAK_DIGIT_WORDS else "word", digit, 1)
    if lower in MULTIPLIERS:
        return ("mult", "", MULTIPLIERS[lower])
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
    return None


_GAP_CHARS = " \t\n\r\f\v-./\\|*_~()[],'\"+"
MAX_GAP = 4
# A run making more digits than this is noise (or an attack), never a number.
MAX_RUN_DIGITS = 40


def _runs(text: str) -> list[list[_Tok]]:
    """Group classified tokens into runs separated only by short separators."""
    runs: list[list[_Tok]] = []
    current: list[_Tok] = []
    produced = 0
    for m in TOKEN_RE.finditer(text):
        cls = _token_class(m.group())
        if cls is None:
            if current:
                runs.append(current)
                current, produced = [], 0
            continue
        start = m.start()
        if current:
            gap_start = current[-1].end
            if start - gap_start > MAX_GAP or text[gap_start:start].strip(_GAP_CHARS):
                runs.append(current)
                current, produced = [], 0
        current.append(_Tok(start, m.end(), cls[0], cls[1], cls[2]))
        produced += len(cls[1])
        if produced > MAX_RUN_DIGITS:
            current = current[-1:]  # too long to be one number: restart the run here
            produced = len(cls[1])
    if current:
        runs.append(current)
    return runs


_DIGIT_KINDS = frozenset({"digits", "word", "weak", "leet", "mixed"})
_GROUP_KINDS = _DIGIT_KINDS | {"scale"}  # what may end a comma-separated group


def _run_replacements(text: str, run: list[_Tok]) -> list[Replacement]:
    # A weak word right after "double"/"triple" is a digit for sure: "double oh seven".
    strong = sum(
        t.kind == "word" or (t.kind == "weak" and i > 0 and run[i - 1].kind == "mult")
        for i, t in enumerate(run)
    )
    has_digits = any(t.kind in ("digits", "leet", "mixed") for t in run)
    # Zeros of "hundred"/"thousand" do not count: "three hundred 2024 calendars"
    # is not a phone number, "zero three hundred 1234567" is.
    produced = sum(len(t.digits) for t in run if t.kind != "scale")
    convert_words = strong >= 2 or (strong >= 1 and has_digits and produced >= 6)
    reps: list[Replacement] = []
    i = 0
    while i < len(run):
        tok = run[i]
        prev = run[i - 1] if i else None
        if tok.kind in ("leet", "mixed") or convert_words and tok.kind in ("word", "weak"):
            reps.append((tok.start, tok.end, tok.digits))
        elif (
            convert_words and tok.kind == "plus" and i + 1 < len(run) and run[i + 1].kind != "plus"
        ):
            reps.append((tok.start, tok.end, "+"))
        elif convert_words and tok.kind == "mult" and i + 1 < len(run) and run[i + 1].digits:
            nxt = run[i + 1]
            if nxt.kind != "digits" or len(nxt.digits) == 1:
                reps.append((tok.start, nxt.end, nxt.digits * tok.times))
                i += 1
        elif (
            convert_words and tok.kind == "scale" and prev is not None and prev.kind in _DIGIT_KINDS
        ):
            # "three hundred" -> "300": the zeros join the digit before them.
            reps.append((prev.end, tok.end, tok.digits))
        if (
            convert_words
            and prev is not None
            and prev.kind in _GROUP_KINDS
            and tok.kind in _DIGIT_KINDS
            and "," in text[prev.end : tok.start]
        ):
            # "nueve uno cinco, cinco cinco cinco": the comma groups digits
            # like a space does once the words are digits.
            reps.append((prev.end, tok.start, " "))
        i += 1
    return reps


STRONG_DIGIT_WORDS = frozenset(w for w in DIGIT_WORDS if w not in WEAK_DIGIT_WORDS) | frozenset(
    HUNDRED_WORDS
)
_MAX_GLUED_CHECKED = 16


def has_rewritable_token(text: str) -> bool:
    """Is some word made of digits and look-alike letters or digit words?

    "FO1234567" is not ("F"), "OlOO6O89736" and "98seven6543210" are. Only the
    first few words mixing letters and digits are examined; beyond that the
    token walk decides.
    """
    if not has_glued_letter_digit(text):
        return False
    checked = 0
    for token in words(text, lower=False):
        if token.isalpha() or token.isdigit():
            continue
        checked += 1
        if checked > _MAX_GLUED_CHECKED:
            return True
        cls = _token_class(token)
        if cls is not None and cls[0] in ("leet", "mixed"):
            return True
    return False


_HAS_DIGIT_RE = re.compile(r"\d")


def may_need_rewrite(text: str, tokens: list[str] | None = None) -> bool:
    """Cheap test: does the phone view differ from ``text`` at all?

    ``tokens``: the lower-cased TOKEN_RE tokens of ``text`` if the caller has them.
    """
    if tokens is None:
        tokens = words(text)
    hits = STRONG_DIGIT_WORDS.intersection(tokens)
    if hits and (
        len(hits) >= 2 or _HAS_DIGIT_RE.search(text) or tokens.count(next(iter(hits))) >= 2
    ):
        return True
    return has_rewritable_token(text)


def build_phone_view(
    base: TextView, tokens: list[str] | None = None, *, rewrite: bool | None = None
) -> PhoneView:
    """Rewrite digit words and look-alikes of ``base`` into digits.

    ``tokens``: the lower-cased TOKEN_RE tokens of ``base.text`` if the caller
    already has them; ``rewrite``: the caller's ``may_need_rewrite`` answer.
    """
    text = base.text
    if rewrite is None:
        rewrite = may_need_rewrite(text, tokens)
    if not rewrite:
        return PhoneView(base, ())
    reps: list[Replacement] = []
    for run in _runs(text):
        if len(run) == 1 and run[0].kind not in ("leet", "mixed"):
            continue
        reps.extend(_run_replacements(text, run))
    if not reps:
        return PhoneView(base, ())
    reps.sort()
    view = base.rewrite(reps)
    # Positions of the rewritten stretches in the new view.
    spans = []
    delta = 0
    for start, end, new in reps:
        spans.append((start + delta, start + delta + len(new)))
        delta += len(new) - (end - start)
    return PhoneView(view, tuple(spans))
