"""Issue 18 leftovers in admin: (5) dismissing a user's fraud or abuse report is not offered as
"not contact"; (9) a sanction's page links to its appeal, as the appeals and decisions lists
do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation import cases, services
from moderation.models import Flag, Sanction, Strike
from moderation.reports import report_received_message

pytestmark = pytest.mark.django_db
A = "/admin/moderation"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scam_flag(conversation, send, alice, bob):
    """bob reports alice's message (no contact detail in it) as a scam."""
    message = send(conversation, alice, "Pay the deposit first and I start tomorrow.").message
    report_received_message(reporter=bob, message=message, reason="scam", note="Fake deposit.")
    return Flag.objects.get(message=message)


def test_a_reported_scam_is_dismissed_as_no_breach_not_as_not_contact(scam_flag, mona):
    assert scam_flag.source == Flag.Source.REPORT
    client = _as(mona)
    flag_page = client.get(f"{A}/flag/{scam_flag.pk}/change/").content.decode()
    assert "Dismiss: no breach found" in flag_page and "not contact" not in flag_page
    case_page = client.get(f"{A}/case/{scam_flag.case_id}/change/").content.decode()
    assert "Dismiss: no breach found" in case_page and "not contact" not in case_page

    response = client.post(
        f"{A}/case/{scam_flag.case_id}/decide/dismiss/", {"dismiss-note": ""}, follow=True
    )
    assert f"Case {scam_flag.case_id} dismissed: no breach found." in response.content.decode()
    scam_flag.refresh_from_db()
    assert cases.decision_outcome(scam_flag).endswith(": no breach found")


def test_a_detector_flag_is_still_dismissed_as_not_contact(flag, mona):
    page = _as(mona).get(f"{A}/flag/{flag.pk}/change/").content.decode()
    assert "Dismiss: not contact sharing" in page


def test_a_direct_sanctions_page_links_to_its_appeal(bob, mona, otto):
    sanction = services.impose_sanction(
        user=bob,
        kind=Sanction.Kind.SUSPEND,
        moderator=mona,
        reason="Reported by email for payment requests.",
        ends_at=timezone.now() + timedelta(days=30),
    )
    page = _as(otto).get(f"{A}/sanction/{sanction.pk}/change/").content.decode()
    assert "data-appeal-link" not in page
    appeal = services.file_sanction_appeal(
        sanction=sanction, user=bob, text="Not me: I never asked for payment."
    )
    page = _as(otto).get(f"{A}/sanction/{sanction.pk}/change/").content.decode()
    url = reverse("admin:moderation_appeal_change", args=[appeal.pk])
    assert f'href="{url}" data-appeal-link>Appeal #{appeal.pk} of this sanction: Pending' in page


def test_a_strikes_sanction_links_to_the_strikes_appeal(bob, mona, otto, contact_message):
    for _ in range(3):  # the third strike suspends
        strike = services.give_strike(
            user=bob,
            kind=Strike.Kind.CONTACT_SHARING,
            moderator=mona,
            note="Phone numbers stay in the chat.",
            message=contact_message,
        )
    sanction = Sanction.objects.get(strike=strike)
    appeal = services.file_appeal(strike=strike, user=bob, text="The number was hers.")
    page = _as(otto).get(f"{A}/sanction/{sanction.pk}/change/").content.decode()
    url = reverse("admin:moderation_appeal_change", args=[appeal.pk])
    assert f'href="{url}" data-appeal-link>Appeal #{appeal.pk} of its strike: Pending' in page
