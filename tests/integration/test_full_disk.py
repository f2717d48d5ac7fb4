"""A full disk, a read-only folder, a missing folder: every command that writes a file
says so in one line naming the path, exits 1, and leaves nothing half-written."""

from __future__ import annotations

import errno
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from salesdesk.errors import SalesDeskError
from tests.integration import test_cli

run = test_cli.run
office_db = test_cli.office_db  # the command-line tests' office, a fixture here too


def _mount(size: str, read_only: bool = False) -> Iterator[Path]:
    where = Path(f"/tmp/salesdesk-fs-{uuid.uuid4().hex[:8]}")
    where.mkdir()
    options = f"size={size}" + (",ro" if read_only else "")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True)
    if made.returncode != 0:
        where.rmdir()
        pytest.skip("no small file system can be mounted here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)
        where.rmdir()


@pytest.fixture
def full_disk() -> Iterator[Path]:
    for where in _mount("64k"):
        with open(where / "filler", "wb", buffering=0) as fh:  # fill it to the last byte
            try:
                while True:
                    fh.write(b"\0" * 4096)
                    fh.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        yield where


@pytest.fixture
def read_only_disk() -> Iterator[Path]:
    yield from _mount("64k", read_only=True)


def _commands(office_db: Path, target: Path, tmp_path: Path) -> list[list[str]]:
    return [["export", "clients", str(target / "clients.csv")],
            ["export", "clients", str(target / "clients.xlsx")],
            ["backup", "-o", str(target / "office.backup")],
            ["report", "monthly", "2026-11", "-o", str(target / "report.pdf")],
            ["replica", "create", "--for", "rep1", "-o", str(target / "rep1.db")]]


@pytest.mark.parametrize("disk, cause", [("full_disk", "the disk is full"),
                                         ("read_only_disk", "read-only"),
                                         ("missing", "does not exist")])
def test_every_write_fails_in_one_line_and_leaves_nothing(
        office_db: Path, tmp_path: Path, request: pytest.FixtureRequest, disk: str,
        cause: str) -> None:
    target = (tmp_path / "nowhere" / "deeper" if disk == "missing"
              else request.getfixturevalue(disk))
    before = set(target.iterdir()) if target.exists() else set()
    for args in _commands(office_db, target, tmp_path):
        result = run(office_db, *args, user="head")
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (args, result.stderr)
        assert cause in lines[0] and str(target) in lines[0], (args, lines[0])
        after = set(target.iterdir()) if target.exists() else set()
        assert after == before, (args, after - before)


def test_a_bundle_to_a_full_disk(office_db: Path, tmp_path: Path, full_disk: Path) -> None:
    assert run(office_db, "replica", "create", "--for", "rep1", "-o",
               str(tmp_path / "rep1.db"), user="head").returncode == 0
    result = run(office_db, "sync", "export", "--for", "rep1", "-o",
                 str(full_disk / "out.sdsync"), user="head")
    assert result.returncode == 1 and "the disk is full" in result.stderr
    assert [p.name for p in full_disk.iterdir()] == ["filler"]


def test_a_failing_rename_leaves_no_file(office: object, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no file system can be mounted: the rename that ends every write fails."""
    from salesdesk import files
    from salesdesk.exporter import export_file

    def no_space(*_a: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", no_space)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SalesDeskError, match="the disk is full"):
        export_file(office.db, office.head, "clients", out / "c.csv")  # type: ignore[attr-defined]
    assert list(out.iterdir()) == []


def test_an_unknown_database_driver_is_one_line(tmp_path: Path) -> None:
    import os
    import sys

    result = subprocess.run([sys.executable, "-m", "salesdesk", "--db",
                             "nosuchdriver://somewhere/db", "check"], capture_output=True,
                            text=True, env={**os.environ, "SALESDESK_LANG": "en"}, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not a database SalesDesk can open" in result.stderr


def test_a_database_on_a_read_only_medium_can_be_read(tmp_path: Path) -> None:
    """A database on a CD or a write-protected stick opens for reading; writes are
    refused in one line."""
    import shutil

    from salesdesk import auth
    from salesdesk.db.migrate import open_database
    from salesdesk.services import clients
    from tests.conftest import PASSWORD, build_office

    source = tmp_path / "office.db"
    office = build_office(open_database(source, create=True))
    clients.create_client(office.db, office.rep1, {"name": "ООО «На диске»"})
    office.db.dispose()
    for where in _mount("4m"):
        shutil.copy(source, where / "office.db")
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(where)],
                                   capture_output=True)
        if remounted.returncode != 0:
            pytest.skip("cannot remount read-only here")
        db = open_database(where / "office.db")
        try:
            assert db.read_only
            rep1 = auth.login(db, "rep1", PASSWORD)
            assert [c.name for c in clients.list_clients(db, rep1)] == ["ООО «На диске»"]
            with pytest.raises(SalesDeskError, match="cannot be written"):
                clients.create_client(db, rep1, {"name": "ООО «Новый»"})
        finally:
            db.dispose()
        result = run(where / "office.db", "users", "list", user="head", password=PASSWORD)
        assert result.returncode == 0, result.stderr
