"""Clients: a list that stays instant at 100,000 rows (lazy model, search and filters in
SQL), import and export, and the client card a double click opens."""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
)

from salesdesk import registry
from salesdesk.domain import CLIENT_STATUS_LABELS, label
from salesdesk.i18n import _, format_number, ngettext
from salesdesk.services import clients
from salesdesk.services.clients import ClientQuery

from .. import theme
from ..changes import CLIENT_TREE
from ..models import Column, LazyTableModel, short_person
from ..row_menu import RowAction, attach_row_menu
from ..widgets import EmptyState, PageHeader, PillDelegate
from ..worker import Op
from .base import Page


def client_count_text(n: int) -> str:
    """``1 234 клиента`` with the language's plural forms."""
    return ngettext("{n} client", "{n} clients", n).format(n=format_number(n))


# How a client shows in a list column, where it is not the field's value as it is.
_CELLS: dict[str, dict[str, Any]] = {
    "owner_id": {"value": lambda c: short_person(c.owner_name),
                 "tooltip": lambda c: c.owner_name},
    "status": {"kind": "status"},
    "priority": {"kind": "bool", "tooltip": lambda c: _("Key client") if c.priority else ""},
    "created_at": {"value": lambda c: c.created_at.date(), "kind": "date"},
}


def client_columns() -> list[Column]:
    """The columns of the client list: the registry's list columns of clients, headed
    and sorted as it declares them."""
    kind = registry.kind("clients")
    columns = []
    for key in kind.list_columns:
        field = kind.field(key)
        assert field is not None, key
        cell = _CELLS.get(key, {})
        columns.append(Column(_(field.heading or field.label),
                              cell.get("value", attrgetter(key)), cell.get("kind", "text"),
                              sort_key=field.name if field.sortable else None,
                              tooltip=cell.get("tooltip")))
    return columns


class ClientsPage(Page):
    """The client list with its filters."""

    key = "clients"
    watches = frozenset({"clients", "contacts", "deals", "activities"})
    icon_name = "mdi6.domain"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Clients")
        super().__init__(ctx, window)
        self._selected_id: Any = None
        self._query = ClientQuery()
        self.header = PageHeader(self.title, _("New client"), "mdi6.plus")
        assert self.header.primary is not None
        self.header.primary.clicked.connect(self.new_record)
        self.header.primary.setToolTip(_("New client (Ctrl+N)"))
        import_button = QPushButton(theme.icon("mdi6.file-import-outline"), _("Import…"))
        import_button.clicked.connect(self.import_file)
        export_button = QPushButton(theme.icon("mdi6.file-export-outline"), _("Export…"))
        export_button.clicked.connect(self.export_file)
        self.header.add_action(import_button)
        self.header.add_action(export_button)
        if ctx.can_manage:  # merging is the head's and the managers' (the core checks)
            duplicates = QPushButton(theme.icon("mdi6.call-merge"), _("Duplicates…"))
            duplicates.setObjectName("duplicates_button")
            duplicates.clicked.connect(self.open_duplicates)
            self.header.add_action(duplicates)
        self.search = QLineEdit()
        self.search.setObjectName("client_search")
        self.search.setPlaceholderText(_("Name, INN, contact, phone or e-mail"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.header.add_filter(self.search)
        values = ctx.lookups.client_values
        self.segment = self._combo(_("All segments"), [(v, v) for v in values.get("segment", [])])
        self.status = self._combo(_("Any status"), [(c, label(CLIENT_STATUS_LABELS, c))
                                                    for c in CLIENT_STATUS_LABELS])
        self.owner = self._combo(_("Any owner"), [])
        if ctx.can_manage:
            for user in ctx.lookups.users:
                self.owner.addItem(user.name, user.id)
        else:
            self.owner.hide()
        self.key_only = self.header.add_chip(_("Key clients"))
        self.layout_.addWidget(self.header)
        self.model = LazyTableModel(client_columns(), self._fetch, self._count,
                                    first=self._first)
        self.model.sig_loaded.connect(self._loaded)
        self.view = QTableView()
        self.view.setObjectName("clients_table")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)  # one line per record: cheaper to paint, steadier to scan
        self.view.verticalHeader().hide()
        self.view.setItemDelegateForColumn(5, PillDelegate(self.view))
        # Fixed widths (a lazy list cannot size columns to contents it has not fetched);
        # the name gets the most room, the last column takes what is left.
        for column, width in ((1, 100), (2, 105), (3, 145), (4, 125), (5, 100),
                              (6, 48), (7, 135), (8, 110)):
            self.view.setColumnWidth(column, width)
        # The name takes what the others leave: all nine columns in a 1366-pixel window.
        self.view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda index: self.open_row(index.row()))
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.view,
                  activated=lambda: self.open_row(self.view.currentIndex().row()),
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.view, activated=self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        attach_row_menu(self.view, self.model.record, self._row_actions)
        self.empty = EmptyState(_("No clients yet — import a file or add the first one."),
                                _("Add the first client"), self.new_record)
        self.no_match = EmptyState(_("No clients match these filters."))
        self.stack = QStackedWidget()
        for widget in (self.view, self.empty, self.no_match):
            self.stack.addWidget(widget)
        self.layout_.addWidget(self.stack, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        # Filters reload the list once everything above exists.
        for combo in (self.segment, self.status, self.owner):
            combo.currentIndexChanged.connect(lambda *_a: self.refresh())
        self.key_only.toggled.connect(lambda _c: self.refresh())

    def _combo(self, any_text: str, items: list[tuple[Any, str]]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(any_text, None)
        for value, text in items:
            combo.addItem(text, value)
        self.header.add_filter(combo)
        return combo

    # --- data -------------------------------------------------------------------------------

    def query(self) -> ClientQuery:
        """The filters as the service takes them."""
        return ClientQuery(text=self.search.text() or None, segment=self.segment.currentData(),
                           owner_id=self.owner.currentData(), status=self.status.currentData(),
                           priority=True if self.key_only.isChecked() else None)

    def _fetch(self, offset: int, limit: int, sort: str | None, descending: bool) -> list[Any]:
        q = self._query
        query = ClientQuery(text=q.text, segment=q.segment, owner_id=q.owner_id, status=q.status,
                            priority=q.priority, sort=sort or "name", descending=descending,
                            offset=offset, limit=limit)
        return clients.list_clients(self.ctx.db, self.ctx.actor, query)

    def _first(self, sort: str | None, descending: bool) -> tuple[int, list[Any]]:
        q = self._query
        query = ClientQuery(text=q.text, segment=q.segment, owner_id=q.owner_id, status=q.status,
                            priority=q.priority, sort=sort or "name", descending=descending,
                            offset=0, limit=LazyTableModel.PAGE)
        return clients.first_page(self.ctx.db, self.ctx.actor, query)

    def _count(self) -> int:
        return clients.count_clients(self.ctx.db, self.ctx.actor, self._query)

    def refresh(self) -> None:
        current = self.view.currentIndex()
        if current.isValid():
            self._selected_id = self.model.record(current.row()).id
        self._query = self.query()
        self.model.refresh()

    def _loaded(self, total: int) -> None:
        self.header.set_count(client_count_text(total))
        filtered = any((self._query.text, self._query.segment, self._query.owner_id,
                        self._query.status, self._query.priority))
        if total:
            self.stack.setCurrentWidget(self.view)
        else:
            self.stack.setCurrentWidget(self.no_match if filtered else self.empty)
        row = self.model.row_of(self._selected_id) if self._selected_id else None
        if row is not None:  # the selection survives a refresh
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    # --- actions ------------------------------------------------------------------------------

    def open_row(self, row: int) -> None:
        """Open the client card of a row."""
        if 0 <= row < self.model.rowCount():
            self.open_record("client", self.model.record(row).id)

    def new_record(self) -> None:
        """The new-client form."""
        from ..dialogs.record_forms import client_form

        dialog = client_form(self, self.ctx, on_saved=self._created)
        dialog.open()

    def _created(self, saved: clients.SavedClient) -> None:
        self._selected_id = saved.client.id
        self.refresh()
        if saved.duplicates:
            QMessageBox.information(self, _("Possible duplicate"), "\n".join(
                [_("The new client may be the same as:")]
                + [f"• {d.describe()}" for d in saved.duplicates]))

    def _row_actions(self, record: Any) -> list[RowAction | None]:
        from ..dialogs.record_forms import client_form, deal_form, task_form

        return [
            RowAction(_("Open"), lambda r: self.open_record("client", r.id), "mdi6.domain",
                      default=True),
            RowAction(_("Edit"), lambda r: Op(
                self, clients.get_client, self.ctx.db, self.ctx.actor, r.id).success(
                lambda c: client_form(self, self.ctx, c, lambda _s: self.refresh()).open())
                .run(), "mdi6.pencil-outline"),
            None,
            RowAction(_("New deal"), lambda r: deal_form(self, self.ctx, r.id).open(),
                      "mdi6.handshake-outline"),
            RowAction(_("New task for this client"),
                      lambda r: task_form(self, self.ctx, client_id=r.id).open(), "mdi6.plus"),
            None,
            RowAction(_("Delete…"), lambda _r: self.delete_selected(), "mdi6.delete-outline"),
        ]

    def delete_selected(self) -> None:
        """Delete asks first; the client is soft-deleted (the audit log keeps it)."""
        index = self.view.currentIndex()
        if not index.isValid():
            return
        record = self.model.record(index.row())
        answer = QMessageBox.question(self, _("Delete client"), _(
            "Delete {name}? It disappears from lists; Ctrl+Z or the trash brings it "
            "back.").format(name=record.name))
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, clients.delete_client, self.ctx.db, self.ctx.actor, record.id,
               record.version, changes=CLIENT_TREE).success(lambda _r: self._deleted(record)).run()

    def _deleted(self, record: Any) -> None:
        self.refresh()
        if self.window_ is not None:
            self.window_.deleted("clients", record.id, record.name)

    def open_duplicates(self) -> Any:
        """Likely duplicates side by side, and their merge."""
        from ..dialogs.duplicates_dialog import DuplicatesDialog

        dialog = DuplicatesDialog(self.ctx, self)
        dialog.sig_merged.connect(lambda _k: self.refresh())
        dialog.show()
        return dialog

    def import_file(self) -> None:
        """Import clients (or another kind) from CSV, XLSX or XLS: the import wizard."""
        from ..dialogs.import_wizard import ImportWizard

        dialog = ImportWizard(self, self.ctx, default_kind="clients")
        dialog.sig_done.connect(lambda _r: self.refresh())
        dialog.open()

    def export_file(self) -> None:
        """Export the clients the user may see."""
        name, _f = QFileDialog.getSaveFileName(self, _("Export clients"), "clients.xlsx",
                                               _("Excel (*.xlsx);;CSV (*.csv)"))
        if not name:
            return
        from salesdesk.exporter import export_file

        Op(self, export_file, self.ctx.db, self.ctx.actor, "clients", Path(name)).success(
            lambda n: QMessageBox.information(self, _("Export"), ngettext(
                "{count} row written to {file}.", "{count} rows written to {file}.",
                n).format(count=n, file=name))).run()
