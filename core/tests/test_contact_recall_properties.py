"""Recall properties: well-formed contact details are found whatever surrounds them.

Generated emails, phone numbers (libphonenumber's example mobiles of every
region, in E.164, international and national format with random separators)
and contact links, embedded in ordinary words and punctuation. Each test
asserts the finding covers the detail exactly. These properties found the
"Email me at bob.b@example.com" hole: the disguise reading of the English
"at" hid a plain address.
"""

from __future__ import annotations

import string
from functools import lru_cache

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import get_top_level_domains
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from core.contact import scan

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_ALNUM = string.ascii_lowercase + string.digits


# --- emails ------------------------------------------------------------------

_LOCAL_CHUNK = st.text(alphabet=_ALNUM, min_size=1, max_size=8)
LOCAL_PARTS = st.builds(
    lambda first, rest: first + "".join(sep + chunk for sep, chunk in rest),
    _LOCAL_CHUNK,
    st.lists(st.tuples(st.sampled_from(".-_+"), _LOCAL_CHUNK), max_size=3),
)
_COMMON_DOMAINS = st.sampled_from(
    [
        "gmail.com",
        "outlook.com",
        "yahoo.co.in",
        "hotmail.co.uk",
        "proton.me",
        "icloud.com",
        "example.com",
        "studio-k.io",
        "mail.ru",
        "web.de",
        "uol.com.br",
        "company.ng",
        "agency.design",
        "x.co",
    ]
)
# Every real top-level domain, punycode ones included (hypothesis ships IANA's list).
_TLDS = st.sampled_from(sorted({t.lower() for t in get_top_level_domains()}))
_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_RANDOM_DOMAINS = st.builds(
    lambda labels, tld: ".".join(labels + [tld]), st.lists(_LABEL, min_size=1, max_size=2), _TLDS
)
EMAILS = st.builds(
    lambda local, domain, upper: (local.capitalize() if upper else local) + "@" + domain,
    LOCAL_PARTS,
    st.one_of(_COMMON_DOMAINS, _RANDOM_DOMAINS),
    st.booleans(),
)
EMAIL_PREFIXES = st.sampled_from(
    [
        "",
        "email me at ",
        "Email me at ",
        "reach me at ",
        "mail me at ",
        "mail: ",
        "(",
        "my mail is ",
        "contact - ",
        "at ",
        "on ",
        "write to sam at ",
        "my email: ",
        "hi\n",
        "send it to ",
        "contact sales at ",
    ]
)
SUFFIXES = st.sampled_from(["", ".", ",", ")", " thanks", "!", "\n", " or call", "?"])


def _assert_found_exactly(text: str, detail: str, start: int, kind: str) -> None:
    end = start + len(detail)
    spans = [(f.kind, text[f.start : f.end]) for f in scan(text).findings]
    assert any(f.kind == kind and (f.start, f.end) == (start, end) for f in scan(text).findings), (
        text,
        spans,
    )


@SETTINGS
@given(EMAIL_PREFIXES, EMAILS, SUFFIXES)
@example("Email me at ", "bob.b@example.com", "")
@example("reach me at ", "jo.k@outlook.com", "")
@example("mail me at ", "a.b@gmail.com", "")
@example("write to sam at ", "bob.bc@x.io", "")
def test_a_plain_email_is_always_found_whole(prefix: str, email: str, suffix: str) -> None:
    text = prefix + email + suffix
    _assert_found_exactly(text, email, len(prefix), "email")
    (finding,) = [f for f in scan(text).findings if f.start == len(prefix)]
    assert finding.value == email.lower()
    assert finding.rule == "email.plain"


# --- phone numbers -----------------------------------------------------------


@lru_cache(maxsize=1)
def _example_mobiles() -> tuple[phonenumbers.PhoneNumber, ...]:
    """libphonenumber's example mobile number of every region that has one.

    Numbers under seven national digits (a few islands: TK, NU, ...) are left
    out: the detector never reads so few digits as a phone number, because
    prices, postcodes and counts look just like them.
    """
    numbers = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        number = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        if number is not None and len(phonenumbers.national_significant_number(number)) >= 7:
            numbers.append(number)
    return tuple(numbers)


_FORMATS = {
    "e164": PhoneNumberFormat.E164,
    "international": PhoneNumberFormat.INTERNATIONAL,
    "national": PhoneNumberFormat.NATIONAL,
}
# Contexts with a phone word: anything valid somewhere must be found.
PHONE_WORD_PREFIXES = ["call me on ", "my WhatsApp ", "number: ", "text ", "WA ", "my number is "]
# Contexts without one: the number itself must tell ("+..." always does).
BARE_PREFIXES = ["", "(", "at ", "on "]


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, phonenumbers.PhoneNumber, str]:
    number = draw(st.sampled_from(_example_mobiles()))
    style = draw(st.sampled_from(sorted(_FORMATS)))
    written = phonenumbers.format_number(number, _FORMATS[style])
    if style != "e164":
        separator = draw(st.sampled_from([None, " ", "-", ".", ""]))
        if separator is not None:
            written = (
                written.replace(" ", separator).replace("-", separator)
                if separator != ""
                else written.replace("-", "")
            )
    return written, number, style


def _assert_phone_found(text: str, written: str, start: int) -> list:
    end = start + len(written)
    findings = [f for f in scan(text).findings if f.kind == "phone"]
    # The finding covers the whole number (a bracket opening it may be included) and no more.
    covering = [
        f
        for f in findings
        if f.start <= start and end <= f.end and f.start >= start - 1 and f.end <= end + 1
    ]
    assert covering, (text, [(text[f.start : f.end], f.rule) for f in scan(text).findings])
    return covering


@SETTINGS
@given(written_numbers(), st.sampled_from(PHONE_WORD_PREFIXES), SUFFIXES)
def test_a_mobile_number_after_a_phone_word_is_found(
    written_number, prefix: str, suffix: str
) -> None:
    written, number, style = written_number
    text = prefix + written + suffix
    covering = _assert_phone_found(text, written, len(prefix))
    if style != "national":
        assert covering[0].value == phonenumbers.format_number(number, PhoneNumberFormat.E164)


@SETTINGS
@given(written_numbers(), st.sampled_from(BARE_PREFIXES), SUFFIXES)
def test_an_international_mobile_number_is_found_without_words(
    written_number, prefix: str, suffix: str
) -> None:
    written, number, style = written_number
    if style == "national":
        return  # a foreign national number with nothing around it is indistinguishable from an id
    text = prefix + written + suffix
    covering = _assert_phone_found(text, written, len(prefix))
    assert covering[0].value == phonenumbers.format_number(number, PhoneNumberFormat.E164)


# --- links -------------------------------------------------------------------

_HANDLE = st.from_regex(r"[a-z][a-z0-9_]{4,15}", fullmatch=True)
_INSTAGRAM_NAME = st.from_regex(r"[a-z][a-z0-9_.]{2,14}[a-z0-9_]", fullmatch=True).filter(
    lambda n: ".." not in n
)
LINKS = st.one_of(
    st.builds("wa.me/{}".format, st.from_regex(r"[1-9][0-9]{9,12}", fullmatch=True)),
    st.builds("t.me/{}".format, _HANDLE),
    st.builds("paypal.me/{}".format, _HANDLE),
    st.builds("instagram.com/{}".format, _INSTAGRAM_NAME),
)
LINK_PREFIXES = st.sampled_from(
    ["at ", "on ", "via ", "here: ", "", "(", "pay me at ", "find me on "]
)


@SETTINGS
@given(LINK_PREFIXES, st.sampled_from(["", "https://", "www."]), LINKS, SUFFIXES)
def test_a_contact_link_is_found_whole(prefix: str, scheme: str, link: str, suffix: str) -> None:
    if scheme == "www." and not link.startswith("instagram"):
        return  # "www.wa.me" is not an address anyone writes
    text = prefix + scheme + link + suffix
    _assert_found_exactly(text, scheme + link, len(prefix), "link")


# --- what the properties found, as a table -----------------------------------


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (
            "Email me at bob.b@example.com",
            "bob.b@example.com",
        ),  # "me at" read as "me@" ate the address
        ("write to sam at bob.bc@x.io", "bob.bc@x.io"),  # "sam at bob.bc" claimed half of it
        ("0@0.0.aaa", "0@0.0.aaa"),  # numeric labels before the TLD
        ("bob@studio.museum", "bob@studio.museum"),  # any real TLD after a real '@'
        ("+975-17-12-34-56", "+975-17-12-34-56"),  # "17-12-34" read as a date
        ("call me on 06-12-34-56-78", "06-12-34-56-78"),
        ("call me on 70.12.34.56", "70.12.34.56"),  # read as a version
        ("WA 8.029.491.19.11", "8.029.491.19.11"),
        ("my number is 01 23 45 6789", "01 23 45 6789"),  # libphonenumber's CI example counts 0-9
    ],
)
def test_holes_found_by_the_properties(text: str, detail: str) -> None:
    start = text.index(detail)
    assert [(f.start, f.end) for f in scan(text).findings] == [(start, start + len(detail))]


@pytest.mark.parametrize(
    "text",
    [
        "call me after I update Windows to 10.0.19045.3693",
        "I'll call you on 15.03.24 at 10.30",
        "call me back, version 6.4.2.1 broke the build",
        "the phone costs 12.345.678 IDR",
        "ring me, step 1 2 3 4 5 6 7 8 done",
        "call me, the test value is 1234567",
        "my number of revisions is 12.03.24.05",
        "text me the dates 01-02-03-04",
        "Let's have a call: the figures are 1.234.567 and 2.345.678",
        "email me at the usual address",
        "I'm at bob.b's place",
        "npm i react@18.2.0 and docs@v1.2.3",
        "look at @sam.thanks",
        "number: 12.345.678,00",  # an amount with cents, named or not
        "call me, total 12.500.000 IDR",
        "WA group has 12.345.678 members",
        "reach me on 15.03.2024 or 16.03.2024",
        "invoice number ５５５０００１１１２２２",
    ],
)
def test_what_the_fixes_must_not_flag(text: str) -> None:
    assert scan(text).findings == ()


# --- disguised digit runs after a phone word -----------------------------------

_ENGLISH = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_DISGUISES = {
    "keycaps": lambda d: "".join(c + "\ufe0f\u20e3" for c in d),
    "fullwidth": lambda d: "".join(chr(0xFF10 + int(c)) for c in d),
    "arabic-indic": lambda d: "".join(chr(0x0660 + int(c)) for c in d),
    "devanagari": lambda d: "".join(chr(0x0966 + int(c)) for c in d),
    "bengali": lambda d: "".join(chr(0x09E6 + int(c)) for c in d),
    "words": lambda d: " ".join(_ENGLISH[int(c)] for c in d),
    "spaced": " ".join,
    "dashed": "-".join,
    "dotted": ".".join,
    "look-alikes": lambda d: d.replace("0", "O").replace("1", "l"),
}
PHONE_WORDS = st.sampled_from(
    [
        "my number",
        "call",
        "whatsapp",
        "wa",
        "text me",
        "contact",
        "mob",
        "cell",
        "ph",
        "tel",
        "WhatsApp me on",
        "my number is",
        "call me at",
        "Tel:",
    ]
)
DIGIT_RUNS = st.from_regex(r"[0-9]{8,15}", fullmatch=True).filter(lambda d: len(set(d)) > 2)


@SETTINGS
@given(PHONE_WORDS, st.sampled_from(sorted(_DISGUISES)), DIGIT_RUNS, SUFFIXES)
@example(
    "my number", "keycaps", "1234567890", ""
)  # the lead's probe: counting, valid nowhere as written
@example("call", "keycaps", "11122233344", "")
def test_a_disguised_run_after_a_phone_word_is_found(
    word: str, disguise: str, digits: str, suffix: str
) -> None:
    if disguise == "look-alikes" and not ({"0", "1"} & set(digits) and set(digits) - {"0", "1"}):
        return  # needs both a look-alike letter and a real digit
    written = _DISGUISES[disguise](digits)
    text = f"{word} {written}{suffix}"
    start = len(word) + 1
    covering = [
        f
        for f in scan(text).findings
        if f.kind == "phone" and f.start <= start and start + len(written) <= f.end
    ]
    assert covering, (text, [(text[f.start : f.end], f.rule) for f in scan(text).findings])
    (finding,) = covering
    # A reading that starts with "00" (the run itself or a part of it) is reported as international.
    assert finding.rule in (
        "phone.disguised",
        "phone.disguised_unvalidated",
        "phone.international",
    ), finding
    if finding.rule == "phone.disguised_unvalidated":
        assert finding.value == digits


@SETTINGS
@given(st.sampled_from(["", "order ", "invoice ", "ref ", "total ", "ID "]), DIGIT_RUNS)
def test_plain_digit_runs_without_a_phone_word_are_never_unvalidated_findings(
    label: str, digits: str
) -> None:
    """Order and invoice numbers stay untouched unless libphonenumber says they are numbers."""
    for written in (digits, f"{digits[:4]} {digits[4:8]} {digits[8:]}".strip()):
        assert not any(
            f.rule == "phone.disguised_unvalidated" for f in scan(label + written).findings
        )
    if label.strip() in ("order", "invoice", "ref", "total"):
        # Keycaps are folded before the label is read; digit words are evidence
        # in their own right (nobody spells an order number), so not checked here.
        assert scan(label + _DISGUISES["keycaps"](digits)).findings == ()


def _keycaps(digits: str) -> str:
    return _DISGUISES["keycaps"](digits)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("call " + _keycaps("11122233344"), "11122233344"),
        ("mob １１１２２２３３３４４", "11122233344"),
        ("ph +" + _keycaps("11122233344"), "+11122233344"),
        ("my number is ٠١٢٣٠١٢٣٠١٢٣", "012301230123"),
    ],
)
def test_a_disguised_run_valid_nowhere_is_reported_unvalidated(text: str, value: str) -> None:
    (finding,) = scan(text).findings
    assert (finding.kind, finding.rule, finding.value) == (
        "phone",
        "phone.disguised_unvalidated",
        value,
    )
    assert "not a valid number" in finding.reason
    assert text[finding.end :] == "" and text[finding.start - 1] == " "


@pytest.mark.parametrize(
    "text",
    [
        "11122233344",  # plain digits, no phone word: an id until libphonenumber says otherwise
        "order " + _keycaps("11122233344"),
        "call me about item " + _keycaps("11122233344"),  # a word between: "item" names the digits
        "my number is " + _keycaps("1234567"),  # seven digits: a code, not a number
        "call " + _keycaps("99999999999"),  # one repeated digit is a placeholder
    ],
)
def test_disguised_runs_that_are_not_unvalidated_numbers(text: str) -> None:
    assert scan(text).findings == ()
