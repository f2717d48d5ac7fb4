"""The marketing budget: the money planned for each channel in each month, held against
the spend actually made (issue 19). The head plans; managers read it; representatives
see neither (DOMAIN.md: "marketing budget and spend")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import MarketingBudget
from salesdesk.db.types import utcnow
from salesdesk.fields import Field, validate
from salesdesk.i18n import _
from salesdesk.metrics import engine
from salesdesk.metrics.engine import Period
from salesdesk.money import ZERO
from salesdesk.policy import Action
from salesdesk.services.base import get_record, reading, writing

BUDGET_FIELDS: dict[str, Field] = registry.spec("marketing_budget")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class BudgetLine:
    """The money planned for one channel in one month."""

    id: uuid.UUID
    month: date
    channel: str
    amount: Decimal
    note: str | None
    version: int


@dataclass(frozen=True)
class BudgetRow:
    """One channel's plan against its spend in a period (``channel`` ``""``: the total)."""

    channel: str
    planned: Decimal
    spent: Decimal

    @property
    def difference(self) -> Decimal:
        """Spent minus planned (above zero: over the budget)."""
        return self.spent - self.planned

    @property
    def used_pct(self) -> Decimal | None:
        """Spent ÷ planned × 100 (``None`` without a plan)."""
        return engine.pct(self.spent, self.planned)


def _line(row: MarketingBudget) -> BudgetLine:
    return BudgetLine(row.id, row.month, row.channel, row.amount, row.note, row.version)


def set_budget(db: Database, actor: Actor, values: dict[str, Any]) -> BudgetLine:
    """Plan a channel's month (the head): one amount per channel and month, a second
    setting replaces the first."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.SPEND_EDIT)
        data = validate(BUDGET_FIELDS, values)
        row = uow.session.scalar(select(MarketingBudget).where(
            MarketingBudget.deleted_at.is_(None), MarketingBudget.month == data["month"],
            MarketingBudget.channel == data["channel"]))
        if row is None:
            row = MarketingBudget(id=uuid.uuid4(), **data)
            uow.session.add(row)
        else:
            row.amount = data["amount"]
            row.note = data.get("note")
        uow.commit()
        return _line(row)


def delete_budget(db: Database, actor: Actor, line_id: uuid.UUID | str) -> None:
    """Remove a channel's month from the plan (the head)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.SPEND_EDIT)
        row = get_record(ctx, MarketingBudget, line_id, _("Budget"), Action.SPEND_EDIT)
        row.deleted_at = utcnow()
        uow.commit()


def list_budget(db: Database, actor: Actor, month_from: date, month_to: date
                ) -> list[BudgetLine]:
    """The planned months from ``month_from`` to ``month_to`` (managers and the head)."""
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.SPEND_READ)
        rows = ctx.session.scalars(select(MarketingBudget).where(
            MarketingBudget.deleted_at.is_(None),
            MarketingBudget.month.between(month_from.replace(day=1), month_to))
            .order_by(MarketingBudget.month, MarketingBudget.channel))
        return [_line(r) for r in rows]


def budget_vs_spend(db: Database, actor: Actor, date_from: date, date_to: date
                    ) -> list[BudgetRow]:
    """Each channel's plan for the period (each month's amount prorated by the share of
    its days in the period, as targets are) against its spend dated in the period, by
    channel, and the total last."""
    period = Period(date_from, date_to)
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.SPEND_READ)
        planned: dict[str, Fraction] = {}
        for month, channel, amount in ctx.session.execute(
                select(MarketingBudget.month, MarketingBudget.channel, MarketingBudget.amount)
                .where(MarketingBudget.deleted_at.is_(None),
                       MarketingBudget.month.between(period.start.replace(day=1),
                                                     period.end))):
            kopecks = Fraction(int(amount * 100)) * engine.month_share(month, period)
            planned[channel] = planned.get(channel, Fraction(0)) + kopecks
        spent = engine.spend_by_channel(ctx.session, period)
    rows = [BudgetRow(channel, engine.round_kopecks(planned.get(channel, Fraction(0))),
                      spent.get(channel, ZERO))
            for channel in sorted(set(planned) | set(spent), key=str.casefold)]
    total = BudgetRow("", sum((r.planned for r in rows), ZERO), sum((r.spent for r in rows),
                                                                    ZERO))
    return [*rows, total]
