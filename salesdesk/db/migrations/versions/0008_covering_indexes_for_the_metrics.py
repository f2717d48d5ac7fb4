"""Covering indexes of live deals and of deleted clients for the metrics

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:30:00

Every metric of deals reads live deals by stage and the day they closed (won, lost,
durations, lost reasons, top clients, first wins) or opened (pipeline, funnel). With
only ``(stage, closed_on)`` indexed, each of those rows was read from the table; these
two partial indexes hold every column the queries use. The first begins with the same
two columns and replaces that index (SQLite kept choosing it over the covering one).
Every metric also leaves out the deleted clients' rows; their ids were found by reading
every client, a partial index holds just them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_LIVE = sa.text("deleted_at IS NULL")
_DELETED = sa.text("deleted_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_stage_closed")
        batch_op.create_index("ix_deals_live_closed",
                              ["stage", "closed_on", "owner_id", "client_id", "amount",
                               "opened_on", "lost_reason"], unique=False,
                              sqlite_where=_LIVE, postgresql_where=_LIVE)
        batch_op.create_index("ix_deals_live_opened",
                              ["stage", "opened_on", "owner_id", "client_id", "amount",
                               "expected_close"], unique=False,
                              sqlite_where=_LIVE, postgresql_where=_LIVE)
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index("ix_clients_deleted_ids", ["deleted_at", "id"], unique=False,
                              sqlite_where=_DELETED, postgresql_where=_DELETED)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("ANALYZE deals")  # the planner weighs the new indexes by their contents
        op.execute("ANALYZE clients")


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index("ix_clients_deleted_ids", sqlite_where=_DELETED,
                            postgresql_where=_DELETED)
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_live_opened", sqlite_where=_LIVE,
                            postgresql_where=_LIVE)
        batch_op.drop_index("ix_deals_live_closed", sqlite_where=_LIVE,
                            postgresql_where=_LIVE)
        batch_op.create_index("ix_deals_stage_closed", ["stage", "closed_on"], unique=False)
