"""reject_contact_details: the real detector behind every marketplace text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from marketplace.validators import CONTACT_DETAILS_CODE, reject_contact_details


def message_for(text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        reject_contact_details(text)
    assert caught.value.code == CONTACT_DETAILS_CODE
    return caught.value.messages[0]


def test_it_names_an_email_address():
    assert message_for("mail me at sam@gmail.com") == (
        'Contact details are not allowed here: "sam@gmail.\u2026" (email address). Keep the conversation on Gigbox.'
    )


def test_it_names_a_phone_number():
    assert '"+1 415 555\u2026" (phone number)' in message_for("+1 415 555 0198")


def test_it_names_the_platform_of_a_link():
    assert '"wa.me/9198\u2026" (WhatsApp link)' in message_for("ping wa.me/919876543210")


@pytest.mark.parametrize(
    "text",
    [
        "Logo in 3 days for $25, 1920x1080",
        "",
        "English, Hindi",
        "Final_logo.png",
        "Brand guide, 3 concepts",
    ],
)
def test_harmless_text_passes(text):
    assert reject_contact_details(text) is None


def test_a_user_time_zone_must_exist(bob):
    bob.timezone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="not a known time zone"):
        bob.full_clean()
    bob.timezone = "Asia/Kolkata"
    bob.full_clean()
