"""The head's toolkit (issue 19): the marketing budget against spend, onboarding
templates and training progress, the commission scheme and statements, the team's
ranking and the strategy's numbers — with who may do what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from salesdesk.errors import NotFoundError, PermissionDenied, ValidationError
from salesdesk.metrics.engine import Period
from salesdesk.services import (
    budget,
    clients,
    company,
    deals,
    motivation,
    planning,
    strategy_figures,
    training,
)
from tests import TODAY
from tests.conftest import Office

MONTH = Period.month(TODAY.year, TODAY.month)


def test_budget_plan_against_spend(office: Office) -> None:
    head = office.head
    budget.set_budget(office.db, head, {"month": MONTH.start.strftime("%Y-%m"),
                                        "channel": "Выставка", "amount": "30000"})
    again = budget.set_budget(office.db, head, {"month": MONTH.start.strftime("%Y-%m"),
                                                "channel": "Выставка", "amount": "31000"})
    assert again.amount == Decimal("31000.00")  # one plan per channel and month
    budget.set_budget(office.db, head, {"month": MONTH.start.strftime("%Y-%m"),
                                        "channel": "Сайт", "amount": "10000"})
    planning.add_spend(office.db, head, {"date": MONTH.start.isoformat(), "channel": "Сайт",
                                         "amount": "12500"})
    planning.add_spend(office.db, head, {"date": MONTH.start.isoformat(),
                                         "channel": "Радио", "amount": "4000"})
    rows = {r.channel: r for r in budget.budget_vs_spend(office.db, office.manager1,
                                                         MONTH.start, MONTH.end)}
    assert (rows["Выставка"].planned, rows["Выставка"].spent) == (Decimal("31000.00"),
                                                                  Decimal("0.00"))
    assert rows["Сайт"].difference == Decimal("2500.00") and rows["Сайт"].used_pct == 125
    assert rows["Радио"].planned == 0 and rows["Радио"].used_pct is None  # unplanned spend
    assert rows[""].planned == Decimal("41000.00") and rows[""].spent == Decimal("16500.00")
    # Half of the month plans half of it (prorated by days, as targets are).
    half = Period(MONTH.start, MONTH.start + timedelta(days=MONTH.days // 2 - 1))
    part = {r.channel: r for r in budget.budget_vs_spend(office.db, head, half.start,
                                                         half.end)}
    expected = (Decimal(31000) * half.days / MONTH.days).quantize(Decimal("0.01"))
    assert abs(part["Выставка"].planned - expected) <= Decimal("0.01")
    with pytest.raises(PermissionDenied):
        budget.set_budget(office.db, office.manager1, {"month": "2026-12", "channel": "x",
                                                       "amount": "1"})
    with pytest.raises(PermissionDenied):
        budget.budget_vs_spend(office.db, office.rep1, MONTH.start, MONTH.end)
    with pytest.raises(ValidationError) as info:
        budget.set_budget(office.db, head, {"month": "2026-13", "channel": "",
                                            "amount": "-5"})
    assert {p.field for p in info.value.problems} == {"Month", "Channel", "Amount"}


def test_onboarding_templates_and_progress(office: Office) -> None:
    made = training.save_template(office.db, office.manager1, {"name": "Новичок"}, [
        {"title": "Изучить каталог", "offset_days": 3},
        {"title": "Первая встреча с наставником", "offset_days": "10"}])
    assert [i.offset_days for i in made.items] == [3, 10]
    with pytest.raises(ValidationError) as info:
        training.save_template(office.db, office.head, {"name": "Плохой"}, [
            {"title": "", "offset_days": 1}, {"title": "x", "offset_days": 9999}])
    assert {p.field for p in info.value.problems} == {"Item 1", "Item 2"}
    with pytest.raises(ValidationError, match="another template"):
        training.save_template(office.db, office.head, {"name": "Новичок"},
                               [{"title": "x", "offset_days": 1}])
    with pytest.raises(PermissionDenied):
        training.save_template(office.db, office.rep1, {"name": "Мой"},
                               [{"title": "x", "offset_days": 1}])
    start = TODAY - timedelta(days=5)
    items = training.assign_template(office.db, office.manager1, "Новичок", office.rep1.id,
                                     start)
    assert sorted((i.title, i.due_date) for i in items) == [
        ("Изучить каталог", start + timedelta(days=3)),
        ("Первая встреча с наставником", start + timedelta(days=10))]
    assert training.assign_template(office.db, office.manager1, made.id, office.rep1.id) == []
    with pytest.raises(PermissionDenied):  # another manager's representative
        training.assign_template(office.db, office.manager1, "Новичок", office.rep3.id)
    with pytest.raises(NotFoundError):
        training.assign_template(office.db, office.head, "Нет такого", office.rep3.id)
    [progress] = training.training_progress(office.db, office.rep1)
    assert (progress.total, progress.done, progress.overdue) == (2, 0, ["Изучить каталог"])
    late = next(i for i in items if i.title == "Изучить каталог")
    training.tick_training(office.db, office.rep1, late.id, True)
    [progress] = training.training_progress(office.db, office.manager1)
    assert (progress.done, progress.done_pct, progress.overdue) == (1, Decimal("50.00"), [])
    assert training.training_progress(office.db, office.manager2) == []


@pytest.mark.parametrize(("volume", "collected", "plan", "expected", "note"), [
    ("700", "0", "1000", "0.00", "below the threshold"),         # 70 % < 80 %
    ("900", "0", "1000", "27.00", ""),                           # 3 % of 900
    ("1000", "0", "1000", "30.00", ""),                          # exactly the plan
    ("1500", "0", "1000", "55.00", ""),                          # 30 + 500 × 5 %
    ("900", "0", "0", None, "no plan for the month"),
])
def test_the_commission_formula(volume: str, collected: str, plan: str,
                                expected: str | None, note: str) -> None:
    scheme = motivation.CommissionScheme("won", Decimal(3), Decimal(80), Decimal(5))
    amount, why = motivation.commission_of(scheme, Decimal(volume), Decimal(collected),
                                           Decimal(plan))
    assert (amount, why) == (Decimal(expected) if expected else None, note)


def test_the_commission_of_collected_money_above_the_plan() -> None:
    scheme = motivation.CommissionScheme("collected", Decimal(2), Decimal(50), Decimal(10))
    # 150 % of the plan; of 600 collected, 2/3 earn 2 % and 1/3 earns 10 %.
    amount, _why = motivation.commission_of(scheme, Decimal(1500), Decimal(600),
                                            Decimal(1000))
    assert amount == Decimal("28.00")
    assert motivation.commission_of(None, Decimal(1), Decimal(1), Decimal(1)) == (
        None, "no commission scheme")


def _sell(office: Office, login: str, amount: str) -> None:
    actor = office.actor(login)
    client = clients.create_client(office.db, actor, {"name": f"Покупатель {login}"}).client
    deal = deals.create_deal(office.db, actor, client.id, {
        "title": "Поставка", "amount": amount, "opened_on": MONTH.start.isoformat()})
    deals.move_deal(office.db, actor, deal.id, "won", closed_on=MONTH.start)


def test_statements_ranking_and_export(office: Office, tmp_path: Path) -> None:
    company.update_company(office.db, office.head, {"commission_scheme": {
        "base": "won", "rate_pct": "3", "threshold_pct": "80", "accelerator_pct": "5"}})
    for login, target, sold in (("rep1", "100000", "150000"), ("rep2", "100000", "50000"),
                                ("rep3", "200000", "200000")):
        planning.set_target(office.db, office.head, office.actor(login).id,
                            MONTH.start.strftime("%Y-%m"), target)
        _sell(office, login, sold)
    month = MONTH.start.strftime("%Y-%m")
    mine = motivation.commissions(office.db, office.rep1, month)
    assert [(x.login, x.commission) for x in mine] == [("rep1", Decimal("5500.00"))]
    team = {x.login: x for x in motivation.commissions(office.db, office.manager1, month)}
    assert set(team) == {"manager1", "rep1", "rep2"}
    assert team["rep2"].commission == 0 and team["rep2"].note == "below the threshold"
    assert team["manager1"].commission is None  # no plan
    everyone = {x.login for x in motivation.commissions(office.db, office.head, month)}
    assert everyone == {"manager1", "manager2", "rep1", "rep2", "rep3"}
    target = tmp_path / "commission.csv"
    assert motivation.export_commissions(office.db, office.manager1, month, target) == 3
    text = target.read_text(encoding="utf-8-sig")
    assert "rep1;" in text and "5500.00" in text and "rep3" not in text
    key, ranked = motivation.ranking(office.db, office.head, MONTH.start, MONTH.end)
    assert key == "plan_attainment_pct"
    assert [(r.rank, r.login) for r in ranked[:3]] == [(1, "rep1"), (2, "rep3"), (3, "rep2")]
    assert all(r.rank is None for r in ranked[3:])  # no plan: no place
    _key, by_volume = motivation.ranking(office.db, office.head, MONTH.start, MONTH.end,
                                         "sales_volume")
    assert [r.login for r in by_volume[:2]] == ["rep3", "rep1"]
    with pytest.raises(ValidationError, match="Commission rate"):
        company.update_company(office.db, office.head, {"commission_scheme": {
            "base": "won", "rate_pct": "300", "threshold_pct": "80",
            "accelerator_pct": "5"}})
    with pytest.raises(ValidationError, match="Team ranked by"):
        company.update_company(office.db, office.head, {"ranking_metric": "luck"})
    with pytest.raises(PermissionDenied):
        company.update_company(office.db, office.manager1, {"ranking_metric": "sales_volume"})


def test_strategy_with_numbers(office: Office) -> None:
    planning.add_strategy_item(office.db, office.head, {"kind": "segment", "value": "HoReCa"})
    for login, segment, amount in (("rep1", "HoReCa", "300000"), ("rep2", "Опт", "100000")):
        actor = office.actor(login)
        client = clients.create_client(office.db, actor, {"name": f"К {login}",
                                                          "segment": segment}).client
        deal = deals.create_deal(office.db, actor, client.id, {
            "title": "x", "amount": amount, "opened_on": MONTH.start.isoformat()})
        deals.move_deal(office.db, actor, deal.id, "won", closed_on=MONTH.start)
        clients.set_key_client(office.db, office.head, client.id, True)
        deals.create_deal(office.db, actor, client.id, {"title": "ещё", "amount": "5000"})
    figures = strategy_figures.strategy_figures(office.db, office.head, MONTH.start,
                                                MONTH.end)
    horeca, rest = figures.priorities
    assert (horeca.value, horeca.sales_volume, horeca.share_pct, horeca.clients) == (
        "HoReCa", Decimal("300000.00"), Decimal("75.00"), 1)
    assert (rest.value, rest.sales_volume, rest.pipeline_open_amount) == (
        "", Decimal("100000.00"), Decimal("5000.00"))
    assert [(k.name, k.sales_volume, k.open_deals) for k in figures.key_clients] == [
        ("К rep1", Decimal("300000.00"), 1), ("К rep2", Decimal("100000.00"), 1)]
    # A representative's strategy counts their own clients only.
    mine = strategy_figures.strategy_figures(office.db, office.rep2, MONTH.start, MONTH.end)
    assert [p.sales_volume for p in mine.priorities] == [Decimal("0.00"),
                                                         Decimal("100000.00")]
    assert [k.name for k in mine.key_clients] == ["К rep2"]
