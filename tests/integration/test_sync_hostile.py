"""A laptop's owner can rewrite the laptop's file and sign what they wrote: the office
trusts nothing a bundle says about who made a change, checks every value as the window
would, and keeps the exchange commands to those whose laptops they are."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from salesdesk import auth, clock
from salesdesk.db.engine import Database
from salesdesk.db.models import AuditEntry, ChangeEntry, Client, Document, SyncSite, User
from salesdesk.errors import PermissionDenied, SalesDeskError, ValidationError
from salesdesk.services import clients, deals, products
from salesdesk.services import documents as document_service
from salesdesk.services import sync as sync_service
from salesdesk.sync import clock as hlc
from salesdesk.sync import codec
from tests.conftest import PASSWORD, Office
from tests.integration.test_sync import laptop as _laptop


def laptop(office: Office, login: str, folder: Path) -> Database:
    """A new laptop database in a folder of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    return _laptop(office, login, folder)


def _fingerprint(db: Database) -> tuple[Any, ...]:
    with db.read() as s:
        counts = [s.scalar(select(func.count()).select_from(m))
                  for m in (ChangeEntry, Client, User, Document)]
        users = tuple(s.execute(select(User.login, User.role, User.password_hash)
                                .order_by(User.login)))
        return (*counts, users)


def forge(rep_db: Database, entity: str, record_id: uuid.UUID, op: str,
          changes: dict[str, list[Any]] | None = None, row: dict[str, Any] | None = None,
          user_id: uuid.UUID | None = None, hlc_ms: int | None = None) -> None:
    """Write a change into the laptop's log behind the program's back, as whoever holds
    the file can (the next export signs it with the laptop's key)."""
    with rep_db.unit_of_work() as uow:
        conn = uow.session.connection()
        site = uow.session.scalar(select(SyncSite).where(SyncSite.is_self.is_(True)))
        seq = int(conn.execute(select(func.max(ChangeEntry.origin_seq)).where(
            ChangeEntry.origin == site.id)).scalar() or 0) + 1
        ms = hlc_ms if hlc_ms is not None else clock.now_ms() + 1000
        conn.execute(insert(ChangeEntry.__table__), [{
            "origin": site.id, "origin_seq": seq, "hlc": hlc.reading(ms, 0, site.id),
            "user_id": user_id, "entity": entity, "record_id": record_id, "op": op,
            "changes": changes or {}, "seen": {}, "row": row or {}, "at": clock.utcnow()}])
        uow.commit()


def send(rep_db: Database, office: Office, tmp_path: Path) -> sync_service.ImportResult:
    path = tmp_path / f"{uuid.uuid4().hex[:8]}.sdsync"
    sync_service.export_bundle(rep_db, auth.login(rep_db, "rep1", PASSWORD), path)
    return sync_service.import_bundle(office.db, office.head, path)


@pytest.fixture
def setting(office: Office, tmp_path: Path) -> dict[str, Any]:
    chair = products.create_product(office.db, office.manager1, {
        "name": "Кресло", "price": "389", "unit": "шт", "vat_rate": "22"})
    mine = clients.create_client(office.db, office.rep1, {"name": "ООО «Альфа»",
                                                          "inn": "7707083893"}).client
    theirs = clients.create_client(office.db, office.rep3, {"name": "ООО «Омега»"}).client
    rep_db = laptop(office, "rep1", tmp_path)
    return {"chair": chair, "mine": mine, "theirs": theirs, "rep_db": rep_db}


def test_lines_naming_the_head_are_the_laptop_users_and_refused(
        office: Office, setting: dict[str, Any], tmp_path: Path) -> None:
    rep_db, head = setting["rep_db"], office.head.id
    attempts = [
        ("products", setting["chair"].id, {"price": ["389.00", "1.00"]}),
        ("clients", setting["theirs"].id, {"owner_id": [str(office.rep3.id),
                                                        str(office.rep1.id)]}),
        ("users", office.rep1.id, {"role": ["rep", "head"]}),
        ("users", head, {"password_hash": ["x", auth.hasher().hash("attacker")]}),
    ]
    for entity, record, changes in attempts:
        before = _fingerprint(office.db)
        forge(rep_db, entity, record, "update", changes, user_id=head)
        with pytest.raises(PermissionDenied, match="rep1"):
            send(rep_db, office, tmp_path)
        assert _fingerprint(office.db) == before, entity
        # The forged change stays in the laptop's log; a new laptop is the way back.
        rep_db = laptop(office, "rep1", tmp_path / uuid.uuid4().hex[:6])
    assert products.get_product(office.db, office.head, setting["chair"].id).price == 389
    assert auth.login(office.db, "head", PASSWORD).role == "head"
    with pytest.raises(SalesDeskError):
        auth.login(office.db, "head", "attacker")


def test_what_a_laptop_may_do_is_recorded_as_its_user_whatever_the_line_says(
        office: Office, setting: dict[str, Any], tmp_path: Path) -> None:
    rep_db = setting["rep_db"]
    mine = setting["mine"]
    forge(rep_db, "clients", mine.id, "update", {"city": [None, "Тверь"]},
          user_id=office.head.id)
    send(rep_db, office, tmp_path)
    assert clients.get_client(office.db, office.head, mine.id).city == "Тверь"
    with office.db.read() as s:
        authors = set(s.scalars(select(AuditEntry.user_id).where(
            AuditEntry.record_id == mine.id, AuditEntry.action == "update")))
    assert authors == {office.rep1.id}


def test_a_create_of_an_existing_record_is_refused(office: Office, setting: dict[str, Any],
                                                   tmp_path: Path) -> None:
    rep_db, mine = setting["rep_db"], setting["mine"]
    with office.db.read() as s:
        row = codec.snapshot(s.get(Client, mine.id))
    before = _fingerprint(office.db)
    forge(rep_db, "clients", mine.id, "create", row={**row, "priority": True})
    with pytest.raises((PermissionDenied, ValidationError)):
        send(rep_db, office, tmp_path)
    assert _fingerprint(office.db) == before
    rep_db = laptop(office, "rep1", tmp_path / "again")
    forge(rep_db, "clients", mine.id, "create", row={**row, "name": "ООО «Захват»"})
    with pytest.raises(ValidationError, match="holds already"):
        send(rep_db, office, tmp_path)


def test_a_new_deal_given_to_someone_else_is_refused(office: Office, setting: dict[str, Any],
                                                     tmp_path: Path) -> None:
    rep_db = setting["rep_db"]
    rep1 = auth.login(rep_db, "rep1", PASSWORD)
    deal = deals.create_deal(rep_db, rep1, setting["mine"].id, {"title": "Столы",
                                                                 "amount": "1000"})
    from salesdesk.db.models import Deal

    with rep_db.unit_of_work() as uow:
        row = codec.snapshot(uow.session.get(Deal, deal.id))
        uow.session.execute(ChangeEntry.__table__.update().where(
            ChangeEntry.record_id == deal.id).values(row={**row,
                                                          "owner_id": str(office.rep2.id)}))
        uow.commit()
    with pytest.raises(PermissionDenied):
        send(rep_db, office, tmp_path)


@pytest.mark.parametrize(("entity", "field", "value", "message"), [
    ("clients", "name", "Я" * 100_000, "longer than"),
    ("clients", "name", "ООО\x00«Ноль»", "control characters"),
    ("clients", "notes", "строка\x07звонок", "control characters"),
    ("clients", "email", "not-an-email", "E-mail"),
    ("clients", "inn", "1234567890", "INN"),
    ("clients", "status", "hacked", "not one of"),
    ("clients", "priority", "yes", "set_key|yes or no"),
    ("clients", "created_at", "9999-12-31T00:00:00", "out of range"),
])
def test_values_are_checked_as_the_window_checks_them(
        office: Office, setting: dict[str, Any], tmp_path: Path, entity: str, field: str,
        value: Any, message: str) -> None:
    rep_db, mine = setting["rep_db"], setting["mine"]
    before = _fingerprint(office.db)
    forge(rep_db, entity, mine.id, "update", {field: [None, value]})
    with pytest.raises(SalesDeskError, match=message):
        send(rep_db, office, tmp_path)
    assert _fingerprint(office.db) == before


@pytest.mark.parametrize(("changes", "message"), [
    ({"stage": ["new", "bogus"]}, "not one of"),
    ({"amount": ["1000.00", "-5000000.00"], "stage": ["new", "won"]}, "negative"),
    ({"amount": ["1000.00", "1e400"]}, "number|range"),
    ({"amount": ["1000.00", 0.1]}, "number"),
    ({"title": ["Столы", None]}, "required"),
])
def test_deal_values_are_checked(office: Office, setting: dict[str, Any], tmp_path: Path,
                                 changes: dict[str, Any], message: str) -> None:
    deal = deals.create_deal(office.db, office.rep1, setting["mine"].id,
                             {"title": "Столы", "amount": "1000"})
    rep_db = laptop(office, "rep1", tmp_path / "fresh")
    forge(rep_db, "deals", deal.id, "update", changes)
    with pytest.raises(SalesDeskError, match=message):
        send(rep_db, office, tmp_path)
    assert deals.get_deal(office.db, office.head, deal.id).amount == Decimal("1000.00")


def test_an_issued_invoice_is_never_edited_in_place(office: Office, setting: dict[str, Any],
                                                    tmp_path: Path) -> None:
    document = document_service.issue_document(office.db, office.rep1,
                                               document_service.create_document(
        office.db, office.rep1, "invoice", setting["mine"].id,
        lines=[{"description": "Монтаж", "quantity": "1", "price": "266920"}]).id)
    rep_db = laptop(office, "rep1", tmp_path / "fresh")
    for changes in ({"total": ["266920.00", "1.00"]}, {"title": [None, "Другое"]},
                    {"status": ["issued", "paid"]}):
        forge(rep_db, "documents", document.id, "update", changes)
        with pytest.raises(SalesDeskError):
            send(rep_db, office, tmp_path)
        rep_db = laptop(office, "rep1", tmp_path / uuid.uuid4().hex[:6])
    from salesdesk.db.models import DocumentLine

    with office.db.read() as s:
        line_id = s.scalar(select(DocumentLine.id).where(
            DocumentLine.document_id == document.id))
    forge(rep_db, "document_lines", line_id, "update", {"price": ["266920.00", "1.00"]})
    with pytest.raises(ValidationError, match="issued document"):
        send(rep_db, office, tmp_path)
    again = document_service.get_document(office.db, office.head, document.id)
    assert (again.total, again.status) == (Decimal("266920.00"), "issued")


def test_a_clock_far_ahead_is_refused(office: Office, setting: dict[str, Any],
                                      tmp_path: Path) -> None:
    rep_db, mine = setting["rep_db"], setting["mine"]
    year_9999 = 253_370_000_000_000
    forge(rep_db, "clients", mine.id, "update", {"city": [None, "Будущее"]}, hlc_ms=year_9999)
    before = _fingerprint(office.db)
    with pytest.raises(ValidationError, match="ahead"):
        send(rep_db, office, tmp_path)
    assert _fingerprint(office.db) == before
    with office.db.read() as s:
        site = s.scalar(select(SyncSite).where(SyncSite.is_self.is_(True)))
        assert site.hlc_ms < year_9999


def test_the_exchange_commands_are_for_those_whose_laptops_they_are(
        office: Office, setting: dict[str, Any], tmp_path: Path) -> None:
    laptop(office, "rep3", tmp_path / "rep3")
    out = tmp_path / "out.sdsync"
    with pytest.raises(PermissionDenied, match="sync"):
        sync_service.export_bundle(office.db, office.rep1, out, "rep3")
    with pytest.raises(PermissionDenied, match="sync"):
        sync_service.export_bundle(office.db, office.manager1, out, "rep3")  # not their team
    sync_service.export_bundle(office.db, office.manager2, out, "rep3")
    share = tmp_path / "share"
    share.mkdir()
    with pytest.raises(PermissionDenied):
        sync_service.sync_folder(office.db, office.rep1, share)
    with pytest.raises(PermissionDenied):
        sync_service.sync_status(office.db, office.rep2)
    written = sync_service.sync_folder(office.db, office.manager1, share)
    assert {e.peer_name for e in written.exported} == {
        sync_service.sync_status(office.db, office.manager1).peers[0].name}
    rep_db = setting["rep_db"]
    path = tmp_path / "up.sdsync"
    sync_service.export_bundle(rep_db, auth.login(rep_db, "rep1", PASSWORD), path)
    with pytest.raises(PermissionDenied):
        sync_service.import_bundle(office.db, office.rep1, path)
    with pytest.raises(PermissionDenied):
        sync_service.import_bundle(office.db, office.manager2, path)
    assert sync_service.import_bundle(office.db, office.manager1, path).peer_name


def test_document_numbers_cannot_be_probed(office: Office, setting: dict[str, Any]) -> None:
    from salesdesk.errors import NotFoundError

    theirs = document_service.issue_document(office.db, office.rep3,
                                             document_service.create_document(
        office.db, office.rep3, "invoice", setting["theirs"].id,
        lines=[{"description": "Монтаж", "quantity": "1", "price": "100"}]).id)
    answers = []
    for number in (theirs.number, "ZZ-9999"):
        with pytest.raises(NotFoundError) as info:
            document_service.find_by_number(office.db, office.rep1, number)
        answers.append(str(info.value).replace(number, "N"))
    assert answers[0] == answers[1]


def test_an_older_bundle_after_a_newer_changes_nothing(
        office: Office, setting: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rep_db, mine = setting["rep_db"], setting["mine"]
    rep1 = auth.login(rep_db, "rep1", PASSWORD)
    backups = tmp_path / "office-backups"
    monkeypatch.setenv("SALESDESK_BACKUP_DIR", str(backups))
    clients.update_client(rep_db, rep1, mine.id, {"city": "Тверь"})
    older = tmp_path / "older.sdsync"
    sync_service.export_bundle(rep_db, rep1, older)
    clients.update_client(rep_db, rep1, mine.id, {"city": "Псков"})
    newer = tmp_path / "newer.sdsync"
    sync_service.export_bundle(rep_db, rep1, newer)
    result = sync_service.import_bundle(office.db, office.head, newer)
    # A server database's backup goes to the folder named for it (a file's, beside it).
    assert result.backup is not None
    assert result.backup.parent == (backups if office.db.path is None else office.db.path.parent)

    def bookkeeping() -> dict[str, int]:
        with office.db.read() as s:
            peer = s.scalar(select(SyncSite).where(SyncSite.is_self.is_(False)))
            return dict(peer.acked)

    before = bookkeeping()
    again = sync_service.import_bundle(office.db, office.head, older)
    assert again.applied == 0 and bookkeeping() == before
    assert clients.get_client(office.db, office.head, mine.id).city == "Псков"


def test_the_laptop_file_alone_holds_no_key_to_sign_with(
        office: Office, setting: dict[str, Any], tmp_path: Path) -> None:
    """Wrapped with its user's password at the first login on the laptop: copying the
    file gives nothing to sign with, the password does (and follows a new password)."""
    from salesdesk.db.migrate import open_database
    from salesdesk.errors import AuthenticationError
    from salesdesk.services import users
    from salesdesk.sync import keys

    rep_db = setting["rep_db"]
    with office.db.read() as s:
        laptop_site = s.scalar(select(SyncSite).where(SyncSite.user_id == office.rep1.id))
        clear = laptop_site.secret
    auth.login(rep_db, "rep1", PASSWORD)
    rep_db.dispose()
    files = [p for p in rep_db.path.parent.iterdir() if p.name.startswith(rep_db.path.name)]
    assert all(clear.encode() not in p.read_bytes() for p in files)
    with rep_db.read() as s:
        stored = s.scalar(select(SyncSite.secret).where(SyncSite.is_self.is_(False)))
    assert keys.is_wrapped(stored) and keys.unwrap(stored, "wrong", laptop_site.id) is None
    # A copy opened without logging in cannot sign.
    copy = open_database(rep_db.path)
    keys.forget(copy)
    with pytest.raises(AuthenticationError, match="locked"):
        sync_service.export_bundle(copy, office.rep1, tmp_path / "x.sdsync")
    # The user's new password opens it from now on; the bundle still reaches the office.
    rep1 = auth.login(copy, "rep1", PASSWORD)
    users.change_own_password(copy, rep1, PASSWORD, "new-secret-1")
    keys.forget(copy)
    rep1 = auth.login(copy, "rep1", "new-secret-1")
    clients.update_client(copy, rep1, setting["mine"].id, {"city": "Тверь"})
    path = tmp_path / "up.sdsync"
    sync_service.export_bundle(copy, rep1, path)
    assert sync_service.import_bundle(office.db, office.head, path).applied
