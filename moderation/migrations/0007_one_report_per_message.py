
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_messages_and_drop_repeats(apps, schema_editor):
    """Each report names its flag's message; a user's later reports of a message they had
    already reported counted again before this rule: the first one stays, the rest go."""
    FlagReport = apps.get_model("moderation", "FlagReport")
    seen = set()
    for report in FlagReport.objects.select_related("flag").order_by("created_at", "id"):
        key = (report.flag.message_id, report.reporter_id)
        if key in seen:
            report.delete()
            continue
        seen.add(key)
        report.message_id = report.flag.message_id
        report.save(update_fields=["message"])


class Migration(migrations.Migration):
    # The rows are filled in their own transaction before the constraint is added
    # (PostgreSQL refuses an ALTER TABLE with the fill's deferred checks pending).
    atomic = False

    dependencies = [
        ('inbox', '0003_participant_notified_seq'),
        ('moderation', '0006_cases_notes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='flagreport',
            name='message',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inbox.message'),
        ),
        migrations.RunPython(fill_messages_and_drop_repeats, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='flagreport',
            constraint=models.UniqueConstraint(fields=('message', 'reporter'), name='one_report_per_user_per_message'),
        ),
    ]
