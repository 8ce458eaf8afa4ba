"""Issue 17: each user's look-alike key (marketplace.identity.lookalike_key), indexed, so a
new username is compared with every existing one in one lookup. Not unique: existing
accounts may already collide."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from marketplace.identity import lookalike_key

    User = apps.get_model("marketplace", "User")
    batch = []
    for user in User.objects.only("pk", "username").iterator(chunk_size=2000):
        user.username_skeleton = lookalike_key(user.username)
        batch.append(user)
        if len(batch) >= 2000:
            User.objects.bulk_update(batch, ["username_skeleton"])
            batch = []
    User.objects.bulk_update(batch, ["username_skeleton"])


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0011_seller_suspended"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_skeleton",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=150),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
