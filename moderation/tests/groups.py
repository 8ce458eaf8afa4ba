"""The staff groups as marketplace 0002 and moderation 0004 and 0006 leave them, for tests whose
database was flushed (transactional tests, browser tests): the flush removes migration data."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from marketplace.roles import MODERATORS, STAFF_GROUPS
from moderation.models import SanctionPolicy

_MIGRATION = importlib.import_module("moderation.migrations.0004_policy_system_account_permissions")
_CASES = importlib.import_module("moderation.migrations.0006_cases_notes")


def ensure_staff_groups() -> None:
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)
    moderators = Group.objects.get(name=MODERATORS)
    for app_label, codename in _MIGRATION.MODERATOR_PERMISSIONS + _CASES.MODERATOR_PERMISSIONS:
        moderators.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    for active_strikes, action, days in _MIGRATION.DEFAULT_POLICY:
        SanctionPolicy.objects.get_or_create(
            active_strikes=active_strikes, defaults={"action": action, "duration_days": days}
        )
