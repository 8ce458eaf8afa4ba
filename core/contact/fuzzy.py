"""Platform names misspelt on purpose or by accident: "tweeter", "telegarm", "whatsaap".

A word within two edits (insert, delete, substitute, swap two neighbours) of a
platform name of six letters or more, or one edit of a five-letter name,
reads as that platform; the first letter must match, as it does in nearly
every misspelling. Everyday words that happen to be that close ("discard",
"twister", "fiber", "pascal") are excluded. A misspelt name is weaker than
the real one: it only names an account shaped like a handle ("@lily_draws",
"lily.draws", a labelled id) and only counts as a phone word before a number.
"""

from __future__ import annotations

from functools import lru_cache

from .common_words import COMMON_WORDS
from .platforms import AMBIGUOUS_PLATFORM_WORDS, PLATFORM_WORDS

# canonical name -> platform id
_NAMES = {
    "whatsapp": "whatsapp",
    "telegram": "telegram",
    "instagram": "instagram",
    "snapchat": "snapchat",
    "facebook": "facebook",
    "twitter": "twitter",
    "discord": "discord",
    "linkedin": "linkedin",
    "wechat": "wechat",
    "tiktok": "tiktok",
    "paypal": "paypal",
    "skype": "skype",
    "viber": "viber",
    "signal": "signal",
    "messenger": "facebook",
}
MESSAGING = frozenset({"whatsapp", "telegram", "viber", "signal", "wechat", "skype"})
# Real words (and names) within reach of a platform name.
_NOT_PLATFORMS = frozenset(
    [
        "discard", "discords", "discos", "twister", "twisted", "twitted", "titter", "jitter",
        "litter", "fiber", "viper", "vibes", "vibe", "liber", "wiser", "sniper", "skate",
        "swipe", "spike", "signals", "single", "sigma", "design", "resign", "pascal",
        "paypals", "telegraph", "telegrams", "hologram", "kilogram", "whatsup", "whats",
        "wheat", "rechat", "wechats", "tiptop", "ticktock", "tiktoks", "facebooks",
        "linkedins", "snapshot", "snapchats", "skyped", "skypes", "messages", "message",
        "messaging", "passenger", "messager", "instagrams", "twitters", "linked", "payday",
        "paywall", "papal", "papa", "disco", "webcam"
    ]
)  # fmt: skip
# Names with many everyday words two edits away ("signed", "signs"): one edit only.
_ONE_EDIT = frozenset({"signal"})
_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _name in _NAMES:
    _BY_FIRST[_name[0]] = (*_BY_FIRST.get(_name[0], ()), _name)


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, or ``limit + 1`` once it is exceeded."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


# Digits and symbols written for the letters they look like: "t3l3gr4m", "1nst4gram", "disc0rd".
_LEET = str.maketrans("0134579@$!", "oieastgasi")


@lru_cache(maxsize=16384)
def fuzzy_platform(word: str) -> str | None:
    """The platform id a misspelt ``word`` (lower case) stands for, or None; a word with
    digits or symbols for letters ("tw1tter") is read with its letters put back.

    Exact names are not this function's business (platforms.PLATFORM_WORDS).
    """
    if not 4 <= len(word) <= 12 or word in _NAMES or word.isdigit():
        return None
    if not word.isalpha():
        return _leet_platform(word)
    return _misspelt_platform(word)


def _leet_platform(word: str) -> str | None:
    letters = sum(c.isalpha() for c in word)
    plain = word.translate(_LEET)
    if letters < 3 or letters * 2 < len(word) or not plain.isalpha():
        return None
    exact = PLATFORM_WORDS.get(plain)
    if exact is not None and len(plain) >= 4 and plain not in AMBIGUOUS_PLATFORM_WORDS:
        return exact
    return _misspelt_platform(plain) if plain not in _NAMES else _NAMES[plain]


def _misspelt_platform(word: str) -> str | None:
    if word in COMMON_WORDS or word in _NOT_PLATFORMS:
        return None
    for name in _BY_FIRST.get(word[0], ()):
        limit = 2 if len(name) >= 6 and name not in _ONE_EDIT else 1
        if (
            abs(len(word) - len(name)) > limit
            or sum(c in name for c in word) < len(name) - 2 * limit
        ):
            continue  # cheap: too few of the name's letters
        if _distance(word, name, limit) <= limit:
            return _NAMES[name]
    return None


@lru_cache(maxsize=16384)
def fuzzy_messaging(word: str) -> bool:
    """Is ``word`` a misspelt messaging app (a phone word before a number)?"""
    return fuzzy_platform(word) in MESSAGING
