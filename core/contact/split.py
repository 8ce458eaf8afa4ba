"""Contact details spread over several messages of the same sender.

Phones: each message that is "just a piece of a number" (one short digit run
and at most a few filler words, nothing that explains the digits as a price,
date, order or version) is a fragment. The fragments at the end of the
history plus the current message are concatenated, longest chain first, and
validated like a single number: with phone words anywhere in the chain
("my number", "zap", "call") any valid number counts, without them only a
ten-digit mobile of a core region does.

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

from .context import message_has_phone_word
from .digits import TOKEN_RE, build_phone_view
from .findings import Finding
from .normalize import normalize
from .phone_shapes import is_year_list, looks_like_date
from .phones import validate_digits
from .words import SUPPRESS_CONTEXT_WORDS

MAX_PHONE_HISTORY = 6
MAX_ADDRESS_HISTORY = 3
MAX_FILLER_WORDS = 5
# Fragments are short messages; the continuation of a split address sits at
# the start of the current message. Longer texts are not looked at for splits.
MAX_FRAGMENT_CHARS = 160
MAX_JOINED_CHARS = 300

_FRAGMENT_RUN_RE = re.compile(r"(?<![^\W_])(?:\+\s?)?\d(?:[\s\-./\\|*_~()\[\]]{0,4}\d)*(?![^\W_])")
_GROUP_RE = re.compile(r"\d+")
_SHAPE_BREAKERS = re.compile(r"\d\s?[:%xX×]|[:$€£₹₦]\s?\d|\d\s?(?:am|pm)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Fragment:
    digits: str
    groups: tuple[str, ...]
    has_plus: bool
    start: int  # in the original message
    end: int
    phone_word: bool
    obfuscated: bool


def _fragment(message: str) -> tuple[_Fragment | None, bool]:
    """(fragment or None, whether the message has a phone word)."""
    if len(message) > MAX_FRAGMENT_CHARS:
        return None, False
    base = normalize(message)
    phone_word = message_has_phone_word(base.text)
    view = build_phone_view(base)
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
    return (
        _Fragment(
            digits,
            groups,
            run.group().lstrip().startswith("+"),
            start,
            end,
            phone_word,
            view.is_obfuscated(run.start(), run.end()),
        ),
        phone_word,
    )


def _split_phone(text: str, history: Sequence[str]) -> Finding | None:
    current, current_word = _fragment(text)
    if current is None:
        return None
    chain = [current]
    context = current_word or current.obfuscated
    for message in reversed(history[-MAX_PHONE_HISTORY:]):
        fragment, phone_word = _fragment(message)
        context = context or phone_word
        if fragment is None:
            break  # a message that is not a fragment ends the chain ("my number")
        chain.append(fragment)
        context = context or fragment.obfuscated
    chain.reverse()
    for k in range(len(chain), 1, -1):
        parts = chain[-k:]
        digits = "".join(p.digits for p in parts)
        if not 7 <= len(digits) <= 15:
            continue
        groups = [g for p in parts for g in p.groups]
        if is_year_list(groups) or looks_like_date(groups):
            continue
        found = validate_digits(digits, parts[0].has_plus, "context" if context else "strict")
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


def _split_addresses(
    text: str, history: Sequence[str], allowed_hosts: tuple[str, ...], single: Sequence[Finding]
) -> list[Finding]:
    """Addresses that only exist once earlier messages are put in front."""
    from .scanner import scan_message  # the single-message pipeline, on the joined text

    earlier: list[str] = []
    for message in reversed(history[-MAX_ADDRESS_HISTORY:]):
        if len(message) > MAX_JOINED_CHARS:
            break
        earlier.insert(0, message)
    if not earlier:
        return []
    head = text[:MAX_JOINED_CHARS]
    joined = "\n".join(earlier + [head])
    offset = len(joined) - len(head)
    out = []
    for f in scan_message(joined, allowed_hosts):
        if f.kind == "phone" or f.end <= offset:
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
