"""The login dialog: shown at once while the database opens in the background; the last
login remembered, the demo's password said on a demo database, and a button to open the
demo office instead."""

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

from salesdesk.i18n import _

from .. import theme
from ..worker import Op


class LoginDialog(QDialog):
    """Ask for login and password; ``actor`` is set when accepted.

    The database may still be opening when the dialog appears (``set_database`` gives
    it); Log in waits for it.
    """

    sig_open_demo = Signal()
    """The user asked for the demo office instead."""
    sig_logged_in = Signal(object)
    """The password was right; carries the actor."""

    def __init__(self, db: object | None, last_login: str = "", is_demo: bool = False,
                 parent: QWidget | None = None, location: str = "") -> None:
        super().__init__(parent)
        self.db = db
        self.actor = None
        self._pending = False
        self.setWindowTitle(_("SalesDesk — log in"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        title = QLabel("SalesDesk")
        title.setFont(theme.title_font(2))
        layout.addWidget(title)
        self.where = QLabel("")
        self.where.setProperty("role", "muted")
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
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
        self.hint = QLabel(_("This is the demo office: log in as head, manager1 or rep1 — "
                             "every password is 'demo'."))
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "muted")
        self.hint.setVisible(is_demo)
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(_("Log in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setProperty("primary", True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.demo_button = QPushButton(_("Open the demo office"))
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.demo_button.clicked.connect(self._demo)
        self.demo_button.setVisible(not is_demo)
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password_edit if last_login else self.login_edit).setFocus(
            Qt.FocusReason.OtherFocusReason)
        self.setMinimumWidth(400)
        if db is not None:
            self.set_database(db, is_demo)
        else:
            self.where.setText(_("Opening {name}…").format(name=location))

    def set_database(self, db: object, is_demo: bool) -> None:
        """The database is open: show where, and log in if the user already asked."""
        self.db = db
        self.where.setText(_("Database: {name}").format(name=db.display_name))  # type: ignore[attr-defined]
        self.hint.setVisible(is_demo)
        self.demo_button.setVisible(not is_demo)
        if self._pending:
            self.try_login()

    def _demo(self) -> None:
        self.sig_open_demo.emit()
        self.reject()

    def try_login(self) -> None:
        """Check the password in the background (it costs the same either way)."""
        from salesdesk.auth import login

        if self.db is None:
            self._pending = True  # logs in as soon as the database is open
            self.ok.setEnabled(False)
            return
        self._pending = False
        self.ok.setEnabled(False)
        self.error.hide()
        # A write: a password of an older strength is re-hashed at login.
        Op(self, login, self.db, self.login_edit.text(), self.password_edit.text(),
           changes=()) \
            .success(self._ok).failure(self._failed).run()

    def _ok(self, actor: object) -> None:
        self.actor = actor
        self.sig_logged_in.emit(actor)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from salesdesk.errors import AuthenticationError

        self.ok.setEnabled(True)
        if isinstance(exc, AuthenticationError):
            self.error.setText(exc.message)
            self.error.show()
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return
        from ..errors import show_error

        show_error(self, exc)
