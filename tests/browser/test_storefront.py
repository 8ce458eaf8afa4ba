"""The storefront in Chromium: images, search that finds, checkout with questions, away mode.

Pages are photographed at 390 px and 1280 px into var/screenshots/ (git-ignored): home,
search, a gig page and checkout, to be looked at.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from inbox.away import AWAY_REPLY_OPENING
from inbox.conversations import get_or_start_conversation
from inbox.models import Message
from marketplace import gig_content, seeding
from marketplace.gig_content import QuestionData
from marketplace.models import Gig, Order
from marketplace.tests.factories import CategoryFactory, GigFactory, SellerFactory, UserFactory
from tests.browser.support import off_loop

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
TIMEOUT_MS = 20_000


def png(colour=(27, 127, 91), size=(1200, 750)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((300, 100, 900, 650), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def shoot(page: Page, url: str, name: str) -> None:
    """Photograph `url` at phone and desktop width; the page is left at desktop width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.goto(url)
        _load_lazy_images(page)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["desktop"])


def _load_lazy_images(page: Page) -> None:
    """Load the lazily loaded pictures now, so that the full-page shot shows them."""
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function(
        "() => [...document.images].every((img) => img.complete)", timeout=TIMEOUT_MS
    )


def context_of(browser: Browser, live_daphne, user) -> BrowserContext:
    """A browser context with a session of `user` (no login form needed)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=WIDTHS["desktop"], locale="en-US", timezone_id="UTC")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_daphne.url}]
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def seeded(live_daphne):
    """The demo's users, categories and gigs (with their drawn pictures), without orders."""
    data = json.loads((Path(settings.BASE_DIR) / "seeds/10_marketplace.json").read_text())
    seeding.load({**data["data"], "orders": []}, io.StringIO())


def search(page: Page, base: str, words: str) -> None:
    page.goto(f"{base}/")
    page.fill("#header-q", words)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Gigs for “{words}”")).to_be_visible()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("logos", "I will design a minimalist logo for your brand"),
        ("designers", "I will design print-ready business cards"),
        ("wordpres", "I will build a fast, responsive WordPress website"),
    ],
)
def test_search_finds_the_seeded_gigs(seeded, live_daphne, page: Page, words, expected):
    page.set_default_timeout(TIMEOUT_MS)
    search(page, live_daphne.url, words)
    card = page.locator("[data-gig-card]").filter(has_text=expected)
    expect(card).to_have_count(1)
    expect(card.locator("img[data-cover]")).to_be_visible()  # the drawn cover
    if words == "logos":
        shoot(page, f"{live_daphne.url}/", "home")
        shoot(page, f"{live_daphne.url}/gigs/?q=logos", "search")
        gig = Gig.objects.get(title=expected)
        shoot(page, f"{live_daphne.url}{gig.get_absolute_url()}", "gig")


def test_nothing_found_offers_a_broader_search(seeded, live_daphne, page: Page):
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_daphne.url}/gigs/?q=logo+kubernetes")
    expect(page.locator("[data-empty-results]")).to_contain_text("No gigs match")
    page.locator("[data-broader]", has_text="“logo”").click()
    expect(page.locator("[data-gig-card]").first).to_be_visible()


@pytest.fixture
def alices_gig(live_daphne):
    alice = SellerFactory(username="alice", email="alice@example.com")
    category = CategoryFactory(name="Logo & Brand Design", slug="logo-brand-design")
    return GigFactory(
        seller=alice,
        title="I will design a minimalist logo",
        slug="minimalist-logo",
        category=category,
        tags="logo, branding",
        description="Clean vector logos with source files.",
    )


def test_alice_uploads_images_and_they_show_everywhere(
    alices_gig, live_daphne, browser: Browser, page: Page
):
    base = live_daphne.url
    alice = context_of(browser, live_daphne, alices_gig.seller)
    try:
        manage = alice.new_page()
        manage.goto(f"{base}/seller/gigs/{alices_gig.pk}/images/")
        for colour in ((27, 127, 91), (200, 90, 40)):
            manage.set_input_files(
                "input[name=image]",
                files=[{"name": "work.png", "mimeType": "image/png", "buffer": png(colour)}],
            )
            manage.get_by_role("button", name="Upload").click()
            expect(manage.get_by_text("Image added.")).to_be_visible()
        expect(manage.locator("[data-gig-image]")).to_have_count(2)
        # A file that is not an image is refused with a clear message.
        manage.set_input_files(
            "input[name=image]",
            files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"plain text"}],
        )
        manage.get_by_role("button", name="Upload").click()
        expect(manage.get_by_text("Only images can be uploaded here")).to_be_visible()
        expect(manage.locator("[data-gig-image]")).to_have_count(2)
    finally:
        alice.close()

    cover = alices_gig.images.first()
    page.set_default_timeout(TIMEOUT_MS)
    search(page, base, "logo")
    card_image = page.locator("[data-gig-card] img[data-cover]")
    expect(card_image).to_have_attribute("src", cover.large.url)
    assert page.evaluate("(img) => img.naturalWidth", card_image.element_handle()) == 640
    page.goto(f"{base}/")
    expect(page.locator("[data-gig-card] img[data-cover]")).to_have_attribute(
        "src", cover.large.url
    )
    page.goto(f"{base}{alices_gig.get_absolute_url()}")
    expect(page.locator("[data-gallery-image]")).to_have_count(2)
    expect(page.locator('meta[property="og:image"]')).to_have_attribute(
        "content", re.compile(re.escape(cover.image.url) + "$")
    )
    response = page.request.get(f"{base}{cover.large.url}")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_bob_checks_out_answering_alices_questions(
    alices_gig, live_daphne, browser: Browser, page: Page
):
    off_loop(
        gig_content.set_requirement_questions,
        gig=alices_gig,
        questions=[
            QuestionData(prompt="What is the brand name?"),
            QuestionData(prompt="Which style?", kind="choice", choices="Flat\nHand-drawn"),
            QuestionData(prompt="Your old logo", kind="file", required=False),
        ],
    )
    bob = UserFactory(username="bob", email="bob@example.com", timezone="Asia/Tokyo")
    base = live_daphne.url
    context = context_of(browser, live_daphne, bob)
    try:
        buyer = context.new_page()
        buyer.goto(f"{base}{alices_gig.get_absolute_url()}")
        buyer.get_by_role("button", name="Continue (Basic)").click()
        expect(buyer.get_by_role("heading", name="Checkout")).to_be_visible()
        expect(buyer.locator("[data-revisions]")).to_have_text("1 revision")
        expect(buyer.locator("[data-simulated]")).to_contain_text("Payments are simulated")
        expect(buyer.get_by_text("Asia/Tokyo")).to_be_visible()
        shoot(buyer, buyer.url, "checkout")
        # A contact detail in an answer is refused; nothing is ordered.
        buyer.get_by_label("What is the brand name?").fill("Bakery, mail bob@gmail.com")
        buyer.get_by_label("Flat").check()
        buyer.get_by_role("button", name=re.compile("^Confirm and pay")).click()
        expect(buyer.get_by_text("Contact details are not allowed")).to_be_visible()
        assert not Order.objects.exists()
        buyer.get_by_label("What is the brand name?").fill("Bob's Bakery")
        buyer.get_by_label("Hand-drawn").check()
        buyer.set_input_files(
            "input[type=file]",
            files=[{"name": "old.png", "mimeType": "image/png", "buffer": png()}],
        )
        buyer.get_by_role("button", name=re.compile("^Confirm and pay")).click()
        expect(buyer.locator("[data-order-status]")).to_have_text("In progress")
        expect(buyer.locator("[data-answers]")).to_contain_text("Bob's Bakery")
        expect(buyer.locator("[data-answers]")).to_contain_text("Hand-drawn")
        expect(buyer.get_by_role("link", name="Download old.png")).to_be_visible()
    finally:
        context.close()
    order = Order.objects.get()
    assert order.status == Order.Status.IN_PROGRESS and order.answers.count() == 3


def test_away_mode_hides_alices_gigs_and_answers_bob_once(
    alices_gig, live_daphne, browser: Browser
):
    base = live_daphne.url
    alice = alices_gig.seller
    bob = UserFactory(username="bob", email="bob@example.com")
    conversation = off_loop(get_or_start_conversation, starter=bob, other=alice)
    seller_context = context_of(browser, live_daphne, alice)
    buyer_context = context_of(browser, live_daphne, bob)
    try:
        seller = seller_context.new_page()
        seller.goto(f"{base}/seller/away/")
        until = (timezone.now() + timedelta(days=10)).date().isoformat()
        seller.get_by_label("Away until").fill(until)
        seller.get_by_label("Away reply").fill("On holiday until the 20th, I will answer then.")
        seller.get_by_role("button", name="Save").click()
        expect(seller.locator(".flash")).to_have_text("You are away.")

        buyer = buyer_context.new_page()
        buyer.goto(f"{base}/gigs/?q=logo")
        expect(buyer.locator("[data-gig-card]")).to_have_count(0)
        buyer.goto(f"{base}/sellers/alice/")
        expect(buyer.locator("[data-away-note]")).to_contain_text("is away until")

        buyer.goto(f"{base}/inbox/{conversation.pk}/")
        buyer.wait_for_function(
            "() => window.GigboxRealtime && window.GigboxRealtime.isOpen()", timeout=TIMEOUT_MS
        )
        expect(buyer.locator("[data-away-note]")).to_be_visible()
        box = buyer.get_by_label(re.compile("^Message to "))
        for text in ("Hi Alice, a logo for my bakery?", "Also business cards?"):
            box.fill(text)
            box.press("Enter")
            expect(buyer.locator("li.message.is-mine").filter(has_text=text)).to_have_count(1)
        buyer.reload()
        # In the thread (the conversation list may preview it too): one away reply.
        system = buyer.locator("[data-message-list] li.message.is-system")
        expect(system.filter(has_text=AWAY_REPLY_OPENING)).to_have_count(1)
        expect(system.filter(has_text="On holiday until the 20th")).to_have_count(1)
    finally:
        seller_context.close()
        buyer_context.close()
    replies = Message.objects.filter(conversation=conversation, body__startswith=AWAY_REPLY_OPENING)
    assert replies.count() == 1
