"""Habits a user brings to a form: a client found by searching (or made on the spot),
never silently pre-set; Save says what stops it; an optional date can be emptied."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from salesdesk.services import clients as client_service
from salesdesk.services import deals as deal_service
from tests.ui.conftest import settle


def _deal_form(window: Any, qtbot: Any) -> Any:
    from salesdesk_ui.dialogs.record_forms import deal_form

    page = window.show_page("deals")
    settle(qtbot)
    dialog = deal_form(page, window.ctx, None)
    qtbot.addWidget(dialog)
    settle(qtbot)
    return dialog


def test_the_deal_form_searches_for_its_client_and_says_what_stops_save(
        window_for: Any, qtbot: Any) -> None:
    window = window_for("rep1")
    ctx = window.ctx
    mine = client_service.list_clients(ctx.db, ctx.actor, client_service.ClientQuery(
        sort="name", descending=True, limit=1))[0]  # the last by name: no list reaches it
    dialog = _deal_form(window, qtbot)
    field = dialog.widgets["client_id"]
    assert field.value() is None and field.shown.text() == ""  # nothing chosen for you
    assert not dialog.save_button.isEnabled()
    assert dialog.blocked.isVisibleTo(dialog)
    assert "Client" in dialog.blocked.text() and "Title" in dialog.blocked.text()
    assert dialog.save_button.toolTip() == dialog.blocked.text()

    field.choose()
    picker = field.picker
    qtbot.addWidget(picker)
    settle(qtbot)
    assert picker.list.count() > 0
    picker.search.setText(mine.name[:12])  # (keyClicks cannot type Cyrillic)
    qtbot.wait(300)  # the search waits for a pause in the typing
    settle(qtbot)
    names = [picker.list.item(i).text() for i in range(picker.list.count())]
    assert any(n.startswith(mine.name) for n in names), names
    while not picker.list.currentItem().text().startswith(mine.name):
        qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert field.value() == mine.id and field.shown.text() == mine.name

    dialog.widgets["title"].setText("Поставка кресел")
    dialog.widgets["amount"].setText("150 000")
    dialog.widgets["amount"].editingFinished.emit()
    assert dialog.save_button.isEnabled() and not dialog.blocked.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save()
    settle(qtbot)
    made = [d for d in deal_service.list_deals(ctx.db, ctx.actor)
            if d.title == "Поставка кресел"]
    assert [d.client_id for d in made] == [mine.id]


def test_a_new_client_is_made_from_the_picker_and_chosen(window_for: Any, qtbot: Any) -> None:
    window = window_for("rep1")
    dialog = _deal_form(window, qtbot)
    field = dialog.widgets["client_id"]
    field.choose()
    picker = field.picker
    qtbot.addWidget(picker)
    picker.search.setText("ООО «Совсем новый»")
    qtbot.wait(300)
    settle(qtbot)
    assert picker.list.count() == 0 and "new" in picker.status.text()
    picker.new_button.click()
    form = next(w for w in picker.findChildren(type(dialog)) if w.isVisible())
    assert form.widgets["name"].text() == "ООО «Совсем новый»"  # as typed in the search
    with qtbot.waitSignal(form.sig_saved, timeout=10_000):
        form.save()
    settle(qtbot)
    assert field.shown.text() == "ООО «Совсем новый»"
    stored = client_service.get_client(window.ctx.db, window.ctx.actor, field.value())
    assert stored.name == "ООО «Совсем новый»"


def test_an_optional_date_once_set_can_be_emptied(window_for: Any, qtbot: Any) -> None:
    window = window_for("rep1")
    dialog = _deal_form(window, qtbot)
    expected = dialog.widgets["expected_close"]
    expected.set_value(date(2027, 3, 1))
    assert dialog.value_of("expected_close") == date(2027, 3, 1)
    dialog.findChild(QToolButton, "clear_expected_close").click()
    assert dialog.value_of("expected_close") is None
    expected.set_value(date(2027, 3, 1))
    qtbot.keyClick(expected, Qt.Key.Key_Delete)
    assert dialog.value_of("expected_close") is None
    # A required date has nothing to clear.
    assert dialog.findChild(QToolButton, "clear_opened_on") is None


def test_a_deleted_client_comes_back_with_ctrl_z_or_from_the_trash(
        window_for: Any, qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    from salesdesk.errors import NotFoundError
    from salesdesk_ui.dialogs.trash_dialog import TrashDialog

    window = window_for("rep1")
    ctx = window.ctx
    page = window.show_page("clients")
    settle(qtbot)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    page.view.setCurrentIndex(page.model.index(0, 0))
    record = page.model.record(0)
    page.delete_selected()
    settle(qtbot)
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    try:
        client_service.get_client(ctx.db, ctx.actor, record.id)
        raise AssertionError("still there")
    except NotFoundError:
        pass
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert client_service.get_client(ctx.db, ctx.actor, record.id).name == record.name
    assert "Restored" in window.statusBar().currentMessage()

    # Deleted again, and brought back from the trash this time.
    client_service.delete_client(ctx.db, ctx.actor, record.id)
    dialog = TrashDialog(ctx, window)
    qtbot.addWidget(dialog)
    settle(qtbot)
    titles = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert titles[0] == record.name
    assert not dialog.restore_button.isEnabled()
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    with qtbot.waitSignal(dialog.sig_restored, timeout=10_000):
        dialog.restore_button.click()
    settle(qtbot)
    assert client_service.get_client(ctx.db, ctx.actor, record.id).name == record.name
    assert record.name not in [dialog.table.item(r, 1).text()
                               for r in range(dialog.table.rowCount())]


def test_an_exception_nothing_caught_reaches_the_error_dialog(
        errors: list[BaseException], monkeypatch: Any) -> None:
    """A slot that raises shows the one error dialog (logged), not a console trace."""
    import sys

    from salesdesk_ui.errors import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    install_excepthook()
    try:
        raise RuntimeError("a slot broke")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert [str(e) for e in errors] == ["a slot broke"]


def test_a_second_client_with_an_inn_is_refused_with_the_first_to_open(
        window_for: Any, qtbot: Any) -> None:
    from salesdesk_ui.dialogs.client_card import ClientCard
    from salesdesk_ui.dialogs.record_forms import client_form

    window = window_for("rep1")
    ctx = window.ctx
    page = window.show_page("clients")
    settle(qtbot)
    first = next(c for c in client_service.list_clients(ctx.db, ctx.actor) if c.inn)
    dialog = client_form(page, ctx)
    qtbot.addWidget(dialog)
    dialog.widgets["name"].setText("ООО «Двойник»")
    dialog.widgets["inn"].setText(first.inn or "")
    dialog.widgets["kpp"].setText(first.kpp or "")
    dialog.save()
    settle(qtbot)
    assert dialog.errors["inn"].isVisibleTo(dialog) and first.name in dialog.errors["inn"].text()
    opener = dialog.findChild(type(dialog.save_button), "open_existing")
    assert opener is not None and opener.isVisibleTo(dialog)
    opener.click()
    settle(qtbot)
    cards = [w for w in window.findChildren(ClientCard) if w.isVisible()]
    assert cards and cards[-1].client_id == first.id
    assert not dialog.isVisible()


def test_tasks_and_deliveries_made_from_the_lists_choose_their_client_by_search(
        window_for: Any, qtbot: Any) -> None:
    from salesdesk.services import deliveries as delivery_service
    from salesdesk.services import tasks as task_service
    from salesdesk_ui.dialogs.record_forms import delivery_form, task_form

    window = window_for("rep1")
    ctx = window.ctx
    mine = client_service.list_clients(ctx.db, ctx.actor, client_service.ClientQuery(
        sort="name", descending=True, limit=1))[0]
    page = window.show_page("work")
    task = task_form(page, ctx)
    qtbot.addWidget(task)
    assert task.widgets["client_id"].value() is None  # optional, and never pre-set
    task.widgets["client_id"].set_value(mine.id, mine.name)
    task.widgets["title"].setText("Позвонить по КП")
    with qtbot.waitSignal(task.sig_saved, timeout=10_000):
        task.save()
    settle(qtbot)
    made = [t for t in task_service.list_tasks(ctx.db, ctx.actor) if t.title == "Позвонить по КП"]
    assert [t.client_id for t in made] == [mine.id]

    delivery = delivery_form(page, ctx)
    qtbot.addWidget(delivery)
    delivery.widgets["description"].setText("Кресла, 12 шт.")
    delivery.widgets["due_date"].set_value(date(2026, 12, 20))
    assert not delivery.save_button.isEnabled() and "Client" in delivery.blocked.text()
    delivery.widgets["client_id"].set_value(mine.id, mine.name)
    assert delivery.save_button.isEnabled()
    with qtbot.waitSignal(delivery.sig_saved, timeout=10_000):
        delivery.save()
    settle(qtbot)
    assert any(d.client_id == mine.id and d.description == "Кресла, 12 шт."
               for d in delivery_service.list_deliveries(ctx.db, ctx.actor))


def test_ctrl_z_puts_back_the_last_edit_unless_someone_changed_it_since(
        window_for: Any, qtbot: Any, errors: list[BaseException]) -> None:
    from salesdesk.errors import ConflictError
    from salesdesk_ui.dialogs.record_forms import deal_form

    window = window_for("rep1")
    ctx = window.ctx
    deal = next(d for d in deal_service.list_deals(ctx.db, ctx.actor)
                if d.stage not in ("won", "lost"))
    page = window.show_page("deals")
    dialog = deal_form(page, ctx, deal.client_id, deal)
    qtbot.addWidget(dialog)
    dialog.widgets["title"].setText("Поставка столов, новая редакция")
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save()
    settle(qtbot)
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    assert deal_service.get_deal(ctx.db, ctx.actor, deal.id).title == \
        "Поставка столов, новая редакция"
    window.undo()
    settle(qtbot)
    assert errors == []
    assert deal_service.get_deal(ctx.db, ctx.actor, deal.id).title == deal.title
    assert "Undone" in window.statusBar().currentMessage()
    # Edited again, then changed by someone else: the undo is refused, nothing lost.
    fresh = deal_service.get_deal(ctx.db, ctx.actor, deal.id)
    dialog = deal_form(page, ctx, deal.client_id, fresh)
    qtbot.addWidget(dialog)
    dialog.widgets["title"].setText("Моя правка")
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save()
    settle(qtbot)
    theirs = deal_service.get_deal(ctx.db, ctx.actor, deal.id)
    deal_service.update_deal(ctx.db, ctx.actor, deal.id, {"title": "Чужая правка"},
                             theirs.version)
    window.undo()
    settle(qtbot)
    assert len(errors) == 1 and isinstance(errors[0], ConflictError)
    assert deal_service.get_deal(ctx.db, ctx.actor, deal.id).title == "Чужая правка"
