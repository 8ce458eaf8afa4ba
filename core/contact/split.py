"""Contact details spread over several messages of the same sender.

Phones: each message that is "just a piece of a number" (one short digit run
and at most a few filler words, nothing that explains the digits as a price,
date, order or version) is a fragment. Filler messages ("and", "then", "ok")
between fragments are skipped. The fragments at the end of the history plus
the current message are concatenated, longest chain first, and validated like
a single number. A chain needs evidence of intent, not just digits in a row
of messages:
- a phone or platform word in the chain or in the message before it
  ("whatsapp" / "0803" / "and" / "555"), or a disguised fragment: then any
  valid number counts;
- otherwise bare pieces that only make a number together: no words but
  fillers and piece words ("first part", "last"), the first piece starting
  with the trunk "0" or "+" unless piece words say it is a piece, and a
  ten-digit mobile of a core region as the result.
Fragments that repeat one label ("page 1 done", "page 2 done"), count
("serve 0", "serve 1", ...) or step evenly (10, 20, 30) are a list, never
pieces of one number, whatever words surround them.

Addresses: the last few messages are joined with newlines and scanned for
emails, links and handles; one that starts before the current message and
reaches into it is a split finding.

Only the part inside the current message is reported and masked: earlier
messages were already delivered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .context import has_phone_context_word, message_has_phone_word
from .context_words import PHONE_CONTEXT_WORDS, SUPPRESS_CONTEXT_WORDS
from .digits import build_phone_view
from .findings import Finding
from .fuzzy import fuzzy_platform
from .normalize import normalize
from .phone_shapes import is_year_list, looks_like_date
from .phones import validate_digits
from .platforms import PLATFORM_WORDS
from .quick import TOKEN_RE
from .tlds import IANA_TLDS

MAX_PHONE_HISTORY = 12
MAX_SKIPPED_FILLERS = 5
MAX_ADDRESS_HISTORY = 3
MAX_FILLER_WORDS = 5
# Fragments are short messages; the continuation of a split address sits at
# the start of the current message. Longer texts are not looked at for splits.
MAX_FRAGMENT_CHARS = 160
MAX_JOINED_CHARS = 300

_FRAGMENT_RUN_RE = re.compile(r"(?<![^\W_])(?:\+\s?)?\d(?:[\s\-./\\|*_~()\[\]]{0,4}\d)*(?![^\W_])")
_GROUP_RE = re.compile(r"\d+")
_SHAPE_BREAKERS = re.compile(r"\d\s?[:%xX×]|[:$€£₹₦]\s?\d|\d\s?(?:am|pm)\b", re.IGNORECASE)


# Words a piece of a number may come with, and those that say it is a piece.
_PIECE_WORDS = frozenset(
    [
        "first",
        "second",
        "third",
        "last",
        "part",
        "piece",
        "rest",
        "next",
        "remaining",
        "final",
        "digits",
    ]
)
FILLER_WORDS = _PIECE_WORDS | frozenset(
    ["and", "then", "ok", "okay", "k", "the", "wait", "lol", "plus", "also", "more", "got", "it",
     "so", "is", "of", "my", "me", "on", "at", "here", "pls", "please", "yes", "hmm"]
)  # fmt: skip


@dataclass(frozen=True)
class _Fragment:
    digits: str
    groups: tuple[str, ...]
    has_plus: bool
    start: int  # in the original message
    end: int
    phone_word: bool
    obfuscated: bool
    label: str  # the words around the digits, lower case ("" for a bare piece)
    bare: bool  # only filler words around the digits
    piece_word: bool  # "first part", "last": says it is a piece


@lru_cache(maxsize=4096)
def is_filler(message: str) -> bool:
    """A message of filler words only ("and", "then", "ok", "...")."""
    if len(message) > 24:
        return False
    words = TOKEN_RE.findall(normalize(message).text.lower())
    return len(words) <= 3 and all(w in FILLER_WORDS for w in words)


@lru_cache(maxsize=4096)  # the same history is read again for every new message
def _fragment(message: str) -> tuple[_Fragment | None, bool]:
    """(fragment or None, whether the message has a phone word)."""
    if len(message) > MAX_FRAGMENT_CHARS:
        return None, False
    base = normalize(message)
    phone_word = message_has_phone_word(base.text)
    view = build_phone_view(base, rewrite=True, eager=True)
    text = view.view.text
    runs = list(_FRAGMENT_RUN_RE.finditer(text))
    if len(runs) != 1 or _SHAPE_BREAKERS.search(text):
        return None, phone_word
    run = runs[0]
    rest = (text[: run.start()] + " " + text[run.end() :]).lower()
    filler = TOKEN_RE.findall(rest)
    if len(filler) > MAX_FILLER_WORDS or not SUPPRESS_CONTEXT_WORDS.isdisjoint(filler):
        return None, phone_word
    groups = tuple(_GROUP_RE.findall(run.group()))
    digits = "".join(groups)
    if not 1 <= len(digits) <= 12:
        return None, phone_word
    start, end = view.view.to_original(run.start(), run.end())
    words = [w for w in filler if w not in PHONE_CONTEXT_WORDS]
    return (
        _Fragment(
            digits,
            groups,
            run.group().lstrip().startswith("+"),
            start,
            end,
            phone_word,
            view.is_obfuscated(run.start(), run.end()),
            " ".join(words),
            all(w in FILLER_WORDS for w in words),
            not _PIECE_WORDS.isdisjoint(words),
        ),
        phone_word,
    )


def _chain(text: str, history: Sequence[str]) -> tuple[list[_Fragment], bool]:
    """The fragments ending with ``text`` (oldest first) and whether a phone
    word or disguise backs them."""
    current, current_word = _fragment(text)
    if current is None:
        return [], False
    chain = [current]
    context = current_word or current.obfuscated
    skipped = 0
    for message in reversed(history[-MAX_PHONE_HISTORY:]):
        fragment, phone_word = _fragment(message)
        if fragment is None:
            if not phone_word and skipped < MAX_SKIPPED_FILLERS and is_filler(message):
                skipped += 1
                continue  # "and", "then": filler between the pieces
            # "whatsapp" / "my number" / "call me on" lead into the pieces; "call me when
            # ready" or "I need telegram banners" before a list of quantities do not.
            context = context or (phone_word and opens_number(message))
            break
        chain.append(fragment)
        context = context or phone_word or fragment.obfuscated
    chain.reverse()
    return chain, context


# Last words of a message that leads into a number: "my number is", "call me on", "nomor wa saya".
_LEAD_ENDINGS = frozenset(
    ["is", "on", "at", "me", "to", "via", "no", "num", "number", "here", "below", "saya", "mera",
     "meri", "mi", "meu", "minha", "mon", "mine", "de", "hai", "h", "es", "est", "é"]
)  # fmt: skip
_MAX_LEAD_WORDS = 6


def opens_number(message: str) -> bool:
    """Does ``message`` (which has a phone word) lead into a number sent next: short, no
    label such as "sizes", and ending with a phone or platform word, a connector ("is",
    "on") or "my" ("telegram posts:" announces a list)?"""
    text = normalize(message).text.lower().rstrip()
    words = TOKEN_RE.findall(text)
    if not words or len(words) > _MAX_LEAD_WORDS or not SUPPRESS_CONTEXT_WORDS.isdisjoint(words):
        return False  # "whatsapp logo sizes:" announces sizes, not a number
    last = words[-1]  # "number:", "telegram -": the word before the colon decides
    return (
        last in _LEAD_ENDINGS
        or has_phone_context_word([last])
        or last in PLATFORM_WORDS
        or fuzzy_platform(last) is not None
    )


def is_list(parts: Sequence[_Fragment]) -> bool:
    """Numbers one a message that form a list, not pieces of one number."""
    labels = [p.label for p in parts if p.label]
    if len(labels) >= 2 and len(set(labels)) < len(labels):
        return True  # "page 1 done", "page 2 done"
    if len(parts) >= 3:
        values = [int(p.digits) for p in parts]
        steps = {b - a for a, b in zip(values, values[1:], strict=False)}
        if len(steps) == 1:
            return True  # 10, 20, 30 / 7, 7, 7 / 0, 1, 2
        round_ = sum(
            v % 10 == 0 and v > 0 and p.digits[0] != "0" for v, p in zip(values, parts, strict=True)
        )
        if round_ * 2 >= len(parts):
            return True  # 120, 100, 1920, 60: quantities and sizes
    return False


def _bare_pieces(parts: Sequence[_Fragment]) -> bool:
    """Pieces that only make sense together: no words but fillers, a trunk or
    international start (or piece words saying so)."""
    if not all(p.bare for p in parts):
        return False
    first = parts[0]
    return first.has_plus or first.digits[0] == "0" or any(p.piece_word for p in parts)


def _split_phone(text: str, history: Sequence[str]) -> Finding | None:
    chain, context = _chain(text, history)
    if len(chain) < 2:
        return None
    current = chain[-1]
    for k in range(len(chain), 1, -1):
        parts = chain[-k:]
        digits = "".join(p.digits for p in parts)
        if not 7 <= len(digits) <= 15 or is_list(parts):
            continue
        groups = [g for p in parts for g in p.groups]
        if is_year_list(groups) or looks_like_date(groups):
            continue
        if context:
            level = "context"
        elif _bare_pieces(parts):
            level = "strict"
        else:
            continue
        found = validate_digits(digits, parts[0].has_plus, level)
        if found is not None:
            return Finding(
                "phone",
                current.start,
                current.end,
                found.e164,
                "phone.split",
                f"completes the phone number {found.e164} started in earlier messages",
                True,
            )
    return None


# Fillers that are pieces of an address themselves ("at", "dot").
_ADDRESS_PIECE_RE = re.compile(r"@|\b(?:at|dot)\b|\w[._]|[._]\w", re.IGNORECASE)


_NO_ADDRESS_PIECE_RE = re.compile(r"[^@\w]*(?:[\d_][^@\w]*)*")

# A capitalised first word ("Great", "Io"), not glued to more of an address.
_SENTENCE_START_RE = re.compile(r"[A-Z][a-z]+(?![\w@/:-]|\.\w)")


def is_sentence_start(piece: str) -> bool:
    """Does ``piece``, sent after a message ending in '.', open a new sentence
    rather than continue a domain? A capitalised word does ("morning." /
    "Great, thanks", "Hi! Could you"), unless it is a top-level domain standing
    alone ("sam." / "Io", "sam." / "Design!"): a domain ending is not followed
    by more words."""
    m = _SENTENCE_START_RE.match(piece)
    if m is None:
        return False
    word = m.group().lower()
    alone = not piece[m.end() :].strip(" !?.")
    return not (alone and (len(word) == 2 or word in IANA_TLDS))


def _split_addresses(
    text: str, history: Sequence[str], allowed_hosts: tuple[str, ...], single: Sequence[Finding]
) -> list[Finding]:
    """Addresses that only exist once earlier messages are put in front."""
    from .scanner import needs_lines_address_scan, scan_joined_addresses  # on the joined text

    if _NO_ADDRESS_PIECE_RE.fullmatch(text[:MAX_JOINED_CHARS]):
        return []  # "1080", "$45", "3/4": no letter and no '@' can continue an address

    earlier: list[str] = []
    for message in reversed(history[-(MAX_ADDRESS_HISTORY + MAX_SKIPPED_FILLERS) :]):
        if len(earlier) == MAX_ADDRESS_HISTORY or len(message) > MAX_JOINED_CHARS:
            break
        if is_filler(message) and not _ADDRESS_PIECE_RE.search(message):
            continue  # "lol", "and" between the pieces of an address
        earlier.insert(0, message)
    if not earlier:
        return []
    head = text[:MAX_JOINED_CHARS]
    # Pieces cut at an '@' or a dot join without the line break ("sam_99" / "@gmail.com").
    # ``precheck`` is the same text with sentence ends kept apart: only what the
    # cheap pre-check reads, so ordinary sentences do not look like "morning.Great".
    joined = precheck = earlier[0]
    by_lines = True  # the pre-check's text is the pieces one a line
    for piece in earlier[1:] + [head]:
        if joined.endswith((" @", " .")) or piece.startswith(("@ ", ". ")):
            glue = " "  # "n,g,u . a @" / "p,r,o,t,o,n": spaced out, kept spaced
        elif piece.startswith(("@", ".")) or joined.endswith(("@", ".")):
            glue = ""
        else:
            glue = "\n"
        joined += glue + piece
        pre_glue = "\n" if not glue and is_sentence_start(piece) else glue
        precheck += pre_glue + piece
        by_lines = by_lines and pre_glue == "\n"
    if by_lines and needs_lines_address_scan(earlier + [head]) is False:
        return []  # the common case, read from each message's memoised facts
    offset = len(joined) - len(head)
    out = []
    for f in scan_joined_addresses(joined, allowed_hosts, precheck):
        if f.end <= offset:
            continue
        start, end = max(f.start, offset) - offset, min(f.end - offset, len(head))
        if any(s.start <= start and end <= s.end for s in single):
            continue  # found in the current message alone: not a split
        out.append(
            Finding(
                f.kind,
                start,
                end,
                f.value,
                f.rule + ".split",
                f.reason + " (split over several messages)",
                True,
            )
        )
    return out


# "whatsapp: 0803": a label's colon is not the shape breaker of "10:30" or "ratio: 3".
_LABEL_COLON_RE = re.compile(r"(?<=[^\W\d_]):")
_MAX_START_TAIL_WORDS = 2
_MAX_START_DIGITS = 6
# Amounts and lists: "12.345,00", "3,14,15" (a phone number is not written with commas).
_AMOUNT_RE = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|[\d\s.]*,[\d\s.,]*")


def _only_leads(lead: str) -> bool:
    """Every word before the digits leads into a number ("my whatsapp is", "call me on"),
    none names something else ("the whatsapp icon is")."""
    words = TOKEN_RE.findall(normalize(lead).text.lower())
    return all(
        w in FILLER_WORDS
        or w in _LEAD_ENDINGS
        or w in PLATFORM_WORDS
        or has_phone_context_word([w])
        for w in words
    )


def find_phone_start(text: str) -> Finding | None:
    """The first digits of a number given right after a phone or platform word
    ("whatsapp: +91 98765", "my number is 0803"): the rest follows in the next messages,
    where the split rule masks it; masking the start too keeps every piece hidden.

    Needs the word to lead into the digits (``opens_number``), at most two filler words
    after them, and a start that can only be a phone number: a ``+`` and 4 to 9 digits, or
    5 or 6 digits (longer runs are whole numbers, which the phone scan judges). Labels,
    sizes and lists are not fragments at all."""
    fragment, _ = _fragment(_LABEL_COLON_RE.sub(" ", text))
    if fragment is None or not fragment.phone_word:
        return None
    digits = fragment.digits
    # "call at 0900" is a time; a country code adds up to 3 digits to a start.
    minimum, maximum = (4, _MAX_START_DIGITS + 3) if fragment.has_plus else (5, _MAX_START_DIGITS)
    if not minimum <= len(digits) <= maximum or len(set(digits)) == 1:
        return None  # longer runs are whole numbers, validated or not by the phone scan
    lead = text[: fragment.start]
    if not opens_number(lead) or not _only_leads(lead):
        return None
    if _AMOUNT_RE.fullmatch(text[fragment.start : fragment.end].strip()):
        return None  # "number: 12.345,00", "numbers 3,14,15"
    tail = TOKEN_RE.findall(normalize(text[fragment.end :]).text.lower())
    if len(tail) > _MAX_START_TAIL_WORDS or not all(w in FILLER_WORDS for w in tail):
        return None
    shown = ("+" if fragment.has_plus else "") + digits
    return Finding(
        "phone",
        fragment.start,
        fragment.end,
        shown,
        "phone.start",
        "the start of a phone number, given after a phone or messaging app word",
        False,
    )


def find_split(
    text: str,
    history: Sequence[str],
    allowed_hosts: tuple[str, ...],
    single: Sequence[Finding] = (),
) -> list[Finding]:
    """Split findings for ``text`` given the sender's earlier messages.

    ``single``: what ``text`` yields on its own; those are not repeated.
    """
    findings = []
    phone = _split_phone(text, history)
    if phone is not None:
        findings.append(phone)
    findings.extend(_split_addresses(text, history, allowed_hosts, single))
    return findings
