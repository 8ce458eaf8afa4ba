"""seeds/30_moderation.json through `manage.py seed`: a flagged conversation, a strike with a
pending appeal, a moderator; a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from moderation.models import Appeal, Flag, FlagReport, Strike

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Flag.objects.count(),
        FlagReport.objects.count(),
        Strike.objects.count(),
        Appeal.objects.count(),
    )


def test_the_demo_loads_once(django_user_model):
    call_command("seed", stdout=io.StringIO())
    first = counts()
    call_command("seed", stdout=io.StringIO())

    assert counts() == first
    assert Flag.objects.filter(status=Flag.Status.OPEN, reports__isnull=False).exists()
    strike = Strike.objects.get(user__username="buyer")
    assert strike.is_active() and strike.appeal.status == Appeal.Status.PENDING
    moderator = django_user_model.objects.get(username="moderator")
    assert moderator.is_staff and moderator.has_perm("moderation.change_flag")
