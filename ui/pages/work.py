"""Tasks, client requests and deliveries, each with its due and overdue view."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
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
from ..models import Column, RecordTableModel, overdue_color
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
            Column(_("Task"), lambda t: t.title), Column(_("Due"), lambda t: t.due_date,
                                                         kind="date"),
            Column(_("Client"), lambda t: t.client_name),
            Column(_("Assignee"), lambda t: t.assignee_name),
            Column(_("Note"), lambda t: t.note)],
            row_color=overdue_color(lambda t: t.is_overdue(today)))
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
        self.tabs.addTab(self.request_view, theme.icon("mdi6.message-question-outline"),
                         _("Client requests"))
        self.delivery_model = RecordTableModel([
            Column(_("Client"), lambda d: d.client_name),
            Column(_("What"), lambda d: d.description),
            Column(_("Due"), lambda d: d.due_date, kind="date"),
            Column(_("Invoice"), lambda d: d.invoice_number),
            Column(_("Owner"), lambda d: d.owner_name)],
            row_color=overdue_color(lambda d: d.is_overdue(today)))
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
        box.addWidget(self.delivery_view)
        self.tabs.addTab(deliveries_tab, theme.icon("mdi6.truck-outline"), _("Deliveries"))
        self.layout_.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        overdue = self.overdue.isChecked()
        mine = not self.team.isChecked()
        db, actor = self.ctx.db, self.ctx.actor

        def load() -> tuple[list[Any], list[Any], list[Any]]:
            return (tasks.list_tasks(db, actor, mine_only=mine, overdue_only=overdue),
                    activities.open_requests(db, actor, overdue_only=overdue, mine_only=mine),
                    deliveries.list_deliveries(db, actor, overdue_only=overdue,
                                               mine_only=mine and actor.role == "rep"))

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

    def new_task(self) -> None:
        """A task for oneself (or a team member)."""
        from ..dialogs.record_forms import task_form

        task_form(self, self.ctx, on_saved=lambda _r: self.refresh()).open()

    def _open_task(self, index: Any) -> None:
        from ..dialogs.record_forms import task_form

        record = self.task_model.record(index.row())
        task_form(self, self.ctx, record=record, on_saved=lambda _r: self.refresh()).open()

    def mark_done(self) -> None:
        """Tick the selected task done."""
        index = self.task_view.currentIndex()
        if index.isValid():
            record = self.task_model.record(index.row())
            Op(self, tasks.set_task_done, self.ctx.db, self.ctx.actor, record.id, True) \
                .success(lambda _r: self.refresh()).run()

    def mark_delivered(self) -> None:
        """Record the selected delivery as delivered today."""
        index = self.delivery_view.currentIndex()
        if index.isValid():
            record = self.delivery_model.record(index.row())
            Op(self, deliveries.mark_delivered, self.ctx.db, self.ctx.actor, record.id,
               clock.today()).success(lambda _r: self.refresh()).run()
