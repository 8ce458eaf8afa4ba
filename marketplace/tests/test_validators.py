"""marketplace.validators: reject_contact_details is the site's contact policy on every
marketplace text (the policy's own tests: core/tests/test_contact_policy.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from core.contact_policy import ContactPolicy
from marketplace.forms import GigForm
from marketplace.tests.factories import CategoryFactory
from marketplace.validators import CONTACT_DETAILS_CODE, reject_contact_details

SUPPORT = "Questions about an order? Write to support@gigbox.io."


class PlainLabels(ContactPolicy):
    kind_labels = {**ContactPolicy.kind_labels, "email": "e-mail address"}


def gig_form(description: str) -> GigForm:
    return GigForm(
        data={
            "title": "I will design a minimalist logo",
            "category": CategoryFactory().pk,
            "description": description,
            "tags": "logo, branding",
        }
    )


def test_the_validator_refuses_contact_details_with_its_code():
    with pytest.raises(ValidationError) as caught:
        reject_contact_details("mail me at sam@gmail.com")
    assert caught.value.code == CONTACT_DETAILS_CODE
    assert "(email address)" in caught.value.messages[0]
    assert reject_contact_details("Logo in 3 days for $25") is None


@pytest.mark.django_db
def test_a_gig_text_may_name_the_sites_own_address():
    refused = gig_form(SUPPORT)
    assert not refused.is_valid()
    assert "Contact details are not allowed here" in refused.errors["description"][0]
    with override_settings(GIGBOX_SITE_HOSTS=["gigbox.io"]):
        accepted = gig_form(SUPPORT)
        assert accepted.is_valid(), accepted.errors
        assert not gig_form(SUPPORT + " Or sam@gmail.com").is_valid()


@pytest.mark.django_db
@override_settings(GIGBOX_CONTACT_POLICY=f"{__name__}.PlainLabels")
def test_a_gig_form_speaks_with_the_sites_policy():
    form = gig_form("Mail me at sam@gmail.com")
    assert not form.is_valid()
    assert "(e-mail address)" in form.errors["description"][0]


def test_a_user_time_zone_must_exist(bob):
    bob.timezone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="not a known time zone"):
        bob.full_clean()
    bob.timezone = "Asia/Kolkata"
    bob.full_clean()
