"""The outbox: the user's messages that wait (no connection), were refused by the server
(with its reason) or were sent; send now, try a refused one again, or discard one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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

from salesdesk import mail
from salesdesk.i18n import _

from .. import theme
from ..context import AppContext
from ..worker import Op


class OutboxDialog(QDialog):
    """See the module; ``sig_changed`` tells the window to count again."""

    sig_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[mail.OutboxRecord] = []
        self.setWindowTitle(_("Outbox"))
        self.setObjectName("outbox_dialog")
        layout = QVBoxLayout(self)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "muted")
        layout.addWidget(self.note)
        self.show_sent = QCheckBox(_("Show sent messages"))
        self.show_sent.toggled.connect(lambda _c: self.refresh())
        layout.addWidget(self.show_sent)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("outbox_table")
        self.table.setHorizontalHeaderLabels([_("Status"), _("To"), _("Subject"), _("Made"),
                                              _("Why")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(2, 240)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.send_button = QPushButton(theme.icon("mdi6.send-outline"), _("Send now"))
        self.send_button.setProperty("primary", True)
        self.send_button.clicked.connect(self.send_now)
        self.retry_button = QPushButton(theme.icon("mdi6.refresh"), _("Try again"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.discard_button = QPushButton(theme.icon("mdi6.delete-outline"), _("Discard"))
        self.discard_button.clicked.connect(self.discard_selected)
        for button in (self.send_button, self.retry_button, self.discard_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 420)
        self.server: Any = None
        self._selection()
        Op(self, mail.mail_server, self.ctx.db, self.ctx.actor, busy=False).success(
            self._server_read).run()
        self.refresh()

    def refresh(self) -> None:
        """Read the outbox again."""
        Op(self, mail.list_outbox, self.ctx.db, self.ctx.actor, self.show_sent.isChecked(),
           busy=False).success(self._show).run()

    def _show(self, rows: list[mail.OutboxRecord]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for row, r in enumerate(rows):
            status = QTableWidgetItem(_(mail.STATUS_LABELS[r.status]))
            if r.status == "failed":
                status.setForeground(theme.BAD_COLOR)
            elif r.status == "queued":
                status.setForeground(theme.WARN_COLOR)
            cells = [status, QTableWidgetItem(r.to), QTableWidgetItem(r.subject),
                     QTableWidgetItem(r.created_at.astimezone().strftime("%Y-%m-%d %H:%M")),
                     QTableWidgetItem(r.last_error or "")]
            cells[4].setToolTip(r.last_error or "")
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        waiting = sum(1 for r in rows if r.status == "queued")
        refused = sum(1 for r in rows if r.status == "failed")
        self.note.setText(_("Waiting: {waiting}. Refused by the server: {refused}. Waiting "
                            "messages leave by themselves when the connection returns; a "
                            "refused one leaves when you try it again.").format(
            waiting=waiting, refused=refused) if rows else _("The outbox is empty."))
        self._selection()

    def selected(self) -> mail.OutboxRecord | None:
        """The chosen message."""
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.rows[min(rows)] if rows and min(rows) < len(self.rows) else None

    def _selection(self) -> None:
        chosen = self.selected()
        self.retry_button.setEnabled(chosen is not None and chosen.status == "failed")
        self.discard_button.setEnabled(chosen is not None and chosen.status != "sent")
        self.send_button.setEnabled(any(r.status == "queued" for r in self.rows))

    def send_now(self) -> None:
        """Send what waits (asking the password when nothing keeps it)."""
        from .send_dialog import ask_password

        if not any(r.status == "queued" for r in self.rows):
            return
        password = None
        if self.server is not None and self.server.login and \
                mail.saved_password(self.server) is None:
            password = ask_password(self, self.server.login)
            if password is None:
                return
        Op(self, mail.send_outbox, self.ctx.db, self.ctx.actor, password,
           changes={"documents", "activities", "mail"}).success(self._sent).run()

    def _sent(self, report: mail.SendReport) -> None:
        self.note.setText(report.summary())
        self.sig_changed.emit()
        Op(self, mail.list_outbox, self.ctx.db, self.ctx.actor, self.show_sent.isChecked(),
           busy=False).success(lambda rows: (self._show(rows),
                                             self.note.setText(report.summary()))).run()

    def retry_selected(self) -> None:
        """A refused message back to waiting, then a try."""
        chosen = self.selected()
        if chosen is not None:
            Op(self, mail.retry_message, self.ctx.db, self.ctx.actor, chosen.id,
               changes={"mail"}).success(lambda _r: self._retried()).run()

    def _retried(self) -> None:
        Op(self, mail.list_outbox, self.ctx.db, self.ctx.actor, self.show_sent.isChecked(),
           busy=False).success(lambda rows: (self._show(rows), self.send_now())).run()

    def discard_selected(self) -> None:
        """Take the chosen message out of the outbox."""
        chosen = self.selected()
        if chosen is not None:
            Op(self, mail.discard_message, self.ctx.db, self.ctx.actor, chosen.id,
               changes={"mail"}).success(lambda _r: (self.sig_changed.emit(),
                                                     self.refresh())).run()

    def _server_read(self, server: Any) -> None:
        self.server = server
