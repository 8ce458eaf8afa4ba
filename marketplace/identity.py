"""Reserved identities: nobody signs up or calls themselves Gigbox, support or staff.

Names are compared by a confusable skeleton in the spirit of Unicode TR39: NFKC (full-width
and compatibility forms), case folding, accents dropped, then look-alikes folded onto the
Latin letter they pass for. `gıgbox`, `ＧＩＧＢＯＸ`, `G1GB0X` and `ɡigbօx` (Armenian o) share
the skeleton `gigbox`. The look-alikes come first from TR39's confusables.txt as the
`confusable-homoglyphs` package ships it (every character whose prototype is one Latin
letter or digit: Cyrillic, Greek, Armenian, Cherokee, Lisu, small capitals...); our own
short map (`_OWN_LOOKALIKES`) adds what TR39 does not fold onto a Latin letter
(docs/reliability.md).

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

import functools
import re
import unicodedata

from confusable_homoglyphs.utils import load as load_confusables
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

# What TR39 does not fold onto a Latin letter, so the package's table cannot: letters it
# maps to another look-alike (Cyrillic в to ʙ, к to ĸ, Greek η to n̩, small capitals to each
# other), letters with a stroke (ł, ø, đ), ß, and digits and signs written for letters
# ("G1GB0X", "$upport"), which are not confusables in Unicode's sense. After NFKC, casefold.
_OWN_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "в": "b", "ё": "e", "ї": "i", "к": "k", "м": "m", "н": "h", "т": "t", "ь": "b",
        # Greek
        "β": "b", "ε": "e", "η": "n", "κ": "k", "τ": "t", "χ": "x", "ω": "w",
        # Latin variants and small capitals
        "ȷ": "j", "ɢ": "g", "ʙ": "b", "ᴛ": "t", "ᴀ": "a", "ᴅ": "d", "ᴇ": "e", "ᴍ": "m",
        "ɴ": "n", "ʀ": "r", "ᴘ": "p", "ł": "l", "ø": "o", "đ": "d", "ß": "ss",
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


@functools.cache
def _tr39_latin() -> dict[int, str]:
    """TR39's look-alikes of one Latin letter or digit, as a translate table: each character
    of confusable-homoglyphs' table whose prototype is one ASCII letter or digit. Read from
    the package's data file on first use and kept small: its whole table (~17 MB in memory,
    loaded by importing `confusable_homoglyphs.confusables`) is not kept in every process."""
    table: dict[int, str] = {}
    for char, homoglyphs in load_confusables("confusables.json").items():
        latin = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii()]
        if len(char) == 1 and not char.isascii() and latin and latin[0].isalnum():
            table[ord(char)] = latin[0].casefold()
    return table


def _folded(text: str) -> str:
    """NFKC, case folded, without combining marks, with look-alikes mapped to Latin."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        ch
        for ch in unicodedata.normalize("NFD", text)
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    if not text.isascii():
        text = text.translate(_tr39_latin())
    text = text.translate(_OWN_LOOKALIKES)
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
