"""The permission table of DOMAIN.md as a matrix: every action against every role.

The actors are rep1 (owns the records acted on), rep2 (a colleague in the same team),
manager1 (rep1's manager), manager2 (another team's manager), rep3 (a representative of
the other team) and the head. A refused call raises the permission error naming the
action and changes nothing (the audit log does not grow).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.migrate import open_database
from salesdesk.db.models import AuditEntry
from salesdesk.errors import PermissionDenied
from salesdesk.services import (
    activities,
    appointments,
    attachments,
    auditlog,
    budget,
    calendar,
    clients,
    company,
    contacts,
    deals,
    deliveries,
    documents,
    maintenance,
    market,
    planning,
    products,
    tasks,
    training,
    users,
)
from tests import TODAY
from tests.conftest import PG_URL, Office, build_office

ALL = {"rep1", "rep2", "manager1", "manager2", "rep3", "head"}
OWNER_TEAM = {"rep1", "manager1", "head"}  # what "edit own + team, head all" gives on rep1's
MANAGERS_HEAD = {"manager1", "manager2", "head"}
HEAD = {"head"}


@dataclass
class World:
    """The office plus the records every case acts on."""

    office: Office
    ids: dict[str, uuid.UUID]

    @property
    def db(self) -> Database:
        return self.office.db


def _populate(office: Office) -> dict[str, uuid.UUID]:
    db, o = office.db, office
    ids: dict[str, uuid.UUID] = {}
    for login, name, inn in (("rep1", "Альфа", "7707083893"), ("rep2", "Бета", "7736050003"),
                             ("rep3", "Гамма", "500100732259")):
        saved = clients.create_client(db, o.actor(login), {"name": name, "inn": inn})
        ids[f"client_{login}"] = saved.client.id
    c1 = ids["client_rep1"]
    ids["contact"] = contacts.add_contact(db, o.rep1, c1, {"name": "Орлов"}).id
    ids["activity"] = activities.log_activity(db, o.rep1, c1, {"kind": "call",
                                                              "date": "2026-11-02"}).id
    ids["deal"] = deals.create_deal(db, o.rep1, c1, {"title": "Поставка", "amount": "1000"}).id
    ids["task"] = tasks.create_task(db, o.rep1, {"title": "Перезвонить", "due_date": "2026-11-30"},
                                    client_id=c1).id
    ids["delivery"] = deliveries.create_delivery(db, o.rep1, {"description": "Кресла",
                                                              "due_date": "2026-12-01"},
                                                 client_id=c1).id
    ids["appointment"] = appointments.plan_appointment(
        db, o.rep1, c1, {"subject": "Презентация", "date": "2026-12-03", "start_minute": "10:00"}
    ).id
    ids["file"] = attachments.attach_file(db, o.rep1, "clients", c1, "договор.pdf",
                                          b"%PDF-1.4 contract").id
    ids["product"] = products.create_product(db, o.head, {"name": "Стол", "price": "100"}).id
    ids["competitor"] = market.create_competitor(db, o.head, {"name": "Конкурент"}).id
    ids["training"] = training.assign_training(db, o.manager1, o.rep1.id, {"title": "Каталог"}).id
    line = [{"description": "Кресло", "quantity": "1", "unit": "шт", "price": "1000"}]
    ids["draft"] = documents.create_document(db, o.rep1, "invoice", c1, lines=line).id
    issued = documents.create_document(db, o.rep1, "invoice", c1, lines=line)
    ids["invoice"] = documents.issue_document(db, o.rep1, issued.id).id
    planning.set_target(db, o.manager1, o.rep1.id, "2026-11", "500000")
    planning.add_spend(db, o.head, {"date": "2026-11-01", "channel": "Сайт", "amount": "1000"})
    for login in ("rep1", "rep2", "rep3", "manager1", "manager2", "head"):
        ids[f"user_{login}"] = o.actor(login).id
    return ids


_TEMPLATE: dict[str, Any] = {}


@pytest.fixture
def world(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
          db_location: str) -> Iterator[World]:
    """A fresh populated office for every case (copied from a template on SQLite)."""
    if PG_URL:
        database = open_database(db_location, create=True)
        office = build_office(database)
        yield World(office, _populate(office))
        database.dispose()
        return
    if _TEMPLATE.get("base") != tmp_path_factory.getbasetemp():
        path = tmp_path_factory.mktemp("permission-template") / "template.db"
        _TEMPLATE["base"] = tmp_path_factory.getbasetemp()
        database = open_database(path, create=True)
        office = build_office(database)
        _TEMPLATE.update(path=path, ids=_populate(office), actors={
            n: office.actor(n) for n in ("head", "manager1", "manager2", "rep1", "rep2", "rep3")})
        database.dispose()
    target = tmp_path / "case.db"
    shutil.copy(_TEMPLATE["path"], target)
    database = open_database(target)
    office = Office(db=database, **_TEMPLATE["actors"])
    yield World(office, dict(_TEMPLATE["ids"]))
    database.dispose()


Action = Callable[[World, Actor], Any]

WRITES: list[tuple[str, Action, set[str]]] = [
    ("client.create", lambda w, a: clients.create_client(w.db, a, {"name": "Новый"}), ALL),
    ("client.edit", lambda w, a: clients.update_client(w.db, a, w.ids["client_rep1"],
                                                       {"city": "Тула"}), OWNER_TEAM),
    ("client.delete", lambda w, a: clients.delete_client(w.db, a, w.ids["client_rep1"]),
     OWNER_TEAM),
    ("client.reassign", lambda w, a: clients.reassign_client(w.db, a, w.ids["client_rep1"],
                                                             w.ids["user_rep2"]),
     {"manager1", "head"}),
    ("client.set_key", lambda w, a: clients.set_key_client(w.db, a, w.ids["client_rep1"], True),
     HEAD),
    ("contact.add", lambda w, a: contacts.add_contact(w.db, a, w.ids["client_rep1"],
                                                      {"name": "Иванов"}), OWNER_TEAM),
    ("contact.edit", lambda w, a: contacts.update_contact(w.db, a, w.ids["contact"],
                                                          {"position": "Директор"}), OWNER_TEAM),
    ("activity.log", lambda w, a: activities.log_activity(
        w.db, a, w.ids["client_rep1"], {"kind": "meeting", "date": "2026-11-03"}), OWNER_TEAM),
    ("activity.edit", lambda w, a: activities.update_activity(w.db, a, w.ids["activity"],
                                                              {"note": "перезвонить"}),
     OWNER_TEAM),
    ("appointment.plan", lambda w, a: appointments.plan_appointment(
        w.db, a, w.ids["client_rep1"], {"subject": "Встреча", "date": "2026-12-04",
                                        "start_minute": "15:30"}), OWNER_TEAM),
    ("appointment.plan_for_rep1", lambda w, a: appointments.plan_appointment(
        w.db, a, w.ids["client_rep1"], {"subject": "Звонок", "kind": "call",
                                        "date": "2026-12-04", "start_minute": "16:00"},
        user_id=w.ids["user_rep1"]), OWNER_TEAM),
    ("appointment.move", lambda w, a: appointments.reschedule(
        w.db, a, w.ids["appointment"], date(2026, 12, 7), 11 * 60), OWNER_TEAM),
    ("appointment.done", lambda w, a: appointments.complete_appointment(
        w.db, a, w.ids["appointment"], "договорились", TODAY), OWNER_TEAM),
    ("appointment.cancel", lambda w, a: appointments.cancel_appointment(
        w.db, a, w.ids["appointment"], "перенесли"), OWNER_TEAM),
    ("calendar.move_task", lambda w, a: calendar.move_event(
        w.db, a, "task", w.ids["task"], date(2026, 12, 9)), OWNER_TEAM),
    ("file.attach", lambda w, a: attachments.attach_file(
        w.db, a, "clients", w.ids["client_rep1"], "прайс.xlsx", b"PK price"), OWNER_TEAM),
    ("file.attach_to_deal", lambda w, a: attachments.attach_file(
        w.db, a, "deals", w.ids["deal"], "скан.png", b"\x89PNG scan"), OWNER_TEAM),
    ("file.remove", lambda w, a: attachments.remove_file(w.db, a, w.ids["file"]),
     OWNER_TEAM),
    ("deal.create", lambda w, a: deals.create_deal(w.db, a, w.ids["client_rep1"],
                                                   {"title": "Ещё", "amount": "5"}), OWNER_TEAM),
    ("deal.move", lambda w, a: deals.move_deal(w.db, a, w.ids["deal"], "won",
                                               closed_on=TODAY), OWNER_TEAM),
    ("deal.reassign", lambda w, a: deals.reassign_deal(w.db, a, w.ids["deal"],
                                                       w.ids["user_rep2"]),
     {"manager1", "head"}),
    ("task.done", lambda w, a: tasks.set_task_done(w.db, a, w.ids["task"], True), OWNER_TEAM),
    ("task.assign_to_rep1", lambda w, a: tasks.create_task(
        w.db, a, {"title": "x", "due_date": "2026-12-01"}, assignee_id=w.ids["user_rep1"]),
     OWNER_TEAM),
    ("delivery.create", lambda w, a: deliveries.create_delivery(
        w.db, a, {"description": "Столы", "due_date": "2026-12-02"},
        client_id=w.ids["client_rep1"]), OWNER_TEAM),
    ("delivery.delivered", lambda w, a: deliveries.mark_delivered(w.db, a, w.ids["delivery"],
                                                                  date(2026, 11, 27)),
     OWNER_TEAM),
    ("document.create", lambda w, a: documents.create_document(
        w.db, a, "proposal", w.ids["client_rep1"], lines=[{"description": "x", "price": "1"}]),
     OWNER_TEAM),
    ("document.edit_draft", lambda w, a: documents.update_draft(w.db, a, w.ids["draft"],
                                                                {"notes": "срочно"}),
     OWNER_TEAM),
    ("document.issue", lambda w, a: documents.issue_document(w.db, a, w.ids["draft"]),
     OWNER_TEAM),
    ("document.cancel", lambda w, a: documents.cancel_document(w.db, a, w.ids["invoice"],
                                                               "ошибка"),
     {"manager1", "head"}),
    ("payment.record", lambda w, a: documents.record_payment(w.db, a, w.ids["invoice"], "100",
                                                             "2026-11-27"),
     {"manager1", "head"}),
    ("product.create", lambda w, a: products.create_product(w.db, a, {"name": "Шкаф",
                                                                      "price": "10"}),
     MANAGERS_HEAD),
    ("product.edit", lambda w, a: products.update_product(w.db, a, w.ids["product"],
                                                          {"price": "120"}), MANAGERS_HEAD),
    ("market.competitor", lambda w, a: market.create_competitor(w.db, a, {"name": "Ещё"}),
     MANAGERS_HEAD),
    ("market.note", lambda w, a: market.add_note(w.db, a, {"title": "Цены выросли"}),
     MANAGERS_HEAD),
    ("target.set_rep1", lambda w, a: planning.set_target(w.db, a, w.ids["user_rep1"], "2026-12",
                                                         "100"), {"manager1", "head"}),
    ("target.set_manager1", lambda w, a: planning.set_target(w.db, a, w.ids["user_manager1"],
                                                             "2026-12", "100"), HEAD),
    ("strategy.edit", lambda w, a: planning.add_strategy_item(w.db, a, {"kind": "segment",
                                                                        "value": "HoReCa"}),
     HEAD),
    ("budget.set", lambda w, a: budget.set_budget(w.db, a, {"month": "2026-12",
                                                             "channel": "Выставка",
                                                             "amount": "5000"}), HEAD),
    ("training.template", lambda w, a: training.save_template(
        w.db, a, {"name": "Новичок"}, [{"title": "Каталог", "offset_days": 3}]),
     MANAGERS_HEAD),
    ("spend.edit", lambda w, a: planning.add_spend(w.db, a, {"date": "2026-11-05",
                                                             "channel": "Выставка",
                                                             "amount": "5"}), HEAD),
    ("training.assign_rep1", lambda w, a: training.assign_training(w.db, a, w.ids["user_rep1"],
                                                                   {"title": "CRM"}),
     {"manager1", "head"}),
    ("training.tick", lambda w, a: training.tick_training(w.db, a, w.ids["training"], True),
     {"rep1", "head"}),
    ("training.review", lambda w, a: training.review_training(w.db, a, w.ids["training"], "ок"),
     {"manager1", "head"}),
    ("users.add", lambda w, a: users.add_user(w.db, a, login="rep9", name="Новичок", role="rep",
                                              password="secret", manager_login="manager1"),
     HEAD),
    ("users.deactivate", lambda w, a: users.set_active(w.db, a, w.ids["user_rep2"], False),
     HEAD),
    ("company.edit", lambda w, a: company.update_company(w.db, a, {"phone": "+7 495 123-45-67"}),
     HEAD),
]

READ_ONLY_ROLE_ACTIONS: list[tuple[str, Action, set[str]]] = [
    ("spend.read", lambda w, a: planning.list_spend(w.db, a), MANAGERS_HEAD),
    ("budget.read", lambda w, a: budget.budget_vs_spend(w.db, a, TODAY, TODAY),
     MANAGERS_HEAD),
    ("audit.read", lambda w, a: auditlog.list_audit(w.db, a), HEAD),
    ("audit.read_in_words", lambda w, a: auditlog.audit_lines(w.db, a), HEAD),
    # A record's own history: whoever sees the client (its owner and their managers).
    ("client.history", lambda w, a: auditlog.client_history(w.db, a, w.ids["client_rep1"]),
     OWNER_TEAM),
    ("file.list", lambda w, a: attachments.list_files(w.db, a, "clients",
                                                      w.ids["client_rep1"]), OWNER_TEAM),
    ("backup", lambda w, a: maintenance.backup(w.db, a, Path(w.db.path or "x").with_name(
        "b.backup") if w.db.path else None), HEAD),
]


def _audit_count(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.mark.parametrize("login", sorted(ALL))
@pytest.mark.parametrize(("action", "call", "allowed"), WRITES + READ_ONLY_ROLE_ACTIONS,
                         ids=[c[0] for c in WRITES + READ_ONLY_ROLE_ACTIONS])
def test_permission_matrix(world: World, action: str, call: Action, allowed: set[str],
                           login: str) -> None:
    actor = world.office.actor(login)
    if action == "backup" and not world.db.is_sqlite:
        pytest.skip("backup of a server database goes to the data folder")
    before = _audit_count(world.db)
    if login in allowed:
        call(world, actor)
    else:
        with pytest.raises(PermissionDenied) as info:
            call(world, actor)
        assert info.value.action  # the error names the action
        assert info.value.action in str(info.value)
        assert _audit_count(world.db) == before, "a refused call changed something"


# --- reads: what each list returns --------------------------------------------------------

VISIBLE_CLIENTS = {
    "rep1": {"Альфа"}, "rep2": {"Бета"}, "rep3": {"Гамма"},
    "manager1": {"Альфа", "Бета"}, "manager2": {"Гамма"},
    "head": {"Альфа", "Бета", "Гамма"},
}


@pytest.mark.parametrize("login", sorted(ALL))
def test_lists_return_only_what_the_role_sees(world: World, login: str) -> None:
    db, actor = world.db, world.office.actor(login)
    names = {c.name for c in clients.list_clients(db, actor)}
    assert names == VISIBLE_CLIENTS[login]
    assert clients.count_clients(db, actor) == len(VISIBLE_CLIENTS[login])
    sees_rep1 = login in OWNER_TEAM
    assert bool(deals.list_deals(db, actor)) == sees_rep1
    assert bool(activities.list_activities(db, actor)) == sees_rep1
    assert bool(tasks.list_tasks(db, actor, mine_only=False)) == sees_rep1
    assert bool(deliveries.list_deliveries(db, actor)) == sees_rep1
    assert bool(training.list_training(db, actor)) == sees_rep1
    assert bool(planning.list_targets(db, actor, date(2026, 1, 1), date(2026, 12, 1))) == sees_rep1
    visible_users = {u.login for u in users.list_users(db, actor)}
    expected_users = {"rep1": {"rep1"}, "rep2": {"rep2"}, "rep3": {"rep3"},
                      "manager1": {"manager1", "rep1", "rep2"},
                      "manager2": {"manager2", "rep3"}, "head": ALL}[login]
    assert visible_users == expected_users
    # Reference data everybody reads.
    assert products.list_products(db, actor)
    assert market.list_competitors(db, actor)
    assert company.get_company(db, actor).name


@pytest.mark.parametrize("login", ["rep2", "rep3", "manager2"])
def test_reading_another_teams_record_is_not_possible(world: World, login: str) -> None:
    from salesdesk.errors import NotFoundError

    actor = world.office.actor(login)
    with pytest.raises(NotFoundError):
        clients.get_client(world.db, actor, world.ids["client_rep1"])
    with pytest.raises(NotFoundError):
        deals.get_deal(world.db, actor, world.ids["deal"])
    with pytest.raises(NotFoundError):
        contacts.list_contacts(world.db, actor, world.ids["client_rep1"])
    with pytest.raises(NotFoundError):
        documents.document_pdf(world.db, actor, world.ids["invoice"])
    assert documents.list_documents(world.db, actor) == []


def test_search_never_leaks_another_teams_clients(world: World) -> None:
    hits = clients.list_clients(world.db, world.office.rep3, clients.ClientQuery(text="альфа"))
    assert hits == []
    hits = clients.list_clients(world.db, world.office.manager1,
                                clients.ClientQuery(text="альфа"))
    assert [c.name for c in hits] == ["Альфа"]


def test_duplicate_warning_hides_other_teams_names(world: World) -> None:
    # The same INN is refused; to another team without the client's name or id.
    with pytest.raises(clients.DuplicateInn) as refused:
        clients.create_client(world.db, world.office.rep3, {"name": "Альфа-2",
                                                             "inn": "7707083893"})
    assert refused.value.existing_id is None and "Альфа" not in str(refused.value)
    assert "another team" in str(refused.value)
    with pytest.raises(clients.DuplicateInn) as refused:
        clients.create_client(world.db, world.office.manager1, {"name": "Альфа!",
                                                                 "inn": "7707083893"})
    assert refused.value.existing_id is not None and "Альфа" in str(refused.value)
    # A similar name is only warned about: another team's stays unnamed.
    saved = clients.create_client(world.db, world.office.rep3, {"name": "Альфа"})
    assert saved.duplicates and all(d.name is None for d in saved.duplicates)
    assert "another team" in saved.duplicates[0].describe()
    saved = clients.create_client(world.db, world.office.manager1, {"name": "Альфа!"})
    assert any(d.name == "Альфа" for d in saved.duplicates)


def test_deactivated_user_cannot_act_and_keeps_records(world: World) -> None:
    from salesdesk.auth import login
    from salesdesk.errors import AuthenticationError
    from tests.conftest import PASSWORD

    users.set_active(world.db, world.office.head, world.ids["user_rep1"], False)
    with pytest.raises(AuthenticationError):
        login(world.db, "rep1", PASSWORD)
    with pytest.raises(AuthenticationError):  # an open session stops working at once
        clients.list_clients(world.db, world.office.rep1)
    names = {c.name for c in clients.list_clients(world.db, world.office.manager1)}
    assert "Альфа" in names
    moved = users.reassign_records(world.db, world.office.manager1, "rep1", "rep2")
    assert moved == 1
    assert {c.name for c in clients.list_clients(world.db, world.office.rep2)} == {"Альфа",
                                                                                  "Бета"}


def test_role_change_applies_at_once(world: World) -> None:
    """Demoting a manager takes their team's records away immediately."""
    # manager2 still manages rep3, so the head must move rep3 first:
    from salesdesk.errors import ValidationError

    with pytest.raises(ValidationError, match="still manages"):
        users.change_role(world.db, world.office.head, world.ids["user_manager2"], "rep",
                          "manager1")
    users.change_role(world.db, world.office.head, world.ids["user_rep3"], "rep", "manager1")
    assert {c.name for c in clients.list_clients(world.db, world.office.manager1)} == {
        "Альфа", "Бета", "Гамма"}
    assert clients.list_clients(world.db, world.office.manager2) == []
