"""The login dialog: the last login remembered, the demo's password said on a demo
database, and a button to open the demo office instead."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salesdesk.auth import Actor, login
from salesdesk.db.engine import Database
from salesdesk.errors import AuthenticationError
from salesdesk.i18n import _

from .. import theme
from ..worker import Op


class LoginDialog(QDialog):
    """Ask for login and password; ``actor`` is set when accepted."""

    sig_open_demo = Signal()
    """The user asked for the demo office instead."""

    def __init__(self, db: Database, last_login: str = "", is_demo: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(_("SalesDesk — log in"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        title = QLabel("SalesDesk")
        title.setFont(theme.title_font(2))
        layout.addWidget(title)
        where = QLabel(_("Database: {name}").format(name=db.display_name))
        where.setProperty("role", "muted")
        layout.addWidget(where)
        layout.addSpacing(theme.SPACING)
        form = QFormLayout()
        self.login_edit = QLineEdit(last_login)
        self.login_edit.setObjectName("login")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Login"), self.login_edit)
        form.addRow(_("Password"), self.password_edit)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        if is_demo:
            hint = QLabel(_("This is the demo office: log in as head, manager1 or rep1 — every "
                            "password is 'demo'."))
            hint.setWordWrap(True)
            hint.setProperty("role", "muted")
            layout.addWidget(hint)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(_("Log in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setProperty("primary", True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.demo_button = QPushButton(_("Open the demo office"))
        if not is_demo:
            buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ResetRole)
            self.demo_button.clicked.connect(self._demo)
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password_edit if last_login else self.login_edit).setFocus(
            Qt.FocusReason.OtherFocusReason)
        self.setMinimumWidth(380)

    def _demo(self) -> None:
        self.sig_open_demo.emit()
        self.reject()

    def try_login(self) -> None:
        """Check the password in the background (it costs the same either way)."""
        self.ok.setEnabled(False)
        self.error.hide()
        Op(self, login, self.db, self.login_edit.text(), self.password_edit.text()) \
            .success(self._ok).failure(self._failed).run()

    def _ok(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, AuthenticationError):
            self.error.setText(exc.message)
            self.error.show()
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return
        from ..errors import show_error

        show_error(self, exc)
