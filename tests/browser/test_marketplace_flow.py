"""The marketplace end to end in Chromium: sign up, search, order, requirements, delivery, accept.

Bob signs up and buys in one browser context; Alice, a seller, delivers in another. Along the
way the home and gig pages are photographed at phone and desktop width into /tmp/shots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from marketplace.models import Order
from marketplace.tests.factories import PASSWORD, CategoryFactory, GigFactory, SellerFactory

SHOTS = Path("/tmp/shots")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def alices_gig(live_daphne):
    alice = SellerFactory(username="alice", email="alice@example.com")
    category = CategoryFactory(name="Logo & Brand Design", slug="logo-brand-design")
    GigFactory(
        seller=alice,
        title="I will design a podcast cover",
        slug="podcast-cover",
        category=category,
        tags="podcast, cover art",
        description="Square cover art for your show.",
    )
    return GigFactory(
        seller=alice,
        title="I will design a minimalist logo",
        slug="minimalist-logo",
        category=category,
        tags="logo, branding",
        description="Clean vector logos with source files.",
    )


def shoot(page: Page, url: str, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for label, width in (("phone", 390), ("desktop", 1280)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.screenshot(path=str(SHOTS / f"marketplace-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(page: Page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("#site-nav summary")).to_have_text(login)


def test_bob_signs_up_orders_and_accepts_alices_delivery(
    live_daphne, alices_gig, page: Page, browser: Browser, browser_context_args
):
    base = live_daphne.url
    shoot(page, f"{base}/", "home")
    shoot(page, f"{base}/gigs/{alices_gig.slug}/", "gig")

    # Bob signs up and is logged in (email verification is optional: a link is mailed).
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=email]", "bob@example.com")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password1]", "a-long-passphrase-9")
    page.fill("input[name=password2]", "a-long-passphrase-9")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator("#site-nav summary")).to_have_text("bob")

    # He searches from the header, opens the gig and orders the Basic package.
    page.goto(f"{base}/")
    page.fill("#header-q", "logo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Gigs for “logo”")).to_be_visible()
    expect(page.get_by_role("link", name="I will design a podcast cover")).to_have_count(0)
    page.get_by_role("link", name="I will design a minimalist logo").click()
    expect(page.get_by_text("Payment is simulated").first).to_be_visible()
    page.get_by_role("button", name="Continue (Basic)").click()
    expect(page.locator("[data-simulated]")).to_contain_text("Payments are simulated")
    page.get_by_role("button", name=re.compile(r"^Confirm and pay")).click()

    expect(page.locator("[data-order-status]")).to_have_text("Pending requirements")
    order_url = page.url
    page.get_by_label("What do you need?").fill("A logo for Bob's Bakery, warm colours.")
    page.get_by_role("button", name="Send requirements").click()
    expect(page.locator("[data-order-status]")).to_have_text("In progress")

    # Alice, in her own browser, delivers a note and a file.
    alice_context = browser.new_context(**browser_context_args)
    try:
        alice = alice_context.new_page()
        log_in(alice, base, "alice", PASSWORD)
        alice.goto(f"{base}/orders/")
        alice.get_by_role("link", name="I will design a minimalist logo").click()
        expect(alice.get_by_text("Bob's Bakery")).to_be_visible()
        alice.get_by_label("Delivery note").fill("Three concepts, source files included.")
        alice.set_input_files(
            "input[name=file]", files=[{"name": "logo.png", "mimeType": "image/png", "buffer": PNG}]
        )
        alice.get_by_role("button", name="Deliver", exact=True).click()
        expect(alice.locator("[data-order-status]")).to_have_text("Delivered")
    finally:
        alice_context.close()

    # Bob sees the delivery, downloads nothing, accepts: the order is complete.
    page.goto(order_url)
    expect(page.get_by_role("link", name="Download logo.png")).to_be_visible()
    page.get_by_role("button", name="Accept delivery").click()
    expect(page.locator("[data-order-status]")).to_have_text("Completed")
    expect(page.locator(".timeline li")).to_have_count(4)

    order = Order.objects.get()
    assert (order.status, order.buyer.username, order.seller.username) == (
        "completed",
        "bob",
        "alice",
    )
    assert list(order.events.values_list("kind", flat=True)) == [
        "placed",
        "requirements_sent",
        "delivered",
        "completed",
    ]
