"""Choose a client by typing part of its name, INN, phone or e-mail."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesdesk.i18n import _
from salesdesk.services import clients

from ..context import AppContext


class ClientPicker(QDialog):
    """Search as you type; ``client_id`` is set when accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 title: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client_id: Any = None
        self.setWindowTitle(title or _("Choose a client"))
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Name, INN, contact, phone or e-mail"))
        self.list = QListWidget()
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.itemDoubleClicked.connect(lambda _i: self._accept())
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.fill)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.fill()
        self.resize(520, 460)

    def fill(self) -> None:
        """The first 100 matches."""
        self.list.clear()
        found = clients.list_clients(self.ctx.db, self.ctx.actor, clients.ClientQuery(
            text=self.search.text() or None, limit=100))
        for client in found:
            item = QListWidgetItem(f"{client.name}   {client.inn or ''}   {client.city or ''}")
            item.setData(Qt.ItemDataRole.UserRole, client.id)
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.client_id = item.data(Qt.ItemDataRole.UserRole)
            self.accept()
