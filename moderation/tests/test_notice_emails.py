"""The email half of every notice (moderation.notices): escalation to a restriction and to a
suspension, lifting, expiry and both appeal decisions each send one email after commit, with
the user's and moderator's text escaped in the HTML part and plain in the text part."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from moderation import services
from moderation.models import Sanction, Strike

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> & <b>bold</b>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"


def only_email(outbox_before: int):
    assert len(mail.outbox) == outbox_before + 1, [m.subject for m in mail.outbox[outbox_before:]]
    return mail.outbox[-1]


def assert_escaped(email, *, to="bob@example.com") -> None:
    html = email.alternatives[0][0]
    assert email.to == [to]
    assert ESCAPED in html and "<script>" not in html and "<b>bold</b>" not in html
    assert HOSTILE in email.body  # the plain text part stays plain


def strike(bob, moderator, note=HOSTILE):
    return services.give_strike(user=bob, kind=Strike.Kind.SPAM, moderator=moderator, note=note)


def test_escalation_to_a_restriction_and_to_a_suspension(
    django_capture_on_commit_callbacks, bob, mona
):
    strike(bob, mona, note="First strike for spam.")
    with django_capture_on_commit_callbacks(execute=True):
        before = len(mail.outbox)
        strike(bob, mona)
    restricted = only_email(before)
    assert restricted.subject == "[Gigbox] Your messaging is restricted"
    assert "2 active strikes" in restricted.body
    assert_escaped(restricted)

    with django_capture_on_commit_callbacks(execute=True):
        before = len(mail.outbox)
        strike(bob, mona)
    suspended = only_email(before)
    assert suspended.subject == "[Gigbox] Your account is suspended"
    assert "Your account is suspended until" in suspended.body
    assert "/account/health/" in suspended.body and "reply to" not in suspended.body.lower()
    assert_escaped(suspended)


def test_lifting(django_capture_on_commit_callbacks, bob, mona):
    sanction = services.impose_sanction(
        user=bob, kind=Sanction.Kind.RESTRICT, moderator=mona, reason="Spam sent to buyers."
    )
    with django_capture_on_commit_callbacks(execute=True):
        before = len(mail.outbox)
        services.lift_sanction(sanction=sanction, moderator=mona, reason=HOSTILE)
    email = only_email(before)
    assert email.subject == "[Gigbox] Your messaging restriction was lifted"
    assert "Your messaging restriction has been lifted: you can send messages again." in email.body
    assert_escaped(email)


def test_expiry(django_capture_on_commit_callbacks, bob, mona):
    with time_machine.travel("2026-11-02 10:00:00+00:00", tick=False) as traveller:
        services.impose_sanction(
            user=bob,
            kind=Sanction.Kind.SUSPEND,
            moderator=mona,
            reason=HOSTILE,
            ends_at=datetime(2026, 11, 3, 10, 0, tzinfo=UTC),
        )
        traveller.shift(timedelta(days=1, seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            before = len(mail.outbox)
            assert services.expire_sanctions() == 1
    email = only_email(before)
    assert email.subject == "[Gigbox] Your account suspension has ended"
    # In bob's own zone (the factory's Europe/Berlin), named: 10:00 UTC is 11:00 CET.
    assert (
        "ended on 3 Nov 2026, 11:00 CET" in email.body
        and "ended on 3 Nov 2026, 11:00 CET" in email.alternatives[0][0]
    )


@pytest.mark.parametrize(
    "uphold, subject",
    [(True, "[Gigbox] Your appeal was upheld"), (False, "[Gigbox] Your appeal was rejected")],
)
def test_appeal_decisions(django_capture_on_commit_callbacks, bob, mona, otto, uphold, subject):
    filed = services.file_appeal(
        strike=strike(bob, mona, note="Spam sent to buyers."),
        user=bob,
        text="Not spam: a reply to a question.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        before = len(mail.outbox)
        services.decide_appeal(appeal=filed, moderator=otto, uphold=uphold, reason=HOSTILE)
    email = only_email(before)
    assert email.subject == subject
    assert_escaped(email)


def test_a_notice_email_is_in_the_recipients_zone_and_names_it(django_capture_on_commit_callbacks):
    """Issue 19, problem 7: the notice's stored line keeps the UTC stamp (each reader's page
    localizes it); the email says 18:30 IST to a reader in Asia/Kolkata."""
    from core.timestamps import stamp
    from marketplace.tests.factories import UserFactory
    from moderation.notices import format_until, notify_user

    due = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    user = UserFactory(email="erin@example.com", timezone="Asia/Kolkata")
    assert format_until(due) == stamp(due)
    with django_capture_on_commit_callbacks(execute=True):
        before = len(mail.outbox)
        notify_user(user, subject="Restricted", text=f"Until {format_until(due)}.")
    email = only_email(before)
    assert "Until 8 Dec 2026, 18:30 IST." in email.body
