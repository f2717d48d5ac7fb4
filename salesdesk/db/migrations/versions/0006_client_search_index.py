"""A trigram index for the client search

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:05:00

The client list's filter and the global search look for a fragment anywhere in a
client's ``search_text`` (name, INN, city, phone, e-mail, contacts; casefolded), and a
``LIKE '%…%'`` reads every client for every keystroke.

* SQLite: an FTS5 table with the trigram tokenizer holds a copy of each client's
  ``search_text``, kept by triggers in the same transaction as every write (the window,
  an import, a laptop's bundle, a restore). It keeps its own copy and a table of which
  row is whose: an external-content index would follow ``clients.rowid``, which VACUUM
  (and so every backup) may renumber on a table without an integer key.
* PostgreSQL: pg_trgm's GIN index, which the planner uses for the same ``LIKE`` by
  itself. Creating the extension needs the right to; without it the search stays a scan
  (right, only slower).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_WHOSE = "(SELECT fts_rowid FROM clients_fts_keys WHERE client_id = old.id)"

SQLITE = (
    "CREATE VIRTUAL TABLE clients_fts USING fts5(search_text, client_id UNINDEXED, "
    "tokenize='trigram')",
    "CREATE TABLE clients_fts_keys (client_id CHAR(32) NOT NULL PRIMARY KEY, "
    "fts_rowid INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN "
    "INSERT INTO clients_fts(search_text, client_id) VALUES (new.search_text, new.id); "
    "INSERT INTO clients_fts_keys(client_id, fts_rowid) VALUES (new.id, last_insert_rowid()); "
    "END",
    "CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN "
    f"DELETE FROM clients_fts WHERE rowid = {_WHOSE}; "
    "DELETE FROM clients_fts_keys WHERE client_id = old.id; END",
    "CREATE TRIGGER clients_fts_update AFTER UPDATE OF search_text ON clients BEGIN "
    f"UPDATE clients_fts SET search_text = new.search_text WHERE rowid = {_WHOSE}; END",
    "INSERT INTO clients_fts(search_text, client_id) SELECT search_text, id FROM clients",
    "INSERT INTO clients_fts_keys(client_id, fts_rowid) SELECT client_id, rowid "
    "FROM clients_fts",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        present = bind.execute(sa.text(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
        if present is None:
            savepoint = bind.begin_nested()
            try:
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            except sa.exc.DBAPIError:
                savepoint.rollback()
                return
            savepoint.commit()
        op.execute("CREATE INDEX IF NOT EXISTS ix_clients_search_trgm ON clients "
                   "USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("clients_fts_insert", "clients_fts_delete", "clients_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS clients_fts_keys")
        op.execute("DROP TABLE IF EXISTS clients_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_clients_search_trgm")
