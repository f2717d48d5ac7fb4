"""Files on records: attached to clients, deals and documents, stored once by content,
refused above the company's limit before they are read, removed by whom it may be, and
carried by the sync to a laptop and back (within the laptop's share, saying what stayed
behind), a bundle's files checked like the rest of it."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from salesdesk.db.engine import Database
from salesdesk.db.models import Attachment, FileBlob
from salesdesk.errors import NotFoundError, PermissionDenied, ValidationError
from salesdesk.services import attachments, clients, company, deals, documents, merge, trash
from salesdesk.services import sync as sync_service
from salesdesk.sync import bundle
from tests.conftest import Office
from tests.integration.test_sync import as_user, exchange, laptop

SCAN = b"%PDF-1.4\n" + bytes(range(256)) * 40  # a "scan" of 10 KB


def _client(office: Office, who: str = "rep1", name: str = "Альфа") -> object:
    return clients.create_client(office.db, office.actor(who), {"name": name}).client


def _blobs(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(FileBlob)) or 0)


def test_files_attach_to_clients_deals_and_documents_stored_once(office: Office,
                                                                 tmp_path: Path) -> None:
    client = _client(office)
    deal = deals.create_deal(office.db, office.rep1, client.id, {"title": "Поставка",  # type: ignore[attr-defined]
                                                                 "amount": "1000"})
    doc = documents.create_document(office.db, office.rep1, "invoice", client.id,  # type: ignore[attr-defined]
                                    lines=[{"description": "x", "price": "1"}])
    a = attachments.attach_file(office.db, office.rep1, "clients", client.id,  # type: ignore[attr-defined]
                                "Договор №5.pdf", SCAN)
    b = attachments.attach_file(office.db, office.rep1, "deals", deal.id, "договор.pdf", SCAN)
    source = tmp_path / "прайс.xlsx"
    source.write_bytes(b"PK\x03\x04 price list")
    c = attachments.attach_path(office.db, office.rep1, "documents", doc.id, source)
    assert (a.size, a.sha256, a.content_type) == (len(SCAN), hashlib.sha256(SCAN).hexdigest(),
                                                  "application/pdf")
    assert a.sha256 == b.sha256 and _blobs(office.db) == 2  # the scan is kept once
    assert c.name == "прайс.xlsx" and c.added_by_name == "Пётр Кузнецов"
    listed = attachments.list_files(office.db, office.manager1, "clients", client.id)  # type: ignore[attr-defined]
    assert [f.name for f in listed] == ["Договор №5.pdf"] and listed[0].available
    record, data = attachments.file_content(office.db, office.head, b.id)
    assert data == SCAN and record.name == "договор.pdf"
    # A name is only a name, never a path from another system.
    odd = attachments.attach_file(office.db, office.rep1, "clients", client.id,  # type: ignore[attr-defined]
                                  "..\\..\\windows\\скан.png", b"\x89PNG")
    assert odd.name == "скан.png"
    # Another team neither sees nor adds.
    with pytest.raises(PermissionDenied):
        attachments.list_files(office.db, office.rep3, "clients", client.id)  # type: ignore[attr-defined]
    with pytest.raises(NotFoundError):
        attachments.file_content(office.db, office.rep3, a.id)


def test_a_file_over_the_limit_is_refused_before_it_is_read(office: Office,
                                                            tmp_path: Path) -> None:
    client = _client(office)
    company.update_company(office.db, office.head, {"file_limit_mb": "1"})
    big = tmp_path / "scan.tiff"
    with big.open("wb") as fh:
        fh.truncate(1024 * 1024 + 1)
    before = _blobs(office.db)
    with pytest.raises(ValidationError) as info:
        attachments.attach_path(office.db, office.rep1, "clients", client.id, big)  # type: ignore[attr-defined]
    message = str(info.value)
    assert "scan.tiff" in message and "1 MB" in message and "Settings" in message
    with pytest.raises(ValidationError, match="empty"):
        attachments.attach_file(office.db, office.rep1, "clients", client.id, "a.txt", b"")  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="Attached to"):
        attachments.attach_file(office.db, office.rep1, "users", office.rep1.id, "a.txt", b"x")
    with pytest.raises(ValidationError, match="File name"):
        attachments.attach_file(office.db, office.rep1, "clients", client.id, "  ", b"x")  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="from 1 to 100"):
        company.update_company(office.db, office.head, {"file_limit_mb": "500"})
    assert _blobs(office.db) == before
    assert attachments.list_files(office.db, office.rep1, "clients", client.id) == []  # type: ignore[attr-defined]


def test_removing_a_file_and_bringing_it_back(office: Office) -> None:
    client = _client(office)
    mine = attachments.attach_file(office.db, office.rep1, "clients", client.id, "a.pdf", SCAN)  # type: ignore[attr-defined]
    theirs = attachments.attach_file(office.db, office.manager1, "clients", client.id,  # type: ignore[attr-defined]
                                     "b.pdf", b"other")
    with pytest.raises(PermissionDenied, match=r"file\.delete"):
        attachments.remove_file(office.db, office.rep1, theirs.id)  # the manager's file
    attachments.remove_file(office.db, office.manager1, mine.id)  # their rep's file
    assert [f.name for f in attachments.list_files(office.db, office.rep1, "clients",
                                                   client.id)] == ["b.pdf"]  # type: ignore[attr-defined]
    assert [i.title for i in trash.list_trash(office.db, office.rep1, "attachments")] == \
        ["a.pdf"]
    trash.restore(office.db, office.rep1, "attachments", mine.id)
    assert len(attachments.list_files(office.db, office.rep1, "clients", client.id)) == 2  # type: ignore[attr-defined]


def test_merging_clients_keeps_the_files(office: Office) -> None:
    keep = _client(office, name="Альфа")
    drop = _client(office, name="Альфа-2")
    attachments.attach_file(office.db, office.rep1, "clients", drop.id, "устав.pdf", SCAN)  # type: ignore[attr-defined]
    merge.merge_clients(office.db, office.manager1, keep.id, drop.id)  # type: ignore[attr-defined]
    files = attachments.list_files(office.db, office.rep1, "clients", keep.id)  # type: ignore[attr-defined]
    assert [f.name for f in files] == ["устав.pdf"] and _blobs(office.db) == 1


# --- the sync -------------------------------------------------------------------------------

def test_a_file_goes_to_the_laptop_and_a_new_one_comes_back(office: Office,
                                                            tmp_path: Path) -> None:
    client = _client(office)
    at_office = attachments.attach_file(office.db, office.head, "clients", client.id,  # type: ignore[attr-defined]
                                        "договор.pdf", SCAN)
    db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(db, "rep1")
    _record, data = attachments.file_content(db, rep1, at_office.id)
    assert data == SCAN  # carried by the replica
    photo = b"\xff\xd8\xff\xe0 a photo of the signed act" * 100
    made = attachments.attach_file(db, rep1, "clients", client.id, "акт.jpg", photo)  # type: ignore[attr-defined]
    result = exchange(db, rep1, office.db, office.head, tmp_path)
    assert result.applied >= 1
    record, data = attachments.file_content(office.db, office.manager1, made.id)
    assert data == photo and record.name == "акт.jpg" and record.added_by_id == office.rep1.id
    # And a file added at the office later reaches the laptop by the next bundle.
    later = attachments.attach_file(office.db, office.manager1, "clients", client.id,  # type: ignore[attr-defined]
                                    "счёт-фактура.pdf", b"%PDF later")
    exchange(office.db, office.head, db, rep1, tmp_path, "rep1")
    assert attachments.file_content(db, rep1, later.id)[1] == b"%PDF later"
    # Removing it on the laptop removes it at the office.
    attachments.remove_file(db, rep1, made.id)
    exchange(db, rep1, office.db, office.head, tmp_path)
    names = [f.name for f in attachments.list_files(office.db, office.head, "clients",
                                                    client.id)]  # type: ignore[attr-defined]
    assert "акт.jpg" not in names and "договор.pdf" in names


def test_the_laptops_share_of_files_says_what_stayed_behind(office: Office,
                                                            tmp_path: Path) -> None:
    client = _client(office)
    company.update_company(office.db, office.head, {"replica_files_mb": "0"})
    kept = attachments.attach_file(office.db, office.rep1, "clients", client.id,  # type: ignore[attr-defined]
                                   "большой скан.pdf", SCAN)
    path = tmp_path / "rep1.db"
    made = sync_service.create_replica(office.db, office.head, "rep1", path)
    assert made.files == 0 and made.left_behind == [("большой скан.pdf", len(SCAN))]
    assert "stayed at the office" in made.summary() and "большой скан.pdf" in made.summary()
    from salesdesk.db.migrate import open_database

    db = open_database(path)
    rep1 = as_user(db, "rep1")
    [listed] = attachments.list_files(db, rep1, "clients", client.id)  # type: ignore[attr-defined]
    assert listed.name == "большой скан.pdf" and not listed.available
    with pytest.raises(NotFoundError, match="stayed at the office"):
        attachments.file_content(db, rep1, kept.id)
    # A bundle for the laptop is held to the same share, and says so.
    attachments.attach_file(office.db, office.head, "clients", client.id, "ещё.pdf", b"%PDF")  # type: ignore[attr-defined]
    out = sync_service.export_bundle(office.db, office.head, tmp_path / "down.sdsync", "rep1")
    assert out.files == 0 and [n for n, _s in out.left_behind] == ["ещё.pdf"]
    assert "stayed at the office" in out.summary()
    sync_service.import_bundle(db, rep1, tmp_path / "down.sdsync")
    assert {f.name for f in attachments.list_files(db, rep1, "clients", client.id)} == {  # type: ignore[attr-defined]
        "большой скан.pdf", "ещё.pdf"}


def _rewrite(path: Path, change: object) -> None:
    """Rewrite a bundle's members as a laptop's owner could (keeping its signature)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)  # type: ignore[operator]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)


def _laptop_with_a_file(office: Office, tmp_path: Path) -> tuple[Database, Path, str]:
    client = _client(office)
    db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(db, "rep1")
    made = attachments.attach_file(db, rep1, "clients", client.id, "акт.pdf", SCAN)  # type: ignore[attr-defined]
    path = tmp_path / "up.sdsync"
    sync_service.export_bundle(db, rep1, path)
    return db, path, made.sha256


@pytest.mark.parametrize("how", ["swapped", "dropped", "unlisted", "compressed"])
def test_a_bundles_files_are_checked(office: Office, tmp_path: Path, how: str) -> None:
    _db, path, digest = _laptop_with_a_file(office, tmp_path)
    name = f"files/{digest}"

    def change(members: dict[str, bytes]) -> None:
        if how == "swapped":
            members[name] = b"%PDF a forged contract".ljust(len(SCAN), b" ")
        elif how == "dropped":
            del members[name]
        elif how == "unlisted":
            other = b"a file nobody attached"
            members[f"files/{hashlib.sha256(other).hexdigest()}"] = other

    if how == "compressed":
        with zipfile.ZipFile(path) as archive:
            members = {n: archive.read(n) for n in archive.namelist()}
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)
    else:
        _rewrite(path, change)
    before = _blobs(office.db)
    with pytest.raises(ValidationError):
        sync_service.import_bundle(office.db, office.head, path)
    assert _blobs(office.db) == before
    with office.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_laptops_file_record_without_its_file_is_refused(office: Office,
                                                          tmp_path: Path) -> None:
    """A laptop's owner removes the file and its listing, then signs nothing new: the
    HMAC still covers the manifest, so the listing cannot go; and a bundle that never had
    the file (an older writer, a forged line) is refused for carrying a record without
    its file."""
    db, path, digest = _laptop_with_a_file(office, tmp_path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(bundle.MANIFEST))
    assert manifest["files"] == {digest: len(SCAN)}
    # The laptop's files vanish before the next export (as a forged bundle would omit them).
    with db.engine.begin() as conn:
        conn.execute(FileBlob.__table__.delete())
    again = tmp_path / "again.sdsync"
    rep1 = as_user(db, "rep1")
    with db.engine.begin() as conn:  # everything unsent again
        conn.execute(update(sync_service.SyncSite).where(
            sync_service.SyncSite.is_self.is_(False)).values(acked={}))
    sync_service.export_bundle(db, rep1, again)
    with pytest.raises(ValidationError, match="does not carry it"):
        sync_service.import_bundle(office.db, office.head, again)
    assert _blobs(office.db) == 0


def test_a_laptop_may_not_change_what_a_file_is(office: Office, tmp_path: Path) -> None:
    client = _client(office)
    made = attachments.attach_file(office.db, office.head, "clients", client.id, "a.pdf", SCAN)  # type: ignore[attr-defined]
    db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(db, "rep1")
    with pytest.raises(PermissionDenied):  # the head's file, on the laptop too
        attachments.remove_file(db, rep1, made.id)
    from salesdesk.services.base import writing

    # An edit no window makes, which the laptop's change log then carries.
    with writing(db, rep1) as (uow, _ctx):
        row = uow.session.get(Attachment, made.id)
        assert row is not None
        row.sha256 = "0" * 64
        uow.commit()
    with pytest.raises(ValidationError, match="does not change"):
        exchange(db, rep1, office.db, office.head, tmp_path)
    with office.db.read() as s:
        assert s.get(Attachment, made.id).sha256 == made.sha256  # type: ignore[union-attr]
