"""What the apps' tests share beyond the marketplace's factories (marketplace.tests.factories):
staff accounts in their groups and a small valid PNG. The fixtures built on them (stella,
rita, png_bytes, ...) are in the root conftest.py."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import factory
from django.contrib.auth.models import Group, Permission

from marketplace.roles import DISPUTE_REVIEWERS
from marketplace.tests.factories import UserFactory
from moderation.tests.groups import ensure_staff_groups

__all__ = ["PNG_BYTES", "StaffFactory", "ensure_reviewer_permissions"]

# A valid 1x1 PNG.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

_REVIEWERS_MIGRATION = importlib.import_module("disputes.migrations.0002_reviewer_permissions")


def ensure_reviewer_permissions() -> None:
    """moderation.tests.groups restores the Moderators' permissions only; the reviewers' too."""
    reviewers = Group.objects.get(name=DISPUTE_REVIEWERS)
    for model, codename in _REVIEWERS_MIGRATION.REVIEWER_PERMISSIONS:
        reviewers.permissions.add(
            Permission.objects.get(
                content_type__app_label="disputes", content_type__model=model, codename=codename
            )
        )


class StaffFactory(UserFactory):
    """A staff account in the staff groups named by `groups` (none: staff in no group).

    The groups and their permissions are made first when missing: a transactional test's
    flush removes what the migrations made."""

    is_staff = True

    @factory.post_generation
    def groups(obj, create, extracted: Iterable[str] | None, **kwargs):
        if not create:
            return
        ensure_staff_groups()
        ensure_reviewer_permissions()
        obj.groups.set(Group.objects.filter(name__in=list(extracted or ())))
