"""Messaging handles named next to a platform: "telegram @rahim.bd",
"wechat budi_santoso", "skype: live:.cid.123abc", "discord sam#1234".

A handle needs a platform word nearby: a bare "@sam" is a Gigbox mention and
"budi_santoso" alone is just a word. How sure we are depends on the token:
- "@name", or a token with a digit, "_" or an inner "." (handle-shaped):
  accepted after any platform word;
- a plain word ("logoking"): only after an identifier connector ("id",
  "username", ":"), after a copula ("is", "=") when the message says whose
  account it is ("my telegram is logoking") or asks to be contacted ("add me,
  telegram is logoking"), or, for platforms whose name is not an adjective in
  everyday speech, directly after the platform word; never when it is a
  common English word, a service noun ("Telegram bot", "Discord server") or
  something one says a platform *is* ("Telegram is blocked here", "my
  Instagram is private").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .common_words import COMMON_WORDS, describes_state
from .emails import _FILE_EXTENSIONS
from .fuzzy import fuzzy_platform
from .handle_copula import _AFTER_PLAIN_HANDLE, _NEXT_WORD_RE, _copula_names_handle
from .intent import NOT_HANDLES, is_refusal
from .platforms import AMBIGUOUS_PLATFORM_WORDS, JUXTAPOSED_HANDLE_PLATFORMS, PLATFORM_WORDS
from .words import DIGIT_WORDS


@lru_cache(maxsize=1024)
def _platform_re(present: frozenset[str]) -> re.Pattern[str]:
    """A pattern for just the platform words present in a message (much faster
    than one alternation of all of them, which every position would try)."""
    words = sorted(map(re.escape, present), key=len, reverse=True)
    # The two-word spellings go first: the alternation takes the first that
    # matches, and "whats" alone would leave "app" to be read as the handle.
    if "whats" in present:
        words.insert(0, r"whats\s?app")
    if "cash" in present:
        words.insert(0, r"cash\s?app")
    return re.compile(r"(?<![\w@.#$-])(" + "|".join(words) + r")(?![\w])", re.IGNORECASE)


_PLATFORM_WORD_SET = frozenset(PLATFORM_WORDS)
# Little words between a platform name and the handle.
_CONNECTOR_RE = re.compile(
    r"(?:\s*(?:'s|’s))?"
    r"(?P<conn>(?:\s*(?:[:=\-–>→/|,(\[]|\bid\b|\busername\b|\buser\s?name\b|\buser\b|\bhandle\b|\bname\b"
    r"|\baccount\b|\bacc\b|\bis\b|\bme\b|\bon\b|\bat\b|\badd\b|\bhai\b|\bh\b|\bé\b|\bes\b|\best\b|\bka\b"
    r"|\bno\b|\bda\b|\bdo\b|\bde\b|\bits\b|\bit's\b|\bit’s\b)){0,4})\s*",
    re.IGNORECASE,
)
# Connectors that say the next token is an identifier ("telegram id", "skype:").
_IDENTIFIER_CONNECTOR_RE = re.compile(
    r"[:>→]|\b(?:id|username|user\s?name|user|handle|name|account|acc)\b", re.IGNORECASE
)
# Copulas: "telegram is X" names a handle only as often as it describes the
# platform ("Telegram is blocked here"), so the message must say more.
_COPULA_CONNECTOR_RE = re.compile(r"=|\b(?:is|its|it's|it’s|hai|h|é|es|est)\b", re.IGNORECASE)
_HANDLE_TOKEN_RE = re.compile(r"(?:live:)?@?[\w](?:[\w.\-]{0,40}[\w])?")
_MENTION_RE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[\w.\-]{0,40}[\w])?)")
_SKYPE_LIVE_RE = re.compile(r"(?<![\w.])live:\.?[\w.\-]{3,60}", re.IGNORECASE)
_WXID_RE = re.compile(r"(?<![\w])wxid_[a-z0-9]{4,30}", re.IGNORECASE)
_DISCORD_TAG_RE = re.compile(r"(?<![\w.#])([A-Za-z][\w.]{1,31})#(\d{4})(?!\w)")
_CASHTAG_RE = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z0-9_]{1,19})(?!\w)")
_UNIT_LIKE_RE = re.compile(r"\d+(?:[a-z]{1,3})?|[a-z]{1,3}\d+|v?\d+(?:\.\d+)+", re.IGNORECASE)
_PRECEDING_WORD_RE = re.compile(r"([\w']+)\W*$")

# Before a platform word these make it an adjective: "a WhatsApp chatbot".
_DETERMINERS = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "your",
        "their",
        "his",
        "her",
        "our",
        "for",
        "with",
        "using",
        "build",
        "create",
        "make",
        "setup",
        "new",
        "custom",
    }
)
MENTION_WINDOW = 40
# Real messages name a platform a handful of times; past this many mentions
# the message is spam and only the first ones are examined (keeps it linear).
MAX_PLATFORM_MENTIONS = 64


@dataclass(frozen=True)
class HandleHit:
    start: int  # in the address view
    end: int
    platform: str
    handle: str
    rule: str
    reason: str

    @property
    def value(self) -> str:
        return f"{self.platform}:{self.handle}"


def _is_handle_shaped(token: str) -> bool:
    body = token.lstrip("@")
    letters = sum(c.isalpha() for c in body)
    if letters < 2 or _UNIT_LIKE_RE.fullmatch(body):
        return False
    return any(c.isdigit() for c in body) or "_" in body or "." in body.strip(".")


def _platform_id(word: str) -> str:
    word = "".join(word.lower().split())
    return PLATFORM_WORDS.get(word) or fuzzy_platform(word) or word


def _is_misspelt(word: str) -> bool:
    return "".join(word.lower().split()) not in _PLATFORM_WORD_SET and word.lower() not in (
        "cash app",
        "cashapp",
        "whats app",
    )


# Handle-shaped accounts after these everyday words are still accounts: "snap lily.draws"
# (a file name is not: "snap photo.jpg").
_SHAPED_AFTER_AMBIGUOUS = frozenset({"snap", "sc", "signal", "tele", "wa"})


def find_handles(text: str, words: frozenset[str]) -> list[HandleHit]:
    """``words``: the lower-cased tokens of ``text``."""
    hits = _ids_anywhere(text)
    present = _PLATFORM_WORD_SET.intersection(words)
    if "cash" in words:
        present = present | {"cash"}
    if "whats" in words:
        present = present | {"whats"}
    misspelt = frozenset(w for w in words if len(w) >= 4 and fuzzy_platform(w) is not None)
    present = present | misspelt
    if not present:
        return hits
    platforms = list(islice(_platform_re(frozenset(present)).finditer(text), MAX_PLATFORM_MENTIONS))
    if not platforms:
        return hits
    for p in platforms:
        hit = _handle_after(text, p)
        if hit is not None:
            hits.append(hit)
    hits.extend(_labelled_after_platform(text, platforms))
    hits.extend(_mentions_near_platforms(text, platforms))
    hits.extend(_handle_before_platform(text, platforms))
    hits.extend(_tags_of_named_platforms(text, platforms))
    if is_refusal(text):
        # "You asked for my Telegram: sorry, not allowed": a refusal names no plain-word account.
        hits = [
            h
            for h in hits
            if h.rule not in ("handle.plain_word", "handle.labelled") or not h.handle.isalpha()
        ]
    return hits


def _ids_anywhere(text: str) -> list[HandleHit]:
    """Skype "live:" and WeChat "wxid_" ids: their shape alone names the platform."""
    hits: list[HandleHit] = []
    lowered = text.lower()
    if "live:" in lowered:
        for m in _SKYPE_LIVE_RE.finditer(text):
            handle = m.group().rstrip(".")
            hits.append(
                HandleHit(
                    m.start(),
                    m.start() + len(handle),
                    "skype",
                    handle.lower(),
                    "handle.skype_live",
                    "looks like a Skype ID (live:...)",
                )
            )
    if "wxid_" in lowered:
        for m in _WXID_RE.finditer(text):
            hits.append(
                HandleHit(
                    m.start(),
                    m.end(),
                    "wechat",
                    m.group().lower(),
                    "handle.wechat_id",
                    "looks like a WeChat ID (wxid_...)",
                )
            )
    return hits


def _tags_of_named_platforms(text: str, platforms: list[re.Match[str]]) -> list[HandleHit]:
    """Discord "name#1234" and Cash App "$cashtag": ordinary text unless the platform is named."""
    hits: list[HandleHit] = []
    if "#" in text and any(_platform_id(p.group()) == "discord" for p in platforms):
        for m in _DISCORD_TAG_RE.finditer(text):
            hits.append(
                HandleHit(
                    m.start(),
                    m.end(),
                    "discord",
                    m.group().lower(),
                    "handle.discord_tag",
                    "looks like a Discord user tag (name#1234)",
                )
            )
    if "$" in text and any(_platform_id(p.group()) == "cashapp" for p in platforms):
        for m in _CASHTAG_RE.finditer(text):
            hits.append(
                HandleHit(
                    m.start(),
                    m.end(),
                    "cashapp",
                    m.group().lower(),
                    "handle.cashtag",
                    "looks like a Cash App $cashtag",
                )
            )
    return hits


def _handle_after(text: str, platform_m: re.Match[str]) -> HandleHit | None:
    """The handle right after a platform word ("telegram: @sam", "my skype is sam"), or None."""
    conn_m = _CONNECTOR_RE.match(text, platform_m.end())
    token_m = _HANDLE_TOKEN_RE.match(text, conn_m.end()) if conn_m is not None else None
    if conn_m is None or token_m is None:
        return None
    token = token_m.group()
    after = text[token_m.end() : token_m.end() + 2]
    if after[:1] in ("@", "/") or (after[:1] == "." and after[1:2].isalnum()):
        return None  # an email or a link: their own scanners judge it
    connector = conn_m.group("conn") or ""
    identifier = _IDENTIFIER_CONNECTOR_RE.search(connector) is not None
    copula = not identifier and _COPULA_CONNECTOR_RE.search(connector) is not None
    word = platform_m.group()
    squashed = re.sub(r"\s+", "", word.lower())
    # Everyday words ("line", "signal") name a platform only with a connector or an @name
    # ("snap lily.draws": or an account shaped like one).
    if (
        squashed in AMBIGUOUS_PLATFORM_WORDS
        and not (identifier or copula)
        and not token.startswith("@")
        and not (
            squashed in _SHAPED_AFTER_AMBIGUOUS
            and _is_handle_shaped(token)
            and token.rsplit(".", 1)[-1].lower() not in _FILE_EXTENSIONS
        )
    ):
        return None
    if _is_misspelt(word) and not (token.startswith("@") or _is_handle_shaped(token) or identifier):
        return None  # a misspelt name ("vibre") only names a handle-shaped or labelled account
    body = token.lstrip("@")
    if len(body) < 2 or token.lower().startswith("live:") or not _may_be_handle(body):
        return None  # "live:" ids have their own rule
    platform = _platform_id(word)
    rule = _handle_rule(text, platform_m, platform, connector, token_m, identifier, copula)
    if rule is None:
        return None
    return HandleHit(
        token_m.start(),
        token_m.end(),
        platform,
        body.lower(),
        rule,
        f"names a {platform.capitalize()} account ({body})",
    )


def _may_be_handle(body: str) -> bool:
    """Not a common word, a platform name, a number or a digit word."""
    lowered = body.lower()
    return not (
        lowered in COMMON_WORDS
        or lowered in NOT_HANDLES
        or lowered in PLATFORM_WORDS
        or body.isdigit()
        or lowered in DIGIT_WORDS
    )


def _handle_rule(
    text: str,
    platform_m: re.Match[str],
    platform: str,
    connector: str,
    token_m: re.Match[str],
    identifier: bool,
    copula: bool,
) -> str | None:
    """How sure the token is a handle: by its shape, or for a plain word by what surrounds it."""
    token = token_m.group()
    if token.startswith("@"):
        return "handle.at_name"
    if _is_handle_shaped(token):
        return "handle.after_platform"
    if not token.isalpha() or len(token) < 3 or describes_state(token.lower()):
        return None  # "my instagram is shadowbanned": what the account is, not its name
    if (
        identifier
        or (copula and _copula_names_handle(text, platform_m.start(), token_m.end()))
        or _juxtaposition_ok(text, platform_m, platform, connector, token_m.end())
    ):
        return "handle.plain_word"
    return None


def _juxtaposition_ok(
    text: str, platform_m: re.Match[str], platform: str, connector: str, token_end: int
) -> bool:
    if platform not in JUXTAPOSED_HANDLE_PLATFORMS or connector.strip() not in ("", "-", "/", ","):
        return False
    if platform == "line" and not connector.strip():
        return False
    nxt = _NEXT_WORD_RE.match(text, token_end)
    if nxt is not None and nxt.group(1) and nxt.group(1).lower() not in _AFTER_PLAIN_HANDLE:
        return False
    before = _PRECEDING_WORD_RE.search(text, max(0, platform_m.start() - 30), platform_m.start())
    return before is None or before.group(1).lower() not in _DETERMINERS


def _mentions_near_platforms(text: str, platforms: list[re.Match[str]]) -> list[HandleHit]:
    """ "@name" within a few words of an unambiguous platform name."""
    if "@" not in text:
        return []
    hits = []
    for m in _MENTION_RE.finditer(text):
        name = m.group(1)
        if len(name) < 2 or name.lower() in COMMON_WORDS:
            continue
        for p in platforms:
            word = re.sub(r"\s+", "", p.group().lower())
            if word in AMBIGUOUS_PLATFORM_WORDS and text[p.end() : m.start()].strip(" :-") != "":
                continue
            gap_before = m.start() - p.end()
            gap_after = p.start() - m.end()
            if 0 <= gap_before <= MENTION_WINDOW or 0 <= gap_after <= MENTION_WINDOW:
                platform = _platform_id(p.group())
                hits.append(
                    HandleHit(
                        m.start(),
                        m.end(),
                        platform,
                        name.lower(),
                        "handle.at_name",
                        f"names a {platform.capitalize()} account (@{name})",
                    )
                )
                break
    return hits


_BEFORE_PLATFORM_RE = re.compile(
    r"(@?[\w][\w.\-]{1,40}[\w])\s+(?:on|at|in|via|@|-)\s+$", re.IGNORECASE
)
# The cheap part of it, tried first on a few characters: most platform names
# are not preceded by "on"/"at"/"via", and the full pattern is costly to fail.
_CONNECTOR_BEFORE_RE = re.compile(r"\s(?:on|at|in|via|@|-)\s+$", re.IGNORECASE)


def _handle_before_platform(text: str, platforms: list[re.Match[str]]) -> list[HandleHit]:
    """ "budi_santoso on telegram"."""
    hits = []
    for p in platforms:
        if _CONNECTOR_BEFORE_RE.search(text, max(0, p.start() - 20), p.start()) is None:
            continue
        m = _BEFORE_PLATFORM_RE.search(text, max(0, p.start() - 50), p.start())
        if m is None:
            continue
        token = m.group(1)
        if token.startswith("@") or not _is_handle_shaped(token):
            continue  # @names are handled by _mentions_near_platforms
        if token.lower() in COMMON_WORDS:
            continue
        platform = _platform_id(p.group())
        hits.append(
            HandleHit(
                m.start(1),
                m.end(1),
                platform,
                token.lower(),
                "handle.before_platform",
                f"names a {platform.capitalize()} account ({token})",
            )
        )
    return hits


# "I added you on Skype, my ID is lily.wei.design", "Signal me, same handle: lilydraws":
# an identifier label a few words after the platform name, in the same sentence.
_LABELLED_RE = re.compile(
    r"[^.!?\n]{0,40}?\b(?:id|username|user\s?name|handle|acc(?:ount)?|nick(?:name)?)\b"
    r"\s*(?:is|:|=|-|→|>)?\s*(@?[\w](?:[\w.\-]{0,40}[\w])?)",
    re.IGNORECASE,
)


def _labelled_after_platform(text: str, platforms: list[re.Match[str]]) -> list[HandleHit]:
    hits = []
    for p in platforms:
        m = _LABELLED_RE.match(text, p.end())
        if m is None:
            continue
        token = m.group(1)
        body = token.lstrip("@")
        after = text[m.end(1) : m.end(1) + 2]
        if after[:1] in ("@", "/") or (after[:1] == "." and after[1:2].isalnum()):
            continue  # an email or a link: their own scanners judge it
        if len(body) < 2 or not _may_be_handle(body):
            continue
        if not (token.startswith("@") or _is_handle_shaped(token)):
            nxt = _NEXT_WORD_RE.match(text, m.end(1))
            if (
                not body.isalpha()
                or len(body) < 3
                or describes_state(body.lower())
                or (
                    nxt is not None
                    and nxt.group(1)
                    and nxt.group(1).lower() not in _AFTER_PLAIN_HANDLE
                )
            ):
                continue
        platform = _platform_id(p.group())
        hits.append(
            HandleHit(
                m.start(1),
                m.end(1),
                platform,
                body.lower(),
                "handle.labelled",
                f"names a {platform.capitalize()} account ({body})",
            )
        )
    return hits
