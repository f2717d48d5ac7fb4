"""Hostile files: bundles that would unpack to gigabytes or nest too deep are refused
before anything large is read, and one bad bundle in a shared folder is set aside with
its reason while the rest of the exchange goes on."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import pytest

from salesdesk import auth
from salesdesk.errors import ValidationError
from salesdesk.services import clients
from salesdesk.services import sync as sync_service
from tests.conftest import PASSWORD, Office
from tests.integration.test_sync import laptop


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(office: Office, tmp_path: Path) -> None:
    import resource

    laptop(office, "rep1", tmp_path)
    bomb = _zip(tmp_path / "bomb.sdsync", {"manifest.json": b"{}",
                                          "changes.jsonl": b"\n" * (400 * 1024 * 1024)})
    assert bomb.stat().st_size < 2 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ValidationError, match="more than allowed"):
        sync_service.import_bundle(office.db, office.head, bomb)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


@pytest.mark.parametrize("entries, reason", [
    ({"manifest.json": b"[" * 100_000 + b"]" * 100_000, "changes.jsonl": b""}, "damaged"),
    ({"manifest.json": b"{}", "changes.jsonl": b"", "extra.bin": b"x"}, "damaged"),
    ({"manifest.json": b"\xff\xfe", "changes.jsonl": b""}, "damaged"),
    ({"changes.jsonl": b""}, "damaged"),
])
def test_damaged_bundles_are_refused_with_one_line(office: Office, tmp_path: Path,
                                                   entries: dict[str, bytes],
                                                   reason: str) -> None:
    laptop(office, "rep1", tmp_path)
    path = _zip(tmp_path / "bad.sdsync", entries)
    with pytest.raises(ValidationError, match=reason):
        sync_service.import_bundle(office.db, office.head, path)


def test_deep_json_in_a_signed_line_is_refused(office: Office, tmp_path: Path) -> None:
    from salesdesk.db.models import SyncSite
    from salesdesk.sync import bundle

    rep_db = laptop(office, "rep1", tmp_path)
    rep1 = auth.login(rep_db, "rep1", PASSWORD)
    path = tmp_path / "up.sdsync"
    sync_service.export_bundle(rep_db, rep1, path)
    read, _body = bundle.read(path)
    with office.db.read() as s:
        secret = s.get(SyncSite, uuid.UUID(read.manifest["from_site"])).secret
    deep: object = {}
    for _ in range(100):
        deep = {"x": deep}
    bundle.write(path, read.manifest, [{"entity": "clients", "row": deep}], secret)
    with pytest.raises(ValidationError, match="deep"):
        sync_service.import_bundle(office.db, office.head, path)


def test_a_bad_bundle_in_the_folder_is_set_aside_and_the_rest_goes_on(
        office: Office, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    rep1_db = laptop(office, "rep1", tmp_path / "a")
    rep2_db = laptop(office, "rep2", tmp_path / "b")
    rep1, rep2 = (auth.login(rep1_db, "rep1", PASSWORD), auth.login(rep2_db, "rep2", PASSWORD))
    clients.create_client(rep1_db, rep1, {"name": "ООО «С ноутбука 1»"})
    clients.create_client(rep2_db, rep2, {"name": "ООО «С ноутбука 2»"})
    sync_service.sync_folder(rep1_db, rep1, share)
    sync_service.sync_folder(rep2_db, rep2, share)
    first = sorted(p for p in share.iterdir() if p.name.endswith(".sdsync"))[0]
    first.write_bytes(first.read_bytes()[:200])  # damaged on the stick
    result = sync_service.sync_folder(office.db, office.head, share)
    assert len(result.imported) == 1 and len(result.rejected) == 1
    moved, reason = result.rejected[0]
    assert moved.parent == share / "rejected" and moved.exists()
    assert "damaged" in (share / "rejected" / (moved.name + ".txt")).read_text()
    assert "damaged" in reason and not first.exists()
    names = {c.name for c in clients.list_clients(office.db, office.head)}
    assert len(names & {"ООО «С ноутбука 1»", "ООО «С ноутбука 2»"}) == 1
    # The damaged laptop's next bundle brings its work again.
    sync_service.sync_folder(rep1_db, rep1, share)
    sync_service.sync_folder(rep2_db, rep2, share)
    again = sync_service.sync_folder(office.db, office.head, share)
    assert again.rejected == []
    names = {c.name for c in clients.list_clients(office.db, office.head)}
    assert {"ООО «С ноутбука 1»", "ООО «С ноутбука 2»"} <= names
