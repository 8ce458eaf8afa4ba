"""S13 (browser half): the XSS corpus stored everywhere users write, read in Chromium.

tests/security/test_xss_server_side.py checks the HTML the server sends; this checks what a
real browser makes of it, including what the page scripts render themselves (live messages
from the WebSocket, the offer card from its JSON, the list preview). The trap and the checks
are in tests/browser/xss_support.py: records of anything a payload ran, dialogs, and any
event-handler attribute or javascript: URL in the DOM; the contexts bypass the CSP so that
only the escaping is tested.

Every page load must also show payloads as text, so an empty or failed page cannot pass.
Usernames are not a surface: the username validator refuses every payload in the corpus
(test_usernames_refuse_every_payload).

Payloads are grouped (all of them in one conversation, one gig description, one offer ...)
so that each surface is one or two page loads.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from deals.models import Offer
from disputes import services as dispute_services
from inbox.checks import AttachmentUpload
from inbox.conversations import get_or_start_conversation
from inbox.digests import send_unread_digests
from inbox.models import Attachment
from inbox.send import send_message
from marketplace.models import Gig, SellerProfile
from marketplace.tests.factories import GigFactory, SellerFactory, UserFactory
from marketplace.validators import reject_contact_details
from moderation import services as moderation_services
from moderation.models import Strike
from tests.browser.support import off_loop
from tests.browser.xss_support import PAYLOADS, Trap, assert_inert, fired, visible_payloads
from tests.security.conftest import PNG, World, build_world

pytestmark = pytest.mark.usefixtures("django_db_setup")

TIMEOUT_MS = 15_000
CORPUS = "\n".join(PAYLOADS)
# Two halves that each fit the 2,000 characters of a sanction reason or a strike note.
FIRST_HALF, SECOND_HALF = PAYLOADS[: len(PAYLOADS) // 2], PAYLOADS[len(PAYLOADS) // 2 :]
EXPORT_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
DISPLAY_NAME_CHARS, GIG_TITLE_CHARS = 60, 80  # the model fields' max_length


def attachment_name(payload: str) -> str:
    return payload + ".png"


def stored_attachment_name(payload: str) -> str:
    """What inbox.files.clean_file_name keeps of it (no directory part: '</a>' loses '</')."""
    from inbox.files import clean_file_name

    return clean_file_name(attachment_name(payload))


@pytest.fixture
def live_daphne(live_daphne_settings, live_daphne):
    """The conftest's server, started after live_daphne_settings put SERVER_ENV in its env."""
    return live_daphne


# 55 payloads from one sender within seconds (the limit is 30 a minute), and a key for the
# export; the server process reads them from its environment.
SERVER_ENV = {
    "GIGBOX_SEND_RATE_LIMIT": "10000",
    "GIGBOX_EXPORT_SIGNING_KEY": EXPORT_KEY,
    "GIGBOX_EXPORT_KEY_ID": "test-key",
}


@pytest.fixture
def live_daphne_settings(monkeypatch, settings):
    """SERVER_ENV for the server process and the same settings in this one (world building)."""
    for name, value in SERVER_ENV.items():
        monkeypatch.setenv(name, value)
    settings.GIGBOX_SEND_RATE_LIMIT = 10_000
    settings.GIGBOX_EXPORT_SIGNING_KEY, settings.GIGBOX_EXPORT_KEY_ID = EXPORT_KEY, "test-key"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def trapped_context(browser: Browser, live_daphne=None, user=None) -> tuple[BrowserContext, Trap]:
    """A context with the trap installed, logged in as `user` when given."""
    context = browser.new_context(
        bypass_csp=True, locale="en-US", timezone_id="UTC", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    if user is not None:
        client = Client()
        client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_daphne.url,
                }
            ]
        )
    trap = Trap()
    trap.install(context)
    return context, trap


# ------------------------------------------------------------------------------ the trap works


def test_the_trap_fires_when_payloads_are_not_escaped(browser: Browser):
    """The control: the corpus pasted as markup, unescaped, sets the trap off."""
    context, trap = trapped_context(browser)
    page = context.new_page()
    page.set_content(
        "<!doctype html><body>" + "\n".join(f"<div>{p}</div>" for p in PAYLOADS) + "</body>"
    )
    page.wait_for_timeout(500)
    records = fired(page)
    assert len(records) >= 10, records
    print(f"control: {len(records)} records from {len(PAYLOADS)} unescaped payloads")
    page.evaluate("() => alert('from a page script')")
    assert "alert(from a page script)" in fired(page)
    assert trap.dialogs == []  # the overrides caught them all
    context.close()

    # A dialog the overrides do not catch (no init script here) is recorded and dismissed.
    bare = browser.new_context()
    listener = Trap()
    listener.install(bare, init_script=False)
    bare_page = bare.new_page()
    bare_page.set_content("<!doctype html><body><img src=x onerror=\"alert('native')\">")
    expect(bare_page.locator("img")).to_have_count(1)
    bare_page.wait_for_function("() => document.readyState === 'complete'")
    bare_page.wait_for_timeout(200)
    assert listener.dialogs == ["alert: native"]
    bare.close()


def test_usernames_refuse_every_payload():
    """Why usernames are not a browser surface: no payload is a valid username."""
    validator = UnicodeUsernameValidator()
    accepted = []
    for payload in PAYLOADS:
        try:
            validator(payload)
            accepted.append(payload)
        except ValidationError:
            pass
    assert accepted == []


# ------------------------------------------------------------------------------ stored payloads


@dataclass
class Poisoned:
    world: World
    payload_seqs: list[int]  # of bob's messages in the order thread
    named_sellers: list  # one seller per payload, display name and gig title = the payload


def accepted_by(validator, text: str) -> bool:
    try:
        validator(text)
    except ValidationError:
        return False
    return True


def name_sized(payload: str) -> str:
    return payload[:DISPLAY_NAME_CHARS]


def title_sized(payload: str) -> str:
    return payload[:GIG_TITLE_CHARS]


def poison() -> Poisoned:
    """build_world's world with the corpus in every place users write (queryset updates skip
    the validators: a stored value from before a rule, or from an admin, must be safe too)."""
    w = build_world()
    SellerProfile.objects.filter(user=w.alice).update(
        display_name=name_sized(PAYLOADS[1]), bio=CORPUS
    )
    Gig.objects.filter(pk=w.gig.pk).update(title=title_sized(PAYLOADS[0]), description=CORPUS)
    Offer.objects.filter(pk=w.offer.pk).update(title=PAYLOADS[2][:120], description=CORPUS)
    for payload in (
        PAYLOADS
    ):  # the parties' texts refuse contact details: those payloads go as file names only
        body = payload if accepted_by(reject_contact_details, payload) else "evidence"
        dispute_services.add_evidence(
            dispute=w.dispute,
            author=w.bob,
            body=body,
            upload=AttachmentUpload(name=attachment_name(payload), content=PNG),
        )
    Strike.objects.filter(pk=w.strike.pk).update(note="\n".join(SECOND_HALF))

    payload_seqs = []
    for payload in PAYLOADS:
        sent = send_message(
            conversation=w.conversation, sender=w.bob, body=payload, client_id=uuid.uuid4().hex
        )
        payload_seqs.append(sent.message.seq)
        moderation_services.report_message(
            reporter=w.alice, message=sent.message, reason="other", note=payload
        )
    send_message(
        conversation=w.conversation,
        sender=w.bob,
        body="the files",
        client_id=uuid.uuid4().hex,
        attachments=[AttachmentUpload(name=attachment_name(p), content=PNG) for p in PAYLOADS],
    )

    named_sellers = []
    for index, payload in enumerate(PAYLOADS):
        seller = SellerFactory(
            username=f"seller{index:02d}", email=f"seller{index:02d}@example.com"
        )
        SellerProfile.objects.filter(user=seller).update(display_name=name_sized(payload))
        gig = GigFactory(seller=seller, title=title_sized(payload))
        conversation = get_or_start_conversation(starter=w.bob, other=seller, gig=gig)
        send_message(
            conversation=conversation, sender=seller, body=payload, client_id=uuid.uuid4().hex
        )
        named_sellers.append(seller)

    # The sanction notice goes to the inbox (a system message) and by email; the second half
    # goes to charlie, so that both halves are in a notice email.
    until = timezone.now() + timedelta(days=1)
    moderation_services.impose_sanction(
        user=w.bob, kind="restrict", moderator=w.mo, reason="\n".join(FIRST_HALF), ends_at=until
    )
    moderation_services.impose_sanction(
        user=w.charlie,
        kind="restrict",
        moderator=w.mo,
        reason="\n".join(SECOND_HALF),
        ends_at=until,
    )
    w.conversation.refresh_from_db()
    return Poisoned(world=w, payload_seqs=payload_seqs, named_sellers=named_sellers)


@pytest.fixture
def poisoned(transactional_db, live_daphne_settings) -> Poisoned:
    return off_loop(poison)


class Visitor:
    """One logged-in browser context with its trap; every page it opens is checked."""

    def __init__(self, browser: Browser, live_daphne, user) -> None:
        self.context, self.trap = trapped_context(browser, live_daphne, user)
        self.live_daphne = live_daphne
        self.shown: dict[str, int] = {}

    def visit(
        self,
        path: str,
        surface: str,
        expected: list[str],
        *,
        at_least: int = 1,
        selector: str = "body",
    ) -> Page:
        page = self.context.new_page()
        response = page.goto(self.live_daphne.url + path)
        assert response is not None and response.status == 200, (
            surface,
            path,
            response and response.status,
        )
        self.check(page, surface, expected, at_least=at_least, selector=selector)
        return page

    def check(
        self,
        page: Page,
        surface: str,
        expected: list[str],
        *,
        at_least: int = 1,
        selector: str = "body",
    ) -> None:
        assert_inert(page, self.trap, surface)
        shown = visible_payloads(page, expected, selector)
        self.shown[surface] = len(shown)
        assert len(shown) >= at_least, (surface, f"{len(shown)} of {len(expected)} shown as text")

    def close(self) -> None:
        self.context.close()


def open_case_file(visitor: Visitor, dispute) -> Page:
    page = visitor.context.new_page()
    page.goto(f"{visitor.live_daphne.url}/admin/disputes/dispute/{dispute.pk}/change/")
    form = page.locator("#case-file-reason-form")
    form.get_by_label("Why do you open this case file?").fill("S13 escaping check")
    form.get_by_role("button", name="Open the case file").click()
    expect(page.locator("#export-form")).to_be_visible()
    return page


def thread_pages(
    visitor: Visitor, conversation_id: int, surface: str, expected: list[str]
) -> tuple[Page, Page]:
    """The newest page of a thread, then the one before it (a page shows 50 messages)."""
    newest = visitor.visit(
        f"/inbox/{conversation_id}/", surface + " (newest 50)", expected, at_least=10
    )
    expect(newest.locator("[data-message-list] li[data-seq]").first).to_be_visible()
    first_seq = newest.locator("[data-message-list] li[data-seq]").first.get_attribute("data-seq")
    older = visitor.visit(
        f"/inbox/{conversation_id}/?before={first_seq}", surface + " (older)", expected
    )
    return newest, older


def message_bodies(*pages: Page) -> set[str]:
    """The rendered text of every message body on the pages, whitespace squashed."""
    bodies: set[str] = set()
    for page in pages:
        bodies.update(
            " ".join(text.split())
            for text in page.locator('li.message [data-slot="body"]').all_inner_texts()
        )
    return bodies


def whole_messages_shown(*pages: Page) -> list[str]:
    bodies = message_bodies(*pages)
    return [p for p in PAYLOADS if " ".join(p.split()) in bodies]


def test_stored_payloads_stay_text_on_every_page(browser: Browser, live_daphne, poisoned: Poisoned):
    w = poisoned.world
    names = [name_sized(p) for p in PAYLOADS]
    titles = [title_sized(p) for p in PAYLOADS]
    files = [stored_attachment_name(p) for p in PAYLOADS]
    outcome: dict[str, int] = {}

    bob = Visitor(browser, live_daphne, w.bob)
    # Inbox list: 55 sellers' display names, message previews and gig titles (30 a page).
    bob.visit(
        "/inbox/",
        "inbox list (display names)",
        names,
        at_least=25,
        selector="[data-conversation-list]",
    )
    bob.visit(
        "/inbox/",
        "inbox list (previews)",
        PAYLOADS,
        at_least=20,
        selector="[data-conversation-list]",
    )
    older_list = bob.context.pages[-1].locator(".list-more a").get_attribute("href")
    bob.visit(
        older_list,
        "inbox list, older (display names)",
        names,
        at_least=20,
        selector="[data-conversation-list]",
    )
    # The order thread from the sending side, with the file names, then the sanction notice.
    newest, older = thread_pages(bob, w.conversation.pk, "thread, sent side", PAYLOADS)
    sent_whole = whole_messages_shown(newest, older)
    expect(newest.locator("li.message.is-mine").first).to_be_visible()
    bob.check(
        newest, "attachment names, sent side", files, at_least=50, selector="[data-message-list]"
    )
    # The offer card (rendered by offers.js from the thread's JSON) in the general thread.
    general = bob.visit(
        f"/inbox/{w.general.pk}/",
        "offer card (buyer)",
        PAYLOADS,
        at_least=40,
        selector="[data-offer-card]",
    )
    expect(general.locator("[data-offer-card]")).to_be_visible()
    bob.visit(
        "/account/health/",
        "account health (sanction reason, strike note)",
        PAYLOADS,
        at_least=45,
        selector="main",
    )
    system_row = bob.visit(
        "/inbox/", "inbox list (moderation notice)", PAYLOADS, selector="[data-conversation-list]"
    )
    notice_link = (
        system_row.locator("[data-conversation-row]").first.locator("a").get_attribute("href")
    )
    bob.visit(
        notice_link,
        "moderation notice in the inbox",
        FIRST_HALF,
        at_least=20,
        selector="[data-message-list]",
    )
    outcome.update(bob.shown)
    bob.close()

    alice = Visitor(browser, live_daphne, w.alice)
    newest, older = thread_pages(alice, w.conversation.pk, "thread, received side", PAYLOADS)
    received_whole = whole_messages_shown(newest, older)
    expect(newest.locator("li.message.is-theirs").first).to_be_visible()
    alice.check(
        newest,
        "attachment names, received side",
        files,
        at_least=50,
        selector="[data-message-list]",
    )
    alice.visit(
        f"/inbox/{w.general.pk}/",
        "offer card (seller)",
        PAYLOADS,
        at_least=40,
        selector="[data-offer-card]",
    )
    alice.visit(
        "/inbox/",
        "inbox list (alice)",
        [name_sized(PAYLOADS[1])] + PAYLOADS,
        selector="[data-conversation-list]",
    )
    outcome.update(alice.shown)
    alice.close()

    charlie = Visitor(browser, live_daphne, w.charlie)
    charlie.visit(w.gig.get_absolute_url(), "gig page", PAYLOADS, at_least=50, selector="main")
    charlie.visit(
        w.gig.get_absolute_url(),
        "gig page (title, seller name)",
        [titles[0], names[1]],
        at_least=2,
        selector="main",
    )
    charlie.visit(
        "/sellers/alice/",
        "seller page (name, bio, gig title)",
        [names[1], titles[0]] + PAYLOADS,
        at_least=50,
        selector="main",
    )
    for page_number in range(1, 6):
        charlie.visit(
            f"/gigs/?page={page_number}",
            f"gig list page {page_number}",
            names + titles,
            at_least=4,
            selector="main",
        )
    outcome.update(charlie.shown)
    charlie.close()

    mo = Visitor(browser, live_daphne, w.mo)
    mo.visit(
        "/admin/moderation/flag/",
        "admin flag queue",
        PAYLOADS,
        at_least=45,
        selector="#result_list",
    )
    mo.visit(
        "/admin/moderation/flagreport/",
        "admin flag reports (notes)",
        PAYLOADS,
        at_least=20,
        selector="#result_list",
    )
    outcome.update(mo.shown)
    mo.close()

    rita = Visitor(browser, live_daphne, w.rita)
    case_file = open_case_file(rita, w.dispute)
    rita.check(case_file, "dispute case file (messages, statement)", PAYLOADS, at_least=50)
    rita.check(case_file, "dispute case file (file names)", files, at_least=50)
    form = case_file.locator("#export-form")
    form.locator("select[name=conversation]").select_option(str(w.conversation.pk))
    form.locator("select[name=output]").select_option("html")
    form.locator("input[name=reason]").fill("evidence for the payment provider")
    with case_file.expect_navigation():
        form.get_by_role("button", name="Export").click()
    rita.check(case_file, "printable export", PAYLOADS, at_least=50)
    rita.check(case_file, "printable export (file names)", files, at_least=50)
    outcome.update(rita.shown)
    rita.close()

    print("payloads shown as text per surface:", outcome)
    # Every payload is one message, shown whole, except where the send path masked a link.
    unmasked = [p for p in PAYLOADS if accepted_by(reject_contact_details, p)]
    print(
        f"whole message bodies: sent {len(sent_whole)}, received {len(received_whole)}, "
        f"unmasked payloads {len(unmasked)}"
    )
    assert set(unmasked) <= set(sent_whole) and set(unmasked) <= set(received_whole)


def test_emails_render_payloads_as_text(browser: Browser, poisoned: Poisoned):
    """The digest and the sanction notices, HTML bodies loaded into the page, plain ones as text."""
    mail.outbox.clear()
    later = timezone.now() + timedelta(hours=1)
    off_loop(send_unread_digests, older_than=timedelta(0), now=later)
    off_loop(
        moderation_services.impose_sanction,
        user=poisoned.world.alice,
        kind="restrict",
        moderator=poisoned.world.mo,
        reason=CORPUS[:2000],
        ends_at=timezone.now() + timedelta(days=1),
    )
    # Only mail about the poisoned texts: the shared world also holds an unrelated sanction.
    w = poisoned.world
    poisoned_inboxes = {u.email for u in (w.alice, w.bob, w.charlie, *poisoned.named_sellers)}
    sent = [m for m in mail.outbox if set(m.to) <= poisoned_inboxes]
    html_bodies = [
        (m.subject, content)
        for m in sent
        for content, kind in getattr(m, "alternatives", [])
        if kind == "text/html"
    ]
    assert len(html_bodies) >= 50, [
        m.subject for m in sent
    ]  # a digest per poisoned conversation, the notice
    context, trap = trapped_context(browser)
    page = context.new_page()
    shown_total: set[str] = set()
    for subject, html in html_bodies:
        page.set_content(html)
        assert_inert(page, trap, f"email {subject!r}")
        shown = visible_payloads(page, PAYLOADS)
        assert shown, f"email {subject!r} shows no payload"
        shown_total.update(shown)
        page.set_content("<pre></pre>")
    for message in sent:
        page.set_content("<pre id=plain></pre>")
        page.locator("#plain").evaluate("(el, text) => { el.textContent = text; }", message.body)
        assert_inert(page, trap, f"plain email {message.subject!r}")
    assert len(shown_total) >= 50, len(shown_total)
    context.close()


# ------------------------------------------------------------------------------ live messages


@pytest.fixture
def pair(transactional_db, live_daphne_settings):
    def build():
        alice = SellerFactory(username="alice", email="alice@example.com")
        bob = UserFactory(username="bob", email="bob@example.com")
        conversation = get_or_start_conversation(
            starter=bob, other=alice, gig=GigFactory(seller=alice)
        )
        return alice, bob, conversation

    return off_loop(build)


def connected_thread(visitor: Visitor, conversation_id: int) -> Page:
    page = visitor.context.new_page()
    page.goto(f"{visitor.live_daphne.url}/inbox/{conversation_id}/")
    page.wait_for_function(
        "() => window.GigboxRealtime && window.GigboxRealtime.isOpen()", timeout=20_000
    )
    return page


# Like any client (docs/protocol.md): every frame is resent with its client_id until acked;
# a retryable error (`unavailable`: e.g. SQLite busy with the file upload) is not a loss.
SEND_OVER_THE_SOCKET = """
([conversationId, bodies]) => new Promise((resolve) => {
  const waiting = new Map(bodies.map((body) => [crypto.randomUUID(), body]));
  const refused = [];
  const sendOne = (clientId) => window.GigboxRealtime.send({
    type: "message.send", conversation_id: conversationId, client_id: clientId,
    body: waiting.get(clientId),
  });
  const finish = () => resolve({ unacked: waiting.size, refused: refused });
  document.addEventListener("gigbox:message.ack", (event) => {
    waiting.delete(event.detail.client_id);
    if (waiting.size === 0) finish();
  });
  document.addEventListener("gigbox:error", (event) => {
    const { client_id: clientId, code, retry_after: retryAfter } = event.detail;
    if (!waiting.has(clientId)) return;
    if (code === "unavailable" || code === "rate_limited") {
      setTimeout(() => sendOne(clientId), 1000 * (retryAfter || 1));
    }
    else { refused.push(code); waiting.delete(clientId); if (waiting.size === 0) finish(); }
  });
  setTimeout(finish, 20000);
  waiting.forEach((_, clientId) => sendOne(clientId));
})
"""

SEND_FILES_OVER_HTTP = """
async ([conversationId, names, pngBase64]) => {
  const bytes = Uint8Array.from(atob(pngBase64), (c) => c.charCodeAt(0));
  const form = new FormData();
  form.append("client_id", crypto.randomUUID());
  form.append("body", "");
  for (const name of names) form.append("files", new File([bytes], name, { type: "image/png" }));
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  // The same client_id: a resend is answered, never stored twice.
  for (let attempt = 0; ; attempt++) {
    const response = await fetch("/api/inbox/conversations/" + conversationId + "/messages/", {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" }, body: form,
    });
    if (![429, 503].includes(response.status) || attempt === 5) return response.status;
    await new Promise((done) => setTimeout(done, 1000));
  }
}
"""


def test_payloads_arriving_live_over_the_socket_stay_text(browser: Browser, live_daphne, pair):
    """bob sends every payload over his socket while alice's thread is open; inbox.js renders
    them (body, list preview, file names) from the frames, the most exposed path."""
    alice, bob, conversation = pair
    alice_view = Visitor(browser, live_daphne, alice)
    bob_view = Visitor(browser, live_daphne, bob)
    alice_page = connected_thread(alice_view, conversation.pk)
    bob_page = connected_thread(bob_view, conversation.pk)

    alice_page.evaluate("() => { window.__loadedOnce = true; }")
    assert bob_page.evaluate(SEND_OVER_THE_SOCKET, [conversation.pk, PAYLOADS]) == {
        "unacked": 0,
        "refused": [],
    }
    status = bob_page.evaluate(
        SEND_FILES_OVER_HTTP,
        [conversation.pk, [attachment_name(p) for p in PAYLOADS], base64.b64encode(PNG).decode()],
    )
    assert status == 201, status
    # And one through the composer: the sender's own pending bubble is rendered before the ack.
    composer = bob_page.locator("#composer-body")
    composer.fill(PAYLOADS[0])
    composer.press("Enter")

    expected = len(PAYLOADS) + 2
    expect(alice_page.locator("li.message.is-theirs")).to_have_count(expected, timeout=30_000)
    expect(bob_page.locator("li.message.is-mine:not(.is-pending)")).to_have_count(
        expected, timeout=30_000
    )
    # As stored: the browser's multipart encoding turns '"' and line breaks into %22, %0A.
    files = off_loop(
        lambda: list(
            Attachment.objects.filter(conversation=conversation).values_list("name", flat=True)
        )
    )
    assert len(files) == len(PAYLOADS) and sum("<" in name for name in files) >= 15, files[
        :5
    ]  # "/" cuts the rest (no directories)
    alice_view.check(
        alice_page, "live thread, received", PAYLOADS, at_least=50, selector="[data-message-list]"
    )
    alice_view.check(
        alice_page,
        "live attachment names, received",
        files,
        at_least=50,
        selector="[data-message-list]",
    )
    # The live row is redrawn from the server's list fragment a moment after the message.
    expect(alice_page.locator("[data-conversation-list]")).to_contain_text(PAYLOADS[0])
    alice_view.check(
        alice_page, "live list preview", [PAYLOADS[0]], selector="[data-conversation-list]"
    )
    bob_view.check(
        bob_page, "live thread, sent", PAYLOADS, at_least=50, selector="[data-message-list]"
    )
    bob_view.check(
        bob_page, "live attachment names, sent", files, at_least=50, selector="[data-message-list]"
    )
    assert (
        alice_page.evaluate("() => window.__loadedOnce") is True
    )  # rendered by inbox.js, no reload
    unmasked = [p for p in PAYLOADS if accepted_by(reject_contact_details, p)]
    assert set(unmasked) <= set(whole_messages_shown(alice_page)) and set(unmasked) <= set(
        whole_messages_shown(bob_page)
    )
    print("payloads shown as text per surface:", alice_view.shown | bob_view.shown)

    # The trap works on this server's pages (CSP bypassed): unescaped markup would be caught.
    alice_page.evaluate(
        "() => { document.querySelector('[data-message-list]')"
        ".insertAdjacentHTML('beforeend', '<img src=x onerror=window.__xss=1>'); }"
    )
    alice_page.wait_for_function("() => window.__xss.length > 0")
    assert fired(alice_page) == ["window.__xss = 1"]
    for view in (alice_view, bob_view):
        if view.trap.csp_reports:
            print("CSP reports (information):", view.trap.csp_reports[:3])
        view.close()
