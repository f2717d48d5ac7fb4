"""The batched metric grid gives exactly what the per-cell engine gives.

``engine.compute`` is the definition of METRICS.md cell by cell; ``grid.compute_grid``
reads each source once for many scopes and periods (the dashboard's year of months, the
per-person table, the monthly report). Over the demo office and the hand-built
dataset, every value of every cell must be equal.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from salesdesk.db.engine import Database
from salesdesk.db.models import User
from salesdesk.demo import build_demo
from salesdesk.metrics import engine, grid
from salesdesk.metrics.engine import Period
from tests import TODAY
from tests.conftest import Office
from tests.integration.test_metrics import build


def _groups(db: Database) -> tuple[dict[object, frozenset[uuid.UUID] | None], dict[object, bool]]:
    with db.read() as session:
        users = session.execute(select(User.id, User.role, User.manager_id)).all()
    everyone = frozenset(u for u, _r, _m in users)
    groups: dict[object, frozenset[uuid.UUID] | None] = {"all": None, "all-listed": everyone}
    wide = {"all": True, "all-listed": True}
    for user, role, _manager in users:
        groups[user] = frozenset({user})
        wide[user] = False
        if role == "manager":
            team = frozenset({user} | {u for u, _r, m in users if m == user})
            groups[("team", user)] = team
            wide[("team", user)] = False
    return groups, wide


def _assert_same(db: Database, periods: list[Period]) -> None:
    groups, wide = _groups(db)
    with db.read() as session:
        cells = grid.compute_grid(session, groups, periods, wide)
        assert set(cells) == {(g, i) for g in groups for i in range(len(periods))}
        for (group, index), values in cells.items():
            expected = engine.compute(session, groups[group], periods[index], wide[group])
            assert values == expected, (group, periods[index])


def test_a_year_of_months_on_the_demo_office(db: Database) -> None:
    build_demo(db, seed=7, today=TODAY)
    this_month = Period.month(TODAY.year, TODAY.month)
    year_ago = this_month.year_before()
    months = Period(year_ago.start, this_month.end).months()
    _assert_same(db, months)
    # Periods out of order and not calendar months (the per-person table of a custom
    # range, a single day, a quarter), the month so far, and one after the data ends.
    base = year_ago.start
    _assert_same(db, [Period(base + timedelta(days=64), base + timedelta(days=64)),
                      Period(base + timedelta(days=9), base + timedelta(days=50)),
                      Period(base + timedelta(days=90), base + timedelta(days=180)),
                      this_month.so_far(TODAY),
                      Period(this_month.end + timedelta(days=40),
                             this_month.end + timedelta(days=70))])
    # A deleted client leaves both ways alike.
    from salesdesk.db.models import Client
    from salesdesk.db.types import utcnow

    with db.unit_of_work() as uow:
        for client in uow.session.scalars(select(Client).limit(15)):
            client.deleted_at = utcnow()
        uow.commit()
    _assert_same(db, [year_ago, this_month])


def test_the_hand_built_dataset(office: Office) -> None:
    build(office)
    _assert_same(office.db, Period(date(2025, 1, 1), date(2026, 6, 30)).months())


def test_overlapping_periods_are_refused(office: Office) -> None:
    with office.db.read() as session, pytest.raises(ValueError, match="overlap"):
        grid.compute_grid(session, {"all": None},
                          [Period(date(2026, 1, 1), date(2026, 1, 31)),
                           Period(date(2026, 1, 31), date(2026, 2, 28))], {"all": True})


def test_metrics_of_periods_is_metrics_for_each_period(office: Office) -> None:
    from salesdesk.services import metrics

    build(office)
    periods = [Period(date(2026, 3, 1), date(2026, 3, 31)),
               Period(date(2026, 2, 1), date(2026, 2, 28)),
               Period(date(2025, 10, 1), date(2025, 12, 31))]
    for who, scope in (("head", None), ("manager1", None), ("manager1", "rep2"),
                       ("rep1", None)):
        actor = office.actor(who)
        together = metrics.metrics_of_periods(office.db, actor, periods, scope)
        for period, result in zip(periods, together, strict=True):
            alone = metrics.metrics(office.db, actor, period.start, period.end, scope)
            assert result.to_json() == alone.to_json(), (who, scope, period)
    # The scope rule holds here as in metrics(): a rep cannot ask for another's figures.
    from salesdesk.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        metrics.metrics_of_periods(office.db, office.rep1, periods, "rep2")


def test_grids_summed_from_one_read_equal_their_own_reads(db: Database) -> None:
    """A screen's grids share one read of the data (grid.read_sources); each equals
    the grid that reads for itself, whatever the wider range and users read."""
    build_demo(db, seed=11, today=TODAY)
    groups, wide = _groups(db)
    this_month = Period.month(TODAY.year, TODAY.month)
    months = Period(this_month.year_before().start, this_month.end).months()
    asks = [months, [this_month, this_month.previous()], [Period(months[3].start,
                                                                 months[5].end)]]
    with db.read() as session:
        shared = grid.read_sources(session, months[0].start - timedelta(days=40),
                                   this_month.end + timedelta(days=60), None)
        for periods in asks:
            together = grid.compute_grid(session, groups, periods, wide, today=TODAY,
                                         sources=shared)
            alone = grid.compute_grid(session, groups, periods, wide, today=TODAY)
            assert together == alone
        # Rows read for some users serve those users and no one else.
        one = next(g for g in groups if isinstance(g, uuid.UUID))
        theirs = grid.read_sources(session, months[0].start, this_month.end, groups[one])
        assert (grid.compute_grid(session, {one: groups[one]}, months, {one: False},
                                  today=TODAY, sources=theirs)
                == grid.compute_grid(session, {one: groups[one]}, months, {one: False},
                                     today=TODAY))
        with pytest.raises(ValueError, match="do not cover"):
            grid.compute_grid(session, {"all": None}, months, {"all": True}, sources=theirs)
        with pytest.raises(ValueError, match="do not cover"):
            grid.compute_grid(session, {one: groups[one]},
                              [Period(this_month.end, this_month.end + timedelta(days=1))],
                              {one: False}, sources=theirs)


def test_a_screens_figures_are_the_figures_asked_one_by_one(office: Office) -> None:
    """metrics.figures (the dashboard's and the report's one read) gives what
    metrics(), monthly() and per_person() give alone, for every role and scope."""
    from salesdesk.services import metrics

    build(office)
    periods = [Period(date(2026, 3, 1), date(2026, 3, 31)),
               Period(date(2025, 3, 1), date(2025, 3, 31))]
    series = Period(date(2025, 5, 1), date(2026, 4, 30))
    people = Period(date(2026, 2, 1), date(2026, 2, 28))
    for who, scope in (("head", None), ("head", "rep1"), ("manager1", None),
                       ("manager1", "rep2"), ("rep1", None)):
        actor = office.actor(who)
        shown = metrics.figures(office.db, actor, periods, series, people, scope)
        assert [r.to_json() for r in shown.periods] == [
            metrics.metrics(office.db, actor, p.start, p.end, scope).to_json()
            for p in periods]
        for point in shown.series:
            month = Period.month(point.month.year, point.month.month)
            alone = metrics.metrics(office.db, actor, month.start, month.end, scope)
            assert point.values == alone.values, (who, scope, point.month)
        assert {p.login for p in shown.people} == set(
            metrics.metrics(office.db, actor, people.start, people.end).scope)
        for person in shown.people:
            alone = metrics.metrics(office.db, actor, people.start, people.end, person.login)
            assert person.values == alone.values, (who, person.login)


def test_a_screens_breakdowns_are_the_breakdowns_asked_alone(db: Database) -> None:
    """figures(parts=…) takes the new customers by channel from the screen's read of
    the won deals; every breakdown equals breakdowns() asked alone."""
    from salesdesk.auth import Actor
    from salesdesk.services import metrics

    build_demo(db, seed=5, today=TODAY)

    with db.read() as session:
        people = session.execute(select(User.id, User.login, User.role)).all()
    this_month = Period.month(TODAY.year, TODAY.month)
    for user_id, login, role in people:
        actor = Actor(user_id, login, login, role)
        for parts in (this_month.previous(), Period(this_month.year_before().start,
                                                     this_month.end)):
            shown = metrics.figures(db, actor, [this_month], parts=parts)
            assert shown.parts == metrics.breakdowns(db, actor, parts.start, parts.end), \
                (login, parts)


def test_top_clients_are_the_largest_volumes_by_name_among_equals(office: Office) -> None:
    """The top clients query sums per client first and looks names up for the few at
    the top: the answer is the sort of all clients' won volumes."""
    from decimal import Decimal

    from salesdesk.db.models import Client, Deal

    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    amounts = [500, 300, 300, 300, 200, 100, 100, 50]  # ties at the cut
    with office.db.unit_of_work(office.head.id) as uow:
        for i, amount in enumerate(amounts):
            cid = uuid.uuid4()
            name = f"Клиент {'ЯЮЭЬЫ'[i % 5]}{i}"
            uow.session.add(Client(id=cid, name=name, name_norm=name.lower(),
                                   owner_id=office.rep1.id, search_text=name.lower()))
            uow.session.flush()
            for part in (amount // 2, amount - amount // 2):
                uow.session.add(Deal(id=uuid.uuid4(), client_id=cid, owner_id=office.rep1.id,
                                     title="d", amount=Decimal(part), stage="won",
                                     opened_on=period.start, closed_on=period.start))
        uow.commit()
    with office.db.read() as session:
        everything = sorted(((-int(total), name, n) for _c, name, n, total in
                             engine.top_clients(session, None, period, limit=100)))
        assert len(everything) == len(amounts)
        for limit in (1, 2, 3, 4, 5, 7, 8, 12):
            top = engine.top_clients(session, None, period, limit=limit)
            assert [(-int(t), name, n) for _c, name, n, t in top] == everything[:limit], limit
        assert engine.top_clients(session, frozenset({office.rep2.id}), period) == []
