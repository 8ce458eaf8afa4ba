"""Away mode: Alice goes away, comes back early; her periods pause the response clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from marketplace import availability
from marketplace.models import AwayPeriod

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def periods(user) -> list[tuple[datetime, datetime]]:
    return list(AwayPeriod.objects.filter(seller=user).values_list("started_at", "ends_at"))


def test_going_away_records_a_period_and_coming_back_early_ends_it(alice):
    profile = alice.seller_profile
    availability.set_away(
        profile=profile, until=NOW + timedelta(days=7), message="Holiday", now=NOW
    )
    assert profile.is_away(NOW + timedelta(days=1))
    assert periods(alice) == [(NOW, NOW + timedelta(days=7))]
    back = NOW + timedelta(days=2)
    availability.set_away(profile=profile, until=None, message="", now=back)
    assert not profile.is_away(back) and periods(alice) == [(NOW, back)]


def test_extending_the_away_time_extends_the_same_period(alice):
    profile = alice.seller_profile
    availability.set_away(profile=profile, until=NOW + timedelta(days=3), now=NOW)
    availability.set_away(profile=profile, until=NOW + timedelta(days=9), now=NOW + timedelta(1))
    assert periods(alice) == [(NOW, NOW + timedelta(days=9))]


def test_a_date_in_the_past_means_back_now(alice):
    availability.set_away(profile=alice.seller_profile, until=NOW - timedelta(days=1), now=NOW)
    assert alice.seller_profile.away_until is None and not AwayPeriod.objects.exists()


def test_the_away_message_is_checked_for_contact_details(alice):
    with pytest.raises(ValidationError):
        availability.set_away(
            profile=alice.seller_profile,
            until=NOW + timedelta(days=3),
            message="Urgent? WhatsApp me on +44 7700 900123",
            now=NOW,
        )


def test_alice_sets_away_mode_on_her_page_and_her_profile_says_so(client, alice, gig):
    client.force_login(alice)
    response = client.post(
        reverse("marketplace:seller_away"),
        {"away_until": "2099-01-31", "away_message": "Back in February."},
    )
    assert response.status_code == 302
    page = client.get(reverse("marketplace:seller", args=["alice"])).content.decode()
    assert "is away until 31 Jan 2099" in page
    assert gig.title not in client.get(reverse("marketplace:gig_list")).content.decode()
    gig_page = client.get(gig.get_absolute_url()).content.decode()
    assert "is away until" in gig_page


def test_an_empty_date_brings_alice_back(client, alice, gig):
    client.force_login(alice)
    client.post(reverse("marketplace:seller_away"), {"away_until": "2099-01-31"})
    client.post(reverse("marketplace:seller_away"), {"away_until": ""})
    alice.seller_profile.refresh_from_db()
    assert alice.seller_profile.away_until is None
    assert gig.title in client.get(reverse("marketplace:gig_list")).content.decode()
