"""Every moderation admin action, posted by the wrong people: a dispute reviewer and plain
staff get 403, non-staff the admin login; nothing changes and nothing is logged."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from moderation import services
from moderation.models import Appeal, Flag, Sanction, StaffAccess, Strike

pytestmark = pytest.mark.django_db

A = "/admin/moderation"


@pytest.fixture
def world(flag, bob, otto):
    given = services.give_strike(
        user=bob, kind=Strike.Kind.SPAM, moderator=otto, note="Spam sent to buyers."
    )
    appeal = services.file_appeal(
        strike=given, user=bob, text="Not spam: it was my own order page."
    )
    sanction = services.impose_sanction(
        user=bob, kind=Sanction.Kind.RESTRICT, moderator=otto, reason="Spam sent to buyers."
    )
    return {"flag": flag, "appeal": appeal, "sanction": sanction}


def actions(world) -> list[tuple[str, str, dict]]:
    flag, appeal, sanction = world["flag"], world["appeal"], world["sanction"]
    return [
        (
            "confirm",
            f"{A}/flag/{flag.pk}/decide/confirm/",
            {"confirm-kind": "contact_sharing", "confirm-note": "No numbers."},
        ),
        ("dismiss", f"{A}/flag/{flag.pk}/decide/dismiss/", {"dismiss-note": "fine"}),
        ("assign", f"{A}/flag/{flag.pk}/decide/assign/", {}),
        ("reveal", f"{A}/flag/{flag.pk}/reveal/", {"reason": "Checking the flag."}),
        (
            "changelist assign",
            f"{A}/flag/",
            {"action": "assign_to_me", "_selected_action": [flag.pk]},
        ),
        (
            "changelist dismiss",
            f"{A}/flag/",
            {"action": "dismiss_selected", "_selected_action": [flag.pk]},
        ),
        (
            "impose",
            f"{A}/sanction/add/",
            {
                "username": "bob",
                "kind": "suspend",
                "reason": "Fraud reported by buyers.",
                "ends_at": "",
            },
        ),
        ("lift", f"{A}/sanction/{sanction.pk}/lift/", {"reason": "Imposed by mistake."}),
        (
            "decide appeal",
            f"{A}/appeal/{appeal.pk}/decide/",
            {"decision": "uphold", "reason": "Upheld after review."},
        ),
    ]


def state(world) -> tuple:
    flag = Flag.objects.get(pk=world["flag"].pk)
    return (
        flag.status,
        flag.assigned_to_id,
        Strike.objects.count(),
        Sanction.objects.count(),
        Sanction.objects.filter(lifted_at__isnull=False).count(),
        Appeal.objects.get(pk=world["appeal"].pk).status,
        StaffAccess.objects.count(),
        LogEntry.objects.count(),
    )


@pytest.mark.parametrize("persona", ["rita", "stella"])
def test_reviewers_and_plain_staff_get_403_and_nothing_changes(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    before = state(world)
    for name, url, data in actions(world):
        assert client.post(url, data).status_code == 403, name
    assert state(world) == before
    assert before[:2] == (Flag.Status.OPEN, None) and before[6] == 0


def test_non_staff_are_sent_to_the_admin_login_and_nothing_changes(client, bob, world):
    client.force_login(bob)
    before = state(world)
    for name, url, data in actions(world):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), (
            name
        )
    assert state(world) == before


def test_the_same_posts_work_for_a_moderator(client, mona, world):
    """The control: the list above does change things when a moderator posts it."""
    client.force_login(mona)
    for name, url, data in actions(world):
        assert client.post(url, data).status_code == 302, name  # reveal: to its result (GET)
    flag = Flag.objects.get(pk=world["flag"].pk)
    assert flag.status == Flag.Status.CONFIRMED and StaffAccess.objects.count() == 1
    assert Appeal.objects.get(pk=world["appeal"].pk).status == Appeal.Status.UPHELD
    assert Sanction.objects.filter(kind="suspend", created_by=mona).exists()
