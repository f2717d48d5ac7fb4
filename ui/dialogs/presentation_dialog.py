"""Choose products for a client's presentation and save the PDF."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesdesk.i18n import _, format_money
from salesdesk.services import documents

from ..context import AppContext
from ..worker import Op


class PresentationDialog(QDialog):
    """Tick products; Save writes the PDF where the user says."""

    def __init__(self, ctx: AppContext, client_id: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client_id = client_id
        self.setWindowTitle(_("Product presentation"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Products to present:")))
        self.list = QListWidget()
        for product in ctx.lookups.products:
            item = QListWidgetItem(f"{product.name} — {format_money(product.price)}")
            item.setData(Qt.ItemDataRole.UserRole, product.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 480)

    def chosen(self) -> list[Any]:
        """The ticked products' ids."""
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def save(self) -> None:
        """Render the PDF and save it."""
        name, _f = QFileDialog.getSaveFileName(self, _("Save the presentation"),
                                               "presentation.pdf", "PDF (*.pdf)")
        if not name:
            return
        Op(self, documents.product_presentation, self.ctx.db, self.ctx.actor, self.client_id,
           self.chosen()).success(lambda pdf: self._write(name, pdf)).run()

    def _write(self, name: str, pdf: bytes) -> None:
        from salesdesk.errors import SalesDeskError
        from salesdesk.files import write_atomically

        from ..errors import show_error

        try:
            write_atomically(name, pdf)
        except SalesDeskError as exc:  # a full disk, a read-only folder
            show_error(self, exc)
            return
        self.accept()
