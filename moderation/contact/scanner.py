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
from dataclasses import dataclass
from typing import Iterable, Sequence

from .addresses import AddressView, build_address_view
from .context import message_has_phone_word
from .digits import TOKEN_RE, build_phone_view
from .emails import find_emails, find_named_provider_accounts
from .findings import Finding, ScanResult, mask
from .handles import find_handles
from .links import find_links, url_spans
from .normalize import normalize
from .offsets import TextView
from .phones import find_phones
from .platforms import PLATFORM_WORDS

DEFAULT_ALLOWED_HOSTS: tuple[str, ...] = ("gigbox.com", "gigbox.example")

# When findings overlap the longest wins ("9876543210@paytm" is a UPI address,
# not a phone), then the kind with the lower number here.
_PRIORITY = {"link": 0, "email": 1, "phone": 2, "handle": 3}

_DELETE_DIGITS = str.maketrans("", "", "0123456789")

_ADDRESS_TRIGGER_RE = re.compile(
    r"@|\b(?:dot|punto|ponto|titik|nuqta|arroba|arobase|slash|underscore|atsign|attherate)\b"
    r"|[(\[{<]\s*(?:at|dot)\s*[)\]}>]|\bat\s*the\s*rate\b"
    r"|\b(?:g\s?mail|googlemail|yahoo|ymail|hot\s?mail|outlook|proton(?:mail)?|icloud|aol|yandex|zoho|gmx|rediffmail|mail)\b"
    r"|\w\s?\.\s?[a-z]{2,}\s?/|\w\.(?:me|gg|app|link|ee|am|us|com|net|io|co|ai|in)\b"
    r"|[(\[{]\.[)\]}]|live:|wxid_|(?<!\S)\S \S \S \S(?!\S)",
    re.IGNORECASE,
)
_CAMEL_AT_RE = re.compile(r"[a-z0-9](?:AT|DOT)[a-z0-9]")
_PLATFORM_WORD_SET = frozenset(PLATFORM_WORDS) | {"cash", "whats"}


@dataclass(frozen=True)
class _Views:
    base: TextView
    words: list[str]


def _tokens(lowered: str) -> list[str]:
    return TOKEN_RE.findall(lowered)


def needs_address_scan(text: str, words: Iterable[str]) -> bool:
    return (
        _ADDRESS_TRIGGER_RE.search(text) is not None
        or _CAMEL_AT_RE.search(text) is not None
        or not _PLATFORM_WORD_SET.isdisjoint(words)
    )


def scan_phones(base: TextView, words: list[str]) -> list[Finding]:
    text = base.text
    digit_count = len(text) - len(text.translate(_DELETE_DIGITS))
    phone_view = build_phone_view(base)
    if digit_count < 5 and not phone_view.obfuscated:
        return []
    has_phone_word = message_has_phone_word(text)
    excluded = url_spans(text)
    findings = []
    for hit in find_phones(phone_view, has_phone_word):
        start, end = phone_view.view.to_original(hit.start, hit.end)
        if any(s <= start and end <= e for s, e in excluded) and not phone_view.is_obfuscated(hit.start, hit.end):
            continue
        findings.append(Finding("phone", start, end, hit.match.e164, hit.rule, hit.reason))
    return findings


def scan_addresses(base: TextView, words: list[str], allowed_hosts: tuple[str, ...]) -> list[Finding]:
    view: AddressView = build_address_view(base)
    text = view.view.text
    findings: list[Finding] = []
    for link in find_links(view, allowed_hosts):
        start, end = view.view.to_original(link.start, link.end)
        findings.append(Finding("link", start, end, link.value, f"link.{link.platform}",
                                f"links to a {link.platform.replace('_', ' ').title()} page, a way to talk or pay outside Gigbox"))
    for email in find_emails(view, words, allowed_hosts):
        start, end = view.view.to_original(email.start, email.end)
        findings.append(Finding(email.kind, start, end, email.value, email.rule, email.reason))
    for email in find_named_provider_accounts(text, allowed_hosts):
        start, end = view.view.to_original(email.start, email.end)
        findings.append(Finding(email.kind, start, end, email.value, email.rule, email.reason))
    for handle in find_handles(text):
        start, end = view.view.to_original(handle.start, handle.end)
        findings.append(Finding("handle", start, end, handle.value, handle.rule, handle.reason))
    return findings


def scan_message(text: str, allowed_hosts: tuple[str, ...]) -> list[Finding]:
    """All findings of one message on its own (unresolved, may overlap)."""
    base = normalize(text)
    words = _tokens(base.text.lower())
    findings = scan_phones(base, words)
    if needs_address_scan(base.text, words):
        findings.extend(scan_addresses(base, words, allowed_hosts))
    return findings


def resolve(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Keep the best of overlapping findings; sort by position."""
    ordered = sorted(
        (f for f in findings if f.end > f.start),
        key=lambda f: (-(f.end - f.start), _PRIORITY[f.kind], not f.split, f.start),
    )
    kept: list[Finding] = []
    for f in ordered:
        if all(f.end <= k.start or k.end <= f.start for k in kept):
            kept.append(f)
    return tuple(sorted(kept, key=lambda f: f.start))


def scan(
    text: str,
    history: Sequence[str] | None = None,
    *,
    allowed_hosts: Iterable[str] = DEFAULT_ALLOWED_HOSTS,
) -> ScanResult:
    """Find contact details in ``text``.

    ``history``: earlier messages of the same sender in the conversation,
    oldest first; numbers and addresses split across them and ``text`` are
    found too (reported on the part inside ``text``, with ``split=True``).
    ``allowed_hosts``: the site's own hosts, whose links are never findings.
    """
    if not isinstance(text, str):
        raise TypeError(f"scan() needs a str, not {type(text).__name__}")
    hosts = tuple(h.lower() for h in allowed_hosts)
    findings = scan_message(text, hosts)
    if history:
        from .split import find_split  # late import: split builds on this module

        findings.extend(find_split(text, [h for h in history if isinstance(h, str)], hosts))
    resolved = resolve(findings)
    return ScanResult(text, mask(text, resolved), resolved)
