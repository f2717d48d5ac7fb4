"""The live clients' segment, market, source and city, from an index

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 18:10:00

Issue 16, two readers of every client:

* the strategy's figures (its page and the monthly report) count the clients of each
  (segment, market) part of the office: a read of every client's entry in
  ``ix_clients_of_deals`` and a sort of 100,000 rows into groups (55–65 ms on the large
  demo);
* the window's filters and forms list the segments, markets, sources and cities of the
  visible clients, read when a session opens: the city is in no index, so that was a
  read of every client's whole row (110 ms, and 64 MB of SQLite's page cache filled with
  rows nobody shows).

``ix_clients_values`` holds the clients by (segment, market, source, city, owner,
deleted): the parts are counted in the index's own order (15 ms) and the values are its
distinct entries (3 ms, 3 MB of pages), for the whole office or one person's clients
(the owner is in the index). ``deleted_at`` comes last: first, it made the index the
planner's choice for counting the live clients, a read of 12 MB of it where
``ix_clients_deleted_name`` answers in 4 MB (the client list's count).
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = ["segment", "market", "source", "city", "owner_id", "deleted_at"]


def upgrade() -> None:
    op.create_index("ix_clients_values", "clients", COLUMNS)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE clients")  # the planner weighs the new index like the others


def downgrade() -> None:
    op.drop_index("ix_clients_values", "clients")
