"""The strategy with numbers (issue 19): each priority segment and market with its sales,
its share of the sales, its pipeline and its conversion, against the rest of the
clients; the key clients with their volume, last contact and open deals.

Figures come from the one engine (:func:`engine.compute` over a part of the office),
within the actor's scope, so a manager sees their team's share of each priority.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, not_, or_, select

from salesdesk import clock, policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Activity, Client, Deal, StrategyItem, User
from salesdesk.domain import OPEN_STAGES
from salesdesk.metrics import engine
from salesdesk.metrics.engine import Period, Slice
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


def _row(session: Any, scope: frozenset[uuid.UUID] | None, period: Period, kind: str,
         value: str, note: str | None, item_id: uuid.UUID | None, match: Any,
         total: Decimal, today: date) -> PriorityRow:
    cut = Slice(clients=select(Client.id).where(match))
    values = engine.compute(session, scope, period, False, today, cut=cut)
    owned = [Client.deleted_at.is_(None), match]
    if scope is not None:
        owned.append(Client.owner_id.in_(scope))
    count = int(session.scalar(select(func.count()).select_from(Client).where(*owned)) or 0)
    return PriorityRow(kind, value, note, item_id, values["sales_volume"],
                       engine.pct(values["sales_volume"], total), values["deals_won"],
                       values["pipeline_open_amount"], values["conversion_pct"], count)


def strategy_figures(db: Database, actor: Actor, date_from: date, date_to: date
                     ) -> StrategyFigures:
    """The numbers of the strategy in the actor's scope for a period."""
    period = Period(date_from, date_to)
    today = clock.today()
    with reading(db, actor) as ctx:
        session = ctx.session
        scope = resolve_scope(ctx, None).ids
        _won, _lost, total = engine.won_and_lost(session, scope, period)
        items = list(session.scalars(select(StrategyItem).where(
            StrategyItem.deleted_at.is_(None)).order_by(StrategyItem.kind,
                                                        StrategyItem.value)))
        rows: list[PriorityRow] = []
        for kind, column in (("segment", Client.segment), ("market", Client.market)):
            mine = [i for i in items if i.kind == kind]
            if not mine:
                continue
            for item in mine:
                rows.append(_row(session, scope, period, kind, item.value, item.note,
                                 item.id, column == item.value, total, today))
            # The rest of the clients, to hold the priorities against.
            values = [i.value for i in mine]
            rest = or_(column.is_(None), not_(column.in_(values)))
            rows.append(_row(session, scope, period, kind, "", None, None, rest, total,
                             today))
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
