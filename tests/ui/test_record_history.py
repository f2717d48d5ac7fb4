"""A client card's History tab and the head's audit log speak the user's language, and
the stage probabilities set in Settings weigh the pipeline on the Deals page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from salesdesk.auth import login
from salesdesk.db.engine import Database
from salesdesk.demo import DEMO_PASSWORD
from salesdesk.i18n import set_language
from salesdesk.services import company, deals
from tests.ui.conftest import settle


def _open_deal(db: Database) -> Any:
    head = login(db, "head", DEMO_PASSWORD)
    return head, next(d for d in deals.list_deals(db, head) if d.stage == "new")


def test_the_history_tab_tells_who_changed_what_in_russian(
        window_for: Any, qtbot: Any, demo_db: Database) -> None:
    from salesdesk_ui.dialogs.client_card import ClientCard

    head, deal = _open_deal(demo_db)
    deals.update_deal(demo_db, head, deal.id, {"amount": "250000", "stage": "qualified"},
                      deal.version)
    set_language("ru")
    try:
        window = window_for("head")
        card = ClientCard(window.ctx, deal.client_id, window)
        qtbot.addWidget(card)
        card.show()
        settle(qtbot)
        titles = [card.tabs.tabText(i) for i in range(card.tabs.count())]
        assert any(t.startswith("История") for t in titles)
        model = card.history_model
        row = next(r for r in range(model.rowCount())
                   if deal.title in model.index(r, 3).data())
        cells = [model.index(row, c).data() for c in range(5)]
        assert cells[1] == head.name and cells[2] == "Изменено"
        assert cells[3] == f"Сделка «{deal.title}»"
        # Field labels and values as the window shows them, never keys or codes.
        assert "Сумма:" in cells[4] and "250\u00a0000,00\u00a0₽" in cells[4]
        assert "Стадия: Новая → Квалификация" in cells[4]
        assert "amount" not in cells[4] and "qualified" not in cells[4]
    finally:
        set_language("en")


def test_the_heads_audit_log_names_records_not_tables(window_for: Any, qtbot: Any,
                                                      demo_db: Database) -> None:
    head, deal = _open_deal(demo_db)
    deals.update_deal(demo_db, head, deal.id, {"amount": "1234.5"}, deal.version)
    window = window_for("head")
    page = window.show_page("settings")
    settle(qtbot)
    rows = [[page.audit.index(r, c).data() for c in range(5)]
            for r in range(page.audit.rowCount())]
    first = next(row for row in rows if deal.title in row[3])
    assert first[2] == "Changed" and first[3] == f"Deal «{deal.title}»"
    assert "Amount: " in first[4] and "₽1,234.50" in first[4]
    texts = [page.audit.index(r, c).data() for r in range(page.audit.rowCount())
             for c in range(5)]
    assert not any(t in ("create", "update", "demo", "deals") for t in texts)
    assert not any("seed" in (t or "") for t in texts)


def test_stage_probabilities_are_set_in_settings_and_weigh_the_board(
        window_for: Any, qtbot: Any, demo_db: Database) -> None:
    window = window_for("head")
    settings = window.show_page("settings")
    settle(qtbot)
    spin = settings.probabilities["new"]
    assert spin.isEnabled() and spin.value() == 10.0
    spin.setValue(50)
    qtbot.mouseClick(settings.save_probabilities, Qt.MouseButton.LeftButton)
    settle(qtbot)
    head = login(demo_db, "head", DEMO_PASSWORD)
    assert company.get_company(demo_db, head).stage_probabilities["new"] == Decimal(50)
    page = window.show_page("deals")
    settle(qtbot)
    board = deals.pipeline_board(demo_db, head)
    new = next(c for c in board if c.stage == "new")
    assert new.weighted == (new.total / 2).quantize(Decimal("0.01"))
    expected = sum((c.weighted for c in board if c.stage not in ("won", "lost")), Decimal(0))
    assert page.weighted == expected
    assert "weighted pipeline" in page.header.count.text()


def test_a_representative_sees_the_probabilities_but_cannot_change_them(
        window_for: Any, qtbot: Any) -> None:
    window = window_for("rep1")
    settings = window.show_page("settings")
    settle(qtbot)
    assert not settings.probabilities["proposal"].isEnabled()
    assert not hasattr(settings, "save_probabilities")


def test_duplicates_are_listed_side_by_side_and_merged(
        window_for: Any, qtbot: Any, demo_db: Database, errors: list[BaseException]) -> None:
    from salesdesk.services import clients

    window = window_for("head")
    page = window.show_page("clients")
    settle(qtbot)
    dialog = page.open_duplicates()
    qtbot.addWidget(dialog)
    settle(qtbot)
    assert dialog.list.count() > 0 and "pair" in dialog.summary.text()
    pair = dialog.pair
    assert pair is not None and pair.describe() in dialog.list.item(0).text()
    # Keep the second and take the first one's city, if they differ.
    dialog.keep_b.setChecked(True)
    if "city" in dialog.groups:
        dialog.groups["city"].button(1).setChecked(True)
        assert dialog.choices() == {"city"}
    chosen = dialog.choices()
    count = dialog.list.count()
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    settle(qtbot)
    assert errors == []
    head = login(demo_db, "head", DEMO_PASSWORD)
    kept = clients.get_client(demo_db, head, pair.second.id)
    expected = pair.first.city if "city" in chosen else (pair.second.city or pair.first.city)
    assert kept.city == expected
    gone = [c.id for c in clients.list_clients(demo_db, head, clients.ClientQuery(
        text=pair.first.name, limit=50))]
    assert pair.first.id not in gone
    assert dialog.list.count() == count - 1


def test_representatives_have_no_duplicates_button(window_for: Any, qtbot: Any) -> None:
    window = window_for("rep1")
    page = window.show_page("clients")
    settle(qtbot)
    assert page.findChild(type(page.header), "duplicates_button") is None
    from PySide6.QtWidgets import QPushButton

    assert page.findChild(QPushButton, "duplicates_button") is None


def test_a_new_office_gets_a_checklist_on_the_dashboard(qtbot: Any, tmp_path: Any) -> None:
    from salesdesk.db.migrate import open_database
    from salesdesk.services.company import initialize
    from salesdesk_ui.main_window import MainWindow
    from tests.ui.conftest import context_for

    db = open_database(tmp_path / "new.db", create=True)
    initialize(db, "ООО «Новая»", "head", "Анна Новикова", DEMO_PASSWORD)
    window = MainWindow(context_for(db, "head", tmp_path))
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    page = window.page("dashboard")
    checklist = page.start
    assert checklist.isVisible()
    assert checklist.heading.text() == "Getting started: 0 of 6 done"
    assert [s.key for s in checklist.steps] == ["company", "team", "clients", "products",
                                                "targets", "document"]
    from PySide6.QtWidgets import QPushButton

    qtbot.mouseClick(checklist.findChild(QPushButton, "start_clients"),
                     Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.page("clients")
    window.show_page("dashboard")
    settle(qtbot)
    page._hide_start()
    page.refresh()
    settle(qtbot)
    assert not checklist.isVisible()  # hidden, and it stays so
    db.dispose()
