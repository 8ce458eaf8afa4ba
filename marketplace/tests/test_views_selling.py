"""Seller pages: /seller/profile/, /seller/gigs/ (create, edit, pause, resume)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.models import Gig, SellerProfile
from marketplace.selectors import GIGS_PER_PAGE
from marketplace.tests.factories import CategoryFactory, GigFactory, SellerFactory

PROFILE = {
    "display_name": "Bob Builds",
    "bio": "Django developer.",
    "country": "IN",
    "languages": "English, Hindi",
    "skills": "Django",
}


def gig_post(category, **overrides) -> dict:
    data = {
        "title": "I will build your Django site",
        "category": category.pk,
        "description": "Fast, tested Django work.",
        "tags": "django, python",
        "packages-TOTAL_FORMS": "3",
        "packages-INITIAL_FORMS": "0",
        "packages-MIN_NUM_FORMS": "3",
        "packages-MAX_NUM_FORMS": "3",
        "packages-0-name": "Starter",
        "packages-0-description": "One page",
        "packages-0-price": "50",
        "packages-0-delivery_days": "3",
        "packages-0-revisions": "1",
        # Standard is left empty and not offered; premium is offered.
        "packages-2-offered": "on",
        "packages-2-name": "Full site",
        "packages-2-price": "400",
        "packages-2-delivery_days": "14",
        "packages-2-revisions": "3",
    }
    data.update(overrides)
    return data


def test_login_is_required(client, db):
    for url in ("/seller/profile/", "/seller/gigs/", "/seller/gigs/new/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_bob_becomes_a_seller(client, bob):
    client.force_login(bob)
    assert b"Become a seller" in client.get("/seller/profile/").content
    response = client.post("/seller/profile/", PROFILE)
    assert response.status_code == 302 and response.url == "/seller/gigs/new/"
    assert SellerProfile.objects.get(user=bob).display_name == "Bob Builds"


def test_profile_with_contact_details_shows_what_was_found(client, bob):
    client.force_login(bob)
    response = client.post(
        "/seller/profile/", {**PROFILE, "bio": "WhatsApp me: wa.me/919876543210"}
    )
    assert response.status_code == 200
    assert (
        "Contact details are not allowed here: &quot;wa.me/9198\u2026&quot; (WhatsApp link)"
        in response.content.decode()
    )
    assert not SellerProfile.objects.filter(user=bob).exists()


def test_alice_edits_her_profile(client, alice):
    client.force_login(alice)
    assert b"Alice Studio" in client.get("/seller/profile/").content
    client.post("/seller/profile/", {**PROFILE, "display_name": "Alice Designs"})
    assert SellerProfile.objects.get(user=alice).display_name == "Alice Designs"


def test_a_buyer_is_sent_to_the_profile_page_before_selling(client, bob):
    client.force_login(bob)
    response = client.get("/seller/gigs/")
    assert response.status_code == 302 and response.url == "/seller/profile/"


def test_seller_gigs_page_lists_her_gigs_or_an_empty_state(client, alice):
    client.force_login(alice)
    assert b"You have no gigs yet" in client.get("/seller/gigs/").content
    GigFactory(seller=alice, title="Paused one", status=Gig.Status.PAUSED)
    assert b"Paused one" in client.get("/seller/gigs/").content


def test_seller_gigs_page_is_in_pages_newest_first_paused_ones_included(client, alice):
    gigs = [
        GigFactory(
            seller=alice,
            title=f"Own gig number {n:02d}",
            status=Gig.Status.PAUSED if n % 2 else Gig.Status.ACTIVE,
        )
        for n in range(GIGS_PER_PAGE + 1)
    ]
    newest_first = [g.title for g in reversed(gigs)]
    client.force_login(alice)
    first = client.get("/seller/gigs/").content.decode()
    second = client.get("/seller/gigs/", {"page": 2}).content.decode()
    assert [t for t in newest_first if t in first] == newest_first[:GIGS_PER_PAGE]
    assert (
        [t for t in newest_first if t in second]
        == newest_first[GIGS_PER_PAGE:]
        == ["Own gig number 00"]
    )
    assert "Page 1 of 2" in first and 'rel="next" href="?page=2"' in first
    # Junk or out-of-range page numbers show a page, never an error.
    assert "Own gig number 00" in client.get("/seller/gigs/", {"page": 99}).content.decode()
    assert client.get("/seller/gigs/", {"page": "x"}).status_code == 200


def test_alice_creates_a_gig_with_basic_and_premium(client, alice):
    client.force_login(alice)
    assert client.get("/seller/gigs/new/").status_code == 200
    response = client.post("/seller/gigs/new/", gig_post(CategoryFactory()))
    assert response.status_code == 302, response.context["form"].errors
    gig = Gig.objects.get(seller=alice)
    assert response.url == f"/seller/gigs/{gig.pk}/images/"  # next: the pictures
    assert sorted(gig.packages.values_list("tier", "price")) == [
        ("basic", Decimal("50.00")),
        ("premium", Decimal("400.00")),
    ]


def test_the_basic_package_is_required(client, alice):
    client.force_login(alice)
    response = client.post(
        "/seller/gigs/new/", gig_post(CategoryFactory(), **{"packages-0-price": ""})
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Gig.objects.exists()


def test_an_offered_package_is_validated(client, alice):
    client.force_login(alice)
    response = client.post(
        "/seller/gigs/new/", gig_post(CategoryFactory(), **{"packages-2-price": "2"})
    )
    assert response.status_code == 200 and not Gig.objects.exists()
    assert "greater than or equal to 5" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Logo by sam@gmail.com"),
        ("description", "Call +1 415 555 0198"),
        ("packages-0-name", "sam@gmail.com"),
    ],
)
def test_gig_texts_with_contact_details_are_refused_on_the_form(client, alice, field, text):
    client.force_login(alice)
    response = client.post("/seller/gigs/new/", gig_post(CategoryFactory(), **{field: text}))
    assert response.status_code == 200
    assert "Contact details are not allowed here" in response.content.decode()
    assert not Gig.objects.exists()


def test_the_harmless_text_is_accepted(client, alice):
    client.force_login(alice)
    post = gig_post(CategoryFactory(), description="Logo in 3 days for $25, 1920x1080")
    assert client.post("/seller/gigs/new/", post).status_code == 302


def test_alice_edits_her_gig_and_drops_a_package(client, alice):
    client.force_login(alice)
    client.post("/seller/gigs/new/", gig_post(CategoryFactory()))
    gig = Gig.objects.get()
    form_page = client.get(f"/seller/gigs/{gig.pk}/edit/").content.decode()
    assert 'value="Full site"' in form_page
    post = gig_post(
        gig.category, title="I will build your Django app", **{"packages-2-offered": ""}
    )
    assert client.post(f"/seller/gigs/{gig.pk}/edit/", post).status_code == 302
    gig.refresh_from_db()
    assert gig.title == "I will build your Django app"
    assert list(gig.packages.values_list("tier", flat=True)) == ["basic"]


def test_another_sellers_gig_cannot_be_edited_or_paused(client, gig):
    charlie = SellerFactory(username="charlie")
    client.force_login(charlie)
    assert client.get(f"/seller/gigs/{gig.pk}/edit/").status_code == 404
    assert client.post(f"/seller/gigs/{gig.pk}/edit/", gig_post(gig.category)).status_code == 404
    assert client.post(f"/seller/gigs/{gig.pk}/status/", {"status": "paused"}).status_code == 404
    gig.refresh_from_db()
    assert gig.status == Gig.Status.ACTIVE and gig.title == "I will design a minimalist logo"


def test_alice_pauses_and_resumes(client, gig, alice):
    client.force_login(alice)
    assert client.get(f"/seller/gigs/{gig.pk}/status/").status_code == 405
    client.post(f"/seller/gigs/{gig.pk}/status/", {"status": "paused"})
    assert Gig.objects.get(pk=gig.pk).status == Gig.Status.PAUSED
    client.post(f"/seller/gigs/{gig.pk}/status/", {"status": "active"})
    assert Gig.objects.get(pk=gig.pk).status == Gig.Status.ACTIVE
