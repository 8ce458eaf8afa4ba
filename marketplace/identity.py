"""Reserved identities: nobody signs up or calls themselves Gigbox, support or staff.

Names are compared by a confusable skeleton in the spirit of Unicode TR39: NFKC (full-width
and compatibility forms), case folding, accents dropped, then the look-alikes attackers use
for Latin letters (Cyrillic and Greek homoglyphs, dotless i, small capitals, digits for
letters, "rn" for "m") folded onto them. `gıgbox`, `ＧＩＧＢＯＸ` and `G1GB0X` share the
skeleton `gigbox`. The map is ours, not the full confusables.txt: it covers the Latin
letters of the reserved words, which is what the check needs (docs/reliability.md).

Used by sign-up (moderation.auth.AccountAdapter.clean_username) and by seller profiles
(SellerProfile.clean, so the profile form and the services refuse alike).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

__all__ = [
    "RESERVED_NAMES",
    "RESERVED_WORDS",
    "is_reserved_name",
    "reject_reserved_name",
    "skeleton",
]

# Look-alikes of Latin letters, after NFKC and case folding.
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "ԁ": "d", "ѕ": "s",
        "т": "t", "у": "y", "х": "x", "ԛ": "q", "ԝ": "w", "ь": "b", "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
        # Latin variants and small capitals
        "ı": "i", "ȷ": "j", "ɢ": "g", "ʙ": "b", "ɪ": "i", "ᴏ": "o", "ꜱ": "s", "ᴛ": "t",
        "ᴜ": "u", "ᴀ": "a", "ᴅ": "d", "ᴇ": "e", "ᴍ": "m", "ɴ": "n", "ʀ": "r", "ᴘ": "p",
        "ł": "l", "ø": "o", "đ": "d", "ß": "ss",
        # Digits and signs used as letters
        "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "|": "l",
        "$": "s", "@": "a", "&": "and",
    }
)  # fmt: skip
_MULTI = (("rn", "m"), ("vv", "w"), ("cl", "d"))

# A name whose skeleton contains one of these is the site's or its safety team's.
RESERVED_FRAGMENTS = ("gigbox", "trustandsafety", "trustsafety", "trustnsafety")
# A name with one of these as a word of its own sounds like staff ("Tech Support", "admin_2").
RESERVED_WORDS = frozenset(
    {"admin", "administrator", "moderator", "moderators", "support", "staff", "official"}
)
# A name that is only one of these (whole) is a system or team name; as a word inside a
# longer name they are ordinary ("Security Camera Installs").
RESERVED_NAMES = RESERVED_WORDS | {"mod", "system", "security", "safety", "helpdesk", "root"}


def _folded(text: str) -> str:
    """NFKC, case folded, without combining marks, with look-alikes mapped to Latin."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    text = text.translate(_CONFUSABLES)
    for pair, letter in _MULTI:
        text = text.replace(pair, letter)
    return text


def skeleton(text: str) -> str:
    """The letters and digits `text` looks like: `ＧıɢB0X` is `gigbox`."""
    return "".join(ch for ch in _folded(text) if ch.isalnum())


def is_reserved_name(name: str) -> bool:
    """True when `name` (a username or display name) could pass for Gigbox or its staff."""
    folded = _folded(name)
    joined = "".join(ch for ch in folded if ch.isalnum())
    if any(fragment in joined for fragment in RESERVED_FRAGMENTS):
        return True
    words = [word for word in re.split(r"[\W_]+", folded) if word]
    return joined in RESERVED_NAMES or any(word in RESERVED_WORDS for word in words)


def reject_reserved_name(name: str) -> None:
    """ValidationError when `name` is reserved (see is_reserved_name)."""
    if is_reserved_name(name):
        raise ValidationError(
            "This name is reserved: it could be mistaken for Gigbox or its staff.",
            code="reserved",
        )
