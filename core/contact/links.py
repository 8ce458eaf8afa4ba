"""Links to messaging, social and payment hosts (wa.me/..., t.me/..., paypal.me/...).

Runs on the address view, so "t dot me slash name" and "w a . m e / 9 1..."
arrive here as "t.me/name" and "wa.me/91...". Any host-looking token is read
with one linear pattern, then looked up in ``CONTACT_HOSTS``. A bare host
("I sell on instagram.com") is not a contact detail; a host with a path that
names a person, group or payment page is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .addresses import WEAK, AddressView
from .platforms import CONTACT_HOSTS, PROFILE_PATH_PREFIXES

_URL_BODY = (
    r"(?:(?:https?|hxxps?)://)?(?:www\.)?"
    r"(?P<host>[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63}){1,4})"
    r"(?::\d{1,5})?"
    r"(?P<path>/[^\s<>\"'`]{0,300})?"
)
_URL_RE = re.compile(r"(?<![\w@.-])" + _URL_BODY, re.IGNORECASE)
# Right after an '@' that was the English word "at": "pay at paypal.me/sam".
_URL_AFTER_AT_RE = re.compile(_URL_BODY, re.IGNORECASE)
_HOST_HINT_RE = re.compile(r"[A-Za-z0-9]\.[A-Za-z]")
_TRAILING_PUNCT = ".,;:!?)]}'\""
# Paths that are pages of the site itself, not somebody's profile.
_NON_PERSONAL_PATHS = frozenset(
    {"", "/", "/home", "/about", "/help", "/login", "/signup", "/explore", "/download"}
)


@dataclass(frozen=True)
class LinkHit:
    start: int  # in the address view
    end: int
    platform: str
    value: str


def _contact_platform(host: str) -> str | None:
    """Platform of ``host`` or of the contact host it is a subdomain of."""
    labels = host.lower().split(".")
    for i in range(len(labels) - 1):
        platform = CONTACT_HOSTS.get(".".join(labels[i:]))
        if platform is not None:
            return platform
    return None


def is_allowed_host(host: str, allowed_hosts: tuple[str, ...]) -> bool:
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    if host in ("localhost", "127.0.0.1"):
        return True
    return any(host == h or host.endswith("." + h) for h in allowed_hosts)


# A contact host whose dot was replaced ("paypal me/sam", "wa-me/91...",
# "paypal•me/sam"): two labels, then a path. Read backwards from each '/'.
_BROKEN_HOST_BEFORE_SLASH_RE = re.compile(
    r"(?<![\w@.'-])(?P<a>[a-z0-9-]{1,30})(?:\s*[-,]\s*|\s+)(?P<b>[a-z]{2,6})$", re.IGNORECASE
)
_PATH_RE = re.compile(r"/[^\s<>\"'`]{0,300}")
_MAX_SLASHES = 16


def _link(start: int, host: str, path_start: int, raw_path: str) -> LinkHit | None:
    """A finding for ``host`` + ``raw_path`` if it is a contact page, else None."""
    platform = _contact_platform(host)
    if platform is None:
        return None
    path = raw_path.rstrip(_TRAILING_PUNCT)
    if path.lower().rstrip("/") in _NON_PERSONAL_PATHS or len(path.strip("/")) < 2:
        return None
    prefixes = PROFILE_PATH_PREFIXES.get(platform)
    if prefixes is not None and not path.lower().startswith(prefixes):
        return None
    end = path_start + len(path) if path else path_start
    return LinkHit(start, end, platform, f"https://{host.lower()}{path}")


def _broken_host_links(text: str, allowed_hosts: tuple[str, ...]) -> list[LinkHit]:
    hits: list[LinkHit] = []
    slash = text.find("/")
    for _ in range(_MAX_SLASHES):
        if slash < 0:
            break
        if slash > 0 and text[slash - 1].isalpha():
            m = _BROKEN_HOST_BEFORE_SLASH_RE.search(text, max(0, slash - 40), slash)
            if m is not None:
                host = f"{m.group('a')}.{m.group('b')}".lower()
                if host in CONTACT_HOSTS and not is_allowed_host(host, allowed_hosts):
                    path = _PATH_RE.match(text, slash)
                    hit = _link(m.start(), host, slash, path.group() if path else "")
                    if hit is not None:
                        hits.append(hit)
        slash = text.find("/", slash + 1)
    return hits


def find_links(view: AddressView, allowed_hosts: tuple[str, ...]) -> list[LinkHit]:
    text = view.view.text
    hits = _broken_host_links(text, allowed_hosts) if "/" in text else []
    if "." not in text or _HOST_HINT_RE.search(text) is None:
        return hits
    matches = list(_URL_RE.finditer(text))
    for at, strength in view.at_strength.items():
        if strength == WEAK:
            m = _URL_AFTER_AT_RE.match(text, at + 1)
            if m is not None:
                matches.append(m)
    for m in matches:
        host = m.group("host")
        if is_allowed_host(host, allowed_hosts):
            continue
        if m.group("path"):
            hit = _link(m.start(), host, m.start("path"), m.group("path"))
        else:
            hit = _link(m.start(), host, m.end("host"), "")
        if hit is not None:
            hits.append(hit)
    return hits


def url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of anything URL-shaped with a path: digits inside are not phones."""
    spans = []
    if "/" not in text and "www." not in text.lower():
        return spans
    for m in _URL_RE.finditer(text):
        if m.group("path") or m.group().lower().startswith(("http", "www.")):
            spans.append((m.start(), m.end()))
    return spans
