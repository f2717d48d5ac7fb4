"""Commercial proposals (КП) and invoices (счёт на оплату), their lines and payments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base, Record
from salesdesk.db.types import Money, Scaled, UTCDateTime

DOCUMENT_KINDS = ("proposal", "invoice")


class Document(Record, Base):
    """A proposal or an invoice.

    A draft has no number; issuing assigns the next number of the author's series and
    freezes the document (a snapshot of both parties' requisites is kept, so a reprint
    years later shows what was sent).
    """

    __tablename__ = "documents"

    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    series: Mapped[str | None] = mapped_column(String(8))
    seq: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), nullable=False,
                                                 index=True)
    deal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deals.id"), index=True)
    # The client's contact person the document is addressed to ("Attention:").
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    doc_date: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(String(300))
    lead: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(String(300))
    payment_terms: Mapped[str | None] = mapped_column(Text)
    delivery_terms: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="ru")
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="RUB")
    vat_included: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    subtotal: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    vat_total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    paid_total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    source_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_documents_owner_kind_status", "owner_id", "kind", "status"),
        Index("ix_documents_kind_due", "kind", "status", "due_date"),
    )


class DocumentLine(Record, Base):
    """One line of a document: a catalogue product or free text."""

    __tablename__ = "document_lines"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id"), nullable=False,
                                                   index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id"))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Scaled(3), nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    discount_pct: Mapped[Decimal] = mapped_column(Scaled(2), nullable=False, default=Decimal(0))
    vat_rate: Mapped[str] = mapped_column(String(8), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    vat_amount: Mapped[Decimal] = mapped_column(Money, nullable=False)


class Payment(Record, Base):
    """Money received against an invoice (METRICS.md ``collected``)."""

    __tablename__ = "payments"

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id"), nullable=False,
                                                  index=True)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)


class DocumentSeries(Record, Base):
    """The last number issued in one series (a user's prefix and a document kind).

    Numbers in a series follow each other without gaps and are never reused: the
    counter moves in the same transaction that issues the document.
    """

    __tablename__ = "document_series"

    prefix: Mapped[str] = mapped_column(String(8), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (UniqueConstraint("prefix", "kind", name="uq_document_series_prefix_kind"),)
