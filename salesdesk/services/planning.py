"""The head's and managers' planning: monthly targets, marketing spend, strategy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import MarketingSpend, StrategyItem, Target, User
from salesdesk.db.types import utcnow
from salesdesk.fields import Field, money, parse_month, validate
from salesdesk.i18n import N_, _
from salesdesk.policy import Action
from salesdesk.services.base import apply, check_version, get_record, reading, view, writing
from salesdesk.services.clients import live_values

SPEND_FIELDS: dict[str, Field] = registry.spec("marketing_spend")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""

STRATEGY_FIELDS: dict[str, Field] = registry.spec("strategy_items")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class TargetRecord:
    """A user's sales target for a month."""

    id: uuid.UUID
    user_id: uuid.UUID
    login: str
    user_name: str
    month: date
    amount: Decimal
    version: int


@dataclass(frozen=True)
class SpendRecord:
    """A marketing spend entry."""

    id: uuid.UUID
    date: date
    channel: str
    amount: Decimal
    note: str | None
    version: int


@dataclass(frozen=True)
class StrategyRecord:
    """A priority segment or market."""

    id: uuid.UUID
    kind: str
    value: str
    note: str | None
    version: int


# --- targets -----------------------------------------------------------------------------

def set_target(db: Database, actor: Actor, user_id: uuid.UUID | str, month: Any,
               amount: Any) -> TargetRecord:
    """Set (or change) a user's target for a month: managers for their representatives,
    the head for anyone. One target per user and month."""
    data = validate({"month": Field(N_("Month"), parse_month, required=True),
                     "amount": Field(N_("Amount"), money, required=True)},
                    {"month": month, "amount": amount})
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.TARGET_SET)
        user = get_record(ctx, User, user_id, _("User"), Action.TARGET_SET, include_deleted=True)
        policy.require(ctx, Action.TARGET_SET, target_user=user)
        target = uow.session.scalar(select(Target).where(Target.user_id == user.id,
                                                         Target.month == data["month"]))
        if target is None:
            target = Target(id=uuid.uuid4(), user_id=user.id, month=data["month"],
                            amount=data["amount"])
            uow.session.add(target)
        else:
            target.amount = data["amount"]
            target.deleted_at = None
        uow.commit()
        return view(TargetRecord, target, login=user.login, user_name=user.name)


def list_targets(db: Database, actor: Actor, month_from: date,
                 month_to: date) -> list[TargetRecord]:
    """Targets the actor may read (their own, their team's, or everyone's) in a range."""
    with reading(db, actor) as ctx:
        rows = ctx.session.execute(
            select(Target, User.login, User.name).join(User, User.id == Target.user_id)
            .where(Target.deleted_at.is_(None), policy.visible(ctx, Target),
                   Target.month >= month_from.replace(day=1), Target.month <= month_to)
            .order_by(User.name, Target.month))
        return [view(TargetRecord, t, login=login, user_name=name) for t, login, name in rows]


# --- marketing spend ---------------------------------------------------------------------

def add_spend(db: Database, actor: Actor, values: dict[str, Any]) -> SpendRecord:
    """Record money spent on a channel (the head)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.SPEND_EDIT)
        spend = MarketingSpend(id=uuid.uuid4(), **validate(SPEND_FIELDS, values))
        uow.session.add(spend)
        uow.commit()
        return view(SpendRecord, spend)


def update_spend(db: Database, actor: Actor, spend_id: uuid.UUID | str, values: dict[str, Any],
                 expected_version: int | None = None) -> SpendRecord:
    """Correct a spend entry (the head)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.SPEND_EDIT)
        spend = get_record(ctx, MarketingSpend, spend_id, _("Spend"), Action.SPEND_EDIT)
        check_version(spend, expected_version)
        apply(spend, validate(SPEND_FIELDS, values, partial=True),
              keep=("date", "channel", "amount"))
        uow.commit()
        return view(SpendRecord, spend)


def delete_spend(db: Database, actor: Actor, spend_id: uuid.UUID | str) -> None:
    """Soft-delete a spend entry (the head)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.SPEND_EDIT)
        spend = get_record(ctx, MarketingSpend, spend_id, _("Spend"), Action.SPEND_EDIT)
        spend.deleted_at = utcnow()
        uow.commit()


def list_spend(db: Database, actor: Actor, date_from: date | None = None,
               date_to: date | None = None) -> list[SpendRecord]:
    """Marketing spend (managers read, the head edits; representatives do not see it)."""
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.SPEND_READ)
        stmt = select(MarketingSpend).where(MarketingSpend.deleted_at.is_(None))
        if date_from:
            stmt = stmt.where(MarketingSpend.date >= date_from)
        if date_to:
            stmt = stmt.where(MarketingSpend.date <= date_to)
        rows = ctx.session.scalars(stmt.order_by(MarketingSpend.date.desc(),
                                                 MarketingSpend.channel))
        return [view(SpendRecord, s) for s in rows]


def channels(db: Database, actor: Actor) -> list[str]:
    """Channels used by spend entries and live clients' sources (suggestions for forms)."""
    with reading(db, actor) as ctx:
        names = set(ctx.session.scalars(select(MarketingSpend.channel).where(
            MarketingSpend.deleted_at.is_(None)).distinct()))
        # Read when a session opens: from the index of the clients' values, not from
        # 100,000 clients' keys.
        names |= set(live_values(ctx.session)["source"])
        return sorted(names)


# --- strategy ------------------------------------------------------------------------------

def add_strategy_item(db: Database, actor: Actor, values: dict[str, Any]) -> StrategyRecord:
    """Add a priority segment or market (the head)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.STRATEGY_EDIT)
        item = StrategyItem(id=uuid.uuid4(), **validate(STRATEGY_FIELDS, values))
        uow.session.add(item)
        uow.commit()
        return view(StrategyRecord, item)


def remove_strategy_item(db: Database, actor: Actor, item_id: uuid.UUID | str) -> None:
    """Remove a priority segment or market (the head)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.STRATEGY_EDIT)
        item = get_record(ctx, StrategyItem, item_id, _("Strategy item"), Action.STRATEGY_EDIT)
        item.deleted_at = utcnow()
        uow.commit()


def list_strategy(db: Database, actor: Actor) -> list[StrategyRecord]:
    """Priority segments and markets (everybody reads them)."""
    with reading(db, actor) as ctx:
        rows = ctx.session.scalars(select(StrategyItem).where(StrategyItem.deleted_at.is_(None))
                                   .order_by(StrategyItem.kind, StrategyItem.value))
        return [view(StrategyRecord, s) for s in rows]
