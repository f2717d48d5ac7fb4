"""Offline laptops, continued: the shared sync folder, the status, deciding conflicts,
and documents whose lines or payments both sides changed."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from salesdesk.db.engine import Database
from salesdesk.errors import NotFoundError, PermissionDenied, ValidationError
from salesdesk.services import clients, deals, documents
from salesdesk.services import sync as sync_service
from tests.conftest import PASSWORD, Office
from tests.integration.test_sync import as_user, exchange, full_sync, laptop, open_conflicts

LINE = {"description": "Кресло офисное", "quantity": "2", "unit": "шт", "price": "12900"}


def test_a_shared_folder_carries_everyones_work(office: Office, tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Омега»"}).client
    rep_db, boss_db = laptop(office, "rep1", tmp_path), laptop(office, "manager1", tmp_path)
    rep1, manager1 = as_user(rep_db, "rep1"), as_user(boss_db, "manager1")
    clients.update_client(rep_db, rep1, client.id, {"city": "Самара"})
    deal = deals.create_deal(boss_db, manager1, client.id, {"title": "Шкафы",
                                                            "amount": "50000"})
    # Laptops drop their work, the office picks it up and answers, laptops pick that up.
    for db, who in ((rep_db, rep1), (boss_db, manager1), (office.db, office.head),
                    (rep_db, rep1), (boss_db, manager1)):
        sync_service.sync_folder(db, who, folder)
    for db, who in ((office.db, office.head), (rep_db, rep1), (boss_db, manager1)):
        assert clients.get_client(db, who, client.id).city == "Самара"
        assert deals.get_deal(db, who, deal.id).amount == Decimal("50000.00")
    # Each side wrote only files named after itself, and no half-written file is left.
    names = sorted(p.name for p in folder.iterdir())
    assert names and all(n.endswith(".sdsync") for n in names)
    # Nothing new: another pass imports nothing, and old files are pruned to five a peer.
    for _round in range(7):
        again = sync_service.sync_folder(rep_db, rep1, folder)
        assert all(r.applied == 0 for r in again.imported)
    with rep_db.read() as s:
        from salesdesk.db.models import SyncSite
        me = s.query(SyncSite).filter(SyncSite.is_self.is_(True)).one()
    mine = [p for p in folder.iterdir() if p.name.startswith(me.id.hex)]
    assert len(mine) == 5


def test_a_sync_folder_that_is_not_a_folder_is_refused(office: Office, tmp_path: Path) -> None:
    rep_db = laptop(office, "rep1", tmp_path)
    with pytest.raises(ValidationError, match="is not a folder"):
        sync_service.sync_folder(rep_db, as_user(rep_db, "rep1"), tmp_path / "nope")


def test_status_tells_the_last_exchange_and_what_waits(office: Office, tmp_path: Path) -> None:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Сигма»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    clients.update_client(rep_db, rep1, client.id, {"city": "Уфа"})
    clients.update_client(rep_db, rep1, client.id, {"segment": "Опт"})
    status = sync_service.sync_status(rep_db, rep1)
    assert (status.kind, status.user_login, status.unsent) == ("replica", "rep1", 2)
    assert [p.kind for p in status.peers] == ["office"]
    assert status.peers[0].last_export_at is None
    exchange(rep_db, rep1, office.db, office.head, tmp_path)
    office_status = sync_service.sync_status(office.db, office.head)
    assert office_status.kind == "office"
    assert [(p.user_login, p.last_in_count) for p in office_status.peers] == [("rep1", 2)]
    heard = office_status.peers[0].last_import_at
    assert heard is not None
    exchange(office.db, office.head, rep_db, rep1, tmp_path, "rep1")
    status = sync_service.sync_status(rep_db, rep1)
    assert status.unsent == 0, "the office's bundle acknowledged the laptop's work"
    assert status.peers[0].last_export_at is not None
    # Nothing new next time: the office still notes when it last heard from the laptop.
    exchange(rep_db, rep1, office.db, office.head, tmp_path)
    again = sync_service.sync_status(office.db, office.head).peers[0]
    assert again.last_in_count == 0 and again.last_import_at >= heard


def _money_conflict(office: Office, tmp_path: Path) -> tuple[Database, object, object]:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Тау»"}).client
    deal = deals.create_deal(office.db, office.rep1, client.id, {"title": "Полки",
                                                                "amount": "100000"})
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    deals.update_deal(rep_db, rep1, deal.id, {"amount": "150000"})
    deals.update_deal(office.db, office.manager1, deal.id, {"amount": "90000"})
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    return rep_db, rep1, deal


def test_choosing_a_value_decides_it_everywhere(office: Office, tmp_path: Path) -> None:
    rep_db, rep1, deal = _money_conflict(office, tmp_path)
    listed = sync_service.list_conflicts(office.db, office.manager1)
    assert len(listed) == 1
    conflict = listed[0]
    assert (conflict.entity_label, conflict.field_label, conflict.choices) == (
        "Deal", "Amount", ("1", "2"))
    texts = {side.text for side in conflict.sides}
    assert texts == {"₽150,000.00", "₽90,000.00"}
    laptop_side = next(n for n, side in enumerate(conflict.sides, 1)
                       if side.value == "150000.00")
    assert conflict.sides[laptop_side - 1].user_name == "Пётр Кузнецов"
    sync_service.resolve_conflict(office.db, office.manager1, conflict.id, str(laptop_side))
    assert sync_service.list_conflicts(office.db, office.head) == []
    assert deals.get_deal(office.db, office.head, deal.id).amount == Decimal("150000.00")
    # The decision is an ordinary change: the laptop gets it with the next exchange.
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    assert deals.get_deal(rep_db, rep1, deal.id).amount == Decimal("150000.00")
    assert open_conflicts(office.db) == []


def test_deciding_conflicts_is_for_managers_and_the_head(office: Office,
                                                         tmp_path: Path) -> None:
    _rep_db, _rep1, _deal = _money_conflict(office, tmp_path)
    conflict = sync_service.list_conflicts(office.db, office.head)[0]
    matrix = {"head": True, "manager1": True, "manager2": False, "rep1": False}
    for login, allowed in matrix.items():
        who = getattr(office, login)
        if login.startswith("rep"):
            with pytest.raises(PermissionDenied):
                sync_service.list_conflicts(office.db, who)
            with pytest.raises(PermissionDenied):
                sync_service.resolve_conflict(office.db, who, conflict.id, "1")
            continue
        seen = [c.id for c in sync_service.list_conflicts(office.db, who)]
        assert (conflict.id in seen) == allowed, login
        if not allowed:  # another team's manager: not theirs to see, nor to decide
            with pytest.raises(NotFoundError):
                sync_service.resolve_conflict(office.db, who, conflict.id, "1")
    assert len(open_conflicts(office.db)) == 1


def test_a_wrong_choice_is_refused_and_changes_nothing(office: Office, tmp_path: Path) -> None:
    _money_conflict(office, tmp_path)
    conflict = sync_service.list_conflicts(office.db, office.head)[0]
    for choice in ("0", "3", "restore", ""):
        with pytest.raises(ValidationError, match="1 to 2"):
            sync_service.resolve_conflict(office.db, office.head, conflict.id, choice)
    with pytest.raises(NotFoundError):
        sync_service.resolve_conflict(office.db, office.head, "not-an-id", "1")
    assert len(open_conflicts(office.db)) == 1
    sync_service.resolve_conflict(office.db, office.head, conflict.id, "1")
    with pytest.raises(NotFoundError, match="not open"):
        sync_service.resolve_conflict(office.db, office.head, conflict.id, "2")


def test_an_edited_client_deleted_at_the_office_can_be_restored(office: Office,
                                                                 tmp_path: Path) -> None:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Фи»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    clients.update_client(rep_db, rep1, client.id, {"notes": "Договорились о встрече"})
    clients.delete_client(office.db, office.manager1, client.id)
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    conflict = next(c for c in sync_service.list_conflicts(office.db, office.head)
                    if c.record_id == client.id)
    assert conflict.choices == ("restore", "keep-deleted")
    with pytest.raises(ValidationError, match="'restore' or 'keep-deleted'"):
        sync_service.resolve_conflict(office.db, office.head, conflict.id, "merge")
    sync_service.resolve_conflict(office.db, office.head, conflict.id, "restore")
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    for db, who in ((office.db, office.head), (rep_db, rep1)):
        got = clients.get_client(db, who, client.id)
        assert got.notes == "Договорились о встрече"


def test_duplicate_clients_merge_into_one_with_all_their_work(office: Office,
                                                              tmp_path: Path) -> None:
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    offline = clients.create_client(rep_db, rep1, {"name": "ООО «Хи»",
                                                   "inn": "7707083893"}).client
    deal = deals.create_deal(rep_db, rep1, offline.id, {"title": "Столы", "amount": "7000"})
    at_office = clients.create_client(office.db, office.rep2, {"name": "Хи ООО",
                                                               "inn": "7707083893"}).client
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    conflict = next(c for c in sync_service.list_conflicts(office.db, office.head)
                    if c.kind == "duplicate")
    assert {s.text for s in conflict.sides} == {"ООО «Хи»", "Хи ООО"}
    sync_service.resolve_conflict(office.db, office.head, conflict.id, "merge")
    assert deals.get_deal(office.db, office.head, deal.id).client_id == at_office.id
    with pytest.raises(NotFoundError):
        clients.get_client(office.db, office.head, offline.id)


def test_a_draft_both_sides_changed_holds_both_sides_lines_and_their_total(
        office: Office, tmp_path: Path) -> None:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Пси»"}).client
    draft = documents.create_document(office.db, office.rep1, "proposal", client.id,
                                      lines=[LINE])
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    documents.update_draft(rep_db, rep1, draft.id, lines=[
        LINE, {**LINE, "description": "Стол", "price": "30000", "quantity": "1"}])
    documents.update_draft(office.db, office.manager1, draft.id, lines=[
        {**LINE, "quantity": "5"}])
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    here = documents.get_document(office.db, office.head, draft.id)
    there = documents.get_document(rep_db, rep1, draft.id)
    # Nobody's lines are lost; the total is the sum of the lines the draft holds.
    assert sorted((ln.description, ln.quantity) for ln in here.lines) == sorted(
        (ln.description, ln.quantity) for ln in there.lines) == [
        ("Кресло офисное", Decimal("2.000")), ("Кресло офисное", Decimal("5.000")),
        ("Стол", Decimal("1.000"))]
    assert here.total == there.total == Decimal(12900 * 7 + 30000)
    conflict = next(c for c in sync_service.list_conflicts(office.db, office.head)
                    if c.record_id == draft.id)
    assert (conflict.kind, conflict.choices) == ("derived", ("ok",))
    sync_service.resolve_conflict(office.db, office.head, conflict.id, "ok")
    assert not [c for c in open_conflicts(office.db) if c.record_id == draft.id]


def test_payments_recorded_on_both_sides_add_up(office: Office, tmp_path: Path) -> None:
    client = clients.create_client(office.db, office.rep1, {
        "name": "ООО «Альфа-Трейд»", "inn": "7736050003", "kpp": "773601001",
        "address": "г. Москва, ул. Ленина, д. 5"}).client
    invoice = documents.issue_document(office.db, office.rep1, documents.create_document(
        office.db, office.rep1, "invoice", client.id, lines=[LINE]).id)
    boss_db = laptop(office, "manager1", tmp_path)
    manager1 = as_user(boss_db, "manager1")
    documents.record_payment(boss_db, manager1, invoice.id, "10000", "2026-11-20")
    documents.record_payment(office.db, office.head, invoice.id, "15800", "2026-11-21")
    full_sync(office, [(boss_db, "manager1")], tmp_path)
    for db, who in ((office.db, office.head), (boss_db, manager1)):
        got = documents.get_document(db, who, invoice.id)
        assert (got.paid_total, got.status) == (Decimal("25800.00"), "paid")


def cli(db: Path, *args: str, user: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SALESDESK_PASSWORD": PASSWORD, "SALESDESK_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "salesdesk", "--db", str(db), "--user", user,
                           *args], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


@pytest.mark.usefixtures("_fast_passwords")
def test_the_command_line_lists_and_decides_conflicts(office: Office, tmp_path: Path) -> None:
    if office.db.path is None:
        pytest.skip("the command line test runs on a database file")
    _money_conflict(office, tmp_path)
    office.db.dispose()
    path = office.db.path
    listed = cli(path, "sync", "conflicts", user="manager1")
    assert listed.returncode == 0, listed.stderr
    assert "Deal «Полки»: Amount" in listed.stdout
    assert "₽150,000.00" in listed.stdout and "choose: 1 | 2" in listed.stdout
    conflict_id = listed.stdout.split()[0]
    refused = cli(path, "sync", "resolve", conflict_id, "9", user="manager1")
    assert refused.returncode == 1 and "1 to 2" in refused.stderr
    assert "Traceback" not in refused.stderr
    denied = cli(path, "sync", "conflicts", user="rep1")
    assert denied.returncode == 1 and "conflict.resolve" in denied.stderr
    done = cli(path, "sync", "resolve", conflict_id, "2", user="manager1")
    assert done.returncode == 0, done.stderr
    assert "No open conflicts." in cli(path, "sync", "conflicts", user="head").stdout
    status = cli(path, "sync", "status", user="head")
    assert status.returncode == 0 and "Open conflicts: 0" in status.stdout


def test_the_office_audit_log_names_who_changed_what_on_the_laptop(
        office: Office, tmp_path: Path) -> None:
    from salesdesk.audit import read_log

    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Ро»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    clients.update_client(rep_db, rep1, client.id, {"city": "Пермь"})
    deals.create_deal(rep_db, rep1, client.id, {"title": "Кресла", "amount": "5000"})
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    with office.db.read() as s:
        entries = read_log(s, "clients", client.id)
        deal_entries = [e for e in read_log(s, "deals") if e.action == "create"]
    edit = next(e for e in entries if e.action == "update")
    assert edit.user_login == "rep1"
    assert edit.changes["city"] == [None, "Пермь"]
    assert [e.user_login for e in deal_entries] == ["rep1"]


def test_a_client_given_to_the_laptops_user_reaches_the_laptop(office: Office,
                                                              tmp_path: Path) -> None:
    theirs = clients.create_client(office.db, office.rep2, {"name": "ООО «Сигма-2»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    with pytest.raises(NotFoundError):
        clients.get_client(rep_db, rep1, theirs.id)
    clients.reassign_client(office.db, office.manager1, theirs.id, office.rep1.id)
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    assert clients.get_client(rep_db, rep1, theirs.id).name == "ООО «Сигма-2»"
    # Taken away again: the laptop learns it, and stops showing it as rep1's.
    clients.reassign_client(office.db, office.manager1, theirs.id, office.rep2.id)
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    with pytest.raises(NotFoundError):
        clients.get_client(rep_db, rep1, theirs.id)
    assert theirs.id not in {c.id for c in clients.list_clients(rep_db, rep1)}
