"""What falls due (``salesdesk due``): every kind of dated work of the coming days,
overdue first, the actor's own or all they may see, never what they may not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salesdesk.errors import ValidationError
from salesdesk.services import activities, clients, deliveries, documents, tasks
from salesdesk.services.due import due_items
from tests import TODAY
from tests.conftest import Office

LINE = [{"description": "Кресло", "quantity": "1", "unit": "шт", "price": "1000"}]


def _day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def _work(office: Office) -> dict[str, object]:
    db, rep1, rep2 = office.db, office.rep1, office.rep2
    mine = clients.create_client(db, rep1, {"name": "Альфа"}).client
    theirs = clients.create_client(db, rep2, {"name": "Бета"}).client
    made: dict[str, object] = {"client": mine}
    made["late_task"] = tasks.create_task(db, rep1, {"title": "Перезвонить",
                                                     "due_date": _day(-2)}, client_id=mine.id)
    made["task"] = tasks.create_task(db, rep1, {"title": "Отправить каталог",
                                                "due_date": _day(3)}, client_id=mine.id)
    made["far_task"] = tasks.create_task(db, rep1, {"title": "Через месяц",
                                                    "due_date": _day(30)})
    done = tasks.create_task(db, rep1, {"title": "Сделано", "due_date": _day(1)})
    tasks.set_task_done(db, rep1, done.id, True)
    made["done_task"] = done
    made["request"] = activities.log_activity(db, rep1, mine.id, {
        "kind": "request", "date": _day(-1), "note": "Нужна цена", "answer_by": _day(0)})
    made["delivery"] = deliveries.create_delivery(db, rep1, {"description": "Кресла",
                                                             "due_date": _day(5)},
                                                  client_id=mine.id)
    invoice = documents.create_document(db, rep1, "invoice", mine.id, lines=LINE,
                                        today=TODAY - timedelta(days=2))
    made["invoice"] = documents.issue_document(db, rep1, invoice.id,
                                               today=TODAY - timedelta(days=2))
    proposal = documents.create_document(db, rep1, "proposal", mine.id, lines=LINE,
                                         today=TODAY - timedelta(days=10))
    made["proposal"] = documents.issue_document(db, rep1, proposal.id,
                                                today=TODAY - timedelta(days=10))
    made["their_task"] = tasks.create_task(db, rep2, {"title": "Чужая задача",
                                                      "due_date": _day(1)},
                                           client_id=theirs.id)
    return made


def test_the_week_ahead_lists_every_kind_overdue_first(office: Office) -> None:
    made = _work(office)
    items = due_items(office.db, office.rep1, days=7)
    kinds = [(i.kind, i.overdue) for i in items]
    assert kinds[0] == ("task", True)  # two days late
    assert {k for k, _o in kinds} == {"task", "request", "delivery", "invoice", "proposal"}
    ids = {i.record_id for i in items}
    assert made["far_task"].id not in ids  # type: ignore[attr-defined]
    assert made["their_task"].id not in ids  # type: ignore[attr-defined]
    assert made["done_task"].id not in ids  # type: ignore[attr-defined]
    assert [i.due for i in items] == sorted(i.due for i in items)
    invoice = next(i for i in items if i.kind == "invoice")
    assert invoice.due == made["invoice"].due_date  # type: ignore[attr-defined]
    assert invoice.title == made["invoice"].number  # type: ignore[attr-defined]
    request = next(i for i in items if i.kind == "request")
    assert (request.due, request.overdue, request.client_name) == (TODAY, False, "Альфа")
    # Only today and what is overdue; a month ahead brings the far task.
    assert {i.kind for i in due_items(office.db, office.rep1, days=0)} == {"task", "request"}
    far = due_items(office.db, office.rep1, days=31)
    assert made["far_task"].id in {i.record_id for i in far}  # type: ignore[attr-defined]
    as_json = items[0].to_json()
    assert as_json["kind"] == "task" and as_json["overdue"] is True
    assert as_json["due"] == _day(-2)


def test_everyone_means_what_the_actor_may_see(office: Office) -> None:
    made = _work(office)
    their = made["their_task"].id  # type: ignore[attr-defined]
    assert their not in {i.record_id for i in due_items(office.db, office.rep1,
                                                        everyone=True)}
    assert their in {i.record_id for i in due_items(office.db, office.manager1,
                                                    everyone=True)}
    assert their not in {i.record_id for i in due_items(office.db, office.manager2,
                                                        everyone=True)}
    assert their in {i.record_id for i in due_items(office.db, office.head, everyone=True)}
    assert due_items(office.db, office.head) == []  # nothing of the head's own


def test_a_paid_invoice_and_a_delivered_delivery_are_not_due(office: Office) -> None:
    made = _work(office)
    invoice = made["invoice"]
    documents.record_payment(office.db, office.manager1, invoice.id,  # type: ignore[attr-defined]
                             str(invoice.total), TODAY)  # type: ignore[attr-defined]
    deliveries.mark_delivered(office.db, office.rep1,
                              made["delivery"].id, TODAY)  # type: ignore[attr-defined]
    kinds = {i.kind for i in due_items(office.db, office.rep1, days=7)}
    assert "invoice" not in kinds and "delivery" not in kinds


@pytest.mark.parametrize("days", [-1, 367])
def test_days_out_of_range_are_refused(office: Office, days: int) -> None:
    with pytest.raises(ValidationError, match="days"):
        due_items(office.db, office.rep1, days=days)
