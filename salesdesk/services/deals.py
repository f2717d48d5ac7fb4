"""Deals through the pipeline: new, qualified, proposal, negotiation, won or lost."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, asc, desc, func, select

from salesdesk import clock, policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Client, Competitor, Deal, User
from salesdesk.db.search_index import found_in
from salesdesk.db.types import utcnow
from salesdesk.domain import CLOSED_STAGES, OPEN_STAGES, STAGES
from salesdesk.errors import ValidationError
from salesdesk.fields import Field, validate
from salesdesk.i18n import _
from salesdesk.metrics import engine
from salesdesk.metrics.sqlfuncs import msum
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import apply, check_version, get_record, reading, writing
from salesdesk.services.clients import search_key, text_matches

DEAL_FIELDS: dict[str, Field] = registry.spec("deals")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class DealRecord:
    """A deal with its client's and owner's names."""

    id: uuid.UUID
    client_id: uuid.UUID
    client_name: str
    owner_id: uuid.UUID
    owner_name: str
    title: str
    amount: Decimal
    stage: str
    opened_on: date
    expected_close: date | None
    closed_on: date | None
    lost_reason: str | None
    competitor_id: uuid.UUID | None
    notes: str | None
    version: int

    def age_days(self, today: date) -> int:
        """Days since the deal was opened (until it closed)."""
        return ((self.closed_on or today) - self.opened_on).days


@dataclass(frozen=True)
class DealQuery:
    """Filters, sort and page of the deal list."""

    text: str | None = None
    stage: str | None = None
    stages: tuple[str, ...] | None = None
    owner_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    sort: str = "opened"
    descending: bool = True
    offset: int = 0
    limit: int | None = 500


SORTABLE = {"title": Deal.title, "client": Client.name_norm, "owner": User.name,
            "amount": Deal.amount, "stage": Deal.stage, "opened": Deal.opened_on,
            "expected": Deal.expected_close, "closed": Deal.closed_on}


def _check_stage_rules(deal: Deal, today: date, was: str | None = None) -> None:
    """Won and lost deals are closed on a date not before they opened; a lost deal says
    why and keeps the open stage it was lost at (``was``, the stage before); an open deal
    has no closing date. The competitor stays on a deal whatever its stage (the one it
    was won against, or lost to: the win rate by competitor)."""
    if deal.stage in CLOSED_STAGES:
        if deal.closed_on is None:
            deal.closed_on = today
        if deal.closed_on < deal.opened_on:
            raise ValidationError(_("Closed"), _("cannot be before the deal was opened ({date})")
                                  .format(date=deal.opened_on.isoformat()))
        if deal.stage == "lost" and not (deal.lost_reason or "").strip():
            raise ValidationError(_("Lost reason"), _("is required for a lost deal"))
        if deal.stage == "won":
            deal.lost_reason = None
            deal.lost_at_stage = None
        elif was in OPEN_STAGES:
            deal.lost_at_stage = was
    else:
        deal.closed_on = None
        deal.lost_reason = None
        deal.lost_at_stage = None
    if deal.expected_close is not None and deal.expected_close < deal.opened_on:
        raise ValidationError(_("Expected close"), _("cannot be before the deal was opened"))


def _competitor(ctx: Ctx, competitor_id: uuid.UUID | str | None) -> uuid.UUID | None:
    if competitor_id in (None, ""):
        return None
    return get_record(ctx, Competitor, competitor_id, _("Competitor")).id  # type: ignore[arg-type]


def _owner(ctx: Ctx, owner_id: uuid.UUID | str | None, action: Action) -> User:
    if owner_id is None or owner_id == ctx.user.id:
        return ctx.user
    owner = get_record(ctx, User, owner_id, _("User"), action, include_deleted=True)
    policy.require(ctx, Action.DEAL_REASSIGN, target_user=owner)
    return owner


def create_deal(db: Database, actor: Actor, client_id: uuid.UUID | str, values: dict[str, Any],
                owner_id: uuid.UUID | str | None = None,
                competitor_id: uuid.UUID | str | None = None,
                today: date | None = None) -> DealRecord:
    """Open a deal with a client the actor may see (owned by the actor unless a manager
    or the head gives it to a team member)."""
    today = today or clock.today()
    with writing(db, actor) as (uow, ctx):
        client = get_record(ctx, Client, client_id, _("Client"), Action.DEAL_CREATE)
        data = validate(DEAL_FIELDS, values)
        owner = _owner(ctx, owner_id, Action.DEAL_CREATE)
        deal = Deal(id=uuid.uuid4(), client_id=client.id, owner_id=owner.id, **data)
        deal.stage = deal.stage or "new"
        deal.opened_on = deal.opened_on or today
        deal.competitor_id = _competitor(ctx, competitor_id)
        _check_stage_rules(deal, today)
        uow.session.add(deal)
        uow.commit()
        return _record(deal, client.name, owner.name)


def update_deal(db: Database, actor: Actor, deal_id: uuid.UUID | str, values: dict[str, Any],
                expected_version: int | None = None,
                competitor_id: uuid.UUID | str | None = ...,  # type: ignore[assignment]
                today: date | None = None) -> DealRecord:
    """Change a deal's fields, its stage included (with the stage rules)."""
    today = today or clock.today()
    with writing(db, actor) as (uow, ctx):
        deal = get_record(ctx, Deal, deal_id, _("Deal"), Action.DEAL_EDIT)
        check_version(deal, expected_version)
        was = deal.stage
        apply(deal, validate(DEAL_FIELDS, values, partial=True), keep=("stage", "opened_on"))
        if competitor_id is not ...:
            deal.competitor_id = _competitor(ctx, competitor_id)
        _check_stage_rules(deal, today, was if was != deal.stage else None)
        uow.commit()
        return _load(uow.session, deal)


def move_deal(db: Database, actor: Actor, deal_id: uuid.UUID | str, stage: str,
              closed_on: date | None = None, lost_reason: str | None = None,
              competitor_id: uuid.UUID | str | None = None,
              expected_version: int | None = None, today: date | None = None) -> DealRecord:
    """Move a deal to another stage (the kanban's drag and drop). Won needs a closing
    date (today by default); lost also needs the reason."""
    if stage not in STAGES:
        raise ValidationError(_("Stage"), _("'{value}' is not one of: {names}").format(
            value=stage, names=", ".join(STAGES)))
    values: dict[str, Any] = {"stage": stage}
    if stage in CLOSED_STAGES:
        values["closed_on"] = closed_on or today or clock.today()
    if stage == "lost":
        values["lost_reason"] = lost_reason
    # The competitor is asked when a deal is lost; any other move leaves it as it is.
    return update_deal(db, actor, deal_id, values, expected_version=expected_version,
                       competitor_id=competitor_id if stage == "lost" else ..., today=today)


def reassign_deal(db: Database, actor: Actor, deal_id: uuid.UUID | str,
                  new_owner_id: uuid.UUID | str) -> DealRecord:
    """Give a deal to another user (a manager within the team, the head anyone)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.DEAL_REASSIGN)
        deal = get_record(ctx, Deal, deal_id, _("Deal"), Action.DEAL_REASSIGN)
        owner = get_record(ctx, User, new_owner_id, _("User"), Action.DEAL_REASSIGN,
                           include_deleted=True)
        policy.require(ctx, Action.DEAL_REASSIGN, target_user=owner)
        deal.owner_id = owner.id
        uow.commit()
        return _load(uow.session, deal)


def delete_deal(db: Database, actor: Actor, deal_id: uuid.UUID | str) -> None:
    """Soft-delete a deal."""
    with writing(db, actor) as (uow, ctx):
        deal = get_record(ctx, Deal, deal_id, _("Deal"), Action.DEAL_EDIT)
        deal.deleted_at = utcnow()
        uow.commit()


def _record(deal: Deal, client_name: str, owner_name: str) -> DealRecord:
    return DealRecord(
        id=deal.id, client_id=deal.client_id, client_name=client_name, owner_id=deal.owner_id,
        owner_name=owner_name, title=deal.title, amount=deal.amount, stage=deal.stage,
        opened_on=deal.opened_on, expected_close=deal.expected_close, closed_on=deal.closed_on,
        lost_reason=deal.lost_reason, competitor_id=deal.competitor_id, notes=deal.notes,
        version=deal.version)


def _load(session: Any, deal: Deal) -> DealRecord:
    client = session.get(Client, deal.client_id)
    owner = session.get(User, deal.owner_id)
    return _record(deal, client.name if client else "", owner.name if owner else "")


def get_deal(db: Database, actor: Actor, deal_id: uuid.UUID | str) -> DealRecord:
    """One visible deal."""
    with reading(db, actor) as ctx:
        return _load(ctx.session, get_record(ctx, Deal, deal_id, _("Deal")))


def _filtered(ctx: Ctx, query: DealQuery) -> Select[Any]:
    stmt = (select(Deal, Client.name, User.name)
            .join(Client, Client.id == Deal.client_id)
            .join(User, User.id == Deal.owner_id)
            .where(Deal.deleted_at.is_(None), Client.deleted_at.is_(None),
                   policy.visible(ctx, Deal)))
    if query.text and query.text.strip():
        typed = query.text.strip()
        stmt = stmt.where(text_matches(ctx.session, search_key(typed))
                          | found_in(ctx.session, Deal, Deal.title, typed))
    if query.stage:
        stmt = stmt.where(Deal.stage == query.stage)
    if query.stages:
        stmt = stmt.where(Deal.stage.in_(query.stages))
    if query.owner_id:
        stmt = stmt.where(Deal.owner_id == query.owner_id)
    if query.client_id:
        stmt = stmt.where(Deal.client_id == query.client_id)
    if query.closed_from:
        stmt = stmt.where(Deal.closed_on >= query.closed_from)
    if query.closed_to:
        stmt = stmt.where(Deal.closed_on <= query.closed_to)
    return stmt


def list_deals(db: Database, actor: Actor, query: DealQuery | None = None) -> list[DealRecord]:
    """A page of visible deals, filtered and sorted in SQL."""
    query = query or DealQuery()
    with reading(db, actor) as ctx:
        column = SORTABLE.get(query.sort, Deal.opened_on)
        stmt = _filtered(ctx, query).order_by(desc(column) if query.descending else asc(column),
                                              Deal.id).offset(query.offset)
        if query.limit is not None:
            stmt = stmt.limit(query.limit)
        return [_record(d, cname, oname) for d, cname, oname in ctx.session.execute(stmt)]


def count_deals(db: Database, actor: Actor, query: DealQuery | None = None) -> int:
    """How many deals the same filters give."""
    query = query or DealQuery()
    with reading(db, actor) as ctx:
        sub = _filtered(ctx, query).with_only_columns(Deal.id).order_by(None).subquery()
        return int(ctx.session.scalar(select(func.count()).select_from(sub)) or 0)


@dataclass(frozen=True)
class StageColumn:
    """One kanban column: the stage, its deals, their count and sum."""

    stage: str
    deals: list[DealRecord]
    count: int
    total: Decimal
    probability: Decimal = Decimal(0)
    """The company's probability of the stage, in percent (100 for won, 0 for lost)."""
    weighted: Decimal = Decimal(0)
    """``total × probability``: what the stage is expected to bring (open stages; the
    sum over them is the board's weighted pipeline, METRICS.md's forecast without the
    period)."""


def pipeline_board(db: Database, actor: Actor, owner_id: uuid.UUID | None = None,
                   closed_since: date | None = None, per_stage: int = 200) -> list[StageColumn]:
    """The kanban board: open deals by stage, and won/lost deals closed since a date.

    Counts and sums are computed in SQL over all matching deals; each column holds at
    most ``per_stage`` cards (largest first).
    """
    with reading(db, actor) as ctx:
        base = [Deal.deleted_at.is_(None), policy.visible(ctx, Deal)]
        if owner_id:
            base.append(Deal.owner_id == owner_id)
        closed_since = closed_since or clock.today().replace(day=1)
        probabilities = engine.stage_probabilities(ctx.session)
        columns = []
        for stage in STAGES:
            conds = [*base, Deal.stage == stage]
            if stage in CLOSED_STAGES:
                conds.append(Deal.closed_on >= closed_since)
            count, total = ctx.session.execute(
                select(func.count(Deal.id), msum(Deal.__table__.c.amount))
                .where(*conds)).one()
            rows = ctx.session.execute(
                select(Deal, Client.name, User.name).join(Client, Client.id == Deal.client_id)
                .join(User, User.id == Deal.owner_id).where(*conds)
                .order_by(Deal.amount.desc(), Deal.id).limit(per_stage))
            amount = Decimal(total or 0).quantize(Decimal("0.01"))
            probability = probabilities.get(stage, Decimal(0))
            columns.append(StageColumn(
                stage=stage, deals=[_record(d, c, o) for d, c, o in rows], count=int(count),
                total=amount, probability=probability,
                weighted=(engine.forecast_of({stage: amount}, probabilities)
                          if stage not in CLOSED_STAGES else Decimal(0))))
        return columns

