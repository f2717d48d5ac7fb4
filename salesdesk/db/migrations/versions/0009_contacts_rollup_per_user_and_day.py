"""The contacts of each user on each day, kept by triggers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:30:00

Every metric screen counts contacts, the live activities of live clients by user and
day: a scan of a million activities for a year on the large demo. ``activity_days``
holds that count per (day, user), kept in the same transaction as every write by the
triggers of :mod:`salesdesk.db.rollups`, and is filled here from the activities.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from salesdesk.db import rollups

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_days",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("date", "user_id", name=op.f("pk_activity_days")),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    for statement in rollups.FILL:
        op.execute(statement)
    if bind.dialect.name == "sqlite":
        for statement in rollups.SQLITE_TRIGGERS.values():
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        for statement in rollups.PG_CREATE:
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in rollups.SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif bind.dialect.name == "postgresql":
        for statement in rollups.PG_DROP:
            op.execute(statement)
    op.drop_table("activity_days")
