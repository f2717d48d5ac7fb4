"""Metrics as each role may see them: a representative their own, a manager their team's
and each member's, the head anyone's (METRICS.md, "Scope")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from salesdesk import clock, policy
from salesdesk.auth import Actor
from salesdesk.collector import bulk
from salesdesk.db.engine import Database
from salesdesk.db.models import User
from salesdesk.metrics import duties, engine, grid
from salesdesk.metrics.definitions import BY_KEY, DUTIES, METRICS
from salesdesk.metrics.engine import Period
from salesdesk.money import money_str, round_to
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import reading, user_by_login


@dataclass(frozen=True)
class MetricsResult:
    """Every metric for one period and scope."""

    period: Period
    scope: list[str]
    values: dict[str, Any]
    company_wide: bool

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def to_json(self) -> dict[str, Any]:
        """The ``salesdesk metrics --json`` object: money as strings with two decimals,
        percentages and days as numbers rounded to two decimals, ``null`` for n/a."""
        out: dict[str, Any] = {"period": {"from": self.period.start.isoformat(),
                                          "to": self.period.end.isoformat()},
                               "scope": sorted(self.scope)}
        for metric in (*METRICS, *DUTIES):
            if metric.key in self.values:  # the duties are read by metrics() only
                out[metric.key] = json_value(metric.kind, self.values[metric.key])
        return out


def json_value(kind: str, value: Any) -> Any:
    """One metric value in its JSON form."""
    if value is None:
        return None
    if kind == "money":
        return money_str(value)
    if kind == "money_map":
        return {k: money_str(v) for k, v in value.items()}
    if kind == "percent_map":
        return {k: None if v is None else float(round_to(Decimal(v), 2))
                for k, v in value.items()}
    if kind in ("percent", "days", "hours"):
        return float(round_to(Decimal(value), 2))
    return int(value)


@dataclass(frozen=True)
class Scope:
    """Whose work is counted: user ids (``None`` for everybody), their logins, and
    whether that is the whole company."""

    ids: frozenset[uuid.UUID] | None
    logins: list[str]
    company_wide: bool


def resolve_scope(ctx: Ctx, scope_login: str | None) -> Scope:
    """The actor's scope, or one user within it (``--scope LOGIN``)."""
    if scope_login:
        user = user_by_login(ctx, scope_login)
        policy.require_visible_user(ctx, Action.METRICS_READ, user)
        everybody = list(ctx.session.scalars(select(User.id)))
        return Scope(frozenset({user.id}), [user.login], everybody == [user.id])
    if ctx.scope is None:
        logins = sorted(ctx.session.scalars(select(User.login)))
        return Scope(None, logins, True)
    logins = sorted(ctx.session.scalars(select(User.login).where(User.id.in_(ctx.scope))))
    return Scope(ctx.scope, logins, False)


def _period(date_from: date, date_to: date) -> Period:
    return Period(date_from, date_to)


def may_see_spend(ctx: Ctx) -> bool:
    """Marketing spend is for managers and the head (DOMAIN.md's permission table)."""
    return ctx.role in policy.ROLE_ONLY[Action.SPEND_READ]


def _hide_spend(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    # A representative's metrics carry no marketing money: the permission rule holds in
    # dashboards and exports too, not only in the Strategy page.
    if not may_see_spend(ctx):
        values.update(marketing_spend=None, cac=None, cac_by_channel={})
    return values


def metrics(db: Database, actor: Actor, date_from: date, date_to: date,
            scope_login: str | None = None, with_duties: bool = False) -> MetricsResult:
    """Every metric of METRICS.md for the actor's scope (or one user within it), and
    with ``with_duties`` the duties' (docs/metrics.md) after them."""
    period = _period(date_from, date_to)
    with reading(db, actor) as ctx:
        scope = resolve_scope(ctx, scope_login)
        values = engine.compute(ctx.session, scope.ids, period, scope.company_wide)
        if with_duties:
            values.update(duties.compute_duties(ctx.session, scope.ids, period,
                                                clock.today()))
        return MetricsResult(period, scope.logins, _hide_spend(ctx, values),
                             scope.company_wide)


def duties_of(db: Database, actor: Actor, period: Period,
              scope_login: str | None = None) -> dict[str, Any]:
    """The duties' metrics (:mod:`salesdesk.metrics.duties`) of a period in the actor's
    scope, or one user's within it (the dashboard's cards beside METRICS.md's)."""
    with reading(db, actor) as ctx:
        scope = resolve_scope(ctx, scope_login)
        return duties.compute_duties(ctx.session, scope.ids, period, clock.today())


def metrics_of_periods(db: Database, actor: Actor, periods: list[Period],
                       scope_login: str | None = None) -> list[MetricsResult]:
    """:func:`metrics` for several periods that do not overlap (a period and the one
    before it, for the dashboard's comparisons), reading the data once."""
    return figures(db, actor, periods, scope_login=scope_login).periods


@dataclass(frozen=True)
class PersonMetrics:
    """One person's figures (the per-person table and the plan-vs-fact chart)."""

    user_id: uuid.UUID
    login: str
    name: str
    role: str
    values: dict[str, Any]


def per_person(db: Database, actor: Actor, date_from: date, date_to: date,
               include_inactive: bool = False) -> list[PersonMetrics]:
    """The metrics of each user in the actor's scope, by name."""
    return figures(db, actor, people=_period(date_from, date_to),
                   include_inactive=include_inactive).people


@dataclass(frozen=True)
class MonthPoint:
    """The metrics of one calendar month of a series."""

    month: date
    values: dict[str, Any]


def monthly(db: Database, actor: Actor, date_from: date, date_to: date,
            scope_login: str | None = None) -> list[MonthPoint]:
    """The metrics of every calendar month the range touches (charts and trends)."""
    return figures(db, actor, series=_period(date_from, date_to),
                   scope_login=scope_login).series


@dataclass(frozen=True)
class Figures:
    """A screen's metric figures (:func:`figures`)."""

    periods: list[MetricsResult]
    """The metric set of each period asked for, in the actor's scope."""
    series: list[MonthPoint]
    """The metric set of each calendar month of the series asked for."""
    people: list[PersonMetrics]
    """Each user in the actor's scope, by name, for the people's period."""
    parts: Breakdowns | None = None
    """The breakdowns of the parts' period, in the actor's scope (:func:`breakdowns`)."""


@bulk
def figures(db: Database, actor: Actor, periods: Sequence[Period] = (),
            series: Period | None = None, people: Period | None = None,
            scope_login: str | None = None, include_inactive: bool = False,
            parts: Period | None = None) -> Figures:
    """What a screen shows of the metric set, with each source read once.

    ``periods`` (not overlapping one another) and the months of ``series`` are counted
    in the actor's scope, or one user's within it (``scope_login``), as
    :func:`metrics`; ``people`` is the period of the per-person table, ``parts`` that
    of the breakdowns (:func:`breakdowns`). The dashboard and the monthly report ask for
    all of them at once: they overlap, so they are several grids, but summed from one
    read of the data (:func:`grid.read_sources`).
    """
    months = series.months() if series is not None else []
    with reading(db, actor) as ctx:
        scope = resolve_scope(ctx, scope_login)
        users: list[User] = []
        if people is not None:
            stmt = select(User).where(policy.visible(ctx, User)).order_by(User.name)
            if not include_inactive:
                stmt = stmt.where(User.active.is_(True))
            users = list(ctx.session.scalars(stmt))
        asked = [*periods, *months, *[p for p in (people, parts) if p is not None]]
        if not asked:
            return Figures([], [], [])
        whose: frozenset[uuid.UUID] | None = None
        if scope.ids is not None:
            whose = scope.ids | {u.id for u in users}
        sources = grid.read_sources(ctx.session, min(p.start for p in asked),
                                    max(p.end for p in asked), whose)

        def cells(groups: dict[Any, frozenset[uuid.UUID] | None], wanted: Sequence[Period],
                  wide: dict[Any, bool]) -> dict[tuple[Any, int], dict[str, Any]]:
            return grid.compute_grid(ctx.session, groups, wanted, wide, sources=sources)

        of_periods = cells({"scope": scope.ids}, periods, {"scope": scope.company_wide})
        of_months = cells({"scope": scope.ids}, months, {"scope": scope.company_wide})
        of_people = cells({u.id: frozenset({u.id}) for u in users},
                          [people] if people is not None else [],
                          dict.fromkeys([u.id for u in users], False))
        return Figures(
            periods=[MetricsResult(p, scope.logins, _hide_spend(ctx, of_periods[("scope", i)]),
                                   scope.company_wide) for i, p in enumerate(periods)],
            series=[MonthPoint(m.start, _hide_spend(ctx, of_months[("scope", i)]))
                    for i, m in enumerate(months)],
            people=[PersonMetrics(u.id, u.login, u.name, u.role,
                                  _hide_spend(ctx, of_people[(u.id, 0)])) for u in users],
            parts=_breakdowns(ctx, scope, parts, sources) if parts is not None else None)


@dataclass(frozen=True)
class Breakdowns:
    """What the dashboard's and the report's charts and tables need beyond the set."""

    funnel: list[tuple[str, int]]
    lost_reasons: list[tuple[str, int, Decimal]]
    top_clients: list[tuple[uuid.UUID, str, int, Decimal]]
    durations: list[int]
    spend_by_channel: dict[str, Decimal]
    new_by_channel: dict[str, int]
    cac_by_channel: dict[str, Decimal | None]


def breakdowns(db: Database, actor: Actor, date_from: date, date_to: date,
               scope_login: str | None = None) -> Breakdowns:
    """Funnel, lost reasons, top clients, deal durations and channels for a period."""
    period = _period(date_from, date_to)
    with reading(db, actor) as ctx:
        return _breakdowns(ctx, resolve_scope(ctx, scope_login), period)


def _breakdowns(ctx: Ctx, scope: Scope, period: Period,
                sources: grid.Sources | None = None) -> Breakdowns:
    session = ctx.session
    spend: dict[str, Decimal] = {}
    new: dict[str, int] = {}
    cac: dict[str, Decimal | None] = {}
    if may_see_spend(ctx):
        spend = engine.spend_by_channel(session, period)
        new = (grid.new_by_channel(sources, period, scope.ids) if sources is not None
               else engine.new_customers_by_channel(session, period, scope.ids))
        channels = sorted(set(spend) | {c for c in new if c})
        cac = {c: engine.ratio_money(spend.get(c, Decimal(0)), new.get(c, 0))
               if scope.company_wide else None for c in channels}
    return Breakdowns(
        funnel=engine.funnel(session, scope.ids, period),
        lost_reasons=engine.lost_reasons(session, scope.ids, period),
        top_clients=engine.top_clients(session, scope.ids, period),
        durations=engine.deal_durations(session, scope.ids, period),
        spend_by_channel=spend, new_by_channel=new, cac_by_channel=cac)


def definition(key: str, lang: str | None = None) -> str:
    """The one-sentence definition of a metric, translated."""
    from salesdesk.i18n import get_language

    return BY_KEY[key].definition_in(lang or get_language())


# --- breakdowns by a dimension (``metrics --by``) ----------------------------------------

BY_DIMENSIONS = ("segment", "market", "source", "product", "owner", "key_client")
"""What ``metrics --by`` breaks the figures down by."""


@dataclass(frozen=True)
class Group:
    """One part of a breakdown: its name and every metric within it."""

    key: str
    """The value it is of (a segment's name, a login, a product's id; ``""`` for the
    records that have none)."""
    label: str
    values: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """One group of ``metrics --by … --json``."""
        out: dict[str, Any] = {"group": self.key or None, "label": self.label}
        for metric in (*METRICS, *DUTIES):
            if metric.key in self.values:
                out[metric.key] = json_value(metric.kind, self.values[metric.key])
        return out


def _client_groups(ctx: Ctx, scope: Scope, column: Any) -> list[tuple[str, str, Any]]:
    """The values of a client column among the clients in scope, each with the SELECT of
    its clients (the empty value last, as "(none)")."""
    from salesdesk.db.models import Client
    from salesdesk.i18n import _

    owned = [Client.deleted_at.is_(None)]
    if scope.ids is not None:
        owned.append(Client.owner_id.in_(scope.ids))
    values = sorted({v or "" for v in ctx.session.scalars(
        select(column).where(*owned).distinct())}, key=lambda v: (v == "", v.casefold()))
    out = []
    for value in values:
        match = (column == value) if value else ((column.is_(None)) | (column == ""))
        out.append((value, value or _("(none)"), select(Client.id).where(match)))
    return out


def breakdown(db: Database, actor: Actor, date_from: date, date_to: date, by: str,
              scope_login: str | None = None) -> list[Group]:
    """Every metric for each part of the actor's scope: each segment, market or source
    of the clients, each product (the deals whose documents sell it), each person, or
    key clients against the rest. What a part has no share of is ``None`` (a plan by
    segment, contacts of a product)."""
    from salesdesk.db.models import Client, Document, DocumentLine, Product
    from salesdesk.errors import ValidationError
    from salesdesk.i18n import _

    if by not in BY_DIMENSIONS:
        raise ValidationError("--by", _("must be one of {values}").format(
            values=", ".join(BY_DIMENSIONS)))
    period = _period(date_from, date_to)
    today = clock.today()
    with reading(db, actor) as ctx:
        scope = resolve_scope(ctx, scope_login)
        session = ctx.session

        def figures_of(ids: frozenset[uuid.UUID] | None, cut: engine.Slice | None,
                       wide: bool = False) -> dict[str, Any]:
            values = engine.compute(session, ids, period, wide, today, cut=cut)
            values.update(duties.compute_duties(session, ids, period, today, cut))
            return _hide_spend(ctx, values)

        groups: list[Group] = []
        if by == "owner":
            stmt = select(User).order_by(User.name)
            if scope.ids is not None:
                stmt = stmt.where(User.id.in_(scope.ids))
            for user in session.scalars(stmt):
                groups.append(Group(user.login, user.name,
                                    figures_of(frozenset({user.id}), None)))
            return groups
        if by == "key_client":
            for key, label, flag in (("key", _("Key clients"), True),
                                     ("other", _("Other clients"), False)):
                cut = engine.Slice(clients=select(Client.id).where(Client.priority.is_(flag)))
                groups.append(Group(key, label, figures_of(scope.ids, cut)))
            return groups
        if by == "product":
            sold = (select(Document.deal_id).join(DocumentLine,
                                                  DocumentLine.document_id == Document.id)
                    .where(Document.deleted_at.is_(None), Document.deal_id.is_not(None),
                           Document.status.not_in(("draft", "cancelled"))))
            products = session.execute(
                select(Product.id, Product.name).where(Product.id.in_(
                    select(DocumentLine.product_id).where(
                        DocumentLine.product_id.is_not(None))))
                .order_by(Product.name)).all()
            for pid, name in products:
                cut = engine.Slice(deals=sold.where(DocumentLine.product_id == pid))
                values = figures_of(scope.ids, cut)
                if values["deals_won"] or values["deals_lost"] or \
                        values["pipeline_open_count"]:
                    groups.append(Group(str(pid), name, values))
            return groups
        column = {"segment": Client.segment, "market": Client.market,
                  "source": Client.source}[by]
        for key, label, clients in _client_groups(ctx, scope, column):
            groups.append(Group(key, label, figures_of(scope.ids,
                                                      engine.Slice(clients=clients))))
        return groups
