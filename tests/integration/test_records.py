"""The working day in the core: clients, contacts, activities, deals, tasks, deliveries,
products, planning, market, training, and the audit log they leave."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from salesdesk.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from salesdesk.services import (
    activities,
    auditlog,
    clients,
    contacts,
    deals,
    deliveries,
    market,
    planning,
    products,
    tasks,
    training,
    users,
)
from salesdesk.services.clients import ClientQuery
from tests import TODAY
from tests.conftest import Office


def _client(office: Office, name: str = "ООО «Альфа»", **extra: str) -> clients.ClientRecord:
    return clients.create_client(office.db, office.rep1, {"name": name, **extra}).client


def test_client_fields_are_validated_together(office: Office) -> None:
    with pytest.raises(ValidationError) as info:
        clients.create_client(office.db, office.rep1, {"name": "", "inn": "123",
                                                       "email": "x@", "status": "sleepy"})
    fields = [p.field for p in info.value.problems]
    assert fields == ["Name", "INN", "Status", "E-mail"]
    assert clients.count_clients(office.db, office.head) == 0


def test_search_by_name_inn_contact_phone_and_email(office: Office) -> None:
    alfa = _client(office, inn="7707083893", phone="+7 912 000-11-22", email="info@alfa.ru")
    _client(office, "ИП Ёлкин Сергей")
    contacts.add_contact(office.db, office.rep1, alfa.id, {"name": "Орлов Павел",
                                                           "phone": "8 (903) 555-44-33",
                                                           "email": "orlov@alfa.ru"})
    db, rep = office.db, office.rep1

    def find(text: str) -> list[str]:
        return [c.name for c in clients.list_clients(db, rep, ClientQuery(text=text))]

    assert find("альф") == ["ООО «Альфа»"]
    assert find("770708") == ["ООО «Альфа»"]
    assert find("орлов") == ["ООО «Альфа»"]
    assert find("903 555-44") == ["ООО «Альфа»"]
    assert find("info@alfa") == ["ООО «Альфа»"]
    assert find("елкин") == ["ИП Ёлкин Сергей"]  # ё and е are the same letter here
    assert find("100%") == []
    assert clients.count_clients(db, rep, ClientQuery(text="alfa.ru")) == 1


def test_client_list_filters_and_sorts_in_sql(office: Office) -> None:
    for name, segment in (("Бета", "Опт"), ("Альфа", "Розница"), ("Вега", "Опт")):
        _client(office, name, segment=segment)
    db, rep = office.db, office.rep1
    assert [c.name for c in clients.list_clients(db, rep, ClientQuery(segment="Опт"))] == [
        "Бета", "Вега"]
    names = [c.name for c in clients.list_clients(db, rep, ClientQuery(descending=True))]
    assert names == ["Вега", "Бета", "Альфа"]
    page = clients.list_clients(db, rep, ClientQuery(offset=1, limit=1))
    assert [c.name for c in page] == ["Бета"]
    assert clients.filter_values(db, rep)["segment"] == ["Опт", "Розница"]


def test_filter_values_are_the_visible_live_clients_values(office: Office) -> None:
    """The filters' and forms' values (read from an index of them, issue 16) are those
    of the clients the person sees, without the deleted ones; the channels offered are
    the spend's and the live clients' sources."""
    db = office.db
    mine = {"segment": "Опт", "market": "Тула", "source": "Сайт", "city": "Тула"}
    clients.create_client(db, office.rep1, {"name": "Альфа", **mine})
    clients.create_client(db, office.rep1, {"name": "Бета", "segment": "Розница",
                                            "city": "Омск"})
    clients.create_client(db, office.rep2, {"name": "Вега", "segment": "HoReCa",
                                            "market": "Казань", "source": "Выставка",
                                            "city": "Казань"})
    gone = clients.create_client(db, office.rep1, {"name": "Гамма", "segment": "Дилер",
                                                   "source": "Звонок", "city": "Сочи"})
    clients.delete_client(db, office.rep1, gone.client.id)
    assert clients.filter_values(db, office.rep1) == {
        "segment": ["Опт", "Розница"], "market": ["Тула"], "source": ["Сайт"],
        "city": ["Омск", "Тула"]}
    assert clients.filter_values(db, office.head) == {
        "segment": ["HoReCa", "Опт", "Розница"], "market": ["Казань", "Тула"],
        "source": ["Выставка", "Сайт"], "city": ["Казань", "Омск", "Тула"]}
    planning.add_spend(db, office.head, {"date": "2026-11-01", "channel": "Реклама",
                                         "amount": "1000"})
    assert planning.channels(db, office.rep1) == ["Выставка", "Реклама", "Сайт"]


def test_stale_client_form_is_refused(office: Office) -> None:
    alfa = _client(office)
    clients.update_client(office.db, office.manager1, alfa.id, {"city": "Тула"},
                          expected_version=alfa.version)
    with pytest.raises(ConflictError, match="changed this record"):
        clients.update_client(office.db, office.rep1, alfa.id, {"city": "Орёл"},
                              expected_version=alfa.version)
    assert clients.get_client(office.db, office.rep1, alfa.id).city == "Тула"


def test_adding_a_contact_does_not_conflict_with_an_open_client_form(office: Office) -> None:
    alfa = _client(office)
    contacts.add_contact(office.db, office.rep1, alfa.id, {"name": "Орлов"})
    clients.update_client(office.db, office.rep1, alfa.id, {"city": "Тула"},
                          expected_version=alfa.version)


def test_soft_delete_and_restore(office: Office) -> None:
    alfa = _client(office)
    clients.delete_client(office.db, office.rep1, alfa.id)
    assert clients.list_clients(office.db, office.rep1) == []
    with pytest.raises(NotFoundError):
        clients.get_client(office.db, office.rep1, alfa.id)
    clients.restore_client(office.db, office.rep1, alfa.id)
    assert clients.get_client(office.db, office.rep1, alfa.id).name == "ООО «Альфа»"


def test_duplicates_by_inn_email_phone_and_similar_name(office: Office) -> None:
    _client(office, inn="7707083893", email="info@alfa.ru", phone="+7 912 000-11-22")
    db = office.db
    # One client per INN: a second is refused, naming the first (or, in another team,
    # saying whom to ask); a branch with a KPP of its own is a client of its own.
    with pytest.raises(clients.DuplicateInn) as taken:
        clients.create_client(db, office.rep1, {"name": "Другое", "inn": "7707083893"})
    assert taken.value.existing_id is not None and "open it instead" in str(taken.value)
    with pytest.raises(clients.DuplicateInn) as elsewhere:
        clients.create_client(db, office.rep3, {"name": "Другое", "inn": "7707083893"})
    assert elsewhere.value.existing_id is None and "another team" in str(elsewhere.value)
    branch = clients.create_client(db, office.rep1, {"name": "Альфа, филиал", "inn": "7707083893",
                                                     "kpp": "773602001"})
    assert [d.reason for d in branch.duplicates][:1] == ["inn"]
    other = clients.create_client(db, office.rep1, {"name": "Пятое", "inn": "7736050003"})
    with pytest.raises(clients.DuplicateInn):
        clients.update_client(db, office.rep1, other.client.id, {"inn": "7707083893"})
    clients.delete_client(db, office.rep1, branch.client.id)
    clients.update_client(db, office.rep1, other.client.id, {"inn": "7707083893",
                                                             "kpp": "773602001"})
    with pytest.raises(clients.DuplicateInn):  # its INN and KPP were taken meanwhile
        clients.restore_client(db, office.rep1, branch.client.id)
    by_mail = clients.create_client(db, office.rep1, {"name": "Третье", "email": "INFO@alfa.ru"})
    assert [d.reason for d in by_mail.duplicates] == ["email"]
    by_phone = clients.create_client(db, office.rep1, {"name": "Четвёртое",
                                                       "phone": "89120001122"})
    assert [d.reason for d in by_phone.duplicates] == ["phone"]
    similar = clients.create_client(db, office.rep1, {"name": "Альфа ООО"})
    assert similar.duplicates and similar.duplicates[0].reason == "name"
    assert "ООО «Альфа»" in similar.duplicates[0].describe()
    unrelated = clients.create_client(db, office.rep1, {"name": "Совсем другое имя"})
    assert unrelated.duplicates == []
    card = clients.client_duplicates(db, office.rep1, similar.client.id)
    assert any(d.name == "ООО «Альфа»" for d in card)


def ago(days: int) -> str:
    """The ISO date ``days`` before the tests' today (negative: after it)."""
    return (TODAY - timedelta(days=days)).isoformat()


def test_requests_have_an_answer_by_date_and_overdue_list(office: Office) -> None:
    alfa = _client(office)
    db = office.db
    late = activities.log_activity(db, office.rep1, alfa.id, {"kind": "Запрос",
                                                              "date": ago(7)})
    assert late.request_status == "open" and late.answer_by == TODAY - timedelta(days=6)
    fresh = activities.log_activity(db, office.rep1, alfa.id, {
        "kind": "request", "date": ago(0), "answer_by": ago(-3)})
    activities.log_activity(db, office.rep1, alfa.id, {"kind": "call", "date": ago(0)})
    overdue = activities.open_requests(db, office.rep1, today=TODAY, overdue_only=True)
    assert [a.id for a in overdue] == [late.id] and overdue[0].is_overdue(TODAY)
    assert {a.id for a in activities.open_requests(db, office.manager1, today=TODAY)} == {
        late.id, fresh.id}
    answered = activities.answer_request(db, office.rep1, late.id, "Отправили цены",
                                         answered_on=TODAY)
    assert answered.request_status == "answered"
    assert activities.open_requests(db, office.rep1, today=TODAY, overdue_only=True) == []
    with pytest.raises(ValidationError, match="before the request"):
        activities.log_activity(db, office.rep1, alfa.id, {"kind": "request",
                                                           "date": ago(0),
                                                           "answer_by": ago(26)})
    timeline = activities.list_activities(db, office.rep1, client_id=alfa.id)
    assert [a.date for a in timeline] == sorted((a.date for a in timeline), reverse=True)


def test_deal_stage_rules(office: Office) -> None:
    alfa = _client(office)
    db, rep = office.db, office.rep1
    opened = TODAY - timedelta(days=26)
    deal = deals.create_deal(db, rep, alfa.id, {"title": "Кресла", "amount": "100 000",
                                                "opened_on": opened.isoformat()}, today=TODAY)
    assert deal.stage == "new" and deal.closed_on is None
    with pytest.raises(ValidationError, match="Lost reason"):
        deals.move_deal(db, rep, deal.id, "lost", closed_on=TODAY)
    competitor = market.create_competitor(db, office.manager1, {"name": "Комус"})
    lost = deals.move_deal(db, rep, deal.id, "lost", closed_on=TODAY, lost_reason="Дорого",
                           competitor_id=competitor.id)
    assert lost.closed_on == TODAY and lost.competitor_id == competitor.id
    reopened = deals.move_deal(db, rep, deal.id, "negotiation")
    assert reopened.closed_on is None and reopened.lost_reason is None
    with pytest.raises(ValidationError, match="before the deal was opened"):
        deals.move_deal(db, rep, deal.id, "won", closed_on=opened - timedelta(days=1))
    won = deals.move_deal(db, rep, deal.id, "won", today=TODAY)
    assert won.closed_on == TODAY and won.age_days(TODAY) == 26
    board = {c.stage: c for c in deals.pipeline_board(db, office.manager1,
                                                      closed_since=opened)}
    assert board["won"].count == 1 and board["won"].total == Decimal("100000.00")
    assert board["new"].count == 0


def test_tasks_and_deliveries_due_and_overdue(office: Office) -> None:
    alfa = _client(office)
    db = office.db
    task = tasks.create_task(db, office.manager1, {"title": "Позвонить", "due_date": ago(7)},
                             assignee_id=office.rep1.id, client_id=alfa.id)
    tasks.create_task(db, office.rep1, {"title": "Отчёт", "due_date": ago(-4)})
    mine = tasks.list_tasks(db, office.rep1, today=TODAY)
    assert [t.title for t in mine] == ["Позвонить", "Отчёт"]
    assert [t.id for t in tasks.list_tasks(db, office.rep1, overdue_only=True, today=TODAY)] == [
        task.id]
    tasks.set_task_done(db, office.rep1, task.id, True, on=TODAY)
    assert tasks.list_tasks(db, office.rep1, overdue_only=True, today=TODAY) == []
    with pytest.raises(PermissionDenied, match=r"task\.edit"):
        tasks.create_task(db, office.rep1, {"title": "x", "due_date": "2026-12-01"},
                          assignee_id=office.rep2.id)
    late = deliveries.create_delivery(db, office.rep1, {"description": "Кресла",
                                                        "due_date": ago(2)},
                                      client_id=alfa.id)
    deliveries.create_delivery(db, office.rep1, {"description": "Столы",
                                                 "due_date": ago(-8)}, client_id=alfa.id)
    overdue = deliveries.list_deliveries(db, office.manager1, overdue_only=True, today=TODAY)
    assert [d.id for d in overdue] == [late.id]
    deliveries.mark_delivered(db, office.rep1, late.id, TODAY)
    assert deliveries.list_deliveries(db, office.rep1, overdue_only=True, today=TODAY) == []


def test_products_targets_spend_strategy_training(office: Office) -> None:
    db = office.db
    chair = products.create_product(db, office.manager1, {"name": "Кресло", "price": "12 900",
                                                          "vat_rate": "10 %"})
    assert chair.vat_rate == "10" and chair.unit == "шт"
    products.update_product(db, office.head, chair.id, {"active": "нет"})
    assert products.list_products(db, office.rep1) == []
    assert len(products.list_products(db, office.rep1, include_inactive=True)) == 1

    planning.set_target(db, office.manager1, office.rep1.id, "2026-11", "500 000")
    again = planning.set_target(db, office.manager1, office.rep1.id, "2026-11", "600000")
    assert again.amount == Decimal("600000.00")
    assert [t.amount for t in planning.list_targets(db, office.rep1, date(2026, 1, 1),
                                                    date(2026, 12, 1))] == [Decimal("600000.00")]
    with pytest.raises(ValidationError, match="Month"):
        planning.set_target(db, office.head, office.rep1.id, "ноябрь", "1")

    planning.add_spend(db, office.head, {"date": "2026-11-01", "channel": "Сайт",
                                         "amount": "15000"})
    assert len(planning.list_spend(db, office.manager2)) == 1
    assert "Сайт" in planning.channels(db, office.head)
    planning.add_strategy_item(db, office.head, {"kind": "segment", "value": "HoReCa"})
    assert [s.value for s in planning.list_strategy(db, office.rep3)] == ["HoReCa"]

    item = training.assign_training(db, office.manager1, office.rep1.id, {"title": "Каталог"})
    ticked = training.tick_training(db, office.rep1, item.id, True, on=TODAY)
    assert ticked.done_on == TODAY
    reviewed = training.review_training(db, office.manager1, item.id, "Переделать",
                                        accepted=False)
    assert reviewed.done_on is None and reviewed.review_note == "Переделать"
    market.add_note(db, office.manager2, {"title": "Цены растут", "date": "2026-11-01"})
    assert [n.title for n in market.list_notes(db, office.rep1)] == ["Цены растут"]


def test_audit_log_has_old_and_new_values_for_each_kind_of_change(office: Office) -> None:
    db = office.db
    alfa = _client(office)
    clients.update_client(db, office.rep1, alfa.id, {"city": "Тула"})
    clients.update_client(db, office.rep1, alfa.id, {"city": "Орёл"})
    deal = deals.create_deal(db, office.rep1, alfa.id, {"title": "Кресла", "amount": "10"})
    deals.move_deal(db, office.rep1, deal.id, "won", closed_on=TODAY)
    clients.delete_client(db, office.rep1, alfa.id)
    users.reset_password(db, office.head, office.rep2.id, "new-secret")
    log = auditlog.list_audit(db, office.head, record_id=alfa.id)
    actions = [e.action for e in log]
    assert actions == ["delete", "update", "update", "create"]
    assert log[1].changes == {"city": ["Тула", "Орёл"]}
    assert log[2].changes == {"city": [None, "Тула"]}
    assert log[3].changes["name"] == [None, "ООО «Альфа»"] and log[3].user_login == "rep1"
    moved = auditlog.list_audit(db, office.head, record_id=deal.id)[0]
    assert moved.changes["stage"] == ["new", "won"]
    assert moved.changes["closed_on"] == [None, TODAY.isoformat()]
    secret = auditlog.list_audit(db, office.head, entity="users")[0]
    assert secret.changes == {"password_hash": ["***", "***"]}


def test_an_entrepreneur_has_no_kpp(office: Office) -> None:
    with pytest.raises(ValidationError, match="KPP"):
        clients.create_client(office.db, office.rep1, {"name": "ИП Орлов П. С.",
                                                       "inn": "500100732259",
                                                       "kpp": "773601001"})
    made = clients.create_client(office.db, office.rep1, {"name": "ИП Орлов П. С.",
                                                          "inn": "500100732259"}).client
    with pytest.raises(ValidationError, match="KPP"):
        clients.update_client(office.db, office.rep1, made.id, {"kpp": "773601001"})
