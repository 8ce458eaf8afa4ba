"""Public pages: home, gig list, gig page, seller page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.models import Gig
from marketplace.selectors import GIGS_PER_PAGE
from marketplace.tests.factories import CategoryFactory, GigFactory, PackageFactory, SellerFactory


def test_home_shows_categories_and_new_gigs(client, gig):
    CategoryFactory(name="Voice over", slug="voice-over")
    response = client.get("/")
    assert response.status_code == 200
    assert b"Voice over" in response.content and gig.title.encode() in response.content


def test_home_has_an_empty_state(client, db):
    assert b"No gigs yet" in client.get("/").content


def test_gig_list_searches_filters_and_keeps_filters_in_page_links(client, alice):
    design = CategoryFactory(name="Design", slug="design")
    for n in range(14):
        GigFactory(seller=alice, title=f"Logo design {n:02d}", category=design)
    GigFactory(seller=alice, title="Podcast editing")
    response = client.get("/gigs/", {"q": "logo", "category": "design", "sort": "newest"})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 14 and len(page.object_list) == 12
    assert b"Podcast editing" not in response.content
    assert b"?q=logo&amp;category=design&amp;sort=newest&amp;page=2" in response.content


def test_gig_list_ignores_bad_filter_values(client, gig):
    response = client.get(
        "/gigs/", {"min_price": "cheap", "max_days": "-3", "category": "nope", "sort": "x"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1


def test_gig_list_has_an_empty_state(client, gig):
    response = client.get("/gigs/", {"q": "kubernetes"})
    assert b"No gigs match" in response.content


def test_gig_list_filters_on_price(client, alice):
    GigFactory(seller=alice, title="Cheap")
    dear = GigFactory(seller=alice, title="Dear", basic_package=None)
    PackageFactory(gig=dear, price=Decimal("400"))
    response = client.get("/gigs/", {"min_price": "100"})
    assert [g.title for g in response.context["page"]] == ["Dear"]


def test_gig_page_shows_packages_and_order_buttons(client, gig, bob):
    PackageFactory(gig=gig, tier="premium", name="Full brand", price=Decimal("180"))
    client.force_login(bob)
    response = client.get(gig.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Full brand" in html and html.count('name="package"') == 2
    assert "Payment is simulated" in html
    assert (
        f'action="/inbox/start/{gig.seller.username}/"' in html
        and f'name="gig" value="{gig.pk}"' in html
    )


def test_anonymous_visitors_are_asked_to_log_in_to_contact_or_order(client, gig):
    html = client.get(gig.get_absolute_url()).content.decode()
    assert "Log in to contact" in html and "Log in to order" in html
    assert "/inbox/start/" not in html


def test_the_seller_sees_no_contact_or_order_button_on_her_gig(client, gig, alice):
    client.force_login(alice)
    html = client.get(gig.get_absolute_url()).content.decode()
    assert "/inbox/start/" not in html and 'name="package"' not in html
    assert "Edit this gig" in html


def test_a_paused_gig_is_404_for_others_but_visible_to_its_seller_and_staff(
    client, gig, alice, bob, staff
):
    gig.status = Gig.Status.PAUSED
    gig.save()
    assert client.get(gig.get_absolute_url()).status_code == 404
    client.force_login(bob)
    assert client.get(gig.get_absolute_url()).status_code == 404
    for user in (alice, staff):
        client.force_login(user)
        response = client.get(gig.get_absolute_url())
        assert response.status_code == 200 and b"paused" in response.content


def test_an_unknown_gig_is_404(client, db):
    assert client.get("/gigs/no-such-gig/").status_code == 404


def test_seller_page_shows_profile_and_active_gigs_only(client, gig, alice):
    GigFactory(seller=alice, title="Secret paused gig", status=Gig.Status.PAUSED)
    response = client.get(reverse("marketplace:seller", args=["alice"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Studio" in html and "member since" in html and gig.title in html
    assert "Secret paused gig" not in html


def test_the_seller_page_has_no_contact_button_for_the_seller_herself(client, gig, alice):
    client.force_login(alice)
    page = client.get(reverse("marketplace:seller", args=["alice"])).content.decode()
    assert "Contact seller" not in page and "/inbox/start/" not in page
    assert "Edit profile" in page


def test_the_seller_page_asks_a_visitor_to_log_in_to_contact(client, gig, alice):
    page = client.get(reverse("marketplace:seller", args=["alice"])).content.decode()
    assert "Log in to contact" in page and "/inbox/start/" not in page
    assert "?next=/sellers/alice/" in page


def test_the_seller_page_shows_her_gigs_in_pages_newest_first(client, alice):
    gigs = [
        GigFactory(seller=alice, title=f"Listed gig number {n:02d}")
        for n in range(GIGS_PER_PAGE + 2)
    ]
    newest_first = [g.title for g in reversed(gigs)]
    first = client.get(reverse("marketplace:seller", args=["alice"])).content.decode()
    second = client.get(reverse("marketplace:seller", args=["alice"]), {"page": 2}).content.decode()
    assert [t for t in newest_first if t in first] == newest_first[:GIGS_PER_PAGE]
    assert [t for t in newest_first if t in second] == newest_first[GIGS_PER_PAGE:]
    assert "Page 1 of 2" in first and 'rel="next" href="?page=2"' in first
    assert "Page 2 of 2" in second and 'rel="prev" href="?page=1"' in second


def test_the_seller_page_has_no_page_links_for_a_few_gigs(client, gig):
    assert (
        'aria-label="Pages"'
        not in client.get(reverse("marketplace:seller", args=["alice"])).content.decode()
    )


@pytest.mark.parametrize("username", ["bob", "nobody"])
def test_seller_page_is_404_for_non_sellers(client, bob, username):
    assert client.get(reverse("marketplace:seller", args=[username])).status_code == 404


def test_seller_page_is_404_for_a_deactivated_seller(client, db):
    SellerFactory(username="gone", is_active=False)
    assert client.get("/sellers/gone/").status_code == 404
