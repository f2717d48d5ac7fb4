"""The metric set for many scopes and periods at once.

A year of monthly points, or the per-person table, asked :func:`engine.compute` for
each cell in turn: twelve or twenty times the same scans of a million activities and
the won deals of every client. Here each source is read once, grouped by the user it
is attributed to and by the period it falls in (a ``CASE`` over the periods, portable
SQL), and the cells are summed from those groups in Python. The customer metrics need
every client's won-deal dates against two sliding windows per period; they are worked
out with numpy over one fetch of the won deals.

The definitions are :mod:`engine`'s: a test computes both ways over the same data and
holds every value equal.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from salesdesk import clock
from salesdesk.db.models import Activity, Client, Deal, Document, MarketingSpend, Payment, Target
from salesdesk.domain import OPEN_STAGES
from salesdesk.metrics import engine
from salesdesk.metrics.engine import CustomerCounts, Period, live_client
from salesdesk.metrics.sqlfuncs import days_between, raw
from salesdesk.money import from_minor

Users = frozenset[uuid.UUID] | None
"""Whose work a cell counts: user ids, or ``None`` for everybody."""


_raw = raw  # the few distinct values are converted once (_Raw)


class _Raw:
    """Driver values turned into Python ones once per distinct value: ids as the
    driver gives them (SQLite: hex text, PostgreSQL: UUID) become UUIDs, dates (SQLite:
    ISO text) become dates."""

    def __init__(self) -> None:
        self._ids: dict[Any, uuid.UUID] = {}
        self._days: dict[Any, date] = {}

    def id(self, value: Any) -> uuid.UUID:
        found = self._ids.get(value)
        if found is None:
            found = self._ids[value] = (value if isinstance(value, uuid.UUID)
                                        else uuid.UUID(str(value)))
        return found

    def day(self, value: Any) -> date:
        found = self._days.get(value)
        if found is None:
            found = self._days[value] = (value if isinstance(value, date)
                                         else date.fromisoformat(str(value)[:10]))
        return found


class _Buckets:
    """Which period a date falls in.

    The queries group by the raw date (an index scan, a few thousand groups) and the
    dates are put into periods here: a ``CASE`` of a dozen ``BETWEEN``s on each of a
    million rows cost SQLite more than the scan itself.
    """

    def __init__(self, periods: Sequence[Period], raw: _Raw) -> None:
        self.periods = list(periods)
        self.by_start = sorted(range(len(periods)), key=lambda i: periods[i].start)
        self.starts = [periods[i].start for i in self.by_start]
        self.raw = raw
        self._cache: dict[Any, int | None] = {}

    def of(self, value: Any) -> int | None:
        """The index of the period holding the (raw) date, or ``None``."""
        if value is None:
            return None
        if value not in self._cache:
            day = self.raw.day(value)
            position = bisect_right(self.starts, day) - 1
            index = self.by_start[position] if position >= 0 else None
            self._cache[value] = (index if index is not None and day <= self.periods[index].end
                                  else None)
        return self._cache[value]


@dataclass
class _PerUser:
    """Integers (counts, kopecks) keyed by (user id, period index), summed over a group
    on request."""

    values: dict[tuple[uuid.UUID, int], int] = field(default_factory=dict)

    def add(self, user: uuid.UUID, period: int, value: int) -> None:
        key = (user, period)
        self.values[key] = self.values.get(key, 0) + value

    def total(self, users: Users, period: int) -> int:
        return sum(value for (user, index), value in self.values.items()
                   if index == period and (users is None or user in users))

    def money(self, users: Users, period: int) -> Decimal:
        return from_minor(self.total(users, period))


def compute_grid(session: Session, groups: Mapping[Hashable, Users],
                 periods: Sequence[Period], company_wide: Mapping[Hashable, bool],
                 today: date | None = None) -> dict[tuple[Hashable, int], dict[str, Any]]:
    """``{(group, period index): the metric set}`` for every group and period.

    ``groups`` names whose work each group counts; ``company_wide[group]`` says whether
    that group is the whole company (CAC is only defined then). The periods must not
    overlap; they need not be calendar months. Customer metrics of a period that has not
    ended are judged on ``today`` (the clock's by default), as :func:`engine.compute`.
    """
    if not periods:
        return {}
    today = today or clock.today()
    ordered = sorted(periods, key=lambda p: p.start)
    for a, b in pairwise(ordered):
        if b.start <= a.end:
            raise ValueError("compute_grid needs periods that do not overlap")
    lo = min(p.start for p in periods)
    hi = max(p.end for p in periods)
    everybody = any(users is None for users in groups.values())
    union = frozenset().union(*[u for u in groups.values() if u is not None])
    raw = _Raw()
    buckets = _Buckets(periods, raw)
    # Core, not the ORM: these are plain rows, and the ORM's per-row handling of a
    # hundred thousand of them cost as much as the queries.
    conn = session.connection()
    kopecks = _raw  # money columns hold integer kopecks: summed raw, converted once

    def only(column: Any) -> Any:
        # The union of the groups' users, so that a representative's points do not read
        # the whole company's rows; everybody when any group is everybody.
        return column.is_not(None) if everybody else engine.by_date(column).in_(union)

    def summed(column: Any) -> Any:
        return kopecks(func.sum(column))

    # Contacts: activities by their author and the period of their date.
    contacts = _PerUser()
    for user, day, n in conn.execute(
            select(_raw(Activity.user_id), _raw(Activity.date), func.count())
            .where(Activity.deleted_at.is_(None), Activity.date.between(lo, hi),
                   only(Activity.user_id), live_client(Activity.client_id))
            .group_by(Activity.date, Activity.user_id)):
        if (index := buckets.of(day)) is not None:
            contacts.add(raw.id(user), index, int(n))

    # Deals won and lost, and the won volume.
    won, lost, volume = _PerUser(), _PerUser(), _PerUser()
    amount = Deal.__table__.c.amount
    for owner, stage, day, n, total in conn.execute(
            select(_raw(Deal.owner_id), Deal.stage, _raw(Deal.closed_on), func.count(),
                   summed(amount))
            .where(Deal.deleted_at.is_(None), Deal.stage.in_(("won", "lost")),
                   Deal.closed_on.between(lo, hi), only(Deal.owner_id),
                   live_client(Deal.client_id))
            .group_by(Deal.owner_id, Deal.stage, Deal.closed_on)):
        if (index := buckets.of(day)) is None:
            continue
        if stage == "won":
            won.add(raw.id(owner), index, int(n))
            volume.add(raw.id(owner), index, int(total or 0))
        else:
            lost.add(raw.id(owner), index, int(n))

    # Each won deal's duration (the median needs them all).
    durations: dict[tuple[uuid.UUID, int], list[int]] = defaultdict(list)
    for owner, day, days, n in conn.execute(
            select(_raw(Deal.owner_id), _raw(Deal.closed_on),
                   days_between(Deal.closed_on, Deal.opened_on), func.count())
            .where(Deal.deleted_at.is_(None), Deal.stage == "won",
                   Deal.closed_on.between(lo, hi), only(Deal.owner_id),
                   live_client(Deal.client_id))
            .group_by(Deal.owner_id, Deal.closed_on, Deal.opened_on)):
        if (index := buckets.of(day)) is not None:
            durations[(raw.id(owner), index)].extend([int(days)] * int(n))

    # Payments, attributed to the owner of the invoice's client.
    collected = _PerUser()
    for owner, day, total in conn.execute(
            select(_raw(Client.owner_id), _raw(Payment.paid_on),
                   summed(Payment.__table__.c.amount))
            .join(Document, Document.id == Payment.invoice_id)
            .join(Client, Client.id == Document.client_id)
            .where(Payment.deleted_at.is_(None), Document.deleted_at.is_(None),
                   Client.deleted_at.is_(None), Payment.paid_on.between(lo, hi),
                   only(Client.owner_id))
            .group_by(Client.owner_id, Payment.paid_on)):
        if (index := buckets.of(day)) is not None:
            collected.add(raw.id(owner), index, int(total or 0))

    # Targets of the months the periods touch, each prorated by the share of its days
    # in the period, in exact kopecks (rounded once per cell, as engine.plan).
    plan: dict[tuple[uuid.UUID, int], Fraction] = defaultdict(Fraction)
    for user, day, total in conn.execute(
            select(_raw(Target.user_id), _raw(Target.month), summed(Target.__table__.c.amount))
            .where(Target.deleted_at.is_(None), Target.month.between(lo.replace(day=1), hi),
                   only(Target.user_id))
            .group_by(Target.user_id, Target.month)):
        month = raw.day(day)
        for index, period in enumerate(periods):
            share = engine.month_share(month, period)
            if share:
                plan[(raw.id(user), index)] += Fraction(int(total or 0)) * share

    # Marketing spend has no owner: one company-wide figure per period and channel.
    spend: dict[int, dict[str, int]] = defaultdict(dict)
    for channel, day, total in conn.execute(
            select(MarketingSpend.channel, _raw(MarketingSpend.date),
                   summed(MarketingSpend.__table__.c.amount))
            .where(MarketingSpend.deleted_at.is_(None), MarketingSpend.date.between(lo, hi))
            .group_by(MarketingSpend.channel, MarketingSpend.date)):
        if (index := buckets.of(day)) is not None:
            spend[index][channel] = spend[index].get(channel, 0) + int(total or 0)

    # Open deals opened by each period's end; the forecast of those expected in it.
    by_end = sorted(enumerate(periods), key=lambda item: item[1].end)
    ends = [p.end for _i, p in by_end]
    # (owner, stage, opened rank, expected period) -> [count, kopecks]
    pipe: dict[tuple[uuid.UUID, str, int, int | None], list[int]] = {}
    for owner, stage, opened, expected, n, total in conn.execute(
            select(_raw(Deal.owner_id), Deal.stage, _raw(Deal.opened_on),
                   _raw(Deal.expected_close), func.count(), summed(amount))
            .where(Deal.deleted_at.is_(None), Deal.stage.in_(OPEN_STAGES),
                   Deal.opened_on <= hi, only(Deal.owner_id), live_client(Deal.client_id))
            .group_by(Deal.owner_id, Deal.stage, Deal.opened_on, Deal.expected_close)):
        # rank: the first period (by end) whose end is on or after the opening day.
        key = (raw.id(owner), stage, bisect_left(ends, raw.day(opened)), buckets.of(expected))
        cell = pipe.setdefault(key, [0, 0])
        cell[0] += int(n)
        cell[1] += int(total or 0)
    probabilities = engine.stage_probabilities(session)

    customers = _Customers(session, periods, engine.activity_window(session), raw, today)

    out: dict[tuple[Hashable, int], dict[str, Any]] = {}
    for group, users in groups.items():
        for rank, (index, _period) in enumerate(by_end):
            days_won: list[int] = []
            for (owner, i), values in durations.items():
                if i == index and (users is None or owner in users):
                    days_won.extend(values)
            count, open_total, expected_by_stage = 0, 0, dict[str, int]()
            for (owner, stage, opened, exp), (n, total) in pipe.items():
                if opened > rank or (users is not None and owner not in users):
                    continue
                count += n
                open_total += total
                if exp == index:
                    expected_by_stage[stage] = expected_by_stage.get(stage, 0) + total
            wide = company_wide[group]
            spent = {channel: from_minor(v) for channel, v in spend[index].items()}
            out[(group, index)] = engine.assemble(
                contacts=contacts.total(users, index), won=won.total(users, index),
                lost=lost.total(users, index), volume=volume.money(users, index),
                deal_times=engine.median_and_mean(days_won),
                collected=collected.money(users, index),
                plan=engine.round_kopecks(sum(
                    (v for (user, i), v in plan.items()
                     if i == index and (users is None or user in users)), Fraction(0))),
                counts=customers.counts(users, index),
                spend=from_minor(sum(spend[index].values())), spend_by_channel=spent,
                new_all=customers.counts(None, index).new if wide else None,
                new_by_channel=customers.new_by_channel(index) if wide else None,
                pipeline=(count, from_minor(open_total), engine.forecast_of(
                    {stage: from_minor(v) for stage, v in expected_by_stage.items()},
                    probabilities)))
    return out


class _Customers:
    """Customers at start, retained, new and reactivated for every period and client
    owner, from one read of the won deals (METRICS.md; engine.customers per cell)."""

    def __init__(self, session: Session, periods: Sequence[Period], window: int,
                 raw: _Raw, today: date) -> None:
        hi = max(p.end for p in periods)
        conn = session.connection()
        # Every client with a won deal, and who owns it (customer metrics count clients
        # by their owner, whoever owned the deals).
        rows = conn.execute(
            select(_raw(Deal.client_id), _raw(Deal.closed_on), _raw(Client.owner_id),
                   Client.source)
            .join(Client, Client.id == Deal.client_id)
            .where(Deal.stage == "won", Deal.deleted_at.is_(None), Deal.closed_on <= hi,
                   Client.deleted_at.is_(None))).all()
        index: dict[Any, int] = {}
        ordinals: dict[Any, int] = {}
        self.owner: list[uuid.UUID] = []
        self.source: list[str] = []
        deal_client = np.empty(len(rows), dtype=np.int64)
        day = np.empty(len(rows), dtype=np.int64)
        for position, (client, closed, owner, source) in enumerate(rows):
            number = index.get(client)
            if number is None:
                number = index[client] = len(self.owner)
                self.owner.append(raw.id(owner))
                self.source.append(source or "")
            deal_client[position] = number
            ordinal = ordinals.get(closed)
            if ordinal is None:
                ordinal = ordinals[closed] = raw.day(closed).toordinal()
            day[position] = ordinal
        ids = self.owner
        owners = sorted(set(self.owner))
        self._owner_number = {owner: n for n, owner in enumerate(owners)}
        self._owner_of = np.fromiter((self._owner_number[o] for o in self.owner),
                                     dtype=np.int64, count=len(self.owner))
        first = np.full(len(ids), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, deal_client, day)
        self.flags: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        for i, p in enumerate(periods):
            start, end = p.start.toordinal(), p.end.toordinal()
            judged_before, judged_last = engine.judged_days(p, today)
            day_before, last = judged_before.toordinal(), judged_last.toordinal()
            in_start = np.zeros(len(ids), dtype=bool)
            in_start[deal_client[(day >= day_before - (window - 1)) & (day <= day_before)]] = True
            in_end = np.zeros(len(ids), dtype=bool)
            in_end[deal_client[(day >= last - (window - 1)) & (day <= last)]] = True
            is_new = (first >= start) & (first <= end)
            self.flags[i] = (in_start, in_start & in_end, is_new, in_end & ~in_start & ~is_new)
        self._cache: dict[tuple[Users, int], CustomerCounts] = {}

    def _mask(self, users: Users) -> np.ndarray:
        if users is None:
            return np.ones(len(self.owner), dtype=bool)
        wanted = [self._owner_number[u] for u in users if u in self._owner_number]
        return np.isin(self._owner_of, np.array(wanted, dtype=np.int64))

    def counts(self, users: Users, period: int) -> CustomerCounts:
        key = (users, period)
        if key not in self._cache:
            mask = self._mask(users)
            at_start, retained, new, reactivated = (int(np.count_nonzero(f & mask))
                                                    for f in self.flags[period])
            self._cache[key] = CustomerCounts(at_start, retained, new, reactivated)
        return self._cache[key]

    def new_by_channel(self, period: int) -> dict[str, int]:
        is_new = self.flags[period][2]
        out: dict[str, int] = defaultdict(int)
        for position in np.flatnonzero(is_new):
            out[self.source[position]] += 1
        return dict(out)
