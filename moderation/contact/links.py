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
from .platforms import CONTACT_HOSTS

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
_NON_PERSONAL_PATHS = frozenset({"", "/", "/home", "/about", "/help", "/login", "/signup", "/explore", "/download"})


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


def find_links(view: AddressView, allowed_hosts: tuple[str, ...]) -> list[LinkHit]:
    text = view.view.text
    if "." not in text or _HOST_HINT_RE.search(text) is None:
        return []
    hits: list[LinkHit] = []
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
        platform = _contact_platform(host)
        if platform is None:
            continue
        path = (m.group("path") or "").rstrip(_TRAILING_PUNCT)
        if path.lower().rstrip("/") in _NON_PERSONAL_PATHS or len(path.strip("/")) < 2:
            continue
        end = m.start("path") + len(path) if m.group("path") else m.end("host")
        value = f"https://{host.lower()}{path}"
        hits.append(LinkHit(m.start(), end, platform, value))
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
