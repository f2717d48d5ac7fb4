"""Send a proposal or invoice by e-mail: to whom, which template, the subject and the
words (filled from the template in the document's language, editable), with or without
stamp and signatures. Send puts the message in the outbox and tries at once; with no
connection it waits there and leaves by itself later. Without a mail server, "Save as
e-mail draft" is the way (the preview's button)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from salesdesk import mail
from salesdesk.emails import TEMPLATES
from salesdesk.i18n import N_, _
from salesdesk.services import documents

from .. import theme
from ..context import AppContext
from ..worker import Op

TEMPLATE_LABELS = {"proposal": N_("Commercial proposal"), "invoice": N_("Invoice"),
                   "reminder": N_("Payment reminder")}


def ask_password(parent: QWidget, login: str) -> str | None:
    """The mail server's password, typed (``None`` when cancelled). Tests replace it."""
    from PySide6.QtWidgets import QInputDialog

    text, ok = QInputDialog.getText(parent, _("Mail server password"),
                                    _("Password of {login} on the mail server:").format(
                                        login=login), QLineEdit.EchoMode.Password)
    return text if ok and text else None


def _load(ctx: AppContext, document_id: Any, template: str | None) -> tuple[Any, Any]:
    """The words of the message and the user's mail server (in the background)."""
    made = documents.document_email(ctx.db, ctx.actor, document_id, template=template,
                                    render=False)
    return made, mail.mail_server(ctx.db, ctx.actor)


def _send(ctx: AppContext, document_id: Any, to: str, template: str, stamped: bool,
          subject: str, body: str, password: str | None) -> tuple[Any, Any]:
    """Queue the message, then send what waits (the network, off the GUI thread)."""
    queued = mail.queue_document(ctx.db, ctx.actor, document_id, to=to, template=template,
                                 stamped=stamped, subject=subject, body=body)
    return queued, mail.send_outbox(ctx.db, ctx.actor, password)


class SendDialog(QDialog):
    """See the module. ``sig_done`` carries the outcome's words."""

    sig_done = Signal(str)

    def __init__(self, ctx: AppContext, record: documents.DocumentRecord,
                 parent: QWidget | None = None, stamped: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.server: Any = None
        self.outcome = ""
        self.setWindowTitle(_("Send {name} by e-mail").format(name=record.display_name()))
        self.setObjectName("send_dialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.to = QLineEdit()
        self.to.setObjectName("send_to")
        self.to.setPlaceholderText("name@example.ru")
        self.template = QComboBox()
        self.template.setObjectName("send_template")
        for name in TEMPLATES:
            self.template.addItem(_(TEMPLATE_LABELS[name]), name)
        self.template.setCurrentIndex(max(self.template.findData(record.kind), 0))
        self.template.currentIndexChanged.connect(lambda _i: self._reload(keep_to=True))
        self.subject = QLineEdit()
        self.subject.setObjectName("send_subject")
        self.body = QPlainTextEdit()
        self.body.setObjectName("send_body")
        self.body.setMinimumHeight(200)
        self.stamped = QCheckBox(_("With stamp and signatures"))
        self.stamped.setChecked(stamped)
        self.stamped.setVisible(record.kind == "invoice")
        attached = QLabel(f"📎 {record.number}.pdf")
        attached.setProperty("role", "muted")
        form.addRow(_("To"), self.to)
        form.addRow(_("Template"), self.template)
        form.addRow(_("Subject"), self.subject)
        form.addRow(_("Message"), self.body)
        form.addRow(_("Attached"), attached)
        form.addRow("", self.stamped)
        layout.addLayout(form)
        self.note = QLabel("")
        self.note.setObjectName("send_note")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "muted")
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.addButton(_("Send"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("send_button")
        self.send_button.setIcon(theme.icon("mdi6.send-outline", "white"))
        self.send_button.setProperty("primary", True)
        self.send_button.setEnabled(False)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(640, 560)
        self._reload(keep_to=False)

    def _reload(self, keep_to: bool) -> None:
        Op(self, _load, self.ctx, self.record.id, self.template.currentData()).success(
            lambda loaded: self._fill(loaded, keep_to)).run()

    def _fill(self, loaded: tuple[Any, Any], keep_to: bool) -> None:
        made, server = loaded
        self.server = server
        if not keep_to or not self.to.text().strip():
            self.to.setText(made.to)
        self.subject.setText(made.subject)
        self.body.setPlainText(made.body)
        if server is None:
            self.note.setText(_("Set up your mail server first (Settings → E-mail), or "
                                "save the message as an e-mail draft from the preview."))
            self.send_button.setEnabled(False)
        else:
            self.note.setText(_("From {address} through {host}. Without a connection the "
                                "message waits in the outbox and leaves by itself.").format(
                address=server.from_address, host=server.host))
            self.send_button.setEnabled(True)

    def send(self) -> None:
        """Queue and send (asking the password when nothing keeps it)."""
        password = None
        if self.server is not None and self.server.login and \
                mail.saved_password(self.server) is None:
            password = ask_password(self, self.server.login)
            if password is None:
                return
        self.send_button.setEnabled(False)
        self.note.setText(_("Sending…"))
        Op(self, _send, self.ctx, self.record.id, self.to.text(),
           self.template.currentData(), self.stamped.isChecked(), self.subject.text(),
           self.body.toPlainText(), password, changes={"documents", "activities", "mail"}) \
            .success(self._sent).failure(self._failed).run()

    def _sent(self, result: tuple[Any, Any]) -> None:
        queued, report = result
        mine = next((r for r in report.sent + report.waiting + report.refused
                     if r.id == queued.id), None)
        if mine is not None and mine.status == "sent":
            self.outcome = _("{number} was sent to {to}.").format(number=self.record.number,
                                                                  to=queued.to)
        elif mine is not None and mine.status == "failed":
            self.outcome = _("{number} was not sent: {why}. It stays in the outbox.").format(
                number=self.record.number, why=mine.last_error)
        else:
            why = (mine.last_error if mine else report.problem) or ""
            self.outcome = _("{number} waits in the outbox: {why}").format(
                number=self.record.number, why=why)
        self.sig_done.emit(self.outcome)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from ..errors import show_error

        self.send_button.setEnabled(True)
        self.note.setText(str(exc))
        show_error(self, exc)
