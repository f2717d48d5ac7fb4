"""The new metrics (issue 19) against an oracle: a generated office is read row by row
and each definition computed in plain Python, independently of the engine, then held
equal to what the engine says, for the head, a manager and a representative; and the
breakdowns by segment, owner and key client against the same oracle. Runs on SQLite and
(in CI) PostgreSQL."""

from __future__ import annotations

import random
import statistics
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from salesdesk import clock
from salesdesk.db.models import Activity, Client, Competitor, Deal, Delivery
from salesdesk.services import activities, clients, deals, deliveries, market, metrics
from tests import TODAY
from tests.conftest import Office

P_FROM, P_TO = TODAY - timedelta(days=40), TODAY + timedelta(days=5)
SEGMENTS = ("HoReCa", "Опт", "Розница", None)


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _pct(n: int | Decimal, d: int | Decimal) -> Decimal | None:
    return _round(Decimal(n) * 100 / Decimal(d)) if d else None


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def _generate(office: Office) -> None:
    """Clients, deals through every stage (lost ones at various stages, some against
    competitors), requests answered fast, late or not at all, deliveries on time, late
    and pending."""
    rng = random.Random(19)
    db = office.db
    rivals = [market.create_competitor(db, office.head, {"name": n}).id
              for n in ("Комус", "Офисмаг")]
    sellers = ["rep1", "rep2", "rep3", "manager1"]
    made: list[tuple[str, Any]] = []
    for n in range(24):
        who = sellers[n % len(sellers)]
        segment = SEGMENTS[n % len(SEGMENTS)]
        values = {"name": f"Клиент {n}"}
        if segment:
            values["segment"] = segment
        client = clients.create_client(db, office.actor(who), values).client
        made.append((who, client))
    for n, (_who, client) in enumerate(made):
        if n % 5 == 0:
            clients.set_key_client(db, office.head, client.id, True)
    for n in range(70):
        who, client = made[rng.randrange(len(made))]
        actor = office.actor(who)
        opened = TODAY - timedelta(days=rng.randrange(0, 70))
        deal = deals.create_deal(db, actor, client.id, {
            "title": f"Сделка {n}", "amount": str(rng.randrange(10, 900) * 1000),
            "opened_on": opened.isoformat()},
            competitor_id=rng.choice([None, *rivals]), today=opened)
        path = rng.choice([[], ["qualified"], ["qualified", "proposal"],
                           ["qualified", "proposal", "negotiation"]])
        for stage in path:
            deals.move_deal(db, actor, deal.id, stage, today=opened)
        end = rng.choice(["open", "won", "lost"])
        closed = min(TODAY, opened + timedelta(days=rng.randrange(0, 30)))
        if end == "won":
            deals.move_deal(db, actor, deal.id, "won", closed_on=closed, today=closed)
        elif end == "lost":
            deals.move_deal(db, actor, deal.id, "lost", closed_on=closed,
                            lost_reason="Цена", today=closed)
    for n in range(30):
        who, client = made[rng.randrange(len(made))]
        actor = office.actor(who)
        day = TODAY - timedelta(days=rng.randrange(0, 45))
        clock.set_clock(_at(day, 9 + rng.randrange(8), rng.randrange(60)))
        request = activities.log_activity(db, actor, client.id, {
            "kind": "request", "date": day.isoformat(), "note": f"Запрос {n}",
            "answer_by": (day + timedelta(days=rng.randrange(0, 4))).isoformat()})
        fate = rng.random()
        if fate < 0.7:
            answered = min(TODAY, day + timedelta(days=rng.randrange(0, 6)))
            clock.set_clock(_at(answered, 8 + rng.randrange(10), rng.randrange(60)))
            activities.answer_request(db, actor, request.id, "Ответили")
        activities.log_activity(db, actor, client.id, {"kind": "call",
                                                       "date": day.isoformat()})
    clock.set_clock(TODAY)
    for n in range(25):
        who, client = made[rng.randrange(len(made))]
        actor = office.actor(who)
        due = TODAY + timedelta(days=rng.randrange(-40, 8))
        delivery = deliveries.create_delivery(db, actor, {"description": f"Поставка {n}",
                                                          "due_date": due.isoformat()},
                                              client_id=client.id)
        fate = rng.random()
        if fate < 0.4:
            deliveries.mark_delivered(db, actor, delivery.id,
                                      min(TODAY, due - timedelta(days=rng.randrange(0, 3))))
        elif fate < 0.7:
            deliveries.mark_delivered(db, actor, delivery.id,
                                      min(TODAY, due + timedelta(days=rng.randrange(1, 5))))
    # A deleted client takes its records out of every figure.
    clients.delete_client(db, office.rep2, made[1][1].id)


def _oracle(office: Office, scope: set[uuid.UUID] | None) -> dict[str, Any]:
    """Every new metric from the rows, as the definitions say."""
    with office.db.read() as s:
        live = {c.id: c for c in s.scalars(select(Client).where(Client.deleted_at.is_(None)))}
        rivals = {c.id: c.name for c in s.scalars(select(Competitor))}
        all_deals = [d for d in s.scalars(select(Deal)) if d.deleted_at is None
                     and d.client_id in live and (scope is None or d.owner_id in scope)]
        acts = [a for a in s.scalars(select(Activity)) if a.deleted_at is None
                and a.client_id in live and (scope is None or a.user_id in scope)]
        dels = [d for d in s.scalars(select(Delivery)) if d.deleted_at is None
                and d.client_id in live and (scope is None or d.owner_id in scope)]
    out: dict[str, Any] = {}
    known = [d for d in dels if P_FROM <= d.due_date <= P_TO
             and (d.delivered_on is not None or d.due_date < TODAY)]
    on_time = [d for d in known if d.delivered_on is not None and d.delivered_on <= d.due_date]
    out["deliveries_due"], out["deliveries_on_time"] = len(known), len(on_time)
    out["on_time_delivery_pct"] = _pct(len(on_time), len(known))
    requests = [a for a in acts if a.kind == "request"]
    answered = [a for a in requests if a.answered_on is not None
                and P_FROM <= a.answered_on <= P_TO and a.answered_at is not None]
    out["requests_answered"] = len(answered)
    hours = [Decimal(str((a.answered_at - a.created_at).total_seconds())) / 3600
             for a in answered]
    out["request_answer_hours_median"] = _round(statistics.median(hours)) if hours else None
    due = [a for a in requests if P_FROM <= a.answer_by <= P_TO]
    late = [a for a in due if (a.answered_on is not None and a.answered_on > a.answer_by)
            or (a.answered_on is None and a.request_status == "open" and a.answer_by < TODAY)]
    out["requests_due"], out["requests_answered_late"] = len(due), len(late)
    ladder = ["new", "qualified", "proposal", "negotiation", "won"]
    opened = [d for d in all_deals if P_FROM <= d.opened_on <= P_TO]

    def rank(d: Deal) -> int:
        if d.stage == "lost":
            return ladder.index(d.lost_at_stage) if d.lost_at_stage in ladder[:4] else 0
        return ladder.index(d.stage)

    reached = [sum(1 for d in opened if rank(d) >= i) for i in range(5)]
    out["stage_conversion"] = {ladder[i]: _pct(reached[i + 1], reached[i]) for i in range(4)}
    fought: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in all_deals:
        if d.stage in ("won", "lost") and d.competitor_id and P_FROM <= d.closed_on <= P_TO:
            fought[rivals[d.competitor_id]][0] += d.stage == "won"
            fought[rivals[d.competitor_id]][1] += 1
    out["win_rate_by_competitor"] = {name: _pct(w, t) for name, (w, t) in fought.items()}
    return out


@pytest.mark.parametrize("login", ["head", "manager1", "rep1"])
def test_every_new_metric_equals_the_oracle(office: Office, login: str) -> None:
    _generate(office)
    actor = office.actor(login)
    scope = None if login == "head" else (
        {office.manager1.id, office.rep1.id, office.rep2.id} if login == "manager1"
        else {office.rep1.id})
    got = metrics.metrics(office.db, actor, P_FROM, P_TO, with_duties=True).values
    expected = _oracle(office, scope)
    for key, value in expected.items():
        assert got[key] == value, key
    # The fixture is rich enough for every definition to be exercised.
    if login == "head":
        assert expected["deliveries_due"] > 5 and expected["deliveries_on_time"] > 0
        assert expected["requests_answered"] > 5 and expected["requests_answered_late"] > 0
        assert all(v is not None for v in expected["stage_conversion"].values())
        assert len(expected["win_rate_by_competitor"]) == 2


def test_breakdowns_equal_the_oracle(office: Office) -> None:
    _generate(office)
    with office.db.read() as s:
        live = {c.id: c for c in s.scalars(select(Client).where(Client.deleted_at.is_(None)))}
        won = [d for d in s.scalars(select(Deal)) if d.deleted_at is None and
               d.stage == "won" and d.client_id in live and P_FROM <= d.closed_on <= P_TO]
        calls = [a for a in s.scalars(select(Activity)) if a.deleted_at is None
                 and a.client_id in live and P_FROM <= a.date <= P_TO]

    def sums(key: Any) -> dict[Any, tuple[Decimal, int, int]]:
        out: dict[Any, list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0])
        for d in won:
            out[key(live[d.client_id])][0] += d.amount
            out[key(live[d.client_id])][1] += 1
        for a in calls:
            out[key(live[a.client_id])][2] += 1
        return {k: (v[0], v[1], v[2]) for k, v in out.items()}

    by_segment = sums(lambda c: c.segment or "")
    groups = metrics.breakdown(office.db, office.head, P_FROM, P_TO, "segment")
    assert {g.key for g in groups} == {s or "" for s in SEGMENTS}
    assert groups[-1].key == "" and groups[-1].label == "(none)"
    for g in groups:
        volume, n, contacts = by_segment.get(g.key, (Decimal(0), 0, 0))
        assert (g.values["sales_volume"], g.values["deals_won"], g.values["contacts"]) == (
            volume, n, contacts), g.key
        assert g.values["plan"] is None and g.values["cac"] is None  # no share of them
    by_key = sums(lambda c: "key" if c.priority else "other")
    for g in metrics.breakdown(office.db, office.head, P_FROM, P_TO, "key_client"):
        assert (g.values["sales_volume"], g.values["deals_won"]) == by_key[g.key][:2]
    owners = {g.key: g for g in metrics.breakdown(office.db, office.manager1, P_FROM, P_TO,
                                                  "owner")}
    assert set(owners) == {"manager1", "rep1", "rep2"}  # the manager's team only
    single = metrics.metrics(office.db, office.manager1, P_FROM, P_TO, "rep1",
                             with_duties=True).values
    assert owners["rep1"].values["sales_volume"] == single["sales_volume"]
    assert owners["rep1"].values["on_time_delivery_pct"] == single["on_time_delivery_pct"]
    # The segments of a representative's breakdown hold only their own clients.
    mine = metrics.breakdown(office.db, office.rep1, P_FROM, P_TO, "segment")
    assert sum(g.values["deals_won"] for g in mine) == metrics.metrics(
        office.db, office.rep1, P_FROM, P_TO).values["deals_won"]


@pytest.mark.parametrize("login", ["head", "manager1", "rep1"])
def test_strategy_figures_equal_the_engine_over_each_part(office: Office, login: str) -> None:
    """Each priority (and the rest of the clients) as the grouped queries sum it equals
    one engine run over a slice of exactly those clients (issue 16: the grouped form
    replaced one run per priority)."""
    from sqlalchemy import not_, or_

    from salesdesk.metrics import engine
    from salesdesk.services import planning, strategy_figures
    from salesdesk.services.base import reading

    _generate(office)
    for kind, value in (("segment", "HoReCa"), ("segment", "Опт"), ("market", "Тула"),
                        ("market", "Омск")):
        planning.add_strategy_item(office.db, office.head, {"kind": kind, "value": value})
    with office.db.read() as s:
        some = list(s.scalars(select(Client.id).where(Client.deleted_at.is_(None))
                              .order_by(Client.name)))
    for n, client_id in enumerate(some[:10]):
        clients.update_client(office.db, office.head, client_id,
                              {"market": ("Тула", "Омск", "Казань")[n % 3]})
    # A deleted client's contacts and deals leave every part, as they leave the engine.
    with office.db.read() as s:
        busiest = s.execute(select(Activity.client_id).where(
            Activity.deleted_at.is_(None), Activity.date.between(P_FROM, P_TO))
            .group_by(Activity.client_id).order_by(func.count().desc())).scalars().first()
    clients.delete_client(office.db, office.head, busiest)
    actor = office.actor(login)
    figures = strategy_figures.strategy_figures(office.db, actor, P_FROM, P_TO)
    assert [(r.kind, r.value) for r in figures.priorities] == [
        ("segment", "HoReCa"), ("segment", "Опт"), ("segment", ""),
        ("market", "Омск"), ("market", "Тула"), ("market", "")]
    with reading(office.db, actor) as ctx:
        scope = metrics.resolve_scope(ctx, None).ids
        for row in figures.priorities:
            column = Client.market if row.kind == "market" else Client.segment
            values = [r.value for r in figures.priorities if r.kind == row.kind and r.value]
            match = (column == row.value if row.value
                     else or_(column.is_(None), not_(column.in_(values))))
            expected = engine.compute(ctx.session, scope, engine.Period(P_FROM, P_TO), False,
                                      cut=engine.Slice(clients=select(Client.id).where(match)))
            assert (row.sales_volume, row.deals_won, row.pipeline_open_amount,
                    row.conversion_pct) == (
                expected["sales_volume"], expected["deals_won"],
                expected["pipeline_open_amount"], expected["conversion_pct"]), row
            owned = [Client.deleted_at.is_(None), match]
            if scope is not None:
                owned.append(Client.owner_id.in_(scope))
            assert row.clients == len(ctx.session.scalars(select(Client.id).where(
                *owned)).all()), row
    assert sum(r.deals_won for r in figures.priorities if r.kind == "segment") == \
        metrics.metrics(office.db, actor, P_FROM, P_TO).values["deals_won"]
