"""The first digits of a number, given right after a phone or app word, are masked at once.

Seen in a walkthrough: "whatsapp: +91 98765" was delivered whole and only the "43210" that
completed it was masked, so the other side read half the number. A start is masked only
when the words lead into it and nothing else explains the digits."""

from __future__ import annotations

import pytest

from core.contact import scan


@pytest.mark.parametrize(
    "text",
    [
        "whatsapp: +91 98765",
        "my whatsapp is 98765",
        "call me on +44 7911",
        "My WhatsApp number is 98765",
        "ping me on telegram: 98765",
        "my number is 12345 ok",
    ],
)
def test_the_start_of_a_number_after_a_phone_word_is_masked(text: str) -> None:
    result = scan(text)
    assert [f.rule for f in result.findings] == ["phone.start"]
    assert not any(ch.isdigit() for ch in result.masked)


@pytest.mark.parametrize(
    "text",
    [
        "call at 0900",  # a time
        "the whatsapp icon is 10240",  # a word between names the digits
        "number: 12.345.678,00",  # an amount
        "numbers 3,14,15,92,65",  # a list
        "I have 2000 followers on instagram",
        "instagram: 12000 followers",
        "whatsapp logo sizes: 1080",
        "telegram posts: 15000",
        "call 99999",  # a placeholder
        "order 98765 is done",
        "whatsapp me at 5pm",
    ],
)
def test_digits_that_something_else_explains_are_left_alone(text: str) -> None:
    assert scan(text).findings == ()


def test_the_rest_is_still_masked_as_a_split_number() -> None:
    history = ["whatsapp: +91 98765"]
    (finding,) = scan("43210", history).findings
    assert finding.rule == "phone.split"
