"""Moderation demo, loaded by `manage.py seed` from seeds/30_moderation.json (after the
marketplace and inbox seeds): a moderator, a user's report merged into a detector flag (an
open flag in the queue), and a confirmed flag whose strike has a pending appeal.

Through the services, idempotent: each step is skipped when its result already exists.
"""

from __future__ import annotations

from typing import Any, TextIO

from django.contrib.auth.models import Group

from inbox.models import Message
from marketplace.models import User
from marketplace.roles import MODERATORS
from marketplace.seeding import DEMO_PASSWORD
from moderation import services
from moderation.models import Appeal, Flag, FlagReport

Spec = dict[str, Any]


def _moderator(spec: Spec) -> User:
    user, created = User.objects.get_or_create(
        username=spec["username"],
        defaults={
            "email": spec["email"],
            "first_name": spec.get("first_name", ""),
            "is_staff": True,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def _message(spec: Spec) -> Message:
    return Message.objects.select_related("sender").get(
        sender__username=spec["sender"], client_id=spec["message"]
    )


def _report(spec: Spec) -> bool:
    message = _message(spec)
    reporter = User.objects.get(username=spec["reporter"])
    if FlagReport.objects.filter(flag__message=message, reporter=reporter).exists():
        return False
    services.report_message(
        reporter=reporter, message=message, reason=spec["reason"], note=spec.get("note", "")
    )
    return True


def _strike(spec: Spec) -> bool:
    message = _message(spec)
    if Flag.objects.filter(message=message, status=Flag.Status.CONFIRMED).exists():
        return False
    flag = Flag.objects.get(message=message, status=Flag.Status.OPEN)
    strike = services.confirm_flag(
        flag=flag,
        moderator=User.objects.get(username=spec["moderator"]),
        kind=spec["kind"],
        note=spec["note"],
    )
    if spec.get("appeal") and not Appeal.objects.filter(strike=strike).exists():
        services.file_appeal(strike=strike, user=strike.user, text=spec["appeal"])
    return True


def load(data: Spec, stdout: TextIO) -> list[tuple[str, str]]:
    moderators = [_moderator(spec) for spec in data["moderators"]]
    reports = sum(_report(spec) for spec in data["reports"])
    strikes = sum(_strike(spec) for spec in data["strikes"])
    stdout.write(
        f"  moderation: {len(moderators)} moderators, {reports} new reports, "
        f"{strikes} new strikes\n"
    )
    return [
        (spec["username"], spec["demo_login"])
        for spec in data["moderators"]
        if "demo_login" in spec
    ]
