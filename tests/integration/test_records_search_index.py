"""The trigram index of contacts, deals, documents, products, activity notes, market
notes and competitors (migration 0007), meetings and calls (0014): the global search and
the lists' filters find through it exactly what a scan of the same columns finds, in any
letter case, and it follows every write in the same transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from salesdesk.db import search_index
from salesdesk.services import (
    activities,
    appointments,
    clients,
    contacts,
    deals,
    documents,
    market,
    products,
)
from salesdesk.services.deals import DealQuery, list_deals
from salesdesk.services.documents import DocumentQuery, list_documents
from salesdesk.services.search import search_everything
from tests.conftest import Office

pytestmark = pytest.mark.db

WORDS = ["Стройматериалы", "СТРОЙКА", "перестройка", "Ёлочные игрушки", "Rosstroy",
         "кресло офисное", "ОФИСНЫЙ стол", "Прайс-лист 2027", "скидка 10%", "a_b"]


def _office(office: Office) -> dict[str, list[str]]:
    """Records of every indexed kind whose texts hold the WORDS; returns each kind's
    searchable texts by id, for the scan to compare with."""
    db, head, rep = office.db, office.head, office.rep1
    texts: dict[str, dict[str, str]] = {k: {} for k in search_index.SEARCHED}
    client = clients.create_client(db, rep, {"name": "ООО «Клиент»"}).client
    for i, word in enumerate(WORDS):
        contact = contacts.add_contact(db, rep, client.id, {"name": f"{word} Иван {i}"})
        texts["contacts"][str(contact.id)] = contact.name
        deal = deals.create_deal(db, rep, client.id, {"title": f"Поставка: {word}",
                                                      "amount": "1000"})
        texts["deals"][str(deal.id)] = deal.title
        act = activities.log_activity(db, rep, client.id, {"kind": "call",
                                                          "date": "2026-11-20",
                                                          "note": f"Обсудили {word}"})
        texts["activities"][str(act.id)] = act.note
        product = products.create_product(db, head, {"name": f"{word} {i}", "price": "10",
                                                     "unit": "шт"})
        texts["products"][str(product.id)] = product.name
        note = market.add_note(db, head, {"title": f"Рынок {i}", "text": f"Видели {word}",
                                          "date": "2026-11-20"})
        texts["market_notes"][str(note.id)] = f"{note.title} {note.text}"
        competitor = market.create_competitor(db, head, {"name": f"Конкурент {i}",
                                                          "strengths": word})
        texts["competitors"][str(competitor.id)] = f"{competitor.name} {word}"
        meeting = appointments.plan_appointment(db, rep, client.id, {
            "subject": f"Встреча {i}", "place": f"Склад: {word}", "date": "2026-12-20",
            "start_minute": "10:00"})
        texts["appointments"][str(meeting.id)] = f"{meeting.subject} {meeting.place}"
    return texts


def _scan(texts: dict[str, str], fragment: str) -> set[str]:
    return {rid for rid, value in texts.items() if fragment.casefold() in value.casefold()}


KINDS = {"contact": "contacts", "deal": "deals", "activity": "activities",
         "product": "products", "note": "market_notes", "competitor": "competitors",
         "appointment": "appointments"}


@pytest.mark.parametrize("fragment", ["строй", "СТРОЙ", "Строй", "ёлоч", "rosst", "ROSSTROY",
                                      "офисн", "ОФИСНЫЙ", "2027", "10%", "a_b", "нет такого"])
def test_the_global_search_finds_what_a_scan_finds(office: Office, fragment: str) -> None:
    texts = _office(office)
    hits = search_everything(office.db, office.head, fragment, limit=1000)
    for kind, table in KINDS.items():
        found = {str(h.id) for h in hits if h.kind == kind}
        assert found == _scan(texts[table], fragment), (kind, fragment)


def test_the_index_follows_edits_and_deletes(office: Office) -> None:
    db, rep = office.db, office.rep1
    client = clients.create_client(db, rep, {"name": "ООО «Клиент»"}).client
    deal = deals.create_deal(db, rep, client.id, {"title": "Шкафы купе", "amount": "10"})

    def deal_hits(fragment: str) -> set[object]:
        return {h.id for h in search_everything(db, rep, fragment, limit=50)
                if h.kind == "deal"}

    assert deal_hits("купе") == {deal.id}
    deals.update_deal(db, rep, deal.id, {"title": "Стеллажи складские"}, deal.version)
    assert deal_hits("купе") == set() and deal_hits("СКЛАДСК") == {deal.id}
    act = activities.log_activity(db, rep, client.id, {"kind": "call",
                                                      "date": "2026-11-20",
                                                      "note": "Жужелица звонила"})
    assert [h.id for h in search_everything(db, rep, "жужелиц") if h.kind == "activity"] \
        == [act.id]
    activities.delete_activity(db, rep, act.id)  # to the trash: no longer found
    assert [h for h in search_everything(db, rep, "жужелиц") if h.kind == "activity"] == []
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:  # a row removed for good leaves the index too
            before = conn.execute(text("SELECT count(*) FROM records_fts")).scalar_one()
            conn.execute(text("DELETE FROM activities WHERE id = :id"), {"id": act.id.hex})
            after = conn.execute(text("SELECT count(*) FROM records_fts")).scalar_one()
            keys = conn.execute(text("SELECT count(*) FROM records_fts_keys")).scalar_one()
        assert after == before - 1 == keys


def test_the_deal_and_document_lists_filter_through_the_index(office: Office) -> None:
    db, rep = office.db, office.rep1
    client = clients.create_client(db, rep, {"name": "ООО «Альфа»"}).client
    other = clients.create_client(db, rep, {"name": "ООО «Бета»"}).client
    wanted = deals.create_deal(db, rep, other.id, {"title": "Кресла Руководителя",
                                                   "amount": "10"})
    deals.create_deal(db, rep, other.id, {"title": "Столы", "amount": "10"})
    by_client = deals.create_deal(db, rep, client.id, {"title": "Столы", "amount": "10"})
    found = {d.id for d in list_deals(db, rep, DealQuery(text="РУКОВОДИТЕЛ"))}
    assert found == {wanted.id}
    assert {d.id for d in list_deals(db, rep, DealQuery(text="альфа"))} == {by_client.id}
    draft = documents.create_document(db, rep, "invoice", other.id, lines=[
        {"description": "Стол", "quantity": "1", "unit": "шт", "price": "100"}])
    issued = documents.issue_document(db, rep, draft.id)
    fragment = issued.number[-4:]
    assert issued.id in {d.id for d in list_documents(db, rep, DocumentQuery(text=fragment))}
    assert {d.id for d in list_documents(db, rep, DocumentQuery(text="бета"))} == {issued.id}


def test_sqlite_looks_activity_notes_up_in_the_index(office: Office) -> None:
    if office.db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    from sqlalchemy import select

    from salesdesk.db.models import Activity

    with office.db.read() as session:
        stmt = select(Activity.id).where(Activity.id.in_(
            search_index.matching_ids("activities", "каталог")))
        compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = " / ".join(str(r[3]) for r in session.execute(text(
            f"EXPLAIN QUERY PLAN {compiled}")))
    assert "records_fts VIRTUAL TABLE" in plan and "SCAN activities" not in plan, plan


def test_postgresql_has_trigram_indexes_when_pg_trgm_is_there(office: Office) -> None:
    if office.db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's indexes")
    with office.db.read() as session:
        if session.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
                           ).first() is None:
            pytest.skip("pg_trgm is not installed on this server")
        indexes = set(session.execute(text(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")).scalars())
    assert set(search_index.pg_indexes()) <= indexes


def test_a_demo_loaded_in_bulk_has_every_record_indexed(tmp_path: Path) -> None:
    from salesdesk.db.migrate import open_database
    from salesdesk.demo import build_demo

    db = open_database(tmp_path / "demo.db", create=True)
    build_demo(db, seed=4, size="small")
    with db.read() as session:
        for table in search_index.SEARCHED:
            rows = session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            indexed = session.execute(text(
                "SELECT count(*) FROM records_fts_keys WHERE kind = :k"), {"k": table}
            ).scalar_one()
            assert indexed == rows, table
    db.dispose()


def test_meetings_are_found_by_who_may_see_them_and_followed(office: Office) -> None:
    """A planned meeting is found by its subject or place (not only once done and
    logged as an activity), by its outcome once done; only by who may see it; and no
    longer once deleted (migration 0014)."""
    from datetime import timedelta

    from salesdesk import clock

    db, rep = office.db, office.rep1
    client = clients.create_client(db, rep, {"name": "ООО «Вектор»"}).client
    day = clock.today() - timedelta(days=1)
    meeting = appointments.plan_appointment(db, rep, client.id, {
        "kind": "presentation", "subject": "Презентация прайса",
        "place": "Тверская, 7", "date": day.isoformat(), "start_minute": "10:00"})

    def found(actor: object, fragment: str) -> list[object]:
        return [h for h in search_everything(db, actor, fragment)  # type: ignore[arg-type]
                if h.kind == "appointment"]

    hits = found(rep, "тверск")
    assert [h.id for h in hits] == [meeting.id] and hits[0].client_id == client.id
    assert "ООО «Вектор»" in hits[0].subtitle and "10:00" in hits[0].subtitle
    assert [h.id for h in found(office.manager1, "ПРЕЗЕНТАЦ")] == [meeting.id]  # the team
    assert found(office.rep2, "тверск") == []  # another representative's
    assert found(rep, "пилот") == []
    appointments.complete_appointment(db, rep, meeting.id, "Договорились о пилоте")
    assert [h.id for h in found(rep, "пилот")] == [meeting.id]
    appointments.delete_appointment(db, rep, meeting.id)
    assert found(rep, "тверск") == found(rep, "пилот") == []


def test_an_office_at_0013_gets_its_meetings_indexed_on_upgrade(tmp_path: Path) -> None:
    """Migration 0014 indexes the meetings already there, and its downgrade takes them
    and their triggers out again."""
    from alembic import command
    from sqlalchemy import create_engine

    from salesdesk.auth import login
    from salesdesk.db.migrate import alembic_config, open_database, upgrade
    from salesdesk.demo import DEMO_PASSWORD, build_demo

    path = tmp_path / "office.db"
    db = open_database(path, create=True)
    build_demo(db, seed=6, size="small")
    db.dispose()
    engine = create_engine(f"sqlite:///{path}")

    def indexed() -> tuple[int, int, int]:
        with engine.connect() as conn:
            return (conn.execute(text("SELECT count(*) FROM appointments")).scalar_one(),
                    conn.execute(text("SELECT count(*) FROM records_fts_keys "
                                      "WHERE kind = 'appointments'")).scalar_one(),
                    conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type = "
                                      "'trigger' AND name LIKE 'appointments_fts_%'")
                                 ).scalar_one())

    rows, keys, triggers = indexed()
    assert rows > 0 and keys == rows and triggers == 3
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    assert indexed() == (rows, 0, 0)
    upgrade(engine)
    assert indexed() == (rows, rows, 3)
    engine.dispose()
    db = open_database(path)
    head = login(db, "head", DEMO_PASSWORD)
    with db.read() as session:
        subject = session.execute(text("SELECT subject FROM appointments LIMIT 1")
                                  ).scalar_one()
    hits = search_everything(db, head, subject[:12], limit=1000)
    assert any(h.kind == "appointment" and h.title == subject for h in hits)
    db.dispose()
