"""Strategy: priority segments and markets, key clients, marketing spend by channel (the
head edits; managers read)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import N_, _
from salesdesk.services import clients, planning

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
        self.layout_.addWidget(PageHeader(self.title))
        grid = QGridLayout()
        grid.setSpacing(theme.SPACING * 2)
        self.priorities = RecordTableModel([
            Column(_("Kind"), lambda s: _(KIND_LABELS.get(s.kind, s.kind))),
            Column(_("Value"), lambda s: s.value), Column(_("Note"), lambda s: s.note)])
        self.key_clients = RecordTableModel([
            Column(_("Key client"), lambda c: c.name),
            Column(_("Owner"), lambda c: short_person(c.owner_name),
                   tooltip=lambda c: c.owner_name),
            Column(_("Segment"), lambda c: c.segment)])
        self.spend = RecordTableModel([
            Column(_("Date"), lambda s: s.date, kind="date"),
            Column(_("Channel"), lambda s: s.channel),
            Column(_("Amount"), lambda s: s.amount, kind="money"),
            Column(_("Note"), lambda s: s.note)])
        self.by_channel = RecordTableModel([
            Column(_("Channel"), lambda r: r[0]),
            Column(_("Spend this year"), lambda r: r[1], kind="money")])
        panels = [
            (_("Priority segments and markets"), self.priorities, "priorities",
             (_("Add"), self.add_priority), (_("Remove"), self.remove_priority)),
            (_("Key clients"), self.key_clients, "key_clients", None, None),
            (_("Marketing spend"), self.spend, "spend",
             (_("Add spend"), self.add_spend), (_("Delete"), self.delete_spend)),
            (_("Spend by channel this year"), self.by_channel, "by_channel", None, None),
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
            grid.addWidget(panel, index // 2, index % 2)
        if ctx.is_head:
            self.views["spend"].doubleClicked.connect(
                lambda i: self.edit_spend(self.spend.record(i.row())))
        self.views["key_clients"].doubleClicked.connect(
            lambda i: self.open_record("client", self.key_clients.record(i.row()).id))
        self.layout_.addLayout(grid, 1)

    def _actions_for(self, table: str) -> Any:
        """The row menu of one of the page's tables."""
        def actions(_record: Any) -> list[RowAction | None]:
            if table == "key_clients":
                return [RowAction(_("Open the client"),
                                  lambda r: self.open_record("client", r.id), "mdi6.domain",
                                  default=True)]
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
        year = clock.today().year

        def load() -> tuple[Any, Any, Any]:
            return (planning.list_strategy(db, actor),
                    clients.list_clients(db, actor, clients.ClientQuery(priority=True,
                                                                        limit=500)),
                    planning.list_spend(db, actor, date(year, 1, 1), date(year, 12, 31)))

        Op(self, load).success(self._show).run()

    def _show(self, result: tuple[Any, Any, Any]) -> None:
        priorities, key_clients, spend = result
        self.priorities.set_records(priorities)
        self.key_clients.set_records(key_clients)
        self.spend.set_records(spend)
        totals: dict[str, Decimal] = {}
        for entry in spend:
            totals[entry.channel] = totals.get(entry.channel, Decimal(0)) + entry.amount
        self.by_channel.set_records(sorted(totals.items(), key=lambda kv: -kv[1]))

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
        """Remove the selected priority."""
        index = self.views["priorities"].currentIndex()
        if index.isValid():
            record = self.priorities.record(index.row())
            Op(self, planning.remove_strategy_item, self.ctx.db, self.ctx.actor, record.id,
               changes={"strategy"}) \
                .success(lambda _r: self.refresh()).run()

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
