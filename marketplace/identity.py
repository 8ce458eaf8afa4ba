"""Reserved identities: nobody signs up or calls themselves Gigbox, support or staff.

Names are compared by a confusable skeleton in the spirit of Unicode TR39: NFKC (full-width
and compatibility forms), case folding, accents dropped, then the look-alikes attackers use
for Latin letters (Cyrillic and Greek homoglyphs, dotless i, small capitals, digits for
letters, "rn" for "m") folded onto them. `gıgbox`, `ＧＩＧＢＯＸ` and `G1GB0X` share the
skeleton `gigbox`. The map is ours, not the full confusables.txt: it covers the Latin
letters of the reserved words, which is what the check needs (docs/reliability.md).

Invisible format characters (Unicode category Cf: bidi controls, zero-width, soft hyphen)
are refused in names outright: U+202E made "Gigbox Trust & Safety" out of reversed text the
reserved check could not read. The skeleton drops them too.

A new username whose look-alike key (`lookalike_key`: the skeleton with i and l merged, since
a capital I passes for l) equals an existing user's is refused: `sеller` (Cyrillic е),
`ѕeller` and `seIler` next to `seller`. The key is stored on the user (indexed) so the check
is one lookup.

Used by sign-up (moderation.auth.AccountAdapter.clean_username), by User.clean (any username
change) and by seller profiles (SellerProfile.clean, so the profile form and the services
refuse alike).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

__all__ = [
    "RESERVED_NAMES",
    "RESERVED_WORDS",
    "check_new_username",
    "is_reserved_name",
    "lookalike_key",
    "reject_format_characters",
    "reject_lookalike_username",
    "reject_name",
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
# Combining marks (accents) and format characters (bidi controls, zero-width): not letters.
_DROPPED_CATEGORIES = frozenset({"Mn", "Cf"})

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
        ch
        for ch in unicodedata.normalize("NFD", text)
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES
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


def reject_format_characters(name: str) -> None:
    """ValidationError when `name` holds an invisible format character (category Cf)."""
    if any(unicodedata.category(ch) == "Cf" for ch in name):
        raise ValidationError(
            "Names cannot contain invisible or text-direction characters "
            "(such as right-to-left marks or zero-width spaces).",
            code="format_character",
        )


def reject_name(name: str) -> None:
    """The checks every username and display name passes: no format characters, not reserved."""
    reject_format_characters(name)
    reject_reserved_name(name)


def lookalike_key(username: str) -> str:
    """The skeleton with i merged into l: `seIler`, `sеller` and `seller` share `seller`."""
    return skeleton(username).replace("i", "l")


def reject_lookalike_username(username: str, *, exclude_pk: int | None = None) -> None:
    """ValidationError when another user's username looks like `username`."""
    from django.contrib.auth import get_user_model  # the user model's module imports this one

    key = lookalike_key(username)
    others = get_user_model().objects.filter(username_skeleton=key)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if key and others.exists():
        raise ValidationError("That name is too close to an existing account's.", code="lookalike")


def check_new_username(user) -> None:
    """User.clean: a new or changed username is not reserved and looks like nobody else's.
    An unchanged one is not judged again (the system account keeps its reserved name)."""
    if user.pk is not None and user.username_skeleton == lookalike_key(user.username):
        return
    try:
        reject_name(user.username)
        reject_lookalike_username(user.username, exclude_pk=user.pk)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from None
