"""Every metric of METRICS.md against a small dataset whose answers are worked out here.

The period is March 2026 and the activity window W is 365 days, so a customer is
"active at start" with a won deal closed in [2025-03-01, 2026-02-28] and "active at the
end" with one in [2025-04-01, 2026-03-31].
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from salesdesk.db.models import (
    Activity,
    Client,
    Deal,
    Document,
    MarketingSpend,
    Payment,
    Target,
)
from salesdesk.db.types import utcnow
from salesdesk.metrics.engine import Period
from salesdesk.services import metrics
from tests.conftest import Office

MARCH_FROM, MARCH_TO = date(2026, 3, 1), date(2026, 3, 31)


def build(office: Office) -> dict[str, uuid.UUID]:
    """The dataset (straight into the tables, with exact dates)."""
    o = office
    ids: dict[str, uuid.UUID] = {}
    with o.db.unit_of_work(o.head.id) as uow:
        s = uow.session

        def client(key: str, owner: Any, source: str | None = None) -> uuid.UUID:
            c = Client(id=uuid.uuid4(), name=key, name_norm=key.lower(), owner_id=owner.id,
                       source=source, search_text=key.lower())
            s.add(c)
            ids[key] = c.id
            return c.id

        for key, owner, source in (("A", o.rep1, None), ("B", o.rep1, "Сайт"),
                                   ("C", o.rep1, None), ("D", o.rep2, "Выставка"),
                                   ("E", o.rep3, None), ("F", o.rep1, None), ("G", o.rep1, None),
                                   ("H", o.rep1, None)):
            client(key, owner, source)
        s.flush()

        def deal(key: str, cid: str, owner: Any, stage: str, opened: date,
                 closed: date | None, amount: str, expected: date | None = None,
                 reason: str | None = None) -> None:
            d = Deal(id=uuid.uuid4(), client_id=ids[cid], owner_id=owner.id, title=key,
                     amount=Decimal(amount), stage=stage, opened_on=opened, closed_on=closed,
                     expected_close=expected, lost_reason=reason)
            s.add(d)
            ids[key] = d.id

        deal("D1", "A", o.rep1, "won", date(2026, 3, 10), date(2026, 3, 10), "1000.00")
        deal("D2", "B", o.rep1, "won", date(2026, 2, 1), date(2026, 3, 5), "2000.50")
        deal("D3", "C", o.rep1, "lost", date(2026, 3, 2), date(2026, 3, 20), "500", reason="Дорого")
        deal("D4", "D", o.rep2, "won", date(2026, 1, 10), date(2026, 3, 31), "3000")
        deal("D5", "E", o.rep3, "won", date(2026, 3, 1), date(2026, 4, 1), "777")
        deal("D6", "A", o.rep1, "new", date(2026, 3, 20), None, "10000", date(2026, 3, 25))
        deal("D7", "B", o.rep1, "negotiation", date(2026, 4, 2), None, "7000", date(2026, 3, 30))
        deal("D8", "D", o.rep2, "proposal", date(2026, 2, 15), None, "4000", date(2026, 4, 10))
        deal("D9", "A", o.rep1, "won", date(2025, 2, 1), date(2025, 3, 1), "100")  # window edge
        deal("D10", "F", o.rep1, "won", date(2025, 2, 1), date(2025, 2, 28), "100")  # just out
        deal("D11", "F", o.rep1, "won", date(2026, 3, 1), date(2026, 3, 20), "1500")
        deal("D12", "G", o.rep1, "won", date(2025, 5, 1), date(2025, 6, 1), "100")
        deal("D13", "H", o.rep1, "won", date(2025, 3, 1), date(2025, 3, 15), "100")
        gone = Deal(id=uuid.uuid4(), client_id=ids["A"], owner_id=o.rep1.id, title="deleted",
                    amount=Decimal(99999), stage="won", opened_on=date(2026, 3, 1),
                    closed_on=date(2026, 3, 2), deleted_at=utcnow())
        s.add(gone)

        def activity(owner: Any, cid: str, day: date, deleted: bool = False) -> None:
            s.add(Activity(id=uuid.uuid4(), client_id=ids[cid], user_id=owner.id, kind="call",
                           date=day, deleted_at=utcnow() if deleted else None))

        for day in (1, 5, 15, 20, 25, 31):
            activity(o.rep1, "A", date(2026, 3, day))
        activity(o.rep1, "A", date(2026, 2, 28))            # before the period
        activity(o.rep1, "A", date(2026, 3, 3), deleted=True)
        activity(o.rep2, "D", date(2026, 3, 10))
        activity(o.rep3, "E", date(2026, 3, 11))
        activity(o.rep3, "E", date(2026, 3, 12))
        s.flush()

        def paid(cid: str, owner: Any, day: date, amount: str) -> None:
            inv = Document(id=uuid.uuid4(), kind="invoice", status="paid", client_id=ids[cid],
                           owner_id=owner.id, doc_date=day, total=Decimal(amount),
                           paid_total=Decimal(amount))
            s.add(inv)
            s.flush()
            s.add(Payment(id=uuid.uuid4(), invoice_id=inv.id, paid_on=day,
                          amount=Decimal(amount), recorded_by_id=o.head.id))

        paid("A", o.rep1, date(2026, 3, 15), "800.00")
        paid("D", o.rep2, date(2026, 3, 31), "100.00")
        paid("A", o.rep1, date(2026, 4, 1), "50.00")
        for user, month, amount in ((o.rep1, date(2026, 3, 1), "9000"),
                                    (o.rep1, date(2026, 4, 1), "5000"),
                                    (o.rep2, date(2026, 3, 1), "1000")):
            s.add(Target(id=uuid.uuid4(), user_id=user.id, month=month, amount=Decimal(amount)))
        for day, channel, amount in ((date(2026, 3, 1), "Сайт", "600"),
                                     (date(2026, 3, 15), "Выставка", "300"),
                                     (date(2026, 3, 10), "Радио", "200"),
                                     (date(2026, 2, 28), "Сайт", "999")):
            s.add(MarketingSpend(id=uuid.uuid4(), date=day, channel=channel,
                                 amount=Decimal(amount)))
        uow.commit()
    return ids


def march(office: Office, actor: Any, scope: str | None = None) -> dict[str, Any]:
    return metrics.metrics(office.db, actor, MARCH_FROM, MARCH_TO, scope).values


def test_a_representatives_own_figures(office: Office) -> None:
    build(office)
    m = march(office, office.rep1)
    assert m["contacts"] == 6                      # the deleted one and February's do not count
    assert (m["deals_won"], m["deals_lost"]) == (3, 1)   # D1, D2, D11; D3
    assert m["conversion_pct"] == Decimal("50.00")       # 3 / 6
    assert m["win_rate_pct"] == Decimal("75.00")         # 3 / 4
    assert m["sales_volume"] == Decimal("4500.50")       # 1000 + 2000.50 + 1500
    assert m["average_check"] == Decimal("1500.17")      # 4500.50 / 3, half-up
    assert m["deal_time_days_median"] == Decimal("19.00")  # days 0 (same day), 19, 32
    assert m["deal_time_days_mean"] == Decimal("17.00")
    assert m["collected"] == Decimal("800.00")
    assert m["plan"] == Decimal("9000.00")
    assert m["plan_attainment_pct"] == Decimal("50.01")  # 4500.50 / 9000 = 50.0055…
    # Customers: A (edge of the window) and G stay, H churns, B is new, F comes back.
    assert m["customers_at_start"] == 3
    assert m["customers_retained"] == 2
    assert m["customers_churned"] == 1
    assert m["customers_new"] == 1
    assert m["customers_reactivated"] == 1
    assert m["retention_pct"] == Decimal("66.67")
    assert m["churn_pct"] == Decimal("33.33")
    # Pipeline: D6 only (D7 opened after the period); weighted 10 % of 10 000.
    assert (m["pipeline_open_count"], m["pipeline_open_amount"]) == (1, Decimal("10000.00"))
    assert m["forecast_weighted"] == Decimal("1000.00")
    # A representative sees no marketing money, and CAC is for the whole company only.
    assert m["marketing_spend"] is None and m["cac"] is None and m["cac_by_channel"] == {}


def test_a_managers_team(office: Office) -> None:
    build(office)
    m = march(office, office.manager1)
    assert m["contacts"] == 7 and m["deals_won"] == 4
    assert m["sales_volume"] == Decimal("7500.50")
    assert m["customers_new"] == 2                      # B and D
    assert m["customers_at_start"] == 3 and m["customers_reactivated"] == 1
    assert m["plan"] == Decimal("10000.00") and m["collected"] == Decimal("900.00")
    assert (m["pipeline_open_count"], m["pipeline_open_amount"]) == (2, Decimal("14000.00"))
    assert m["forecast_weighted"] == Decimal("1000.00")  # D8 is expected in April
    assert m["marketing_spend"] == Decimal("1100.00")
    assert m["cac"] is None                              # narrower than the company
    assert m["cac_by_channel"] == dict.fromkeys(["Выставка", "Радио", "Сайт"])
    other = march(office, office.manager2)
    assert other["contacts"] == 2 and other["deals_won"] == 0
    assert other["conversion_pct"] == Decimal("0.00") and other["win_rate_pct"] is None


def test_the_head_sees_the_whole_company_and_cac(office: Office) -> None:
    build(office)
    m = march(office, office.head)
    assert m["contacts"] == 9 and m["deals_won"] == 4
    assert m["conversion_pct"] == Decimal("44.44")
    assert m["marketing_spend"] == Decimal("1100.00")
    assert m["customers_new"] == 2
    assert m["cac"] == Decimal("550.00")                 # 1100 / 2
    assert m["cac_by_channel"] == {"Выставка": Decimal("300.00"), "Радио": None,
                                   "Сайт": Decimal("600.00")}
    one = march(office, office.head, scope="rep2")
    assert one["deals_won"] == 1 and one["cac"] is None


def test_zero_denominators_are_null_not_zero(office: Office) -> None:
    build(office)
    m = metrics.metrics(office.db, office.rep1, date(2020, 1, 1), date(2020, 1, 31)).values
    for key in ("conversion_pct", "win_rate_pct", "average_check", "deal_time_days_median",
                "deal_time_days_mean", "plan_attainment_pct", "retention_pct", "churn_pct"):
        assert m[key] is None, key
    assert m["contacts"] == 0 and m["sales_volume"] == Decimal("0.00")


def test_json_contract(office: Office) -> None:
    build(office)
    data = metrics.metrics(office.db, office.head, MARCH_FROM, MARCH_TO,
                           with_duties=True).to_json()
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    assert data["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert data["scope"] == sorted(["head", "manager1", "manager2", "rep1", "rep2", "rep3"])
    assert data["sales_volume"] == "7500.50" and data["cac"] == "550.00"
    assert data["conversion_pct"] == 44.44 and isinstance(data["deals_won"], int)
    assert data["cac_by_channel"] == {"Выставка": "300.00", "Радио": None, "Сайт": "600.00"}
    from salesdesk.metrics.definitions import DUTIES, METRICS

    # METRICS.md's keys, then the duties' (docs/metrics.md), and nothing else.
    assert set(data) == {"period", "scope"} | {m.key for m in (*METRICS, *DUTIES)}
    assert list(data)[-len(DUTIES):] == [m.key for m in DUTIES]


def test_scope_must_be_within_what_the_caller_sees(office: Office) -> None:
    from salesdesk.errors import PermissionDenied

    build(office)
    with pytest.raises(PermissionDenied, match="metrics"):
        march(office, office.manager2, scope="rep1")
    with pytest.raises(PermissionDenied):
        march(office, office.rep1, scope="rep2")
    assert march(office, office.manager1, scope="rep2")["deals_won"] == 1


def test_breakdowns_per_person_and_months(office: Office) -> None:
    build(office)
    parts = metrics.breakdowns(office.db, office.head, MARCH_FROM, MARCH_TO)
    funnel = dict(parts.funnel)
    # Opened in March: D1 won, D3 lost, D5 won, D6 new, D11 won -> new reached by all 5.
    assert funnel == {"new": 5, "qualified": 3, "proposal": 3, "negotiation": 3, "won": 3,
                      "lost": 1}
    assert parts.lost_reasons == [("Дорого", 1, Decimal("500.00"))]
    assert [name for _id, name, _n, _v in parts.top_clients] == ["D", "B", "F", "A"]
    assert sorted(parts.durations) == [0, 19, 32, 80]
    people = {p.login: p.values for p in metrics.per_person(office.db, office.manager1,
                                                             MARCH_FROM, MARCH_TO)}
    assert set(people) == {"manager1", "rep1", "rep2"}
    assert people["rep2"]["sales_volume"] == Decimal("3000.00")
    months = metrics.monthly(office.db, office.rep1, date(2026, 2, 1), date(2026, 4, 30))
    assert [p.month for p in months] == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert months[1].values["sales_volume"] == Decimal("4500.50")
    assert months[2].values["plan"] == Decimal("5000.00")


def test_period_helpers() -> None:
    march_ = Period.month(2026, 3)
    assert march_.previous() == Period.month(2026, 2)
    assert march_.year_before() == Period.month(2025, 3)
    assert Period(date(2024, 2, 29), date(2024, 3, 1)).year_before() == Period(
        date(2023, 2, 28), date(2023, 3, 1))
    from salesdesk.errors import ValidationError

    with pytest.raises(ValidationError, match="after the end"):
        Period(date(2026, 3, 2), date(2026, 3, 1))


def test_like_with_like_periods() -> None:
    december = Period.month(2026, 12)
    assert december.so_far(date(2026, 12, 1)) == Period(date(2026, 12, 1), date(2026, 12, 1))
    assert december.previous_like(date(2026, 12, 1)) == Period(date(2026, 11, 1),
                                                               date(2026, 11, 1))
    # 31 March so far is compared with the whole of February, not with days it lacks.
    assert Period.month(2028, 3).previous_like(date(2028, 3, 31)) == Period.month(2028, 2)
    assert december.previous_like(date(2027, 1, 5)) == Period.month(2026, 11)
    assert december.so_far(date(2026, 11, 20)) == Period(date(2026, 12, 1), date(2026, 12, 1))


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2026, 3, 1), date(2026, 3, 31), "9000.00"),     # a whole month: its whole target
    (date(2026, 3, 2), date(2026, 3, 31), "8709.68"),     # 30/31 of 9 000
    (date(2026, 3, 31), date(2026, 4, 1), "456.99"),      # 9 000/31 + 5 000/30, rounded once
    (date(2026, 3, 1), date(2026, 4, 30), "14000.00"),
    (date(2026, 3, 11), date(2026, 3, 20), "2903.23"),    # 10/31 of 9 000
])
def test_a_partial_month_is_planned_by_its_share_of_days(office: Office, start: date,
                                                         end: date, expected: str) -> None:
    build(office)
    value = metrics.metrics(office.db, office.rep1, start, end).values["plan"]
    assert value == Decimal(expected)
    # The grid (dashboard, per person, report) holds the same figure.
    [from_grid] = metrics.metrics_of_periods(office.db, office.rep1, [Period(start, end)])
    assert from_grid["plan"] == value


def test_a_period_that_has_not_ended_is_judged_on_today(office: Office) -> None:
    from salesdesk import clock

    build(office)
    # On 10 March, March's customers are judged on 10 March: H (last won 15 March 2025)
    # is still active, so nobody has churned yet; judged on 31 March H would churn.
    clock.set_clock(date(2026, 3, 10))
    so_far = march(office, office.rep1)
    assert (so_far["customers_at_start"], so_far["customers_churned"]) == (3, 0)
    [grid_cell] = metrics.metrics_of_periods(office.db, office.rep1,
                                             [Period(MARCH_FROM, MARCH_TO)])
    assert grid_cell["customers_churned"] == 0 and grid_cell["customers_retained"] == 3
    clock.set_clock(date(2026, 4, 15))
    assert march(office, office.rep1)["customers_churned"] == 1


def test_a_deleted_client_drops_out_of_every_metric(office: Office) -> None:
    from salesdesk.services import clients

    ids = build(office)
    before = march(office, office.head)
    clients.delete_client(office.db, office.head, ids["A"])
    after = march(office, office.head)
    # A had D1 (won, 1 000), six March calls, a payment of 800 and the open deal D6.
    assert after["deals_won"] == before["deals_won"] - 1
    assert after["sales_volume"] == before["sales_volume"] - Decimal("1000.00")
    assert after["contacts"] == before["contacts"] - 6
    assert after["collected"] == before["collected"] - Decimal("800.00")
    assert after["pipeline_open_count"] == before["pipeline_open_count"] - 1
    assert after["customers_at_start"] == before["customers_at_start"] - 1
    [cell] = metrics.metrics_of_periods(office.db, office.head, [Period(MARCH_FROM, MARCH_TO)])
    assert cell.values == after
    parts = metrics.breakdowns(office.db, office.head, MARCH_FROM, MARCH_TO)
    assert "A" not in [name for _id, name, _n, _v in parts.top_clients]
    assert dict(parts.funnel)["won"] == 2


def test_a_managers_channels_count_the_team_not_the_company(office: Office) -> None:
    build(office)
    team = metrics.breakdowns(office.db, office.manager1, MARCH_FROM, MARCH_TO)
    figures = march(office, office.manager1)
    assert sum(team.new_by_channel.values()) == figures["customers_new"] == 2
    others = metrics.breakdowns(office.db, office.manager2, MARCH_FROM, MARCH_TO)
    assert sum(others.new_by_channel.values()) == march(office, office.manager2)[
        "customers_new"]
