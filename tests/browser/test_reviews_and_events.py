"""Reviews from where the order ends, and order events that carry their next action
(issue 19, problem 4): the completed order page has a "Leave a review" button; the
"You can now review each other" line in the order's thread links to the review page; other
order events link to the order page with the viewer's next step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from deals.models import Review
from inbox.conversations import get_or_start_conversation
from inbox.models import Conversation
from marketplace import services as orders
from marketplace.tests.factories import GigFactory, OrderFactory
from tests.browser.test_inbox_live import logged_in_context, off_loop, open_thread, send


@pytest.fixture
def delivered(alice, bob):
    gig = GigFactory(seller=alice, title="I will design a minimalist logo")
    order = OrderFactory(buyer=bob, gig=gig)
    off_loop(orders.submit_requirements, order=order, actor=bob, requirements="A fox, orange.")
    off_loop(orders.deliver_order, order=order, actor=alice, note="Three concepts attached.")
    order.refresh_from_db()
    return order


def test_the_buyer_reviews_from_the_completed_order_page(browser, live_daphne, delivered, bob):
    off_loop(orders.accept_delivery, order=delivered, actor=bob)
    page = logged_in_context(browser, live_daphne, bob).new_page()
    page.goto(f"{live_daphne.url}{delivered.get_absolute_url()}")
    button = page.get_by_role("link", name=re.compile("Leave a review"))
    expect(button).to_be_visible()
    button.click()
    page.get_by_label("5 stars").check()
    page.get_by_label("Your review").fill("Great logo, fast and friendly.")
    page.get_by_role("button", name="Submit review").click()
    expect(page.locator(".flash")).to_contain_text("your review is saved")
    assert Review.objects.get(order=delivered).author == bob

    page.goto(f"{live_daphne.url}{delivered.get_absolute_url()}")
    expect(page.get_by_role("link", name=re.compile("Leave a review"))).to_have_count(0)
    expect(page.get_by_role("link", name="See the reviews of this order")).to_be_visible()


def test_order_events_in_the_thread_carry_their_next_action(
    browser, live_daphne, delivered, alice, bob
):
    thread = Conversation.objects.get(order=delivered)
    bob_page = open_thread(logged_in_context(browser, live_daphne, bob), live_daphne, thread)
    delivered_line = bob_page.locator("li.is-system", has_text="delivered")
    # The newest event carries the order's current steps, as the side panel does.
    expect(delivered_line.get_by_role("button", name="Accept delivery")).to_be_visible()
    expect(delivered_line.get_by_role("link", name="Ask for a revision")).to_have_attribute(
        "href", f"{delivered.get_absolute_url()}#review-title"
    )
    # The requirements line names the due time in the viewer's zone, not as stored (UTC).
    requirements = bob_page.locator("li.is-system", has_text="sent the requirements")
    expect(requirements.locator("time[data-system-time]")).to_have_count(1)
    expect(requirements).not_to_contain_text("UTC")

    off_loop(orders.accept_delivery, order=delivered, actor=bob)  # arrives live
    done = bob_page.locator("li.is-system", has_text="review each other")
    review = done.get_by_role("link", name="Leave a review")
    expect(review).to_have_attribute("href", f"/deals/orders/{delivered.pk}/review/")
    review.click()
    expect(bob_page.get_by_role("button", name="Submit review")).to_be_visible()

    alice_page = open_thread(logged_in_context(browser, live_daphne, alice), live_daphne, thread)
    expect(
        alice_page.locator("li.is-system", has_text="review each other").get_by_role(
            "link", name="Leave a review"
        )
    ).to_be_visible()


def test_contact_seller_on_a_second_gig_names_that_gig_in_the_thread(
    browser, live_daphne, alice, bob
):
    """Issue 19, problem 8: the thread header names the gig of the latest contact."""
    logo = GigFactory(seller=alice, title="I will design a minimalist logo")
    cover = GigFactory(seller=alice, title="I will design a podcast cover")
    page = logged_in_context(browser, live_daphne, bob).new_page()
    for gig in (logo, cover):
        page.goto(f"{live_daphne.url}{gig.get_absolute_url()}")
        page.get_by_role("button", name="Contact seller").click()
        expect(page.locator(".thread-about")).to_contain_text(gig.title)
    assert Conversation.objects.filter(order__isnull=True).count() == 1


def test_contact_seller_lands_with_the_header_in_view_and_the_box_focused(
    browser, live_daphne, alice, bob
):
    """Re-walk: "Contact seller" landed on /inbox/<id>/#composer scrolled down, the thread's
    header (and its away line) cut off, and the message box without the focus."""
    gig = GigFactory(seller=alice, title="I will design a minimalist logo")
    thread = off_loop(get_or_start_conversation, starter=bob, other=alice, gig=gig)
    for n in range(40):
        send(thread, alice if n % 2 else bob, f"Line {n}: a longer message about the logo brief")
    page = logged_in_context(browser, live_daphne, bob).new_page()
    page.goto(f"{live_daphne.url}{gig.get_absolute_url()}")
    page.get_by_role("button", name="Contact seller").click()
    expect(page.locator(".thread-about")).to_contain_text(gig.title)
    expect(page.locator("[data-composer-input]")).to_be_focused()
    assert page.evaluate("window.scrollY") == 0
    assert "#composer" not in page.url
