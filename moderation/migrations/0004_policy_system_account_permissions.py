"""Data: the default escalation policy, the "gigbox" system account that sends Trust & Safety
notices, and the Moderators group's permissions (the least its work needs).

Frozen values, not imports: a migration must not change when the code does.
"""

from datetime import datetime, timezone

from django.contrib.auth.hashers import make_password
from django.contrib.auth.management import create_permissions
from django.db import migrations

DEFAULT_POLICY = [  # (active strikes, action, days; None = until lifted)
    (1, "warning", None),
    (2, "restrict", 7),
    (3, "suspend", 30),
]
SYSTEM_USERNAME = "gigbox"
FOREVER = datetime(9999, 12, 31, tzinfo=timezone.utc)
MODERATORS = "Moderators"
MODERATOR_PERMISSIONS = [
    ("moderation", "view_flag"),
    ("moderation", "change_flag"),
    ("moderation", "view_flagreport"),
    ("moderation", "view_strike"),
    ("moderation", "add_strike"),
    ("moderation", "view_sanction"),
    ("moderation", "add_sanction"),
    ("moderation", "change_sanction"),
    ("moderation", "view_appeal"),
    ("moderation", "change_appeal"),
    ("moderation", "view_sanctionpolicy"),
]


def create_policy(apps, schema_editor):
    SanctionPolicy = apps.get_model("moderation", "SanctionPolicy")
    for active_strikes, action, days in DEFAULT_POLICY:
        SanctionPolicy.objects.get_or_create(
            active_strikes=active_strikes, defaults={"action": action, "duration_days": days}
        )


def create_system_account(apps, schema_editor):
    # Active (so conversations with it can be started) but unable to log in: no usable
    # password, no email, and suspended for good (the login backends refuse it).
    User = apps.get_model("marketplace", "User")
    User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "password": make_password(None),
            "first_name": "Gigbox Trust & Safety",
            "suspended_until": FOREVER,
        },
    )


def grant_permissions(apps, schema_editor):
    # Permissions are created after all migrations by default: create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    for app_label, codename in MODERATOR_PERMISSIONS:
        moderators.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=MODERATORS):
        for app_label, codename in MODERATOR_PERMISSIONS:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_strikes_sanctions_appeals"),
        ("marketplace", "0004_user_sanction_fields"),
        ("marketplace", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_policy, migrations.RunPython.noop),
        migrations.RunPython(create_system_account, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, revoke_permissions),
    ]
