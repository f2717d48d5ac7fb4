"""Habits every table keeps: headers sort (the database sorts the record lists), rows
have a right-click menu; the Kanban board's menu, keyboard moves, edge scrolling and
the Won and Lost targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableView

from salesdesk.auth import login
from salesdesk.db.engine import Database
from salesdesk.demo import DEMO_PASSWORD
from salesdesk.services import deals, documents, tasks
from tests.ui.conftest import settle


def _click_header(qtbot: Any, view: QTableView, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    settle(qtbot)


def _menu_texts(menu: Any) -> list[str]:
    return [a.text() for a in menu.actions() if a.text()]


def test_documents_sort_by_any_column_in_the_database(window_for: Any, qtbot: Any,
                                                      demo_db: Database) -> None:
    window = window_for("head")
    page = window.show_page("documents")
    settle(qtbot)
    page.tabs.setCurrentIndex(1)
    settle(qtbot)
    view, model = page.views["invoice"], page.models["invoice"]
    total_column = 4
    _click_header(qtbot, view, total_column)
    shown = [model.record(r).total for r in range(model.rowCount())]
    assert model.sort_key == "total" and shown == sorted(shown)
    _click_header(qtbot, view, total_column)  # again: the other way
    shown = [model.record(r).total for r in range(model.rowCount())]
    assert model.descending and shown == sorted(shown, reverse=True)
    # The same order the service gives for the whole list, not a page sorted here.
    head = login(demo_db, "head", DEMO_PASSWORD)
    top = documents.list_documents(demo_db, head, documents.DocumentQuery(
        kind="invoice", sort="total", descending=True, limit=1))[0]
    assert model.record(0).id == top.id


def test_tasks_and_products_sort_too(window_for: Any, qtbot: Any) -> None:
    window = window_for("manager1")
    work = window.show_page("work")
    settle(qtbot)
    _click_header(qtbot, work.task_view, 0)
    titles = [work.task_model.record(r).title for r in range(work.task_model.rowCount())]
    assert work.task_model.sort_key == "title"
    assert titles == sorted(titles, key=str.casefold) or titles == sorted(titles)
    products = window.show_page("products")
    settle(qtbot)
    _click_header(qtbot, products.view, 3)
    prices = [products.model.record(r).price for r in range(products.model.rowCount())]
    assert products.model.sort_key == "price" and prices == sorted(prices)


def test_a_row_menu_copies_and_acts_on_its_record(window_for: Any, qtbot: Any,
                                                  demo_db: Database) -> None:
    window = window_for("rep1")
    page = window.show_page("work")
    settle(qtbot)
    view = page.task_view
    assert page.task_model.rowCount() > 0
    first = page.task_model.record(0)
    rect = view.visualRect(page.task_model.index(0, 0))
    view.customContextMenuRequested.emit(rect.center())
    menu = view.row_menu
    texts = _menu_texts(menu)
    assert texts[:2] == ["Edit", "Mark done"] and "Delete…" in texts
    assert texts[-2:] == ["Copy cell", "Copy row"]
    next(a for a in menu.actions() if a.text() == "Copy row").trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied.split("\t")[0] == first.title
    next(a for a in menu.actions() if a.text() == "Mark done").trigger()
    settle(qtbot)
    rep1 = login(demo_db, "rep1", DEMO_PASSWORD)
    done = [t for t in tasks.list_tasks(demo_db, rep1, include_done=True) if t.id == first.id]
    assert done[0].done_on is not None


def test_every_table_of_the_window_has_a_row_menu(window_for: Any, qtbot: Any) -> None:
    window = window_for("head")
    for key in ("clients", "documents", "work", "products", "market", "team", "strategy",
                "reports", "settings"):
        page = window.show_page(key)
        settle(qtbot)
        for view in page.findChildren(QTableView):
            assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu, (
                key, view.objectName())


def test_kanban_card_menu_moves_and_marks_won(window_for: Any, qtbot: Any,
                                              demo_db: Database) -> None:
    window = window_for("head")
    page = window.show_page("deals")
    settle(qtbot)
    column = page.columns["new"]
    deal = column.item(0).data(Qt.ItemDataRole.UserRole)
    menu = page.card_menu(deal)
    texts = _menu_texts(menu)
    assert {"Open", "Move to stage", "Mark won", "Mark lost…", "New task",
            "Open the client"} <= set(texts)
    move = next(a for a in menu.actions() if a.text() == "Move to stage").menu()
    next(a for a in move.actions() if a.text() == "Proposal").trigger()
    settle(qtbot)
    head = login(demo_db, "head", DEMO_PASSWORD)
    assert deals.get_deal(demo_db, head, deal.id).stage == "proposal"
    moved = deals.get_deal(demo_db, head, deal.id)
    next(a for a in page.card_menu(moved).actions() if a.text() == "Mark won").trigger()
    settle(qtbot)
    assert deals.get_deal(demo_db, head, deal.id).stage == "won"


def test_kanban_keyboard_moves_a_card_one_stage(window_for: Any, qtbot: Any,
                                                demo_db: Database) -> None:
    window = window_for("head")
    page = window.show_page("deals")
    settle(qtbot)
    column = page.columns["qualified"]
    column.setFocus()
    column.setCurrentRow(0)
    deal = column.item(0).data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(column, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    head = login(demo_db, "head", DEMO_PASSWORD)
    assert deals.get_deal(demo_db, head, deal.id).stage == "proposal"
    page.columns["proposal"].setFocus()
    row = next(r for r in range(page.columns["proposal"].count())
               if page.columns["proposal"].item(r).data(Qt.ItemDataRole.UserRole).id == deal.id)
    page.columns["proposal"].setCurrentRow(row)
    qtbot.keyClick(page.columns["proposal"], Qt.Key.Key_Left,
                   Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert deals.get_deal(demo_db, head, deal.id).stage == "qualified"


def test_kanban_drag_shows_won_and_lost_targets_and_scrolls_at_the_edges(
        window_for: Any, qtbot: Any) -> None:
    window = window_for("head")
    page = window.show_page("deals")
    settle(qtbot)
    assert not page.drop_zones.isVisible()
    page._dragging(True)
    assert page.drop_zones.isVisible()
    names = {z.objectName() for z in page.drop_zones.findChildren(type(page.drop_zones)) if
             z.objectName()} | {c.objectName() for c in page.drop_zones.children()
                                if hasattr(c, "objectName")}
    assert {"drop_won", "drop_lost"} <= names
    page._dragging(False)
    assert not page.drop_zones.isVisible()
    # Narrower than the seven columns: a drag near the right edge scrolls the board on.
    window.resize(900, 700)
    settle(qtbot)
    column = page.columns["new"]
    bar = column.board.horizontalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(0)
    width = column.board.viewport().width()
    assert column.scroll_board(QPoint(width - 5, 50)) > 0 and bar.value() > 0
    assert column.scroll_board(QPoint(bar.value() + 5, 50)) < 0


def test_card_ages_use_one_unit(window_for: Any, qtbot: Any) -> None:
    from salesdesk_ui.pages.deals import card_age

    window = window_for("head")
    page = window.show_page("deals")
    settle(qtbot)
    ages = {card_age(page.columns[s].item(r).data(Qt.ItemDataRole.UserRole))
            for s in ("new", "qualified") for r in range(page.columns[s].count())}
    assert ages and all(a.endswith(" d.") for a in ages)
    item = page.columns["new"].item(0)
    assert item.toolTip().endswith(card_age(item.data(Qt.ItemDataRole.UserRole)))


def test_weighted_sum_is_a_stage_total_times_its_probability() -> None:
    from salesdesk.metrics.engine import forecast_of

    assert forecast_of({"proposal": Decimal("1000.00")}, {"proposal": Decimal(50)}) == \
        Decimal("500.00")


def test_a_refused_target_cell_keeps_the_text_and_names_person_and_month(
        window_for: Any, qtbot: Any, errors: list[BaseException]) -> None:
    window = window_for("manager1")
    page = window.show_page("team")
    settle(qtbot)
    grid = page.targets
    rows = {grid.verticalHeaderItem(r).toolTip(): r for r in range(grid.rowCount())}
    name, row = next((n, r) for n, r in rows.items() if "Кузнецов" in n)
    grid.item(row, 2).setText("двенадцать")
    settle(qtbot)
    assert errors == []  # said in place, not in a dialog
    assert grid.item(row, 2).text() == "двенадцать"  # what was typed stays
    message = page.target_error.text()
    assert not page.target_error.isHidden() and name in message and "Mar" in message
    assert grid.item(row, 2).toolTip() == message
    grid.item(row, 2).setText("150 000")
    settle(qtbot)
    assert page.target_error.isHidden()


def test_global_search_finds_products_and_notes_and_opens_them(
        window_for: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from salesdesk_ui.forms import FormDialog

    window = window_for("rep1")
    window.search.setText("кресл")
    window._run_search()
    settle(qtbot)
    hits = [window.popup.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(window.popup.list.count())]
    kinds = {h.kind for h in hits if h is not None}
    assert {"product", "note"} <= kinds
    product = next(h for h in hits if h is not None and h.kind == "product")
    window._open_hit(product)
    settle(qtbot)
    assert window.stack.currentWidget() is window.page("products")
    forms = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, FormDialog) and w.isVisible()]
    assert forms and forms[-1].windowTitle() == "Product"
    for form in forms:
        form.close()


def test_spend_notes_and_training_are_corrected_or_removed_from_their_rows(
        window_for: Any, qtbot: Any, demo_db: Database, errors: list[BaseException]) -> None:
    from salesdesk.services import market, planning, training

    window = window_for("head")
    head = login(demo_db, "head", DEMO_PASSWORD)
    strategy = window.show_page("strategy")
    settle(qtbot)
    entry = strategy.spend.record(0)
    from salesdesk_ui.forms import FormDialog

    strategy.edit_spend(entry)

    form = strategy.findChildren(FormDialog)[-1]
    form.widgets["amount"].setText("12,345.00")
    form.widgets["amount"].editingFinished.emit()
    with qtbot.waitSignal(form.sig_saved, timeout=10_000):
        form.save()
    settle(qtbot)
    assert any(s.id == entry.id and s.amount == Decimal("12345.00")
               for s in planning.list_spend(demo_db, head))
    market_page = window.show_page("market")
    settle(qtbot)
    note = market_page.notes.record(0)
    market_page.show_note(note)
    form = market_page.findChildren(FormDialog)[-1]
    form.widgets["title"].setText("Комус снова снизил цены")
    with qtbot.waitSignal(form.sig_saved, timeout=10_000):
        form.save()
    settle(qtbot)
    assert any(n.title == "Комус снова снизил цены" for n in market.list_notes(demo_db, head))
    team = window.show_page("team")
    settle(qtbot)
    item = team.training_model.record(0)
    team.delete_training(item)
    settle(qtbot)
    assert errors == []
    assert item.id not in {t.id for t in training.list_training(demo_db, head)}


def test_global_search_finds_a_meeting_and_opens_it(window_for: Any, qtbot: Any,
                                                    demo_db: Database) -> None:
    """A planned meeting is found by its subject and opens in its form."""
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from salesdesk.db.models import Appointment, User
    from salesdesk_ui.forms import FormDialog

    with demo_db.read() as session:
        subject = session.scalar(
            select(Appointment.subject).join(User, User.id == Appointment.user_id)
            .where(User.login == "rep1", Appointment.status == "planned",
                   Appointment.deleted_at.is_(None)).limit(1))
    assert subject
    window = window_for("rep1")
    window.search.setText(subject[:14])
    window._run_search()
    settle(qtbot)
    hits = [window.popup.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(window.popup.list.count())]
    meeting = next(h for h in hits if h is not None and h.kind == "appointment")
    assert meeting.title.startswith(subject[:14])
    window._open_hit(meeting)
    settle(qtbot)
    forms = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, FormDialog) and w.isVisible()]
    assert forms and subject in forms[-1].windowTitle()
    for form in forms:
        form.close()
