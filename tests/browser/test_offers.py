"""Custom offers in a real browser: alice (seller) and bob (buyer) in two browser contexts on
a real daphne process. Alice sends an offer from the chat; Bob sees the card arrive live,
accepts it through the checkout summary, and lands on the new order's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from deals.models import Offer
from inbox.conversations import get_or_start_conversation
from marketplace.models import Order
from marketplace.tests.factories import GigFactory, SellerFactory, UserFactory
from tests.browser.test_inbox_live import logged_in_context, off_loop, open_thread


@pytest.fixture
def alice(transactional_db):
    return SellerFactory(username="alice", email="alice@example.com")


@pytest.fixture
def bob(transactional_db):
    return UserFactory(username="bob", email="bob@example.com")


@pytest.fixture
def conversation(alice, bob):
    gig = GigFactory(seller=alice, title="I will design a minimalist logo")
    return off_loop(get_or_start_conversation, starter=bob, other=alice, gig=gig)


def test_alice_sends_an_offer_and_bob_accepts_it_live(
    browser, live_daphne, alice, bob, conversation
):
    alice_page = open_thread(
        logged_in_context(browser, live_daphne, alice), live_daphne, conversation
    )
    bob_page = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, conversation)

    expect(bob_page.get_by_role("link", name="Create an offer")).to_have_count(0)
    alice_page.get_by_role("link", name="Create an offer").click()
    form = alice_page.locator("[data-offer-form]")
    form.get_by_label("What you will deliver").fill("Three logo concepts and a brand sheet.")
    form.get_by_label("Price (USD)").fill("120")
    form.get_by_label("Delivery (days)").fill("5")
    form.get_by_label("Revisions").fill("2")
    form.get_by_role("button", name="Send offer").click()

    # Both see the card on the offer's system message, without reloading.
    for page in (alice_page, bob_page):
        card = page.locator("[data-offer-card]")
        expect(card).to_be_visible()
        expect(card).to_contain_text("Three logo concepts and a brand sheet.")
        expect(card).to_contain_text("$120.00")
    expect(
        alice_page.locator("[data-offer-card]").get_by_role("button", name="Withdraw offer")
    ).to_be_visible()

    # Accept leads to the checkout summary (issue 20 walkthrough); Confirm places the order.
    bob_page.locator("[data-offer-card]").get_by_role("link", name=re.compile("Accept")).click()
    bob_page.wait_for_url(re.compile(r"/deals/offers/\d+/checkout/$"))
    expect(bob_page.locator("[data-simulated]")).to_contain_text("Payments are simulated")
    assert not Order.objects.exists()
    bob_page.get_by_role("button", name=re.compile("^Confirm and pay")).click()
    bob_page.wait_for_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get()
    assert bob_page.url.endswith(f"/orders/{order.pk}/")
    expect(bob_page.locator("main")).to_contain_text(order.reference)

    # Alice's card turns to "Accepted" live, with the order's link.
    alice_card = alice_page.locator("[data-offer-card]")
    expect(alice_card).to_contain_text("Accepted")
    expect(alice_card).to_contain_text(order.reference)
    expect(alice_page.locator("li.message.is-system").last).to_contain_text(
        f"accepted — order {order.reference}"
    )
    assert Offer.objects.get().status == Offer.Status.ACCEPTED


def test_a_refused_offer_shows_the_reason_in_the_form(browser, live_daphne, alice, conversation):
    page = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, conversation)
    page.get_by_role("link", name="Create an offer").click()
    form = page.locator("[data-offer-form]")
    form.get_by_label("What you will deliver").fill("Mail me at alice.design@gmail.com")
    form.get_by_label("Price (USD)").fill("120")
    form.get_by_label("Delivery (days)").fill("5")
    form.get_by_role("button", name="Send offer").click()
    expect(form.locator("[data-offer-error]")).to_contain_text("Contact details are not allowed")
    expect(form.get_by_label("What you will deliver")).to_have_value(
        "Mail me at alice.design@gmail.com"
    )
    assert not Offer.objects.exists()


def test_a_seller_has_one_offer_control_which_opens_the_form_in_the_thread(
    browser, live_daphne, alice, conversation
):
    """Sellers used to see two controls (a "Send a custom offer" toggle above the composer and
    the composer's "Create an offer" button, which left the thread). Now the button is the
    only one: it opens the form in place, Cancel and Escape close it and give the focus back."""
    page = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, conversation)
    button = page.get_by_role("link", name="Create an offer")
    expect(button).to_have_count(1)
    expect(page.get_by_text("Send a custom offer")).to_be_hidden()  # the second control, gone
    form = page.locator("[data-offer-form]")
    expect(form).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")

    button.click()
    expect(form).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/inbox/{conversation.pk}/$"))  # stayed in the thread
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(form.get_by_label("Gig")).to_be_focused()
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(button).to_be_focused()

    button.click()
    page.get_by_role("button", name="Cancel").click()
    expect(form).to_be_hidden()
