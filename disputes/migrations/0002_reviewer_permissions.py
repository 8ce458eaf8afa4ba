from django.db import migrations

# Frozen copies: a migration must not change when marketplace.roles or the models do.
DISPUTE_REVIEWERS = "Dispute reviewers"
REVIEWER_PERMISSIONS = (
    ("dispute", "view_dispute"),
    ("dispute", "change_dispute"),
    ("dispute", "export_conversation"),
    ("disputenote", "view_disputenote"),
    ("disputenote", "add_disputenote"),
)


def grant(apps, schema_editor):
    """Give the Dispute reviewers group (marketplace 0002) the least its work needs.

    Permissions are normally created after all migrations run (post_migrate); this runs
    before that, so it creates this app's permissions first."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("disputes")
    app_config.models_module = True  # historical app configs have none; create_permissions skips those
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DISPUTE_REVIEWERS)
    for model, codename in REVIEWER_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="disputes", content_type__model=model, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=DISPUTE_REVIEWERS).first()
    if group is not None:
        codenames = [codename for _, codename in REVIEWER_PERMISSIONS]
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="disputes", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0001_initial"),
        ("marketplace", "0002_staff_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
