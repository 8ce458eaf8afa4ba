"""On PostgreSQL the database itself refuses to change or remove a stored message or
attachment, whatever the client (raw SQL, a shell, another application).

Row triggers do not fire on TRUNCATE, which only a database owner's maintenance (and the
test suite's flush) uses. SQLite has no such guard; the model and admin refuse there.
"""

from django.db import migrations

from core.triggers import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial")]

    operations = [
        append_only_triggers(
            function="gigbox_refuse_change", tables=("inbox_message", "inbox_attachment")
        )
    ]
