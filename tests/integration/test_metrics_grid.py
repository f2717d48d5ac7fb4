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
