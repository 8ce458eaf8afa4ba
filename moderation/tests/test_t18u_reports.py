"""Issue 18, problem 7 (b) and (c): reporters hear the outcome of their report in their inbox,
without the sanction's details; one report per user per message on every path (the page,
the JSON API, the service, and a database constraint)."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from moderation import cases, services
from moderation.models import Flag, FlagReport, Strike
from moderation.reports import report_received_message

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("confirm", [True, False])
@pytest.mark.parametrize("by_case", [False, True])
def test_the_reporter_hears_the_outcome_in_the_inbox(
    conversation, alice, bob, mona, send, system_messages, confirm, by_case
):
    """Also when the moderator decides the flag's case (the queue's usual path): a walkthrough
    found reporters never told after "Dismiss case"."""
    message = send(conversation, alice, "buy cheap followers").message
    report_received_message(reporter=bob, message=message, reason="spam")
    flag = Flag.objects.get(message=message)

    if by_case and confirm:
        cases.confirm_case(
            case=flag.case, moderator=mona, kind=Strike.Kind.SPAM, note="Spam sent to buyers."
        )
    elif by_case:
        cases.dismiss_case(case=flag.case, moderator=mona)
    elif confirm:
        services.confirm_flag(
            flag=flag, moderator=mona, kind=Strike.Kind.SPAM, note="Spam sent to buyers."
        )
    else:
        services.dismiss_flag(flag=flag, moderator=mona)

    day = message.created_at.strftime("%-d %b %Y")
    outcome = "we took action" if confirm else "we reviewed it and found no breach"
    notice = system_messages(bob)[-1]
    assert notice == (
        f"Thanks for your report about a message from {alice.public_name} on {day}: {outcome}."
    )
    assert "strike" not in notice.lower() and "warning" not in notice.lower()


def test_one_report_per_user_per_message_on_the_page(conversation, alice, bob, send):
    message = send(conversation, alice, "buy cheap followers").message
    client = client_for(bob)
    url = f"/inbox/messages/{message.pk}/report/"

    client.post(url, {"reason": "spam"})
    again = client.post(url, {"reason": "scam"}, follow=True)

    assert "You already reported this message" in again.content.decode()
    assert FlagReport.objects.count() == 1


def test_one_report_per_user_per_message_on_the_api_even_after_the_flag_closed(
    conversation, alice, bob, mona, send
):
    message = send(conversation, alice, "buy cheap followers").message
    client = client_for(bob)
    url = f"/api/inbox/messages/{message.pk}/report/"

    def post():
        return client.post(url, json.dumps({"reason": "spam"}), content_type="application/json")

    assert post().status_code == 201
    services.dismiss_flag(flag=Flag.objects.get(), moderator=mona)
    second = post()

    assert second.status_code == 409
    assert second.json()["code"] == "already_reported"
    assert second.json()["message"] == "You already reported this message."
    assert FlagReport.objects.count() == 1 and Flag.objects.count() == 1


def test_the_database_refuses_a_second_report(conversation, alice, bob, send):
    message = send(conversation, alice, "buy cheap followers").message
    first = report_received_message(reporter=bob, message=message, reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        FlagReport.objects.create(flag=first.flag, message=message, reporter=bob, reason="scam")
