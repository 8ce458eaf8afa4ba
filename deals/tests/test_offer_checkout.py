"""Issue 20 walkthrough: accepting a custom offer placed the order at once, with no summary.
Accept now leads to the checkout summary a gig order gets (the same partial: what you get,
delivery date in the buyer's zone, revisions, price, payments simulated); the order is
placed only on Confirm, and an offer that closed in between is refused with a clear error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from config import clock
from deals import services
from deals.models import Offer
from marketplace.models import Order, User

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)


@pytest.fixture
def bob_in_tokyo(client, bob, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    User.objects.filter(pk=bob.pk).update(timezone="Asia/Tokyo")
    bob.refresh_from_db()
    client.force_login(bob)
    return bob


def test_the_offer_pages_accept_leads_to_the_summary(client, offer, bob_in_tokyo):
    page = client.get(f"/deals/offers/{offer.pk}/").content.decode()
    assert f'href="/deals/offers/{offer.pk}/checkout/"' in page
    assert f'action="/deals/offers/{offer.pk}/accept/"' not in page


def test_the_summary_states_the_terms_and_places_nothing(client, offer, bob_in_tokyo):
    page = client.get(f"/deals/offers/{offer.pk}/checkout/").content.decode()
    # 5 days from 22:30 UTC on 7 Dec is 12 Dec in UTC, 13 Dec in Tokyo.
    assert "5 days: by Sun 13 Dec 2026" in page and "Asia/Tokyo" in page
    assert "2 revisions" in page and "$120.00" in page
    assert "Payments are simulated" in page
    assert (
        f'action="/deals/offers/{offer.pk}/accept/"' in page and "Confirm and pay $120.00" in page
    )
    assert not Order.objects.exists()


def test_confirm_places_the_order(client, offer, bob_in_tokyo):
    response = client.post(f"/deals/offers/{offer.pk}/accept/")
    order = Order.objects.get()
    assert response.url == f"/orders/{order.pk}/" and order.price == offer.price


@pytest.mark.parametrize(
    ("close", "error"),
    [
        ("withdraw", "The seller withdrew this offer."),
        ("expire", "This offer has expired."),
    ],
)
def test_an_offer_closed_before_confirm_is_refused_clearly(
    client, offer, alice, bob_in_tokyo, monkeypatch, close, error
):
    assert client.get(f"/deals/offers/{offer.pk}/checkout/").status_code == 200
    if close == "withdraw":
        services.withdraw_offer(offer=offer, seller=alice)
    else:
        monkeypatch.setattr(clock, "now", lambda: offer.expires_at + timedelta(minutes=1))
    page = client.post(f"/deals/offers/{offer.pk}/accept/", follow=True).content.decode()
    assert error in page and not Order.objects.exists()
    response = client.get(f"/deals/offers/{offer.pk}/checkout/", follow=True)
    assert error in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/deals/offers/{offer.pk}/"


def test_the_seller_and_strangers_get_no_checkout(client, offer, alice, charlie):
    client.force_login(alice)
    page = client.get(f"/deals/offers/{offer.pk}/checkout/", follow=True).content.decode()
    assert "Only the buyer can do that." in page and "Confirm and pay" not in page
    client.force_login(charlie)
    assert client.get(f"/deals/offers/{offer.pk}/checkout/").status_code == 404
    assert Offer.objects.get().status == Offer.Status.PENDING
