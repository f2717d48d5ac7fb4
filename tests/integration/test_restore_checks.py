"""Restore and open only what is ours: a backup is a whole SalesDesk database of this
office, a laptop's database never goes over the office's, another program's database is
refused untouched whatever its Alembic revision, and `check` sees a missing table."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from salesdesk.db.migrate import open_database
from salesdesk.db.models import User
from salesdesk.errors import DatabaseError
from salesdesk.services import sync as sync_service
from salesdesk.services.maintenance import backup, restore
from tests.conftest import Office, build_office


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _still_there(office: Office) -> None:
    with office.db.read() as s:
        assert s.scalar(select(User.login).where(User.login == "rep3")) == "rep3"


def test_a_file_with_only_a_users_table_is_refused(office: Office, tmp_path: Path) -> None:
    good = backup(office.db, office.head, tmp_path / "good.backup")
    thin = tmp_path / "thin.backup"
    shutil.copy(good, thin)
    conn = sqlite3.connect(thin)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    conn.execute("PRAGMA foreign_keys=OFF")
    for name in tables:
        if name not in ("users", "alembic_version"):
            # (IF EXISTS: dropping the search index takes its own shadow tables with it)
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not a SalesDesk backup"):
        restore(office.db, office.head, thin)
    _still_there(office)


def test_a_laptop_database_never_restores_over_the_office(office: Office,
                                                          tmp_path: Path) -> None:
    laptop = tmp_path / "rep1-laptop.db"
    sync_service.create_replica(office.db, office.head, "rep1", laptop)
    with pytest.raises(DatabaseError, match="laptop"):
        restore(office.db, office.head, laptop)
    _still_there(office)


def test_another_offices_backup_is_refused(office: Office, tmp_path: Path) -> None:
    other = build_office(open_database(tmp_path / "other.db", create=True))
    theirs = backup(other.db, other.head, tmp_path / "theirs.backup")
    with pytest.raises(DatabaseError, match="another office"):
        restore(office.db, office.head, theirs)
    _still_there(office)


def test_a_foreign_alembic_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "their-app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    conn.execute("CREATE TABLE widgets (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseError, match="not a SalesDesk database"):
        open_database(path)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["their-app.db"]


def test_a_database_with_a_dropped_table_is_refused_and_check_says_so(
        tmp_path: Path) -> None:
    from tests.integration.test_cli import run

    path = tmp_path / "office.db"
    office = build_office(open_database(path, create=True))
    office.db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("DROP TABLE targets")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="targets"):
        open_database(path)
    result = run(path, "check")
    assert result.returncode == 1 and "targets" in result.stderr
    assert "Traceback" not in result.stderr
