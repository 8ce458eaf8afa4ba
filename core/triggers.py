"""PostgreSQL triggers that make tables append-only whatever the client (raw SQL, a shell,
another application): a migration operation, used by inbox, moderation and disputes.

    operations = [append_only_triggers(function="gigbox_myapp_refuse_change",
                                       tables=("myapp_record",))]

Each app names a trigger function of its own, so its migrations can be reversed alone. Row
triggers do not fire on TRUNCATE (the test suite's flush). SQLite has no such guard: the
operation does nothing there, and the model (core.append_only) refuses instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.db import migrations

__all__ = ["append_only_triggers"]

# The text is part of what migrations have run: keep it byte for byte.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'gigbox: % rows are append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def append_only_triggers(*, function: str, tables: Sequence[str]) -> migrations.RunPython:
    """Create `function` and a BEFORE UPDATE OR DELETE row trigger on each table (reversible)."""
    tables = tuple(tables)
    return migrations.RunPython(
        partial(create_triggers, function=function, tables=tables),
        partial(drop_triggers, function=function, tables=tables),
    )


def create_triggers(apps, schema_editor, *, function: str, tables: tuple[str, ...]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # No params: psycopg would read the function's % signs as placeholders.
    schema_editor.execute(CREATE_FUNCTION.format(function=function), params=None)
    for table in tables:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}();"
        )


def drop_triggers(apps, schema_editor, *, function: str, tables: tuple[str, ...]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")
