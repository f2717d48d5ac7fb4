"""The metric set for many scopes and periods at once.

A year of monthly points, or the per-person table, asked :func:`engine.compute` for
each cell in turn: twelve or twenty times the same scans of a million activities and
the won deals of every client. Here each source is read once, grouped by the user it
is attributed to and by the period it falls in (a ``CASE`` over the periods, portable
SQL), and the cells are summed from those groups in Python. The customer metrics need
every client's won-deal dates against two sliding windows per period; they are worked
out with numpy over one fetch of the won deals. Contacts come from the per user × day
rollup (:mod:`salesdesk.db.rollups`) instead of a scan of the activities.

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
from itertools import accumulate, pairwise
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from salesdesk import clock
from salesdesk.db.models import (
    ActivityDay,
    Client,
    Deal,
    Document,
    MarketingSpend,
    Payment,
    Target,
)
from salesdesk.domain import OPEN_STAGES
from salesdesk.metrics import engine
from salesdesk.metrics.engine import CustomerCounts, Period, live_client
from salesdesk.metrics.sqlfuncs import days_between, raw
from salesdesk.money import from_minor

Users = frozenset[uuid.UUID] | None
"""Whose work a cell counts: user ids, or ``None`` for everybody."""


_raw = raw  # the few distinct values are converted once (_Raw)


Numbers = frozenset[int] | None
"""The same, as the numbers :class:`_Ids` gave those users."""


class _Ids(dict[Any, int]):
    """Users' ids as the driver gives them (SQLite: hex text, PostgreSQL: UUID) -> a
    number of their own, given the first time an id is asked for.

    The grid's loops key everything by user, and hashing a UUID is a call into Python:
    a year's rows for the head's dashboard hashed 340,000 of them, a fifth of its
    figures. Numbers hash in C.
    """

    def __init__(self) -> None:
        super().__init__()
        self.by_uuid: dict[uuid.UUID, int] = {}

    def __missing__(self, value: Any) -> int:
        key = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        number = self.by_uuid.setdefault(key, len(self.by_uuid))
        self[value] = number
        return number

    def numbers(self, users: Users) -> Numbers:
        """``users``' numbers (a user with no rows has none, and counts nothing)."""
        if users is None:
            return None
        return frozenset(self.by_uuid[u] for u in users if u in self.by_uuid)


class _Raw:
    """Driver values turned into Python ones once per distinct value: ids as the
    driver gives them (SQLite: hex text, PostgreSQL: UUID) become UUIDs, dates (SQLite:
    ISO text) become dates."""

    def __init__(self) -> None:
        self.ids = _Ids()
        """Driver id -> the user's number, by subscription (``raw.ids[value]``): the
        loops over a year's rows look each one up, and a dict's own lookup is the
        cheapest there is."""
        self._days: dict[Any, date] = {}

    def id(self, value: Any) -> int:
        return self.ids[value]

    def day(self, value: Any) -> date:
        found = self._days.get(value)
        if found is None:
            found = self._days[value] = (value if isinstance(value, date)
                                         else date.fromisoformat(str(value)[:10]))
        return found


class _Buckets(dict[Any, int | None]):
    """Which period a (raw) date falls in: ``buckets[day]`` is the period's index, or
    ``None``.

    The queries group by the raw date (an index scan, a few thousand groups) and the
    dates are put into periods here: a ``CASE`` of a dozen ``BETWEEN``s on each of a
    million rows cost SQLite more than the scan itself. A dictionary, so that each of a
    screen's 190,000 look-ups is the dictionary's own; a day is worked out the first
    time it is asked for.
    """

    def __init__(self, periods: Sequence[Period], raw: _Raw) -> None:
        super().__init__()
        self.periods = list(periods)
        self.by_start = sorted(range(len(periods)), key=lambda i: periods[i].start)
        self.starts = [periods[i].start for i in self.by_start]
        self.raw = raw

    def __missing__(self, value: Any) -> int | None:
        index: int | None = None
        if value is not None:
            day = self.raw.day(value)
            position = bisect_right(self.starts, day) - 1
            if position >= 0 and day <= self.periods[self.by_start[position]].end:
                index = self.by_start[position]
        self[value] = index
        return index


@dataclass
class _PerUser:
    """Integers (counts, kopecks) keyed by (user number, period index), summed over a
    group on request."""

    values: dict[tuple[int, int], int] = field(default_factory=dict)

    def add(self, user: int, period: int, value: int) -> None:
        key = (user, period)
        self.values[key] = self.values.get(key, 0) + value

    def total(self, users: Numbers, period: int) -> int:
        return sum(value for (user, index), value in self.values.items()
                   if index == period and (users is None or user in users))

    def money(self, users: Numbers, period: int) -> Decimal:
        return from_minor(self.total(users, period))


@dataclass
class Sources:
    """Each source of the metric set, read once for a range of days and a set of users.

    A screen asks for several grids (the dashboard: the period and the one before, a
    year of months, the per-person table; the report: more of the same): each used to
    read the same million activities and every won deal again. Read once here, any
    number of :func:`compute_grid` calls are summed from these rows, for periods within
    ``lo``–``hi`` and groups within ``users``. The rows are grouped by user and raw day,
    so the same rows serve any periods.
    """

    lo: date
    hi: date
    users: Users
    """Whose rows were read (``None``: everybody's)."""
    raw: _Raw
    """The raw values' conversions; the users in the rows below are numbered by it."""
    contacts: list[tuple[int, Any, int]]
    """(author, day, activities)."""
    closed: list[tuple[int, str, Any, int, int]]
    """(owner, won or lost, closing day, deals, kopecks)."""
    durations: list[tuple[int, Any, int]]
    """(owner, closing day, days the deal took) of each won deal."""
    collected: list[tuple[int, Any, int]]
    """(client's owner, day paid, kopecks)."""
    targets: list[tuple[int, date, int]]
    """(user, month, kopecks)."""
    spend: list[tuple[str, Any, int]]
    """(channel, day, kopecks): marketing spend has no owner."""
    pipe: list[tuple[int, str, date, Any, int]]
    """(owner, stage, opened, expected close, kopecks) of each open deal."""
    probabilities: dict[str, Decimal]
    won: _WonDeals

    def covers(self, lo: date, hi: date, users: Users) -> bool:
        """Whether these rows hold everything a grid of these days and users needs."""
        return (self.lo <= lo and hi <= self.hi
                and (self.users is None or (users is not None and users <= self.users)))


def read_sources(session: Session, lo: date, hi: date, users: Users) -> Sources:
    """Read every source of the metric set for the days ``lo``–``hi`` and the users
    (``None``: everybody), once (see :class:`Sources`)."""
    raw = _Raw()
    # Core, not the ORM: these are plain rows, and the ORM's per-row handling of a
    # hundred thousand of them cost as much as the queries.
    conn = session.connection()
    kopecks = _raw  # money columns hold integer kopecks: summed raw, converted once

    def only(column: Any) -> Any:
        # Only the users asked for, so that a representative's points do not read the
        # whole company's rows.
        return column.is_not(None) if users is None else engine.by_date(column).in_(users)

    def summed(column: Any) -> Any:
        return kopecks(func.sum(column))

    # Contacts by their author and day, from the rollup the triggers keep (the same
    # count as engine.contacts' scan of the activities: a test holds them equal).
    contacts = [(raw.id(user), day, int(n)) for user, day, n in conn.execute(
        select(_raw(ActivityDay.user_id), _raw(ActivityDay.date), ActivityDay.contacts)
        .where(ActivityDay.date.between(lo, hi), ActivityDay.contacts != 0,
               only(ActivityDay.user_id)))]

    # Deals won and lost, and their amounts.
    amount = Deal.__table__.c.amount
    closed = [(raw.id(owner), stage, day, int(n), int(total or 0))
              for owner, stage, day, n, total in conn.execute(
        select(_raw(Deal.owner_id), Deal.stage, _raw(Deal.closed_on), func.count(),
               summed(amount))
        .where(Deal.deleted_at.is_(None), Deal.stage.in_(("won", "lost")),
               Deal.closed_on.between(lo, hi), only(Deal.owner_id),
               live_client(Deal.client_id))
        .group_by(Deal.owner_id, Deal.stage, Deal.closed_on))]

    # Each won deal's duration (the median needs them all). One row a deal, not
    # grouped: the groups (owner, day, duration) were nearly one a deal anyway, and
    # sorting them into groups doubled the query.
    ids = raw.ids
    durations = [(ids[owner], day, int(days)) for owner, day, days in _rows(
        conn, select(_raw(Deal.owner_id), _raw(Deal.closed_on),
                     days_between(Deal.closed_on, Deal.opened_on))
        .where(Deal.deleted_at.is_(None), Deal.stage == "won",
               Deal.closed_on.between(lo, hi), only(Deal.owner_id),
               live_client(Deal.client_id)))]

    # Payments, attributed to the owner of the invoice's client.
    collected = [(raw.id(owner), day, int(total or 0)) for owner, day, total in conn.execute(
        select(_raw(Client.owner_id), _raw(Payment.paid_on),
               summed(Payment.__table__.c.amount))
        .join(Document, Document.id == Payment.invoice_id)
        .join(Client, Client.id == Document.client_id)
        .where(Payment.deleted_at.is_(None), Document.deleted_at.is_(None),
               Client.deleted_at.is_(None), Payment.paid_on.between(lo, hi),
               only(Client.owner_id))
        .group_by(Client.owner_id, Payment.paid_on))]

    # Targets of the months the days touch.
    targets = [(raw.id(user), raw.day(day), int(total or 0))
               for user, day, total in conn.execute(
        select(_raw(Target.user_id), _raw(Target.month), summed(Target.__table__.c.amount))
        .where(Target.deleted_at.is_(None), Target.month.between(lo.replace(day=1), hi),
               only(Target.user_id))
        .group_by(Target.user_id, Target.month))]

    spend = [(channel, day, int(total or 0)) for channel, day, total in conn.execute(
        select(MarketingSpend.channel, _raw(MarketingSpend.date),
               summed(MarketingSpend.__table__.c.amount))
        .where(MarketingSpend.deleted_at.is_(None), MarketingSpend.date.between(lo, hi))
        .group_by(MarketingSpend.channel, MarketingSpend.date))]

    # Open deals (as they stand today) opened by the last day.
    # (One row a deal, as the durations: the groups were nearly one a deal.)
    pipe = [(ids[owner], stage, raw.day(opened), expected, int(total or 0))
            for owner, stage, opened, expected, total in _rows(
        conn, select(_raw(Deal.owner_id), Deal.stage, _raw(Deal.opened_on),
                     _raw(Deal.expected_close), _raw(amount))
        .where(Deal.deleted_at.is_(None), Deal.stage.in_(OPEN_STAGES),
               Deal.opened_on <= hi, only(Deal.owner_id), live_client(Deal.client_id)))]

    return Sources(lo=lo, hi=hi, users=users, raw=raw, contacts=contacts, closed=closed,
                   durations=durations, collected=collected, targets=targets, spend=spend,
                   pipe=pipe, probabilities=engine.stage_probabilities(session),
                   won=_WonDeals(session, hi, engine.activity_window(session), raw))


def compute_grid(session: Session, groups: Mapping[Hashable, Users],
                 periods: Sequence[Period], company_wide: Mapping[Hashable, bool],
                 today: date | None = None,
                 sources: Sources | None = None) -> dict[tuple[Hashable, int], dict[str, Any]]:
    """``{(group, period index): the metric set}`` for every group and period.

    ``groups`` names whose work each group counts; ``company_wide[group]`` says whether
    that group is the whole company (CAC is only defined then). The periods must not
    overlap; they need not be calendar months. Customer metrics of a period that has not
    ended are judged on ``today`` (the clock's by default), as :func:`engine.compute`.
    ``sources``, read once by :func:`read_sources` for a screen's several grids, must
    cover the periods and the groups; without it they are read for this grid alone.
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
    union: Users = None if everybody else frozenset().union(
        *[u for u in groups.values() if u is not None])
    if sources is None:
        sources = read_sources(session, lo, hi, union)
    elif not sources.covers(lo, hi, union):
        raise ValueError("compute_grid was given sources that do not cover its periods "
                         "and users")
    raw = sources.raw
    buckets = _Buckets(periods, raw)
    # The groups' users by their numbers, as the rows have them.
    numbered = {group: raw.ids.numbers(users) for group, users in groups.items()}

    contacts = _PerUser()
    for user, day, n in sources.contacts:
        if (index := buckets[day]) is not None:
            contacts.add(user, index, n)

    won, lost, volume = _PerUser(), _PerUser(), _PerUser()
    for owner, stage, day, n, total in sources.closed:
        if (index := buckets[day]) is None:
            continue
        if stage == "won":
            won.add(owner, index, n)
            volume.add(owner, index, total)
        else:
            lost.add(owner, index, n)

    durations: dict[tuple[int, int], list[int]] = defaultdict(list)
    for owner, day, days in sources.durations:
        if (index := buckets[day]) is not None:
            durations[(owner, index)].append(days)

    collected = _PerUser()
    for owner, day, total in sources.collected:
        if (index := buckets[day]) is not None:
            collected.add(owner, index, total)

    # Targets of the months the periods touch, each prorated by the share of its days
    # in the period, in exact kopecks (rounded once per cell, as engine.plan).
    plan: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
    first_month = lo.replace(day=1)
    for user, month, total in sources.targets:
        if not first_month <= month <= hi:
            continue
        for index, period in enumerate(periods):
            share = engine.month_share(month, period)
            if share:
                plan[(user, index)] += Fraction(total) * share

    # One company-wide figure per period and channel.
    spend: dict[int, dict[str, int]] = defaultdict(dict)
    for channel, day, total in sources.spend:
        if (index := buckets[day]) is not None:
            spend[index][channel] = spend[index].get(channel, 0) + total

    # Open deals opened by each period's end; the forecast of those expected in it.
    by_end = sorted(enumerate(periods), key=lambda item: item[1].end)
    ends = [p.end for _i, p in by_end]
    # Per owner, the open deals (count, kopecks) by opening rank: the first period (by
    # end) whose end is on or after the opening day; a deal opened after the last
    # period's end gets the rank len(ends), which no period counts. Summed up the ranks
    # below, so that a period's pipeline is one look-up per owner (walking every deal
    # for every period was most of a screen's grid time).
    ranks = len(ends) + 1
    open_count: dict[int, list[int]] = {}
    open_kopecks: dict[int, list[int]] = {}
    # The expected closes by the period they fall in: (owner, stage, rank, kopecks).
    expected_in: dict[int, list[tuple[int, str, int, int]]] = defaultdict(list)
    for owner, stage, opened, expected, total in sources.pipe:
        rank = bisect_left(ends, opened)
        if owner not in open_count:
            open_count[owner], open_kopecks[owner] = [0] * ranks, [0] * ranks
        open_count[owner][rank] += 1
        open_kopecks[owner][rank] += total
        if (index := buckets[expected]) is not None:
            expected_in[index].append((owner, stage, rank, total))
    for table in (open_count, open_kopecks):
        for owner, row in table.items():
            table[owner] = list(accumulate(row))
    probabilities = sources.probabilities

    customers = _Customers(sources.won, periods, today)

    out: dict[tuple[Hashable, int], dict[str, Any]] = {}
    for group, users in numbered.items():
        for rank, (index, _period) in enumerate(by_end):
            days_won: list[int] = []
            for (owner, i), values in durations.items():
                if i == index and (users is None or owner in users):
                    days_won.extend(values)
            owners = [o for o in open_count if users is None or o in users]
            count = sum(open_count[o][rank] for o in owners)
            open_total = sum(open_kopecks[o][rank] for o in owners)
            expected_by_stage: dict[str, int] = {}
            for owner, stage, opened, total in expected_in.get(index, ()):
                if opened <= rank and (users is None or owner in users):
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


def _rows(conn: Connection, stmt: Any) -> list[tuple[Any, ...]]:
    """The driver's own tuples of a query of raw columns (see :data:`_raw`): making
    tens of thousands of SQLAlchemy rows cost a fifth of reading them."""
    result = conn.execute(stmt)
    try:
        return result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()


class _WonDeals:
    """Every won deal's client and day, up to a last day, read once (customer metrics
    count clients by their owner, whoever owned the deals)."""

    def __init__(self, session: Session, hi: date, window: int, raw: _Raw) -> None:
        self.window = window
        rows = _rows(session.connection(), select(
            _raw(Deal.client_id), _raw(Deal.closed_on), _raw(Client.owner_id),
            _raw(Client.source))
            .join(Client, Client.id == Deal.client_id)
            .where(Deal.stage == "won", Deal.deleted_at.is_(None), Deal.closed_on <= hi,
                   Client.deleted_at.is_(None)))
        # Numbered in bulk (each distinct client and day converted once): a loop over
        # the deals converting each took as long as reading them.
        number: dict[Any, int] = {}
        self.deal_client = np.fromiter((number.setdefault(row[0], len(number))
                                        for row in rows), dtype=np.int64, count=len(rows))
        """Each won deal's client, numbered."""
        first_row: dict[Any, tuple[Any, ...]] = {}
        for row in rows:
            first_row.setdefault(row[0], row)
        self.owner: list[int] = [raw.ids[row[2]] for row in first_row.values()]
        """Each client's owner, by number (:class:`_Ids`)."""
        self.source: list[str] = [row[3] or "" for row in first_row.values()]
        ordinals: dict[Any, int] = {}
        for row in rows:
            if row[1] not in ordinals:
                ordinals[row[1]] = raw.day(row[1]).toordinal()
        self.day = np.fromiter((ordinals[row[1]] for row in rows), dtype=np.int64,
                               count=len(rows))
        """Each won deal's closing day (ordinal)."""
        self.owner_of = np.array(self.owner, dtype=np.int64)
        self.first = np.full(len(self.owner), np.iinfo(np.int64).max, dtype=np.int64)
        """Each client's first win (ordinal)."""
        np.minimum.at(self.first, self.deal_client, self.day)


class _Customers:
    """Customers at start, retained, new and reactivated for every period and client
    owner, from the won deals (METRICS.md; engine.customers per cell)."""

    def __init__(self, won: _WonDeals, periods: Sequence[Period], today: date) -> None:
        self.won = won
        clients, window = len(won.owner), won.window
        day, deal_client, first = won.day, won.deal_client, won.first
        self.flags: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        for i, p in enumerate(periods):
            start, end = p.start.toordinal(), p.end.toordinal()
            judged_before, judged_last = engine.judged_days(p, today)
            day_before, last = judged_before.toordinal(), judged_last.toordinal()
            in_start = np.zeros(clients, dtype=bool)
            in_start[deal_client[(day >= day_before - (window - 1)) & (day <= day_before)]] = True
            in_end = np.zeros(clients, dtype=bool)
            in_end[deal_client[(day >= last - (window - 1)) & (day <= last)]] = True
            is_new = (first >= start) & (first <= end)
            self.flags[i] = (in_start, in_start & in_end, is_new, in_end & ~in_start & ~is_new)
        self._cache: dict[tuple[Numbers, int], CustomerCounts] = {}

    def _mask(self, users: Numbers) -> np.ndarray:
        if users is None:
            return np.ones(len(self.won.owner), dtype=bool)
        return np.isin(self.won.owner_of, np.array(sorted(users), dtype=np.int64))

    def counts(self, users: Numbers, period: int) -> CustomerCounts:
        key = (users, period)
        if key not in self._cache:
            mask = self._mask(users)
            at_start, retained, new, reactivated = (int(np.count_nonzero(f & mask))
                                                    for f in self.flags[period])
            self._cache[key] = CustomerCounts(at_start, retained, new, reactivated)
        return self._cache[key]

    def new_by_channel(self, period: int, users: Numbers = None) -> dict[str, int]:
        """New customers of the period by their client's source, of clients whose owner
        is among ``users`` (by number; everybody's by default)."""
        is_new = self.flags[period][2]
        if users is not None:
            is_new = is_new & self._mask(users)
        out: dict[str, int] = defaultdict(int)
        for position in np.flatnonzero(is_new):
            out[self.won.source[position]] += 1
        return dict(out)


def new_by_channel(sources: Sources, period: Period, users: Users,
                   today: date | None = None) -> dict[str, int]:
    """:func:`engine.new_customers_by_channel` from a screen's sources (their won
    deals were read already)."""
    if not sources.covers(period.start, period.end, users):
        raise ValueError("new_by_channel was given sources that do not cover its period "
                         "and users")
    return _Customers(sources.won, [period], today or clock.today()).new_by_channel(
        0, sources.raw.ids.numbers(users))
