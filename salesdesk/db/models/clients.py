"""Clients, their contacts, and the activities logged against them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base, Record
from salesdesk.db.types import UTCDateTime


class Client(Record, Base):
    """A company or a person the department sells to."""

    __tablename__ = "clients"

    name: Mapped[str] = mapped_column(String(300), nullable=False)
    # Case-folded name without legal form and quotes: matching on import, duplicates.
    name_norm: Mapped[str] = mapped_column(String(300), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="company")
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    kpp: Mapped[str | None] = mapped_column(String(9))
    segment: Mapped[str | None] = mapped_column(String(100))
    market: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(100))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    # A key client (the head's strategy): shown first, counted in the key-client lists.
    priority: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    website: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    document_language: Mapped[str] = mapped_column(String(2), nullable=False, default="ru")
    # Case-folded name, INN, e-mails and phones of the client and its contacts: one
    # column that a fragment search scans (SQLite's lower() does not fold Cyrillic).
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        Index("ix_clients_owner_name", "owner_id", "deleted_at", "name_norm"),
        Index("ix_clients_deleted_name", "deleted_at", "name_norm"),
        # The deleted clients, which every metric leaves out ("not in" them): a partial
        # index holding their ids answers that list at once instead of a read of every
        # client (23 ms a query, several queries a dashboard).
        Index("ix_clients_deleted_ids", "deleted_at", "id",
              sqlite_where=text("deleted_at IS NOT NULL"),
              postgresql_where=text("deleted_at IS NOT NULL")),
        # The client of a won deal or an activity as the metrics group it (owner,
        # source, segment, market), without reading the client's wide row (0012).
        Index("ix_clients_of_deals", "id", "deleted_at", "owner_id", "source", "segment",
              "market"),
        # The live clients' values as the strategy's figures count them by (segment,
        # market) and the filters list them, without reading the wide rows (0013).
        # (Not first: the list's count of live clients reads the narrower
        # ix_clients_deleted_name.)
        Index("ix_clients_values", "segment", "market", "source", "city", "owner_id",
              "deleted_at"),
    )


class Contact(Record, Base):
    """A person at a client."""

    __tablename__ = "contacts"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), nullable=False,
                                                 index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    position: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    notes: Mapped[str | None] = mapped_column(Text)


ACTIVITY_KINDS = ("call", "meeting", "email", "message", "presentation", "request")
REQUEST_STATUSES = ("open", "answered", "closed")


class Activity(Record, Base):
    """A contact with a client: call, meeting, e-mail, message, presentation, request.

    A client request also has a status and an answer-by date.
    """

    __tablename__ = "activities"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), nullable=False)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    request_status: Mapped[str | None] = mapped_column(String(16))
    answer_by: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    # When a request was answered, to the second (the answer time in hours).
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_activities_user_date", "user_id", "date"),
        Index("ix_activities_client_date", "client_id", "date"),
        Index("ix_activities_request", "request_status", "answer_by"),
        # Contacts of the whole company in a period (every dashboard and report) read
        # this index alone instead of a million rows of the table; the client is in it
        # so that leaving out the activities of deleted clients needs no table read.
        Index("ix_activities_live_date_user_client", "date", "user_id", "client_id",
              sqlite_where=text("deleted_at IS NULL"),
              postgresql_where=text("deleted_at IS NULL")),
        # The requests answered in a period (the median answer time) and those due in
        # it (answered late), without reading the other million activities (migration
        # 0012; deleted_at is held so that SQLite counts them covering).
        Index("ix_activities_answered", "answered_on", "user_id", "client_id", "kind",
              "answered_at", "created_at", "deleted_at",
              sqlite_where=text("answered_on IS NOT NULL AND deleted_at IS NULL"),
              postgresql_where=text("answered_on IS NOT NULL AND deleted_at IS NULL")),
        Index("ix_activities_answer_by", "answer_by", "user_id", "client_id", "kind",
              "request_status", "answered_on", "deleted_at",
              sqlite_where=text("answer_by IS NOT NULL AND deleted_at IS NULL"),
              postgresql_where=text("answer_by IS NOT NULL AND deleted_at IS NULL")),
    )
