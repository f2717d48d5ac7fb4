"""Deals: the pipeline from a first contact to won or lost."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base, Record
from salesdesk.db.types import Money


class Deal(Record, Base):
    """A deal with a client; counts for its owner (METRICS.md, "Attribution")."""

    __tablename__ = "deals"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), nullable=False,
                                                 index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    stage: Mapped[str] = mapped_column(String(16), nullable=False, default="new")
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    expected_close: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    competitor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("competitors.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    # The open stage a lost deal was lost at (how far it got: the stage conversion
    # counts it as having reached that stage); empty when not known (an old import).
    lost_at_stage: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_deals_owner_stage_closed", "owner_id", "stage", "closed_on"),
        Index("ix_deals_client_stage_closed", "client_id", "stage", "closed_on"),
        # The metrics read live deals by stage and the day they closed or opened; these
        # hold every column those queries use, so they are answered from the index alone
        # (a 150,000-deal table was read row by row for each: 220 ms, 32 ms from here).
        # The first replaces (stage, closed_on), which SQLite preferred to it.
        # (0012: the competitor for the win rate, the stage a deal was lost at for the
        # stage conversion, and deleted_at, without which SQLite does not count a
        # partial index covering.)
        Index("ix_deals_live_closed", "stage", "closed_on", "owner_id", "client_id",
              "amount", "opened_on", "lost_reason", "competitor_id", "deleted_at",
              sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
        Index("ix_deals_live_opened", "stage", "opened_on", "owner_id", "client_id",
              "amount", "expected_close", "lost_at_stage", "deleted_at",
              sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
    )
