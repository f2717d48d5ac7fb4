"""Choose a client by typing part of its name, INN, phone or e-mail: the list's own
search, in the background, over any number of clients; or make a new one on the spot.

:class:`ClientField` is the form field of a client (the deal form's, for one): the
chosen client's name, and a button that opens the picker. Keyboard first: the search
box has the focus, the arrows move in the list, Enter chooses.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salesdesk.i18n import _
from salesdesk.services import clients

from ..context import AppContext
from ..worker import Op

SHOWN = 100
"""How many matches the list shows (the search narrows them)."""


class ClientPicker(QDialog):
    """Search as you type; ``client_id`` and ``client_name`` are set when accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 title: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client_id: Any = None
        self.client_name = ""
        self._generation = 0  # answers to an older search are dropped
        self.setWindowTitle(title or _("Choose a client"))
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Name, INN, contact, phone or e-mail"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.status = QLabel("")
        self.status.setProperty("role", "muted")
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.new_button = QPushButton(_("New client…"))
        self.new_button.setObjectName("new_client")
        buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.new_button.clicked.connect(self.new_client)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.itemDoubleClicked.connect(lambda _i: self._accept())
        self.search.returnPressed.connect(self._accept)
        self.search.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.fill)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.fill()
        self.resize(560, 480)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Up and Down in the search box move in the list."""
        from PySide6.QtCore import QEvent

        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = min(max(self.list.currentRow() + step, 0), self.list.count() - 1)
            self.list.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def fill(self) -> None:
        """The first matches, searched in the background."""
        self._generation += 1
        generation = self._generation
        self.status.setText(_("Searching…"))
        query = clients.ClientQuery(text=self.search.text() or None, limit=SHOWN + 1)
        Op(self, clients.list_clients, self.ctx.db, self.ctx.actor, query, busy=False).success(
            lambda found: self._show(generation, found)).run()

    def _show(self, generation: int, found: list[Any]) -> None:
        if generation != self._generation:
            return
        self.list.clear()
        for client in found[:SHOWN]:
            item = QListWidgetItem("   ".join(p for p in (client.name, client.inn or "",
                                                           client.city or "") if p))
            item.setData(Qt.ItemDataRole.UserRole, (client.id, client.name))
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)
        self.status.setText(
            _("No client matches: make a new one?") if not found else
            _("The first {n} matches: type more to narrow them").format(n=SHOWN)
            if len(found) > SHOWN else "")

    def new_client(self) -> None:
        """A new client, named as typed; chosen once it is saved."""
        from .record_forms import client_form

        dialog = client_form(self, self.ctx, on_saved=self._made)
        if self.search.text().strip():
            dialog.set_values({"name": self.search.text().strip()})
        dialog.open()

    def _made(self, saved: Any) -> None:
        client = getattr(saved, "client", saved)
        self.client_id, self.client_name = client.id, client.name
        self.accept()

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.client_id, self.client_name = item.data(Qt.ItemDataRole.UserRole)
            self.accept()


class ClientField(QWidget):
    """A form's client: its name, and "Choose…" to search for another (or make one)."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._id: Any = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.shown = QLineEdit()
        self.shown.setReadOnly(True)
        self.shown.setPlaceholderText(_("No client chosen"))
        self.button = QPushButton(_("Choose…"))
        self.button.clicked.connect(self.choose)
        row.addWidget(self.shown, 1)
        row.addWidget(self.button)
        self.setFocusProxy(self.button)
        self.picker: ClientPicker | None = None

    def choose(self) -> None:
        """Open the picker (not modal to the event loop: tests and users alike go on)."""
        self.picker = ClientPicker(self.ctx, self)
        self.picker.accepted.connect(lambda: self.set_value(
            self.picker.client_id, self.picker.client_name))  # type: ignore[union-attr]
        self.picker.open()

    def value(self) -> Any:
        """The chosen client's id (``None``: none yet)."""
        return self._id

    def set_value(self, client_id: Any, name: str | None = None) -> None:
        """Show a client (its name looked up when not given)."""
        self._id = client_id
        self.shown.setText(name or "")
        if client_id is not None and name is None:  # read in the background
            Op(self, clients.get_client, self.ctx.db, self.ctx.actor, client_id,
               busy=False).success(lambda c: self.shown.setText(c.name)).run()
        self.changed.emit()
