"""Issue 18 in a real browser (daphne + Chromium): a burst of 20 contact messages handled as
one case with one strike and no false positive on the rules page; keyboard triage of cases;
a queue dense enough for 20+ rows on 1400x900; the per-user page with a strike without a flag.

With GIGBOX_DOCS_SCREENSHOTS=1 the screenshots of docs/moderation.md are written to docs/img/
(small palette PNGs); otherwise to the test's temporary directory."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import expect

from inbox.conversations import get_or_start_conversation
from inbox.send import send_message
from marketplace.roles import MODERATORS
from marketplace.tests.factories import SellerFactory, UserFactory
from moderation.models import Case, Flag, Strike
from moderation.tests.groups import ensure_staff_groups
from tests.browser.support import off_loop
from tests.browser.test_moderation_admin import browser_as

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
VIEWPORT = {"width": 1400, "height": 900}


def shoot(page, name: str, tmp_path: Path, *, full_page: bool = False) -> Path:
    """A screenshot as a small palette PNG (docs/img/ when asked, else tmp_path)."""
    folder = DOCS_IMG if os.environ.get("GIGBOX_DOCS_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    image = Image.open(io.BytesIO(page.screenshot(full_page=full_page))).convert("RGB")
    image.quantize(colors=64).save(target, optimize=True)
    assert target.stat().st_size < 150_000
    return target


def moderator():
    ensure_staff_groups()  # an earlier test's flush removes migration data
    mona = UserFactory(username="mona", email="mona@example.com", is_staff=True)
    mona.groups.add(Group.objects.get(name=MODERATORS))
    return mona


def send_contacts(sender, other, count: int) -> None:
    conversation = off_loop(get_or_start_conversation, starter=sender, other=other)
    for i in range(count):
        off_loop(
            send_message,
            conversation=conversation,
            sender=sender,
            body=f"call me on +49 151 2345678{i % 10}, or whatsapp me ({i})",
            client_id=uuid.uuid4().hex,
        )


def test_a_burst_of_twenty_is_one_case_one_strike_and_no_false_positive(
    live_daphne, browser, tmp_path
):
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    mona = moderator()
    send_contacts(bob, alice, 20)
    assert Flag.objects.count() == 20 and Case.objects.count() == 1

    context = browser_as(browser, live_daphne, mona)
    page = context.new_page()
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{live_daphne.url}/admin/moderation/case/", timeout=30_000)
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list tbody tr").first.locator("th a").click()
    expect(page.locator("[data-case-flag]")).to_have_count(20)
    expect(page.locator("[data-where]")).to_contain_text("alice")
    shoot(page, "moderation-case.png", tmp_path)
    page.get_by_role("button", name="Confirm case and give one strike").click()
    expect(page.locator(".messagelist")).to_contain_text("strike")

    strike = Strike.objects.get()
    assert strike.user == bob and strike.note.count("\n- ") == 20
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"confirmed", "covered"}

    page.goto(f"{live_daphne.url}/admin/moderation/flag/rules/")
    rows = page.locator("tr[data-rule]")
    expect(rows.first).to_be_visible()
    for i in range(rows.count()):
        row = rows.nth(i)
        expect(row.locator("[data-dismissed]")).to_have_text("0")
        expect(row.locator("[data-confirmed]")).to_have_text("1")
        expect(row.locator("[data-rate]")).to_have_text("1 decision, too few for a rate")


def test_keyboard_triage_and_a_dense_queue(live_daphne, browser, tmp_path):
    alice = SellerFactory(username="alice", email="alice@example.com")
    senders = [UserFactory(username=f"buyer{i:02d}") for i in range(24)]
    mona = moderator()
    for sender in senders:
        send_contacts(sender, alice, 2)
    cases = list(Case.objects.order_by("opened_at", "id"))
    assert len(cases) == 24

    page = browser_as(browser, live_daphne, mona).new_page()
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{live_daphne.url}/admin/moderation/case/", timeout=30_000)
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(24)
    visible = sum(
        1
        for i in range(rows.count())
        if (box := rows.nth(i).bounding_box()) and box["y"] + box["height"] <= VIEWPORT["height"]
    )
    assert visible >= 20, f"only {visible} case rows fit 1400x900"
    shoot(page, "moderation-queue.png", tmp_path)
    # Walkthrough 7 (t18b): the case and flag queues fit 1400 px, the age column in view.
    for queue in ("case", "flag"):
        page.goto(f"{live_daphne.url}/admin/moderation/{queue}/", timeout=30_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        age = page.locator("#result_list th.column-age").bounding_box()
        assert width <= VIEWPORT["width"] and age["x"] + age["width"] <= VIEWPORT["width"], (
            f"the {queue} queue is {width} px wide"
        )
    page.goto(f"{live_daphne.url}/admin/moderation/case/", timeout=30_000)

    expect(page.locator("[data-triage-queue][data-triage-ready]")).to_be_attached()
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("triage-current")
    page.keyboard.press("n")  # the first open case
    expect(page.locator(f"[data-triage-ready][data-triage-case='{cases[0].pk}']")).to_be_visible()
    page.keyboard.press("c")  # confirm asks first
    expect(page.locator("[data-triage-prompt]")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("[data-triage-prompt]")).to_be_hidden()
    assert Case.objects.get(pk=cases[0].pk).status == Case.Status.OPEN
    page.keyboard.press("c")
    page.keyboard.press("y")  # one strike; the next case opens
    expect(page.locator(f"[data-triage-ready][data-triage-case='{cases[1].pk}']")).to_be_visible()
    page.keyboard.press("d")
    page.keyboard.press("Enter")  # dismissed; the next case opens
    expect(page.locator(f"[data-triage-ready][data-triage-case='{cases[2].pk}']")).to_be_visible()
    page.keyboard.press("n")  # skipped
    expect(page.locator(f"[data-triage-ready][data-triage-case='{cases[3].pk}']")).to_be_visible()
    page.keyboard.press("k")
    expect(page.locator(f"[data-triage-ready][data-triage-case='{cases[2].pk}']")).to_be_visible()

    statuses = [Case.objects.get(pk=case.pk).status for case in cases[:3]]
    assert statuses == ["confirmed", "dismissed", "open"]
    assert Strike.objects.get().user == senders[0]
    assert not Flag.objects.filter(case=cases[1], resolution="covered").exists()


def test_the_user_page_gives_a_strike_without_a_flag(live_daphne, browser, tmp_path):
    alice = SellerFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    mona = moderator()
    send_contacts(bob, alice, 1)

    page = browser_as(browser, live_daphne, mona).new_page()
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{live_daphne.url}/admin/moderation/case/", timeout=30_000)
    page.get_by_role("link", name="bob").first.click()  # every username leads to this page
    expect(page.locator("[data-user-page]")).to_be_visible()
    expect(page.locator("[data-section='identity']")).not_to_contain_text("bob@example.com")

    form = page.locator("form[data-action='strike']")
    form.get_by_label("Strike for").select_option("off_platform_payment")
    form.get_by_label("Reason (shown to the user)").fill(
        "You asked a buyer to pay you by bank transfer (reported to support)."
    )
    form.get_by_label("Evidence links (staff only)").fill("https://support.example/ticket/881")
    form.get_by_role("button", name="Give strike").click()
    expect(page.locator(".messagelist")).to_contain_text("given to bob")
    strike = Strike.objects.get()
    assert strike.flag is None and strike.evidence == "https://support.example/ticket/881"
    expect(page.locator(f"[data-strike='{strike.pk}']")).to_contain_text("(no flag)")

    note = page.locator("form[data-action='note']")
    note.get_by_label("Staff note").fill("Second complaint this month; watch the next order.")
    note.get_by_role("button", name="Add note").click()
    expect(page.locator("[data-section='notes']")).to_contain_text("Second complaint")
    shoot(page, "moderation-user.png", tmp_path, full_page=True)


def test_keyboard_triage_of_a_burst_of_twenty_cases(live_daphne, browser):
    """Issue 18, "keyboard triage of 20 cases": twenty senders, one case each, decided from
    the keyboard alone, confirm and dismiss in turn (c y / d Enter), one skipped with n and
    come back to with k; each decision opens the next open case, the last one the queue."""
    alice = SellerFactory(username="alice", email="alice@example.com")
    senders = [UserFactory(username=f"burst{i:02d}") for i in range(20)]
    mona = moderator()
    for sender in senders:
        send_contacts(sender, alice, 1)
    cases = list(Case.objects.order_by("opened_at", "id"))
    assert len(cases) == 20

    page = browser_as(browser, live_daphne, mona).new_page()
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{live_daphne.url}/admin/moderation/case/", timeout=30_000)
    expect(page.locator("[data-triage-queue][data-triage-ready]")).to_be_attached()

    def showing(case: Case):
        return expect(page.locator(f"[data-triage-ready][data-triage-case='{case.pk}']"))

    page.keyboard.press("n")  # the first open case
    showing(cases[0]).to_be_visible()
    page.keyboard.press("n")  # skip the first: the second opens
    showing(cases[1]).to_be_visible()
    page.keyboard.press("k")  # and back
    showing(cases[0]).to_be_visible()
    for index, case in enumerate(cases):
        showing(case).to_be_visible()
        if index % 2 == 0:
            page.keyboard.press("c")
            expect(page.locator("[data-triage-prompt]")).to_be_visible()
            page.keyboard.press("y")
        else:
            page.keyboard.press("d")
            expect(page.locator("[data-triage-prompt]")).to_be_visible()
            page.keyboard.press("Enter")
        if index + 1 < len(cases):
            showing(cases[index + 1]).to_be_visible()
    expect(page).to_have_url(f"{live_daphne.url}/admin/moderation/case/")

    statuses = [Case.objects.get(pk=case.pk).status for case in cases]
    assert statuses == ["confirmed", "dismissed"] * 10
    struck = set(Strike.objects.values_list("user__username", flat=True))
    assert struck == {sender.username for sender in senders[::2]}
    assert Strike.objects.count() == 10
    assert not Flag.objects.filter(status=Flag.Status.OPEN).exists()
