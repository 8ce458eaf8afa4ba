"""User text is escaped on the marketplace pages: gig title, description and tags, the seller's
display name and bio, and an order's requirements, on the gig list, gig page, seller page and
order page. The objects are written with the factories (the ORM, no validation): what counts
here is the page, whatever a validator may or may not refuse on the way in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.models import Order
from marketplace.tests.factories import GigFactory, OrderFactory, SellerFactory

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ESCAPED = {
    SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;",
    IMG: "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
}
RAW_MARKERS = ("<script>alert", "<img src=x", "onerror=alert(1)>")


@pytest.fixture
def hostile_gig(db):
    seller = SellerFactory(username="mallory")
    profile = seller.seller_profile
    profile.display_name = f"Mal {SCRIPT}"
    profile.bio = f"Bio {IMG} and {SCRIPT}"
    profile.save()
    return GigFactory(
        seller=seller,
        slug="hostile-gig",
        title=f"Logo {SCRIPT} {IMG}",
        description=f"Description {SCRIPT}\n\n{IMG}",
        tags=f"logo, {SCRIPT}, {IMG}",
    )


@pytest.fixture
def hostile_order(hostile_gig, bob):
    return OrderFactory(
        gig=hostile_gig,
        buyer=bob,
        status=Order.Status.IN_PROGRESS,
        requirements=f"Requirements {SCRIPT}\n{IMG}",
    )


def assert_escaped(html: str, *shown: str) -> None:
    """No payload reaches the page as markup, and each `shown` text is there, escaped."""
    for marker in RAW_MARKERS:
        assert marker not in html
    for text in shown:
        escaped = text
        for payload, replacement in ESCAPED.items():
            escaped = escaped.replace(payload, replacement)
        assert escaped in html, f"{escaped!r} not on the page"


def test_the_gig_list_escapes_the_title_and_the_sellers_name(client, hostile_gig):
    response = client.get(reverse("marketplace:gig_list"))
    assert response.status_code == 200
    assert_escaped(response.content.decode(), f"Logo {SCRIPT} {IMG}", f"Mal {SCRIPT}")


def test_a_gig_list_search_for_a_payload_escapes_it_in_the_form_and_links(client, hostile_gig):
    response = client.get(reverse("marketplace:gig_list"), {"q": SCRIPT})
    assert response.status_code == 200
    assert_escaped(response.content.decode(), SCRIPT)


def test_the_gig_page_escapes_title_description_tags_and_the_seller(client, hostile_gig):
    response = client.get(reverse("marketplace:gig", args=[hostile_gig.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert_escaped(
        html,
        f"Logo {SCRIPT} {IMG}",  # title (and <title>)
        f"<p>Description {SCRIPT}</p>",
        f"<p>{IMG}</p>",  # description, paragraphs by linebreaks
        f'<span class="tag">{SCRIPT}</span>',
        f'<span class="tag">{IMG}</span>',
        f"Mal {SCRIPT}",
        f"Bio {IMG} and {SCRIPT}",
    )
    assert f"<title>Logo {ESCAPED[SCRIPT]}" in html


def test_the_seller_page_escapes_name_bio_and_gig_titles(client, hostile_gig):
    response = client.get(reverse("marketplace:seller", args=["mallory"]))
    assert response.status_code == 200
    assert_escaped(
        response.content.decode(),
        f"<h1>Mal {SCRIPT}</h1>",
        f"<p>Bio {IMG} and {SCRIPT}</p>",
        f"Gigs by Mal {SCRIPT}",
        f"Logo {SCRIPT} {IMG}",
    )


@pytest.mark.parametrize("viewer", ["bob", "mallory"])
def test_the_order_page_escapes_requirements_title_and_seller_for_both_sides(
    client, hostile_order, viewer
):
    client.force_login(hostile_order.buyer if viewer == "bob" else hostile_order.seller)
    response = client.get(reverse("marketplace:order", args=[hostile_order.pk]))
    assert response.status_code == 200
    assert_escaped(
        response.content.decode(),
        f"<p>Requirements {SCRIPT}<br>{IMG}</p>",
        f"<h1>Logo {SCRIPT} {IMG}</h1>",
        f"Mal {SCRIPT}",
    )
