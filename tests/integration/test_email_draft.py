"""An issued document as an e-mail draft: an .eml any mail program opens, in the
document's language, addressed to its contact, with exactly its PDF attached."""

from __future__ import annotations

import email
from email import policy as email_policy

import pytest
from sqlalchemy import select

from salesdesk.db.models import AuditEntry
from salesdesk.errors import NotFoundError, PermissionDenied, ValidationError
from salesdesk.services import clients, contacts, documents
from tests.conftest import Office

LINE = [{"description": "Кресло", "quantity": "2", "unit": "шт", "price": "1500"}]


def _issued(office: Office, kind: str = "invoice", email_of_client: str | None = None,
            contact_email: str | None = None) -> documents.DocumentRecord:
    values = {"name": "Альфа", "email": email_of_client} if email_of_client else {
        "name": "Альфа"}
    client = clients.create_client(office.db, office.rep1, values).client
    extra = {}
    if contact_email:
        person = contacts.add_contact(office.db, office.rep1, client.id,
                                      {"name": "Орлова Анна", "email": contact_email})
        extra = {"contact_id": person.id}
    draft = documents.create_document(office.db, office.rep1, kind, client.id, extra,
                                      lines=LINE)
    return documents.issue_document(office.db, office.rep1, draft.id)


def _timeless(pdf: bytes) -> bytes:
    import re

    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[[^\]]*\]", b"", pdf)


def _parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email_policy.default)  # type: ignore[return-value]


def test_an_invoice_draft_carries_its_pdf_and_its_words(office: Office) -> None:
    invoice = _issued(office, contact_email="anna@alfa.ru")
    name, data = documents.email_draft(office.db, office.rep1, invoice.id)
    message = _parse(data)
    assert name == f"{invoice.number}.eml"
    assert message["To"] == "anna@alfa.ru"  # the document's contact
    assert message["X-Unsent"] == "1"
    assert message["Subject"] == f"Счёт {invoice.number} от ООО «Ромашка»"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Здравствуйте!") and f"счёт на оплату {invoice.number}" in body
    assert "Просим оплатить его до " in body and "{" not in body and "г.." not in body
    assert "Пётр Кузнецов" in body  # the sender's name
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_filename() == f"{invoice.number}.pdf"
    assert attachments[0].get_content_type() == "application/pdf"
    pdf = attachments[0].get_content()
    # The document's own PDF, byte for byte but for the moment it was made.
    assert pdf.startswith(b"%PDF") and _timeless(pdf) == _timeless(documents.document_pdf(
        office.db, office.rep1, invoice.id))
    with office.db.read() as session:
        noted = session.scalars(select(AuditEntry).where(AuditEntry.action == "print")).all()
    assert [(e.changes["how"][1], e.changes["to"][1]) for e in noted] == [
        ("e-mail draft", "anna@alfa.ru")]


def test_the_address_template_and_refusals(office: Office) -> None:
    proposal = _issued(office, "proposal", email_of_client="office@alfa.ru")
    _name, data = documents.email_draft(office.db, office.rep1, proposal.id)
    assert _parse(data)["To"] == "office@alfa.ru"  # no contact: the client's e-mail
    _name, data = documents.email_draft(office.db, office.rep1, proposal.id,
                                        to="Boss@Alfa.RU", template="reminder")
    message = _parse(data)
    assert message["To"].lower() == "boss@alfa.ru"
    with pytest.raises(ValidationError, match="template"):
        documents.email_draft(office.db, office.rep1, proposal.id, template="spam")
    with pytest.raises(ValidationError, match="Recipient's e-mail"):
        documents.email_draft(office.db, office.rep1, proposal.id, to="not an address")
    with pytest.raises((NotFoundError, PermissionDenied)):
        documents.email_draft(office.db, office.rep3, proposal.id)
    nowhere = _issued(office)
    with pytest.raises(ValidationError, match="Recipient's e-mail: is required"):
        documents.email_draft(office.db, office.rep1, nowhere.id)  # no address anywhere
    draft = documents.create_document(office.db, office.rep1, "invoice", proposal.client_id,
                                      lines=LINE)
    with pytest.raises(ValidationError, match="issued"):
        documents.email_draft(office.db, office.rep1, draft.id, to="a@b.ru")


def test_an_english_document_is_written_in_english(office: Office) -> None:
    client = clients.create_client(office.db, office.rep1, {
        "name": "Acme Ltd", "email": "buyer@acme.com", "document_language": "en"}).client
    draft = documents.create_document(office.db, office.rep1, "proposal", client.id,
                                      lines=LINE)
    issued = documents.issue_document(office.db, office.rep1, draft.id)
    _name, data = documents.email_draft(office.db, office.rep1, issued.id)
    message = _parse(data)
    assert message["Subject"].startswith("Commercial proposal ")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Hello,") and "valid until" in body
