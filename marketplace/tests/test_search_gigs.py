"""search_gigs and listed_gigs: the same results on SQLite (substring) and PostgreSQL
(full text)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.paginator import Paginator

from marketplace.models import Gig
from marketplace.selectors import (
    GIGS_PER_PAGE,
    GigFilters,
    Sort,
    featured_gigs,
    listed_gigs,
    search_gigs,
)
from marketplace.tests.factories import CategoryFactory, GigFactory, PackageFactory, SellerFactory

pytestmark = pytest.mark.django_db


def gig(title, *, price="25", days=3, tags="", description="Quality work.", **kwargs) -> Gig:
    g = GigFactory(title=title, tags=tags, description=description, basic_package=None, **kwargs)
    PackageFactory(gig=g, price=Decimal(price), delivery_days=days)
    return g


def titles(gigs) -> list[str]:
    return [g.title for g in gigs]


def test_only_active_gigs_of_active_sellers_with_packages_are_listed():
    shown = gig("Shown")
    gig("Paused", status=Gig.Status.PAUSED)
    gig("Gone", seller=SellerFactory(is_active=False))
    GigFactory(title="No packages", basic_package=None)
    assert titles(listed_gigs()) == [shown.title]


def test_a_title_match_ranks_above_a_tag_match_above_a_description_match():
    gig("Brand guidelines", description="A logo usage guide is included.")
    gig("Minimalist logo design")
    gig("Business cards", tags="print, logo")
    gig("Podcast editing")
    result = search_gigs(GigFilters(query="logo"))
    assert titles(result) == ["Minimalist logo design", "Business cards", "Brand guidelines"]


def test_every_word_must_match():
    gig("Logo design for bakeries")
    gig("Logo animation")
    assert titles(search_gigs(GigFilters(query="logo bakeries"))) == ["Logo design for bakeries"]


def test_a_search_with_no_match_is_empty():
    gig("Logo design")
    assert not search_gigs(GigFilters(query="kubernetes")).exists()


def test_category_filter():
    design = CategoryFactory(slug="design")
    gig("Logo", category=design)
    gig("Podcast")
    assert titles(search_gigs(GigFilters(category=design))) == ["Logo"]


def test_price_and_delivery_filters_apply_to_the_cheapest_package():
    cheap = gig("Cheap and slow", price="10", days=14)
    PackageFactory(gig=cheap, tier="premium", price=Decimal("500"), delivery_days=1)
    gig("Mid", price="50", days=2)
    gig("Dear", price="300", days=5)
    assert titles(search_gigs(GigFilters(min_price=Decimal("20"), max_price=Decimal("100")))) == [
        "Mid"
    ]
    assert titles(search_gigs(GigFilters(max_days=5, sort=Sort.PRICE_LOW))) == ["Mid", "Dear"]
    assert search_gigs(GigFilters(max_price=Decimal("10"))).get().starting_days == 14


def test_sorting():
    gig("A", price="40", days=5)
    gig("B", price="10", days=7)
    gig("C", price="90", days=1)
    assert titles(search_gigs(GigFilters(sort=Sort.NEWEST))) == ["C", "B", "A"]
    assert titles(search_gigs(GigFilters(sort=Sort.PRICE_LOW))) == ["B", "A", "C"]
    assert titles(search_gigs(GigFilters(sort=Sort.PRICE_HIGH))) == ["C", "A", "B"]
    assert titles(search_gigs(GigFilters(sort=Sort.FASTEST))) == ["C", "A", "B"]
    # "Best match" without a query falls back to newest; an unknown sort too.
    assert titles(search_gigs(GigFilters(sort=Sort.RELEVANCE))) == ["C", "B", "A"]
    assert titles(search_gigs(GigFilters(sort="bogus"))) == ["C", "B", "A"]


def test_pagination_is_twelve_a_page_and_stable():
    for n in range(GIGS_PER_PAGE + 3):
        gig(f"Gig {n:02d}", price=str(10 + n % 3))
    pages = Paginator(search_gigs(GigFilters(sort=Sort.PRICE_LOW)), GIGS_PER_PAGE)
    first, second = pages.page(1), pages.page(2)
    assert (len(first), len(second)) == (12, 3)
    assert not set(titles(first)) & set(titles(second))


def test_featured_gigs_are_listed_gigs():
    gig("Shown")
    gig("Paused", status=Gig.Status.PAUSED)
    assert titles(featured_gigs()) == ["Shown"]
