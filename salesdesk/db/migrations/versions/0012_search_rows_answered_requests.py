"""The client search index says whose each match is, its name and whether it is live;
covering indexes for the duties' metrics and a won deal's client

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

The duties' metrics (issue 19) read the table where the other metrics read an index:

* the requests answered in a period (the median answer time) were found by reading all
  the activities (0.45 s on the large demo): ``ix_activities_answered`` holds the
  answered ones by their day, and ``ix_activities_answer_by`` the requests by the day
  they are due (requests answered late), each with every column its metric reads;
* the stage conversion reads each deal's ``lost_at_stage`` and the win rate its
  competitor: the two covering indexes of live deals (0008) hold them now.

SQLite 3.40 counts an index as covering only if it holds the columns of its own WHERE
too, so each of these holds ``deleted_at`` (always NULL in it). ``ix_clients_of_deals``
answers a won deal's or an activity's client (owner, source, segment, market, deleted or
not) from the index, without reading the client's wide row: the customer metrics look
up the client of every won deal (48,000 on the large demo) on every screen.
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


_LIVE = sa.text("deleted_at IS NULL")
_ANSWERED = sa.text("answered_on IS NOT NULL AND deleted_at IS NULL")
_DUE = sa.text("answer_by IS NOT NULL AND deleted_at IS NULL")

# (name, table, columns, WHERE)
NEW_INDEXES = (
    ("ix_activities_answered", "activities",
     ["answered_on", "user_id", "client_id", "kind", "answered_at", "created_at",
      "deleted_at"], _ANSWERED),
    ("ix_activities_answer_by", "activities",
     ["answer_by", "user_id", "client_id", "kind", "request_status", "answered_on",
      "deleted_at"], _DUE),
    ("ix_clients_of_deals", "clients",
     ["id", "deleted_at", "owner_id", "source", "segment", "market"], None),
)
WIDER = (
    ("ix_deals_live_closed", ["stage", "closed_on", "owner_id", "client_id", "amount",
                              "opened_on", "lost_reason"], ["competitor_id", "deleted_at"]),
    ("ix_deals_live_opened", ["stage", "opened_on", "owner_id", "client_id", "amount",
                              "expected_close"], ["lost_at_stage", "deleted_at"]),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in UP:
            op.execute(statement)
    for name, table, columns, where in NEW_INDEXES:
        op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)
    for name, columns, more in WIDER:
        op.drop_index(name, "deals", sqlite_where=_LIVE, postgresql_where=_LIVE)
        op.create_index(name, "deals", [*columns, *more], sqlite_where=_LIVE,
                        postgresql_where=_LIVE)
    if bind.dialect.name == "sqlite":
        # The planner weighs the new indexes by their contents, like the others.
        for table in ("activities", "deals", "clients"):
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    for name, columns, _more in WIDER:
        op.drop_index(name, "deals", sqlite_where=_LIVE, postgresql_where=_LIVE)
        op.create_index(name, "deals", columns, sqlite_where=_LIVE, postgresql_where=_LIVE)
    for name, table, _columns, where in NEW_INDEXES:
        op.drop_index(name, table, sqlite_where=where, postgresql_where=where)
    if op.get_bind().dialect.name == "sqlite":
        for statement in DOWN:
            op.execute(statement)
