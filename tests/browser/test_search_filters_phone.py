"""Issue 20: on a phone (390 px) the search filters fold behind a "Filters" button that counts
the active filters, and open when it is pressed; on a wide screen they stay open beside the
results. Screenshots (folded and open at 390 px, 1280 px) go to $GIGBOX_VAR_DIR/screenshots/."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.browser.test_storefront import TIMEOUT_MS, WIDTHS, seeded  # noqa: F401 (fixture)

SHOTS = settings.VAR_DIR / "screenshots"
FILTERED = "/gigs/?q=logo&max_price=100&max_days=3&sort=price_asc"


@pytest.mark.usefixtures("seeded")
def test_the_filters_fold_behind_a_counting_button_on_a_phone(live_daphne, page: Page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_default_timeout(TIMEOUT_MS)
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(f"{live_daphne.url}{FILTERED}")
    button = page.locator("[data-filters-toggle]")
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Filters 2 active")  # the sort is not a filter
    form = page.get_by_role("form", name="Filter gigs")
    expect(form).to_be_hidden()
    expect(page.locator("[data-gig-card]").first).to_be_in_viewport()  # results come first
    page.screenshot(path=str(SHOTS / "search-filters-phone-folded.png"))

    button.click()
    expect(form).to_be_visible()
    expect(page.get_by_label("Max price")).to_have_value("100")
    page.screenshot(path=str(SHOTS / "search-filters-phone-open.png"), full_page=True)
    button.click()
    expect(form).to_be_hidden()

    page.goto(f"{live_daphne.url}/gigs/?q=logo")
    expect(page.locator("[data-filters-toggle]")).to_have_accessible_name("Filters")

    page.set_viewport_size(WIDTHS["desktop"])
    page.goto(f"{live_daphne.url}{FILTERED}")
    expect(page.locator("[data-filters-toggle]")).to_be_hidden()
    expect(form).to_be_visible()
    page.screenshot(path=str(SHOTS / "search-filters-desktop.png"))
