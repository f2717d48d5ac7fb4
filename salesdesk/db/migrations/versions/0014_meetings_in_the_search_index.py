"""Meetings and calls in the search index

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 18:40:00

The global search found clients, contacts, deals, documents, products, activity notes,
market notes and competitors, but not a planned meeting or call: "презентация" or the
meeting's address found nothing until the meeting was done and logged as an activity.
Their subject, place, note and outcome join the trigram index of the other records
(:mod:`salesdesk.db.search_index`, migration 0007): the appointments' rows are added to
``records_fts`` and triggers keep them there on SQLite; PostgreSQL gets pg_trgm indexes
on the four columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salesdesk.db import search_index

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ADDED = {"appointments": ("subject", "place", "note", "outcome")}
"""What this revision adds to the index (frozen here, as 0007 froze its own)."""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in search_index.add_sql(ADDED):
            op.execute(statement)
        for statement in search_index.triggers(ADDED).values():
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        present = bind.execute(sa.text(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
        if present is None:
            return  # no trigram indexes on this server: the search stays a scan
        for statement in search_index.pg_indexes(ADDED).values():
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in search_index.triggers(ADDED):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for table in ADDED:
            op.execute(f"DELETE FROM records_fts WHERE kind = '{table}'")
            op.execute(f"DELETE FROM records_fts_keys WHERE kind = '{table}'")
    elif bind.dialect.name == "postgresql":
        for name in search_index.pg_indexes(ADDED):
            op.execute(f"DROP INDEX IF EXISTS {name}")
