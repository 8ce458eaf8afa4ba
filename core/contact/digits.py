"""The phone view: digit words and look-alike letters turned into digits.

"nine one seven", "0 eight 1 two", "double one", "OlOO6O89736", "47I2 oo73"
all become plain digit runs here, so the phone scanner only ever sees digits
and separators. Every rewritten stretch is also remembered as *obfuscated*:
nobody writes a price as "nine eight four zero", so a run that needed
rewriting is itself evidence of a phone number.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .classify import SEPARATOR_WORDS, SYMBOLS_RE, produced_digits, split_tokens, token_class
from .common_words import COMMON_WORDS
from .offsets import Replacement, TextView
from .quick import has_glued_letter_digit, words
from .tokens import is_letters, spelled_run
from .words import DIGIT_WORDS, HUNDRED_WORDS, MULTIPLIERS, TENS_WORDS, WEAK_DIGIT_WORDS

_NEVER = 1 << 62  # sorts after every real offset


@dataclass(frozen=True)
class PhoneView:
    view: TextView
    obfuscated: tuple[tuple[int, int], ...]  # spans of the view that were rewritten

    def is_obfuscated(self, start: int, end: int) -> bool:
        # The spans are sorted and disjoint: the first one ending after ``start`` decides.
        spans = self.obfuscated
        if not spans:
            return False
        i = bisect_right(spans, (start, _NEVER))
        if i and spans[i - 1][1] > start:
            return True
        return i < len(spans) and spans[i][0] < end


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    # digits | word | weak | mult | plus | scale | leet | mixed | spelled | piece | leet1
    # | sep | glued | dim | gap | lgap
    kind: str
    digits: str = ""  # the digits, or for sep/glued/dim/spelled the replacement text
    times: int = 1
    n: int = 0  # how many digits the token stands for


_GAP_CHARS = " \t\n\r\f\v-./\\|*_~()[],'\"+"
MAX_GAP = 4
# A run making more digits than this is noise (or an attack), never a number.
MAX_RUN_DIGITS = 40


def _runs(text: str) -> list[list[_Tok]]:
    """Group classified tokens into runs separated only by short separators."""
    runs: list[list[_Tok]] = []
    current: list[_Tok] = []
    produced = 0
    for start, end, token in split_tokens(text):
        cls = token_class(token)
        if cls is None or (cls[0] in ("gap", "lgap") and not current):
            if current:
                runs.append(current)
                current, produced = [], 0
            continue
        if current:
            gap_start = current[-1].end
            if start - gap_start > MAX_GAP or text[gap_start:start].strip(_GAP_CHARS):
                runs.append(current)
                current, produced = [], 0
        tok = _Tok(start, end, cls[0], cls[1], cls[2], produced_digits(cls[0], cls[1]))
        current.append(tok)
        produced += tok.n
        if produced > MAX_RUN_DIGITS:
            current = current[-1:]  # too long to be one number: restart the run here
            produced = tok.n
    if current:
        runs.append(current)
    return runs


_DIGIT_KINDS = frozenset(
    {
        "digits",
        "word",
        "weak",
        "leet",
        "mixed",
        "spelled",
        "sep",
        "glued",
        "dim",
        "piece",
        "leet1",
        "tens",
    }
)
# Always rewritten, whatever the run around them; "sep" and "glued" only move
# separators, so they are not a disguise the way spelled digits are.
_SELF_EVIDENT = frozenset({"leet", "mixed", "spelled", "sep", "glued"})
PLAIN_KINDS = frozenset({"sep", "glued", "gap", "lgap", "dim"})


def _comma_groups(text: str, run: list[_Tok]) -> bool:
    """ "5062,3,46,4,97": commas between digit groups that are not thousands."""
    if len(run) < 3 or "," not in text[run[0].end : run[-1].start]:
        return False
    if not all(t.kind in _DIGIT_KINDS for t in run) or sum(t.n for t in run) < 7:
        return False
    gaps = [text[a.end : b.start] for a, b in zip(run, run[1:], strict=False)]
    # Only tight commas: ", " separates the items of a list ("rgba(218, 62, 109)").
    if any(g not in (",", " ", "-", ".") for g in gaps):
        return False
    if "-" in gaps:
        return True  # "44-740,012-25": amounts do not mix dashes and commas
    after_comma = [
        (k, "".join(c for c in b.digits if c.isdigit()))
        for k, (a, b) in enumerate(zip(run, run[1:], strict=False), 1)
        if text[a.end : b.start] == ","
    ]
    # Thousands ("1,200,000") and cents ("12.345.678,00") put three digits, or two at
    # the very end, after each comma; a phone cut by commas does not.
    return any(len(g) != 3 and not (len(g) == 2 and k == len(run) - 1) for k, g in after_comma)


def _letters_separate(run: list[_Tok]) -> bool:
    """Do lone letters and "AxB" sizes in ``run`` join digit groups of one number?

    "1200 x 628" and "1080x1920 1080x1920" are sizes; "0912 x 34 x 969" (two
    letters), or a size next to another disguised or plain group
    ("0X650 1 22X337"), is a number cut by letters.
    """
    letters = sum(t.kind == "lgap" for t in run)
    dims = sum(t.kind == "dim" for t in run)
    others = sum(t.kind in _DIGIT_KINDS and t.kind != "dim" for t in run)
    if letters == 2 and others == 3 and len(run) == 5 and all(t.digits[:1] != "0" for t in run):
        return False  # "30 x 40 x 25": a box
    if letters >= 2:
        return True
    if any(t.kind in ("sep", "spelled", "glued", "leet", "mixed") for t in run):
        return True
    return (dims >= 1 and others + dims >= 3) or (dims == 0 and letters == 1 and others >= 3)


_GROUP_KINDS = _DIGIT_KINDS | {"scale"}  # what may end a comma-separated group


def _run_replacements(
    text: str, run: list[_Tok], plain: set[tuple[int, int]], eager: bool = False
) -> list[Replacement]:
    """The rewrites of one run; those that only move separators are added to ``plain``.

    ``eager``: the message is a short piece of a number ("dois um", "2 3 3 un"), so
    every digit word of a run of two tokens or more is a digit.
    """
    # A weak word right after "double"/"triple" is a digit for sure: "double oh seven";
    # so is "triple" before one numeral ("0803 triple 5 1234").
    strong = sum(
        t.kind in ("word", "tens")
        or (t.kind == "weak" and i > 0 and run[i - 1].kind == "mult")
        or (t.kind == "digits" and len(t.digits) == 1 and i > 0 and run[i - 1].kind == "mult")
        for i, t in enumerate(run)
    ) + 2 * sum(t.kind == "spelled" for t in run)
    has_digits = any(t.kind in _DIGIT_KINDS for t in run)
    # Zeros of "hundred"/"thousand" do not count: "three hundred 2024 calendars"
    # is not a phone number, "zero three hundred 1234567" is.
    produced = sum(t.n for t in run if t.kind != "scale")
    convert_words = (
        strong >= 2 or (strong >= 1 and has_digits and produced >= 6) or (eager and len(run) >= 2)
    )
    kinds = {t.kind for t in run}
    letters_separate = ("lgap" in kinds or "dim" in kinds) and _letters_separate(run)
    leet1 = sum(len(t.digits) for t in run if t.kind == "leet1") if "leet1" in kinds else 0
    comma_groups = len(run) >= 3 and _comma_groups(text, run)
    reps: list[Replacement] = []
    i = 0
    composed = -1  # the last token read as part of a spoken number ("thirty four")
    while i < len(run):
        tok = run[i]
        prev = run[i - 1] if i else None
        if tok.kind in _SELF_EVIDENT or convert_words and tok.kind in ("word", "weak"):
            reps.append((tok.start, tok.end, tok.digits))
        elif tok.kind == "leet1" and produced - leet1 >= 6 and leet1 * 2 <= produced:
            reps.append((tok.start, tok.end, tok.digits))  # "O . 2 . 3 . l . 2 . 3 . 4"
        elif tok.kind == "piece" and (convert_words or produced >= 7 or eager):
            reps.append((tok.start, tok.end, tok.digits))  # "TWO34" among other digits
        elif tok.kind == "dim" and letters_separate:
            reps.append((tok.start, tok.end, tok.digits))
        elif (
            tok.kind in ("gap", "lgap")
            and (tok.kind == "gap" or letters_separate)
            and 0 < i < len(run) - 1
            and run[i + 1].kind in _DIGIT_KINDS
        ):
            reps.append((tok.start, tok.end, " "))
        elif (
            convert_words and tok.kind == "plus" and i + 1 < len(run) and run[i + 1].kind != "plus"
        ):
            reps.append((tok.start, tok.end, "+"))
        elif convert_words and tok.kind == "mult" and i + 1 < len(run) and run[i + 1].digits:
            nxt = run[i + 1]
            if nxt.kind != "digits" or len(nxt.digits) == 1:
                reps.append((tok.start, nxt.end, nxt.digits * tok.times))
                i += 1
        elif convert_words and tok.kind == "tens":
            value, j = _compose_tens(run, i)
            reps.append((tok.start, run[j].end, str(value)))
            i = composed = j
        elif (
            convert_words
            and tok.kind == "scale"
            and i + 1 < len(run)
            and run[i + 1].kind == "tens"
            and "," not in text[tok.end : run[i + 1].start]
        ):
            # "beş yüz otuz iki" is 532, "yüz yirmi üç" 123: the words after the hundred
            # fill its zeros.
            value, j = _compose_tens(run, i + 1)
            # "beş yüz" counts its hundreds; "yüz" alone, or after a comma or a number
            # already read ("otuz iki, yüz"), is one hundred.
            counted = (
                prev is not None
                and prev.kind in _DIGIT_KINDS
                and i - 1 > composed
                and "," not in text[prev.end : tok.start]
            )
            lead, digit = (prev.end, "") if counted else (tok.start, "1")
            if prev is not None and "," in text[prev.end : tok.start]:
                reps.append((prev.end, tok.start, " "))  # groups, as in the rule below
            reps.append((lead, run[j].end, digit + str(value).zfill(len(tok.digits))))
            i = composed = j
        elif (
            convert_words and tok.kind == "scale" and prev is not None and prev.kind in _DIGIT_KINDS
        ):
            # "three hundred" -> "300": the zeros join the digit before them.
            reps.append((prev.end, tok.end, tok.digits))
        if (
            (convert_words or comma_groups)
            and prev is not None
            and prev.kind in _GROUP_KINDS
            and tok.kind in _DIGIT_KINDS
            and "," in text[prev.end : tok.start]
        ):
            # "nueve uno cinco, cinco cinco cinco": the comma groups digits
            # like a space does once the words are digits ("5062,3,46": always).
            if not convert_words:
                plain.add((prev.end, tok.start))
            reps.append((prev.end, tok.start, " "))
        i += 1
    return reps


def _unit(tok: _Tok) -> int | None:
    """The value of a single spelled digit 1-9, else None."""
    if tok.kind in ("word", "weak") and len(tok.digits) == 1 and tok.digits != "0":
        return int(tok.digits)
    return None


def _compose_tens(run: list[_Tok], i: int) -> tuple[int, int]:
    """(value, index of the last token read) of the number spoken from run[i]: "thirty
    four" 34, "soixante-dix-huit" 78 (60 + 10 + 8), "quatre-vingt-douze" is not read."""
    tok = run[i]
    value, j = int(tok.digits), i
    nxt = run[j + 1] if j + 1 < len(run) else None
    if nxt is not None and nxt.kind == "tens" and value == 60 and 10 <= int(nxt.digits) <= 19:
        value += int(nxt.digits)  # soixante-dix, soixante-douze
        j += 1
    last = run[j]
    unit = _unit(run[j + 1]) if j + 1 < len(run) else None
    if unit is not None and last.times and value % 10 == 0:
        value += unit
        j += 1
    return value, j


STRONG_DIGIT_WORDS = (
    frozenset(w for w in DIGIT_WORDS if w not in WEAK_DIGIT_WORDS)
    | frozenset(HUNDRED_WORDS)
    | frozenset(TENS_WORDS)
)
_MAX_GLUED_CHECKED = 16
_HAS_DIGIT_RE = re.compile(r"\d")


def has_rewritable_token(text: str) -> bool:
    """Is some word made of digits and look-alike letters or digit words?

    "FO1234567" is not ("F"), "OlOO6O89736" and "98seven6543210" are. Only the
    first few words mixing letters and digits are examined; beyond that the
    token walk decides.
    """
    if not text.isascii() and _SYMBOL_BETWEEN_DIGITS_RE.search(text) is not None:
        return True  # digits among emoji ("0812🔥3480", "+25 🙂 471"): the token walk decides
    if not has_glued_letter_digit(text):
        return False
    checked = 0
    tokens = words(text, lower=False) if text.isascii() else [t for _, _, t in split_tokens(text)]
    for token in tokens:
        if token.isalpha() or token.isdigit():
            continue
        checked += 1
        if checked > _MAX_GLUED_CHECKED:
            return True
        kind = _rewritable_kind(token)
        if kind is not None and (kind != "dim" or _DIM_NEIGHBOUR_RE.search(text) is not None):
            return True  # a size joins a number only next to more digits
    return False


@lru_cache(maxsize=8192)
def _rewritable_kind(token: str) -> str | None:
    """The class of a glued token if it can make the phone view differ: self-evident, a
    piece, or a size ("dim", only next to more digits); None otherwise."""
    cls = token_class(token)
    if cls is None:
        return None
    kind = cls[0]
    return kind if kind in _SELF_EVIDENT or kind in ("piece", "dim") else None


_SYMBOL_BETWEEN_DIGITS_RE = re.compile(
    r"\d[^\w\s\x00-\x7f₹€£¥₦৳₱₫₺₩₽﷼]{1,4}\s?\d|\d\s[^\w\s\x00-\x7f₹€£¥₦৳₱₫₺₩₽﷼]{1,4}\s?\d"
)
# Cheap tests for the rewrites that need no glued letter: letters between digit groups
# ("0912 x 34 x 969", not "1080 x 1920 for"), tight commas that are not thousands
# or cents, look-alike letters standing alone among digits ("O . 2 . 3 . l").
_LETTER_OR_COMMA_GAP_RE = re.compile(
    r"\d\s+[A-Za-z]\s+\d+(?:\s+[A-Za-z])?\s+\d|\d(?<!\.\d{3}),(?:\d{1,2}|\d{4,})(?!\d)"
    r"|\d[\s.,\-~*|/_]{1,3}[OolI]{1,4}(?![A-Za-z'])"
    r"|(?<![A-Za-z'])[OolI]{1,4}[\s.,\-~*|/_]{1,3}[\dOolI]"
)
# Digits '0', look-alike letters 'o', other letters 'a', ',' kept, separators 's', space ' '.
_GAP_SHAPES = bytes(
    ord("0")
    if chr(c).isdigit()
    else ord("o")
    if chr(c) in "OolI"
    else ord("a")
    if chr(c).isalpha()
    else ord(",")
    if c == ord(",")
    else ord("s")
    if chr(c) in ".-~*|/_"
    else ord(" ")
    if chr(c).isspace()
    else ord("x")
    for c in range(256)
)
_NOT_THOUSANDS_RE = re.compile(r"\d,(?!\d{3}(?!\d))\d")


def _may_have_gap(text: str) -> bool:
    """Cheap, necessary test for _LETTER_OR_COMMA_GAP_RE (non-ASCII text: always True):
    two letters between digit groups, a comma not before three digits, a look-alike
    letter next to a digit."""
    if not text.isascii():
        return True
    shapes = text.encode("ascii").translate(_GAP_SHAPES)
    if b"0 a 0" in shapes and shapes.count(b" a ") >= 2:
        return True
    if b"0,0" in shapes and _NOT_THOUSANDS_RE.search(text) is not None:
        return True
    return (  # a look-alike letter by a digit; one C-level test each, no generator
        b"0 o 0" in shapes
        or b"0so" in shapes
        or b"os0" in shapes
        or b"0 o " in shapes
        or b" o 0" in shapes
        or b"0 s o" in shapes
        or b"o s 0" in shapes
    )


_MULTIPLIER_WORDS = frozenset(MULTIPLIERS)
_SPELLED_GAP_RE = re.compile(r"\d\s*\b(?:dash|hyphen|dot|space|slash)\b\s*\d", re.IGNORECASE)
_DIM_NEIGHBOUR_RE = re.compile(r"\d[\s\-.+]{1,3}\d+[xX]\d|\d[xX]\d+[\s\-.]{1,3}\d")
_MIN_SPELLED_RUN = 9  # three digit words of three letters


def has_spelled_run(tokens: list[str]) -> bool:
    """Is some token digit words run together ("ninefourfive...")? ``tokens``: lower case."""
    # Common words are never digit words run together; the set difference runs at C speed.
    for t in set(tokens).difference(COMMON_WORDS):
        if len(t) >= _MIN_SPELLED_RUN and _holds_spelled_run(t):
            return True
    return False


@lru_cache(maxsize=8192)
def _holds_spelled_run(token: str) -> bool:
    parts = [token] if is_letters(token) else SYMBOLS_RE.split(token)  # "nollima👉duatiga"
    return any(len(p) >= _MIN_SPELLED_RUN and spelled_run(p) is not None for p in parts)


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
    if _may_have_gap(text) and _LETTER_OR_COMMA_GAP_RE.search(text) is not None:
        return True  # "0912 x 34 x 969", "5062,3,46,4": rewritten only when the run says so
    if not SEPARATOR_WORDS.isdisjoint(tokens) and _SPELLED_GAP_RE.search(text) is not None:
        return True  # "0803 dash 555 dash 1234"
    if not _MULTIPLIER_WORDS.isdisjoint(tokens) and _HAS_DIGIT_RE.search(text) is not None:
        return True  # "0803 triple 5 1234": the run decides
    return has_rewritable_token(text) or has_spelled_run(tokens)


def build_phone_view(
    base: TextView,
    tokens: list[str] | None = None,
    *,
    rewrite: bool | None = None,
    eager: bool = False,
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
    plain: set[tuple[int, int]] = set()
    for run in _runs(text):
        if (
            len(run) == 1
            and run[0].kind not in _SELF_EVIDENT
            and not (eager and run[0].kind == "piece")
        ):
            continue
        reps.extend(_run_replacements(text, run, plain, eager))
        plain.update((t.start, t.end) for t in run if t.kind in PLAIN_KINDS)
    if not reps:
        return PhoneView(base, ())
    reps.sort()
    view = base.rewrite(reps)
    # Positions of the rewritten stretches in the new view (moved separators excepted).
    spans = []
    delta = 0
    for start, end, new in reps:
        if (start, end) not in plain:
            spans.append((start + delta, start + delta + len(new)))
        delta += len(new) - (end - start)
    return PhoneView(view, tuple(spans))
