"""The trash: the deleted records the user may bring back (their own, their team's, or
everything for the head), newest first, and Restore. The same service as ``salesdesk
trash``; the list and the restore run in the background."""

from __future__ import annotations

from typing import Any

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

from salesdesk.i18n import _, format_date
from salesdesk.services import trash

from ..changes import restored_kinds
from ..context import AppContext
from ..worker import Op


class TrashDialog(QDialog):
    """Deleted records and Restore; ``sig_restored`` carries what came back."""

    sig_restored = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[trash.TrashItem] = []
        self.setWindowTitle(_("Trash"))
        layout = QVBoxLayout(self)
        self.note = QLabel(_("Deleted records you may bring back, newest first."))
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Kind"), _("Record"), _("Client"), _("Deleted")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton(_("Restore"))
        self.restore_button.setProperty("primary", True)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(bool(self.table.selectedItems())))
        self.resize(760, 480)
        self.refresh()

    def refresh(self) -> None:
        """Read the trash again."""
        Op(self, trash.list_trash, self.ctx.db, self.ctx.actor, busy=False).success(
            self._show).run()

    def _show(self, items: list[trash.TrashItem]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            cells = [item.kind_label, item.title, item.client_name or "",
                     format_date(item.deleted_at.date())]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, row)
                self.table.setItem(row, column, cell)
        self.note.setText(_("Deleted records you may bring back, newest first.") if items
                          else _("The trash is empty."))
        self.restore_button.setEnabled(bool(self.table.selectedItems()))

    def restore_selected(self) -> None:
        """Bring the chosen record back."""
        rows = {i.row() for i in self.table.selectedIndexes()}
        if not rows:
            return
        item = self.items[rows.pop()]
        Op(self, trash.restore, self.ctx.db, self.ctx.actor, item.kind, item.id,
           changes=restored_kinds(item.kind)).success(self._restored).run()

    def _restored(self, item: Any) -> None:
        self.sig_restored.emit(item)
        self.refresh()
