"""Deciding whether a string of digits is a real phone number, and whose.

Wraps the ``phonenumbers`` library (Google's libphonenumber metadata). Its
parse+validate costs ~40 us, so every region is first screened with a cheap
length + national-pattern check built from the same metadata, and results are
memoised: the same digits are tried against dozens of regions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers.re_util import enable_pattern_cache

# Numbers of many regions go through parse(): keep every metadata pattern compiled, instead
# of recompiling those that fall out of the re module's 512-entry cache.
enable_pattern_cache()

# Pure pattern checks on the metadata, used to skip building PhoneNumber
# objects; covered by test_contact_phones (equivalence with parse()).

# Where Gigbox's buyers and sellers are; tried first and, without any phone
# context in the message, the only regions a bare national number may match.
CORE_REGIONS: tuple[str, ...] = (
    "IN",
    "PK",
    "BD",
    "NG",
    "KE",
    "EG",
    "SA",
    "AE",
    "BR",
    "MX",
    "US",
    "GB",
    "DE",
    "FR",
    "ID",
    "PH",
    "VN",
    "ZA",
    "LK",
    "NP",
    "TR",
    "MY",
    "GH",
    "UG",
    "TZ",
    "MA",
    "ES",
    "IT",
    "AU",
    "CN",
    "RU",
    "CO",
    "AR",
    "PE",
    "TH",
    "QA",
    "KW",
    "OM",
    "JO",
)

MOBILE_LIKE = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


@dataclass(frozen=True)
class PhoneMatch:
    e164: str
    region: str
    number_type: int


@dataclass(frozen=True)
class _RegionScreen:
    region: str
    national_prefix: str
    lengths: frozenset[int]
    pattern: re.Pattern[str]
    exact: bool  # False when national prefixes are rewritten (AR, MX...): always parse

    def may_match(self, digits: str) -> bool:
        if not self.exact:
            return True
        nsn = digits
        if self.national_prefix and digits.startswith(self.national_prefix):
            nsn = digits[len(self.national_prefix) :]
        for candidate in (nsn, digits) if nsn != digits else (digits,):
            if len(candidate) in self.lengths and self.pattern.fullmatch(candidate):
                return True
        return False


def _build_screen(region: str) -> _RegionScreen | None:
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.general_desc is None or not meta.general_desc.national_number_pattern:
        return None
    return _RegionScreen(
        region=region,
        national_prefix=meta.national_prefix or "",
        lengths=frozenset(meta.general_desc.possible_length or ()),
        pattern=re.compile(meta.general_desc.national_number_pattern),
        exact=not meta.national_prefix_transform_rule,
    )


_SCREENS: dict[str, _RegionScreen] = {}


def _screen(region: str) -> _RegionScreen | None:
    if region not in _SCREENS:
        screen = _build_screen(region)
        if screen is None:
            return None
        _SCREENS[region] = screen
    return _SCREENS[region]


def _national_mobile_digits(region: str) -> int:
    """How many digits a mobile number of ``region`` has as written at home."""
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    if example is None:
        return 0
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    return sum(c.isdigit() for c in national)


# Core regions where people write a mobile number with nine digits ("612 34 56
# 78" in Spain, "912 345 678" in Peru). Only there does a bare nine-digit
# number look like a phone as written; elsewhere nine digits are a number
# missing its trunk prefix, and most random nine-digit strings would match.
NINE_DIGIT_MOBILE_REGIONS: tuple[str, ...] = tuple(
    r for r in CORE_REGIONS if _national_mobile_digits(r) == 9
)

ALL_REGIONS: tuple[str, ...] = CORE_REGIONS + tuple(
    sorted(r for r in phonenumbers.SUPPORTED_REGIONS if r not in CORE_REGIONS and r != "001")
)


@lru_cache(maxsize=65536)
def match_international(digits: str) -> PhoneMatch | None:
    """``digits`` after a '+' (or '00'): valid anywhere?"""
    if not 7 <= len(digits) <= 15:
        return None
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    region = phonenumbers.region_code_for_number(number) or "001"
    return PhoneMatch(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        region,
        phonenumbers.number_type(number),
    )


@lru_cache(maxsize=65536)
def match_national(digits: str, region: str) -> PhoneMatch | None:
    """``digits`` dialled inside ``region``: a valid number of that region?"""
    screen = _screen(region)
    if screen is None or not screen.may_match(digits):
        return None
    if screen.exact:
        return _match_national_fast(digits, region)
    return _match_national_by_parsing(digits, region)


def _match_national_by_parsing(digits: str, region: str) -> PhoneMatch | None:
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(number, region):
        return None
    return PhoneMatch(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        region,
        phonenumbers.number_type(number),
    )


_PARSING_PREFIX_RE: dict[str, re.Pattern[str]] = {}


def _match_national_fast(digits: str, region: str) -> PhoneMatch | None:
    """The same decision as parse() + is_valid_number_for_region() for regions
    whose national prefix is simply dropped, straight from the metadata
    patterns (several times cheaper than building a PhoneNumber)."""
    meta = PhoneMetadata.metadata_for_region(region)
    found = _typed_nsn(digits, region, meta)
    if found is None:
        # Like libphonenumber, read "447480123456" dialled in GB as +44 7480 123456.
        code = str(meta.country_code)
        if digits.startswith(code) and len(digits) > len(code):
            found = _typed_nsn(digits[len(code) :], region, meta)
    if found is None:
        return None
    nsn, number_type = found
    return PhoneMatch(f"+{meta.country_code}{nsn}", region, number_type)


def _typed_nsn(digits: str, region: str, meta) -> tuple[str, int] | None:  # type: ignore[no-untyped-def]
    nsn = digits
    prefix_pattern = meta.national_prefix_for_parsing
    if prefix_pattern:
        compiled = _PARSING_PREFIX_RE.get(region)
        if compiled is None:
            compiled = _PARSING_PREFIX_RE[region] = re.compile(prefix_pattern)
        m = compiled.match(digits)
        if m is not None and m.end() > 0:
            stripped = digits[m.end() :]
            general = _types(region, meta).general
            # libphonenumber keeps the prefix when stripping it breaks a number
            # that was viable with it.
            if general.viable(stripped) or not general.viable(digits):
                nsn = stripped
    elif meta.national_prefix and digits.startswith(meta.national_prefix):
        nsn = digits[len(meta.national_prefix) :]
    if not nsn:
        return None
    number_type = _types(region, meta).number_type(nsn)
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    return nsn, number_type


@dataclass(frozen=True)
class _Desc:
    """One PhoneNumberDesc with its pattern compiled once (libphonenumber looks the pattern
    up in its regex cache on every test, most of the cost of typing a number)."""

    lengths: frozenset[int]
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, desc) -> _Desc:  # type: ignore[no-untyped-def]
        if desc is None or not desc.national_number_pattern:
            return cls(frozenset(), None)
        return cls(frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern))

    def viable(self, nsn: str) -> bool:
        """The pattern alone (libphonenumber's _match_national_number)."""
        return bool(nsn) and self.pattern is not None and self.pattern.fullmatch(nsn) is not None

    def matches(self, nsn: str) -> bool:
        """Length, then pattern (libphonenumber's _is_number_matching_desc)."""
        if self.pattern is None or (self.lengths and len(nsn) not in self.lengths):
            return False
        return self.pattern.fullmatch(nsn) is not None


_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)


@dataclass(frozen=True)
class _RegionTypes:
    general: _Desc
    special: tuple[tuple[_Desc, int], ...]
    fixed_line: _Desc
    mobile: _Desc
    same_mobile_and_fixed: bool

    def number_type(self, nsn: str) -> int:
        """libphonenumber's _number_type_helper, in the same order, on compiled patterns."""
        if not self.general.matches(nsn):
            return PhoneNumberType.UNKNOWN
        for desc, number_type in self.special:
            if desc.matches(nsn):
                return number_type
        if self.fixed_line.matches(nsn):
            if self.same_mobile_and_fixed or self.mobile.matches(nsn):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if not self.same_mobile_and_fixed and self.mobile.matches(nsn):
            return PhoneNumberType.MOBILE
        return PhoneNumberType.UNKNOWN


_TYPES: dict[str, _RegionTypes] = {}


def _types(region: str, meta) -> _RegionTypes:  # type: ignore[no-untyped-def]
    types = _TYPES.get(region)
    if types is None:
        types = _TYPES[region] = _RegionTypes(
            general=_Desc.of(meta.general_desc),
            special=tuple((_Desc.of(getattr(meta, name)), kind) for name, kind in _SPECIAL_TYPES),
            fixed_line=_Desc.of(meta.fixed_line),
            mobile=_Desc.of(meta.mobile),
            same_mobile_and_fixed=bool(meta.same_mobile_and_fixed_line_pattern),
        )
    return types


@lru_cache(maxsize=4096)
def _regions_for_length(regions: tuple[str, ...], length: int) -> tuple[str, ...]:
    """The regions (in order) where a national number of ``length`` digits can exist."""
    out = []
    for region in regions:
        screen = _screen(region)
        if screen is None:
            continue
        prefix = len(screen.national_prefix)
        if (
            not screen.exact
            or length in screen.lengths
            or (prefix and length - prefix in screen.lengths)
        ):
            out.append(region)
    return tuple(out)


def first_national_match(
    digits: str, regions: tuple[str, ...], mobile_only: bool
) -> PhoneMatch | None:
    for region in _regions_for_length(regions, len(digits)):
        found = match_national(digits, region)
        if found is not None and (not mobile_only or found.number_type in MOBILE_LIKE):
            return found
    return None


@lru_cache(maxsize=16384)
def _home_grouping(e164: str, region: str) -> tuple[int, ...]:
    """Digit-group lengths of ``e164`` as ``region`` writes it at home ("067 412 3890": 3, 3, 4)."""
    number = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return tuple(len(g) for g in re.findall(r"\d+", national))


# Outside the core markets a bare national number is taken only when it is
# written exactly as its region writes mobiles at home, trunk prefix included:
# "067 412 3890" (UA), "021 412 3890" (NZ), "0476 21 43 65" (BE). Random ids
# are rarely grouped like that, and never start with the trunk "0" of a
# region whose grouping they happen to copy.
HOME_FORMAT_MIN_DIGITS = 10
_NON_CORE_REGIONS: tuple[str, ...] = ALL_REGIONS[len(CORE_REGIONS) :]


def match_home_format(digits: str, grouping: tuple[int, ...]) -> PhoneMatch | None:
    """A mobile of a non-core region written with its trunk prefix in that region's own grouping."""
    if (
        len(digits) < HOME_FORMAT_MIN_DIGITS
        or len(grouping) < 2
        or not digits.startswith("0")
        or digits.startswith("00")
    ):
        return None
    for region in _regions_for_length(_NON_CORE_REGIONS, len(digits)):
        screen = _screen(region)
        if screen is None or screen.national_prefix != "0":
            continue
        found = match_national(digits, region)
        if (
            found is not None
            and found.number_type in MOBILE_LIKE
            and _home_grouping(found.e164, region) == grouping
        ):
            return found
    return None


def compile_all() -> None:
    """Build every region's screen and number types now (warm_up): built lazily, the first
    numbers of each region would each pay a few milliseconds of regex compilation."""
    for region in phonenumbers.SUPPORTED_REGIONS:
        meta = PhoneMetadata.metadata_for_region(region)
        if meta is not None:
            _screen(region)
            _types(region, meta)
