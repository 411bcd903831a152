"""Django's PostgreSQL backend whose repeated SELECT statements are prepared.

Django binds values on the client: each statement reaches PostgreSQL with its values written
in, and PostgreSQL parses and plans it afresh every time. For the CRM's list and detail
queries that planning took longer than running them (0.5-0.8 ms against 0.2-0.4 ms at a
million customers). Here, once a connection has run the very same SELECT text
`prepare_threshold` times (DB_PREPARE_THRESHOLD; psycopg counts the last 100 statements),
psycopg prepares it and PostgreSQL reuses its plan. Because the values are part of the text,
each plan is made for exactly those values: no generic plan stands in for a custom one (a
generic `name LIKE $1` plan cannot use the prefix index and scans the table). The flip side:
only statements repeated byte for byte on one connection gain, such as a list's first page
or a user's own lookups; a search term, another cursor or another customer is another
statement.

PostgreSQL replans a prepared statement itself after schema changes or ANALYZE, and psycopg
forgets its statements after a ROLLBACK, DROP or ALTER on the connection. Prepared
statements do not survive a pooler in transaction mode: set DB_PREPARE_THRESHOLD=0 there.
"""

from __future__ import annotations

from django.db.backends.postgresql import base
from psycopg import pq


class PreparingCursor(base.Cursor):
    """Django's client-binding cursor, letting psycopg prepare SELECT statements it has seen
    often enough on this connection. Other statements, and any in pipeline mode, are never
    prepared (not even when psycopg asks to, as `executemany` does without a pipeline)."""

    def _get_prepared(self, pgq, prepare=None):
        if self._conn._pipeline or pgq.query.lstrip()[:6].upper() != b"SELECT":
            prepare = False
        return self._conn._prepared.get(pgq, prepare)

    # The statement's values are already in its text: it is prepared and run without any.
    def _send_prepare(self, name, query):
        self._pgconn.send_prepare(name, query.query)

    def _send_query_prepared(self, name, pgq, *, binary=None):
        self._query = pgq  # what Django logs as the statement run (`last_executed_query`)
        binary_result = self.format == pq.Format.BINARY if binary is None else binary
        self._pgconn.send_query_prepared(
            name, None, result_format=pq.Format.BINARY if binary_result else pq.Format.TEXT
        )


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if self.settings_dict["OPTIONS"].get("server_side_binding") is True:
            # Values sent apart: a prepared statement could get a generic plan (see above).
            params["prepare_threshold"] = None
        elif params.get("prepare_threshold") is not None:
            params["cursor_factory"] = PreparingCursor
        return params
