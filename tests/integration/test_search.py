"""The global search finds products, activity notes, market notes and competitors as well
as clients, contacts, deals and documents, in any letter case, within the user's scope."""

from __future__ import annotations

import pytest

from salesdesk.services import activities, clients, market, products
from salesdesk.services.search import search_everything
from tests.conftest import Office

pytestmark = pytest.mark.db


def _kinds(hits: list) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for hit in hits:
        out.setdefault(hit.kind, []).append(hit.title)
    return out


def test_every_kind_is_found_in_any_letter_case(office: Office) -> None:
    db = office.db
    alfa = clients.create_client(db, office.rep1, {"name": "Альфа"}).client
    products.create_product(db, office.head, {"name": "Кресло эргономичное", "sku": "KR-01",
                                              "price": "12000"})
    activities.log_activity(db, office.rep1, alfa.id, {
        "kind": "call", "date": "2026-11-20",
        "note": "Клиент просит скидку на кресла и доставку до пятницы"})
    rival = market.create_competitor(db, office.head, {
        "name": "Мебель-Сити", "strengths": "Дешёвые кресла, склад в Москве"})
    market.add_note(db, office.head, {"title": "Комус снизил цены на кресла",
                                      "date": "2026-11-15"}, rival.id)
    for typed in ("кресл", "Кресл", "КРЕСЛ"):
        found = _kinds(search_everything(db, office.head, typed))
        assert found["product"] == ["Кресло эргономичное"], typed
        assert found["note"] == ["Комус снизил цены на кресла"], typed
        assert found["competitor"] == ["Мебель-Сити"], typed
        assert any("скидку на кресла" in t for t in found["activity"]), typed
    # A SKU, and the snippet of a long note around what was typed.
    assert _kinds(search_everything(db, office.rep1, "kr-01"))["product"]
    hit = next(h for h in search_everything(db, office.rep1, "доставку")
               if h.kind == "activity")
    assert "доставку" in hit.title and hit.client_id == alfa.id and "Альфа" in hit.subtitle


def test_activity_notes_stay_within_the_scope(office: Office) -> None:
    db = office.db
    alfa = clients.create_client(db, office.rep1, {"name": "Альфа"}).client
    activities.log_activity(db, office.rep1, alfa.id, {
        "kind": "meeting", "date": "2026-11-20", "note": "Секретный бюджет на переоснащение"})
    assert _kinds(search_everything(db, office.rep1, "бюджет")).get("activity")
    assert not _kinds(search_everything(db, office.rep2, "бюджет")).get("activity")
    assert _kinds(search_everything(db, office.manager1, "бюджет")).get("activity")


def test_the_getting_started_steps_follow_what_the_office_holds(office: Office) -> None:
    from salesdesk.services import documents, onboarding, planning

    db = office.db

    def done(actor: object) -> dict[str, bool]:
        return {s.key: s.done for s in onboarding.first_steps(db, actor)}

    # The office fixture has full company details and six users, nothing else.
    assert done(office.head) == {"company": True, "team": True, "clients": False,
                                 "products": False, "targets": False, "document": False}
    assert set(done(office.rep1)) == {"clients", "document"}  # a rep's own steps
    alfa = clients.create_client(db, office.rep1, {"name": "Альфа"}).client
    products.create_product(db, office.head, {"name": "Стол", "price": "100"})
    planning.set_target(db, office.manager1, office.rep1.id, "2026-12", "100000")
    documents.create_document(db, office.rep1, "proposal", alfa.id,
                              lines=[{"description": "Стол", "price": "100"}])
    assert all(done(office.head).values()) and all(done(office.rep1).values())
    assert done(office.rep2) == {"clients": False, "document": False}  # within the scope
