"""The calendar page: a meeting dragged to another day and time is moved by the core
(and audited); a drag of an issued document's date is refused and nothing moves; the
keyboard moves too; a meeting is planned from the form and reminded a quarter of an
hour ahead; the Due list asks its outcome and logs the contact."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from salesdesk import clock
from salesdesk.db.models import Activity, AuditEntry
from salesdesk.services import appointments, calendar, clients, documents
from tests import TODAY
from tests.ui.conftest import settle


def _mouse(widget: Any, kind: QEvent.Type, point: QPointF,
           buttons: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    """A mouse event sent straight to the widget (the offscreen platform has no cursor
    to move)."""
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else \
        Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, point, widget.mapToGlobal(point), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: Any, start: QPointF, end: QPointF) -> None:
    """Press, move in steps, release: as a hand drags."""
    _mouse(widget, QEvent.Type.MouseButtonPress, start)
    for step in range(1, 6):
        _mouse(widget, QEvent.Type.MouseMove, start + (end - start) * step / 5)
    _mouse(widget, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def _other_day() -> date:
    """Another day of TODAY's week (Monday to Sunday)."""
    return TODAY + timedelta(days=1) if TODAY.weekday() < 6 else TODAY - timedelta(days=1)


def _calendar(window: Any, qtbot: Any, mode: str = "week") -> Any:
    page = window.show_page("calendar")
    page.anchor = TODAY
    page.set_mode(mode)
    settle(qtbot)
    return page


def _plan(ctx: Any, subject: str, day: date, at: str = "10:00") -> Any:
    client = clients.create_client(ctx.db, ctx.actor, {"name": f"Клиент «{subject}»"}).client
    return appointments.plan_appointment(ctx.db, ctx.actor, client.id, {
        "subject": subject, "date": day.isoformat(), "start_minute": at,
        "duration_minutes": "60"})


def test_a_meeting_dragged_to_another_day_and_time_is_moved_and_audited(
        window_for: Any, qtbot: Any, errors: list[BaseException]) -> None:
    window = window_for("rep1")
    ctx = window.ctx
    meeting = _plan(ctx, "Встреча для переноса", TODAY)
    page = _calendar(window, qtbot)
    view = page.view
    rect = view.rect_of("meeting", meeting.id)
    assert rect is not None, "the meeting is drawn in its week"
    target_day = _other_day()
    grab = rect.center()
    # The event's top goes to 14:00 of the other day (the drag keeps where it was held).
    offset = grab - rect.topLeft()
    end = QPointF(view.point_at(target_day, 14 * 60)) + QPointF(0, offset.y())
    drag(view, grab, end)
    settle(qtbot)
    assert errors == []
    moved = appointments.get_appointment(ctx.db, ctx.actor, meeting.id)
    assert (moved.date, moved.start_minute) == (target_day, 14 * 60)
    with ctx.db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.record_id == meeting.id,
                                                     AuditEntry.action == "update")).all()
    assert len(entries) == 1 and entries[0].user_id == ctx.actor.id
    assert entries[0].changes["date"][1] == target_day.isoformat()
    assert entries[0].changes["start_minute"] == [600, 840]
    # The page shows it where it now is.
    new_rect = view.rect_of("meeting", meeting.id)
    assert new_rect is not None and abs(new_rect.center().x() - end.x()) < new_rect.width()


def test_an_invoice_does_not_move_and_a_refused_move_is_said(
        window_for: Any, qtbot: Any, errors: list[BaseException]) -> None:
    window = window_for("rep1")
    ctx = window.ctx
    client = clients.create_client(ctx.db, ctx.actor, {"name": "ООО «Счёт»"}).client
    draft = documents.create_document(ctx.db, ctx.actor, "invoice", client.id, lines=[
        {"description": "Стол", "quantity": "1", "unit": "шт", "price": "100"}])
    invoice = documents.issue_document(ctx.db, ctx.actor, draft.id)
    page = _calendar(window, qtbot, "month")
    view = page.view
    # The month as the page read it, drawn alone with the invoice (a busy demo day
    # would fold it under "+N more").
    mine = [e for e in view.events if e.record_id == invoice.id]
    view.set_events("month", view.start, view.end, view.anchor, mine)
    [placed] = view.placed
    assert placed.event.kind == "invoice" and not placed.event.movable
    before = placed.event.day
    assert before == invoice.due_date
    target = before + timedelta(days=1 if before.weekday() < 6 else -1)
    moved: list[Any] = []
    view.sig_moved.connect(lambda *a: moved.append(a))
    drag(view, placed.rect.center(), QPointF(view.point_at(target)))
    settle(qtbot)
    assert moved == []  # nothing was asked of the core: it does not move
    events = calendar.calendar_events(ctx.db, ctx.actor, view.start, view.end)
    assert [e.day for e in events if e.record_id == invoice.id] == [before]
    assert errors == []
    # A move the core refuses (somebody changed the meeting since it was read) is shown
    # as an error, and the page reads the truth again.
    meeting = _plan(ctx, "Встреча с устаревшей версией", TODAY)
    page.refresh()
    settle(qtbot)
    shown = next(e for e in view.events if e.record_id == meeting.id)
    appointments.update_appointment(ctx.db, ctx.actor, meeting.id, {"place": "Офис"})
    page.move(shown, _other_day(), 600)
    settle(qtbot)
    assert len(errors) == 1 and "changed this record" in str(errors[0])
    assert appointments.get_appointment(ctx.db, ctx.actor, meeting.id).date == TODAY


def test_the_keyboard_moves_and_opens(window_for: Any, qtbot: Any) -> None:
    window = window_for("rep1")
    ctx = window.ctx
    meeting = _plan(ctx, "Встреча с клавиатуры", TODAY, "11:00")
    page = _calendar(window, qtbot, "day")
    view = page.view
    view.setFocus()
    view.selected = next(p.event for p in view.placed if p.event.record_id == meeting.id)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert appointments.get_appointment(ctx.db, ctx.actor, meeting.id).start_minute == 675
    opened: list[Any] = []
    view.sig_open.connect(opened.append)
    view.selected = next(p.event for p in view.placed if p.event.record_id == meeting.id)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert [e.record_id for e in opened] == [meeting.id]


def test_a_meeting_planned_in_the_form_is_reminded_ahead_and_done_from_due(
        window_for: Any, qtbot: Any, monkeypatch: Any) -> None:
    from salesdesk_ui.dialogs import record_forms

    window = window_for("rep1")
    ctx = window.ctx
    client = clients.create_client(ctx.db, ctx.actor, {"name": "ООО «Напоминание»"}).client
    dialog = record_forms.appointment_form(window, ctx, client_id=client.id, day=TODAY,
                                           minute=15 * 60)
    qtbot.addWidget(dialog)
    dialog.widgets["subject"].setText("Показ образцов")
    dialog.widgets["place"].setText("Склад, ворота 3")
    dialog.save()
    settle(qtbot)
    [made] = [a for a in appointments.list_appointments(ctx.db, ctx.actor, client_id=client.id)]
    assert (made.subject, made.date, made.start_minute, made.duration_minutes) == (
        "Показ образцов", TODAY, 900, 60)
    # A quarter of an hour ahead the reminder comes, once.
    clock.set_clock(datetime(TODAY.year, TODAY.month, TODAY.day, 14, 47).astimezone())
    window.reminders.check_soon()
    settle(qtbot)
    assert "15:00" in window.reminders.last_soon and "Показ образцов" in \
        window.reminders.last_soon and "Склад, ворота 3" in window.reminders.last_soon
    window.reminders.last_soon = ""
    window.reminders.check_soon()
    settle(qtbot)
    assert window.reminders.last_soon == ""  # told once
    # It took place: Done in the Due list asks the outcome and logs the contact.
    clock.set_clock(datetime(TODAY.year, TODAY.month, TODAY.day, 16, 30).astimezone())
    monkeypatch.setattr(record_forms, "ask_text", lambda *_a: "Заказали пробную партию")
    due = window.open_due()
    qtbot.addWidget(due)
    settle(qtbot)
    row = [i.record_id for i in due.items].index(made.id)
    # At half past four the three o'clock meeting should have ended: overdue, to be done.
    assert due.table.item(row, 0).text().endswith("15:00, overdue")
    due.table.selectRow(row)
    assert due.done_button.isEnabled()
    due.done_selected()
    settle(qtbot)
    done = appointments.get_appointment(ctx.db, ctx.actor, made.id)
    assert done.status == "done" and done.outcome == "Заказали пробную партию"
    with ctx.db.read() as s:
        activity = s.get(Activity, done.activity_id)
        assert activity is not None and activity.kind == "meeting"
    assert made.id not in [i.record_id for i in due.items]
