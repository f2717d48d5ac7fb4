"""E-mail from the record through a real SMTP server (aiosmtpd on 127.0.0.1): a proposal
leaves with its PDF, a message made while the server is down leaves when it comes up, a
refused login keeps the message in the outbox with the server's reason, and a sent one
is logged on the client and marks its document sent."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email import policy as email_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from salesdesk import mail
from salesdesk.db.models import Activity, AuditEntry, MailSettings, OutboxMessage
from salesdesk.errors import NotFoundError, ValidationError
from salesdesk.services import clients, documents
from tests.conftest import Office

# The test server takes a login without TLS (a local relay's way); aiosmtpd warns of it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

LINE = [{"description": "Кресло офисное", "quantity": "2", "unit": "шт", "price": "1500"}]
LOGIN, SECRET = "rep1@romashka.ru", "s3cret-pw"


class Inbox:
    """What the test server received."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email_policy.default)  # type: ignore[misc]
                for e in self.envelopes]


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                   auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == LOGIN
          and auth_data.password.decode() == SECRET)
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """An SMTP server on 127.0.0.1 that can be started late (the connection returns)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     authenticator=_authenticator, auth_required=True,
                                     auth_require_tls=False)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[Server]:
    server = Server()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    # No keyring on a test machine (and none touched on a developer's): the password
    # comes from the variable, as on a computer without one.
    monkeypatch.setattr(mail, "_keyring", lambda: None)
    monkeypatch.setenv(mail.PASSWORD_ENV, SECRET)


def _proposal(office: Office) -> documents.DocumentRecord:
    client = clients.create_client(office.db, office.rep1, {
        "name": "Альфа", "email": "buyer@alfa.ru"}).client
    draft = documents.create_document(office.db, office.rep1, "proposal", client.id,
                                      lines=LINE)
    return documents.issue_document(office.db, office.rep1, draft.id)


def _set_server(office: Office, port: int) -> None:
    mail.set_mail_server(office.db, office.rep1, "127.0.0.1", port, "none", LOGIN,
                         "rep1@romashka.ru")


def _timeless(pdf: bytes) -> bytes:
    import re

    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[[^\]]*\]", b"", pdf)


def test_a_proposal_is_sent_with_its_pdf_logged_and_marked_sent(office: Office,
                                                                 smtp: Server) -> None:
    smtp.start()
    _set_server(office, smtp.port)
    proposal = _proposal(office)
    queued = mail.queue_document(office.db, office.rep1, proposal.id)
    assert queued.status == "queued" and queued.to == "buyer@alfa.ru"
    report = mail.send_outbox(office.db, office.rep1)
    assert [r.id for r in report.sent] == [queued.id] and not report.waiting

    [message] = smtp.inbox.messages()
    assert smtp.inbox.envelopes[0].rcpt_tos == ["buyer@alfa.ru"]
    assert smtp.inbox.envelopes[0].mail_from == "rep1@romashka.ru"
    assert message["X-Unsent"] is None  # a sent message, not a draft
    assert message["Subject"] == f"Коммерческое предложение {proposal.number} от ООО «Ромашка»"
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == f"{proposal.number}.pdf"
    pdf = attached.get_content()
    assert pdf.startswith(b"%PDF") and _timeless(pdf) == _timeless(
        documents.document_pdf(office.db, office.rep1, proposal.id))
    # The very bytes the outbox kept are the ones that arrived.
    with office.db.read() as s:
        kept = s.get(OutboxMessage, queued.id)
        assert kept is not None and kept.status == "sent" and kept.sent_at is not None
        stored = email.message_from_bytes(kept.message, policy=email_policy.default)
        assert next(stored.iter_attachments()).get_content() == pdf  # type: ignore[union-attr]
        logged = s.scalars(select(Activity).where(Activity.kind == "email")).all()
        how = [e.changes["how"][1] for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "print"))]
    assert len(logged) == 1 and logged[0].client_id == proposal.client_id
    assert logged[0].user_id == office.rep1.id and proposal.number in (logged[0].note or "")
    assert documents.get_document(office.db, office.rep1, proposal.id).status == "sent"
    assert "e-mail queued" in how and "e-mail sent" in how
    assert mail.list_outbox(office.db, office.rep1) == []  # nothing waits


def test_a_message_made_while_the_server_is_down_leaves_when_it_comes_up(
        office: Office, smtp: Server) -> None:
    _set_server(office, smtp.port)  # nothing listens there yet
    proposal = _proposal(office)
    queued = mail.queue_document(office.db, office.rep1, proposal.id)
    report = mail.send_outbox(office.db, office.rep1)
    assert not report.sent and [r.id for r in report.waiting] == [queued.id]
    [waiting] = mail.list_outbox(office.db, office.rep1)
    assert waiting.status == "queued" and waiting.attempts == 1
    assert "cannot be reached" in (waiting.last_error or "")
    assert documents.get_document(office.db, office.rep1, proposal.id).status == "issued"
    assert mail.waiting_count(office.db, office.rep1) == 1

    smtp.start()  # the connection returns
    report = mail.send_outbox(office.db, office.rep1)
    assert [r.id for r in report.sent] == [queued.id]
    assert len(smtp.inbox.envelopes) == 1
    assert mail.list_outbox(office.db, office.rep1) == []
    assert documents.get_document(office.db, office.rep1, proposal.id).status == "sent"
    # Sent once: another try sends nothing again.
    assert not mail.send_outbox(office.db, office.rep1).sent
    assert len(smtp.inbox.envelopes) == 1


def test_a_refused_login_keeps_the_message_with_the_reason(
        office: Office, smtp: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    smtp.start()
    _set_server(office, smtp.port)
    proposal = _proposal(office)
    queued = mail.queue_document(office.db, office.rep1, proposal.id)
    monkeypatch.setenv(mail.PASSWORD_ENV, "wrong")
    report = mail.send_outbox(office.db, office.rep1)
    assert [r.id for r in report.refused] == [queued.id] and not report.sent
    [refused] = mail.list_outbox(office.db, office.rep1)
    assert refused.status == "failed"
    assert "refused the login" in (refused.last_error or "") and "535" in (refused.last_error
                                                                          or "")
    assert smtp.inbox.envelopes == []
    with office.db.read() as s:
        assert s.scalars(select(Activity).where(Activity.kind == "email")).all() == []
    # A refused message does not leave by itself with the next try…
    monkeypatch.setenv(mail.PASSWORD_ENV, SECRET)
    assert not mail.send_outbox(office.db, office.rep1).sent
    # …but when the user tries it again, with the right password it goes.
    mail.retry_message(office.db, office.rep1, queued.id)
    assert [r.id for r in mail.send_outbox(office.db, office.rep1).sent] == [queued.id]
    assert len(smtp.inbox.envelopes) == 1


def test_a_password_typed_at_sending_is_used_and_never_stored(
        office: Office, smtp: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    smtp.start()
    _set_server(office, smtp.port)
    monkeypatch.delenv(mail.PASSWORD_ENV)
    proposal = _proposal(office)
    mail.queue_document(office.db, office.rep1, proposal.id)
    report = mail.send_outbox(office.db, office.rep1)  # no keyring, no variable
    assert not report.sent and "needs the password" in (report.problem or "")
    assert mail.list_outbox(office.db, office.rep1)[0].status == "queued"
    assert len(mail.send_outbox(office.db, office.rep1, password=SECRET).sent) == 1
    with office.db.read() as s:
        row = s.get(MailSettings, office.rep1.id)
        assert row is not None and SECRET not in repr(vars(row))


def test_a_keyring_keeps_the_password(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.kept: dict[tuple[str, str], str] = {}

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def delete_password(self, service: str, username: str) -> None:
            self.kept.pop((service, username), None)

    import keyring

    ring = MemoryKeyring()
    monkeypatch.setattr(mail, "_keyring", lambda: keyring)
    monkeypatch.setattr(keyring, "get_keyring", lambda: ring)
    monkeypatch.setattr(keyring, "set_password", ring.set_password)
    monkeypatch.setattr(keyring, "get_password", ring.get_password)
    monkeypatch.delenv(mail.PASSWORD_ENV)
    server = mail.set_mail_server(office.db, office.rep1, "smtp.example.ru", None, "tls",
                                  LOGIN, None)
    assert server.port == 465 and server.from_address == "rep1@romashka.ru"  # the profile's
    assert mail.store_password(server, SECRET) is True
    assert mail.saved_password(server) == SECRET
    assert ring.kept == {(mail.KEYRING_SERVICE, f"{LOGIN}@smtp.example.ru:465"): SECRET}


def test_bad_settings_and_refusals_change_nothing(office: Office) -> None:
    with pytest.raises(ValidationError) as info:
        mail.set_mail_server(office.db, office.rep1, "smtp example", "99999", "ssl", None,
                             "not-an-address")
    fields = {p.field for p in info.value.problems}
    assert fields == {"Server", "Port", "Security", "From"}
    assert mail.mail_server(office.db, office.rep1) is None
    proposal = _proposal(office)
    with pytest.raises(ValidationError, match="set up your mail server"):
        mail.queue_document(office.db, office.rep1, proposal.id)
    _set_server(office, 25)
    mail.set_mail_server(office.db, office.rep3, "127.0.0.1", 25, "none", None,
                         "rep3@romashka.ru")
    with pytest.raises(NotFoundError):  # another team's document is not theirs to see
        mail.queue_document(office.db, office.rep3, proposal.id)
    with pytest.raises(ValidationError, match="Subject"):
        mail.queue_document(office.db, office.rep1, proposal.id, subject="  ")
    assert mail.list_outbox(office.db, office.rep1) == []
    # One's outbox is one's own.
    mine = mail.queue_document(office.db, office.rep1, proposal.id)
    with pytest.raises(NotFoundError):
        mail.discard_message(office.db, office.manager1, mine.id)
    mail.discard_message(office.db, office.rep1, mine.id)
    assert mail.list_outbox(office.db, office.rep1) == []
