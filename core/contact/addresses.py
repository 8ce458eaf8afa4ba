"""The address view: spelled-out '@', '.', '/', '_' put back.

Emails, links and handles are disguised the same ways, so they share one
view of the message in which:
- single characters spaced out ("p r i y a @ g m a i l") are joined up;
- "at", "(at)", "[at]", "{at}", "(@)", "at the rate", "arroba", "arobase" -> "@";
- "dot", "(dot)", "punto", "point", "ponto", "titik" -> ".";
- "slash" -> "/", "underscore" -> "_", "dash"/"hyphen" -> "-";
- spaces around '@', '.' and '/' are dropped.
Each '@' remembers how it was written (``AtSign.strength``) because a bare
English "at" needs more supporting evidence than a bracketed "[at]".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from .common_words import COMMON_WORDS
from .offsets import Replacement, TextView
from .platforms import AMBIGUOUS_PLATFORM_WORDS, CONTACT_HOSTS, PLATFORM_WORDS
from .quick import has_domain_hint
from .quick import words as tokens_of

# Runs of 3+ single characters separated by single spaces: "w a . m e".
_SPACED_HINT_RE = re.compile(r"(?<!\S)\S \S \S(?=\s|$|/\w)")
# The last one may carry the path: "w a . m e/9198...".
_SPACED_RUN_RE = re.compile(r"(?<!\S)@?(?:\S )+\S(?=\s|$|/\w)")
# A known contact host with a dot after every letter: "w.a.m.e/9198...",
# "t.m.e/sam". Only before a path, and only when the letters spell one of
# CONTACT_HOSTS (a personal domain spelled so stays, like any portfolio site).
_DOTTED_LETTERS_RE = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,}[A-Za-z])(?=\s*/)")
_DOTTED_LETTERS_HINT_RE = re.compile(r"[A-Za-z]\.[A-Za-z]\.[A-Za-z]")
_HOSTS_BY_LETTERS = {host.replace(".", ""): host for host in CONTACT_HOSTS}

_OPEN = r"[(\[{<]"
_CLOSE = r"[)\]}>]"
_BRACKETED_AT = r"\s*" + _OPEN + r"\s*(?:at|@|a|arroba|arobase|atsign)\s*" + _CLOSE + r"\s*"
_BRACKETED_DOT = (
    r"\s*" + _OPEN + r"\s*(?:dot|punto|point|ponto|titik|nuqta|dat|\.)\s*" + _CLOSE + r"\s*"
)
_WORD_AT = (
    r"\s+(?:at\s+the\s+rate(?:\s+of)?|at\s*the\s*rate|attherate|at|arroba|arobase|atsign|@)\s+"
)
_WORD_DOT = r"\s+(?:dot|punto|point|ponto|titik|nuqta|dat)\s+"
# Spaces around '@' only when on both sides (or after a word), so that an
# @-mention ("hi @sam") keeps its space and never glues to the word before.
_TIGHT_SYMBOL = r"\s+@\s+|(?<=\w)@\s+|\s+[./]\s*|(?<=\w)/\s+"
_WORD_SLASH = r"\s*\b(?:slash|barra)\b\s*"
_WORD_UNDERSCORE = r"\s*\b(?:underscore|under\s+score)\b\s*"
_WORD_DASH = r"\s*\b(?:dash|hyphen)\b\s*"

_PARTS: dict[str, str] = {
    "bat": _BRACKETED_AT,
    "bdot": _BRACKETED_DOT,
    "wat": _WORD_AT,
    "wdot": _WORD_DOT,
    "slash": _WORD_SLASH,
    "underscore": _WORD_UNDERSCORE,
    "dash": _WORD_DASH,
    "tight": _TIGHT_SYMBOL,
}
_REPLACEMENT_TEXT = {
    "bat": "@",
    "wat": "@",
    "bdot": ".",
    "wdot": ".",
    "slash": "/",
    "underscore": "_",
    "dash": "-",
}
_DOT_WORDS = frozenset({"dot", "punto", "point", "ponto", "titik", "nuqta", "dat"})
# Mail providers and mail words: an address is near (the scanner's cheap test reads it too).
MAIL_PROVIDER_WORDS = frozenset(
    {
        "gmail",
        "googlemail",
        "yahoo",
        "ymail",
        "hotmail",
        "outlook",
        "proton",
        "protonmail",
        "icloud",
        "aol",
        "yandex",
        "zoho",
        "gmx",
        "rediffmail",
        "mail",
        "email",
        "correo",
    }
)
_MAIL_HINT_WORDS = MAIL_PROVIDER_WORDS | {"com", "net", "org"}


@lru_cache(maxsize=256)
def _substitutions_re(parts: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of just the substitutions this message can need."""
    return re.compile("|".join(f"(?P<{name}>{_PARTS[name]})" for name in parts), re.IGNORECASE)


# "studio-k . io": a domain with its dot spaced out, after an "at".
_SPACED_DOMAIN_RE = re.compile(r"\bat\s+[\w-]+\s\.\s[a-z]{2,6}\b", re.IGNORECASE)


def _active_parts(text: str, words: frozenset[str]) -> tuple[str, ...]:
    """Which substitutions can apply: each costs a pass, so skip the idle ones."""
    lowered = text.lower()
    parts = []
    if "(" in text or "[" in text or "{" in text or "<" in text:
        parts += ["bat", "bdot"]
    dot_words = not _DOT_WORDS.isdisjoint(words)
    if (
        "at" in words
        or "arroba" in words
        or "arobase" in words
        or "atsign" in words
        or "attherate" in words
        or " @ " in text
    ) and (
        dot_words
        or not _MAIL_HINT_WORDS.isdisjoint(words)
        or has_domain_hint(text)
        or _SPACED_DOMAIN_RE.search(text) is not None
    ):
        parts.append("wat")
    if dot_words:
        parts.append("wdot")
    if "slash" in lowered or "barra" in lowered:
        parts.append("slash")
    if "underscore" in lowered or "under score" in lowered:
        parts.append("underscore")
    if "dash" in lowered or "hyphen" in lowered:
        parts.append("dash")
    if " @" in text or "@ " in text or " ." in text or " /" in text or "/ " in text or "\n" in text:
        parts.append("tight")
    return tuple(parts)


# "kevinphATgmailDOTcom": upper-case AT/DOT glued between lower-case parts.
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(AT|DOT)(?=[a-z0-9])")
_SPLIT_PROVIDER_RE = re.compile(
    r"\b(g|hot|out|ya|proton|i)\s+(mail|look|hoo|cloud)\b", re.IGNORECASE
)
_PROVIDER_JOIN = {
    ("g", "mail"),
    ("hot", "mail"),
    ("out", "look"),
    ("ya", "hoo"),
    ("proton", "mail"),
    ("i", "cloud"),
}


def _platform_splits() -> dict[tuple[str, str], str]:
    """Every cut of an unambiguous platform name into two parts of two letters or more."""
    splits: dict[tuple[str, str], str] = {}
    for word in PLATFORM_WORDS:
        if len(word) < 5 or word in AMBIGUOUS_PLATFORM_WORDS or not word.isalpha():
            continue
        for k in range(2, len(word) - 1):
            splits.setdefault((word[:k], word[k:]), word)
    return splits


_SPLIT_PLATFORMS = _platform_splits()
_SPLIT_PLATFORM_FIRST = frozenset(a for a, _ in _SPLIT_PLATFORMS)
_SPLIT_PLATFORM_SECOND = frozenset(b for _, b in _SPLIT_PLATFORMS)
# The second word is read in a look-ahead so that every adjacent pair is tried
# ("on tele gram": "on tele" must not consume "tele").
_SPLIT_PLATFORM_RE = re.compile(
    r"(?<![\w@.])([a-z]{2,12}) (?=([a-z]{2,12})(?![\w@]))", re.IGNORECASE
)


def has_split_platform_name(words: list[str]) -> bool:
    """Cheap test on the message's lower-cased tokens, in order: "tele gram", "face book"?"""
    if _SPLIT_PLATFORM_FIRST.isdisjoint(words) or _SPLIT_PLATFORM_SECOND.isdisjoint(words):
        return False
    return not _SPLIT_PLATFORMS.keys().isdisjoint(pairwise(words))


# Cuts whose halves are both everyday words ("we chat", "face book").
_EVERYDAY_SPLITS = frozenset(
    p for p in _SPLIT_PLATFORMS if p[0] in COMMON_WORDS and p[1] in COMMON_WORDS
)
# An account right after a platform name: "@name", or a token with a digit,
# "_" or an inner "." (after an optional ":" / "id" / "is").
_ACCOUNT_AFTER_RE = re.compile(
    r"(?:\s*(?:[:=\-]|\bid\b|\bis\b|\busername\b))*\s*(?:@\w|[\w.]*[0-9_][\w.]*|\w+\.\w)",
    re.IGNORECASE,
)

STRONG = 2  # '@' itself or a bracketed/glued spelling: deliberate
WEAK = 1  # the English word "at": needs more evidence


def has_dotted_letters(text: str) -> bool:
    return _DOTTED_LETTERS_HINT_RE.search(text) is not None


@dataclass(frozen=True)
class AddressView:
    view: TextView
    at_strength: dict[int, int]  # position of each '@' in the view -> STRONG/WEAK
    dot_words: tuple[int, ...]  # positions of '.' that were spelled out


# One character at a time with a separator other than a space: "l.i.l.y",
# "z~a~i~n~a~b", "s * a * m". Four characters at least ("e.g.", "U.S." stay).
_SEPARATED_SEPS = ("~", "*", ".", "-", "_", ",", "|", "·", " . ", " - ", " ~ ", " * ", " , ")
_UNIT_CHARS = "A-Za-z0-9@.+_\\-"
_SEPARATED_HINT_RE = re.compile(
    r"(?<![^\W_])\w ?[~*.,\-|·_] ?\w ?[~*.,\-|·_] ?\w ?[~*.,\-|·_] ?\w(?!\w)"
)


@cache
def _separated_re(sep: str, least: int) -> re.Pattern[str]:
    s = re.escape(sep)
    # A unit is one character of an address ("." and "_" too), never the separator itself.
    unit = "[" + _UNIT_CHARS.replace(re.escape(sep.strip()), "").replace(sep.strip(), "") + "]"
    if sep.strip() == "-":
        unit = "[A-Za-z0-9@.+_]"
    return re.compile(
        r"(?<![\w.\-~*|·])(?:" + unit + s + r"){" + str(least - 1) + r",}" + unit + r"(?![\w~*|·])"
    )


# Letters and digits as 'a', the separators above as 's', spaces kept, the rest 'x'.
_SEPARATED_SHAPES = bytes(
    ord("a")
    if chr(c).isalnum()
    else ord("s")
    if chr(c) in "~*.,-|_"
    else c
    if c == 32
    else ord("x")
    for c in range(256)
)


def has_separated_letters(text: str) -> bool:
    """Single characters joined by separators, four of them ("l.i.l.y", "s * a * m")?"""
    if text.isascii():
        shapes = text.encode("ascii").translate(_SEPARATED_SHAPES)
        if b"asasasa" not in shapes and b"a s a s a s a" not in shapes:
            return False
    return _SEPARATED_HINT_RE.search(text) is not None


def _separated_runs(text: str) -> tuple[list[Replacement], str]:
    """Runs of single characters joined by one separator, the separator dropped.

    The separator covering most of the message wins, so "l~i~l~y . w~e~i" keeps
    its spelled dot and "j . o (dot) d . e" its "(dot)". Once a run of four
    shows the separator, shorter runs with it ("c.o.m", "i . o") join too.
    Returns the rewrites and the separator.
    """
    if not has_separated_letters(text):
        return [], ""
    best_sep, best_cover = "", 0
    for sep in _SEPARATED_SEPS:
        if sep.strip() not in text:
            continue
        cover = sum(m.end() - m.start() for m in _separated_re(sep, 4).finditer(text))
        if cover > best_cover:
            best_sep, best_cover = sep, cover
    if not best_sep:
        return [], ""
    reps = []
    for m in _separated_re(best_sep, 2).finditer(text):
        joined = m.group().replace(best_sep, "")
        if text[m.end() : m.end() + 3].lstrip().startswith("/"):
            joined = _HOSTS_BY_LETTERS.get(joined.lower(), joined)  # "w.a.m.e/9198..." is wa.me
        reps.append((m.start(), m.end(), joined))
    return reps, best_sep


_MARKER_BEFORE_RE = re.compile(r"(?:\(dot\)|\bdot|\.|@|\(at\)|\bat) $", re.IGNORECASE)


def _merge(first: list[Replacement], second: list[Replacement]) -> list[Replacement]:
    """Both lists' rewrites, those of ``second`` overlapping one of ``first`` dropped."""
    return sorted(first + [r for r in second if not _touches(r, [(a, b) for a, b, _ in first])])


def _spaced_runs(text: str) -> list[Replacement]:
    reps: list[Replacement] = []
    if _SPACED_HINT_RE.search(text) is None:
        return reps
    for m in _SPACED_RUN_RE.finditer(text):
        short_after_marker = m.end() - m.start() == 3 and _MARKER_BEFORE_RE.search(
            text, max(0, m.start() - 7), m.start()
        )
        if m.end() - m.start() >= 5 or (reps and short_after_marker):  # three characters, or
            # two right after a spelled '.'/'@' once longer runs show the disguise ("(dot) i o")
            joined = m.group().replace(" ", "")
            if "." not in joined and text.startswith("/", m.end()):
                joined = _HOSTS_BY_LETTERS.get(joined.lower(), joined)  # "t m e/sam" is t.me/sam
            start = m.start()
            if joined.startswith("@") and start >= 2 and text[start - 1] == " ":
                # "lilydraws @ g m a i l . c o m": the '@' joins the name before it too.
                start -= 1
                if reps and reps[-1][1] > start:
                    start = m.start()
            reps.append((start, m.end(), joined))
    return reps


_PLAIN_LOCAL_RE = re.compile(r"[\w.%+-]{1,64}$")
_PLAIN_DOMAIN_RE = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}")
_MAX_AT_SIGNS = 64


def plain_address_spans(text: str) -> list[tuple[int, int]]:
    """Spans of addresses written plainly ("name@host.tld"), which no rewrite may touch.

    "0.hyphen@gmail.com" and "my mail is hyphen@gmail.com" must not become
    "0.-@gmail.com" or "is-@gmail.com". Read from each '@' outwards, like
    the email scanner, so the cost stays linear.
    """
    spans: list[tuple[int, int]] = []
    at = text.find("@")
    for _ in range(
        _MAX_AT_SIGNS
    ):  # the first ones; the email scanner also reads the message as written
        if at < 0:
            break
        local = _PLAIN_LOCAL_RE.search(text, max(0, at - 64), at)
        domain = _PLAIN_DOMAIN_RE.match(text, at + 1)
        if local is not None and domain is not None:
            spans.append((local.start(), domain.end()))
        at = text.find("@", at + 1)
    return spans


def _touches(rep: Replacement, spans: list[tuple[int, int]]) -> bool:
    return any(rep[0] < e and s < rep[1] for s, e in spans)


def _outside(reps: list[Replacement], spans: list[tuple[int, int]]) -> list[Replacement]:
    return [r for r in reps if not _touches(r, spans)] if spans else reps


def build_address_view(base: TextView, words: frozenset[str] | None = None) -> AddressView:
    """``words``: lower-cased tokens of ``base.text`` if the caller has them.

    Two passes: spaced-out letters are joined first (the other disguises are
    read on the joined text), then every other rewrite is collected, the
    ones touching a plainly written address dropped, and overlaps resolved.
    """
    protected = plain_address_spans(base.text) if "@" in base.text else []
    separated, sep = _separated_runs(base.text)
    # "j . o . e": a spaced separator is read before spaced letters, which would keep the dots.
    joined = separated if sep.startswith(" ") else _merge(_spaced_runs(base.text), separated)
    spaced = base.rewrite(_outside(joined, protected))
    text = spaced.text
    if spaced is not base and protected:
        protected = plain_address_spans(text)  # offsets moved with the joined letters
    if words is None or spaced is not base:
        words = frozenset(tokens_of(text))
    reps: list[Replacement] = []
    kinds: list[str] = []
    for found in (
        _symbol_words(text, words),
        _dotted_hosts(text),
        _camel_symbols(text),
        _split_names(text, words),
    ):
        for start, end, new, kind in found:
            if not (protected and _touches((start, end, new), protected)):
                reps.append((start, end, new))
                kinds.append(kind)
    kept, at_strength, dot_words = _without_overlaps(reps, kinds)
    if separated:
        # Letters one at a time are deliberate: an "at" among them is an '@' for sure.
        at_strength = dict.fromkeys(at_strength, STRONG)
    view = spaced.rewrite(kept)
    # Every '@' not written as a word was typed: deliberate.
    i = view.text.find("@")
    while i >= 0:
        at_strength.setdefault(i, STRONG)
        i = view.text.find("@", i + 1)
    return AddressView(view, at_strength, tuple(dot_words))


_Rewrite = tuple[int, int, str, str]  # start, end, new text, kind


def _symbol_words(text: str, words: frozenset[str]) -> list[_Rewrite]:
    """ "at", "(dot)", "slash", " . " and the rest: one pass of the substitutions that can apply."""
    parts = _active_parts(text, words)
    if not parts:
        return []
    out: list[_Rewrite] = []
    for m in _substitutions_re(parts).finditer(text):
        kind = m.lastgroup or ""
        raw = m.group()
        new = raw.strip() if kind == "tight" else _REPLACEMENT_TEXT[kind]
        # A spaced-out typed "@" (" @ ") is as deliberate as one typed tight.
        out.append(
            (m.start(), m.end(), new, "wat" if kind == "wat" and raw.strip() != "@" else kind)
        )
    return out


def _dotted_hosts(text: str) -> list[_Rewrite]:
    """ "w.a.m.e/9198...": a known contact host with a dot after every letter."""
    if "/" not in text or not has_dotted_letters(text):
        return []
    out: list[_Rewrite] = []
    for m in _DOTTED_LETTERS_RE.finditer(text):
        host = _HOSTS_BY_LETTERS.get(m.group(1).replace(".", "").lower())
        if host is not None:
            out.append((m.start(), m.end(), host, "host"))
    return out


def _camel_symbols(text: str) -> list[_Rewrite]:
    """ "kevinphATgmailDOTcom"."""
    if "AT" not in text and "DOT" not in text:
        return []
    return [
        (m.start(), m.end(), "@" if m.group() == "AT" else ".", "camel")
        for m in _CAMEL_RE.finditer(text)
    ]


def _split_names(text: str, words: frozenset[str]) -> list[_Rewrite]:
    """Provider and platform names cut in two ("g mail", "tele gram", "face book") joined again.

    When both halves are everyday words ("we chat", "face book", "snap
    chat") the join needs an account right after it (an @name or a token
    with a digit, "_" or an inner "."), so "we chat later" stays prose.
    """
    out: list[_Rewrite] = []
    if "mail" in words or "look" in words or "hoo" in words or "cloud" in words:
        for m in _SPLIT_PROVIDER_RE.finditer(text):
            if (m.group(1).lower(), m.group(2).lower()) in _PROVIDER_JOIN:
                out.append((m.start(), m.end(), m.group(1) + m.group(2), "join"))
    if _SPLIT_PLATFORM_FIRST.isdisjoint(words) or _SPLIT_PLATFORM_SECOND.isdisjoint(words):
        return out
    for m in _SPLIT_PLATFORM_RE.finditer(text):
        pair = (m.group(1).lower(), m.group(2).lower())
        joined = _SPLIT_PLATFORMS.get(pair)
        if joined is None:
            continue
        if pair in _EVERYDAY_SPLITS and _ACCOUNT_AFTER_RE.match(text, m.end(2)) is None:
            continue
        out.append((m.start(1), m.end(2), m.group(1) + m.group(2), "join"))
    return out


def _without_overlaps(
    reps: list[Replacement], kinds: list[str]
) -> tuple[list[Replacement], dict[int, int], list[int]]:
    """Keep the earliest of overlapping rewrites and note where each '@' and spelled '.' lands.

    Positions are in the rewritten view, tracked as the rewrites shift the text.
    """
    order = sorted(range(len(reps)), key=lambda k: reps[k][0])
    at_strength: dict[int, int] = {}
    dot_words: list[int] = []
    kept: list[Replacement] = []
    pos = 0
    delta = 0
    for k in order:
        start, end, new = reps[k]
        kind = kinds[k]
        if start < pos:
            continue
        at = new.find("@")
        if at >= 0:
            at_strength[start + delta + at] = WEAK if kind == "wat" else STRONG
        if kind in ("bdot", "wdot", "camel") and new == ".":
            dot_words.append(start + delta)
        kept.append((start, end, new))
        delta += len(new) - (end - start)
        pos = end
    return kept, at_strength, dot_words
