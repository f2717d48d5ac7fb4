"""Documents: the lists of proposals and invoices, with the editor behind them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
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
from ..models import Column, RecordTableModel, overdue_color, short_person
from ..widgets import PageHeader, PillDelegate
from ..worker import Op
from .base import Page


def document_columns(kind: str) -> list[Column]:
    """The columns of a document list."""
    today = clock.today()
    columns = [Column(_("Number"), lambda d: d.number or _("draft")),
               Column(_("Date"), lambda d: d.doc_date, kind="date"),
               Column(_("Client"), lambda d: d.client_name),
               Column(_("Status"), lambda d: d.state(today), kind="status"),
               Column(_("Total"), lambda d: d.total, kind="money")]
    if kind == "invoice":
        columns += [Column(_("Paid"), lambda d: d.paid_total, kind="money"),
                    Column(_("Pay by"), lambda d: d.due_date, kind="date")]
    else:
        columns.append(Column(_("Valid until"), lambda d: d.valid_until, kind="date"))
    columns.append(Column(_("Author"), lambda d: short_person(d.owner_name),
                          tooltip=lambda d: d.owner_name))
    return columns


class DocumentsPage(Page):
    """Proposals and invoices."""

    key = "documents"
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
                lambda d: d.state(today) in ("overdue",)))
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
        query = DocumentQuery(kind=kind, statuses=(status,) if status else None,
                              text=self.search.text() or None, limit=1000)
        Op(self, documents.list_documents, self.ctx.db, self.ctx.actor, query) \
            .success(lambda rows, k=kind: self._show(k, rows)).run()

    def _show(self, kind: str, rows: list[Any]) -> None:
        self.models[kind].set_records(rows)
        self.header.set_count(ngettext("{n} document", "{n} documents", len(rows)).format(
            n=format_number(len(rows))))

    def new_document(self, kind: str) -> None:
        """Choose the client, then the editor."""
        from ..dialogs.client_picker import ClientPicker
        from ..dialogs.document_editor import DocumentEditor

        picker = ClientPicker(self.ctx, self)
        if picker.exec() and picker.client_id is not None:
            editor = DocumentEditor(self.ctx, kind=kind, client_id=picker.client_id, parent=self)
            editor.sig_changed.connect(self.refresh)
            editor.show()
