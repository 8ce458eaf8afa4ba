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
from functools import lru_cache

from .quick import has_domain_hint, words as tokens_of
from .offsets import Replacement, TextView
from .platforms import CONTACT_HOSTS

# Runs of 3+ single characters separated by single spaces: "w a . m e".
_SPACED_HINT_RE = re.compile(r"(?<!\S)\S \S \S(?=\s|$|/\w)")
# The last one may carry the path: "w a . m e/9198...".
_SPACED_RUN_RE = re.compile(r"(?<!\S)(?:\S )+\S(?=\s|$|/\w)")
# A known contact host with a dot after every letter: "w.a.m.e/9198...",
# "t.m.e/sam". Only before a path, and only when the letters spell one of
# CONTACT_HOSTS (a personal domain spelled so stays, like any portfolio site).
_DOTTED_LETTERS_RE = re.compile(r"(?<![\w.])((?:[A-Za-z]\.){2,}[A-Za-z])(?=\s*/)")
_DOTTED_LETTERS_HINT_RE = re.compile(r"[A-Za-z]\.[A-Za-z]\.[A-Za-z]")
_HOSTS_BY_LETTERS = {host.replace(".", ""): host for host in CONTACT_HOSTS}

_OPEN = r"[(\[{<]"
_CLOSE = r"[)\]}>]"
_BRACKETED_AT = r"\s*" + _OPEN + r"\s*(?:at|@|arroba|arobase|atsign)\s*" + _CLOSE + r"\s*"
_BRACKETED_DOT = r"\s*" + _OPEN + r"\s*(?:dot|punto|point|ponto|titik|nuqta|dat|\.)\s*" + _CLOSE + r"\s*"
_WORD_AT = r"\s+(?:at\s+the\s+rate(?:\s+of)?|at\s*the\s*rate|attherate|at|arroba|arobase|atsign|@)\s+"
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
_REPLACEMENT_TEXT = {"bat": "@", "wat": "@", "bdot": ".", "wdot": ".", "slash": "/", "underscore": "_", "dash": "-"}
_DOT_WORDS = frozenset({"dot", "punto", "point", "ponto", "titik", "nuqta", "dat"})
_MAIL_HINT_WORDS = frozenset(
    {"gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "proton", "protonmail", "icloud",
     "aol", "yandex", "zoho", "gmx", "rediffmail", "mail", "email", "correo", "com", "net", "org"}
)


@lru_cache(maxsize=256)
def _substitutions_re(parts: tuple[str, ...]) -> "re.Pattern[str]":
    """One alternation of just the substitutions this message can need."""
    return re.compile("|".join(f"(?P<{name}>{_PARTS[name]})" for name in parts), re.IGNORECASE)


def _active_parts(text: str, words: frozenset[str]) -> tuple[str, ...]:
    """Which substitutions can apply: each costs a pass, so skip the idle ones."""
    lowered = text.lower()
    parts = []
    if "(" in text or "[" in text or "{" in text or "<" in text:
        parts += ["bat", "bdot"]
    dot_words = not _DOT_WORDS.isdisjoint(words)
    if ("at" in words or "arroba" in words or "arobase" in words or "atsign" in words or "attherate" in words
            or " @ " in text) and (dot_words or not _MAIL_HINT_WORDS.isdisjoint(words) or has_domain_hint(text)):
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
_SPLIT_PROVIDER_RE = re.compile(r"\b(g|hot|out|ya|proton|i)\s+(mail|look|hoo|cloud)\b", re.IGNORECASE)
_PROVIDER_JOIN = {("g", "mail"), ("hot", "mail"), ("out", "look"), ("ya", "hoo"), ("proton", "mail"), ("i", "cloud")}

STRONG = 2  # '@' itself or a bracketed/glued spelling: deliberate
WEAK = 1  # the English word "at": needs more evidence


def has_dotted_letters(text: str) -> bool:
    return _DOTTED_LETTERS_HINT_RE.search(text) is not None


@dataclass(frozen=True)
class AddressView:
    view: TextView
    at_strength: dict[int, int]  # position of each '@' in the view -> STRONG/WEAK
    dot_words: tuple[int, ...]  # positions of '.' that were spelled out


def _spaced_runs(text: str) -> list[Replacement]:
    reps: list[Replacement] = []
    if _SPACED_HINT_RE.search(text) is None:
        return reps
    for m in _SPACED_RUN_RE.finditer(text):
        if m.end() - m.start() >= 5:  # at least three characters
            joined = m.group().replace(" ", "")
            if "." not in joined and text.startswith("/", m.end()):
                joined = _HOSTS_BY_LETTERS.get(joined.lower(), joined)  # "t m e/sam" is t.me/sam
            reps.append((m.start(), m.end(), joined))
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
    for _ in range(_MAX_AT_SIGNS):  # the first ones; the email scanner also reads the message as written
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
    """``words``: lower-cased tokens of ``base.text`` if the caller has them."""
    protected = plain_address_spans(base.text) if "@" in base.text else []
    spaced = base.rewrite(_outside(_spaced_runs(base.text), protected))
    text = spaced.text
    if spaced is not base and protected:
        protected = plain_address_spans(text)
    if words is None or spaced is not base:
        words = frozenset(tokens_of(text))
    reps: list[Replacement] = []
    kinds: list[str] = []
    parts = _active_parts(text, words)
    if parts:
        for m in _substitutions_re(parts).finditer(text):
            kind = m.lastgroup or ""
            raw = m.group()
            new = raw.strip() if kind == "tight" else _REPLACEMENT_TEXT[kind]
            reps.append((m.start(), m.end(), new))
            kinds.append("wat" if kind == "wat" and raw.strip() != "@" else kind)
    if "/" in text and has_dotted_letters(text):
        for m in _DOTTED_LETTERS_RE.finditer(text):
            host = _HOSTS_BY_LETTERS.get(m.group(1).replace(".", "").lower())
            if host is not None:
                reps.append((m.start(), m.end(), host))
                kinds.append("host")
    if ("AT" in text or "DOT" in text):
        for m in _CAMEL_RE.finditer(text):
            reps.append((m.start(), m.end(), "@" if m.group() == "AT" else "."))
            kinds.append("camel")
    if "mail" in words or "look" in words or "hoo" in words or "cloud" in words:
        for m in _SPLIT_PROVIDER_RE.finditer(text):
            if (m.group(1).lower(), m.group(2).lower()) in _PROVIDER_JOIN:
                reps.append((m.start(), m.end(), m.group(1) + m.group(2)))
                kinds.append("join")
    if protected:
        keep = [not _touches(r, protected) for r in reps]
        reps = [r for r, k in zip(reps, keep) if k]
        kinds = [kind for kind, k in zip(kinds, keep) if k]
    order = sorted(range(len(reps)), key=lambda k: reps[k][0])
    reps = [reps[k] for k in order]
    kinds = [kinds[k] for k in order]
    # Drop overlaps (keep the earliest), tracking new positions as we go.
    at_strength: dict[int, int] = {}
    dot_words: list[int] = []
    kept: list[Replacement] = []
    pos = 0
    delta = 0
    for (start, end, new), kind in zip(reps, kinds):
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
    view = spaced.rewrite(kept)
    i = view.text.find("@")
    while i >= 0:
        at_strength.setdefault(i, STRONG)
        i = view.text.find("@", i + 1)
    return AddressView(view, at_strength, tuple(dot_words))
