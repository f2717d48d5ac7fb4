"""The client search's trigram index (migration 0006) answers exactly what a scan of
``search_text`` answers, stays current with every write in the same transaction, and
survives a backup and its restore."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import select, text

from salesdesk.db.engine import Database
from salesdesk.db.models import Client
from salesdesk.services import clients, contacts, maintenance
from salesdesk.services.clients import ClientQuery, count_clients, list_clients, search_key
from salesdesk.services.search import search_everything
from tests.conftest import Office

pytestmark = pytest.mark.db

NAMES = ["Стройсервис", "СТРОЙ-МАРКЕТ", "Альфа-Строй", "Ёлка и Ко", "Rosstroy Ltd",
         "Мебель «Уют»", "Кофе \"Бариста\"", "Офис_100%", "ТехноЛайн", "Альфа"]
FRAGMENTS = ["строй", "СТРОЙ", "Строй-", "ёлк", "елка", "rosst", "ROSSTROY", "уют",
             "«уют»", '"бариста"', "офис_100%", "100%", "технол", "альфа", "ал", "а",
             "7707", "495 123", "нет такого", "ой", "info@"]


def _scan(db: Database, fragment: str, head: object) -> set[object]:
    """The answer without any index: every live client's search_text, in Python."""
    key = search_key(fragment)
    with db.read() as session:
        return {cid for cid, text_value in session.execute(select(
            Client.id, Client.search_text).where(Client.deleted_at.is_(None)))
            if key in (text_value or "")}


def _listed(db: Database, actor: object, fragment: str) -> set[object]:
    return {c.id for c in list_clients(db, actor, ClientQuery(text=fragment, limit=None))}


def _office_with_clients(office: Office) -> list[clients.ClientRecord]:
    db = office.db
    made = []
    rng = random.Random(7)
    for index, name in enumerate(NAMES * 3):
        values = {"name": f"{name} {index}", "city": rng.choice(["Тула", "Москва", "Омск"])}
        if index % 4 == 0:
            values["phone"] = f"+7 495 123-{index:02d}-0{index % 10}"
        if index % 5 == 0:
            values["email"] = f"info@{index}.ru"
        made.append(clients.create_client(db, office.rep1, values).client)
    return made


def test_the_index_answers_what_a_scan_answers(office: Office) -> None:
    made = _office_with_clients(office)
    for deleted in (False, True):
        if deleted:
            # The head's count of a text search comes from the index alone, less the
            # deleted clients: delete some, and every count still equals the scan's.
            for gone in made[::4]:
                clients.delete_client(office.db, office.rep1, gone.id, gone.version)
        for fragment in FRAGMENTS:
            expected = _scan(office.db, fragment, office.head)
            assert _listed(office.db, office.head, fragment) == expected, fragment
            assert count_clients(office.db, office.head, ClientQuery(text=fragment)) == \
                len(expected), (fragment, deleted)
            # Another filter with the text, and a scoped viewer, count through clients.
            assert count_clients(office.db, office.rep1, ClientQuery(text=fragment)) == \
                len(expected), (fragment, deleted)
            assert count_clients(office.db, office.head, ClientQuery(
                text=fragment, owner_id=office.rep2.id)) == 0, fragment


def test_the_index_follows_edits_contacts_deletes_and_restores(office: Office) -> None:
    db, rep1 = office.db, office.rep1
    client = clients.create_client(db, rep1, {"name": "Промсталь"}).client
    assert _listed(db, rep1, "промстал") == {client.id}
    renamed = clients.update_client(db, rep1, client.id, {"name": "Металлоторг"},
                                    client.version).client
    assert _listed(db, rep1, "промстал") == set()
    assert _listed(db, rep1, "металлот") == {client.id}
    contacts.add_contact(db, rep1, client.id, {"name": "Жужелицын Аркадий"})
    assert _listed(db, rep1, "жужелиц") == {client.id}
    clients.delete_client(db, rep1, client.id, renamed.version)
    assert _listed(db, rep1, "металлот") == set()
    clients.restore_client(db, rep1, client.id)
    assert _listed(db, rep1, "металлот") == {client.id}
    # The global search finds it through the same index.
    assert [h.id for h in search_everything(db, rep1, "Металлот") if h.kind == "client"] == [
        client.id]


def test_a_restored_backup_searches_the_same(office: Office, tmp_path: Path) -> None:
    db = office.db
    if not db.is_sqlite:
        pytest.skip("a server database's backup is a SQLite copy, checked on SQLite")
    made = _office_with_clients(office)
    before = {f: _listed(db, office.head, f) for f in FRAGMENTS}
    backup = maintenance.backup(db, office.head, tmp_path / "office.backup")
    for client in made[:5]:
        clients.delete_client(db, office.rep1, client.id)
    maintenance.restore(db, office.head, backup)
    assert {f: _listed(db, office.head, f) for f in FRAGMENTS} == before


def test_sqlite_looks_fragments_up_in_the_index(office: Office) -> None:
    db = office.db
    if not db.is_sqlite:
        pytest.skip("PostgreSQL's planner chooses its trigram index itself")
    _office_with_clients(office)
    from salesdesk.services.base import reading

    with reading(db, office.head) as ctx:
        condition = clients.text_matches(ctx.session, search_key("строй"))
        stmt = select(Client.id).where(condition)
        compiled = stmt.compile(ctx.session.get_bind(),
                                compile_kwargs={"literal_binds": True})
        plan = ctx.session.execute(text("EXPLAIN QUERY PLAN " + str(compiled))).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert "clients_fts" in details and "SCAN clients" not in details.replace(
        "SCAN clients_fts", "")


def test_postgresql_has_its_trigram_index_when_pg_trgm_is_there(office: Office) -> None:
    db = office.db
    if db.is_sqlite:
        pytest.skip("SQLite's index is the FTS5 table")
    with db.read() as session:
        has_extension = session.execute(text(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first() is not None
        indexes = {row[0] for row in session.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'clients'"))}
    if not has_extension:
        pytest.skip("pg_trgm is not installed on this server")
    assert "ix_clients_search_trgm" in indexes


def test_the_migration_makes_exactly_the_known_triggers(tmp_path: Path) -> None:
    import sqlite3

    from salesdesk.db.migrate import open_database
    from salesdesk.db.schema import TRIGGERS, unexpected_triggers

    db = open_database(tmp_path / "fresh.db", create=True)
    db.dispose()
    conn = sqlite3.connect(tmp_path / "fresh.db")
    found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
    conn.close()
    assert set(found) == set(TRIGGERS) and unexpected_triggers(found) == []


@pytest.mark.parametrize("trigger", [
    "CREATE TRIGGER promote AFTER INSERT ON clients BEGIN "
    "UPDATE users SET role = 'head'; END",
    # One of ours, quietly changed: it is not ours any more.
    "CREATE TRIGGER clients_fts_update AFTER UPDATE OF search_text ON clients BEGIN "
    "UPDATE users SET role = 'head'; END",
])
def test_a_backup_with_a_trigger_of_its_own_is_refused(office: Office, tmp_path: Path,
                                                      trigger: str) -> None:
    import sqlite3

    from salesdesk.errors import DatabaseError

    if not office.db.is_sqlite:
        pytest.skip("backups are SQLite files")
    good = maintenance.backup(office.db, office.head, tmp_path / "good.backup")
    conn = sqlite3.connect(good)
    if "clients_fts_update" in trigger:
        conn.execute("DROP TRIGGER clients_fts_update")
    conn.execute(trigger)
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="trigger SalesDesk does not make"):
        maintenance.restore(office.db, office.head, good)
    from salesdesk.auth import login
    from tests.conftest import PASSWORD

    assert login(office.db, "rep1", PASSWORD).role == "rep"  # nothing was restored


def test_a_demo_loaded_in_bulk_has_a_full_index_and_its_triggers(tmp_path: Path) -> None:
    """The demo pauses the triggers for its bulk load and fills the index after it: every
    client is found, and the triggers are back for the writes that follow."""
    from salesdesk.auth import login
    from salesdesk.db.migrate import open_database
    from salesdesk.db.schema import TRIGGERS
    from salesdesk.demo import DEMO_PASSWORD, build_demo

    db = open_database(tmp_path / "demo.db", create=True)
    build_demo(db, seed=3, size="small")
    head = login(db, "head", DEMO_PASSWORD)
    with db.read() as session:
        names = session.execute(select(Client.name).where(
            Client.deleted_at.is_(None))).scalars().all()
        triggers = {name for (name,) in session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
        indexed = session.execute(text("SELECT count(*) FROM clients_fts")).scalar_one()
    assert triggers == set(TRIGGERS)
    assert indexed == len(names) > 0
    for name in names[:25]:
        assert count_clients(db, head, ClientQuery(text=name)) >= 1, name
    made = clients.create_client(db, head, {"name": "Жужелица после демо"}).client
    assert _listed(db, head, "жужелица после") == {made.id}
    db.dispose()
