"""Charlie, a stranger to Alice and Bob's deals, gets 404 on every deals URL of theirs: the
same answer as for something that does not exist. Anonymous visitors are sent to log in."""

from __future__ import annotations

import pytest

from deals import services
from deals.models import Offer
from marketplace.models import Order
from marketplace.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(offer, conversation, gig, bob, alice):
    reply = services.create_saved_reply(user=bob, title="Thanks", body="Thank you, talk soon.")
    order = OrderFactory(gig=gig, buyer=bob, status=Order.Status.COMPLETED)
    return {
        "get": [
            f"/deals/conversations/{conversation.pk}/offers/new/",
            f"/deals/offers/{offer.pk}/",
            f"/deals/orders/{order.pk}/review/",
            f"/deals/quick-replies/{reply.pk}/edit/",
        ],
        "post": [
            f"/deals/conversations/{conversation.pk}/offers/new/",
            f"/deals/offers/{offer.pk}/accept/",
            f"/deals/offers/{offer.pk}/decline/",
            f"/deals/offers/{offer.pk}/withdraw/",
            f"/deals/orders/{order.pk}/review/",
            f"/deals/quick-replies/{reply.pk}/edit/",
            f"/deals/quick-replies/{reply.pk}/delete/",
        ],
        "missing": [
            "/deals/conversations/999999/offers/new/",
            "/deals/offers/999999/",
            "/deals/orders/999999/review/",
            "/deals/quick-replies/999999/edit/",
        ],
    }


def test_charlie_gets_404_on_every_url(client, urls, charlie, offer):
    client.force_login(charlie)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert (
            client.post(url, {"title": "x", "body": "y", "rating": "1", "text": "bad"}).status_code
            == 404
        ), url
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_missing_objects_get_the_same_404(client, urls, charlie):
    client.force_login(charlie)
    for url in urls["missing"]:
        assert client.get(url).status_code == 404, url


def test_alice_cannot_edit_bobs_saved_reply(client, urls, alice):
    client.force_login(alice)
    assert client.get(urls["get"][3]).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, urls):
    for url in urls["get"] + ["/deals/quick-replies/", "/seller/dashboard/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
