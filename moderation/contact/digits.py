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
from typing import Optional

from .offsets import Replacement, TextView
from .words import DIGIT_WORDS, MULTIPLIERS, PLUS_WORDS, WEAK_DIGIT_WORDS

# A token is a maximal stretch without whitespace or ASCII punctuation, so
# Devanagari/Arabic words with combining marks stay whole.
TOKEN_RE = re.compile(r"[^\s!-/:-@\[-`{-~]+")


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
        elif c in _LEET_RARE and real >= 4 and 0 < i < len(token) - 1:
            out.append(_LEET_RARE[c])
        else:
            return None
    return "".join(out)


@dataclass
class _Tok:
    start: int
    end: int
    kind: str  # digits | word | weak | mult | plus | leet
    digits: str = ""
    times: int = 1


@lru_cache(maxsize=8192)
def _token_class(token: str) -> Optional[tuple[str, str, int]]:
    """(kind, digits, times) of one token, or None when it is an ordinary word."""
    if token.isdigit():
        return ("digits", token, 1)
    lower = token.lower()
    digit = DIGIT_WORDS.get(lower)
    if digit is not None:
        return ("weak" if lower in WEAK_DIGIT_WORDS else "word", digit, 1)
    if lower in MULTIPLIERS:
        return ("mult", "", MULTIPLIERS[lower])
    if lower in PLUS_WORDS:
        return ("plus", "+", 1)
    leet = _leet_digits(token)
    if leet is not None:
        return ("leet", leet, 1)
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


def _run_replacements(text: str, run: list[_Tok]) -> list[Replacement]:
    strong = sum(t.kind == "word" for t in run)
    words = strong + sum(t.kind == "weak" for t in run)
    has_digits = any(t.kind in ("digits", "leet") for t in run)
    produced = sum(len(t.digits) for t in run)
    convert_words = strong >= 2 or (strong >= 1 and has_digits and produced >= 6)
    reps: list[Replacement] = []
    i = 0
    while i < len(run):
        tok = run[i]
        if tok.kind == "leet":
            reps.append((tok.start, tok.end, tok.digits))
        elif convert_words and tok.kind in ("word", "weak"):
            reps.append((tok.start, tok.end, tok.digits))
        elif convert_words and tok.kind == "plus" and i + 1 < len(run) and run[i + 1].kind != "plus":
            reps.append((tok.start, tok.end, "+"))
        elif convert_words and tok.kind == "mult" and i + 1 < len(run) and run[i + 1].digits:
            nxt = run[i + 1]
            if nxt.kind != "digits" or len(nxt.digits) == 1:
                reps.append((tok.start, nxt.end, nxt.digits * tok.times))
                i += 1
        i += 1
    return reps


STRONG_DIGIT_WORDS = frozenset(w for w in DIGIT_WORDS if w not in WEAK_DIGIT_WORDS)
# A digit next to a look-alike letter: the cheap first test for "O7ll853l69".
_LEET_PAIR_RES = (re.compile(r"[0-9][OolIiSBZ]"), re.compile(r"[OolIi][0-9]"))
_LEET_AND_DIGITS = "0123456789OolIiSBZ"
_MAX_PAIRS_CHECKED = 16


def has_lookalike_token(text: str) -> bool:
    """Is some word made only of digits and look-alike letters (and both)?

    "FO1234567" is not ("F"), "OlOO6O89736" is. Only the words around the
    first few digit/letter pairs are examined, so this stays linear.
    """
    checked = 0
    for pair_re in _LEET_PAIR_RES:
        for m in pair_re.finditer(text):
            checked += 1
            if checked > _MAX_PAIRS_CHECKED:
                return True  # many pairs: let the full token walk decide
            start, end = m.start(), m.end()
            while start > 0 and end - start < 40 and text[start - 1].isalnum():
                start -= 1
            while end < len(text) and end - start < 40 and text[end].isalnum():
                end += 1
            if not text[start:end].strip(_LEET_AND_DIGITS):
                return True
    return False
_HAS_DIGIT_RE = re.compile(r"\d")


def _may_need_rewrite(text: str, tokens: list[str] | None) -> bool:
    """Cheap test that skips the token walk for ordinary sentences."""
    if has_lookalike_token(text):
        return True
    if tokens is None:
        tokens = TOKEN_RE.findall(text.lower())
    hits = STRONG_DIGIT_WORDS.intersection(tokens)
    if not hits:
        return False
    if len(hits) >= 2 or _HAS_DIGIT_RE.search(text):
        return True
    return tokens.count(next(iter(hits))) >= 2


def build_phone_view(base: TextView, tokens: list[str] | None = None) -> PhoneView:
    """Rewrite digit words and look-alikes of ``base`` into digits.

    ``tokens``: the lower-cased TOKEN_RE tokens of ``base.text`` if the caller
    already has them.
    """
    text = base.text
    if not _may_need_rewrite(text, tokens):
        return PhoneView(base, ())
    reps: list[Replacement] = []
    for run in _runs(text):
        if len(run) == 1 and run[0].kind != "leet":
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
