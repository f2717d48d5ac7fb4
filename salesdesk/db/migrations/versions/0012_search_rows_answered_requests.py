"""The client search index says whose each match is, its name and whether it is live;
an index of the answered requests

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 22:50:00

Issue 16: a keystroke in the client list found the matches of a fragment in the trigram
index in well under a millisecond, then read each match's ``client_id`` from the index's
own content (9 ms for the 5,434 matches of "строй") and looked each client up by its
32-character key for the deleted flag, the owner and the sort by name (20 ms more).

``clients_fts_keys`` (client -> index row) becomes ``clients_fts_rows``, keyed by the
index's rowid and holding what the list sorts and filters a match by: the client's key,
``name_norm``, ``owner_id`` and whether it is live. Triggers keep it in the same
transaction as every write, like the index itself. The page of matches is then chosen
from these narrow rows, and only its 200 clients are read.

SQLite only: PostgreSQL's pg_trgm index is used by its planner as it is.

The requests answered in a period (the median answer time of every dashboard and
report) were found by reading all the activities (0.45 s on the large demo):
``ix_activities_answered`` holds the answered ones by their day, with what the metric
reads, on both databases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_OLD_WHOSE = "(SELECT fts_rowid FROM clients_fts_keys WHERE client_id = old.id)"
_WHOSE = "(SELECT fts_rowid FROM clients_fts_rows WHERE client_id = old.id)"

UP = (
    "DROP TRIGGER IF EXISTS clients_fts_insert",
    "DROP TRIGGER IF EXISTS clients_fts_delete",
    "DROP TRIGGER IF EXISTS clients_fts_update",
    "CREATE TABLE clients_fts_rows (fts_rowid INTEGER PRIMARY KEY, "
    "client_id CHAR(32) NOT NULL UNIQUE, name_norm VARCHAR(255), owner_id CHAR(32), "
    "live BOOLEAN NOT NULL)",
    "INSERT INTO clients_fts_rows(fts_rowid, client_id, name_norm, owner_id, live) "
    "SELECT k.fts_rowid, c.id, c.name_norm, c.owner_id, c.deleted_at IS NULL "
    "FROM clients_fts_keys k JOIN clients c ON c.id = k.client_id",
    "DROP TABLE clients_fts_keys",
    "CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN "
    "INSERT INTO clients_fts(search_text, client_id) VALUES (new.search_text, new.id); "
    "INSERT INTO clients_fts_rows(fts_rowid, client_id, name_norm, owner_id, live) "
    "VALUES (last_insert_rowid(), new.id, new.name_norm, new.owner_id, "
    "new.deleted_at IS NULL); END",
    "CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN "
    f"DELETE FROM clients_fts WHERE rowid = {_WHOSE}; "
    "DELETE FROM clients_fts_rows WHERE client_id = old.id; END",
    "CREATE TRIGGER clients_fts_update AFTER UPDATE OF search_text ON clients BEGIN "
    f"UPDATE clients_fts SET search_text = new.search_text WHERE rowid = {_WHOSE}; END",
    "CREATE TRIGGER clients_fts_rows_update AFTER UPDATE OF name_norm, owner_id, "
    "deleted_at ON clients BEGIN "
    "UPDATE clients_fts_rows SET name_norm = new.name_norm, owner_id = new.owner_id, "
    "live = new.deleted_at IS NULL WHERE client_id = old.id; END",
)

DOWN = (
    "DROP TRIGGER IF EXISTS clients_fts_rows_update",
    "DROP TRIGGER IF EXISTS clients_fts_insert",
    "DROP TRIGGER IF EXISTS clients_fts_delete",
    "DROP TRIGGER IF EXISTS clients_fts_update",
    "CREATE TABLE clients_fts_keys (client_id CHAR(32) NOT NULL PRIMARY KEY, "
    "fts_rowid INTEGER NOT NULL) WITHOUT ROWID",
    "INSERT INTO clients_fts_keys(client_id, fts_rowid) SELECT client_id, fts_rowid "
    "FROM clients_fts_rows",
    "DROP TABLE clients_fts_rows",
    "CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN "
    "INSERT INTO clients_fts(search_text, client_id) VALUES (new.search_text, new.id); "
    "INSERT INTO clients_fts_keys(client_id, fts_rowid) VALUES (new.id, "
    "last_insert_rowid()); END",
    "CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN "
    f"DELETE FROM clients_fts WHERE rowid = {_OLD_WHOSE}; "
    "DELETE FROM clients_fts_keys WHERE client_id = old.id; END",
    "CREATE TRIGGER clients_fts_update AFTER UPDATE OF search_text ON clients BEGIN "
    f"UPDATE clients_fts SET search_text = new.search_text WHERE rowid = {_OLD_WHOSE}; END",
)


_ANSWERED = sa.text("answered_on IS NOT NULL AND deleted_at IS NULL")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in UP:
            op.execute(statement)
    op.create_index("ix_activities_answered", "activities",
                    ["answered_on", "user_id", "client_id", "kind", "answered_at",
                     "created_at"], sqlite_where=_ANSWERED, postgresql_where=_ANSWERED)
    if bind.dialect.name == "sqlite":
        op.execute("ANALYZE activities")  # weighed by its contents, like the others


def downgrade() -> None:
    op.drop_index("ix_activities_answered", "activities", sqlite_where=_ANSWERED,
                  postgresql_where=_ANSWERED)
    if op.get_bind().dialect.name == "sqlite":
        for statement in DOWN:
            op.execute(statement)
