"""Settings → E-mail: the user's own mail server (SMTP), its password kept in the
system's keyring (never in the database), and the outbox."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from salesdesk import mail
from salesdesk.db.models import SECURITY
from salesdesk.i18n import _

from . import theme
from .widgets import muted
from .worker import Op


def _save(ctx: Any, values: dict[str, Any], password: str) -> tuple[Any, bool]:
    """Keep the server and (when typed) the password: in the background."""
    server = mail.set_mail_server(ctx.db, ctx.actor, values["host"], values["port"],
                                  values["security"], values["login"], values["from"])
    kept = mail.store_password(server, password) if password and server.login else False
    return server, kept


class MailSettingsTab(QWidget):
    """See the module."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mail_settings")
        box = QVBoxLayout(self)
        box.addWidget(muted(_("Proposals and invoices are sent from your own mail box, "
                              "through its server (SMTP). Ask your administrator or see "
                              "your mail provider's help for these values.")))
        form = QFormLayout()
        self.host = QLineEdit()
        self.host.setObjectName("mail_host")
        self.host.setPlaceholderText("smtp.yandex.ru")
        self.security = QComboBox()
        self.security.setObjectName("mail_security")
        for code in SECURITY:
            self.security.addItem(_(mail.SECURITY_LABELS[code]), code)
        self.security.setCurrentIndex(self.security.findData("starttls"))
        self.port = QSpinBox()
        self.port.setObjectName("mail_port")
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.security.currentIndexChanged.connect(self._default_port)
        self.login = QLineEdit()
        self.login.setObjectName("mail_login")
        self.login.setPlaceholderText(_("usually your e-mail address"))
        self.password = QLineEdit()
        self.password.setObjectName("mail_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sender = QLineEdit()
        self.sender.setObjectName("mail_from")
        self.sender.setPlaceholderText(_("your profile's e-mail"))
        form.addRow(_("Server"), self.host)
        form.addRow(_("Security"), self.security)
        form.addRow(_("Port"), self.port)
        form.addRow(_("Login"), self.login)
        form.addRow(_("Password"), self.password)
        form.addRow(_("From"), self.sender)
        box.addLayout(form)
        self.keyring_note = muted(
            _("The password is kept in the system's keyring, never in the database.")
            if mail.keyring_available() else
            _("This computer has no keyring: the password is not kept; it is asked when "
              "sending (or taken from SALESDESK_SMTP_PASSWORD)."))
        box.addWidget(self.keyring_note)
        row = QHBoxLayout()
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline", "white"),
                                       _("Save"))
        self.save_button.setObjectName("mail_save")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.outbox_button = QPushButton(theme.icon("mdi6.email-fast-outline"), _("Outbox…"))
        self.outbox_button.clicked.connect(self.open_outbox)
        row.addWidget(self.save_button)
        row.addWidget(self.outbox_button)
        row.addStretch(1)
        box.addLayout(row)
        self.status = QLabel("")
        self.status.setObjectName("mail_status")
        self.status.setWordWrap(True)
        box.addWidget(self.status)
        box.addStretch(1)
        Op(self, mail.mail_server, ctx.db, ctx.actor, busy=False).success(self._fill).run()

    def _default_port(self, _index: int) -> None:
        if self.port.value() in mail.DEFAULT_PORTS.values():
            self.port.setValue(mail.DEFAULT_PORTS[self.security.currentData()])

    def _fill(self, server: Any) -> None:
        if server is None:
            self.status.setText(_("No mail server yet: documents can still be saved as "
                                  "e-mail drafts."))
            return
        self.host.setText(server.host)
        self.security.setCurrentIndex(self.security.findData(server.security))
        self.port.setValue(server.port)
        self.login.setText(server.login or "")
        self.sender.setText(server.from_address)
        self.status.setText(_("Sending as {address} through {host}:{port}.").format(
            address=server.from_address, host=server.host, port=server.port))

    def values(self) -> dict[str, Any]:
        """What the form holds."""
        return {"host": self.host.text(), "port": self.port.value(),
                "security": self.security.currentData(), "login": self.login.text(),
                "from": self.sender.text()}

    def save(self) -> None:
        """Keep the server (every value checked by the core)."""
        self.save_button.setEnabled(False)
        Op(self, _save, self.ctx, self.values(), self.password.text(), changes={"mail"}) \
            .success(self._saved).failure(self._failed).run()

    def _saved(self, result: tuple[Any, bool]) -> None:
        server, kept = result
        self.save_button.setEnabled(True)
        self.password.clear()
        self._fill(server)
        if kept:
            self.status.setText(self.status.text() + " " + _("The password is in the "
                                                             "keyring."))

    def _failed(self, exc: BaseException) -> None:
        from .errors import show_error

        self.save_button.setEnabled(True)
        self.status.setText(str(exc))
        show_error(self, exc)

    def open_outbox(self) -> None:
        """The outbox."""
        from .dialogs.outbox_dialog import OutboxDialog

        dialog = OutboxDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
