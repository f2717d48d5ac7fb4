"""The "Due" list and the reminders: what is due shows on the top bar and in the list;
Done ticks a task off, Snooze keeps an item quiet, through the core's own services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salesdesk import clock
from salesdesk.services import tasks
from salesdesk.services.due import DueItem, due_items
from salesdesk_ui import reminders
from tests import TODAY
from tests.ui.conftest import settle


def _rows(dialog: Any) -> list[str]:
    return [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]


def test_the_due_list_ticks_off_and_snoozes(window_for: Any, qtbot: Any, tmp_path: Any) -> None:
    window = window_for("rep1")
    ctx = window.ctx
    late = tasks.create_task(ctx.db, ctx.actor, {"title": "Позвонить в бухгалтерию",
                                                 "due_date": (TODAY - timedelta(days=1))
                                                 .isoformat()})
    soon = tasks.create_task(ctx.db, ctx.actor, {"title": "Отправить образцы",
                                                 "due_date": TODAY.isoformat()})
    window.reminders.check()
    settle(qtbot)
    due_now = [i for i in due_items(ctx.db, ctx.actor, 0)]
    assert window.due_button.text() == f"Due · {len(due_now)}"
    assert f"task:{late.id}" in window.reminders.shown  # told about (once)
    assert window.reminders.last_message.splitlines()[0] == (
        f"{len(due_now)} things are due or overdue")

    dialog = window.open_due()
    qtbot.addWidget(dialog)
    settle(qtbot)
    titles = _rows(dialog)
    assert "Позвонить в бухгалтерию" in titles and "Отправить образцы" in titles
    row = titles.index("Позвонить в бухгалтерию")
    assert dialog.table.item(row, 0).text().endswith("overdue")
    dialog.table.selectRow(row)
    assert dialog.done_button.isEnabled()
    dialog.done_selected()
    settle(qtbot)
    assert tasks.list_tasks(ctx.db, ctx.actor, include_done=True)  # still there, but done
    assert late.id not in {t.id for t in tasks.list_tasks(ctx.db, ctx.actor)}
    assert "Позвонить в бухгалтерию" not in _rows(dialog)
    assert window.due_button.text() == f"Due · {len(due_now) - 1}"

    row = _rows(dialog).index("Отправить образцы")
    dialog.table.selectRow(row)
    dialog.snooze_selected(clock.now() + timedelta(hours=1))
    settle(qtbot)
    assert reminders.key_of(next(i for i in dialog.items if i.record_id == soon.id)) in \
        reminders.snoozes(ctx.settings)
    row = _rows(dialog).index("Отправить образцы")
    assert "(snoozed)" in dialog.table.item(row, 0).text()
    assert window.due_button.text() == f"Due · {len(due_now) - 2}"  # snoozed: not counted
    dialog.grab().save(str(tmp_path / "due.png"))


def _item(kind: str, due_in: int, title: str = "x") -> DueItem:
    import uuid

    day = TODAY + timedelta(days=due_in)
    return DueItem(kind, uuid.uuid4(), title, None, "Клиент", None, day, due_in < 0)


def test_reminders_tell_once_and_not_while_snoozed(qtbot: Any) -> None:
    items = [_item("task", -1, "Позвонить"), _item("invoice", 0, "R1-0001"),
             _item("delivery", 2, "Кресла")]  # not due yet: not reminded today
    shown: set[str] = set()
    first = reminders.to_remind(items, {}, shown)
    assert [i.title for i in first] == ["Позвонить", "R1-0001"]
    shown.update(reminders.key_of(i) for i in first)
    assert reminders.to_remind(items, {}, shown) == []
    snoozed = {reminders.key_of(items[0]): clock.now() + timedelta(hours=1)}
    assert reminders.to_remind(items, snoozed, set()) == [items[1]]
    text = reminders.message([_item("task", 0, f"Дело {n}") for n in range(6)])
    assert text.splitlines()[0] == "6 things are due or overdue"
    assert text.splitlines()[-1] == "…and 2 more"


def test_snoozes_outlive_a_restart_and_expire(tmp_path: Any) -> None:
    from PySide6.QtCore import QSettings

    path = str(tmp_path / "s.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    item, other = _item("task", 0), _item("request", 0)
    reminders.snooze(settings, [item], clock.now() + timedelta(hours=1))
    reminders.snooze(settings, [other], clock.now() - timedelta(minutes=1))  # already over
    settings.sync()
    again = QSettings(path, QSettings.Format.IniFormat)
    assert set(reminders.snoozes(again)) == {reminders.key_of(item)}
    again.setValue(reminders.SNOOZED, {"task:x": "not a moment"})
    assert reminders.snoozes(again) == {}
