"""Email addresses (and UPI payment addresses, which look like them).

Works on the address view, one '@' at a time: the local part is read
backwards from the '@', the domain forwards, so the cost is linear in the
message whatever it contains. A domain must end in a real top-level domain
("gmail.com", "yahoo.co.in"); a bare provider name ("name@gmail") is
completed with its usual domain. Trailing labels after the TLD are dropped,
so "sam@gmail.com.Thanks" (a collapsed sentence break) stays sam@gmail.com.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from .addresses import STRONG, AddressView
from .common_words import COMMON_WORDS
from .tlds import IANA_TLDS

_LOCAL_RE = re.compile(r"[\w.%+-]{1,64}$")
_DOMAIN_RE = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63}){0,5}")

# Free mail providers and the domain "name@provider" stands for.
PROVIDERS: dict[str, str] = {
    "gmail": "gmail.com", "googlemail": "googlemail.com", "yahoo": "yahoo.com",
    "ymail": "ymail.com", "hotmail": "hotmail.com", "outlook": "outlook.com",
    "live": "live.com", "msn": "msn.com", "proton": "proton.me", "protonmail": "protonmail.com",
    "pm": "pm.me", "icloud": "icloud.com", "me": "me.com", "aol": "aol.com",
    "yandex": "yandex.ru", "zoho": "zoho.com", "gmx": "gmx.com", "mail": "mail.com",
    "rediffmail": "rediffmail.com", "rediff": "rediffmail.com", "qq": "qq.com",
    "163": "163.com", "tutanota": "tutanota.com", "fastmail": "fastmail.com",
    "hey": "hey.com", "rocketmail": "rocketmail.com", "web": "web.de",
    "libero": "libero.it", "orange": "orange.fr", "bol": "bol.com.br", "uol": "uol.com.br",
}
# Providers named on their own in "my gmail is samdesigns".
NAMED_PROVIDERS = frozenset(
    {"gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "proton", "protonmail",
     "icloud", "aol", "yandex", "zoho", "gmx", "rediffmail", "tutanota", "fastmail"}
)

# Indian UPI payment addresses: "name@ybl" moves the payment off the platform.
UPI_SUFFIXES = frozenset(
    """
    upi ybl ibl axl paytm apl okaxis okhdfcbank okicici oksbi okbizaxis axisbank icici sbi
    hdfcbank kotak yesbank ptyes pthdfc ptsbi ptaxis waicici wasbi wahdfcbank waaxis
    jupiteraxis fbl timecosmos freecharge ikwik airtel jio idfcbank federal barodampay
    """.split()
)

PROVIDERS_AND_UPI = frozenset(PROVIDERS) | UPI_SUFFIXES
# An '@' worth a closer look: a local-part character before it and, after it,
# a dotted domain or a bare provider / UPI name. Everything else ("@@@",
# "@sam", "a@b") is rejected at C speed. The match is the '@' alone (both
# sides are look-arounds): consuming the characters around it would hide the
# next '@' when the English "at" became one right before an address
# ("me at bob.b@x.com" -> "me@bob.b@x.com": a match of "e@bob.b" ate the "b"
# the real address needs before its '@').
_CANDIDATE_AT_RE = re.compile(
    r"(?<=[\w.%+-])@(?=[\w-]{1,63}(?:\.[\w-]{1,63}){0,4}\.[^\W\d_]|(?:" + "|".join(sorted(PROVIDERS_AND_UPI, key=len, reverse=True)) + r")\b)",
    re.IGNORECASE,
)
# A message with more plausible addresses than this is spam; the first ones
# are reported and the scan stays fast.
MAX_CANDIDATES = 64

GENERIC_TLDS = frozenset(
    """
    com net org edu gov mil int info biz io co me app dev ai xyz online site store shop tech pro
    name live email mail cloud page blog club design agency studio space website world today life
    news ltd llc company solutions services digital media network systems global group works
    academy art photography marketing consulting support link click top icu vip fun team email
    inc finance money pay bank social chat one how moe ninja rocks zone tv fm gg ly to ws
    """.split()
)

EMAIL_CONTEXT_WORDS = frozenset(
    """
    email emails e-mail mail mails gmail correo courriel e-posta surel emel imeil
    ईमेल मेल ای میل ایمیل بريد إيميل ايميل
    """.split()
)


@dataclass(frozen=True)
class EmailHit:
    start: int  # in the address view
    end: int
    kind: str  # "email" or "handle" (UPI)
    value: str
    rule: str
    reason: str


def _is_tld(label: str) -> bool:
    label = label.lower()
    return label in GENERIC_TLDS or (len(label) == 2 and label.isalpha() and label.isascii())


def _is_any_tld(label: str) -> bool:
    """Any real TLD, for a real '@' ("bob@x.museum", "bob@x.co.technology").

    A capitalised word is not taken for one: "sam@gmail.com.Love it" is a
    sentence break that lost its space, not the domain gmail.com.love.
    """
    return _is_tld(label) or (label.lower() in IANA_TLDS and not label[:1].isupper())


def _domain_with_tld(labels: list[str], is_tld: Callable[[str], bool] = _is_tld) -> int:
    """How many leading labels form the domain (0 when there is no TLD)."""
    best = 0
    for i in range(1, len(labels)):
        if is_tld(labels[i]):
            best = i + 1
        elif best:
            break
    return best


def find_emails(view: AddressView, message_words: Iterable[str], allowed_hosts: tuple[str, ...]) -> list[EmailHit]:
    text = view.view.text
    hits: list[EmailHit] = []
    has_email_word = not EMAIL_CONTEXT_WORDS.isdisjoint(message_words)
    last_end = 0
    for n, m in enumerate(_CANDIDATE_AT_RE.finditer(text)):
        if n >= MAX_CANDIDATES:
            break
        at = m.start()
        if at < last_end:
            continue
        hit = _email_at(view, text, at, has_email_word, allowed_hosts)
        if hit is not None:
            hits.append(hit)
            last_end = hit.end
    return hits


def _email_at(view: AddressView, text: str, at: int, has_email_word: bool,
              allowed_hosts: tuple[str, ...]) -> Optional[EmailHit]:
    local_m = _LOCAL_RE.search(text, max(0, at - 64), at)
    domain_m = _DOMAIN_RE.match(text, at + 1)
    if local_m is None or domain_m is None:
        return None
    if text.startswith("@", domain_m.end()):
        return None  # "sam at bob.b@x.com": what follows this '@' is the local part of the next address
    raw_local = local_m.group()
    trimmed = raw_local.lstrip(".-+")
    local_start = local_m.start() + (len(raw_local) - len(trimmed))
    local = trimmed.rstrip(".")
    if not local or not any(c.isalnum() for c in local):
        return None
    labels = domain_m.group().split(".")
    strong = view.at_strength.get(at, STRONG) == STRONG
    spelled_dot = any(at < p < domain_m.end() for p in view.dot_words)
    # After the English word "at" only everyday TLDs make an address.
    n = _domain_with_tld(labels, _is_any_tld if strong else _is_tld)
    first = labels[0].lower()
    if n:
        domain = ".".join(labels[:n]).lower()
        end = at + 1 + len(domain)
        rule = "email.plain" if strong and not spelled_dot else "email.at_dot"
    elif first in PROVIDERS and first not in ("me", "web", "live", "hey", "mail", "pm") or (
        first in PROVIDERS and strong
    ):
        domain = PROVIDERS[first]
        end = at + 1 + len(labels[0])
        rule = "email.no_tld"
    elif first in UPI_SUFFIXES and strong:
        value = f"upi:{local.lower()}@{first}"
        return EmailHit(local_start, at + 1 + len(labels[0]), "handle", value, "handle.upi",
                        "looks like a UPI payment address, which takes the payment off Gigbox")
    else:
        return None
    if any(domain == h or domain.endswith("." + h) for h in allowed_hosts):
        return None
    is_provider = first in PROVIDERS
    if not strong:
        if text.startswith("/", domain_m.end()):
            return None  # "pay sam at venmo.com/u/sam": the English "at" before a link
        lowered = local.lower()
        if len(lowered) < 3 or lowered in COMMON_WORDS:
            return None
        if not (is_provider or spelled_dot or has_email_word or re.search(r"[._0-9]", lowered)):
            return None
        if rule == "email.plain":
            rule = "email.at_dot"
    value = f"{local.lower()}@{domain}"
    reason = f"looks like the email address {value}"
    if rule != "email.plain":
        reason += " written in a disguised form"
    return EmailHit(local_start, end, "email", value, rule, reason)


_NAMED_PROVIDER_RE = re.compile(
    r"\b(" + "|".join(sorted(NAMED_PROVIDERS, key=len, reverse=True)) + r")\b"
    r"(?:\s+(?:id|account|address|acc|mail))?"
    r"\s*(?:is|:|-|=|hai|h|é|es|est|ka)?\s*:?\s*"
    r"([a-z0-9][a-z0-9._-]{2,63})\b(?!\s*(?:@|at\b|\(|\[|\{))",
    re.IGNORECASE,
)


def find_named_provider_accounts(text: str, words: frozenset[str]) -> list[EmailHit]:
    """ "my gmail is samdesigns" / "gmail: sam.designs" -> samdesigns@gmail.com."""
    hits: list[EmailHit] = []
    if NAMED_PROVIDERS.isdisjoint(words):
        return hits
    for m in _NAMED_PROVIDER_RE.finditer(text):
        name = m.group(2).rstrip(".-")
        lowered = name.lower()
        if lowered in COMMON_WORDS or lowered in NAMED_PROVIDERS or len(name) < 3:
            continue
        if not re.search(r"[a-z]", lowered):
            continue
        domain = PROVIDERS[m.group(1).lower()]
        value = f"{lowered}@{domain}"
        hits.append(EmailHit(m.start(2), m.start(2) + len(name), "email", value, "email.provider_name",
                             f"names a {m.group(1)} account, i.e. the email address {value}"))
    return hits
