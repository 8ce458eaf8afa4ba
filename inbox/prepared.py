"""Prepared statements for the send path's hand-written PostgreSQL statements.

Django's psycopg backend binds parameters on the client, so PostgreSQL parses and plans
every statement it receives. The send path runs the same three statements for every batch,
and planning the write's CTE is a large part of a small batch's time. `prepared_cursor()`
runs them with server-side binding, prepared on first use and kept by psycopg per connection
(the pool keeps the connection, so the plan is made once per connection, not once per batch).

Everything else keeps Django's client-side binding, and this cursor is still a Django
cursor: query logging (CaptureQueriesContext), execute wrappers and Django's exceptions
(IntegrityError, OperationalError) work as for `connection.cursor()`.

A transaction-pooling proxy (PgBouncer in transaction mode before 1.21) does not keep a
prepared statement across transactions; docs/deploy.md says to connect directly, or to use
session pooling.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection


@cache
def _preparing_cursor_class() -> type:
    # Imported when first used: psycopg is only needed with PostgreSQL.
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """A server-binding psycopg cursor that prepares every statement it runs."""

        def execute(
            self,
            query: Any,
            params: Any = None,
            *,
            prepare: bool | None = None,
            binary: bool | None = None,
        ):
            return super().execute(query, params, prepare=True, binary=binary)

        def _convert_query(self, query: Any, params: Any = None):
            # psycopg keeps the statement it ran (what Django's query log reads) only when it
            # did not run a prepared one: keep it here too, or the log shows None.
            self._query = converted = super()._convert_query(query, params)
            return converted

    return PreparingCursor


def prepared_cursor():
    """A Django cursor on the default PostgreSQL connection whose statements are prepared
    (use as `with prepared_cursor() as cursor:`)."""
    assert connection.vendor == "postgresql", "prepared statements are for the PostgreSQL paths"
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # Django's own wrapping step (thread check, logging or plain wrapper), as
        # connection.cursor() does.
        return connection._prepare_cursor(_preparing_cursor_class()(connection.connection))
