"""The "Due" list: what falls due in the coming week, overdue first, with Open, Done and
Snooze (the same core list as ``salesdesk due``; reminders count from it)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import _, format_date
from salesdesk.services import appointments, deliveries, tasks
from salesdesk.services.appointments import clock_text
from salesdesk.services.due import KINDS, DueItem, due_items

from .. import reminders, theme
from ..context import AppContext
from ..worker import Op

DAYS = 7
"""How far ahead the list looks."""

DONE_HERE = {"task", "delivery", "appointment"}
"""What is ticked off in the list itself (a meeting with its outcome; a request is
answered, an invoice paid, on its record)."""


class DueList(QDialog):
    """Due and overdue work; ``sig_open`` asks the window to show a record
    (kind, id), ``sig_changed`` says the list changed what reminders count."""

    sig_open = Signal(str, object)
    sig_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[DueItem] = []
        self.setWindowTitle(_("Due soon"))
        self.setObjectName("due_list")
        layout = QVBoxLayout(self)
        self.note = QLabel("")
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Due"), _("Kind"), _("Title"), _("Client")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(3, 260)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton(theme.icon("mdi6.open-in-new"), _("Open"))
        self.done_button = QPushButton(theme.icon("mdi6.check"), _("Done"))
        self.done_button.setProperty("primary", True)
        self.hour_button = QPushButton(theme.icon("mdi6.alarm-snooze"), _("Snooze an hour"))
        self.tomorrow_button = QPushButton(_("Snooze until tomorrow"))
        for button, slot in ((self.open_button, self.open_selected),
                             (self.done_button, self.done_selected),
                             (self.hour_button, lambda: self.snooze_selected(
                                 clock.now() + timedelta(hours=1))),
                             (self.tomorrow_button, lambda: self.snooze_selected(
                                 reminders.until_tomorrow()))):
            button.clicked.connect(slot)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._selection)
        self.resize(860, 480)
        self._selection()
        self.refresh()

    def refresh(self) -> None:
        """Read the list again (in the background)."""
        Op(self, due_items, self.ctx.db, self.ctx.actor, DAYS, busy=False) \
            .success(self._show).run()

    def _show(self, items: list[DueItem]) -> None:
        snoozed = reminders.snoozes(self.ctx.settings)
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            when = format_date(item.due)
            if item.start_minute is not None:
                when = f"{when}, {clock_text(item.start_minute)}"
            if item.overdue:
                when = _("{date}, overdue").format(date=when)
            if reminders.key_of(item) in snoozed:
                when = _("{date} (snoozed)").format(date=when)
            cells = [when, _(KINDS[item.kind]), item.title, item.client_name]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if item.overdue:
                    cell.setForeground(theme.BAD_COLOR)
                self.table.setItem(row, column, cell)
        self.note.setText(_("What falls due in the next {days} days, overdue first.").format(
            days=DAYS) if items else _("Nothing falls due in the next {days} days.").format(
            days=DAYS))
        self._selection()

    def selected(self) -> list[DueItem]:
        """The chosen items."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.items[row] for row in rows if row < len(self.items)]

    def _selection(self) -> None:
        chosen = self.selected()
        self.open_button.setEnabled(len(chosen) == 1)
        self.done_button.setEnabled(bool(chosen) and all(i.kind in DONE_HERE for i in chosen))
        for button in (self.hour_button, self.tomorrow_button):
            button.setEnabled(bool(chosen))

    def open_selected(self) -> None:
        """Show the chosen item's record (a request's client, a document)."""
        chosen = self.selected()
        if len(chosen) != 1:
            return
        item = chosen[0]
        if item.kind == "appointment":
            self.sig_open.emit("appointment", item.record_id)
        elif item.kind in ("invoice", "proposal"):
            self.sig_open.emit("document", item.record_id)
        elif item.kind == "task" and item.client_id is None:
            self.sig_open.emit("work", None)
        elif item.client_id is not None:
            self.sig_open.emit("client", item.client_id)

    def done_selected(self) -> None:
        """Tick the chosen tasks done and deliveries delivered, today; a meeting's outcome
        is asked (it logs the contact)."""
        from .record_forms import ask_text

        chosen = [i for i in self.selected() if i.kind in DONE_HERE]
        if not chosen:
            return
        outcome = ""
        if any(i.kind == "appointment" for i in chosen):
            asked = ask_text(self, _("Done"), _("What came of it?"))
            if asked is None:
                return
            outcome = asked

        def finish(items: list[DueItem]) -> None:
            for item in items:
                if item.kind == "task":
                    tasks.set_task_done(self.ctx.db, self.ctx.actor, item.record_id, True)
                elif item.kind == "appointment":
                    appointments.complete_appointment(self.ctx.db, self.ctx.actor,
                                                      item.record_id, outcome)
                else:
                    deliveries.mark_delivered(self.ctx.db, self.ctx.actor, item.record_id,
                                              clock.today())

        Op(self, finish, chosen, changes={"tasks", "deliveries", "appointments",
                                          "activities"}).success(
            lambda _r: self._changed()).run()

    def snooze_selected(self, until: object) -> None:
        """Keep the chosen items quiet until then."""
        chosen = self.selected()
        if chosen:
            reminders.snooze(self.ctx.settings, chosen, until)  # type: ignore[arg-type]
            self._changed()

    def _changed(self) -> None:
        self.sig_changed.emit()
        self.refresh()


def open_due(parent: QWidget, ctx: AppContext) -> DueList:
    """Show the list (not modal: the window stays usable beside it)."""
    dialog = DueList(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
