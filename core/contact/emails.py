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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from .addresses import STRONG, AddressView
from .common_words import CLOSING_WORDS, COMMON_WORDS, describes_state
from .context_words import SUPPRESS_CONTEXT_WORDS
from .tlds import IANA_TLDS

_LOCAL_RE = re.compile(r"[\w.%+-]{1,64}$")
_DOMAIN_RE = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63}){0,5}")

# Free mail providers and the domain "name@provider" stands for.
PROVIDERS: dict[str, str] = {
    "gmail": "gmail.com",
    "googlemail": "googlemail.com",
    "yahoo": "yahoo.com",
    "ymail": "ymail.com",
    "hotmail": "hotmail.com",
    "outlook": "outlook.com",
    "live": "live.com",
    "msn": "msn.com",
    "proton": "proton.me",
    "protonmail": "protonmail.com",
    "pm": "pm.me",
    "icloud": "icloud.com",
    "me": "me.com",
    "aol": "aol.com",
    "yandex": "yandex.ru",
    "zoho": "zoho.com",
    "gmx": "gmx.com",
    "mail": "mail.com",
    "rediffmail": "rediffmail.com",
    "rediff": "rediffmail.com",
    "qq": "qq.com",
    "163": "163.com",
    "tutanota": "tutanota.com",
    "fastmail": "fastmail.com",
    "hey": "hey.com",
    "rocketmail": "rocketmail.com",
    "web": "web.de",
    "libero": "libero.it",
    "orange": "orange.fr",
    "bol": "bol.com.br",
    "uol": "uol.com.br",
}
# Providers named on their own in "my gmail is samdesigns".
NAMED_PROVIDERS = frozenset(
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
        "tutanota",
        "fastmail",
    }
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
    r"(?<=[\w.%+-])@(?=[\w-]{1,63}(?:\.[\w-]{1,63}){0,4}\.[^\W\d_]|(?:"
    + "|".join(sorted(PROVIDERS_AND_UPI, key=len, reverse=True))
    + r")\b)",
    re.IGNORECASE,
)
# A message with more plausible addresses than this is spam; the first ones
# are reported and the scan stays fast.
MAX_CANDIDATES = 64

GENERIC_TLDS = frozenset(
    """
    com net org edu gov mil int info biz io co me app dev ai xyz online site store shop tech
    pro name live email mail cloud page blog club design agency studio space website world
    today life news ltd llc company solutions services digital media network systems global
    group works academy art photography marketing consulting support link click top icu vip
    fun team email inc finance money pay bank social chat one how moe ninja rocks zone tv fm
    gg ly to ws
    """.split()
)

EMAIL_CONTEXT_WORDS = frozenset(
    [
        "email",
        "emails",
        "e-mail",
        "mail",
        "mails",
        "gmail",
        "correo",
        "courriel",
        "e-posta",
        "surel",
        "emel",
        "imeil",
        "ईमेल",
        "मेल",
        "ای",
        "میل",
        "ایمیل",
        "بريد",
        "إيميل",
        "ايميل",
    ]
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


def find_emails(
    view: AddressView, message_words: Iterable[str], allowed_hosts: tuple[str, ...]
) -> list[EmailHit]:
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


class _Domain(NamedTuple):
    name: str  # lower case, completed for a bare provider ("gmail" -> "gmail.com")
    end: int  # in the address view
    rule: str
    rare_tld: bool  # a TLD outside the everyday ones ("berlin", "photography")


def _email_at(
    view: AddressView, text: str, at: int, has_email_word: bool, allowed_hosts: tuple[str, ...]
) -> EmailHit | None:
    """The address around the '@' at ``at`` of the address view, or None.

    Read outwards from the '@' (linear whatever the message holds): the
    local part backwards, the domain forwards; then, for the English word
    "at", the extra evidence a spoken address needs.
    """
    domain_m = _DOMAIN_RE.match(text, at + 1)
    if domain_m is None or text.startswith("@", domain_m.end()):
        # "sam at bob.b@x.com": what follows this '@' is the local part of the next address
        return None
    local_part = _local_part(text, at)
    if local_part is None:
        return None
    local_start, local = local_part
    labels = domain_m.group().split(".")
    strong = view.at_strength.get(at, STRONG) == STRONG
    spelled_dot = any(at < p < domain_m.end() for p in view.dot_words)
    first = labels[0].lower()
    if first in UPI_SUFFIXES and strong and not _domain_with_tld(labels, _is_any_tld):
        value = f"upi:{local.lower()}@{first}"
        return EmailHit(
            local_start,
            at + 1 + len(labels[0]),
            "handle",
            value,
            "handle.upi",
            "looks like a UPI payment address, which takes the payment off Gigbox",
        )
    domain = _read_domain(labels, at, strong, spelled_dot)
    if domain is None or any(
        domain.name == h or domain.name.endswith("." + h) for h in allowed_hosts
    ):
        return None
    rule = domain.rule
    if not strong:
        if text.startswith("/", domain_m.end()):
            return None  # "pay sam at venmo.com/u/sam": the English "at" before a link
        if not _spoken_address_ok(
            text, local_start, local, first, domain, spelled_dot, has_email_word
        ):
            return None
        if rule == "email.plain":
            rule = "email.at_dot"
    value = f"{local.lower()}@{domain.name}"
    reason = f"looks like the email address {value}"
    if rule != "email.plain":
        reason += " written in a disguised form"
    return EmailHit(local_start, domain.end, "email", value, rule, reason)


def _local_part(text: str, at: int) -> tuple[int, str] | None:
    """Start and text of the local part before the '@', read backwards (at most 64 characters).

    Leading ".-+" and a trailing "." are sentence punctuation, not address.
    """
    local_m = _LOCAL_RE.search(text, max(0, at - 64), at)
    if local_m is None:
        return None
    raw = local_m.group()
    trimmed = raw.lstrip(".-+")
    local = trimmed.rstrip(".")
    if not local or not any(c.isalnum() for c in local):
        return None
    return local_m.start() + (len(raw) - len(trimmed)), local


def _read_domain(labels: list[str], at: int, strong: bool, spelled_dot: bool) -> _Domain | None:
    """The domain after the '@': labels up to a real TLD, or a bare provider name.

    After a real '@' any IANA TLD counts; after the English "at" only an
    everyday one, unless the dot was spelled out too ("hello at samstudio
    dot berlin"): saying "dot" is as deliberate as typing '@'.
    """
    n = _domain_with_tld(labels, _is_any_tld if strong or spelled_dot else _is_tld)
    first = labels[0].lower()
    if n:
        name = ".".join(labels[:n]).lower()
        rule = "email.plain" if strong and not spelled_dot else "email.at_dot"
        rare = not _is_tld(labels[n - 1])
        return _Domain(name, at + 1 + len(name), rule, rare)
    # "me", "web", "live", "hey", "mail", "pm" are providers only after a real '@'.
    if first in PROVIDERS and (strong or first not in ("me", "web", "live", "hey", "mail", "pm")):
        return _Domain(PROVIDERS[first], at + 1 + len(labels[0]), "email.no_tld", False)
    return None


# Mailboxes named after a role, common words that are still a local part
# when an address is clearly being given ("email hello at sam dot studio").
_ROLE_LOCAL_PARTS = frozenset(
    [
        "hello",
        "hi",
        "info",
        "contact",
        "support",
        "team",
        "office",
        "mail",
        "sales",
        "admin",
        "studio",
    ]
)
# "we met at google dot io": after a subject pronoun the word before "at" is a verb.
_SUBJECT_PRONOUNS = frozenset(
    ["i", "we", "you", "they", "he", "she", "who", "i'm", "we're", "you're", "they're"]
)
_WORD_BEFORE_RE = re.compile(r"([\w']+)\s+$")


def _spoken_address_ok(
    text: str,
    local_start: int,
    local: str,
    provider: str,
    domain: _Domain,
    spelled_dot: bool,
    has_email_word: bool,
) -> bool:
    """Does "<local> at <domain>" give an address rather than say where someone is?

    The English "at" needs more: a provider domain, a spelled-out dot, an
    email word in the message or a local part shaped like one (". _" or
    digits); the local part must not be an everyday word ("look at
    google.com") nor a verb after a pronoun ("we met at google dot io").
    A rare TLD ("dot berlin") needs a spelled dot and one more of those.
    """
    lowered = local.lower()
    shaped = re.search(r"[._0-9]", lowered) is not None
    is_provider = provider in PROVIDERS
    clearly_mail = spelled_dot and (is_provider or has_email_word)
    if lowered in COMMON_WORDS:
        if not (clearly_mail and lowered in _ROLE_LOCAL_PARTS):
            return False
    elif len(lowered) < 3 and not clearly_mail:
        return False  # "rk at protonmail dot ch" only when it is clearly an address
    before = _WORD_BEFORE_RE.search(text, max(0, local_start - 20), local_start)
    if before is not None and before.group(1).lower() in _SUBJECT_PRONOUNS:
        return False
    if domain.rare_tld:
        return spelled_dot and (is_provider or has_email_word or shaped)
    return is_provider or spelled_dot or has_email_word or shaped


_NAMED_PROVIDER_RE = re.compile(
    r"\b(" + "|".join(sorted(NAMED_PROVIDERS, key=len, reverse=True)) + r")\b"
    r"(?:\s+(?:id|account|address|acc|mail))?"
    r"(?P<conn>\s*(?:is|:|-|=|hai|h|é|es|est|ka)?\s*:?)\s*"
    r"([a-z0-9][a-z0-9._-]{2,63})\b(?!\s*(?:@|at\b|\(|\[|\{))",
    re.IGNORECASE,
)
# "sam_designs gmail", "priya.k yahoo.com", "john88 gmail dot com" (the dot
# already folded by the address view): the provider after the name.
_NAME_THEN_PROVIDER_RE = re.compile(
    r"(?<![\w@.%+-])([a-z0-9][a-z0-9._-]{1,63})\s+("
    + "|".join(sorted(NAMED_PROVIDERS, key=len, reverse=True))
    + r")(?:\.com|\s+com)?\b(?![\'’.@]\w|\s*@)",
    re.IGNORECASE,
)
_NEXT_WORD_RE = re.compile(r"[^\S\n]*([\w']+)?")
_OWNER_BEFORE_RE = re.compile(r"\b(?:my|our|mera|meri|mi|meu|minha|mon)\s+$", re.IGNORECASE)
_EMAIL_WORD_BEFORE_RE = re.compile(
    r"\b(?:"
    + "|".join(sorted(map(re.escape, EMAIL_CONTEXT_WORDS), key=len, reverse=True))
    + r")\b(?:\s+me)?\W{0,3}$",
    re.IGNORECASE,
)


def _closes_sentence(text: str, end: int) -> bool:
    """Nothing but the end of the sentence or a sign-off word ("pls", "thanks") follows."""
    nxt = _NEXT_WORD_RE.match(text, end)
    return nxt is None or not nxt.group(1) or nxt.group(1).lower() in CLOSING_WORDS


def _account_name(name: str) -> str | None:
    """``name`` lower-cased if it can be the local part of an address, else None."""
    lowered = name.rstrip(".-").lower()
    if (
        len(lowered) < 3
        or lowered in COMMON_WORDS
        or lowered in NAMED_PROVIDERS
        or not re.search(r"[a-z]", lowered)
    ):
        return None
    if re.fullmatch(r"v?\d+(?:\.\d+)+|\d+[a-z]{1,3}", lowered):
        return None  # a version or a quantity ("2.0", "3pcs")
    return lowered


# A name ending in one of these is a file ("logo_v2.png gmail": sent by gmail).
_FILE_EXTENSIONS = frozenset(
    """
    png jpg jpeg gif svg webp pdf psd ai eps doc docx xls xlsx ppt pptx txt csv zip rar mp3
    mp4 mov wav fig sketch
    """.split()
)


def _is_file_or_reference(name: str) -> bool:
    """ "logo_v2.png", "order_123", "inv-2024": a file or a labelled id, not somebody's mailbox."""
    parts = re.split(r"[._-]", name.lower())
    return parts[-1] in _FILE_EXTENSIONS or parts[0] in SUPPRESS_CONTEXT_WORDS


def _shaped_like_account(name: str) -> bool:
    """ "sam_designs", "priya.k", "john88": not a word of the sentence."""
    return (
        "_" in name
        or "." in name.strip(".")
        or (any(c.isdigit() for c in name) and any(c.isalpha() for c in name))
    )


def find_named_provider_accounts(text: str, words: frozenset[str]) -> list[EmailHit]:
    """An address at the provider: "my gmail is samdesigns", "gmail: sam.designs",
    "sam_designs gmail"."""
    if NAMED_PROVIDERS.isdisjoint(words):
        return []
    return _provider_then_name(text) + _name_then_provider(text)


def _provider_then_name(text: str) -> list[EmailHit]:
    """ "my gmail is samdesigns" / "gmail: sam.d".

    A plain word after the provider is an account name only when a
    connector or "my" introduces it and it closes the sentence: "check your
    gmail inbox", "my gmail account is locked", "outlook calendar" are talk
    about the provider.
    """
    hits: list[EmailHit] = []
    for m in _NAMED_PROVIDER_RE.finditer(text):
        name = m.group(3).rstrip(".-")
        lowered = _account_name(name)
        if lowered is None:
            continue
        if not _shaped_like_account(name):
            introduced = bool(m.group("conn").strip()) or _OWNER_BEFORE_RE.search(
                text, max(0, m.start() - 12), m.start()
            )
            if (
                not introduced
                or describes_state(lowered)
                or not _closes_sentence(text, m.start(3) + len(name))
            ):
                continue
        hits.append(_provider_hit(m.start(3), m.start(3) + len(name), lowered, m.group(1)))
    return hits


def _name_then_provider(text: str) -> list[EmailHit]:
    """ "sam_designs gmail", "my email: samdesigns gmail": the provider after the name.

    The name must look like an account ("_", inner ".", letters and digits)
    or follow an email word ("email samdesigns gmail"), and the provider
    must close the sentence: "I use gmail", "the gmail logo", "sync with
    yahoo finance" are not addresses.
    """
    hits: list[EmailHit] = []
    for m in _NAME_THEN_PROVIDER_RE.finditer(text):
        name = m.group(1)
        lowered = _account_name(name)
        if lowered is None or _is_file_or_reference(lowered) or not _closes_sentence(text, m.end()):
            continue
        if not _shaped_like_account(name) and (
            describes_state(lowered)
            or _EMAIL_WORD_BEFORE_RE.search(text, max(0, m.start() - 20), m.start()) is None
        ):
            continue
        hits.append(_provider_hit(m.start(1), m.end(), lowered.rstrip("."), m.group(2)))
    return hits


def _provider_hit(start: int, end: int, name: str, provider: str) -> EmailHit:
    value = f"{name}@{PROVIDERS[provider.lower()]}"
    return EmailHit(
        start,
        end,
        "email",
        value,
        "email.provider_name",
        f"names a {provider} account, i.e. the email address {value}",
    )
