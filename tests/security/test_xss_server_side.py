"""S13 (server side): a corpus of XSS payloads (xss_payloads.txt) stored as message bodies,
a seller's display name, gig texts, an offer text, file names and a sanction reason never
appears unescaped in the HTML of the inbox, the thread, the admin flag queue and case file,
the printable export or the emails (digest, sanction notice).

The real-browser half is tests/browser/test_xss_browser.py: Chromium with a window.__xss
trap, the same corpus stored on these surfaces and more, and the messages that inbox.js
renders itself when they arrive live over the WebSocket (docs/reliability.md).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from inbox.checks import AttachmentUpload
from inbox.digests import send_unread_digests
from inbox.send import send_message
from moderation import services as moderation_services
from tests.security.conftest import PNG, build_world

PAYLOADS = [
    line for line in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines() if line
]
DANGEROUS = [p for p in PAYLOADS if any(c in p for c in "<>\"'")]


def test_the_corpus_has_at_least_50_payloads():
    assert len(PAYLOADS) >= 50 and len(DANGEROUS) >= 45


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="moderation.auth.NotSuspendedModelBackend")
    return client


def unescaped(html: str) -> list[str]:
    return [p for p in DANGEROUS if p in html]


@pytest.fixture
def poisoned(db, settings):
    settings.GIGBOX_EXPORT_SIGNING_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    settings.GIGBOX_EXPORT_KEY_ID = "test-key"
    settings.GIGBOX_SEND_RATE_LIMIT = 10_000
    w = build_world()
    profile = w.alice.seller_profile
    type(profile).objects.filter(pk=profile.pk).update(display_name=PAYLOADS[1][:50])
    type(w.gig).objects.filter(pk=w.gig.pk).update(
        title=PAYLOADS[0][:80], description="\n".join(PAYLOADS)
    )
    messages = []
    for payload in PAYLOADS:
        sent = send_message(
            conversation=w.conversation, sender=w.bob, body=payload, client_id=uuid.uuid4().hex
        )
        messages.append(sent.message)
    send_message(
        conversation=w.conversation,
        sender=w.bob,
        body="file",
        client_id=uuid.uuid4().hex,
        attachments=[
            AttachmentUpload(name='"><img src=x onerror=window.__xss=1>.png', content=PNG)
        ],
    )
    for message in messages[:5]:
        moderation_services.report_message(
            reporter=w.alice, message=message, reason="other", note=PAYLOADS[2]
        )
    w.conversation.refresh_from_db()
    return w


def test_inbox_thread_and_list_escape_every_payload(poisoned):
    w = poisoned
    for user in (w.alice, w.bob):
        for url in ("/inbox/", f"/inbox/{w.conversation.pk}/", f"/inbox/{w.general.pk}/"):
            html = logged_in(user).get(url).content.decode()
            assert not unescaped(html), (user, url, unescaped(html)[:3])


def test_gig_and_seller_pages_escape_every_payload(poisoned):
    w = poisoned
    for url in (w.gig.get_absolute_url(), "/sellers/alice/", "/gigs/"):
        html = logged_in(w.charlie).get(url).content.decode()
        assert not unescaped(html), (url, unescaped(html)[:3])


def test_admin_flag_queue_and_case_file_escape_every_payload(poisoned):
    w = poisoned
    from moderation.models import Flag

    pages = [(w.mo, "/admin/moderation/flag/")] + [
        (w.mo, f"/admin/moderation/flag/{f.pk}/change/") for f in Flag.objects.all()[:5]
    ]
    pages += [(w.rita, f"/admin/disputes/dispute/{w.dispute.pk}/change/")]
    clients = {w.mo: logged_in(w.mo), w.rita: logged_in(w.rita)}
    # The case file asks the reviewer for a reason first (once per login session).
    clients[w.rita].post(
        f"/admin/disputes/dispute/{w.dispute.pk}/open/", {"reason": "reviewing the evidence"}
    )
    for user, url in pages:
        response = clients[user].get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert not unescaped(response.content.decode()), (
            url,
            unescaped(response.content.decode())[:3],
        )


def test_the_printable_export_escapes_every_payload(poisoned):
    w = poisoned
    response = logged_in(w.rita).post(
        f"/admin/disputes/dispute/{w.dispute.pk}/export/",
        {
            "conversation": w.conversation.pk,
            "output": "html",
            "reason": "evidence for the payment provider",
        },
    )
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "window.__xss" in html  # the bodies are there, as text
    assert not unescaped(html), unescaped(html)[:3]


def test_emails_escape_every_payload(poisoned):
    w = poisoned
    mail.outbox.clear()
    send_unread_digests(older_than=timedelta(0), now=timezone.now() + timedelta(hours=1))
    moderation_services.impose_sanction(
        user=w.bob,
        kind="restrict",
        moderator=w.mo,
        reason=PAYLOADS[0],
        ends_at=timezone.now() + timedelta(days=1),
    )
    assert mail.outbox, "no email was sent"
    for message in mail.outbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                assert not unescaped(content), (message.subject, unescaped(content)[:3])
