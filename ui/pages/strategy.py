"""Strategy with numbers: each priority segment and market with its sales, share,
pipeline and conversion against the rest of the clients; the key clients with their
volume, last contact and open deals; the marketing spend, and the budget planned by
channel against it (the head edits; managers read)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import N_, _
from salesdesk.services import budget, planning
from salesdesk.services.strategy_figures import strategy_figures

from .. import theme
from ..forms import FormDialog, FormField
from ..models import Column, RecordTableModel, enable_sorting, short_person
from ..row_menu import RowAction, attach_row_menu
from ..widgets import PageHeader
from ..worker import Op
from .base import Page

KIND_LABELS = {"segment": N_("Segment"), "market": N_("Market")}


def _table(model: RecordTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    enable_sorting(view, model)
    return view


class StrategyPage(Page):
    """Priorities, key clients, and the marketing budget."""

    key = "strategy"
    watches = frozenset({"strategy", "spend", "clients"})
    icon_name = "mdi6.compass-outline"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Strategy")
        super().__init__(ctx, window)
        header = PageHeader(self.title)
        self.period = QComboBox()
        self.period.setObjectName("strategy_period")
        today = clock.today()
        last = today.replace(day=1) - timedelta(days=1)
        quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        for text, start, end in ((_("This month"), today.replace(day=1), today),
                                 (_("Last month"), last.replace(day=1), last),
                                 (_("This quarter"), quarter, today),
                                 (_("This year"), date(today.year, 1, 1), today)):
            self.period.addItem(text, (start, end))
        # In the first days of a month, the month just ended says more.
        self.period.setCurrentIndex(1 if today.day <= 7 else 0)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        header.add_filter(QLabel(_("Period:")))
        header.add_filter(self.period)
        self.layout_.addWidget(header)
        # Two tabs: the priorities over the key clients, each as wide as the page (their
        # figures need the room); the spend beside the budget.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("strategy_tabs")
        pages = [QWidget(), QWidget()]
        grids = [QVBoxLayout(pages[0]), QHBoxLayout(pages[1])]
        for grid in grids:
            grid.setSpacing(theme.SPACING * 2)
        self.tabs.addTab(pages[0], theme.icon("mdi6.compass-outline"),
                         _("Priorities and key clients"))
        self.tabs.addTab(pages[1], theme.icon("mdi6.bullhorn-outline"),
                         _("Marketing: budget and spend"))

        def other(row: Any) -> str:
            return row.value or _("Other clients")

        self.priorities = RecordTableModel([
            Column(_("Kind"), lambda r: _(KIND_LABELS.get(r.kind, r.kind))),
            Column(_("Priority"), other, tooltip=lambda r: r.note or ""),
            Column(_("Sales"), lambda r: r.sales_volume, kind="money"),
            Column(_("Share"), lambda r: r.share_pct, kind="percent"),
            Column(_("Pipeline"), lambda r: r.pipeline_open_amount, kind="money"),
            Column(_("Conversion"), lambda r: r.conversion_pct, kind="percent"),
            Column(_("Clients"), lambda r: r.clients, kind="number")])
        self.key_clients = RecordTableModel([
            Column(_("Key client"), lambda c: c.name),
            Column(_("Owner"), lambda c: short_person(c.owner_name),
                   tooltip=lambda c: c.owner_name),
            Column(_("Sales"), lambda c: c.sales_volume, kind="money"),
            Column(_("Last contact"), lambda c: c.last_contact, kind="date"),
            Column(_("Open deals"), lambda c: c.open_deals, kind="number"),
            Column(_("Open amount"), lambda c: c.open_amount, kind="money")])
        self.spend = RecordTableModel([
            Column(_("Date"), lambda s: s.date, kind="date"),
            Column(_("Channel"), lambda s: s.channel),
            Column(_("Amount"), lambda s: s.amount, kind="money"),
            Column(_("Note"), lambda s: s.note)])
        self.budget = RecordTableModel([
            Column(_("Channel"), lambda r: r.channel or _("Total")),
            Column(_("Planned"), lambda r: r.planned, kind="money"),
            Column(_("Spent"), lambda r: r.spent, kind="money"),
            Column(_("Difference"), lambda r: r.difference, kind="money"),
            Column(_("Used"), lambda r: r.used_pct, kind="percent")])
        panels = [
            (_("Priority segments and markets"), self.priorities, "priorities",
             (_("Add"), self.add_priority), (_("Remove"), self.remove_priority)),
            (_("Key clients"), self.key_clients, "key_clients", None, None),
            (_("Marketing budget: plan and fact"), self.budget, "budget",
             (_("Plan the budget…"), self.plan_budget), None),
            (_("Marketing spend"), self.spend, "spend",
             (_("Add spend"), self.add_spend), (_("Delete"), self.delete_spend)),
        ]
        self.views: dict[str, QTableView] = {}
        for index, (title, model, name, add, remove) in enumerate(panels):
            panel = QWidget()
            box = QVBoxLayout(panel)
            row = QHBoxLayout()
            label = QLabel(title)
            label.setFont(theme.title_font(0))
            row.addWidget(label)
            row.addStretch(1)
            for action in (add, remove):
                if action is not None and ctx.is_head:
                    button = QPushButton(action[0])
                    button.clicked.connect(action[1])
                    row.addWidget(button)
            box.addLayout(row)
            view = _table(model, name)
            attach_row_menu(view, model.record, self._actions_for(name))
            self.views[name] = view
            box.addWidget(view)
            grids[index // 2].addWidget(panel, 1)
        if ctx.is_head:
            self.views["spend"].doubleClicked.connect(
                lambda i: self.edit_spend(self.spend.record(i.row())))
        for name, column in (("priorities", 1), ("key_clients", 0)):
            header = self.views[name].horizontalHeader()
            header.setStretchLastSection(False)  # the names take the room, not a figure
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.views["key_clients"].doubleClicked.connect(
            lambda i: self.open_record("client", self.key_clients.record(i.row()).client_id))
        self.layout_.addWidget(self.tabs, 1)

    def _actions_for(self, table: str) -> Any:
        """The row menu of one of the page's tables."""
        def actions(_record: Any) -> list[RowAction | None]:
            if table == "key_clients":
                return [RowAction(_("Open the client"),
                                  lambda r: self.open_record("client", r.client_id),
                                  "mdi6.domain", default=True)]
            if not self.ctx.is_head:
                return []
            if table == "priorities":
                return [RowAction(_("Remove"), lambda _r: self.remove_priority(),
                                  "mdi6.delete-outline")]
            if table == "spend":
                return [RowAction(_("Edit"), self.edit_spend, "mdi6.pencil-outline",
                                  default=True),
                        RowAction(_("Delete"), lambda _r: self.delete_spend(),
                                  "mdi6.delete-outline")]
            return []
        return actions

    def refresh(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        start, end = self.period.currentData()

        def load() -> tuple[Any, Any, Any]:
            return (strategy_figures(db, actor, start, end),
                    planning.list_spend(db, actor, start, end),
                    budget.budget_vs_spend(db, actor, start, end))

        Op(self, load).success(self._show).run()

    def _show(self, result: tuple[Any, Any, Any]) -> None:
        figures, spend, plan = result
        self.priorities.set_records(figures.priorities)
        self.key_clients.set_records(figures.key_clients)
        self.spend.set_records(spend)
        self.budget.set_records(plan)

    def add_priority(self) -> None:
        """A priority segment or market (the head)."""
        fields = [FormField("kind", _("Kind"), "choice", required=True,
                            options=[(k, _(v)) for k, v in KIND_LABELS.items()]),
                  FormField("value", _("Value"), required=True),
                  FormField("note", _("Note"), "multiline")]
        dialog = FormDialog(self, _("Priority"), fields, {"kind": "segment"},
                            lambda v: planning.add_strategy_item(self.ctx.db, self.ctx.actor, v),
                            changes={"strategy"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def remove_priority(self) -> None:
        """Remove the selected priority (the rest of the clients is not one)."""
        index = self.views["priorities"].currentIndex()
        if index.isValid():
            record = self.priorities.record(index.row())
            if record.item_id is None:
                return
            Op(self, planning.remove_strategy_item, self.ctx.db, self.ctx.actor,
               record.item_id, changes={"strategy"}) \
                .success(lambda _r: self.refresh()).run()

    def plan_budget(self) -> None:
        """Plan a channel's month (the head); a second plan of the same month and
        channel replaces the first."""
        fields = [FormField("month", _("Month"), required=True, placeholder="2026-12"),
                  FormField("channel", _("Channel"), "combo", required=True,
                            suggestions=self.ctx.lookups.channels),
                  FormField("amount", _("Amount"), "money", required=True),
                  FormField("note", _("Note"))]
        month = clock.today().strftime("%Y-%m")
        dialog = FormDialog(self, _("Marketing budget"), fields, {"month": month},
                            lambda v: budget.set_budget(self.ctx.db, self.ctx.actor, v),
                            changes={"spend"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def _spend_fields(self) -> list[FormField]:
        """The form of a spend entry (new or corrected)."""
        return [FormField("date", _("Date"), "date", required=True),
                FormField("channel", _("Channel"), "combo", required=True,
                          suggestions=self.ctx.lookups.channels),
                FormField("amount", _("Amount"), "money", required=True),
                FormField("note", _("Note"))]

    def add_spend(self) -> None:
        """Money spent on a channel (the head)."""
        fields = self._spend_fields()
        dialog = FormDialog(self, _("Marketing spend"), fields,
                            {"date": clock.today().replace(day=1)},
                            lambda v: planning.add_spend(self.ctx.db, self.ctx.actor, v),
                            changes={"spend"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def edit_spend(self, record: Any) -> None:
        """Correct a spend entry (the head); a stale edit is refused, not overwritten."""
        fields = self._spend_fields()
        dialog = FormDialog(self, _("Marketing spend"), fields,
                            {f.key: getattr(record, f.key) for f in fields},
                            lambda v: planning.update_spend(self.ctx.db, self.ctx.actor,
                                                            record.id, v, record.version),
                            changes={"spend"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def delete_spend(self) -> None:
        """Delete the selected spend entry."""
        index = self.views["spend"].currentIndex()
        if index.isValid():
            record = self.spend.record(index.row())
            Op(self, planning.delete_spend, self.ctx.db, self.ctx.actor, record.id,
               changes={"spend"}) \
                .success(lambda _r: self.refresh()).run()
