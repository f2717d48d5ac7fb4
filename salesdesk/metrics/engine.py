"""The metrics of METRICS.md, computed with SQL aggregates on SQLite and PostgreSQL.

Each function takes a session, a scope (the user ids whose work is counted) and a
period, and returns plain values: counts as ``int``, money as ``Decimal`` with two
places, percentages and day counts as ``Decimal`` rounded half-up to two places, and
``None`` wherever a denominator is zero. Permissions are the caller's business
(:mod:`salesdesk.services.metrics` decides the scope).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from salesdesk import clock
from salesdesk.db.models import (
    Activity,
    Client,
    Company,
    Deal,
    Document,
    MarketingSpend,
    Payment,
    Target,
)
from salesdesk.domain import DEFAULT_STAGE_PROBABILITIES, OPEN_STAGES, STAGES
from salesdesk.errors import ValidationError
from salesdesk.i18n import _
from salesdesk.metrics.sqlfuncs import days_between, month_key, msum, raw, unindexed
from salesdesk.money import ZERO, from_minor, round_money, round_to

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Period:
    """Two local calendar dates, both inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValidationError(_("Period"), _("the start ({start}) is after the end ({end})")
                                  .format(start=self.start.isoformat(),
                                          end=self.end.isoformat()))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """``[YYYY-MM-01, last day of the month]``."""
        first = date(year, month, 1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return cls(first, nxt - timedelta(days=1))

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before (a month for a calendar month)."""
        if self.is_calendar_month():
            before = self.start - timedelta(days=1)
            return Period.month(before.year, before.month)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def year_before(self) -> Period:
        """The same dates one year earlier (29 February becomes the 28th)."""
        def back(d: date) -> date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:
                return d.replace(year=d.year - 1, day=28)
        if self.is_calendar_month():
            return Period.month(self.start.year - 1, self.start.month)
        return Period(back(self.start), back(self.end))

    def is_calendar_month(self) -> bool:
        """True for ``[1st, last day]`` of one month."""
        return self.start.day == 1 and Period.month(self.start.year, self.start.month) == self

    def so_far(self, today: date) -> Period:
        """The part of the period up to ``today`` (the whole period once it has ended;
        its first day alone when it has not begun)."""
        return Period(self.start, max(self.start, min(self.end, today)))

    def previous_like(self, today: date) -> Period:
        """What the period so far is compared with: the same number of days from the
        start of the previous period (1–5 December against 1–5 November; a month of 31
        days against 1–30 November), or the whole previous period once this one has
        ended."""
        before = self.previous()
        if today >= self.end:
            return before
        days = self.so_far(today).days
        return Period(before.start, min(before.end, before.start + timedelta(days=days - 1)))

    def contains(self, day: date) -> bool:
        """The day lies in the period."""
        return self.start <= day <= self.end

    def months(self) -> list[Period]:
        """The calendar months the period touches, whole."""
        out = []
        current = self.start.replace(day=1)
        while current <= self.end:
            out.append(Period.month(current.year, current.month))
            current = (current + timedelta(days=32)).replace(day=1)
        return out


def pct(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """``numerator / denominator × 100`` rounded half-up to 0.01; ``None`` for a zero
    denominator (never 0, never an error)."""
    if not denominator:
        return None
    return round_to(Decimal(numerator) * HUNDRED / Decimal(denominator), 2)


def ratio_money(numerator: Decimal, denominator: Decimal | int) -> Decimal | None:
    """Money divided by a count, half-up to kopecks; ``None`` for a zero denominator."""
    if not denominator:
        return None
    return round_money(Decimal(numerator) / Decimal(denominator))


def money(value: Any) -> Decimal:
    """A money aggregate from SQL as rubles (``0.00`` for the SUM of no rows)."""
    if value is None:
        return ZERO
    return round_money(value)


def _in(column: Any, scope: frozenset[uuid.UUID] | None) -> Any:
    if scope is None:
        return literal(True)
    return by_date(column).in_(scope)


BY_DATE = frozenset({"activities", "deals"})
"""Tables the metrics read by date from indexes that hold the person too."""


def by_date(column: Any) -> Any:
    """A person column of :data:`BY_DATE` kept out of SQLite's choice of index (see
    :class:`sqlfuncs.unindexed`); any other column as it is."""
    table = getattr(getattr(column, "expression", column), "table", None)
    return unindexed(column) if getattr(table, "name", None) in BY_DATE else column


@dataclass(frozen=True)
class Slice:
    """A part of the office the figures are restricted to (``metrics --by``): the
    clients of a segment, a market, a source or the key clients (``clients``, a SELECT of
    client ids), or the deals of a product (``deals``, a SELECT of deal ids). Every
    metric counts only what belongs to it; those a part has no meaning for are ``None``
    (:data:`NOT_OF_CLIENTS`, :data:`NOT_OF_DEALS`)."""

    clients: Any = None
    deals: Any = None


NOT_OF_CLIENTS = ("plan", "plan_attainment_pct", "marketing_spend", "cac")
"""What a part of the clients has no share of: targets are per person and spend is
the company's."""
NOT_OF_DEALS = (*NOT_OF_CLIENTS, "contacts", "conversion_pct", "customers_at_start",
                "customers_retained", "customers_churned", "customers_new",
                "customers_reactivated", "retention_pct", "churn_pct")
"""What the deals of a product have no share of besides: contacts and customers are
the clients'."""


def cut_conditions(cut: Slice | None, client_column: Any, deal_column: Any = None) -> list[Any]:
    """The conditions that keep a query's rows within ``cut`` (its clients; its deals,
    where the rows have a deal)."""
    if cut is None:
        return []
    out = []
    if cut.clients is not None:
        out.append(client_column.in_(cut.clients))
    if cut.deals is not None and deal_column is not None:
        out.append(deal_column.in_(cut.deals))
    return out


def live_client(column: Any) -> Any:
    """The row's client is not deleted: a deleted client takes its deals, activities,
    documents and payments out of every metric (METRICS.md). The deleted few are
    listed once; the rest of the query keeps its indexes."""
    return column.not_in(select(Client.id).where(Client.deleted_at.is_not(None))
                         .scalar_subquery())


# --- the pieces ------------------------------------------------------------------------

def contacts(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
             cut: Slice | None = None) -> int:
    """Activities dated in the period, logged by a user in scope."""
    # count(*), not count(id): the partial index on (date, user_id) then answers alone.
    return int(session.scalar(select(func.count()).select_from(Activity).where(
        Activity.deleted_at.is_(None), Activity.date.between(p.start, p.end),
        _in(Activity.user_id, scope), live_client(Activity.client_id),
        *cut_conditions(cut, Activity.client_id))) or 0)


def _closed(stage: str, scope: frozenset[uuid.UUID] | None, p: Period,
            cut: Slice | None = None) -> list[Any]:
    return [Deal.deleted_at.is_(None), Deal.stage == stage, Deal.closed_on.between(p.start, p.end),
            _in(Deal.owner_id, scope), live_client(Deal.client_id),
            *cut_conditions(cut, Deal.client_id, Deal.id)]


def won_and_lost(session: Session, scope: frozenset[uuid.UUID] | None,
                 p: Period, cut: Slice | None = None) -> tuple[int, int, Decimal]:
    """Deals won, deals lost, and the volume of the won ones (one query)."""
    won = and_(*_closed("won", scope, p))
    lost = and_(*_closed("lost", scope, p))
    row = session.execute(select(
        func.sum(case((won, 1), else_=0)), func.sum(case((lost, 1), else_=0)),
        msum(case((won, Deal.__table__.c.amount), else_=0)),
    ).where(Deal.deleted_at.is_(None), Deal.closed_on.between(p.start, p.end),
            _in(Deal.owner_id, scope), live_client(Deal.client_id),
            *cut_conditions(cut, Deal.client_id, Deal.id))).one()
    return int(row[0] or 0), int(row[1] or 0), money(row[2])


def deal_times(session: Session, scope: frozenset[uuid.UUID] | None,
               p: Period, cut: Slice | None = None) -> tuple[Decimal | None, Decimal | None]:
    """Median and mean days from opening to closing of the deals won in the period."""
    days = days_between(Deal.closed_on, Deal.opened_on)
    conditions = _closed("won", scope, p, cut)
    count, total = session.execute(select(func.count(Deal.id), func.sum(days))
                                   .where(*conditions)).one()
    if not count:
        return None, None
    mean = round_to(Decimal(int(total or 0)) / Decimal(count), 2)
    # The median in portable SQL: the middle row(s) of the ordered values.
    offset = (count - 1) // 2
    take = 1 if count % 2 else 2
    middle = [int(v) for v in session.scalars(select(days).where(*conditions)
                                              .order_by(days).offset(offset).limit(take))]
    median = round_to(Decimal(sum(middle)) / Decimal(len(middle)), 2)
    return median, mean


def deal_durations(session: Session, scope: frozenset[uuid.UUID] | None, p: Period
                   ) -> list[int]:
    """Days of each deal won in the period (the distribution chart)."""
    days = days_between(Deal.closed_on, Deal.opened_on)
    return [int(v) for v in session.scalars(select(days).where(*_closed("won", scope, p)))]


def collected(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
              cut: Slice | None = None) -> Decimal:
    """Payments received in the period, attributed to the owner of the invoice's client
    (for a product's deals: the payments of their invoices)."""
    stmt = (select(msum(Payment.__table__.c.amount))
            .join(Document, Document.id == Payment.invoice_id)
            .join(Client, Client.id == Document.client_id)
            .where(Payment.deleted_at.is_(None), Document.deleted_at.is_(None),
                   Client.deleted_at.is_(None), Payment.paid_on.between(p.start, p.end),
                   _in(Client.owner_id, scope),
                   *cut_conditions(cut, Client.id, Document.deal_id)))
    return money(session.scalar(stmt))


def month_share(month: date, p: Period) -> Fraction:
    """The share of a month's days that lie in the period (1 for a whole month)."""
    whole = Period.month(month.year, month.month)
    first, last = max(whole.start, p.start), min(whole.end, p.end)
    if first > last:
        return Fraction(0)
    return Fraction((last - first).days + 1, whole.days)


def prorated_kopecks(targets: Iterable[tuple[date, int]], p: Period) -> Fraction:
    """The plan of a period in exact kopecks: each month's target times the share of its
    days in the period (rounded once, by the caller, when shown)."""
    return sum((Fraction(kopecks) * month_share(month, p) for month, kopecks in targets),
               Fraction(0))


def round_kopecks(value: Fraction) -> Decimal:
    """Exact kopecks rounded half-up to whole kopecks, as rubles."""
    whole, rest = divmod(value.numerator, value.denominator)
    if 2 * rest >= value.denominator:
        whole += 1
    return from_minor(whole)


def plan(session: Session, scope: frozenset[uuid.UUID] | None, p: Period) -> Decimal:
    """The targets of users in scope for the months the period touches, each prorated by
    the share of its days in the period; summed exactly, rounded once."""
    key = raw(func.sum(Target.__table__.c.amount))  # integer kopecks
    rows = session.execute(select(Target.month, key).where(
        Target.deleted_at.is_(None), Target.month.between(p.start.replace(day=1), p.end),
        _in(Target.user_id, scope)).group_by(Target.month))
    return round_kopecks(prorated_kopecks(((m, int(k or 0)) for m, k in rows), p))


def activity_window(session: Session) -> int:
    """W, the company's activity window in days."""
    value = session.scalar(select(Company.activity_window_days).where(
        Company.deleted_at.is_(None)))
    return int(value or 365)


@dataclass(frozen=True)
class CustomerCounts:
    """The customer metrics of one period and scope."""

    at_start: int
    retained: int
    new: int
    reactivated: int

    @property
    def churned(self) -> int:
        """At start minus retained."""
        return self.at_start - self.retained


def judged_days(p: Period, today: date) -> tuple[date, date]:
    """The two days customer metrics look at: the day before the period and its last
    day, neither later than today (a period that has not ended is judged on today)."""
    return min(p.start - timedelta(days=1), today), min(p.end, today)


def customers(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
              window: int | None = None, today: date | None = None,
              cut: Slice | None = None) -> CustomerCounts:
    """Customers at start, retained, new and reactivated (METRICS.md), in one query.

    A customer is active on day d when it has a won deal closed in [d − W + 1, d];
    customer metrics count clients whose owner is in scope, whoever owned the deals.
    """
    w = window or activity_window(session)
    day_before, last = judged_days(p, today or clock.today())
    start_lo, start_hi = day_before - timedelta(days=w - 1), day_before
    end_lo = last - timedelta(days=w - 1)
    won = Deal.__table__
    per_client = (
        select(won.c.client_id,
               func.max(case((won.c.closed_on.between(start_lo, start_hi), 1), else_=0))
               .label("in_s"),
               func.max(case((won.c.closed_on.between(end_lo, last), 1), else_=0))
               .label("in_e"),
               func.min(won.c.closed_on).label("first_won"))
        .where(won.c.stage == "won", won.c.deleted_at.is_(None), won.c.closed_on <= p.end)
        .group_by(won.c.client_id)
        .subquery())
    is_new = per_client.c.first_won.between(p.start, p.end)
    row = session.execute(
        select(func.sum(per_client.c.in_s),
               func.sum(per_client.c.in_s * per_client.c.in_e),
               func.sum(case((is_new, 1), else_=0)),
               func.sum(case((and_(per_client.c.in_e == 1, per_client.c.in_s == 0, ~is_new),
                              1), else_=0)))
        .select_from(per_client)
        .join(Client, Client.id == per_client.c.client_id)
        .where(Client.deleted_at.is_(None), _in(Client.owner_id, scope),
               *cut_conditions(cut, Client.id))).one()
    return CustomerCounts(at_start=int(row[0] or 0), retained=int(row[1] or 0),
                          new=int(row[2] or 0), reactivated=int(row[3] or 0))


def marketing_spend(session: Session, p: Period) -> Decimal:
    """Marketing spend dated in the period (company-wide: spend has no owner)."""
    return money(session.scalar(select(msum(MarketingSpend.__table__.c.amount)).where(
        MarketingSpend.deleted_at.is_(None), MarketingSpend.date.between(p.start, p.end))))


def new_customers_by_channel(session: Session, p: Period,
                             scope: frozenset[uuid.UUID] | None = None) -> dict[str, int]:
    """New customers in the period by their client's source, of clients whose owner is in
    scope (everybody's by default: CAC by channel is a company-wide figure)."""
    first = (select(Deal.client_id, func.min(Deal.closed_on).label("first_won"))
             .where(Deal.stage == "won", Deal.deleted_at.is_(None))
             .group_by(Deal.client_id).subquery())
    rows = session.execute(
        select(Client.source, func.count()).select_from(first)
        .join(Client, Client.id == first.c.client_id)
        .where(first.c.first_won.between(p.start, p.end), Client.deleted_at.is_(None),
               _in(Client.owner_id, scope))
        .group_by(Client.source))
    return {source or "": int(n) for source, n in rows}


def spend_by_channel(session: Session, p: Period) -> dict[str, Decimal]:
    """Marketing spend in the period by channel."""
    rows = session.execute(
        select(MarketingSpend.channel, msum(MarketingSpend.__table__.c.amount))
        .where(MarketingSpend.deleted_at.is_(None), MarketingSpend.date.between(p.start, p.end))
        .group_by(MarketingSpend.channel))
    return {channel: money(total) for channel, total in rows}


def stage_probabilities(session: Session) -> dict[str, Decimal]:
    """The company's stage probabilities in percent (settings, with the defaults)."""
    company = session.scalar(select(Company).where(Company.deleted_at.is_(None)))
    if company is None:
        return dict(DEFAULT_STAGE_PROBABILITIES)
    return {stage: company.probability(stage) for stage in STAGES}


def pipeline(session: Session, scope: frozenset[uuid.UUID] | None,
             p: Period, cut: Slice | None = None) -> tuple[int, Decimal, Decimal]:
    """Open deals (as they stand today) opened by the end of the period: count, amount,
    and the weighted forecast of those expected to close in the period."""
    probabilities = stage_probabilities(session)
    amount = Deal.__table__.c.amount
    expected = Deal.expected_close.between(p.start, p.end)
    rows = session.execute(
        select(Deal.stage, func.count(Deal.id), msum(amount),
               msum(case((expected, amount), else_=0)))
        .where(Deal.deleted_at.is_(None), Deal.stage.in_(OPEN_STAGES),
               Deal.opened_on <= p.end, _in(Deal.owner_id, scope),
               live_client(Deal.client_id), *cut_conditions(cut, Deal.client_id, Deal.id))
        .group_by(Deal.stage))
    count, total, expected_by_stage = 0, ZERO, {}
    for stage, n, stage_total, stage_expected in rows:
        count += int(n)
        total += money(stage_total)
        expected_by_stage[stage] = money(stage_expected)
    return count, total, forecast_of(expected_by_stage, probabilities)


@dataclass(frozen=True)
class PartFigures:
    """What the clients sharing some attributes (a segment and a market) brought in a
    period: the contacts, won deals and volume of :func:`contacts` and
    :func:`won_and_lost`, the open amount of :func:`pipeline`, and how many live clients
    they are, each restricted to those clients exactly as a :class:`Slice` of them is."""

    contacts: int = 0
    won: int = 0
    volume: Decimal = ZERO
    open_amount: Decimal = ZERO
    clients: int = 0


def parts_by(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
             columns: tuple[Any, ...]) -> dict[tuple[Any, ...], PartFigures]:
    """:class:`PartFigures` for every combination of the clients' ``columns`` (say
    segment and market), in four grouped queries, where a :class:`Slice` per part
    would read the activities and deals once per part. A test holds each sum of parts
    equal to :func:`compute` over the same slice."""
    parts: dict[tuple[Any, ...], dict[str, Any]] = {}

    def put(rows: Iterable[Any], names: tuple[str, ...]) -> None:
        for row in rows:
            key, values = tuple(row[:len(columns)]), row[len(columns):]
            part = parts.setdefault(key, {})
            for name, value in zip(names, values, strict=True):
                part[name] = value

    # The contacts of :func:`contacts`, each with its client's attributes: counted per
    # client from the index of live activities by date first, so that each client is
    # looked up once, not once per activity (a month of the large demo: 112,000
    # activities of 55,000 clients, 150 ms to 95 ms). A deleted client drops out in
    # the join, as :func:`live_client` leaves it out.
    per_client = (
        select(Activity.client_id.label("client_id"), func.count().label("n"))
        .where(Activity.deleted_at.is_(None), Activity.date.between(p.start, p.end),
               _in(Activity.user_id, scope), Activity.client_id.is_not(None))
        .group_by(Activity.client_id).subquery())
    put(session.execute(
        select(*columns, func.sum(per_client.c.n)).select_from(per_client)
        .join(Client, Client.id == per_client.c.client_id)
        .where(Client.deleted_at.is_(None))
        .group_by(*columns)), ("contacts",))
    # The won deals and their volume of :func:`won_and_lost`.
    put(session.execute(
        select(*columns, func.count(), msum(Deal.__table__.c.amount)).select_from(Deal)
        .join(Client, Client.id == Deal.client_id)
        .where(*_closed("won", scope, p)).group_by(*columns)), ("won", "volume"))
    # The open amount of :func:`pipeline`.
    put(session.execute(
        select(*columns, msum(Deal.__table__.c.amount)).select_from(Deal)
        .join(Client, Client.id == Deal.client_id)
        .where(Deal.deleted_at.is_(None), Deal.stage.in_(OPEN_STAGES),
               Deal.opened_on <= p.end, _in(Deal.owner_id, scope),
               live_client(Deal.client_id))
        .group_by(*columns)), ("open_amount",))
    # The live clients in scope.
    put(session.execute(
        select(*columns, func.count()).select_from(Client)
        .where(Client.deleted_at.is_(None), _in(Client.owner_id, scope))
        .group_by(*columns)), ("clients",))
    return {key: PartFigures(contacts=int(v.get("contacts") or 0), won=int(v.get("won") or 0),
                             volume=money(v.get("volume")),
                             open_amount=money(v.get("open_amount")),
                             clients=int(v.get("clients") or 0))
            for key, v in parts.items()}


# --- the whole set -------------------------------------------------------------------------

def compute(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
            company_wide: bool, today: date | None = None,
            cut: Slice | None = None) -> dict[str, Any]:
    """Every key of METRICS.md for one scope and period.

    ``scope=None`` counts everybody; ``company_wide`` says whether the scope is the whole
    company (CAC is only defined then); customer metrics of a period that has not ended
    are judged on ``today`` (the clock's by default). :mod:`salesdesk.metrics.grid`
    computes the same set for many scopes and periods at once; a test holds the two equal.
    ``cut`` restricts every figure to a part of the office (:class:`Slice`).
    """
    today = today or clock.today()
    if cut is not None:
        return _compute_cut(session, scope, p, today, cut)
    counts = customers(session, scope, p, today=today)
    won, lost, volume = won_and_lost(session, scope, p)
    if company_wide:
        new_all: int | None = (counts.new if scope is None
                               else customers(session, None, p, today=today).new)
        by_channel_new: dict[str, int] | None = new_customers_by_channel(session, p)
    else:
        new_all = by_channel_new = None
    return assemble(
        contacts=contacts(session, scope, p), won=won, lost=lost, volume=volume,
        deal_times=deal_times(session, scope, p), collected=collected(session, scope, p),
        plan=plan(session, scope, p), counts=counts, spend=marketing_spend(session, p),
        spend_by_channel=spend_by_channel(session, p), new_all=new_all,
        new_by_channel=by_channel_new, pipeline=pipeline(session, scope, p))


def _compute_cut(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
                 today: date, cut: Slice) -> dict[str, Any]:
    """:func:`compute` within a part of the office; what the part has no share of is
    ``None``."""
    of_deals = cut.deals is not None
    counts = CustomerCounts(0, 0, 0, 0) if of_deals else customers(session, scope, p,
                                                                   today=today, cut=cut)
    won, lost, volume = won_and_lost(session, scope, p, cut)
    values = assemble(
        contacts=0 if of_deals else contacts(session, scope, p, cut), won=won, lost=lost,
        volume=volume, deal_times=deal_times(session, scope, p, cut),
        collected=collected(session, scope, p, cut), plan=ZERO, counts=counts, spend=ZERO,
        spend_by_channel={}, new_all=None, new_by_channel=None,
        pipeline=pipeline(session, scope, p, cut))
    for key in NOT_OF_DEALS if of_deals else NOT_OF_CLIENTS:
        values[key] = None
    values["cac_by_channel"] = {}
    return values


def assemble(*, contacts: int, won: int, lost: int, volume: Decimal,
             deal_times: tuple[Decimal | None, Decimal | None], collected: Decimal,
             plan: Decimal, counts: CustomerCounts, spend: Decimal,
             spend_by_channel: dict[str, Decimal], new_all: int | None,
             new_by_channel: dict[str, int] | None,
             pipeline: tuple[int, Decimal, Decimal]) -> dict[str, Any]:
    """The metric set from its measured parts (``new_all``/``new_by_channel`` are the
    company's new customers, given only when the scope is the whole company)."""
    if new_all is not None and new_by_channel is not None:
        cac = ratio_money(spend, new_all)
        channels = sorted(set(spend_by_channel) | {c for c in new_by_channel if c})
        cac_by_channel: dict[str, Decimal | None] = {
            c: ratio_money(spend_by_channel.get(c, ZERO), new_by_channel.get(c, 0))
            for c in channels}
    else:
        cac = None
        cac_by_channel = dict.fromkeys(sorted(spend_by_channel))
    median, mean = deal_times
    open_count, open_amount, forecast = pipeline
    return {
        "contacts": contacts,
        "deals_won": won,
        "deals_lost": lost,
        "conversion_pct": pct(won, contacts),
        "win_rate_pct": pct(won, won + lost),
        "sales_volume": volume,
        "average_check": ratio_money(volume, won),
        "deal_time_days_median": median,
        "deal_time_days_mean": mean,
        "collected": collected,
        "plan": plan,
        "plan_attainment_pct": pct(volume, plan),
        "customers_at_start": counts.at_start,
        "customers_retained": counts.retained,
        "customers_churned": counts.churned,
        "customers_new": counts.new,
        "customers_reactivated": counts.reactivated,
        "retention_pct": pct(counts.retained, counts.at_start),
        "churn_pct": pct(counts.churned, counts.at_start),
        "marketing_spend": spend,
        "cac": cac,
        "cac_by_channel": cac_by_channel,
        "pipeline_open_count": open_count,
        "pipeline_open_amount": open_amount,
        "forecast_weighted": forecast,
    }


def median_and_mean(days: list[int]) -> tuple[Decimal | None, Decimal | None]:
    """Median and mean of day counts, half-up to 0.01 (``None`` for no values)."""
    if not days:
        return None, None
    ordered = sorted(days)
    count = len(ordered)
    middle = ordered[(count - 1) // 2:(count - 1) // 2 + (1 if count % 2 else 2)]
    return (round_to(Decimal(sum(middle)) / Decimal(len(middle)), 2),
            round_to(Decimal(sum(ordered)) / Decimal(count), 2))


def forecast_of(by_stage: dict[str, Decimal], probabilities: dict[str, Decimal]) -> Decimal:
    """The weighted forecast: each stage's expected amount times its probability."""
    total = ZERO
    for stage, amount in by_stage.items():
        total += money(amount) * probabilities.get(stage, ZERO) / HUNDRED
    return round_money(total)


# --- breakdowns ----------------------------------------------------------------------------

def funnel(session: Session, scope: frozenset[uuid.UUID] | None,
           p: Period) -> list[tuple[str, int]]:
    """Deals opened in the period by the furthest stage reached (see FUNNEL_DEFINITION):
    ``[("new", n), ("qualified", n), …, ("won", n), ("lost", n)]``."""
    # count(*), not count(id): the covering index of live deals then answers alone
    # (reading each deal's id from the table took 190 ms for a year of the large demo).
    rows = dict(session.execute(
        select(Deal.stage, func.count())
        .where(Deal.deleted_at.is_(None), Deal.opened_on.between(p.start, p.end),
               _in(Deal.owner_id, scope), live_client(Deal.client_id))
        .group_by(Deal.stage)).all())
    ladder = [*OPEN_STAGES, "won"]
    reached = []
    for index, stage in enumerate(ladder):
        reached.append((stage, sum(int(rows.get(s, 0)) for s in ladder[index:])))
    reached[0] = ("new", reached[0][1] + int(rows.get("lost", 0)))
    return [*reached, ("lost", int(rows.get("lost", 0)))]


def lost_reasons(session: Session, scope: frozenset[uuid.UUID] | None,
                 p: Period) -> list[tuple[str, int, Decimal]]:
    """Lost deals closed in the period by reason: count and amount, most frequent first."""
    rows = session.execute(
        select(Deal.lost_reason, func.count(), msum(Deal.__table__.c.amount))
        .where(*_closed("lost", scope, p)).group_by(Deal.lost_reason)
        .order_by(func.count().desc(), Deal.lost_reason))
    return [(reason or "", int(n), money(total)) for reason, n, total in rows]


def top_clients(session: Session, scope: frozenset[uuid.UUID] | None, p: Period,
                limit: int = 10) -> list[tuple[uuid.UUID, str, int, Decimal]]:
    """Clients by the volume of deals won in the period (deals of owners in scope), the
    largest first, by name among equals."""
    # The won deals are summed per client from the covering index first, and only the
    # clients at or above the limit-th volume are looked up for their names: joining
    # every won deal of a year to its client took 330 ms on the large demo, 50 ms so.
    won = (select(Deal.client_id, func.count().label("deals"),
                  msum(Deal.__table__.c.amount).label("volume"))
           .where(*_closed("won", scope, p)).group_by(Deal.client_id).cte("won_by_client"))
    nth = (select(won.c.volume).order_by(won.c.volume.desc()).limit(1).offset(limit - 1)
           .scalar_subquery())
    least = select(func.min(won.c.volume)).scalar_subquery()
    rows = session.execute(
        select(Client.id, Client.name, won.c.deals, won.c.volume)
        .join(Client, Client.id == won.c.client_id)
        .where(won.c.volume >= func.coalesce(nth, least))
        .order_by(won.c.volume.desc(), Client.name).limit(limit))
    return [(cid, name, int(n), money(total)) for cid, name, n, total in rows]


def volume_by_month(session: Session, scope: frozenset[uuid.UUID] | None,
                    p: Period) -> dict[str, Decimal]:
    """Won volume per ``YYYY-MM`` (one grouped query)."""
    key = month_key(Deal.closed_on)
    rows = session.execute(select(key, msum(Deal.__table__.c.amount))
                           .where(*_closed("won", scope, p)).group_by(key))
    return {k: money(v) for k, v in rows}


def months_of(periods: Iterable[Period]) -> list[str]:
    """``YYYY-MM`` labels of whole-month periods."""
    return [f"{m.start.year:04d}-{m.start.month:02d}" for m in periods]
