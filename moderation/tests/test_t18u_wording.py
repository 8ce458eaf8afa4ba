"""Issue 18, problem 6 (wording): every sanction notice in correct English for each kind
(warning, messaging restriction, suspension) when it starts, is lifted and ends, and the
JSON API tells an open tab of a suspended user why and until when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.timestamps import localize_stamps
from moderation import services
from moderation.models import Sanction, Strike

pytestmark = pytest.mark.django_db

WRONG = ("The account suspended", "The messaging restricted", "restricted ended", "suspended ended")


def _texts(user, system_messages) -> list[str]:
    return system_messages(user) + [m.subject + "\n" + m.body for m in mail.outbox]


def _assert_no_wrong_wording(texts: list[str]) -> None:
    for text in texts:
        for wrong in WRONG:
            assert wrong not in text, text


def test_a_warning(bob, mona, system_messages):
    services.give_strike(
        user=bob, kind=Strike.Kind.SPAM, moderator=mona, note="Spam sent to buyers."
    )
    notice = system_messages(bob)[-1]
    assert notice.startswith("A warning from Gigbox Trust & Safety")
    assert "This is a warning: nothing else changes for now." in notice


@pytest.mark.parametrize(
    "kind, started, lifted, ended",
    [
        (
            Sanction.Kind.RESTRICT,
            "Your messaging is restricted\n\nYou can read your messages, but you cannot start "
            "conversations or send messages until 5 Nov 2026, 10:00 UTC, except in the "
            "conversations of your active orders",
            "Your messaging restriction was lifted\n\nYour messaging restriction has been "
            "lifted: you can send messages again.",
            "Your messaging restriction has ended\n\nYour messaging restriction ended on "
            "5 Nov 2026, 10:00 UTC: you can send messages again.",
        ),
        (
            Sanction.Kind.SUSPEND,
            "Your account is suspended\n\nYour account is suspended until 5 Nov 2026, 10:00 UTC. "
            "You can still sign in, but only to your account page",
            "Your account suspension was lifted\n\nYour account suspension has been lifted: you "
            "can use Gigbox again.",
            "Your account suspension has ended\n\nYour account suspension ended on "
            "5 Nov 2026, 10:00 UTC: you can use Gigbox again.",
        ),
    ],
)
def test_started_lifted_and_ended(
    bob, mona, system_messages, django_capture_on_commit_callbacks, kind, started, lifted, ended
):
    ends_at = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)

    def shown(user) -> list[str]:
        # Notices store their times as stamps, written in each reader's zone when shown.
        return [localize_stamps(text, UTC, name_zone=True) for text in system_messages(user)]

    with time_machine.travel("2026-11-02 10:00:00+00:00", tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            first = services.impose_sanction(
                user=bob, kind=kind, moderator=mona, reason="Spam sent to buyers.", ends_at=ends_at
            )
        assert shown(bob)[-1].startswith(started)
        with django_capture_on_commit_callbacks(execute=True):
            services.lift_sanction(sanction=first, moderator=mona, reason="Imposed by mistake.")
        assert shown(bob)[-1] == lifted + "\n\nReason: Imposed by mistake."
        with django_capture_on_commit_callbacks(execute=True):
            services.impose_sanction(
                user=bob, kind=kind, moderator=mona, reason="Spam sent to buyers.", ends_at=ends_at
            )
        traveller.shift(timedelta(days=3, seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.expire_sanctions() == 1
        assert shown(bob)[-1] == ended
    _assert_no_wrong_wording(_texts(bob, system_messages))


def test_an_open_tab_of_a_suspended_user_hears_why_and_until_when(
    conversation, bob, mona, settings
):
    bob.timezone = "Europe/Berlin"
    bob.save(update_fields=["timezone"])
    client = Client()
    client.force_login(bob)
    ends_at = timezone.now().replace(microsecond=0) + timedelta(days=30)
    services.impose_sanction(
        user=bob,
        kind=Sanction.Kind.SUSPEND,
        moderator=mona,
        reason="Spam sent to buyers.",
        ends_at=ends_at,
    )

    response = client.post(
        f"/api/inbox/conversations/{conversation.pk}/messages/",
        {"client_id": "a" * 32, "body": "hello"},
        content_type="application/json",
    )

    assert response.status_code == 403
    error = response.json()
    local = ends_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert error["code"] == "suspended" and error["account_url"] == "/account/health/"
    assert error["message"] == (
        f"Your account is suspended until {local.day} {local:%b %Y, %H:%M} "
        f"{local.tzname()}. See your account page to appeal."
    )
    assert error["until"].startswith(ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))


def test_a_restricted_user_can_read_but_not_send_and_hears_until_when(conversation, bob, mona):
    client = Client()
    client.force_login(bob)
    services.impose_sanction(
        user=bob, kind=Sanction.Kind.RESTRICT, moderator=mona, reason="Spam sent to buyers."
    )

    assert client.get(f"/inbox/{conversation.pk}/").status_code == 200
    standing = client.get("/api/account/standing/").json()
    assert standing["restricted"] is True and standing["restricted_until"] is None
    assert standing["account_url"] == "/account/health/"
