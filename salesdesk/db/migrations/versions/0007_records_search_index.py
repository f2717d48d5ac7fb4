"""A trigram index for the global search and the lists: contacts, deals, documents,
products, activity notes, market notes and competitors

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00

The global search looked for a fragment with ``LIKE '%…%'`` in every searched column of
seven tables: 3.7 s a keystroke for the head at a million activities. Clients have their
index since 0006; this gives the other records theirs (see
:mod:`salesdesk.db.search_index`): one FTS5 trigram table on SQLite kept by triggers,
pg_trgm GIN indexes on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salesdesk.db import search_index

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEARCHED = {
    "contacts": ("name", "email", "phone", "position"),
    "deals": ("title",),
    "documents": ("number",),
    "products": ("name", "sku", "description"),
    "activities": ("note",),
    "market_notes": ("title", "text"),
    "competitors": ("name", "strengths", "weaknesses", "prices", "notes"),
}
"""What this revision indexes (frozen here: a later revision changes it by its own)."""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in search_index.TABLES_SQL:
            op.execute(statement)
        for statement in search_index.fill_sql(SEARCHED):
            op.execute(statement)
        for statement in search_index.triggers(SEARCHED).values():
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        present = bind.execute(sa.text(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
        if present is None:
            return  # 0006 could not create it: the search stays a scan (right, slower)
        for statement in search_index.pg_indexes(SEARCHED).values():
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in search_index.triggers(SEARCHED):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS records_fts_keys")
        op.execute("DROP TABLE IF EXISTS records_fts")
    elif bind.dialect.name == "postgresql":
        for name in search_index.pg_indexes(SEARCHED):
            op.execute(f"DROP INDEX IF EXISTS {name}")
