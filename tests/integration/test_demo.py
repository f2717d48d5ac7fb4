"""The demo office: believable, complete, and the same for the same seed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from salesdesk.auth import login
from salesdesk.db.engine import Database
from salesdesk.db.migrate import open_database
from salesdesk.db.models import (
    Activity,
    Client,
    Deal,
    Delivery,
    Document,
    MarketingSpend,
    Payment,
    Target,
    User,
)
from salesdesk.demo import DEMO_PASSWORD, build_demo
from salesdesk.validation import is_inn
from tests import TODAY


def _fingerprint(db: Database) -> str:
    digest = hashlib.sha256()
    with db.read() as session:
        for model in (Client, Deal, Activity, Target, MarketingSpend):
            rows = session.execute(select(model.__table__).order_by(model.id)).all()
            for row in rows:
                digest.update(repr(tuple(v for k, v in row._mapping.items()
                                         if k != "password_hash")).encode())
    return digest.hexdigest()


def test_same_seed_same_data_and_a_living_office(db: Database, tmp_path: Path) -> None:
    summary = build_demo(db, seed=7, today=TODAY)
    assert [x[0] for x in summary.logins] == ["head", "manager1", "manager2", "rep1", "rep2",
                                              "rep3", "rep4", "rep5", "rep6"]
    other = open_database(tmp_path / "again.db", create=True)
    build_demo(other, seed=7, today=TODAY)
    assert _fingerprint(db) == _fingerprint(other)
    third = open_database(tmp_path / "other.db", create=True)
    build_demo(third, seed=8, today=TODAY)
    assert _fingerprint(third) != _fingerprint(db)

    with db.read() as session:
        clients = session.execute(select(Client.name, Client.inn)).all()
        assert 250 <= len(clients) <= 1000
        assert all(is_inn(inn) for _n, inn in clients)
        assert len({n for n, _i in clients}) == len(clients)
        stages = set(session.scalars(select(Deal.stage).distinct()))
        assert stages == {"new", "qualified", "proposal", "negotiation", "won", "lost"}
        first, last = session.execute(select(func.min(Activity.date),
                                             func.max(Activity.date))).one()
        assert ((TODAY - first).days >= 700 and last == TODAY) or (TODAY - last).days <= 3
        overdue = session.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.delivered_on.is_(None), Delivery.due_date < TODAY))
        assert overdue > 0
        assert session.scalar(select(func.count()).select_from(Target)) > 0
        channels = set(session.scalars(select(MarketingSpend.channel).distinct()))
        assert len(channels) >= 5
        assert session.scalar(select(func.count()).select_from(User)) == 9
        statuses = set(session.scalars(select(Document.status).distinct()))
        assert {"accepted", "paid", "partially_paid", "sent"} <= statuses
        assert session.scalar(select(func.count()).select_from(Payment)) > 0
        numbers = list(session.scalars(select(Document.number).where(
            Document.kind == "invoice", Document.series == "R1").order_by(Document.seq)))
        assert numbers == [f"R1-{i:04d}" for i in range(1, len(numbers) + 1)]
    for name in ("head", "manager2", "rep6"):
        assert login(db, name, DEMO_PASSWORD).login == name


def test_the_demo_is_believable(db: Database) -> None:
    """Valid requisites (by the app's own validators), plans people meet, money coming in
    every month, a steady flow of deals, and work due in the coming days."""
    from datetime import timedelta
    from statistics import median

    from salesdesk.db.models import Company, Task
    from salesdesk.metrics.engine import Period
    from salesdesk.services import metrics
    from salesdesk.services.company import _check_ogrn
    from salesdesk.validation import (
        check_bik,
        check_correspondent_account,
        check_inn,
        check_kpp,
        check_settlement_account,
    )

    build_demo(db, seed=1, today=TODAY)
    with db.read() as session:
        company = session.scalar(select(Company))
        assert check_inn(company.inn) and check_kpp(company.kpp) and check_bik(company.bik)
        assert _check_ogrn(company.ogrn) == company.ogrn
        assert check_correspondent_account(company.corr_account, company.bik)
        assert check_settlement_account(company.settlement_account, company.bik)
        for inn, kpp in session.execute(select(Client.inn, Client.kpp)):
            assert check_inn(inn) == inn
            assert kpp is None if len(inn) == 12 else check_kpp(kpp) == kpp
        opened = list(session.scalars(select(Deal.opened_on)))
        due_soon = [session.scalar(select(func.count()).select_from(model).where(
            column > TODAY, column <= TODAY + timedelta(days=10)))
            for model, column in ((Task, Task.due_date), (Delivery, Delivery.due_date))]
        proposals = list(session.scalars(select(Document.snapshot).where(
            Document.kind == "proposal")))
    assert all(n > 0 for n in due_soon)
    assert all(p["buyer"]["contact"] for p in proposals)
    # A few deals a week, every week of the last year.
    for week in range(52):
        start = TODAY - timedelta(days=7 * (week + 1))
        assert 2 <= sum(start < d <= start + timedelta(days=7) for d in opened) <= 40, week
    head = login(db, "head", DEMO_PASSWORD)
    this_month = Period.month(TODAY.year, TODAY.month)
    months = Period(this_month.start - timedelta(days=700), this_month.start
                    - timedelta(days=1)).months()
    attainment = []
    for month in months:
        figures = metrics.metrics(db, head, month.start, month.end)
        assert figures["collected"] > 0 and figures["deals_won"] > 0, month
        attainment += [p.values["plan_attainment_pct"] for p in metrics.per_person(
            db, head, month.start, month.end) if p.role != "head"]
    known = [float(a) for a in attainment if a is not None]
    assert sum(70 <= a <= 130 for a in known) >= 0.75 * len(known)
    assert 85 <= median(known) <= 110
