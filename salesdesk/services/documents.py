"""Commercial proposals (КП) and invoices (счёт на оплату).

A document is a draft until it is issued: issuing assigns the next number of the
issuer's series (unique across the company even offline, gapless, never reused),
freezes the lines and keeps a snapshot of both parties' requisites. Issued documents
are never edited in place: they are cancelled, or revised into a new draft that,
once issued, cancels the one it replaces; the audit log shows every step.

Proposals: draft → issued → sent → accepted | rejected; "expired" once the validity
date has passed. Invoices: draft → issued → sent → partially paid → paid, or cancelled;
"overdue" once the due date has passed unpaid.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from salesdesk import clock, policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import (
    Client,
    Contact,
    Deal,
    Document,
    DocumentLine,
    DocumentSeries,
    Payment,
    Product,
    User,
)
from salesdesk.db.search_index import found_in
from salesdesk.db.types import utcnow
from salesdesk.documents.totals import compute_document, compute_line
from salesdesk.domain import DOCUMENT_KIND_LABELS, company_full_name
from salesdesk.errors import ConflictError, ValidationError
from salesdesk.fields import Field, is_blank, money, parse_date, text
from salesdesk.fields import validate as validate_fields
from salesdesk.i18n import N_, Tr, _
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import check_version, get_record, names_of, reading, sorted_by, writing
from salesdesk.services.clients import search_key, text_matches
from salesdesk.services.company import load_company, terms_for

HEADER_FIELDS: dict[str, Field] = registry.spec("documents")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""

LINE_FIELDS: dict[str, Field] = registry.spec("document_lines")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""

MAX_LINES = 500
OPEN_INVOICE = ("issued", "sent", "partially_paid")
OPEN_PROPOSAL = ("issued", "sent")


def effective_status(kind: str, status: str, today: date, valid_until: date | None,
                     due_date: date | None) -> str:
    """The status people see: "expired" and "overdue" come from the dates."""
    if kind == "proposal" and status in OPEN_PROPOSAL and valid_until and valid_until < today:
        return "expired"
    if kind == "invoice" and status in OPEN_INVOICE and due_date and due_date < today:
        return "overdue"
    return status


@dataclass(frozen=True)
class LineRecord:
    """One line of a document with its computed amount and VAT."""

    position: int
    product_id: uuid.UUID | None
    description: str
    quantity: Decimal
    unit: str
    price: Decimal
    discount_pct: Decimal
    vat_rate: str
    amount: Decimal
    vat_amount: Decimal


@dataclass(frozen=True)
class PaymentRecord:
    """A payment against an invoice."""

    id: uuid.UUID
    paid_on: date
    amount: Decimal
    note: str | None


@dataclass(frozen=True)
class DocumentRecord:
    """A proposal or an invoice with its lines (lists leave ``lines`` empty)."""

    id: uuid.UUID
    kind: str
    number: str | None
    status: str
    client_id: uuid.UUID
    client_name: str
    deal_id: uuid.UUID | None
    owner_id: uuid.UUID
    owner_name: str
    doc_date: date
    valid_until: date | None
    due_date: date | None
    title: str | None
    lead: str | None
    basis: str | None
    payment_terms: str | None
    delivery_terms: str | None
    notes: str | None
    language: str
    currency: str
    vat_included: bool
    subtotal: Decimal
    vat_total: Decimal
    total: Decimal
    paid_total: Decimal
    source_id: uuid.UUID | None
    replaces_id: uuid.UUID | None
    cancelled_reason: str | None
    snapshot: dict[str, Any] | None
    version: int
    lines: list[LineRecord] = field(default_factory=list)
    payments: list[PaymentRecord] = field(default_factory=list)
    contact_id: uuid.UUID | None = None
    """The client's contact person it is addressed to (the first contact when none)."""

    def state(self, today: date | None = None) -> str:
        """The effective status on ``today`` (expired, overdue) — what lists show."""
        return effective_status(self.kind, self.status, today or clock.today(),
                                self.valid_until, self.due_date)

    @property
    def due_amount(self) -> Decimal:
        """What is left to pay on an invoice."""
        return self.total - self.paid_total

    def display_name(self, lang: str | None = None) -> str:
        """``Счёт на оплату № R1-0042`` or ``Invoice (draft)``."""
        t = Tr(lang) if lang else Tr(self.language)
        kind = t._(DOCUMENT_KIND_LABELS[self.kind])
        if self.number:
            return f"{kind} № {self.number}" if t.lang == "ru" else f"{kind} No. {self.number}"
        return t._("{kind} (draft)").format(kind=kind)


# --- helpers ------------------------------------------------------------------------------

def _record(doc: Document, client_name: str, owner_name: str,
            lines: list[DocumentLine] | None = None,
            payments: list[Payment] | None = None) -> DocumentRecord:
    return DocumentRecord(
        id=doc.id, kind=doc.kind, number=doc.number, status=doc.status,
        client_id=doc.client_id, client_name=client_name, deal_id=doc.deal_id,
        owner_id=doc.owner_id, owner_name=owner_name, doc_date=doc.doc_date,
        valid_until=doc.valid_until, due_date=doc.due_date, title=doc.title, lead=doc.lead,
        basis=doc.basis, payment_terms=doc.payment_terms, delivery_terms=doc.delivery_terms,
        notes=doc.notes, language=doc.language, currency=doc.currency,
        vat_included=doc.vat_included, subtotal=doc.subtotal, vat_total=doc.vat_total,
        total=doc.total, paid_total=doc.paid_total, source_id=doc.source_id,
        replaces_id=doc.replaces_id, cancelled_reason=doc.cancelled_reason,
        snapshot=doc.snapshot, version=doc.version,
        lines=[LineRecord(position=ln.position, product_id=ln.product_id,
                          description=ln.description, quantity=ln.quantity, unit=ln.unit,
                          price=ln.price, discount_pct=ln.discount_pct, vat_rate=ln.vat_rate,
                          amount=ln.amount, vat_amount=ln.vat_amount) for ln in lines or []],
        payments=[PaymentRecord(id=p.id, paid_on=p.paid_on, amount=p.amount, note=p.note)
                  for p in payments or []],
        contact_id=doc.contact_id)


def _load(ctx: Ctx, doc: Document) -> DocumentRecord:
    session = ctx.session
    lines = list(session.scalars(select(DocumentLine).where(
        DocumentLine.document_id == doc.id, DocumentLine.deleted_at.is_(None))
        .order_by(DocumentLine.position)))
    payments = list(session.scalars(select(Payment).where(
        Payment.invoice_id == doc.id, Payment.deleted_at.is_(None)).order_by(Payment.paid_on)))
    client = session.get(Client, doc.client_id)
    names = names_of(session, {doc.owner_id})
    return _record(doc, client.name if client else "", names.get(doc.owner_id, ""), lines,
                   payments)


def _parse_lines(ctx: Ctx, lines: list[dict[str, Any]], vat_default: str) -> list[dict[str, Any]]:
    """Validate editor lines; a catalogue product fills what the line leaves empty."""
    if len(lines) > MAX_LINES:
        raise ValidationError(_("Lines"), _("at most {n} lines").format(n=MAX_LINES))
    problems: list[Any] = []
    parsed = []
    for number, raw in enumerate(lines, start=1):
        values = dict(raw)
        product_id = values.pop("product_id", None)
        product = None
        if product_id:
            product = get_record(ctx, Product, product_id, _("Product"))
            for key, default in (("description", product.name), ("unit", product.unit),
                                 ("price", product.price), ("vat_rate", product.vat_rate)):
                if is_blank(values.get(key)):
                    values[key] = default
        values.setdefault("quantity", "1")
        values.setdefault("vat_rate", vat_default)
        if is_blank(values.get("unit")):
            values["unit"] = "шт"
        try:
            data = validate_fields(LINE_FIELDS, values)
        except ValidationError as exc:
            for p in exc.problems:
                problems.append(type(p)(_("Line {n}: {field}").format(n=number, field=p.field),
                                        p.message))
            continue
        data["discount_pct"] = data.get("discount_pct") or Decimal(0)
        data["product_id"] = product.id if product else None
        parsed.append(data)
    if problems:
        raise ValidationError(problems)
    return parsed


def _set_lines(ctx: Ctx, doc: Document, lines: list[dict[str, Any]]) -> None:
    session = ctx.session
    # A draft's lines are replaced whole, as the editor shows them; the old rows are
    # soft-deleted like everything else (offline copies merge deletions too).
    now = utcnow()
    for old in session.scalars(select(DocumentLine).where(DocumentLine.document_id == doc.id,
                                                          DocumentLine.deleted_at.is_(None))):
        old.deleted_at = now
    session.flush()
    rows = [DocumentLine(id=uuid.uuid4(), document_id=doc.id, position=position, **data)
            for position, data in enumerate(lines, start=1)]
    retotal(doc, rows)
    session.add_all(rows)


def retotal(doc: Document, rows: list[DocumentLine]) -> None:
    """Work a document's figures out from its lines: each line's amount and VAT, and the
    document's totals (the editor's save, a copy, and a merge of offline work)."""
    for row in rows:
        figures = compute_line(row.quantity, row.price, row.discount_pct, row.vat_rate,
                               doc.vat_included)
        row.amount, row.vat_amount = figures.amount, figures.vat
    totals = compute_document([(r.quantity, r.price, r.discount_pct, r.vat_rate) for r in rows],
                              doc.vat_included)
    doc.subtotal, doc.vat_total, doc.total = totals.subtotal, totals.vat, totals.total


def paid_state(total: Decimal, paid: Decimal) -> str:
    """An issued invoice's state from what has been paid against it."""
    return "paid" if paid >= total else "partially_paid" if paid > 0 else "issued"


def _require_draft(doc: Document) -> None:
    if doc.status != "draft":
        raise ValidationError(_("Status"), _("an issued document is not edited: cancel it or "
                                             "make a revised copy"))


def _defaults(ctx: Ctx, doc: Document, client: Client, today: date) -> None:
    company = load_company(ctx.session)
    doc.language = client.document_language or company.document_language
    doc.vat_included = company.vat_included
    doc.currency = company.base_currency
    doc.doc_date = today
    doc.payment_terms, doc.delivery_terms = terms_for(company, doc.language)
    if doc.kind == "proposal":
        doc.valid_until = today + timedelta(days=company.proposal_valid_days)
    else:
        doc.due_date = today + timedelta(days=company.invoice_due_days)


# --- writing ------------------------------------------------------------------------------

def create_document(db: Database, actor: Actor, kind: str, client_id: uuid.UUID | str,
                    values: dict[str, Any] | None = None,
                    lines: list[dict[str, Any]] | None = None,
                    deal_id: uuid.UUID | str | None = None,
                    today: date | None = None) -> DocumentRecord:
    """A new draft proposal or invoice for a client the actor may see."""
    if kind not in DOCUMENT_KIND_LABELS:
        raise ValidationError(_("Kind"), _("must be proposal or invoice"))
    today = today or clock.today()
    with writing(db, actor) as (uow, ctx):
        client = get_record(ctx, Client, client_id, _("Client"), Action.DOCUMENT_CREATE)
        deal = get_record(ctx, Deal, deal_id, _("Deal"), Action.DOCUMENT_CREATE) if deal_id \
            else None
        if deal is not None and deal.client_id != client.id:
            raise ValidationError(_("Deal"), _("belongs to another client"))
        doc = Document(id=uuid.uuid4(), kind=kind, status="draft", client_id=client.id,
                       deal_id=deal.id if deal else None, owner_id=ctx.user.id)
        _defaults(ctx, doc, client, today)
        values = dict(values or {})
        if "contact_id" in values:
            doc.contact_id = _contact_of(ctx, client.id, values.pop("contact_id"))
        for key, value in validate_fields(HEADER_FIELDS, values, partial=True).items():
            if value is not None or key not in ("doc_date", "language"):
                setattr(doc, key, value)
        uow.session.add(doc)
        uow.flush()
        company = load_company(uow.session)
        _set_lines(ctx, doc, _parse_lines(ctx, lines or [], company.default_vat_rate))
        uow.commit()
        return _load(ctx, doc)


def update_draft(db: Database, actor: Actor, document_id: uuid.UUID | str,
                 values: dict[str, Any] | None = None,
                 lines: list[dict[str, Any]] | None = None,
                 expected_version: int | None = None) -> DocumentRecord:
    """Change a draft's header and (when given) replace its lines."""
    with writing(db, actor) as (uow, ctx):
        doc = get_record(ctx, Document, document_id, _("Document"), Action.DOCUMENT_EDIT)
        check_version(doc, expected_version)
        _require_draft(doc)
        values = dict(values or {})
        if "contact_id" in values:
            doc.contact_id = _contact_of(ctx, doc.client_id, values.pop("contact_id"))
        for key, value in validate_fields(HEADER_FIELDS, values, partial=True).items():
            if value is not None or key not in ("doc_date", "language"):
                setattr(doc, key, value)
        if lines is not None:
            company = load_company(uow.session)
            _set_lines(ctx, doc, _parse_lines(ctx, lines, company.default_vat_rate))
        doc.updated_at = utcnow()  # the version moves even when only lines changed
        uow.commit()
        return _load(ctx, doc)


def delete_draft(db: Database, actor: Actor, document_id: uuid.UUID | str) -> None:
    """Soft-delete a draft (issued documents are cancelled instead)."""
    with writing(db, actor) as (uow, ctx):
        doc = get_record(ctx, Document, document_id, _("Document"), Action.DOCUMENT_EDIT)
        _require_draft(doc)
        doc.deleted_at = utcnow()
        uow.commit()


def _next_number(ctx: Ctx, prefix: str, kind: str) -> tuple[int, str]:
    session = ctx.session
    series = session.scalar(select(DocumentSeries).where(
        DocumentSeries.prefix == prefix, DocumentSeries.kind == kind).with_for_update())
    if series is None:
        series = DocumentSeries(id=uuid.uuid4(), prefix=prefix, kind=kind, last_number=0)
        session.add(series)
    series.last_number += 1
    seq = series.last_number
    number = f"{prefix}-{seq:04d}" if kind == "invoice" else f"{prefix}-P{seq:04d}"
    return seq, number


def _contact_of(ctx: Ctx, client_id: uuid.UUID, value: Any) -> uuid.UUID | None:
    """The contact a document is addressed to: one of its client's live contacts."""
    if value in (None, ""):
        return None
    try:
        contact_id = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(_("Contact"), _("is not a record id")) from None
    contact = ctx.session.get(Contact, contact_id)
    if contact is None or contact.deleted_at is not None or contact.client_id != client_id:
        raise ValidationError(_("Contact"), _("is not a contact of this client"))
    return contact.id


def _snapshot(ctx: Ctx, doc: Document) -> dict[str, Any]:
    company = load_company(ctx.session)
    client = ctx.session.get(Client, doc.client_id)
    author = ctx.session.get(User, doc.owner_id)
    contact = ctx.session.get(Contact, doc.contact_id) if doc.contact_id else None
    if contact is None or contact.deleted_at is not None:
        contact = ctx.session.scalar(select(Contact).where(
            Contact.client_id == doc.client_id, Contact.deleted_at.is_(None))
            .order_by(Contact.created_at))
    supplier_name = company_full_name(company.legal_form, company.name)
    return {
        "supplier": {"name": supplier_name, "inn": company.inn, "kpp": company.kpp,
                     "ogrn": company.ogrn, "address": company.address, "phone": company.phone,
                     "email": company.email, "bank_name": company.bank_name, "bik": company.bik,
                     "corr_account": company.corr_account,
                     "settlement_account": company.settlement_account,
                     "head_name": company.head_name, "head_position": company.head_position,
                     "accountant_name": company.accountant_name},
        "buyer": {"name": client.name, "inn": client.inn, "kpp": client.kpp,  # type: ignore[union-attr]
                  "address": client.address, "phone": client.phone,  # type: ignore[union-attr]
                  "email": client.email,  # type: ignore[union-attr]
                  "contact": contact.name if contact else None,
                  "contact_position": contact.position if contact else None},
        "author": {"name": author.name, "position": author.position,  # type: ignore[union-attr]
                   "phone": author.phone, "email": author.email},  # type: ignore[union-attr]
    }


def _check_ready(ctx: Ctx, doc: Document) -> None:
    problems = []
    count = ctx.session.scalar(select(func.count()).select_from(DocumentLine).where(
        DocumentLine.document_id == doc.id, DocumentLine.deleted_at.is_(None)))
    if not count:
        problems.append((_("Lines"), _("add at least one line")))
    elif doc.total <= 0:
        problems.append((_("Total"), _("must be more than zero")))
    if doc.kind == "invoice":
        company = load_company(ctx.session)
        for label, value in ((_("Company INN"), company.inn), (_("Bank"), company.bank_name),
                             (_("BIK"), company.bik),
                             (_("Correspondent account"), company.corr_account),
                             (_("Settlement account"), company.settlement_account)):
            if not value:
                problems.append((label, _("fill it in the company's details before issuing "
                                          "invoices")))
        if doc.due_date is None:
            problems.append((_("Pay by"), _("is required")))
    elif doc.valid_until is None:
        problems.append((_("Valid until"), _("is required")))
    if problems:
        from salesdesk.errors import FieldProblem

        raise ValidationError([FieldProblem(f, m) for f, m in problems])


def issue_document(db: Database, actor: Actor, document_id: uuid.UUID | str,
                   today: date | None = None, expected_version: int | None = None
                   ) -> DocumentRecord:
    """Issue a draft: the next number of the issuer's series, today's date, a snapshot of
    the requisites. A revised copy cancels the document it replaces."""
    today = today or clock.today()
    with writing(db, actor) as (uow, ctx):
        doc = get_record(ctx, Document, document_id, _("Document"), Action.DOCUMENT_ISSUE)
        check_version(doc, expected_version)
        _require_draft(doc)
        _check_ready(ctx, doc)
        if doc.valid_until is not None and doc.kind == "proposal":
            doc.valid_until = today + (doc.valid_until - doc.doc_date)
        if doc.due_date is not None and doc.kind == "invoice":
            doc.due_date = today + (doc.due_date - doc.doc_date)
        doc.doc_date = today
        doc.seq, doc.number = _next_number(ctx, ctx.user.doc_prefix, doc.kind)
        doc.series = ctx.user.doc_prefix
        # The snapshot first: its queries flush what came before, so that the move out of
        # draft and the requisites it freezes are one change (a merge at the office
        # refuses edits to a document that is no longer a draft).
        snapshot = _snapshot(ctx, doc)
        doc.status = "issued"
        doc.issued_at = utcnow()
        doc.snapshot = snapshot
        if doc.replaces_id is not None:
            old = uow.session.get(Document, doc.replaces_id)
            if old is not None and old.status not in ("cancelled", "draft"):
                old.status = "cancelled"
                old.cancelled_reason = _("replaced by {number}").format(number=doc.number)
        try:
            uow.commit()
        except IntegrityError as exc:  # two offices issuing from one series at once
            raise ConflictError(_("The number was taken at the same moment; issue again."))\
                from exc
        return _load(ctx, doc)


def _transition(db: Database, actor: Actor, document_id: uuid.UUID | str, action: Action,
                allowed_from: tuple[str, ...], kind: str | None, new_status: str,
                reason: str | None = None) -> DocumentRecord:
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, action)
        doc = get_record(ctx, Document, document_id, _("Document"), action)
        if kind is not None and doc.kind != kind:
            raise ValidationError(_("Kind"), _("this step is for a {kind}").format(
                kind=_(DOCUMENT_KIND_LABELS[kind]).lower()))
        if doc.status not in allowed_from:
            raise ValidationError(_("Status"), _("cannot go from {old} to {new}").format(
                old=doc.status, new=new_status))
        doc.status = new_status
        if reason is not None:
            doc.cancelled_reason = text(1000)(reason) if reason else None
        uow.commit()
        return _load(ctx, doc)


def mark_sent(db: Database, actor: Actor, document_id: uuid.UUID | str) -> DocumentRecord:
    """The document went to the client."""
    return _transition(db, actor, document_id, Action.DOCUMENT_ISSUE, ("issued",), None, "sent")


def mark_accepted(db: Database, actor: Actor, document_id: uuid.UUID | str) -> DocumentRecord:
    """The client accepted the proposal."""
    return _transition(db, actor, document_id, Action.DOCUMENT_ISSUE, OPEN_PROPOSAL,
                       "proposal", "accepted")


def mark_rejected(db: Database, actor: Actor, document_id: uuid.UUID | str) -> DocumentRecord:
    """The client turned the proposal down."""
    return _transition(db, actor, document_id, Action.DOCUMENT_ISSUE, OPEN_PROPOSAL,
                       "proposal", "rejected")


def cancel_document(db: Database, actor: Actor, document_id: uuid.UUID | str,
                    reason: str) -> DocumentRecord:
    """Cancel an issued document (managers and the head); its number is never reused.
    An invoice with payments cannot be cancelled."""
    if is_blank(reason):
        raise ValidationError(_("Reason"), _("is required"))
    with reading(db, actor) as ctx:
        doc = get_record(ctx, Document, document_id, _("Document"), Action.DOCUMENT_CANCEL)
        if doc.paid_total > 0:
            raise ValidationError(_("Status"), _("the invoice has payments: it cannot be "
                                                 "cancelled"))
    return _transition(db, actor, document_id, Action.DOCUMENT_CANCEL,
                       ("issued", "sent", "accepted", "rejected"), None, "cancelled",
                       reason=reason)


def revise_document(db: Database, actor: Actor, document_id: uuid.UUID | str,
                    today: date | None = None) -> DocumentRecord:
    """A new draft copied from an issued document; issuing it cancels the original.
    Revising an invoice needs the right to cancel invoices."""
    today = today or clock.today()
    with writing(db, actor) as (uow, ctx):
        doc = get_record(ctx, Document, document_id, _("Document"), Action.DOCUMENT_EDIT)
        if doc.kind == "invoice":
            policy.require(ctx, Action.DOCUMENT_CANCEL)
        if doc.status in ("draft", "cancelled") or doc.paid_total > 0:
            raise ValidationError(_("Status"), _("only an issued, unpaid document can be "
                                                 "revised"))
        copy = _copy(ctx, doc, doc.kind, today)
        copy.replaces_id = doc.id
        copy.basis = doc.basis
        uow.commit()
        return _load(ctx, copy)


def _copy(ctx: Ctx, doc: Document, kind: str, today: date) -> Document:
    session = ctx.session
    client = session.get(Client, doc.client_id)
    copy = Document(id=uuid.uuid4(), kind=kind, status="draft", client_id=doc.client_id,
                    deal_id=doc.deal_id, owner_id=ctx.user.id)
    _defaults(ctx, copy, client, today)  # type: ignore[arg-type]
    copy.language, copy.vat_included = doc.language, doc.vat_included
    copy.title, copy.lead, copy.notes = doc.title, doc.lead, doc.notes
    copy.contact_id = doc.contact_id
    copy.payment_terms, copy.delivery_terms = doc.payment_terms, doc.delivery_terms
    session.add(copy)
    session.flush()
    lines = [{"product_id": ln.product_id, "description": ln.description,
              "quantity": ln.quantity, "unit": ln.unit, "price": ln.price,
              "discount_pct": ln.discount_pct, "vat_rate": ln.vat_rate}
             for ln in session.scalars(select(DocumentLine).where(
                 DocumentLine.document_id == doc.id, DocumentLine.deleted_at.is_(None))
                 .order_by(DocumentLine.position))]
    _set_lines(ctx, copy, lines)
    return copy


def invoice_from_proposal(db: Database, actor: Actor, proposal_id: uuid.UUID | str,
                          issue: bool = False, today: date | None = None) -> DocumentRecord:
    """One step from an accepted proposal to an invoice with the same lines (an issued
    or sent proposal is marked accepted on the way). ``issue`` issues it at once."""
    today = today or clock.today()
    with writing(db, actor) as (uow, ctx):
        proposal = get_record(ctx, Document, proposal_id, _("Document"),
                              Action.DOCUMENT_CREATE)
        if proposal.kind != "proposal":
            raise ValidationError(_("Kind"), _("an invoice is made from a proposal"))
        if proposal.status not in ("issued", "sent", "accepted"):
            raise ValidationError(_("Status"), _("only an issued or accepted proposal becomes "
                                                 "an invoice"))
        proposal.status = "accepted"
        invoice = _copy(ctx, proposal, "invoice", today)
        invoice.source_id = proposal.id
        t = Tr(invoice.language)
        invoice.basis = (t._("Commercial proposal No. {number} of {date}").format(
            number=proposal.number, date=t.date(proposal.doc_date, "long")))
        uow.commit()
        invoice_id = invoice.id
    if issue:
        return issue_document(db, actor, invoice_id, today=today)
    return get_document(db, actor, invoice_id)


def record_payment(db: Database, actor: Actor, invoice_id: uuid.UUID | str, amount: Any,
                   paid_on: Any, note: str | None = None) -> DocumentRecord:
    """Record money received (managers and the head); the invoice becomes partially paid
    or paid. More than is due is refused."""
    data = validate_fields({"amount": Field(N_("Amount"), money, required=True),
                            "paid_on": Field(N_("Paid on"), parse_date, required=True)},
                           {"amount": amount, "paid_on": paid_on})
    if data["amount"] <= 0:
        raise ValidationError(_("Amount"), _("must be more than zero"))
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.PAYMENT_RECORD)
        doc = get_record(ctx, Document, invoice_id, _("Invoice"), Action.PAYMENT_RECORD)
        if doc.kind != "invoice" or doc.status not in OPEN_INVOICE:
            raise ValidationError(_("Invoice"), _("payments are recorded against an issued, "
                                                  "unpaid invoice"))
        due = doc.total - doc.paid_total
        if data["amount"] > due:
            raise ValidationError(_("Amount"), _("is more than is due ({due})").format(
                due=Tr(doc.language).money(due)))
        uow.session.add(Payment(id=uuid.uuid4(), invoice_id=doc.id, paid_on=data["paid_on"],
                                amount=data["amount"], note=text(1000)(note) if note else None,
                                recorded_by_id=ctx.user.id))
        doc.paid_total = doc.paid_total + data["amount"]
        doc.status = paid_state(doc.total, doc.paid_total)
        uow.commit()
        return _load(ctx, doc)


# --- reading ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentQuery:
    """Filters of the document lists."""

    kind: str | None = None
    statuses: tuple[str, ...] | None = None
    client_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    text: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    offset: int = 0
    limit: int | None = 500
    sort: str | None = None
    """One of :data:`DOCUMENT_SORTS` (else newest first)."""
    descending: bool = False


DOCUMENT_SORTS = {"number": Document.number, "date": Document.doc_date, "client": Client.name,
                  "status": Document.status, "total": Document.total,
                  "paid": Document.paid_total, "due": Document.due_date,
                  "valid_until": Document.valid_until, "author": User.name}
"""The columns a document list sorts by."""


def _visible_documents(ctx: Ctx) -> Any:
    """The live documents the actor sees, with their client's and owner's names."""
    return (select(Document, Client.name, User.name)
            .join(Client, Client.id == Document.client_id)
            .join(User, User.id == Document.owner_id)
            .where(Document.deleted_at.is_(None), policy.visible(ctx, Document)))


def list_documents(db: Database, actor: Actor, query: DocumentQuery | None = None
                   ) -> list[DocumentRecord]:
    """Visible documents, newest first (without their lines)."""
    query = query or DocumentQuery()
    with reading(db, actor) as ctx:
        stmt = _visible_documents(ctx)
        if query.kind:
            stmt = stmt.where(Document.kind == query.kind)
        if query.statuses:
            stmt = stmt.where(Document.status.in_(query.statuses))
        if query.client_id:
            stmt = stmt.where(Document.client_id == query.client_id)
        if query.owner_id:
            stmt = stmt.where(Document.owner_id == query.owner_id)
        if query.text and query.text.strip():
            typed = query.text.strip()
            stmt = stmt.where(or_(text_matches(ctx.session, search_key(typed)),
                                  found_in(ctx.session, Document, Document.number,
                                           typed.upper())))
        if query.date_from:
            stmt = stmt.where(Document.doc_date >= query.date_from)
        if query.date_to:
            stmt = stmt.where(Document.doc_date <= query.date_to)
        stmt = sorted_by(stmt, DOCUMENT_SORTS, query.sort, query.descending,
                         (Document.doc_date.desc(), Document.created_at.desc()),
                         Document.id).offset(query.offset)
        if query.limit is not None:
            stmt = stmt.limit(query.limit)
        return [_record(d, c, o) for d, c, o in ctx.session.execute(stmt)]


def get_document(db: Database, actor: Actor, document_id: uuid.UUID | str) -> DocumentRecord:
    """One visible document with its lines and payments."""
    with reading(db, actor) as ctx:
        return _load(ctx, get_record(ctx, Document, document_id, _("Document")))


def find_by_number(db: Database, actor: Actor, number: str) -> DocumentRecord:
    """A visible issued document by its number (``salesdesk pdf NUMBER``)."""
    from salesdesk.errors import NotFoundError

    with reading(db, actor) as ctx:
        doc = ctx.session.scalar(select(Document).where(
            Document.number == (number or "").strip().upper(), Document.deleted_at.is_(None)))
        # One answer for "no such number" and "not yours": numbers follow each other,
        # and a different answer would tell whose they are.
        if doc is None or not policy.is_visible(ctx, Document, doc.id):
            raise NotFoundError(_("There is no document with the number {number}.").format(
                number=number))
        return _load(ctx, doc)


def _expiring(ctx: Ctx, today: date, within_days: int) -> Any:
    return _visible_documents(ctx).where(
        Document.kind == "proposal", Document.status.in_(OPEN_PROPOSAL),
        Document.valid_until >= today,
        Document.valid_until <= today + timedelta(days=within_days))


def _overdue(ctx: Ctx, as_of: date) -> Any:
    paid_by_then = (select(func.coalesce(func.sum(Payment.__table__.c.amount), 0))
                    .where(Payment.invoice_id == Document.id, Payment.deleted_at.is_(None),
                           Payment.paid_on <= as_of)
                    .correlate(Document).scalar_subquery())
    return _visible_documents(ctx).where(
        Document.kind == "invoice",
        Document.status.in_((*OPEN_INVOICE, "paid")),
        Document.doc_date <= as_of, Document.due_date < as_of,
        paid_by_then < Document.__table__.c.total)


def _mine(ctx: Ctx, stmt: Any, mine_only: bool) -> Any:
    return stmt.where(Document.owner_id == ctx.user.id) if mine_only else stmt


def expiring_proposals(db: Database, actor: Actor, today: date | None = None,
                       within_days: int = 7, mine_only: bool = False) -> list[DocumentRecord]:
    """Open proposals whose validity ends within the coming days (the "Today" column);
    ``mine_only``: the actor's own."""
    today = today or clock.today()
    with reading(db, actor) as ctx:
        rows = ctx.session.execute(_mine(ctx, _expiring(ctx, today, within_days), mine_only)
                                   .order_by(Document.valid_until, Document.number, Document.id))
        return [_record(d, c, o) for d, c, o in rows]


def overdue_invoices(db: Database, actor: Actor, today: date | None = None,
                     mine_only: bool = False) -> list[DocumentRecord]:
    """Invoices that were past their due date and not fully paid on ``today`` (the
    clock's by default; a report passes its period's last day): issued by then, not
    cancelled, with less paid by then than their total; ``mine_only``: the actor's own."""
    as_of = today or clock.today()
    with reading(db, actor) as ctx:
        rows = ctx.session.execute(_mine(ctx, _overdue(ctx, as_of), mine_only)
                                   .order_by(Document.due_date, Document.number, Document.id))
        return [_record(d, c, o) for d, c, o in rows]


@dataclass(frozen=True)
class DueDocuments:
    """The first few proposals expiring this week and overdue invoices, and how many
    there are of each (the dashboard's "Today" column)."""

    proposals: list[DocumentRecord]
    proposals_total: int
    invoices: list[DocumentRecord]
    invoices_total: int


def due_documents(db: Database, actor: Actor, today: date | None = None,
                  first: int = 8) -> DueDocuments:
    """:func:`expiring_proposals` and :func:`overdue_invoices`, the first ``first`` of
    each in the same order, with their counts: the head of a large office has
    thousands, and the column shows a few."""
    today = today or clock.today()
    with reading(db, actor) as ctx:
        def counted(stmt: Any) -> int:
            return int(ctx.session.scalar(select(func.count()).select_from(
                stmt.with_only_columns(Document.id).subquery())) or 0)

        expiring, overdue = _expiring(ctx, today, 7), _overdue(ctx, today)
        soonest = expiring.order_by(Document.valid_until, Document.number, Document.id)
        return DueDocuments(
            proposals=[_record(d, c, o) for d, c, o in ctx.session.execute(
                soonest.limit(first))],
            proposals_total=counted(expiring),
            invoices=[_record(d, c, o) for d, c, o in ctx.session.execute(
                overdue.order_by(Document.due_date, Document.number, Document.id).limit(first))],
            invoices_total=counted(overdue))


# --- printing -----------------------------------------------------------------------------

def _live_parties(ctx: Ctx, doc: Document) -> dict[str, Any]:
    # A draft shows today's requisites; an issued document its snapshot.
    return doc.snapshot if doc.snapshot else _snapshot(ctx, doc)


def document_pdf(db: Database, actor: Actor, document_id: uuid.UUID | str,
                 stamped: bool = False) -> bytes:
    """The PDF of a visible document (drafts carry a "DRAFT" watermark); ``stamped``
    prints the company's stamp and signatures on an invoice (a copy sent by e-mail)."""
    from salesdesk.documents.render import Branding, render_document

    with reading(db, actor) as ctx:
        doc = get_record(ctx, Document, document_id, _("Document"))
        record = _load(ctx, doc)
        parties = _live_parties(ctx, doc)
        company = load_company(ctx.session)
        branding = Branding(logo=company.logo, stamp=company.stamp,
                            signature_head=company.signature_head,
                            signature_accountant=company.signature_accountant,
                            vat_column=company.vat_column, stamped=stamped)
    return render_document(record, parties, branding)


def pdf_by_number(db: Database, actor: Actor, number: str, stamped: bool = False
                  ) -> tuple[DocumentRecord, bytes]:
    """The document with ``number`` and its PDF (the command line's ``pdf``)."""
    record = find_by_number(db, actor, number)
    return record, document_pdf(db, actor, record.id, stamped)


OUTPUTS = ("printed", "saved", "e-mail draft")
"""How a document's PDF leaves SalesDesk (the audit log says which)."""


def note_output(db: Database, actor: Actor, document_id: uuid.UUID | str, how: str,
                stamped: bool = False) -> None:
    """Note in the audit log that a visible document was printed or saved to a file
    (the preview renders it; only its leaving is noted)."""
    from salesdesk import events

    if how not in OUTPUTS:
        raise ValidationError(_("Output"), _("must be one of {values}").format(
            values=", ".join(OUTPUTS)))
    with reading(db, actor) as ctx:
        doc = get_record(ctx, Document, document_id, _("Document"))
        number = doc.number or ""
    events.log_event(db, actor.id, events.PRINT, "documents", doc.id,
                     {"number": number, "how": how, "stamped": stamped})


@dataclass(frozen=True)
class DocumentEmail:
    """A document's message before it becomes a draft or is sent: whom to, subject,
    body and the PDF, from the document kind's template in the document's language."""

    document_id: uuid.UUID
    client_id: uuid.UUID
    number: str
    to: str
    subject: str
    body: str
    pdf: bytes
    sender_email: str | None

    @property
    def file_name(self) -> str:
        """The PDF's name in the message."""
        return f"{self.number}.pdf"


def document_email(db: Database, actor: Actor, document_id: uuid.UUID | str,
                   to: str | None = None, template: str | None = None,
                   stamped: bool = False, subject: str | None = None,
                   body: str | None = None, render: bool = True) -> DocumentEmail:
    """An issued document's message, addressed to ``to``, else to the document's
    contact, else to the client; ``subject`` and ``body`` replace the template's (the
    send dialog lets one edit them). ``render=False`` leaves the PDF out (the dialog's
    first look at the words)."""
    from salesdesk import emails
    from salesdesk.validation import check_email

    with reading(db, actor) as ctx:
        doc = get_record(ctx, Document, document_id, _("Document"))
        if doc.status == "draft" or not doc.number:
            raise ValidationError(_("Document"), _("only an issued document is sent; issue "
                                                   "the draft first"))
        if doc.status == "cancelled":
            raise ValidationError(_("Document"), _("a cancelled document is not sent"))
        if to is None and doc.contact_id is not None:
            contact = ctx.session.get(Contact, doc.contact_id)
            to = contact.email if contact is not None and contact.deleted_at is None else None
        client = ctx.session.get(Client, doc.client_id)
        if to is None and client is not None:
            to = client.email
        address = check_email(to, _("Recipient's e-mail"), required=render)
        company = load_company(ctx.session)
        user = ctx.user
        chosen = emails.template_for(doc.kind, template)
        t = Tr(doc.language or company.document_language)
        filled_subject, filled_body = emails.fill(chosen, t.lang, {
            "number": doc.number, "total": t.money(doc.total, doc.currency),
            "due_date": t.date(doc.due_date, "long") if doc.due_date else "",
            "valid_until": t.date(doc.valid_until, "long") if doc.valid_until else "",
            "client": client.name if client is not None else "",
            "company": company_full_name(company.legal_form, company.name),
            "sender": user.name})
        for label, given, limit in ((_("Subject"), subject, 500), (_("Message"), body, 100_000)):
            if given is None:
                continue
            try:
                value = text(limit)(given)
            except ValueError as exc:
                raise ValidationError(label, str(exc)) from None
            if not value:
                raise ValidationError(label, _("is required"))
            if given is subject:
                filled_subject = value
            else:
                filled_body = value
        sender_email = user.email or company.email
        number, record_id, client_id = doc.number, doc.id, doc.client_id
    pdf = document_pdf(db, actor, record_id, stamped) if render else b""
    return DocumentEmail(record_id, client_id, number, address or "", filled_subject,
                         filled_body, pdf, sender_email)


def email_draft(db: Database, actor: Actor, document_id: uuid.UUID | str,
                to: str | None = None, template: str | None = None,
                stamped: bool = False) -> tuple[str, bytes]:
    """An issued document as an e-mail draft (``.eml``) with its PDF attached, in the
    document's language from a message template (:mod:`salesdesk.emails`); addressed to
    ``to``, else to the document's contact, else to the client. For users without a
    mail server: their mail program opens the file ready to send. Returns the file's
    name and its bytes; the audit log notes it."""
    from salesdesk import emails, events

    made = document_email(db, actor, document_id, to, template, stamped)
    message = emails.document_message(to=made.to, sender_name=actor.name,
                                      sender_email=made.sender_email, subject=made.subject,
                                      body=made.body, pdf=made.pdf, file_name=made.file_name)
    events.log_event(db, actor.id, events.PRINT, "documents", made.document_id,
                     {"number": made.number, "how": "e-mail draft", "to": made.to,
                      "stamped": stamped})
    return f"{made.number}.eml", message


def product_presentation(db: Database, actor: Actor, client_id: uuid.UUID | str,
                         product_ids: list[uuid.UUID | str], today: date | None = None) -> bytes:
    """A PDF presenting the chosen products to a client, in the client's language."""
    from salesdesk.documents.presentation import render_presentation

    if not product_ids:
        raise ValidationError(_("Products"), _("choose at least one product"))
    with reading(db, actor) as ctx:
        client = get_record(ctx, Client, client_id, _("Client"))
        chosen = [get_record(ctx, Product, pid, _("Product")) for pid in product_ids]
        company = load_company(ctx.session)
        probe = Document(client_id=client.id, owner_id=ctx.user.id)
        parties = _snapshot(ctx, probe)
        return render_presentation(parties["buyer"], chosen, parties["supplier"],
                                   parties["author"], client.document_language,
                                   company.vat_included, company.logo, today)
