"""create_seller_profile and update_seller_profile: a buyer becomes a seller."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from marketplace import services
from marketplace.models import SellerProfile, User

PROFILE = dict(
    display_name="Bob Builds",
    bio="I build Django sites.",
    country="IN",
    languages="English, Hindi",
    skills="Django, PostgreSQL",
)


def test_bob_becomes_a_seller(bob):
    profile = services.create_seller_profile(user=bob, **PROFILE)
    bob = User.objects.get(pk=bob.pk)
    assert bob.is_seller and bob.public_name == "Bob Builds"
    assert profile.language_list == ["English", "Hindi"] and profile.country.code == "IN"


def test_only_one_profile_per_user(alice):
    with pytest.raises(ValidationError, match="already"):
        services.create_seller_profile(user=alice, **PROFILE)


def test_an_unknown_country_is_refused(bob):
    with pytest.raises(ValidationError) as caught:
        services.create_seller_profile(user=bob, **{**PROFILE, "country": "XX"})
    assert "country" in caught.value.message_dict
    assert not SellerProfile.objects.filter(user=bob).exists()


@pytest.mark.parametrize("field", ["display_name", "bio", "skills"])
def test_profile_texts_with_contact_details_are_refused(bob, field):
    with pytest.raises(ValidationError, match="Contact details"):
        services.create_seller_profile(user=bob, **{**PROFILE, field: "sam@gmail.com"})
    assert not SellerProfile.objects.filter(user=bob).exists()


def test_alice_edits_her_profile(alice):
    profile = alice.seller_profile
    services.update_seller_profile(profile=profile, **{**PROFILE, "display_name": "Alice Designs"})
    assert SellerProfile.objects.get(pk=profile.pk).display_name == "Alice Designs"


def test_a_refused_edit_changes_nothing(alice):
    before = alice.seller_profile.bio
    with pytest.raises(ValidationError):
        services.update_seller_profile(
            profile=alice.seller_profile, **{**PROFILE, "bio": "+1 415 555 0198"}
        )
    assert SellerProfile.objects.get(user=alice).bio == before
