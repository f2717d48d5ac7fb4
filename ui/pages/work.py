"""Tasks, client requests and deliveries, each with its due and overdue view."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import _
from salesdesk.services import activities, deliveries, tasks

from .. import theme
from ..models import Column, RecordTableModel, enable_sorting, overdue_color
from ..row_menu import RowAction, attach_row_menu
from ..widgets import PageHeader, PillDelegate
from ..worker import Op
from .base import Page


def _view(model: RecordTableModel, name: str, pill: int | None = None) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    if pill is not None:
        view.setItemDelegateForColumn(pill, PillDelegate(view))
    return view


class WorkPage(Page):
    """What is due: tasks, requests to answer, deliveries to make."""

    key = "work"
    watches = frozenset({"tasks", "deliveries", "activities"})
    icon_name = "mdi6.calendar-check-outline"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Tasks")
        super().__init__(ctx, window)
        self.header = PageHeader(self.title, _("New task"), "mdi6.plus")
        assert self.header.primary is not None
        self.header.primary.clicked.connect(self.new_task)
        self.overdue = self.header.add_chip(_("Overdue only"))
        self.overdue.toggled.connect(lambda _c: self.refresh())
        self.team = self.header.add_chip(_("Whole team"))
        self.team.setVisible(ctx.can_manage)
        # The head owns no clients: their work list is the department's.
        self.team.setChecked(ctx.is_head)
        self.team.toggled.connect(lambda _c: self.refresh())
        self.layout_.addWidget(self.header)
        today = clock.today()
        self.tabs = QTabWidget()
        self.task_model = RecordTableModel([
            Column(_("Task"), lambda t: t.title, sort_key="title"),
            Column(_("Due"), lambda t: t.due_date, kind="date", sort_key="due"),
            Column(_("Client"), lambda t: t.client_name, sort_key="client"),
            Column(_("Assignee"), lambda t: t.assignee_name, sort_key="assignee"),
            Column(_("Note"), lambda t: t.note, sort_key="note")],
            row_color=overdue_color(lambda t: t.is_overdue(today)), on_sort=self.refresh)
        tasks_tab = QWidget()
        box = QVBoxLayout(tasks_tab)
        row = QHBoxLayout()
        done = QPushButton(theme.icon("mdi6.check"), _("Done"))
        done.clicked.connect(self.mark_done)
        row.addWidget(done)
        row.addStretch(1)
        box.addLayout(row)
        self.task_view = _view(self.task_model, "tasks_table")
        self.task_view.doubleClicked.connect(self._open_task)
        enable_sorting(self.task_view, self.task_model, 1)
        attach_row_menu(self.task_view, self.task_model.record, self._task_actions)
        box.addWidget(self.task_view)
        self.tabs.addTab(tasks_tab, theme.icon("mdi6.checkbox-marked-circle-outline"),
                         _("Tasks"))
        self.request_model = RecordTableModel([
            Column(_("Client"), lambda a: a.client_name),
            Column(_("Request"), lambda a: a.note),
            Column(_("Date"), lambda a: a.date, kind="date"),
            Column(_("Answer by"), lambda a: a.answer_by, kind="date"),
            Column(_("Status"), lambda a: a.request_status, kind="status"),
            Column(_("Logged by"), lambda a: a.user_name)],
            row_color=overdue_color(lambda a: a.is_overdue(today)))
        self.request_view = _view(self.request_model, "requests_table", pill=4)
        self.request_view.doubleClicked.connect(
            lambda i: self.open_record("client", self.request_model.record(i.row()).client_id))
        enable_sorting(self.request_view, self.request_model, 3)  # a short list: held here
        attach_row_menu(self.request_view, self.request_model.record, lambda r: [
            RowAction(_("Open the client"), lambda a: self.open_record("client", a.client_id),
                      "mdi6.domain", default=True)])
        self.tabs.addTab(self.request_view, theme.icon("mdi6.message-question-outline"),
                         _("Client requests"))
        self.delivery_model = RecordTableModel([
            Column(_("Client"), lambda d: d.client_name, sort_key="client"),
            Column(_("What"), lambda d: d.description, sort_key="description"),
            Column(_("Due"), lambda d: d.due_date, kind="date", sort_key="due"),
            Column(_("Invoice"), lambda d: d.invoice_number, sort_key="invoice"),
            Column(_("Owner"), lambda d: d.owner_name, sort_key="owner")],
            row_color=overdue_color(lambda d: d.is_overdue(today)), on_sort=self.refresh)
        deliveries_tab = QWidget()
        box = QVBoxLayout(deliveries_tab)
        row = QHBoxLayout()
        delivered = QPushButton(theme.icon("mdi6.truck-check-outline"), _("Delivered today"))
        delivered.clicked.connect(self.mark_delivered)
        row.addWidget(delivered)
        row.addStretch(1)
        box.addLayout(row)
        self.delivery_view = _view(self.delivery_model, "deliveries_table")
        self.delivery_view.doubleClicked.connect(
            lambda i: self.open_record("client", self.delivery_model.record(i.row()).client_id))
        enable_sorting(self.delivery_view, self.delivery_model, 2)
        attach_row_menu(self.delivery_view, self.delivery_model.record, self._delivery_actions)
        box.addWidget(self.delivery_view)
        self.tabs.addTab(deliveries_tab, theme.icon("mdi6.truck-outline"), _("Deliveries"))
        self.layout_.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        overdue = self.overdue.isChecked()
        mine = not self.team.isChecked()
        db, actor = self.ctx.db, self.ctx.actor
        task_sort = (self.task_model.sort_key, self.task_model.descending)
        delivery_sort = (self.delivery_model.sort_key, self.delivery_model.descending)

        def load() -> tuple[list[Any], list[Any], list[Any]]:
            return (tasks.list_tasks(db, actor, mine_only=mine, overdue_only=overdue,
                                     sort=task_sort[0], descending=task_sort[1]),
                    activities.open_requests(db, actor, overdue_only=overdue, mine_only=mine),
                    deliveries.list_deliveries(db, actor, overdue_only=overdue,
                                               mine_only=mine and actor.role == "rep",
                                               sort=delivery_sort[0],
                                               descending=delivery_sort[1]))

        Op(self, load).success(self._show).run()

    def _show(self, result: tuple[list[Any], list[Any], list[Any]]) -> None:
        task_rows, request_rows, delivery_rows = result
        self.task_model.set_records(task_rows)
        self.request_model.set_records(request_rows)
        self.delivery_model.set_records(delivery_rows)
        today = clock.today()
        late = sum(t.is_overdue(today) for t in task_rows)
        self.header.set_count(_("{tasks} tasks, {late} overdue").format(tasks=len(task_rows),
                                                                          late=late))
        for index, (rows, base) in enumerate(((task_rows, _("Tasks")),
                                              (request_rows, _("Client requests")),
                                              (delivery_rows, _("Deliveries")))):
            self.tabs.setTabText(index, f"{base} ({len(rows)})")

    def new_task(self, client_id: Any = None) -> None:
        """A task for oneself (or a team member), about a client if given."""
        from ..dialogs.record_forms import task_form

        task_form(self, self.ctx, client_id=client_id,
                  on_saved=lambda _r: self.refresh()).open()

    def _task_actions(self, record: Any) -> list[RowAction | None]:
        actions: list[RowAction | None] = [
            RowAction(_("Edit"), self._edit_task, "mdi6.pencil-outline", default=True),
            RowAction(_("Mark done"), lambda t: self._set_done(t, True), "mdi6.check")]
        if record.client_id:
            actions += [RowAction(_("Open the client"),
                                  lambda t: self.open_record("client", t.client_id),
                                  "mdi6.domain"),
                        RowAction(_("New task for this client"),
                                  lambda t: self.new_task(t.client_id), "mdi6.plus")]
        actions += [None, RowAction(_("Delete…"), self._delete_task, "mdi6.delete-outline")]
        return actions

    def _delivery_actions(self, _record: Any) -> list[RowAction | None]:
        return [RowAction(_("Edit"), self._edit_delivery, "mdi6.pencil-outline", default=True),
                RowAction(_("Delivered today"), self._delivered, "mdi6.truck-check-outline"),
                RowAction(_("Open the client"), lambda d: self.open_record("client", d.client_id),
                          "mdi6.domain"),
                None,
                RowAction(_("Delete…"), self._delete_delivery, "mdi6.delete-outline")]

    def _edit_task(self, record: Any) -> None:
        from ..dialogs.record_forms import task_form

        task_form(self, self.ctx, record=record, on_saved=lambda _r: self.refresh()).open()

    def _set_done(self, record: Any, done: bool) -> None:
        Op(self, tasks.set_task_done, self.ctx.db, self.ctx.actor, record.id, done,
           changes={"tasks"}).success(lambda _r: self.refresh()).run()

    def _delete_task(self, record: Any) -> None:
        if QMessageBox.question(self, _("Delete task"), _("Delete the task «{title}»?").format(
                title=record.title)) == QMessageBox.StandardButton.Yes:
            Op(self, tasks.delete_task, self.ctx.db, self.ctx.actor, record.id,
               changes={"tasks"}).success(lambda _r: self._deleted("tasks", record)).run()

    def _edit_delivery(self, record: Any) -> None:
        from ..dialogs.record_forms import delivery_form

        delivery_form(self, self.ctx, record=record, on_saved=lambda _r: self.refresh()).open()

    def _delivered(self, record: Any) -> None:
        Op(self, deliveries.mark_delivered, self.ctx.db, self.ctx.actor, record.id,
           clock.today(), changes={"deliveries"}).success(lambda _r: self.refresh()).run()

    def _delete_delivery(self, record: Any) -> None:
        if QMessageBox.question(self, _("Delete delivery"), _(
                "Delete the delivery «{what}»?").format(what=record.description)
                ) == QMessageBox.StandardButton.Yes:
            Op(self, deliveries.delete_delivery, self.ctx.db, self.ctx.actor, record.id,
               changes={"deliveries"}).success(
                lambda _r: self._deleted("deliveries", record)).run()

    def _deleted(self, kind: str, record: Any) -> None:
        self.refresh()
        if self.window_ is not None:  # Ctrl+Z and the trash bring it back
            self.window_.deleted(kind, record.id, getattr(record, "title", None)
                                 or getattr(record, "description", ""))

    def _open_task(self, index: Any) -> None:
        from ..dialogs.record_forms import task_form

        record = self.task_model.record(index.row())
        task_form(self, self.ctx, record=record, on_saved=lambda _r: self.refresh()).open()

    def mark_done(self) -> None:
        """Tick the selected task done."""
        index = self.task_view.currentIndex()
        if index.isValid():
            self._set_done(self.task_model.record(index.row()), True)

    def mark_delivered(self) -> None:
        """Record the selected delivery as delivered today."""
        index = self.delivery_view.currentIndex()
        if index.isValid():
            self._delivered(self.delivery_model.record(index.row()))
