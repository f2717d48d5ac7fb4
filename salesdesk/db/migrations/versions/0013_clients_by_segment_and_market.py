"""The live clients by segment and market, from an index

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 18:10:00

Issue 16: the strategy's figures (its page and the monthly report) count the clients of
each (segment, market) part of the office. That was a read of every client's entry in
``ix_clients_of_deals`` and a sort of 100,000 rows into groups (55–65 ms on the large
demo). ``ix_clients_parts`` holds the clients by (deleted, segment, market, owner): the
live ones of each part are then counted in the index's own order (7 ms), for the whole
office or a team (the owner is in the index).
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = ["deleted_at", "segment", "market", "owner_id"]


def upgrade() -> None:
    op.create_index("ix_clients_parts", "clients", COLUMNS)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE clients")  # the planner weighs the new index like the others


def downgrade() -> None:
    op.drop_index("ix_clients_parts", "clients")
