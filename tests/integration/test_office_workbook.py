"""The whole office out and back: ``export all`` → a new database → ``import all`` →
``export all`` gives the same workbook; every kind exports with headers in either
language; what a representative exports is only what they see."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from salesdesk.auth import login
from salesdesk.db.engine import Database
from salesdesk.db.migrate import open_database
from salesdesk.demo import DEMO_PASSWORD, build_demo
from salesdesk.errors import AuthenticationError, ValidationError
from salesdesk.services.company import initialize
from salesdesk.workbook import TABLE_KINDS, TABLES, export_all, export_table, import_all
from tests import TODAY


def _sheets(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    try:
        return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}
    finally:
        book.close()


@pytest.fixture
def demo(db: Database) -> Database:
    build_demo(db, seed=1, today=TODAY)
    return db


def test_export_all_import_all_export_all_is_the_same_workbook(demo: Database,
                                                               tmp_path: Path) -> None:
    head = login(demo, "head", DEMO_PASSWORD)
    first = tmp_path / "office.xlsx"
    counts = export_all(demo, head, first, headers="ru")
    assert set(counts) == set(TABLES) and counts["clients"] > 100 and counts["documents"]
    # Meetings, the budget and the onboarding templates go out and come back too.
    assert counts["appointments"] and counts["marketing_budget"]
    assert counts["training_templates"]
    target = open_database(tmp_path / "new.db", create=True)
    new_head = initialize(target, "Новая", "head", "Кто-то", "long-enough-secret")
    imported = import_all(target, new_head, first)
    assert imported == counts
    second = tmp_path / "again.xlsx"
    export_all(target, new_head, second, headers="ru")
    assert _sheets(first) == _sheets(second)
    # Passwords never leave; imported users wait for the head to set theirs.
    assert "password_hash" not in str(_sheets(first)["Пользователи"][0])
    with pytest.raises(AuthenticationError):
        login(target, "rep1", DEMO_PASSWORD)
    with pytest.raises(ValidationError, match="empty database"):
        import_all(target, new_head, first)
    target.dispose()

    # Each kind on its own, headers in either language; a representative's export is
    # what the representative sees (one demo serves both checks: it takes a while).
    rep = login(demo, "rep1", DEMO_PASSWORD)
    for kind in TABLE_KINDS:
        for style in ("ru", "en"):
            export_table(demo, head, kind, tmp_path / f"{kind}-{style}.csv", style)
    header = (tmp_path / "contacts-ru.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "Должность" in header and "position" not in header
    header = (tmp_path / "contacts-en.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "Position" in header
    mine = export_all(demo, rep, tmp_path / "mine.xlsx")
    everything = export_all(demo, head, tmp_path / "all.xlsx")
    assert mine["users"] == 1 and mine["clients"] < everything["clients"]
    # A representative sees neither the spend nor the budget, and only their meetings.
    assert mine["marketing_spend"] == mine["marketing_budget"] == 0
    assert 0 < mine["appointments"] < everything["appointments"]


def test_a_hostile_workbook_is_refused_whole(db: Database, tmp_path: Path) -> None:
    head = initialize(db, "ООО «Ромашка»", "head", "Иван", "long-enough-secret")
    book = Workbook()
    sheet = book.active
    sheet.title = "clients"
    sheet.append(["id", "name", "inn", "owner_id", "status", "kind", "document_language",
                  "priority"])
    sheet.append(["6c1f2a5e-1d1b-4f7e-9f55-0a8b0c1d2e3f", "ООО «Бета»", "1234567890", "head",
                  "active", "company", "ru", False])
    path = tmp_path / "hostile.xlsx"
    book.save(path)
    with pytest.raises(ValidationError, match="INN"):
        import_all(db, head, path)
    from sqlalchemy import func, select

    from salesdesk.db.models import Client

    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 0
