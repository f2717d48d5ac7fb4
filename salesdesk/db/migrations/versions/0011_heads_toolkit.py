"""The head's toolkit: budget plan, onboarding templates, commission and ranking, and
what the new metrics measure

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 20:20:00

Issue 19: a planned marketing budget by channel and month (``marketing_budget``) beside
the actual spend; onboarding templates (``training_templates``); the company's
commission scheme and the metric the team is ranked by. A client request keeps the
moment it was answered (``answered_at``: the answer time in hours) and a lost deal the
stage it was lost at (``lost_at_stage``: the stage conversion). The columns are added in
place (no table is rebuilt, so the triggers on activities and deals stay as they are).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_RECORD = (
    lambda: sa.Column("id", sa.Uuid(), nullable=False),
    lambda: sa.Column("created_at", sa.DateTime(), nullable=False),
    lambda: sa.Column("updated_at", sa.DateTime(), nullable=False),
    lambda: sa.Column("version", sa.Integer(), nullable=False),
    lambda: sa.Column("deleted_at", sa.DateTime(), nullable=True),
)


def upgrade() -> None:
    op.create_table(
        "marketing_budget",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *(column() for column in _RECORD),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_budget")),
    )
    op.create_index(op.f("ix_marketing_budget_month"), "marketing_budget", ["month"])
    op.create_table(
        "training_templates",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *(column() for column in _RECORD),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_templates")),
    )
    op.add_column("activities", sa.Column("answered_at", sa.DateTime(), nullable=True))
    op.add_column("deals", sa.Column("lost_at_stage", sa.String(length=16), nullable=True))
    op.add_column("company", sa.Column("commission_scheme", sa.JSON(), server_default="{}",
                                       nullable=False))
    op.add_column("company", sa.Column("ranking_metric", sa.String(length=40),
                                       server_default="plan_attainment_pct", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_column("ranking_metric")
        batch_op.drop_column("commission_scheme")
    op.drop_column("deals", "lost_at_stage")
    op.drop_column("activities", "answered_at")
    op.drop_table("training_templates")
    op.drop_index(op.f("ix_marketing_budget_month"), table_name="marketing_budget")
    op.drop_table("marketing_budget")
