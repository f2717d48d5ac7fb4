"""Documents: the lists of proposals and invoices, with the editor behind them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
)

from salesdesk import clock
from salesdesk.domain import DOCUMENT_STATUS_LABELS, label
from salesdesk.i18n import _, format_number, ngettext
from salesdesk.services import documents
from salesdesk.services.documents import DocumentQuery

from .. import theme
from ..models import Column, RecordTableModel, enable_sorting, overdue_color, short_person
from ..row_menu import RowAction, attach_row_menu
from ..widgets import PageHeader, PillDelegate
from ..worker import Op
from .base import Page


def document_columns(kind: str) -> list[Column]:
    """The columns of a document list."""
    today = clock.today()
    columns = [Column(_("Number"), lambda d: d.number or _("draft"), sort_key="number"),
               Column(_("Date"), lambda d: d.doc_date, kind="date", sort_key="date"),
               Column(_("Client"), lambda d: d.client_name, sort_key="client"),
               Column(_("Status"), lambda d: d.state(today), kind="status",
                      sort_key="status"),
               Column(_("Total"), lambda d: d.total, kind="money", sort_key="total")]
    if kind == "invoice":
        columns += [Column(_("Paid"), lambda d: d.paid_total, kind="money", sort_key="paid"),
                    Column(_("Pay by"), lambda d: d.due_date, kind="date", sort_key="due")]
    else:
        columns.append(Column(_("Valid until"), lambda d: d.valid_until, kind="date",
                              sort_key="valid_until"))
    columns.append(Column(_("Author"), lambda d: short_person(d.owner_name),
                          tooltip=lambda d: d.owner_name, sort_key="author"))
    return columns


class DocumentsPage(Page):
    """Proposals and invoices."""

    key = "documents"
    watches = frozenset({"documents", "clients"})
    icon_name = "mdi6.file-document-multiple-outline"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Documents")
        super().__init__(ctx, window)
        self.header = PageHeader(self.title)
        for kind, text, icon in (("proposal", _("New proposal"), "mdi6.file-document-edit-outline"),
                                 ("invoice", _("New invoice"), "mdi6.receipt-text-outline")):
            button = QPushButton(theme.icon(icon), text)
            button.clicked.connect(lambda _c=False, k=kind: self.new_document(k))
            self.header.add_action(button)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Number or client"))
        self.search.setClearButtonEnabled(True)
        self.header.add_filter(self.search)
        self.status = QComboBox()
        self.status.addItem(_("Any status"), None)
        for code in DOCUMENT_STATUS_LABELS:
            if code not in ("expired", "overdue"):
                self.status.addItem(label(DOCUMENT_STATUS_LABELS, code), code)
        self.header.add_filter(self.status)
        self.layout_.addWidget(self.header)
        self.tabs = QTabWidget()
        self.models: dict[str, RecordTableModel] = {}
        self.views: dict[str, QTableView] = {}
        today = clock.today()
        for kind, text in (("proposal", _("Proposals")), ("invoice", _("Invoices"))):
            model = RecordTableModel(document_columns(kind), row_color=overdue_color(
                lambda d: d.state(today) in ("overdue",)), on_sort=self.refresh)
            view = QTableView()
            view.setObjectName(f"{kind}_table")
            view.setModel(model)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setAlternatingRowColors(True)
            view.verticalHeader().hide()
            view.setItemDelegateForColumn(3, PillDelegate(view))
            # Every column as wide as its contents and header; the client takes the rest.
            view.horizontalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
            view.doubleClicked.connect(lambda i, m=model: self.open_record(
                "document", m.record(i.row()).id))
            enable_sorting(view, model, 1, Qt.SortOrder.DescendingOrder)
            attach_row_menu(view, model.record, self._row_actions)
            self.models[kind] = model
            self.views[kind] = view
            self.tabs.addTab(view, text)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.layout_.addWidget(self.tabs, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.status.currentIndexChanged.connect(lambda *_a: self.refresh())

    def current_kind(self) -> str:
        """proposal or invoice, by the tab."""
        return "proposal" if self.tabs.currentIndex() == 0 else "invoice"

    def refresh(self) -> None:
        kind = self.current_kind()
        status = self.status.currentData()
        model = self.models[kind]
        query = DocumentQuery(kind=kind, statuses=(status,) if status else None,
                              text=self.search.text() or None, limit=1000,
                              sort=model.sort_key, descending=model.descending)
        Op(self, documents.list_documents, self.ctx.db, self.ctx.actor, query) \
            .success(lambda rows, k=kind: self._show(k, rows)).run()

    def _show(self, kind: str, rows: list[Any]) -> None:
        self.models[kind].set_records(rows)
        self.header.set_count(ngettext("{n} document", "{n} documents", len(rows)).format(
            n=format_number(len(rows))))

    def _row_actions(self, record: Any) -> list[RowAction | None]:
        actions: list[RowAction | None] = [
            RowAction(_("Open"), lambda r: self.open_record("document", r.id),
                      "mdi6.file-document-outline", default=True),
            RowAction(_("Open the client"), lambda r: self.open_record("client", r.client_id),
                      "mdi6.domain"),
            None,
            RowAction(_("New proposal for this client"),
                      lambda r: self.new_document("proposal", r.client_id),
                      "mdi6.file-document-edit-outline"),
            RowAction(_("New invoice for this client"),
                      lambda r: self.new_document("invoice", r.client_id),
                      "mdi6.receipt-text-outline")]
        if record.status == "draft":
            actions += [None, RowAction(_("Delete draft…"), self.delete_draft,
                                        "mdi6.delete-outline")]
        return actions

    def delete_draft(self, record: Any) -> None:
        """Delete a draft (an issued document is cancelled instead, never deleted)."""
        answer = QMessageBox.question(self, _("Delete draft"), _(
            "Delete the draft for {client}?").format(client=record.client_name))
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, documents.delete_draft, self.ctx.db, self.ctx.actor, record.id,
               changes={"documents"}).success(lambda _r: self.refresh()).run()

    def new_document(self, kind: str, client_id: Any = None) -> None:
        """Choose the client (unless given), then the editor."""
        from ..dialogs.client_picker import ClientPicker
        from ..dialogs.document_editor import DocumentEditor

        if client_id is None:
            picker = ClientPicker(self.ctx, self)
            if not picker.exec() or picker.client_id is None:
                return
            client_id = picker.client_id
        editor = DocumentEditor(self.ctx, kind=kind, client_id=client_id, parent=self)
        editor.sig_changed.connect(self.refresh)
        editor.show()
