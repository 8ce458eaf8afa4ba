"""Unicode normalisation: the first view every scanner works on.

Folds what a human reader sees as "the same character" into one form, so the
scanners only have to know ASCII digits and ASCII punctuation:
- NFKC: fullwidth "９８７" and "＠", circled and superscript digits, ligatures;
- any Unicode decimal digit (Arabic-Indic, Extended Arabic-Indic, Devanagari,
  Bengali, ...) becomes its ASCII digit;
- invisible characters (zero-width space/joiners, soft hyphen, bidi marks,
  variation selectors, the keycap combiner of "9️⃣") are deleted, because
  senders insert them precisely to break naive pattern matching.
ASCII-only messages (most chat) skip all of this.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from .offsets import TextView

# Characters that render as nothing (or only modify the previous glyph).
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\u20e3\u3164\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b"
    "\ufe0c\ufe0d\ufe0e\ufe0f\ufeff\uffa0"
)

# Look-alike punctuation folded to ASCII so the scanners stay simple.
_PUNCT_FOLD = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u30fc": "-",
    "\u2022": "-",
    "\u00b7": "-",
    "\u2027": "-",
    "\u2219": "-",
    "\u22c5": "-",
    "\u30fb": "-",
    "\u2044": "/",
    "\u2215": "/",
    "\u00d7": "x",  # multiplication sign: 1920×1080 is a resolution
    "\u066b": ".",
    "\u066c": ",",
    "\u060c": ",",
    "\u06d4": ".",
    "\u3002": ".",  # ideographic full stop: "paypal。me/sam"
}


@lru_cache(maxsize=4096)
def normalize_char(ch: str) -> str:
    """Return the normalised form of one non-ASCII character ('' to delete)."""
    if ch in INVISIBLE:
        return ""
    if ch in _PUNCT_FOLD:
        return _PUNCT_FOLD[ch]
    folded = unicodedata.normalize("NFKC", ch)
    out = []
    for c in folded:
        if c in INVISIBLE:
            continue
        if not c.isascii() and c.isdecimal():
            out.append(str(unicodedata.decimal(c)))
        elif c in _PUNCT_FOLD:
            out.append(_PUNCT_FOLD[c])
        elif not c.isascii() and unicodedata.category(c) == "Zs":
            out.append(" ")
        else:
            out.append(c)
    return "".join(out)


def normalize(text: str) -> TextView:
    """Build the normalised view of ``text`` (identity for plain ASCII).

    Works on the distinct characters of the message (``str.translate``), so
    a 10,000-character message of emoji costs about as much as one emoji.
    """
    root = TextView.identity(text)
    if text.isascii():
        return root
    table: dict[int, str] = {}
    for ch in set(text):
        if ch >= "\x80":
            new = normalize_char(ch)
            if new != ch:
                table[ord(ch)] = new
    if not table:
        return root
    normalized = text.translate(table)
    if len(normalized) == len(text) and all(len(v) == 1 for v in table.values()):
        return root.aligned(normalized)
    lengths = {ch: len(table.get(ord(ch), ch)) for ch in set(text)}
    return root.by_lengths(normalized, list(map(lengths.__getitem__, text)))
