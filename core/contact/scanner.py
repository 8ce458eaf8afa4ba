"""The pipeline: normalise, build views, run the scanners, resolve overlaps.

    text --normalize--> base view --digits--> phone view    --> phones
                                  \\-addresses-> address view --> emails, links, handles
    + history --split--> phone numbers and addresses assembled across messages

Cheap pre-checks decide which views are worth building: most chat lines have
no '@', no platform name, no digit words and fewer than five digits, and
are returned after one normalisation check and a couple of C-level scans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from .addresses import (
    MAIL_PROVIDER_WORDS,
    AddressView,
    build_address_view,
    has_dotted_letters,
    has_separated_letters,
    has_split_platform_name,
)
from .context import has_phone_context_word
from .digits import (
    STRONG_DIGIT_WORDS,
    build_phone_view,
    has_rewritable_token,
    has_spelled_run,
    may_need_rewrite,
)
from .emails import find_emails, find_named_provider_accounts
from .findings import Finding, ScanResult, mask
from .fuzzy import fuzzy_platform
from .handles import find_handles
from .intent import find_intents
from .links import find_links, url_spans
from .normalize import normalize
from .offsets import TextView
from .phones import CANDIDATE_RE, MIN_DIGITS, find_phones
from .platforms import PLATFORM_WORDS
from .quick import (
    digit_count,
    has_domain_hint,
    may_have_digit_run,
    may_have_spaced_letters,
)
from .quick import (
    words as tokens_of,
)
from .split import (
    find_phone_start,
    find_split,
)  # loaded with the scanner: a first split costs no import
from .words import WEAK_DIGIT_WORDS

# When findings overlap the longest wins ("9876543210@paytm" is a UPI address,
# not a phone), then the kind with the lower number here.
_PRIORITY = {"link": 0, "email": 1, "phone": 2, "handle": 3}


# Words that can only matter to the address scanners (emails, links, handles).
_ADDRESS_WORDS = (
    frozenset(
        [
            "dot",
            "punto",
            "ponto",
            "titik",
            "nuqta",
            "point",
            "arroba",
            "arobase",
            "slash",
            "underscore",
            "atsign",
            "attherate",
            "rate",
            "live",
            "wxid",
            "upi",
        ]
    )
    | MAIL_PROVIDER_WORDS
)
_BRACKETED_RE = re.compile(r"[(\[{<]\s*(?:at|dot|\.|@)\s*[)\]}>]", re.IGNORECASE)
_CAMEL_AT_RE = re.compile(r"[a-z0-9](?:AT|DOT)[a-z0-9]")
_SPACED_HINT_RE = re.compile(r"(?<!\S)\S \S \S \S(?!\S)")
_ANY_DIGIT_WORD = STRONG_DIGIT_WORDS | WEAK_DIGIT_WORDS
_LABEL_WORDS = frozenset(["id", "username", "handle", "user", "account", "acc", "nick", "nickname"])
_ADDRESS_OR_PLATFORM_WORDS = _ADDRESS_WORDS | frozenset(PLATFORM_WORDS) | {"cash", "whats"}


def _plain_address_hint(text: str, words: list[str]) -> bool:
    """The address hints that can never reach over a line break: any one of them is enough."""
    if "@" in text:
        return True
    if not _ADDRESS_OR_PLATFORM_WORDS.isdisjoint(words):
        return True
    if has_domain_hint(text):
        return True
    if ("AT" in text or "DOT" in text) and _CAMEL_AT_RE.search(text):
        return True
    # Spaced-out letters: "s a m @ g m a i l".
    if may_have_spaced_letters(text) and _SPACED_HINT_RE.search(text) is not None:
        return True
    # A handle-shaped "_" word; one character at a time with another separator
    # ("z~a~i~n~a~b at o~u~t~l~o~o~k").
    return "_" in text or has_separated_letters(text)


def _is_labelled(text: str, words: list[str]) -> bool:
    """A label a misspelt platform name may come with: "vibre id sam", "telegrm: sam"."""
    return (
        ":" in text or "=" in text or ">" in text or "\u2192" in text
    ) or not _LABEL_WORDS.isdisjoint(words)


def _has_misspelt_platform(words: list[str]) -> bool:
    # fuzzy_platform answers None for words under four letters; map() keeps the memoised
    # calls at C level.
    return any(map(fuzzy_platform, words))


def needs_address_scan(text: str, words: list[str]) -> bool:
    """Cheap test: could this message hold an email, link or handle at all?"""
    if _plain_address_hint(text, words):
        return True
    if ("(" in text or "[" in text or "{" in text or "<" in text) and _BRACKETED_RE.search(text):
        return True
    # A host with a dot after every letter: "w.a.m.e/9198...".
    if "/" in text and has_dotted_letters(text):
        return True
    # A platform name cut in two: "tele gram", "we chat: sam88".
    if has_split_platform_name(words):
        return True
    # A labelled plain word after a misspelt platform ("vibre id sam", "telegrm: sam",
    # "tw1tter → sam").
    return _is_labelled(text, words) and _has_misspelt_platform(words)


class _LineHints(NamedTuple):
    plain: bool
    slash: bool
    dotted_letters: bool
    labelled: bool
    misspelt_platform: bool
    words: list[str]


@lru_cache(maxsize=4096)  # a message is read again as history of the sender's next ones
def _line_hints(line: str) -> _LineHints | None:
    """needs_address_scan's facts about one line (normalised here: normalisation maps each
    character alone), None for a line they cannot be read from alone: an open bracket
    ("(\nat\n)" reaches over the line break), a capital sigma (lower-cased by context)."""
    line = normalize(line).text
    if "(" in line or "[" in line or "{" in line or "<" in line or "\u03a3" in line:
        return None
    words = tokens_of(line)
    return _LineHints(
        _plain_address_hint(line, words),
        "/" in line,
        has_dotted_letters(line),
        _is_labelled(line, words),
        _has_misspelt_platform(words),
        words,
    )


def needs_lines_address_scan(lines: Sequence[str]) -> bool | None:
    """``needs_address_scan`` of the normalised ``"\n".join(lines)``, read from each line's
    own (memoised) facts, none of which reaches over a line break but the platform name cut
    in two; None when a line cannot be read alone (then read the joined text)."""
    hints = []
    for line in lines:
        h = _line_hints(line)
        if h is None:
            return None
        if h.plain:
            return True
        hints.append(h)
    if any(h.slash for h in hints) and any(h.dotted_letters for h in hints):
        return True
    if has_split_platform_name([w for h in hints for w in h.words]):  # "tele" / "gram"
        return True
    return any(h.labelled for h in hints) and any(h.misspelt_platform for h in hints)


def phone_possible(text: str, words: list[str]) -> bool:
    """Cheap test: could this message hold a phone number at all?

    A phone needs seven digits, written as digits, digit words or look-alike
    letters; a message with fewer than five real digits and no digit word
    cannot hold one unless it has words glued from digits and letters
    (checked only then; one real digit is enough: "OOOOOOl2").
    """
    digits = digit_count(text)
    if not digits:
        if STRONG_DIGIT_WORDS.isdisjoint(words):
            return has_spelled_run(words)  # "NINEFOURFIVESEVEN...": one long word
        # Three digit words at least, weak ones included ("zero one six six
        # six ..."); "one more round" is not a number.
        return sum(map(_ANY_DIGIT_WORD.__contains__, words)) >= 3 or has_spelled_run(words)
    if digits >= 5 or not STRONG_DIGIT_WORDS.isdisjoint(words):
        return True
    # "OOOOOOl2": look-alikes around a single real digit; "+dreivier... after 6pm".
    return has_rewritable_token(text) or has_spelled_run(words)


_NOT_LETTERS = str.maketrans("", "", "0123456789./:-_?=&#%+~")


class _MessageWord:
    """Truthy when the message has a phone word; the misspelt-app check only when asked."""

    __slots__ = ("_words", "_answer")

    def __init__(self, words: list[str]) -> None:
        self._words = words
        self._answer: bool | None = has_phone_context_word(words, fuzzy=False) or None

    def __bool__(self) -> bool:
        if self._answer is None:
            self._answer = has_phone_context_word(self._words)
        return self._answer


def scan_phones(base: TextView, words: list[str]) -> list[Finding]:
    text = base.text
    rewrite = may_need_rewrite(text, words)
    if not rewrite and (
        not may_have_digit_run(text, MIN_DIGITS) or CANDIDATE_RE.search(text) is None
    ):
        return []  # the common case: digits, but no run of seven and nothing to rewrite
    phone_view = build_phone_view(base, rewrite=rewrite)
    view_text = phone_view.view.text
    if CANDIDATE_RE.search(view_text) is None:
        return []
    hits = find_phones(phone_view, _MessageWord(words))
    if not hits:
        return []
    # A URL with letters in it ("site.com/9876543210") owns its digits; "51.23/407.93" is no URL.
    excluded = [(s, e) for s, e in url_spans(text) if text[s:e].translate(_NOT_LETTERS) != ""]
    findings = []
    for hit in hits:
        start, end = phone_view.view.to_original(hit.start, hit.end)
        if any(s <= start and end <= e for s, e in excluded) and not phone_view.is_obfuscated(
            hit.start, hit.end
        ):
            continue
        findings.append(Finding("phone", start, end, hit.match.e164, hit.rule, hit.reason))
    return findings


def scan_addresses(
    base: TextView, words: list[str], allowed_hosts: tuple[str, ...]
) -> list[Finding]:
    base_words = frozenset(words)
    view: AddressView = build_address_view(base, base_words)
    text = view.view.text
    view_words = base_words if view.view is base else frozenset(tokens_of(text))
    findings: list[Finding] = []
    for link in find_links(view, allowed_hosts):
        start, end = view.view.to_original(link.start, link.end)
        findings.append(
            Finding(
                "link",
                start,
                end,
                link.value,
                f"link.{link.platform}",
                f"links to a {link.platform.replace('_', ' ').title()} page, "
                "a way to talk or pay outside Gigbox",
            )
        )
    email_views = [view]
    if view.view is not base and "@" in base.text:
        # Addresses written plainly are read on the message itself too: the
        # disguise rewrites ("me at" -> "me@", spaced letters, " . ") must
        # never be able to hide or bend a well-formed address next to them.
        email_views.append(AddressView(base, {}, ()))
    for email_view in email_views:
        for email in find_emails(email_view, words, allowed_hosts):
            start, end = email_view.view.to_original(email.start, email.end)
            findings.append(Finding(email.kind, start, end, email.value, email.rule, email.reason))
    for email in find_named_provider_accounts(text, view_words):
        start, end = view.view.to_original(email.start, email.end)
        findings.append(Finding(email.kind, start, end, email.value, email.rule, email.reason))
    for handle in find_handles(text, view_words):
        start, end = view.view.to_original(handle.start, handle.end)
        findings.append(Finding("handle", start, end, handle.value, handle.rule, handle.reason))
    return findings


def scan_message(text: str, allowed_hosts: tuple[str, ...]) -> list[Finding]:
    """All findings of one message on its own (unresolved, may overlap)."""
    return _scan_message(text, allowed_hosts)[0]


def scan_joined_addresses(
    text: str, allowed_hosts: tuple[str, ...], precheck: str | None = None
) -> list[Finding]:
    """Emails, links and handles of several messages joined (phones have their own split).

    ``precheck``: the joined text as the cheap pre-check should read it (sentence
    ends kept apart); the scan itself always reads ``text``.
    """
    if precheck is not None and precheck != text:
        pre = normalize(precheck).text
        if not needs_address_scan(pre, tokens_of(pre)):
            return []
    base = normalize(text)
    words = tokens_of(base.text)
    if not needs_address_scan(base.text, words):
        return []
    return scan_addresses(base, words, allowed_hosts)


def _scan_message(text: str, allowed_hosts: tuple[str, ...]) -> tuple[list[Finding], list[str]]:
    """The findings and the lower-cased tokens of the normalised message."""
    base = normalize(text)
    words = tokens_of(base.text)
    findings = scan_phones(base, words) if phone_possible(base.text, words) else []
    if needs_address_scan(base.text, words):
        findings.extend(scan_addresses(base, words, allowed_hosts))
    return findings, words


def _written_plainly(f: Finding, text: str) -> bool:
    """An email address that stands in the message exactly as its value."""
    return f.kind == "email" and not f.split and text[f.start : f.end].lower() == f.value


def _cuts_into(f: Finding, anchor: Finding) -> bool:
    """Does ``f`` overlap ``anchor`` without containing it whole?"""
    return (
        f.start < anchor.end
        and anchor.start < f.end
        and not (f.start <= anchor.start and anchor.end <= f.end)
    )


def resolve(findings: Iterable[Finding], text: str) -> tuple[Finding, ...]:
    """Keep the best of overlapping findings; sort by position.

    The longest finding wins, then the kind earlier in ``_PRIORITY``. An email
    address written plainly in ``text`` is an anchor: a finding that cuts
    into it (a disguise reading such as "sales at jo.co" in "sales at
    jo.co@gmail.com") is dropped, so the address is always reported whole;
    only a finding that contains all of it can replace it.
    """
    candidates = [f for f in findings if f.end > f.start]
    anchors = [f for f in candidates if _written_plainly(f, text)]
    if anchors:
        # Anchors that overlap each other compete like any findings below.
        candidates = [
            f for f in candidates if f in anchors or not any(_cuts_into(f, a) for a in anchors)
        ]
    ordered = sorted(
        candidates,
        key=lambda f: (
            -(f.end - f.start),
            _PRIORITY[f.kind],
            not f.split,
            f not in anchors,
            f.start,
        ),
    )
    kept: list[Finding] = []
    for f in ordered:
        if all(f.end <= k.start or k.end <= f.start for k in kept):
            kept.append(f)
    return tuple(sorted(kept, key=lambda f: f.start))


_DIGITS_RE = re.compile(r"\d")


def _may_start_a_number(text: str, words: list[str]) -> bool:
    """The cheap gate of ``find_phone_start``: a short message with a digit that names a
    phone or a platform."""
    return (
        len(text) <= 160
        and _DIGITS_RE.search(text) is not None
        and (has_phone_context_word(words) or any(w in PLATFORM_WORDS for w in words))
    )


def scan(
    text: str,
    history: Sequence[str] | None = None,
    *,
    allowed_hosts: Iterable[str] = (),
) -> ScanResult:
    """Find contact details in ``text``.

    ``history``: earlier messages of the same sender in the conversation,
    oldest first; numbers and addresses split across them and ``text`` are
    found too (reported on the part inside ``text``, with ``split=True``).
    ``allowed_hosts``: the site's own hosts (and their subdomains), whose links and
    email addresses are never findings. The detector knows no site of its own: the
    caller names it (Gigbox: core.contact_policy, from settings.GIGBOX_SITE_HOSTS).
    """
    if not isinstance(text, str):
        raise TypeError(f"scan() needs a str, not {type(text).__name__}")
    hosts = tuple(h.lower() for h in allowed_hosts) if allowed_hosts else ()
    findings, words = _scan_message(text, hosts)
    if history:
        findings.extend(
            find_split(text, [h for h in history if isinstance(h, str)], hosts, findings)
        )
    if not findings and _may_start_a_number(text, words):
        start = find_phone_start(text)
        if start is not None:
            findings.append(start)
    if not findings:
        return ScanResult(text, text, (), find_intents(text, words))
    resolved = resolve(findings, text)
    return ScanResult(text, mask(text, resolved), resolved)
