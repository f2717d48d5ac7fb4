"""The head's and managers' records: targets, marketing spend, strategy, market
knowledge and training."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base, Record
from salesdesk.db.types import Money


class Target(Record, Base):
    """A user's sales target for a month (``month`` is the 1st of the month)."""

    __tablename__ = "targets"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)

    __table_args__ = (UniqueConstraint("user_id", "month", name="uq_targets_user_month"),)


class MarketingSpend(Record, Base):
    """Money spent on a marketing channel on a date (monthly entries use the 1st)."""

    __tablename__ = "marketing_spend"

    date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(100), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)


class MarketingBudget(Record, Base):
    """The money planned for a marketing channel in a month (``month`` is the 1st): the
    plan the actual spend is held against."""

    __tablename__ = "marketing_budget"

    month: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(100), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)


STRATEGY_KINDS = ("segment", "market")


class StrategyItem(Record, Base):
    """A priority segment or market set by the head (key clients are a client flag)."""

    __tablename__ = "strategy_items"

    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)


class Competitor(Record, Base):
    """A competitor: who they are and how they sell."""

    __tablename__ = "competitors"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    website: Mapped[str | None] = mapped_column(String(300))
    strengths: Mapped[str | None] = mapped_column(Text)
    weaknesses: Mapped[str | None] = mapped_column(Text)
    prices: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class MarketNote(Record, Base):
    """A dated note on the market, optionally about one competitor."""

    __tablename__ = "market_notes"

    competitor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("competitors.id"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    text: Mapped[str | None] = mapped_column(Text)


class TrainingItem(Record, Base):
    """One item of an employee's training or onboarding checklist."""

    __tablename__ = "training_items"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False,
                                               index=True)
    assigned_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    reviewed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(Text)


class TrainingTemplate(Record, Base):
    """A named onboarding list: items, each with the days after assignment it is due
    (``[{"title": …, "description": …, "offset_days": 7}, …]``), assigned to a new
    employee in one step."""

    __tablename__ = "training_templates"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    note: Mapped[str | None] = mapped_column(Text)
