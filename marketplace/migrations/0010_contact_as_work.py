"""Contact details as work content (issue 21): a category allows it, a seller's gig takes it
up; an order's requirements are checked in Order.clean (with the order as context) instead of
by a field validator.

SQLite rebuilds marketplace_gig to add a column, and the package triggers of 0009 name it:
they are dropped before and created again after (0009's own statements).
"""

import importlib

from django.db import migrations, models

_terms = importlib.import_module("marketplace.migrations.0009_search_and_starting_terms")


def _sqlite(statements: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0009_search_and_starting_terms"),
    ]

    operations = [
        migrations.RunPython(
            _sqlite(_terms.SQLITE_BACKWARD), _sqlite(_terms.SQLITE_FORWARD), elidable=False
        ),
        migrations.AddField(
            model_name="category",
            name="contact_details_as_work",
            field=models.BooleanField(
                default=False,
                help_text="Gigs of this category may receive contact details as work content.",
            ),
        ),
        migrations.AddField(
            model_name="gig",
            name="contact_details_as_work",
            field=models.BooleanField(
                default=False,
                help_text="Buyers' contact details are delivered to you as the work's content "
                "(only where the category allows it).",
            ),
        ),
        migrations.AlterField(
            model_name="order",
            name="requirements",
            field=models.TextField(blank=True, max_length=5000),
        ),
        migrations.RunPython(
            _sqlite(_terms.SQLITE_FORWARD), _sqlite(_terms.SQLITE_BACKWARD), elidable=False
        ),
    ]
