"""Duplicates found and merged: likely pairs by INN, e-mail, phone and similar names;
a merge takes the chosen values, moves everything of the other client, and sends it to
the trash — for the head and managers, within what they see, never over a stale edit."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update

from salesdesk.db.models import Client
from salesdesk.errors import ConflictError, PermissionDenied, ValidationError
from salesdesk.services import (
    activities,
    auditlog,
    clients,
    contacts,
    deals,
    documents,
    merge,
    tasks,
    trash,
)
from tests.conftest import Office

pytestmark = pytest.mark.db


def _twins(office: Office) -> tuple[clients.ClientRecord, clients.ClientRecord]:
    db, rep1 = office.db, office.rep1
    first = clients.create_client(db, rep1, {"name": "ООО «Стройсервис»", "city": "Тула",
                                             "email": "info@stroy.ru"}).client
    second = clients.create_client(db, rep1, {"name": "АО «Стройсервис»",
                                              "phone": "+7 495 111-22-33",
                                              "city": "Москва"}).client
    return first, second


def test_likely_pairs_by_inn_email_phone_and_name(office: Office) -> None:
    db = office.db
    a = clients.create_client(db, office.rep1, {"name": "Альфа", "inn": "7707083893"}).client
    b = clients.create_client(db, office.rep1, {"name": "Совсем другое имя"}).client
    # Older data (before one client per INN) can hold two clients with one INN.
    with db.unit_of_work() as uow:
        uow.session.execute(update(Client).where(Client.id == b.id).values(inn="7707083893"))
        uow.commit()
    c = clients.create_client(db, office.rep1, {"name": "Бета", "email": "x@beta.ru"}).client
    d = clients.create_client(db, office.rep1, {"name": "Гамма", "email": "x@beta.ru"}).client
    e, f = _twins(office)
    pairs = {frozenset((p.first.id, p.second.id)): p
             for p in merge.find_duplicate_pairs(db, office.head)}
    assert pairs[frozenset((a.id, b.id))].reasons == ["inn"]
    assert pairs[frozenset((c.id, d.id))].reasons == ["email"]
    assert pairs[frozenset((e.id, f.id))].reasons == ["name"]
    assert pairs[frozenset((a.id, b.id))].describe() == "same INN"
    # Within the scope: manager2 sees none of rep1's clients.
    assert merge.find_duplicate_pairs(db, office.manager2) == []
    with pytest.raises(PermissionDenied):
        merge.find_duplicate_pairs(db, office.rep1)


def test_a_merge_takes_the_chosen_values_and_moves_everything(office: Office) -> None:
    db, rep1, head = office.db, office.rep1, office.head
    keep, drop = _twins(office)
    contact = contacts.add_contact(db, rep1, drop.id, {"name": "Орлов Иван"})
    deal = deals.create_deal(db, rep1, drop.id, {"title": "Поставка", "amount": "1000"})
    activity = activities.log_activity(db, rep1, drop.id, {"kind": "call",
                                                          "date": "2026-11-20"})
    task = tasks.create_task(db, rep1, {"title": "Перезвонить", "due_date": "2026-12-02"},
                             client_id=drop.id)
    line = [{"description": "Кресло", "quantity": "1", "unit": "шт", "price": "1000"}]
    invoice = documents.issue_document(db, rep1, documents.create_document(
        db, rep1, "invoice", drop.id, lines=line).id)
    kept = merge.merge_clients(db, office.manager1, keep.id, drop.id, {"city"},
                               keep.version, drop.version)
    assert kept.city == "Москва"  # chosen from the other
    assert kept.email == "info@stroy.ru" and kept.name == "ООО «Стройсервис»"  # kept
    assert kept.phone == "+7 495 111-22-33"  # empty here, so taken from the other
    assert contacts.list_contacts(db, head, keep.id)[0].id == contact.id
    assert deals.get_deal(db, head, deal.id).client_id == keep.id
    assert documents.get_document(db, head, invoice.id).client_id == keep.id
    assert [a.id for a in activities.list_activities(db, head, client_id=keep.id)] == [
        activity.id]
    assert [t.id for t in tasks.list_tasks(db, head, mine_only=False, client_id=keep.id)] == [
        task.id]
    # The other one is in the trash, and the history tells what moved.
    assert any(item.id == drop.id for item in trash.list_trash(db, head, "clients"))
    with pytest.raises(Exception):  # noqa: B017 - gone from the lists
        clients.get_client(db, head, drop.id)
    lines = auditlog.client_history(db, head, keep.id)
    assert any(line.what == "Deal «Поставка»" and "Client: АО «Стройсервис» → ООО «Стройсервис»"
               in line.summary() for line in lines)


def test_a_merge_is_refused_over_a_stale_edit_and_changes_nothing(office: Office) -> None:
    db, rep1 = office.db, office.rep1
    keep, drop = _twins(office)
    deal = deals.create_deal(db, rep1, drop.id, {"title": "Поставка", "amount": "1000"})
    clients.update_client(db, rep1, drop.id, {"city": "Казань"}, drop.version)
    with pytest.raises(ConflictError):
        merge.merge_clients(db, office.head, keep.id, drop.id, {"city"}, keep.version,
                            drop.version)
    assert deals.get_deal(db, rep1, deal.id).client_id == drop.id
    assert clients.get_client(db, rep1, drop.id).city == "Казань"


@pytest.mark.parametrize(("login", "allowed"), [
    ("head", True), ("manager1", True), ("manager2", False), ("rep1", False),
    ("rep2", False), ("rep3", False)])
def test_who_may_merge(office: Office, login: str, allowed: bool) -> None:
    keep, drop = _twins(office)
    actor = office.actor(login)
    if allowed:
        merge.merge_clients(office.db, actor, keep.id, drop.id)
        return
    with pytest.raises(PermissionDenied) as info:
        merge.merge_clients(office.db, actor, keep.id, drop.id)
    assert info.value.action == "client.merge"
    assert clients.get_client(office.db, office.rep1, drop.id).name == "АО «Стройсервис»"


def test_bad_merges_are_refused_with_a_reason(office: Office) -> None:
    keep, _drop = _twins(office)
    with pytest.raises(ValidationError, match="itself"):
        merge.merge_clients(office.db, office.head, keep.id, keep.id)
    with pytest.raises(ValidationError, match="unknown fields: colour"):
        merge.merge_clients(office.db, office.head, keep.id, _drop.id, {"colour"})
    with pytest.raises(Exception):  # noqa: B017 - no such client
        merge.merge_clients(office.db, office.head, keep.id, uuid.uuid4())
