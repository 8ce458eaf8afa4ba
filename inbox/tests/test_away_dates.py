"""Issue 20 walkthrough: a seller in India picks "away until 12 Dec 2026"; a buyer in Tokyo
read "13 Dec" in the thread header and "12 Dec" in the automatic reply. The day the seller
picked is the day everyone reads: profile, gig page, checkout, thread header, away reply.
And while away, the profile says the gigs are paused, not "No active gigs"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from config import clock
from inbox.away import away_reply_text
from marketplace.models import SellerProfile, User

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture
def alice_in_india_away(client, alice, gig, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    User.objects.filter(pk=alice.pk).update(timezone="Asia/Kolkata")
    alice.refresh_from_db()
    client.force_login(alice)
    response = client.post(
        reverse("marketplace:seller_away"),
        {"away_until": "2026-12-12", "away_message": "On holiday."},
    )
    assert response.status_code == 302
    client.logout()
    return alice


@pytest.fixture
def bob_in_tokyo(client, bob, alice_in_india_away):
    User.objects.filter(pk=bob.pk).update(timezone="Asia/Tokyo")
    client.force_login(bob)
    return bob


@pytest.mark.usefixtures("bob_in_tokyo")
@pytest.mark.parametrize(
    "url",
    [
        reverse("marketplace:seller", args=["alice"]),
        "/gigs/minimalist-logo/",
    ],
)
def test_every_page_shows_the_day_the_seller_picked(client, url):
    page = client.get(url).content.decode()
    assert "away until 12 Dec 2026" in page
    assert "13 Dec" not in page


@pytest.mark.usefixtures("bob_in_tokyo")
def test_the_thread_header_and_the_away_reply_agree(client, alice_in_india_away, conversation):
    page = client.get(reverse("inbox:thread", args=[conversation.pk])).content.decode()
    assert "is away until 12 Dec 2026" in page and "13 Dec" not in page
    profile = SellerProfile.objects.get(user=alice_in_india_away)
    assert "away until 12 Dec 2026" in away_reply_text(profile)


def test_the_seller_form_shows_the_day_picked(client, alice_in_india_away):
    client.force_login(alice_in_india_away)
    page = client.get(reverse("marketplace:seller_away")).content.decode()
    assert 'value="2026-12-12"' in page


@pytest.mark.usefixtures("bob_in_tokyo")
def test_the_profile_says_the_gigs_are_paused_not_gone(client):
    page = client.get(reverse("marketplace:seller", args=["alice"])).content.decode()
    assert "No active gigs" not in page
    assert "their gigs are paused, not gone" in page
