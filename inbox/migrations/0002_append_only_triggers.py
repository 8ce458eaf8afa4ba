"""On PostgreSQL the database itself refuses to change or remove a stored message or
attachment, whatever the client (raw SQL, a shell, another application).

Row triggers do not fire on TRUNCATE, which only a database owner's maintenance (and the
test suite's flush) uses. SQLite has no such guard; the model and admin refuse there.
"""

from django.db import migrations

TABLES = ("inbox_message", "inbox_attachment")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION gigbox_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'gigbox: % rows are append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # no placeholders: keep the % signs
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION gigbox_refuse_change();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS gigbox_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
