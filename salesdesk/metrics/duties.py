"""The metrics of the representatives' duties and of the funnel's steps (issue 19):
deliveries on time, requests answered (how fast, how many late), the conversion from
each stage to the next, and the win rate against each competitor.

Computed with SQL aggregates like the rest of the engine (:mod:`engine`), for a scope,
a period and optionally a part of the office (:class:`engine.Slice`); the definitions
are in :mod:`salesdesk.metrics.definitions` and ``docs/metrics.md``.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from salesdesk.db.models import Activity, Competitor, Deal, Delivery
from salesdesk.domain import OPEN_STAGES
from salesdesk.metrics.engine import (
    Period,
    Slice,
    _in,
    cut_conditions,
    live_client,
    pct,
)
from salesdesk.metrics.sqlfuncs import hours_between
from salesdesk.money import round_to

LADDER = (*OPEN_STAGES, "won")
"""The stages in the order a deal climbs them."""


def deliveries_on_time(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
                       today: date, cut: Slice | None = None) -> tuple[int, int]:
    """Deliveries due in the period whose outcome is known (delivered, or past their
    deadline today), and how many of them were delivered on or before the deadline."""
    on_time = and_(Delivery.delivered_on.is_not(None),
                   Delivery.delivered_on <= Delivery.due_date)
    row = session.execute(
        select(func.count(), func.sum(case((on_time, 1), else_=0)))
        .select_from(Delivery)
        .where(Delivery.deleted_at.is_(None), Delivery.due_date.between(p.start, p.end),
               or_(Delivery.delivered_on.is_not(None), Delivery.due_date < today),
               _in(Delivery.owner_id, scope), live_client(Delivery.client_id),
               *cut_conditions(cut, Delivery.client_id, Delivery.deal_id))).one()
    return int(row[0] or 0), int(row[1] or 0)


def _requests(scope: frozenset[uuid.UUID] | None, cut: Slice | None) -> list[Any]:
    return [Activity.deleted_at.is_(None), Activity.kind == "request",
            _in(Activity.user_id, scope), live_client(Activity.client_id),
            *cut_conditions(cut, Activity.client_id)]


def request_answer_hours(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
                         cut: Slice | None = None) -> tuple[int, Decimal | None]:
    """Requests answered in the period (answered on a day in it, with the moment
    kept), and the median of the hours from logging each to its answer."""
    hours = hours_between(Activity.answered_at, Activity.created_at)
    conditions = [*_requests(scope, cut), Activity.answered_on.between(p.start, p.end),
                  Activity.answered_at.is_not(None)]
    count = int(session.scalar(select(func.count()).select_from(Activity)
                               .where(*conditions)) or 0)
    if not count:
        return 0, None
    offset = (count - 1) // 2
    take = 1 if count % 2 else 2
    middle = [Decimal(str(v)) for v in session.scalars(
        select(hours).where(*conditions).order_by(hours).offset(offset).limit(take))]
    return count, round_to(sum(middle, Decimal(0)) / len(middle), 2)


def requests_late(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
                  today: date, cut: Slice | None = None) -> tuple[int, int]:
    """Requests whose answer-by day lies in the period, and how many of them were
    answered after it or are still open past it today."""
    late = or_(and_(Activity.answered_on.is_not(None),
                    Activity.answered_on > Activity.answer_by),
               and_(Activity.answered_on.is_(None), Activity.request_status == "open",
                    Activity.answer_by < today))
    row = session.execute(
        select(func.count(), func.sum(case((late, 1), else_=0))).select_from(Activity)
        .where(*_requests(scope, cut), Activity.answer_by.between(p.start, p.end))).one()
    return int(row[0] or 0), int(row[1] or 0)


def stage_conversion(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
                     cut: Slice | None = None) -> dict[str, Decimal | None]:
    """For the deals opened in the period: of those that reached each open stage, the
    share that went on to the next (``{"new": %, "qualified": %, …}``). An open deal has
    reached its stage, a won deal every stage, a lost deal the stage it was lost at
    ("new" when that is not known)."""
    rows = session.execute(
        select(Deal.stage, Deal.lost_at_stage, func.count())
        .where(Deal.deleted_at.is_(None), Deal.opened_on.between(p.start, p.end),
               _in(Deal.owner_id, scope), live_client(Deal.client_id),
               *cut_conditions(cut, Deal.client_id, Deal.id))
        .group_by(Deal.stage, Deal.lost_at_stage))
    reached_rank = [0] * len(LADDER)  # deals whose furthest stage is LADDER[i]
    for stage, lost_at, n in rows:
        furthest = (lost_at if lost_at in OPEN_STAGES else "new") if stage == "lost" \
            else stage
        if furthest in LADDER:
            reached_rank[LADDER.index(furthest)] += int(n)
    at_least = [sum(reached_rank[i:]) for i in range(len(LADDER))]
    return {stage: pct(at_least[i + 1], at_least[i]) for i, stage in enumerate(OPEN_STAGES)}


def win_rate_by_competitor(session: Session, scope: frozenset[uuid.UUID] | None,
                           p: Period, cut: Slice | None = None) -> dict[str, Decimal | None]:
    """For the deals won or lost in the period against a named competitor: won ÷ (won +
    lost) × 100 per competitor (by name)."""
    rows = session.execute(
        select(Competitor.name, func.sum(case((Deal.stage == "won", 1), else_=0)),
               func.count())
        .join(Competitor, Competitor.id == Deal.competitor_id)
        .where(Deal.deleted_at.is_(None), Deal.stage.in_(("won", "lost")),
               Deal.closed_on.between(p.start, p.end), _in(Deal.owner_id, scope),
               live_client(Deal.client_id), *cut_conditions(cut, Deal.client_id, Deal.id))
        .group_by(Competitor.name).order_by(Competitor.name))
    return {name: pct(int(won or 0), int(total)) for name, won, total in rows}


def compute_duties(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
                   today: date, cut: Slice | None = None) -> dict[str, Any]:
    """Every key of these metrics for one scope and period (a product's deals have no
    requests: those are ``None``)."""
    due, on_time = deliveries_on_time(session, scope, p, today, cut)
    values: dict[str, Any] = {
        "deliveries_due": due, "deliveries_on_time": on_time,
        "on_time_delivery_pct": pct(on_time, due),
        "stage_conversion": stage_conversion(session, scope, p, cut),
        "win_rate_by_competitor": win_rate_by_competitor(session, scope, p, cut),
    }
    if cut is not None and cut.deals is not None:
        values.update(requests_answered=None, request_answer_hours_median=None,
                      requests_due=None, requests_answered_late=None)
        return values
    answered, median = request_answer_hours(session, scope, p, cut)
    requests_due, late = requests_late(session, scope, p, today, cut)
    values.update(requests_answered=answered, request_answer_hours_median=median,
                  requests_due=requests_due, requests_answered_late=late)
    return values
