"""The look-alike key now folds TR39's confusables (confusable-homoglyphs' table) as well as
our own map (marketplace.identity): recompute every stored key, so that a new username is
compared with existing ones by the same rule. Only rows whose key changes are written."""

from django.db import migrations


def recompute(apps, schema_editor):
    from marketplace.identity import lookalike_key

    User = apps.get_model("marketplace", "User")
    batch = []
    for user in User.objects.only("pk", "username", "username_skeleton").iterator(chunk_size=2000):
        key = lookalike_key(user.username)
        if key != user.username_skeleton:
            user.username_skeleton = key
            batch.append(user)
        if len(batch) >= 2000:
            User.objects.bulk_update(batch, ["username_skeleton"])
            batch = []
    User.objects.bulk_update(batch, ["username_skeleton"])


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0013_seller_reinstated"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
