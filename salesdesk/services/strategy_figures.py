"""The strategy with numbers (issue 19): each priority segment and market with its sales,
its share of the sales, its pipeline and its conversion, against the rest of the
clients; the key clients with their volume, last contact and open deals.

Figures come from the one engine (:func:`engine.parts_by`: the office's parts by segment
and market, each counted as :func:`engine.compute` counts a slice of it), within the
actor's scope, so a manager sees their team's share of each priority.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Activity, Client, Deal, StrategyItem, User
from salesdesk.domain import OPEN_STAGES
from salesdesk.metrics import engine
from salesdesk.metrics.engine import Period
from salesdesk.money import ZERO
from salesdesk.services.base import reading
from salesdesk.services.metrics import resolve_scope


@dataclass(frozen=True)
class PriorityRow:
    """A priority segment or market (or the rest of the clients: ``value`` ``""``)."""

    kind: str
    value: str
    note: str | None
    item_id: uuid.UUID | None
    """The strategy item (``None`` for the rest of the clients)."""
    sales_volume: Decimal
    share_pct: Decimal | None
    """Its share of the sales volume in scope."""
    deals_won: int
    pipeline_open_amount: Decimal
    conversion_pct: Decimal | None
    clients: int


@dataclass(frozen=True)
class KeyClientRow:
    """A key client: what it bought in the period, when it was last contacted, what is
    open with it."""

    client_id: uuid.UUID
    name: str
    owner_name: str
    sales_volume: Decimal
    last_contact: date | None
    open_deals: int
    open_amount: Decimal


@dataclass(frozen=True)
class StrategyFigures:
    """The strategy page's and the report's numbers."""

    period: Period
    total_volume: Decimal
    priorities: list[PriorityRow]
    key_clients: list[KeyClientRow]


def _row(kind: str, value: str, note: str | None, item_id: uuid.UUID | None,
         parts: list[engine.PartFigures], total: Decimal) -> PriorityRow:
    """A priority (or the rest) from the parts of the office it is made of."""
    volume = sum((part.volume for part in parts), ZERO)
    won = sum(part.won for part in parts)
    return PriorityRow(kind, value, note, item_id, volume, engine.pct(volume, total), won,
                       sum((part.open_amount for part in parts), ZERO),
                       engine.pct(won, sum(part.contacts for part in parts)),
                       sum(part.clients for part in parts))


def strategy_figures(db: Database, actor: Actor, date_from: date, date_to: date
                     ) -> StrategyFigures:
    """The numbers of the strategy in the actor's scope for a period."""
    period = Period(date_from, date_to)
    with reading(db, actor) as ctx:
        session = ctx.session
        scope = resolve_scope(ctx, None).ids
        _won, _lost, total = engine.won_and_lost(session, scope, period)
        items = list(session.scalars(select(StrategyItem).where(
            StrategyItem.deleted_at.is_(None)).order_by(StrategyItem.kind,
                                                        StrategyItem.value)))
        rows: list[PriorityRow] = []
        # Every (segment, market) part of the office in four grouped queries: one engine
        # run over a slice per priority read the month's activities and deals six times
        # over (5.3 s of the monthly report on the large demo).
        parts = (engine.parts_by(session, scope, period, (Client.segment, Client.market))
                 if items else {})
        for index, kind in enumerate(("segment", "market")):
            mine = [i for i in items if i.kind == kind]
            if not mine:
                continue
            for item in mine:
                rows.append(_row(kind, item.value, item.note, item.id,
                                 [f for key, f in parts.items() if key[index] == item.value],
                                 total))
            # The rest of the clients (none or another value), to hold the priorities
            # against.
            values = {i.value for i in mine}
            rows.append(_row(kind, "", None, None,
                             [f for key, f in parts.items() if key[index] not in values],
                             total))
        key_clients = _key_clients(ctx, scope, period)
        return StrategyFigures(period, total, rows, key_clients)


def _key_clients(ctx: policy.Ctx, scope: frozenset[uuid.UUID] | None, period: Period
                 ) -> list[KeyClientRow]:
    session = ctx.session
    clients = session.execute(
        select(Client.id, Client.name, User.name).join(User, User.id == Client.owner_id)
        .where(Client.deleted_at.is_(None), Client.priority.is_(True),
               policy.visible(ctx, Client)).order_by(Client.name)).all()
    if not clients:
        return []
    ids = [c[0] for c in clients]
    in_scope = [Deal.owner_id.in_(scope)] if scope is not None else []
    volume = dict(session.execute(
        select(Deal.client_id, engine.msum(Deal.__table__.c.amount))
        .where(Deal.client_id.in_(ids), Deal.deleted_at.is_(None), Deal.stage == "won",
               Deal.closed_on.between(period.start, period.end), *in_scope)
        .group_by(Deal.client_id)).all())
    last = dict(session.execute(
        select(Activity.client_id, func.max(Activity.date))
        .where(Activity.client_id.in_(ids), Activity.deleted_at.is_(None),
               Activity.date <= period.end)
        .group_by(Activity.client_id)).all())
    open_rows = {cid: (int(n), engine.money(amount)) for cid, n, amount in session.execute(
        select(Deal.client_id, func.count(), engine.msum(Deal.__table__.c.amount))
        .where(and_(Deal.client_id.in_(ids), Deal.deleted_at.is_(None),
                    Deal.stage.in_(OPEN_STAGES)), *in_scope)
        .group_by(Deal.client_id))}
    rows = [KeyClientRow(cid, name, owner, engine.money(volume.get(cid)), last.get(cid),
                         *open_rows.get(cid, (0, ZERO))) for cid, name, owner in clients]
    rows.sort(key=lambda r: (-r.sales_volume, r.name))
    return rows
