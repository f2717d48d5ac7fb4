"""The database layer: settings, transactions, optimistic locking, migrations, refusals."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from salesdesk.db.engine import Database
from salesdesk.db.migrate import head_revision, open_database, schema_state
from salesdesk.db.models import Client, Deal, User
from salesdesk.errors import ConflictError, DatabaseError
from tests.conftest import Office


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sqlite_connection_settings(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_write_transactions_begin_immediate(office: Office) -> None:
    """A unit of work takes the write lock at once: another writer cannot slip in
    between its read and its write."""
    db = office.db
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    with db.unit_of_work(office.head.id):
        other = sqlite3.connect(str(db.path), timeout=0.1)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    # Reads are not blocked by a writer (WAL).
    with db.unit_of_work(office.head.id), db.read() as session:
        assert session.scalar(select(User.login).where(User.login == "head")) == "head"


def _client(office: Office) -> uuid.UUID:
    with office.db.unit_of_work(office.head.id) as uow:
        client = Client(name="Альфа", name_norm="альфа", owner_id=office.rep1.id,
                        search_text="альфа")
        uow.session.add(client)
        uow.commit()
        return client.id


def test_unit_of_work_rolls_back_unless_committed(office: Office) -> None:
    db = office.db
    with db.unit_of_work(office.head.id) as uow:
        uow.session.add(Client(name="Бета", name_norm="бета", owner_id=office.rep1.id))
        uow.flush()
    with pytest.raises(RuntimeError), db.unit_of_work(office.head.id) as uow:
        uow.session.add(Client(name="Гамма", name_norm="гамма", owner_id=office.rep1.id))
        uow.flush()
        raise RuntimeError("boom")
    with db.read() as session:
        assert session.scalars(select(Client.name)).all() == []


def test_stale_edit_raises_conflict(office: Office) -> None:
    """Two sessions edit the same row: the one that read it before the other saved is
    refused with a conflict, and the first edit stays."""
    db = office.db
    client_id = _client(office)
    with db.read() as session:
        stale = session.get(Client, client_id)  # the second editor's copy, version 1
    with db.unit_of_work(office.head.id) as uow:
        uow.session.get(Client, client_id).name = "Альфа-1"
        uow.commit()
    with pytest.raises(ConflictError), db.unit_of_work(office.head.id) as uow:
        mine = uow.session.merge(stale, load=False)
        mine.name = "Альфа-2"
        uow.commit()
    with db.read() as session:
        final = session.get(Client, client_id)
        assert final.name == "Альфа-1" and final.version == 2


def test_money_is_stored_as_integer_kopecks(office: Office) -> None:
    db = office.db
    client_id = _client(office)
    with db.unit_of_work(office.head.id) as uow:
        uow.session.add(Deal(client_id=client_id, owner_id=office.rep1.id, title="x",
                             amount=Decimal("1234.565"), opened_on=date(2026, 1, 1)))
        uow.commit()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT amount FROM deals")).scalar() == 123457
    with db.read() as session:
        assert session.scalar(select(Deal.amount)) == Decimal("1234.57")


def test_fresh_database_is_at_head(db: Database) -> None:
    state = schema_state(db.engine)
    assert state.status == "current" and state.revision == head_revision()


def test_newer_database_is_refused(db_location: str, db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    db.dispose()
    with pytest.raises(DatabaseError, match="newer version of SalesDesk"):
        open_database(db_location)


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database"):
        open_database(tmp_path / "nothing.db")
    assert not (tmp_path / "nothing.db").exists()


def test_random_file_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"Quarterly notes, not a database\n" * 50)
    before = _digest(path)
    with pytest.raises(DatabaseError, match="not a SalesDesk database"):
        open_database(path)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_foreign_sqlite_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseError, match="not a SalesDesk database"):
        open_database(path)
    assert _digest(path) == before


def _salesdesk_file(tmp_path: Path) -> Path:
    from tests.conftest import build_office

    path = tmp_path / "office.db"
    db = open_database(path, create=True)
    office = build_office(db)
    with db.unit_of_work(office.head.id) as uow:
        for i in range(300):
            uow.session.add(Client(name=f"Клиент {i}", name_norm=f"клиент {i}",
                                   owner_id=office.rep1.id, notes="x" * 500))
        uow.commit()
    db.dispose()
    # Fold the WAL into the main file so the file alone is the database.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return path


def test_corrupt_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = _salesdesk_file(tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 12)):  # garble interior pages
        data[offset] = (data[offset] * 7 + 13) % 256
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises(DatabaseError, match="damaged"):
        open_database(path)
    assert _digest(path) == before


def test_backup_then_restore_gives_back_identical_data(office: Office, tmp_path: Path) -> None:
    from salesdesk.services.maintenance import backup, restore

    db = office.db
    _client(office)
    target = backup(db, office.head, tmp_path / "copy.backup")

    def snapshot() -> list[tuple]:
        with db.read() as session:
            clients = session.execute(select(Client.id, Client.name, Client.version)
                                      .order_by(Client.id)).all()
            users = session.execute(select(User.id, User.login, User.password_hash)
                                    .order_by(User.id)).all()
            return [*map(tuple, clients), *map(tuple, users)]

    before = snapshot()
    with db.unit_of_work(office.head.id) as uow:
        uow.session.execute(update(Client).values(name="испорчено"))
        uow.session.add(Client(name="Лишний", name_norm="лишний", owner_id=office.rep1.id))
        uow.commit()
    assert snapshot() != before
    restore(db, office.head, target)
    assert snapshot() == before


def test_backup_and_restore_are_for_the_head(office: Office, tmp_path: Path) -> None:
    from salesdesk.errors import PermissionDenied
    from salesdesk.services.maintenance import backup, restore

    target = backup(office.db, office.head, tmp_path / "copy.backup")
    for actor in (office.manager1, office.rep1):
        with pytest.raises(PermissionDenied, match="backup"):
            backup(office.db, actor, tmp_path / "x.backup")
        with pytest.raises(PermissionDenied, match="restore"):
            restore(office.db, actor, target)
    assert not (tmp_path / "x.backup").exists()


def test_restore_refuses_a_bad_file(office: Office, tmp_path: Path) -> None:
    from salesdesk.services.maintenance import restore

    bogus = tmp_path / "bogus.backup"
    bogus.write_text("hello")
    with pytest.raises(DatabaseError, match="not a SalesDesk backup"):
        restore(office.db, office.head, bogus)
    with office.db.read() as session:
        assert session.scalar(select(User.login).where(User.login == "rep1")) == "rep1"


def test_schema_constants_match_the_migration_scripts() -> None:
    """The quick revision check at open agrees with Alembic's scripts."""
    from alembic.script import ScriptDirectory

    from salesdesk.db.migrate import alembic_config
    from salesdesk.db.schema import HEAD, KNOWN

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD]
    assert {rev.revision for rev in script.walk_revisions()} == set(KNOWN)
