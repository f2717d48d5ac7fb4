"""E-mail from the record: each user's mail server, the password in the keyring, and the
outbox (issue 18).

A proposal or invoice is sent by putting its message in the outbox and then sending
what waits there. A message made with no connection (a laptop on the road) waits and
leaves with the next try, which the window makes every minute and ``salesdesk mail
send`` on demand. When the server cannot be reached, the message stays queued with the
reason; when the server refuses (a wrong password, a recipient it does not take), it
stays in the outbox as failed with the server's answer until the user tries again.
Each message that leaves is logged as an "email" activity on the client and marks its
document sent, in one transaction; the audit log notes it.

The password is never kept in the database: it goes to the operating system's keyring
(the ``keyring`` library); where there is none, it is asked at sending (the window) or
taken from ``SALESDESK_SMTP_PASSWORD`` (scripts).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy
from typing import Any

from sqlalchemy import delete, func, select

from salesdesk import clock, policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import SECURITY, Activity, Document, MailSettings, OutboxMessage
from salesdesk.db.types import utcnow
from salesdesk.errors import FieldProblem, NotFoundError, ValidationError
from salesdesk.i18n import N_, _
from salesdesk.policy import Action
from salesdesk.services.base import as_uuid, reading, writing

log = logging.getLogger(__name__)

PASSWORD_ENV = "SALESDESK_SMTP_PASSWORD"
"""Where scripts (and a computer without a keyring) give the mail server's password."""
KEYRING_SERVICE = "SalesDesk SMTP"
TIMEOUT_S = 20
"""How long to wait for the mail server before the message waits for the next try."""
SECURITY_LABELS = {"none": N_("None (a local relay)"), "starttls": N_("STARTTLS"),
                   "tls": N_("TLS")}
STATUS_LABELS = {"queued": N_("Waiting"), "failed": N_("Refused"), "sent": N_("Sent")}
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


# --- settings -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MailServer:
    """A user's mail server (the password is in the keyring, never here)."""

    host: str
    port: int
    security: str
    login: str | None
    from_address: str

    @property
    def keyring_user(self) -> str:
        """The name the password is kept under in the keyring."""
        return f"{self.login}@{self.host}:{self.port}"


def _check_host(host: str) -> str:
    value = (host or "").strip()
    if not value or len(value) > 255 or any(c.isspace() or c in "/\\@" for c in value):
        raise ValueError(_("must be a server name such as smtp.example.ru"))
    return value


def set_mail_server(db: Database, actor: Actor, host: str, port: int | str | None = None,
                    security: str = "starttls", login: str | None = None,
                    from_address: str | None = None) -> MailServer:
    """Keep the actor's own mail server. Every value is checked; a bad one is refused
    by its field and nothing is kept."""
    from salesdesk.validation import check_email

    problems: list[FieldProblem] = []
    checked: dict[str, Any] = {}
    security = (security or "").strip().lower()
    if security not in SECURITY:
        problems.append(FieldProblem(_("Security"), _("must be one of {values}").format(
            values=", ".join(SECURITY))))
    try:
        checked["host"] = _check_host(host)
    except ValueError as exc:
        problems.append(FieldProblem(_("Server"), str(exc)))
    try:
        number = DEFAULT_PORTS.get(security, 587) if port in (None, "") else int(str(port))
        if not 1 <= number <= 65535:
            raise ValueError
        checked["port"] = number
    except ValueError:
        problems.append(FieldProblem(_("Port"), _("must be a whole number from 1 to 65535")))
    login = (login or "").strip() or None
    if login is not None and (len(login) > 255 or any(ord(c) < 32 for c in login)):
        problems.append(FieldProblem(_("Login"), _("is not valid")))
    try:
        address = check_email(from_address, _("From"), required=False)
    except ValidationError as exc:
        problems.extend(exc.problems)
        address = None
    with writing(db, actor) as (uow, ctx):
        address = address or ctx.user.email
        if not address and not any(p.field == _("From") for p in problems):
            problems.append(FieldProblem(_("From"), _(
                "is required (your profile has no e-mail to send from)")))
        if problems:
            raise ValidationError(problems)
        row = uow.session.get(MailSettings, ctx.user.id)
        if row is None:
            row = MailSettings(user_id=ctx.user.id)
            uow.session.add(row)
        row.host, row.port, row.security = checked["host"], checked["port"], security
        row.login, row.from_address = login, address
        uow.commit()
        return _server(row)


def _server(row: MailSettings) -> MailServer:
    return MailServer(row.host, row.port, row.security, row.login, row.from_address)


def mail_server(db: Database, actor: Actor) -> MailServer | None:
    """The actor's mail server, if they set one."""
    with reading(db, actor) as ctx:
        row = ctx.session.get(MailSettings, ctx.user.id)
        return _server(row) if row is not None else None


def _keyring() -> Any | None:
    """The keyring module when the system has a usable keyring, else ``None``."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return None
        return keyring
    except Exception:  # a broken keyring (no D-Bus, locked) is no keyring
        return None


def keyring_available() -> bool:
    """Whether passwords can be kept in the operating system's keyring here."""
    return _keyring() is not None


def store_password(server: MailServer, password: str) -> bool:
    """Keep the password in the keyring; ``False`` when there is no keyring here (it is
    then asked at sending, or taken from ``SALESDESK_SMTP_PASSWORD``)."""
    ring = _keyring()
    if ring is None or not server.login:
        return False
    try:
        ring.set_password(KEYRING_SERVICE, server.keyring_user, password)
    except Exception as exc:  # any keyring failure: the password is asked
        log.warning("keyring refused the password: %s", exc)
        return False
    return True


def saved_password(server: MailServer) -> str | None:
    """The password from the keyring, else from ``SALESDESK_SMTP_PASSWORD``."""
    ring = _keyring()
    if ring is not None and server.login:
        try:
            found = ring.get_password(KEYRING_SERVICE, server.keyring_user)
        except Exception:  # a locked keyring: fall back as if it had none
            found = None
        if found:
            return str(found)
    return os.environ.get(PASSWORD_ENV) or None


# --- the outbox -----------------------------------------------------------------------------

@dataclass(frozen=True)
class OutboxRecord:
    """A message in the outbox."""

    id: uuid.UUID
    to: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    document_id: uuid.UUID | None
    document_number: str | None
    size: int


def _outbox_record(row: OutboxMessage, number: str | None) -> OutboxRecord:
    return OutboxRecord(row.id, row.to_address, row.subject, row.status, row.attempts,
                        row.last_error, row.created_at, row.sent_at, row.document_id, number,
                        len(row.message))


def queue_document(db: Database, actor: Actor, document_id: uuid.UUID | str,
                   to: str | None = None, template: str | None = None,
                   stamped: bool = False, subject: str | None = None,
                   body: str | None = None) -> OutboxRecord:
    """Put an issued document's message, with its PDF, in the actor's outbox (it needs
    their mail server, for the address it is sent from)."""
    from salesdesk import emails, events
    from salesdesk.services.documents import document_email

    server = mail_server(db, actor)
    if server is None:
        raise ValidationError(_("E-mail"), _(
            "set up your mail server first (Settings → E-mail, or 'salesdesk mail set'), or "
            "save the message as an e-mail draft"))
    made = document_email(db, actor, document_id, to, template, stamped, subject, body)
    message = emails.document_message(to=made.to, sender_name=actor.name,
                                      sender_email=server.from_address, subject=made.subject,
                                      body=made.body, pdf=made.pdf, file_name=made.file_name,
                                      draft=False)
    with writing(db, actor) as (uow, ctx):
        row = OutboxMessage(id=uuid.uuid4(), user_id=ctx.user.id, document_id=made.document_id,
                            client_id=made.client_id, to_address=made.to,
                            subject=made.subject[:500], message=message, status="queued",
                            attempts=0)
        uow.session.add(row)
        uow.commit()
        record = _outbox_record(row, made.number)
    events.log_event(db, actor.id, events.PRINT, "documents", made.document_id,
                     {"number": made.number, "how": "e-mail queued", "to": made.to,
                      "stamped": stamped})
    return record


def list_outbox(db: Database, actor: Actor, include_sent: bool = False) -> list[OutboxRecord]:
    """The actor's messages, newest first (waiting and refused ones; sent ones too)."""
    with reading(db, actor) as ctx:
        stmt = (select(OutboxMessage, Document.number)
                .outerjoin(Document, Document.id == OutboxMessage.document_id)
                .where(OutboxMessage.user_id == ctx.user.id))
        if not include_sent:
            stmt = stmt.where(OutboxMessage.status != "sent")
        stmt = stmt.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id)
        return [_outbox_record(row, number) for row, number in ctx.session.execute(stmt)]


def waiting_count(db: Database, actor: Actor) -> int:
    """How many of the actor's messages wait to leave by themselves (queued)."""
    with reading(db, actor) as ctx:
        return int(ctx.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.user_id == ctx.user.id, OutboxMessage.status == "queued")) or 0)


def _own_message(ctx: Any, message_id: uuid.UUID | str) -> OutboxMessage:
    row = ctx.session.get(OutboxMessage, as_uuid(message_id, _("Message")))
    if row is None or row.user_id != ctx.user.id:
        raise NotFoundError(_("Message not found in your outbox."))
    return row


def retry_message(db: Database, actor: Actor, message_id: uuid.UUID | str) -> None:
    """A refused message goes back to waiting (after the password or the address was
    put right), to leave with the next try."""
    with writing(db, actor) as (uow, ctx):
        row = _own_message(ctx, message_id)
        if row.status == "sent":
            raise ValidationError(_("Message"), _("was sent already"))
        row.status = "queued"
        uow.commit()


def discard_message(db: Database, actor: Actor, message_id: uuid.UUID | str) -> None:
    """Take a message that has not left out of the outbox."""
    with writing(db, actor) as (uow, ctx):
        row = _own_message(ctx, message_id)
        if row.status == "sent":
            raise ValidationError(_("Message"), _("was sent already"))
        uow.session.execute(delete(OutboxMessage).where(OutboxMessage.id == row.id))
        uow.commit()


# --- sending --------------------------------------------------------------------------------

@dataclass
class SendReport:
    """What one try of the outbox did."""

    sent: list[OutboxRecord] = field(default_factory=list)
    waiting: list[OutboxRecord] = field(default_factory=list)
    """Still queued: the server could not be reached (tried again later by itself)."""
    refused: list[OutboxRecord] = field(default_factory=list)
    """Refused by the server: they wait for the user (see their reason)."""
    problem: str | None = None
    """Why nothing could leave, when one reason held them all."""

    def summary(self) -> str:
        """What happened, in a line or two."""
        from salesdesk.i18n import ngettext

        parts = []
        if self.sent:
            parts.append(ngettext("{n} message sent.", "{n} messages sent.",
                                  len(self.sent)).format(n=len(self.sent)))
        if self.waiting:
            parts.append(ngettext("{n} message waits in the outbox.",
                                  "{n} messages wait in the outbox.",
                                  len(self.waiting)).format(n=len(self.waiting)))
        if self.refused:
            parts.append(ngettext("{n} message was refused by the server.",
                                  "{n} messages were refused by the server.",
                                  len(self.refused)).format(n=len(self.refused)))
        if self.problem:
            parts.append(self.problem)
        return " ".join(parts) or _("The outbox is empty.")


class _Temporary(Exception):
    """The server could not be reached or said "later": the message waits."""


class _Refused(Exception):
    """The server refused: the message waits for the user."""


def _answer(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
        else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}".strip()


def _why(exc: BaseException) -> str:
    """Why the network failed, in the user's words (the system's text says it in
    English)."""
    import socket

    if isinstance(exc, ConnectionRefusedError):
        return _("the connection was refused")
    if isinstance(exc, TimeoutError | socket.timeout):
        return _("no answer in time")
    if isinstance(exc, socket.gaierror):
        return _("the server's name is not found (no network?)")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("the server closed the connection")
    return str(exc) or type(exc).__name__


def _connect(server: MailServer, password: str | None) -> smtplib.SMTP:
    """An open, logged-in connection (raises :class:`_Temporary` or :class:`_Refused`)."""
    try:
        if server.security == "tls":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_S,
                                                  context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_S)
            if server.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
        if server.login and password is not None:
            conn.login(server.login, password)
        return conn
    except smtplib.SMTPAuthenticationError as exc:
        raise _Refused(_("the mail server refused the login of {login}: {answer}").format(
            login=server.login, answer=_answer(exc))) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise _Refused(_("the mail server does not support this: {what}; check the security "
                         "setting").format(what=str(exc) or "STARTTLS/AUTH")) from None
    except ssl.SSLError as exc:
        raise _Refused(_("the secure connection to the mail server failed: {why}").format(
            why=exc.reason or exc)) from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise _Temporary(_("the mail server asks to try later: {answer}").format(
                answer=_answer(exc))) from None
        raise _Refused(_("the mail server refused: {answer}").format(
            answer=_answer(exc))) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise _Temporary(_("the mail server {host}:{port} cannot be reached ({why}); the "
                           "message waits in the outbox and leaves when the connection "
                           "returns").format(host=server.host, port=server.port,
                                             why=_why(exc))) from None


def _send_one(conn: smtplib.SMTP, server: MailServer, row: OutboxMessage) -> None:
    message = message_from_bytes(row.message, policy=email_policy.SMTP)
    try:
        refused = conn.send_message(message, from_addr=server.from_address,
                                    to_addrs=[row.to_address])
    except smtplib.SMTPRecipientsRefused as exc:
        answers = "; ".join(f"{code} {text.decode('utf-8', 'replace')}"
                            for code, text in exc.recipients.values())
        raise _Refused(_("the mail server refused the recipient {to}: {answer}").format(
            to=row.to_address, answer=answers)) from None
    except smtplib.SMTPSenderRefused as exc:
        raise _Refused(_("the mail server refused the sender {sender}: {answer}").format(
            sender=server.from_address, answer=_answer(exc))) from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise _Temporary(_("the mail server asks to try later: {answer}").format(
                answer=_answer(exc))) from None
        raise _Refused(_("the mail server refused the message: {answer}").format(
            answer=_answer(exc))) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise _Temporary(_("the connection to the mail server broke ({why}); the message "
                           "waits in the outbox").format(why=_why(exc))) from None
    if refused:
        raise _Refused(_("the mail server refused the recipient {to}").format(
            to=row.to_address))


def _note(db: Database, actor: Actor, message_id: uuid.UUID, status: str,
          error: str | None) -> OutboxRecord:
    """Keep the outcome of one try (and, for a sent message, log it on the client and
    mark its document sent, in the same transaction)."""
    with writing(db, actor) as (uow, ctx):
        row = _own_message(ctx, message_id)
        row.attempts += 1
        row.last_attempt_at = utcnow()
        row.status = status
        row.last_error = error
        number = None
        if status == "sent":
            row.sent_at = utcnow()
            row.last_error = None
            doc = uow.session.get(Document, row.document_id) if row.document_id else None
            number = doc.number if doc is not None else None
            if row.client_id is not None:
                what = _("Sent by e-mail to {to}: {subject}").format(to=row.to_address,
                                                                     subject=row.subject)
                uow.session.add(Activity(id=uuid.uuid4(), client_id=row.client_id,
                                         user_id=ctx.user.id, kind="email",
                                         date=clock.today(), note=what[:10000]))
            if doc is not None and doc.status == "issued" and policy.allows(
                    ctx, Action.DOCUMENT_ISSUE, doc):
                doc.status = "sent"
        uow.commit()
        return _outbox_record(row, number)


def send_outbox(db: Database, actor: Actor, password: str | None = None,
                connect: Callable[[MailServer, str | None], smtplib.SMTP] | None = None
                ) -> SendReport:
    """Send what waits in the actor's outbox through their mail server, oldest first.

    The connection is made outside any database transaction (a slow server holds no
    lock); each message's outcome is then written in a short transaction of its own.
    ``password`` is the one the user typed when asked; otherwise the keyring's or
    ``SALESDESK_SMTP_PASSWORD``.
    """
    from salesdesk import events

    report = SendReport()
    with reading(db, actor) as ctx:
        ids = list(ctx.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.user_id == ctx.user.id, OutboxMessage.status == "queued")
            .order_by(OutboxMessage.created_at, OutboxMessage.id)))
    if not ids:
        return report
    server = mail_server(db, actor)
    if server is None:
        report.problem = _("Set up your mail server first (Settings → E-mail, or "
                           "'salesdesk mail set').")
        report.waiting = [r for r in list_outbox(db, actor) if r.id in ids]
        return report
    secret = password if password is not None else saved_password(server)
    if server.login and secret is None:
        # Not the server's refusal: the messages wait until a password is given.
        why = _("the mail server needs the password of {login}: enter it when sending, keep "
                "it with 'salesdesk mail set', or set SALESDESK_SMTP_PASSWORD").format(
            login=server.login)
        report.problem = why
        report.waiting = [_note(db, actor, mid, "queued", why) for mid in ids]
        return report
    try:
        conn = (connect or _connect)(server, secret)
    except _Temporary as exc:
        report.problem = str(exc)
        report.waiting = [_note(db, actor, mid, "queued", str(exc)) for mid in ids]
        return report
    except _Refused as exc:
        report.problem = str(exc)
        report.refused = [_note(db, actor, mid, "failed", str(exc)) for mid in ids]
        return report
    try:
        for index, mid in enumerate(ids):
            with reading(db, actor) as ctx:
                row = _own_message(ctx, mid)
                if row.status != "queued":
                    continue  # sent or discarded meanwhile (another window)
                ctx.session.expunge(row)
            try:
                _send_one(conn, server, row)
            except _Refused as exc:
                report.refused.append(_note(db, actor, mid, "failed", str(exc)))
                continue
            except _Temporary as exc:
                # The connection is gone: this one and the rest wait for the next try.
                report.problem = str(exc)
                report.waiting += [_note(db, actor, m, "queued", str(exc))
                                   for m in ids[index:]]
                break
            sent = _note(db, actor, mid, "sent", None)
            report.sent.append(sent)
            if sent.document_id is not None:
                events.log_event(db, actor.id, events.PRINT, "documents", sent.document_id,
                                 {"number": sent.document_number, "how": "e-mail sent",
                                  "to": sent.to})
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()
    return report
