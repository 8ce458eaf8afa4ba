"""Offer pages and steps over HTTP: the inline form in the thread, JSON for offers.js, the
no-JavaScript offer page, and who may do what."""

from __future__ import annotations

import json

import pytest

from deals.models import Offer
from inbox.models import Message
from marketplace.models import Order

pytestmark = pytest.mark.django_db

FORM = {
    "description": "Three concepts and a brand sheet.",
    "price": "120.00",
    "delivery_days": "5",
    "revisions": "2",
    "expires_in_days": "3",
}
JSON = {"HTTP_ACCEPT": "application/json"}


def offer_url(conversation) -> str:
    return f"/deals/conversations/{conversation.pk}/offers/new/"


def test_alice_sees_the_send_offer_form_in_the_thread_and_bob_does_not(
    client, conversation, alice, bob, gig
):
    client.force_login(alice)
    page = client.get(f"/inbox/{conversation.pk}/").content.decode()
    assert "Send a custom offer" in page and gig.title in page
    assert 'id="offers-data"' in page
    client.force_login(bob)
    assert "Send a custom offer" not in client.get(f"/inbox/{conversation.pk}/").content.decode()


def test_the_offer_form_is_drawn_only_where_the_create_an_offer_button_is(
    client, offer, alice, bob, conversation
):
    """One offer control: in the order's own thread the seller gets no "Create an offer"
    button, so no inline form either (it used to be drawn there without its button)."""
    from deals import services
    from inbox.models import Conversation

    order = services.accept_offer(offer=offer, buyer=bob)
    order_thread = Conversation.objects.get(order=order)
    client.force_login(alice)
    general = client.get(f"/inbox/{conversation.pk}/").content.decode()
    assert general.count("data-composer-action") == 1 and general.count("data-offer-form") == 1
    in_order = client.get(f"/inbox/{order_thread.pk}/").content.decode()
    assert "data-composer-action" not in in_order and "data-offer-form" not in in_order


def test_alice_sends_an_offer_without_javascript(client, conversation, alice, gig):
    client.force_login(alice)
    response = client.post(offer_url(conversation), {**FORM, "gig": gig.pk})
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert response.url == f"/inbox/{conversation.pk}/#m{offer.message.seq}"
    assert offer.price == 120 and offer.buyer.username == "bob"


def test_offers_js_gets_the_offer_object_back(client, conversation, alice, gig):
    client.force_login(alice)
    response = client.post(
        offer_url(conversation),
        {
            **FORM,
            "gig": gig.pk,
            "milestone_1_title": "Sketches",
            "milestone_1_amount": "40",
            "milestone_1_due_days": "2",
            "milestone_2_title": "Final",
            "milestone_2_amount": "80",
            "milestone_2_due_days": "5",
        },
        **JSON,
    )
    assert response.status_code == 201
    offer = response.json()["offer"]
    assert (offer["status"], offer["price"], offer["buyer_id"]) == (
        "pending",
        "120.00",
        conversation.other_user_id(alice.pk),
    )
    assert [m["amount"] for m in offer["milestones"]] == ["40.00", "80.00"]


def test_contact_details_are_refused_with_a_clear_error_and_nothing_is_lost(
    client, conversation, alice, gig
):
    client.force_login(alice)
    text = "Mail me at alice.design@gmail.com"
    response = client.post(offer_url(conversation), {**FORM, "gig": gig.pk, "description": text})
    page = response.content.decode()
    assert (
        response.status_code == 400
        and "Contact details are not allowed" in page
        and "alice.desi" in page
    )
    assert "Three concepts" not in page and text in page  # the typed text is kept in the form
    response = client.post(
        offer_url(conversation), {**FORM, "gig": gig.pk, "description": text}, **JSON
    )
    assert response.status_code == 400 and "Contact details" in json.dumps(
        response.json()["errors"]
    )
    assert not Offer.objects.exists()


def test_half_a_milestone_is_an_error(client, conversation, alice, gig):
    client.force_login(alice)
    response = client.post(
        offer_url(conversation), {**FORM, "gig": gig.pk, "milestone_1_title": "Sketches"}, **JSON
    )
    assert response.status_code == 400 and "milestone_1_title" in response.json()["errors"]


def test_bob_cannot_send_an_offer(client, conversation, bob, gig):
    client.force_login(bob)
    response = client.post(offer_url(conversation), {**FORM, "gig": gig.pk}, **JSON)
    assert response.status_code == 400 and not Offer.objects.exists()


def test_alice_cannot_choose_someone_elses_gig(client, conversation, alice, dave):
    from marketplace.tests.factories import GigFactory

    daves = GigFactory(seller=dave)
    client.force_login(alice)
    response = client.post(offer_url(conversation), {**FORM, "gig": daves.pk}, **JSON)
    assert response.status_code == 400 and "gig" in response.json()["errors"]
    assert not Offer.objects.exists()


def test_bob_accepts_and_lands_on_the_order_page(client, offer, bob):
    client.force_login(bob)
    response = client.post(f"/deals/offers/{offer.pk}/accept/")
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"
    assert "Offer accepted" in client.get(response.url).content.decode()


def test_accepting_over_json_says_where_the_order_is(client, offer, bob):
    client.force_login(bob)
    data = client.post(f"/deals/offers/{offer.pk}/accept/", **JSON).json()
    order = Order.objects.get()
    assert data["redirect"] == f"/orders/{order.pk}/"
    assert data["offer"]["order"] == {
        "id": order.pk,
        "reference": order.reference,
        "url": f"/orders/{order.pk}/",
    }


def test_a_refused_step_is_explained(client, offer, bob):
    client.force_login(bob)
    client.post(f"/deals/offers/{offer.pk}/decline/")
    response = client.post(f"/deals/offers/{offer.pk}/accept/", **JSON)
    assert response.status_code == 409 and response.json()["error"] == "This offer was declined."
    page = client.post(f"/deals/offers/{offer.pk}/accept/", follow=True).content.decode()
    assert "This offer was declined." in page
    assert not Order.objects.exists()


def test_alice_withdraws_from_the_offer_page(client, offer, alice, conversation):
    client.force_login(alice)
    page = client.get(f"/deals/offers/{offer.pk}/").content.decode()
    assert "Withdraw offer" in page and "Accept" not in page
    response = client.post(f"/deals/offers/{offer.pk}/withdraw/")
    assert response.url == f"/inbox/{conversation.pk}/"
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_bob_sees_accept_and_decline_on_the_offer_page(client, offer, bob):
    client.force_login(bob)
    page = client.get(f"/deals/offers/{offer.pk}/").content.decode()
    assert "Accept · $120.00" in page and "Decline" in page and "Withdraw" not in page


def test_steps_need_post(client, offer, bob):
    client.force_login(bob)
    assert client.get(f"/deals/offers/{offer.pk}/accept/").status_code == 405


def test_the_thread_history_carries_the_offer_on_its_message(client, offer, bob, conversation):
    client.force_login(bob)
    data = client.get(f"/api/inbox/conversations/{conversation.pk}/messages/").json()
    (with_offer,) = [m for m in data["messages"] if "offer" in m]
    assert with_offer["id"] == offer.message_id and with_offer["offer"]["id"] == offer.pk
    assert Message.objects.filter(conversation=conversation).count() == len(data["messages"])
