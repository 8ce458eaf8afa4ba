"""What the words around a digit run say it is.

"call me 0812..." and "order 0812..." differ only in context. The nearest
telling word before the run wins; generic nouns ("number", "no") take their
meaning from the word in front of them ("invoice number" vs "my number").
"""

from __future__ import annotations

import re
from enum import Enum

from .context_words import PHONE_CONTEXT_WORDS, SUPPRESS_CONTEXT_WORDS, WEAK_NUMBER_NOUNS
from .fuzzy import fuzzy_messaging

_WORD_RE = re.compile(r"[^\s!-/:-@\[-`{-~]+|#")

# Units and counted things right after a number ("500 words", "20 pages").
_UNIT_WORDS = frozenset(
    [
        "words",
        "pages",
        "page",
        "views",
        "followers",
        "likes",
        "subscribers",
        "items",
        "pcs",
        "pieces",
        "units",
        "slides",
        "logos",
        "products",
        "backlinks",
        "revisions",
        "days",
        "hours",
        "minutes",
        "mins",
        "sec",
        "secs",
        "seconds",
        "weeks",
        "months",
        "years",
        "points",
        "pts",
        "kg",
        "g",
        "mg",
        "lb",
        "lbs",
        "km",
        "m",
        "cm",
        "mm",
        "in",
        "inch",
        "inches",
        "ft",
        "px",
        "dpi",
        "ppi",
        "kb",
        "mb",
        "gb",
        "tb",
        "mbps",
        "fps",
        "hz",
        "khz",
        "mhz",
        "million",
        "billion",
        "thousand",
        "lakh",
        "lakhs",
        "crore",
        "crores",
        "k",
        "percent",
        "usd",
        "eur",
        "inr",
        "pkr",
        "ngn",
        "kes",
        "bdt",
        "rs",
    ]
)

_CURRENCY_BEFORE_RE = re.compile(
    r"(?:[$€£¥₹₦৳₱₫₺₩₽﷼]|R\$|Rs\.?|Rp\.?|USD|EUR|INR|PKR|NGN|KES|BDT|AED|SAR|EGP|ZAR|GBP|IDR|PHP|BRL|MXN)\s?$",
    re.IGNORECASE,
)

BACK_TOKENS = 6
FORWARD_TOKENS = 4


class Context(Enum):
    NONE = 0
    PHONE = 1
    SUPPRESS = 2


def _tokens_before(text: str, start: int) -> list[str]:
    window = text[max(0, start - 80) : start]
    if "\n" in window:
        window = window[window.rfind("\n") + 1 :]
    return [t.lower() for t in _WORD_RE.findall(window)][-BACK_TOKENS:]


def _tokens_after(text: str, end: int) -> list[str]:
    window = text[end : end + 60]
    if "\n" in window:
        window = window[: window.find("\n")]
    return [t.lower() for t in _WORD_RE.findall(window)][:FORWARD_TOKENS]


def context_before(text: str, start: int) -> Context:
    tokens = _tokens_before(text, start)
    for i in range(len(tokens) - 1, -1, -1):
        word = tokens[i]
        if word in WEAK_NUMBER_NOUNS:
            prev = tokens[i - 1] if i > 0 else ""
            if prev in SUPPRESS_CONTEXT_WORDS:
                return Context.SUPPRESS
            if prev in ("id", "ref", "#") or (
                i > 1 and tokens[i - 2] in SUPPRESS_CONTEXT_WORDS and prev in ("id", "#")
            ):
                return Context.SUPPRESS
            return Context.PHONE
        if word in PHONE_CONTEXT_WORDS:
            return Context.PHONE
        if word in SUPPRESS_CONTEXT_WORDS:
            return Context.SUPPRESS
    # A misspelt messaging app ("watsap 0803...") is read only when no other word tells.
    return Context.PHONE if any(map(fuzzy_messaging, tokens)) else Context.NONE


# Words that may stand between a phone word and the number it names:
# "call me on ...", "my number is ...", "WA: ...", "text me at ...".
_FILLERS = frozenset(
    [
        "me",
        "us",
        "my",
        "our",
        "is",
        "it",
        "its",
        "are",
        "on",
        "at",
        "in",
        "to",
        "via",
        "here",
        "this",
        "the",
        "de",
        "da",
        "do",
        "di",
        "ka",
        "ki",
        "ke",
        "hai",
        "h",
        "é",
        "es",
        "est",
        "=",
        ":",
        "-",
        "no",
        "pe",
        "par",
    ]
)


def named_by_phone_word(text: str, start: int) -> bool:
    """Does a phone word name the run at ``start``, with only fillers between?

    Stricter than ``context_before``: "call me on 70.12.34.56" and "my number
    is ..." are named, "the phone costs 12.345.678" and "ring me, step 1 2 3 4
    5 6 7 8" are not (a word that is neither filler nor phone word stands
    in between).
    """
    if context_before(text, start) is not Context.PHONE:
        return False
    for word in reversed(_tokens_before(text, start)):
        if word in PHONE_CONTEXT_WORDS or fuzzy_messaging(word):
            return True
        if word not in _FILLERS:
            return False
    return False


# Labels of codes that are not phone numbers, but too common in phone talk
# ("my WhatsApp id 0300...") to veto a number that has other evidence.
IDENTIFIER_LABELS = frozenset({"id", "code", "código", "codigo", "cod", "kode"})


def labelled_as_identifier(text: str, start: int) -> bool:
    """Is the word right before ``start`` a label such as "ID" or "code"?"""
    tokens = _tokens_before(text, start)
    return bool(tokens) and tokens[-1] in IDENTIFIER_LABELS


def context_after(text: str, end: int) -> Context:
    tokens = _tokens_after(text, end)
    if tokens and tokens[0] in _UNIT_WORDS:
        return Context.SUPPRESS
    for word in tokens:
        if word in PHONE_CONTEXT_WORDS and word not in WEAK_NUMBER_NOUNS:
            return Context.PHONE
        if word in SUPPRESS_CONTEXT_WORDS:
            return Context.SUPPRESS
    return Context.NONE


def local_context(text: str, start: int, end: int) -> Context:
    before = context_before(text, start)
    if before is not Context.NONE:
        return before
    return context_after(text, end)


def message_has_phone_word(text: str) -> bool:
    return has_phone_context_word(_WORD_RE.findall(text.lower()))


def has_phone_context_word(words: list[str], fuzzy: bool = True) -> bool:
    """Any phone word (or, with ``fuzzy``, misspelt messaging app) among the lower-cased
    tokens of a message?"""
    if not PHONE_CONTEXT_WORDS.isdisjoint(words):
        return True
    return fuzzy and any(len(w) >= 4 and fuzzy_messaging(w) for w in words)


def currency_before(text: str, start: int) -> bool:
    return _CURRENCY_BEFORE_RE.search(text, max(0, start - 4), start) is not None


def symbol_after(text: str, end: int) -> str:
    """The first non-space character after ``end`` ('' at the end)."""
    rest = text[end : end + 3].lstrip()
    return rest[:1]
