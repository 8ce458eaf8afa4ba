"""Search that finds what people type: stems, plurals, typos, filters, broader suggestions.

The same tests run on SQLite (the stemmed LIKE fallback) and PostgreSQL (full text + trigram).
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from marketplace import availability, seeding
from marketplace.models import Gig
from marketplace.search import stem
from marketplace.selectors import GigFilters, Sort, broader_searches, search_gigs
from marketplace.tests.factories import GigFactory, PackageFactory, SellerFactory

pytestmark = pytest.mark.django_db


def gig(title, *, price="25", tags="", description="Quality work.", **kwargs) -> Gig:
    g = GigFactory(title=title, tags=tags, description=description, basic_package=None, **kwargs)
    PackageFactory(gig=g, price=Decimal(price))
    return g


def titles(gigs) -> list[str]:
    return [g.title for g in gigs]


@pytest.mark.parametrize(
    ("word", "expected"),
    [("logos", "logo"), ("designers", "design"), ("designer", "design"), ("editing", "edit")],
)
def test_the_fallback_stem_is_a_shared_prefix(word, expected):
    assert stem(word) == expected


def test_it_keeps_short_words_and_double_s_whole():
    assert (stem("wordpress"), stem("business"), stem("bus"), stem("api")) == (
        "wordpress",
        "business",
        "bus",
        "api",
    )


@pytest.mark.parametrize("query", ["logos", "Logo", "designers", "designer"])
def test_plurals_and_agent_nouns_find_the_design_gig(query):
    gig("I will design a minimalist logo", tags="logo, branding")
    gig("I will record a voice over", tags="audio")
    assert titles(search_gigs(GigFilters(query=query))) == ["I will design a minimalist logo"]


def test_a_typo_finds_wordpress():
    gig("I will build a WordPress website", tags="wordpress, elementor")
    gig("I will write blog articles", tags="seo")
    assert titles(search_gigs(GigFilters(query="wordpres"))) == ["I will build a WordPress website"]


@pytest.fixture
def seeded():
    data = json.loads((settings.BASE_DIR / "seeds/10_marketplace.json").read_text())["data"]
    seeding.load({**data, "orders": []}, io.StringIO())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("logos", "I will design a minimalist logo for your brand"),
        ("designers", "I will design print-ready business cards"),
        ("wordpres", "I will build a fast, responsive WordPress website"),
    ],
)
def test_the_seeded_gigs_are_found(seeded, query, expected):
    assert expected in titles(search_gigs(GigFilters(query=query)))


def test_minimum_rating_and_best_rated_first():
    top = gig("Top")
    Gig.objects.filter(pk=top.pk).update(rating_average=Decimal("4.9"), rating_count=12)
    ok = gig("Ok")
    Gig.objects.filter(pk=ok.pk).update(rating_average=Decimal("4.1"), rating_count=3)
    gig("Unrated")
    assert titles(search_gigs(GigFilters(min_rating=Decimal("4.5")))) == ["Top"]
    assert titles(search_gigs(GigFilters(sort=Sort.RATING))) == ["Top", "Ok", "Unrated"]


def test_online_now_asks_the_presence_extension_point():
    here, gone = gig("Here"), gig("Gone")
    availability.set_presence(lambda ids: {i for i in ids if i == here.seller_id})
    try:
        assert titles(search_gigs(GigFilters(online=True))) == ["Here"]
    finally:
        availability._presence.clear()
    assert titles(search_gigs(GigFilters(online=True))) == []
    assert gone.pk


def test_gigs_of_an_away_seller_are_not_listed():
    away = SellerFactory(username="away")
    away.seller_profile.away_until = timezone.now() + timedelta(days=3)
    away.seller_profile.save()
    gig("Away gig", seller=away)
    gig("Here gig")
    assert titles(search_gigs(GigFilters())) == ["Here gig"]


def test_back_from_away_the_gigs_are_listed_again():
    back = SellerFactory(username="back")
    back.seller_profile.away_until = timezone.now() - timedelta(minutes=1)
    back.seller_profile.save()
    gig("Back gig", seller=back)
    assert titles(search_gigs(GigFilters())) == ["Back gig"]


def test_nothing_found_suggests_the_words_without_filters_and_each_word():
    gig("Minimalist logo", price="40")
    gig("Podcast editing", price="30")
    narrow = GigFilters(query="logo podcast", max_price=Decimal("10"))
    assert not search_gigs(narrow).exists()
    suggestions = {b.label: (b.count, b.url) for b in broader_searches(narrow)}
    # Without the price limit both words together still find nothing: each word alone does.
    assert suggestions == {"“logo”": (1, "/gigs/?q=logo"), "“podcast”": (1, "/gigs/?q=podcast")}


def test_the_words_without_the_filters_come_first_when_they_find_something():
    gig("Minimalist logo", price="40")
    narrow = GigFilters(query="logo", max_price=Decimal("10"))
    assert [(b.label, b.count) for b in broader_searches(narrow)] == [("“logo” without filters", 1)]


def test_starting_terms_follow_the_packages():
    g = gig("Terms", price="30")
    PackageFactory(gig=g, tier="premium", price=Decimal("10"), delivery_days=9)
    g.refresh_from_db()
    assert (g.starting_price, g.starting_days) == (Decimal("10"), 9)
    g.packages.get(tier="premium").delete()
    g.refresh_from_db()
    assert g.starting_price == Decimal("30")
    g.packages.all().delete()
    g.refresh_from_db()
    assert (g.starting_price, g.starting_days) == (None, None)
