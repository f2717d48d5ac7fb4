"""The partial index on live activities holds the client

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00

Metrics leave out the activities of deleted clients; with the client in the index the
company's contacts of a period are still counted from the index alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_live_date_user", sqlite_where=_LIVE,
                            postgresql_where=_LIVE)
        batch_op.create_index("ix_activities_live_date_user_client",
                              ["date", "user_id", "client_id"], unique=False,
                              sqlite_where=_LIVE, postgresql_where=_LIVE)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_live_date_user_client", sqlite_where=_LIVE,
                            postgresql_where=_LIVE)
        batch_op.create_index("ix_activities_live_date_user", ["date", "user_id"],
                              unique=False, sqlite_where=_LIVE, postgresql_where=_LIVE)
