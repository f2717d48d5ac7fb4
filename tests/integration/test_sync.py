"""Offline laptops: replicas, bundles, the merge rules and every way a bundle can fail."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from salesdesk import auth
from salesdesk.db.engine import Database
from salesdesk.db.migrate import open_database
from salesdesk.db.models import ChangeEntry, Client, Deal, SyncConflict
from salesdesk.errors import PermissionDenied, ValidationError
from salesdesk.services import clients, deals
from salesdesk.services import sync as sync_service
from tests.conftest import PASSWORD, Office


def laptop(office: Office, login: str, tmp_path: Path) -> Database:
    path = tmp_path / f"{login}-laptop.db"
    sync_service.create_replica(office.db, office.head, login, path)
    return open_database(path)


def exchange(src: Database, src_actor: Any, dst: Database, dst_actor: Any, tmp_path: Path,
             for_login: str | None = None) -> sync_service.ImportResult:
    path = tmp_path / f"b-{uuid.uuid4().hex[:8]}.sdsync"
    sync_service.export_bundle(src, src_actor, path, for_login)
    return sync_service.import_bundle(dst, dst_actor, path)


def as_user(db: Database, login: str) -> auth.Actor:
    return auth.login(db, login, PASSWORD)


def test_a_meeting_logged_offline_reaches_the_office(office: Office, tmp_path: Path) -> None:
    mine = clients.create_client(office.db, office.rep1, {"name": "ООО «Альфа»",
                                                          "inn": "7707083893"}).client
    other = clients.create_client(office.db, office.rep3, {"name": "ООО «Бета»"}).client
    db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(db, "rep1")
    with db.read() as s:
        names = set(s.scalars(select(Client.name)))
    assert names == {"ООО «Альфа»"}, "a replica holds only what its user may see"
    assert other.name not in names

    clients.update_client(db, rep1, mine.id, {"city": "Казань"})
    deal = deals.create_deal(db, rep1, mine.id, {"title": "Мебель", "amount": "120000"})
    result = exchange(db, rep1, office.db, office.head, tmp_path)
    with db.read() as s:
        made_here = s.scalar(select(func.count()).select_from(ChangeEntry))
    assert result.applied == made_here and result.conflicts == 0
    assert result.backup is not None and result.backup.exists()
    got = clients.get_client(office.db, office.head, mine.id)
    assert got.city == "Казань"
    assert deals.get_deal(office.db, office.head, deal.id).amount == Decimal("120000.00")

    # The same bundle again changes nothing.
    with office.db.read() as s:
        before = s.scalar(select(func.count()).select_from(ChangeEntry))
    path = tmp_path / "again.sdsync"
    sync_service.export_bundle(db, rep1, path)
    sync_service.import_bundle(office.db, office.head, path)
    again = sync_service.import_bundle(office.db, office.head, path)
    assert again.applied == 0
    with office.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ChangeEntry)) == before


def full_sync(office: Office, laptops: list[tuple[Database, str]], tmp_path: Path) -> None:
    """Every laptop to the office, then the office to every laptop, twice over."""
    for _round in range(2):
        for db, login in laptops:
            exchange(db, as_user(db, login), office.db, office.head, tmp_path)
        for db, login in laptops:
            exchange(office.db, office.head, db, as_user(db, login), tmp_path, login)


def open_conflicts(db: Database) -> list[SyncConflict]:
    with db.read() as s:
        return list(s.scalars(select(SyncConflict).where(SyncConflict.resolved_at.is_(None))))


def test_office_changes_and_other_laptops_work_come_back(office: Office, tmp_path: Path) -> None:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Гамма»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    boss_db = laptop(office, "manager1", tmp_path)  # rep1's manager sees rep1's clients
    rep1, manager1 = as_user(rep_db, "rep1"), as_user(boss_db, "manager1")
    clients.update_client(rep_db, rep1, client.id, {"phone": "+7 912 000-11-22"})
    clients.update_client(office.db, office.head, client.id, {"segment": "Розница"})
    full_sync(office, [(rep_db, "rep1"), (boss_db, "manager1")], tmp_path)
    for db, who in ((office.db, office.head), (rep_db, rep1), (boss_db, manager1)):
        got = clients.get_client(db, who, client.id)
        assert (got.phone, got.segment) == ("+7 912 000-11-22", "Розница")
    assert open_conflicts(office.db) == []


def test_both_sides_change_money_and_stage_go_to_the_conflicts_list(
        office: Office, tmp_path: Path) -> None:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Дельта»"}).client
    deal = deals.create_deal(office.db, office.rep1, client.id,
                             {"title": "Стеллажи", "amount": "100000"})
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    deals.update_deal(rep_db, rep1, deal.id, {"amount": "150000", "notes": "с ноутбука"})
    deals.update_deal(office.db, office.manager1, deal.id, {"amount": "90000",
                                                            "title": "Стеллажи и полки"})
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    office_deal = deals.get_deal(office.db, office.head, deal.id)
    laptop_deal = deals.get_deal(rep_db, rep1, deal.id)
    # Both converge (the later write stands), ordinary fields merge, and the money
    # conflict waits in the list with both values.
    assert office_deal.amount == laptop_deal.amount
    assert (office_deal.title, office_deal.notes) == ("Стеллажи и полки", "с ноутбука")
    assert (laptop_deal.title, laptop_deal.notes) == ("Стеллажи и полки", "с ноутбука")
    conflicts = [c for c in open_conflicts(office.db) if c.kind == "field"]
    assert [(c.entity, c.record_id, c.field) for c in conflicts] == [("deals", deal.id,
                                                                     "amount")]
    assert {v["value"] for v in conflicts[0].values} == {"150000.00", "90000.00"}


def test_edit_against_delete_is_a_conflict_not_a_resurrection(office: Office,
                                                               tmp_path: Path) -> None:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Эпсилон»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    clients.update_client(rep_db, rep1, client.id, {"notes": "Встреча прошла хорошо"})
    clients.delete_client(office.db, office.manager1, client.id)
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    for db in (office.db, rep_db):
        with db.read() as s:
            row = s.get(Client, client.id)
            assert row is not None and row.deleted_at is not None, "stays deleted"
            assert row.notes == "Встреча прошла хорошо", "the edit is kept"
    kinds = {c.kind for c in open_conflicts(office.db) if c.record_id == client.id}
    assert kinds & {"edit_deleted", "delete_edited"}


def test_two_clients_with_one_inn_created_apart_are_offered_for_merging(
        office: Office, tmp_path: Path) -> None:
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    offline = clients.create_client(rep_db, rep1, {"name": "ООО «Зета»",
                                                   "inn": "7707083893"}).client
    at_office = clients.create_client(office.db, office.rep2, {"name": "Зета ООО",
                                                               "inn": "7707083893"}).client
    exchange(rep_db, rep1, office.db, office.head, tmp_path)
    dup = [c for c in open_conflicts(office.db) if c.kind == "duplicate"]
    assert [(c.record_id, c.other_id) for c in dup] == [(offline.id, at_office.id)]


def test_an_invoice_issued_offline_keeps_its_number(office: Office, tmp_path: Path) -> None:
    from salesdesk.services import documents

    client = clients.create_client(office.db, office.rep1, {
        "name": "ООО «Альфа-Трейд»", "inn": "7736050003", "kpp": "773601001",
        "address": "г. Москва, ул. Ленина, д. 5"}).client
    other = clients.create_client(office.db, office.rep2, {
        "name": "ООО «Бета-Трейд»", "inn": "7707083893",
        "address": "г. Москва, ул. Тверская, д. 1"}).client
    line = [{"description": "Кресло офисное", "quantity": "2", "unit": "шт", "price": "12900"}]
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    offline = documents.issue_document(rep_db, rep1, documents.create_document(
        rep_db, rep1, "invoice", client.id, lines=line).id)
    at_office = documents.issue_document(office.db, office.rep2, documents.create_document(
        office.db, office.rep2, "invoice", other.id, lines=line).id)
    full_sync(office, [(rep_db, "rep1")], tmp_path)
    # Each user numbers in their own series, so the laptop's first invoice and the
    # office's can never take the same number.
    numbers = {d.number for d in documents.list_documents(office.db, office.head)}
    assert {offline.number, at_office.number} <= numbers
    assert offline.number != at_office.number
    got = documents.get_document(office.db, office.head, offline.id)
    assert (got.number, got.total, got.status) == (offline.number, offline.total, "issued")


# --- failures ---------------------------------------------------------------------------

def _fingerprint(db: Database) -> list[Any]:
    """The business rows and the change log (less logins: signing in may rehash a
    password, which is not the import's doing)."""
    with db.read() as s:
        out: list[Any] = []
        for model in (Client, Deal):
            out.append(sorted(str(r) for r in s.execute(select(model.__table__)).all()))
        out.append(sorted(str(r) for r in s.execute(select(ChangeEntry.__table__).where(
            ChangeEntry.entity != "users")).all()))
        return out


def _rewrite(path: Path, change: Any) -> None:
    """Rewrite a bundle's files through ``change(manifest, body) -> (manifest, body)``."""
    import json
    import zipfile

    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        body = archive.read("changes.jsonl")
    manifest, body = change(manifest, body)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("changes.jsonl", body)


@pytest.fixture
def offline_work(office: Office, tmp_path: Path) -> tuple[Database, auth.Actor, Path]:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Каппа»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    clients.update_client(rep_db, rep1, client.id, {"city": "Тверь"})
    path = tmp_path / "work.sdsync"
    sync_service.export_bundle(rep_db, rep1, path)
    return rep_db, rep1, path


def test_a_damaged_or_tampered_bundle_is_refused(office: Office, offline_work: Any) -> None:
    import hashlib

    _db, _rep1, path = offline_work
    before = _fingerprint(office.db)
    damaged = path.with_name("damaged.sdsync")
    damaged.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(ValidationError, match="damaged"):
        sync_service.import_bundle(office.db, office.head, damaged)
    # A changed value with its checksum recomputed: the signature still gives it away.
    forged = path.with_name("forged.sdsync")
    forged.write_bytes(path.read_bytes())

    def forge(manifest: dict, body: bytes) -> tuple[dict, bytes]:
        body = body.replace("Тверь".encode(), "Сочи".encode())
        return {**manifest, "sha256": hashlib.sha256(body).hexdigest()}, body

    _rewrite(forged, forge)
    with pytest.raises(ValidationError, match="signature"):
        sync_service.import_bundle(office.db, office.head, forged)
    assert _fingerprint(office.db) == before


def test_a_bundle_from_a_newer_salesdesk_is_refused(office: Office, offline_work: Any) -> None:
    from salesdesk.sync import bundle

    _db, _rep1, path = offline_work
    read, body = bundle.read(path)
    bundle.parse_lines(path, read, body)
    with office.db.read() as s:
        from salesdesk.db.models import SyncSite

        secret = s.get(SyncSite, uuid.UUID(read.manifest["from_site"])).secret
    newer = path.with_name("newer.sdsync")
    bundle.write(newer, {**read.manifest, "schema": "0099"}, read.lines, secret)
    before = _fingerprint(office.db)
    with pytest.raises(ValidationError, match="newer SalesDesk"):
        sync_service.import_bundle(office.db, office.head, newer)
    assert _fingerprint(office.db) == before


def test_a_change_its_author_may_not_make_refuses_the_bundle(office: Office,
                                                            tmp_path: Path) -> None:
    from salesdesk.db.models import Product
    from salesdesk.services import products

    chair = products.create_product(office.db, office.manager1, {
        "name": "Кресло", "price": "12900", "unit": "шт", "vat_rate": "22"})
    mine = clients.create_client(office.db, office.rep1, {"name": "ООО «Лямбда»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    clients.update_client(rep_db, rep1, mine.id, {"city": "Омск"})
    # Whoever has the laptop's file can write to it behind the program's back; the
    # office does not trust what arrives.
    with rep_db.unit_of_work(rep1.id) as uow:
        uow.session.get(Product, chair.id).price = Decimal("1.00")
        uow.commit()
    before = _fingerprint(office.db)
    path = tmp_path / "cheeky.sdsync"
    sync_service.export_bundle(rep_db, rep1, path)
    with pytest.raises(PermissionDenied, match="rep1"):
        sync_service.import_bundle(office.db, office.head, path)
    assert _fingerprint(office.db) == before
    assert products.get_product(office.db, office.head, chair.id).price == Decimal("12900.00")

    # Taking a client that is someone else's is refused the same way.
    rep_db2 = laptop(office, "rep2", tmp_path)
    rep2 = as_user(rep_db2, "rep2")
    theirs = clients.create_client(rep_db2, rep2, {"name": "ООО «Мю»"}).client
    with rep_db2.unit_of_work(rep2.id) as uow:
        uow.session.get(Client, theirs.id).owner_id = office.rep3.id
        uow.commit()
    path2 = tmp_path / "give-away.sdsync"
    sync_service.export_bundle(rep_db2, rep2, path2)
    with pytest.raises(PermissionDenied):
        sync_service.import_bundle(office.db, office.head, path2)


def test_bundles_out_of_order(office: Office, tmp_path: Path) -> None:
    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Ню»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    clients.update_client(rep_db, rep1, client.id, {"city": "Самара"})
    first = tmp_path / "1.sdsync"
    sync_service.export_bundle(rep_db, rep1, first)
    clients.update_client(rep_db, rep1, client.id, {"city": "Пенза"})
    second = tmp_path / "2.sdsync"
    sync_service.export_bundle(rep_db, rep1, second)
    # The later bundle carries everything not acknowledged, so it can come first; the
    # earlier one then brings nothing new and cannot roll the city back.
    assert sync_service.import_bundle(office.db, office.head, second).applied >= 2
    assert sync_service.import_bundle(office.db, office.head, first).applied == 0
    assert clients.get_client(office.db, office.head, client.id).city == "Пенза"


def test_a_bundle_that_skips_unseen_changes_is_refused(office: Office, tmp_path: Path) -> None:
    from salesdesk.db.models import SyncSite

    client = clients.create_client(office.db, office.rep1, {"name": "ООО «Кси»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    clients.update_client(office.db, office.head, client.id, {"city": "Уфа"})
    first = tmp_path / "office-1.sdsync"
    sync_service.export_bundle(office.db, office.head, first, "rep1")
    # The office believes (wrongly) that the laptop got the first bundle.
    with office.db.unit_of_work(office.head.id) as uow:
        me = uow.session.scalar(select(SyncSite).where(SyncSite.is_self.is_(True)))
        peer = uow.session.scalar(select(SyncSite).where(SyncSite.kind == "replica"))
        peer.acked = {**peer.acked, str(me.id): 10**6}
        uow.commit()
    clients.update_client(office.db, office.head, client.id, {"segment": "Опт"})
    second = tmp_path / "office-2.sdsync"
    sync_service.export_bundle(office.db, office.head, second, "rep1")
    with pytest.raises(ValidationError, match="earlier bundles first"):
        sync_service.import_bundle(rep_db, rep1, second)
    sync_service.import_bundle(rep_db, rep1, first)
    assert clients.get_client(rep_db, rep1, client.id).city == "Уфа"


KILLER = """
import sys, time
from salesdesk.sync import merge
original = merge.Merger.apply
count = 0
def slow(self, change):
    global count
    original(self, change)
    count += 1
    if count == 3:
        self.session.flush()
        print("halfway", flush=True)
        time.sleep(60)
merge.Merger.apply = slow
from salesdesk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_killed_during_import_the_database_is_as_before(office: Office, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    if office.db.path is None:
        pytest.skip("the crash test runs on a SQLite file")
    made = [clients.create_client(office.db, office.rep1, {"name": f"ООО «Омикрон-{i}»"}).client
            for i in range(6)]
    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(rep_db, "rep1")
    for i, client in enumerate(made):
        clients.update_client(rep_db, rep1, client.id, {"city": f"Город {i}"})
    path = tmp_path / "big.sdsync"
    sync_service.export_bundle(rep_db, rep1, path)
    before = _fingerprint(office.db)
    office.db.dispose()
    env = {**os.environ, "SALESDESK_PASSWORD": PASSWORD}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, "--db", str(office.db.path), "--user", "head",
         "sync", "import", str(path)], stdout=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "halfway"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _fingerprint(open_database(office.db.path)) == before
    # And the import, run again to its end, applies everything.
    assert sync_service.import_bundle(office.db, office.head, path).applied > 0
    assert {clients.get_client(office.db, office.head, c.id).city for c in made} == {
        f"Город {i}" for i in range(6)}
