"""The client list's search page and count are chosen from the index's own rows
(``clients_fts_rows``, migration 0012) on SQLite: they answer exactly what reading the
clients answers, for every role, filter, order and page, after writes of every kind, and
the rows stay equal to the clients themselves (issue 16)."""

from __future__ import annotations

import random
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from salesdesk.db.engine import Database
from salesdesk.db.models import Client
from salesdesk.services import clients, maintenance, merge
from salesdesk.services.base import reading
from salesdesk.services.clients import ClientQuery, count_clients, list_clients, search_key
from tests.conftest import Office

pytestmark = pytest.mark.db

WORDS = ["Стройсервис", "Альфа-Строй", "СтройМаркет", "Омега", "Ёлка", "Гамма строй"]
FRAGMENTS = ["строй", "стр", "альфа", "елк", "омега", "нет такого", "ма"]


def _busy_office(office: Office) -> None:
    """Clients of every representative, then renames, reassignments, deletes, restores
    and a merge: every kind of write the rows must follow."""
    db, rng = office.db, random.Random(16)
    made = []
    for index in range(36):
        actor = (office.rep1, office.rep2, office.rep3)[index % 3]
        name = f"{rng.choice(WORDS)} {rng.randint(1, 9)}"  # repeated names: ties by key
        made.append(clients.create_client(db, actor, {"name": name}).client)
    for client in made[:6]:
        clients.update_client(db, office.head, client.id, {"name": f"Омега {client.name}"},
                              client.version)
    for client in made[6:10]:
        clients.reassign_client(db, office.head, client.id, office.rep3.id)
    for client in made[10:16]:
        clients.delete_client(db, office.head, client.id)
    for client in made[10:12]:
        clients.restore_client(db, office.head, client.id)
    merge.merge_clients(db, office.head, made[20].id, made[21].id)


def _expected(db: Database, actor: object, query: ClientQuery) -> list[uuid.UUID]:
    """The answer read from the clients alone, sorted and paged in Python."""
    key = search_key(query.text or "")
    with reading(db, actor) as ctx:  # type: ignore[arg-type]
        scope = ctx.scope
    with db.read() as session:
        rows = session.execute(select(Client.id, Client.name_norm, Client.owner_id,
                                      Client.search_text).where(
            Client.deleted_at.is_(None))).all()
    found = [(name or "", cid) for cid, name, owner, search in rows
             if key in (search or "") and (scope is None or owner in scope)
             and (query.owner_id is None or owner == query.owner_id)]
    # Ties in the name go by the key, ascending, whichever way the name is sorted
    # (two stable sorts: the key first, then the name).
    ordered = sorted(found, key=lambda pair: pair[1].hex)
    ordered.sort(key=lambda pair: pair[0], reverse=query.descending)
    ids = [cid for _, cid in ordered]
    end = None if query.limit is None else query.offset + query.limit
    return ids[query.offset:end]


def test_the_search_page_and_count_equal_reading_the_clients(office: Office) -> None:
    _busy_office(office)
    db = office.db
    actors = [office.head, office.manager1, office.manager2, office.rep1, office.rep3]
    for actor in actors:
        for fragment in FRAGMENTS:
            for query in (ClientQuery(text=fragment, limit=None),
                          ClientQuery(text=fragment, limit=4, offset=2),
                          ClientQuery(text=fragment, limit=None, descending=True),
                          ClientQuery(text=fragment, limit=None, owner_id=office.rep1.id),
                          ClientQuery(text=fragment, limit=None, owner_id=office.rep3.id)):
                expected = _expected(db, actor, query)
                label = (actor.login, fragment, query)
                assert [c.id for c in list_clients(db, actor, query)] == expected, label
                whole = ClientQuery(text=fragment, owner_id=query.owner_id, limit=None)
                assert count_clients(db, actor, query) == len(_expected(db, actor, whole)), \
                    label


def _rows_equal_clients(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        rows = set(conn.execute(
            "SELECT client_id, name_norm, owner_id, live FROM clients_fts_rows"))
        clients_now = set(conn.execute(
            "SELECT id, name_norm, owner_id, deleted_at IS NULL FROM clients"))
        # Each index row's search text is its own client's.
        wrong = conn.execute(
            "SELECT count(*) FROM clients_fts_rows r JOIN clients_fts f ON f.rowid = "
            "r.fts_rowid JOIN clients c ON c.id = r.client_id "
            "WHERE f.search_text IS NOT c.search_text OR f.client_id IS NOT c.id"
        ).fetchone()[0]
    finally:
        conn.close()
    assert rows == clients_now and len(rows) > 0
    assert wrong == 0


def test_the_index_rows_follow_every_write(office: Office) -> None:
    if not office.db.is_sqlite:
        pytest.skip("the rows table is SQLite's (PostgreSQL searches with pg_trgm)")
    _busy_office(office)
    # A client removed for good (no service does it; a row deleted under the triggers).
    gone = clients.create_client(office.db, office.rep2, {"name": "Стройка на снос"}).client
    with office.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM clients WHERE id = :id"), {"id": gone.id.hex})
    assert office.db.path is not None
    _rows_equal_clients(office.db.path)


def test_a_database_of_revision_0011_is_upgraded_with_its_rows(tmp_path: Path) -> None:
    """An office still at 0011 (the old table of keys) opens with the rows filled from
    its clients, and finds what it found before."""
    from salesdesk.auth import login
    from salesdesk.db.migrate import open_database, upgrade
    from salesdesk.demo import DEMO_PASSWORD, build_demo

    path = tmp_path / "old.db"
    db = open_database(path, create=True)
    build_demo(db, seed=5, size="small")
    head = login(db, "head", DEMO_PASSWORD)
    before = {f: [c.id for c in list_clients(db, head, ClientQuery(text=f, limit=None))]
              for f in ("стр", "ооо", "альфа")}
    db.dispose()
    engine = create_engine(f"sqlite:///{path}")
    from alembic import command

    from salesdesk.db.migrate import alembic_config

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    with engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert "clients_fts_keys" in tables and "clients_fts_rows" not in tables
    upgrade(engine)
    engine.dispose()
    _rows_equal_clients(path)
    db = open_database(path)
    head = login(db, "head", DEMO_PASSWORD)
    assert {f: [c.id for c in list_clients(db, head, ClientQuery(text=f, limit=None))]
            for f in before} == before
    db.dispose()


def test_a_restore_makes_the_rows_again_from_the_clients(office: Office,
                                                        tmp_path: Path) -> None:
    """A backup whose index rows say a deleted client is live (or name another owner)
    is restored with rows made from its clients: the file does not choose what the
    list shows."""
    db = office.db
    if not db.is_sqlite:
        pytest.skip("backups are SQLite files")
    _busy_office(office)
    backup = maintenance.backup(db, office.head, tmp_path / "office.backup")
    conn = sqlite3.connect(backup)
    conn.execute("UPDATE clients_fts_rows SET live = 1, owner_id = ?", (office.rep1.id.hex,))
    conn.commit()
    conn.close()
    maintenance.restore(db, office.head, backup)
    assert db.path is not None
    _rows_equal_clients(db.path)
    query = ClientQuery(text="строй", limit=None)
    assert [c.id for c in list_clients(db, office.rep1, query)] == _expected(
        db, office.rep1, query)


def test_the_old_triggers_are_accepted_only_in_a_backup_of_their_revisions() -> None:
    """A backup made before 0012 holds the client index's triggers as they were then
    (restored, it is upgraded); a file that says it is at 0012 or later may not."""
    from salesdesk.db.schema import LEGACY_TRIGGERS, unexpected_triggers

    assert unexpected_triggers(LEGACY_TRIGGERS, "0006") == []
    assert unexpected_triggers(LEGACY_TRIGGERS, "0011") == []
    assert unexpected_triggers(LEGACY_TRIGGERS, "0012") == sorted(LEGACY_TRIGGERS)
    assert unexpected_triggers(LEGACY_TRIGGERS, None) == sorted(LEGACY_TRIGGERS)


def test_a_backup_of_revision_0011_is_restored_and_searches(office: Office,
                                                           tmp_path: Path) -> None:
    """A backup made before 0012 (the old table of keys, its triggers) is accepted,
    upgraded in the copy and restored: the rows are there and the list finds what the
    office had."""
    from alembic import command

    from salesdesk.db.migrate import alembic_config

    db = office.db
    if not db.is_sqlite:
        pytest.skip("backups are SQLite files")
    _busy_office(office)
    query = ClientQuery(text="строй", limit=None)
    before = [c.id for c in list_clients(db, office.head, query)]
    backup = maintenance.backup(db, office.head, tmp_path / "old.backup")
    engine = create_engine(f"sqlite:///{backup}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    engine.dispose()
    conn = sqlite3.connect(backup)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0011",)
    conn.close()
    clients.create_client(db, office.rep1, {"name": "Стройка после копии"})
    maintenance.restore(db, office.head, backup)
    assert db.path is not None
    _rows_equal_clients(db.path)
    assert [c.id for c in list_clients(db, office.head, query)] == before
