"""core.triggers: the append-only trigger operation runs the same SQL the apps' migrations
have always run (their trigger tests on PostgreSQL check that it refuses), and nothing on
other databases."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.migrations.writer import MigrationWriter

from core.triggers import append_only_triggers


class RecordingEditor:
    def __init__(self, vendor: str) -> None:
        self.connection = SimpleNamespace(vendor=vendor)
        self.executed: list[str] = []

    def execute(self, sql: str, params=()) -> None:
        self.executed.append(sql)


def test_it_creates_the_function_then_one_trigger_a_table_and_drops_them_in_reverse():
    operation = append_only_triggers(function="gigbox_x_refuse_change", tables=["x_a", "x_b"])
    forward, backward = RecordingEditor("postgresql"), RecordingEditor("postgresql")

    operation.code(None, forward)
    operation.reverse_code(None, backward)

    assert (
        "CREATE OR REPLACE FUNCTION gigbox_x_refuse_change() RETURNS trigger"
        in (forward.executed[0])
    )
    assert "'gigbox: % rows are append-only (% refused)'" in forward.executed[0]
    assert forward.executed[1:] == [
        "CREATE TRIGGER x_a_append_only BEFORE UPDATE OR DELETE ON x_a "
        "FOR EACH ROW EXECUTE FUNCTION gigbox_x_refuse_change();",
        "CREATE TRIGGER x_b_append_only BEFORE UPDATE OR DELETE ON x_b "
        "FOR EACH ROW EXECUTE FUNCTION gigbox_x_refuse_change();",
    ]
    assert backward.executed == [
        "DROP TRIGGER IF EXISTS x_a_append_only ON x_a;",
        "DROP TRIGGER IF EXISTS x_b_append_only ON x_b;",
        "DROP FUNCTION IF EXISTS gigbox_x_refuse_change();",
    ]


def test_it_does_nothing_on_sqlite():
    operation = append_only_triggers(function="gigbox_x_refuse_change", tables=["x_a"])
    editor = RecordingEditor("sqlite")

    operation.code(None, editor)
    operation.reverse_code(None, editor)

    assert editor.executed == []


def test_the_operation_can_be_written_into_a_migration_file():
    # squashmigrations writes operations out: the helper must not hide a closure.
    operation = append_only_triggers(function="gigbox_x_refuse_change", tables=["x_a"])
    text, imports = MigrationWriter.serialize(operation)
    assert "core.triggers.create_triggers" in text and "core.triggers.drop_triggers" in text
