"""Files on records: contracts, scans and price lists attached to clients, deals and
documents, each file's content stored once (by its SHA-256) however often it is
attached."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base, Record
from salesdesk.db.types import UTCDateTime, utcnow

ATTACHABLE = ("clients", "deals", "documents")
"""The kinds of record a file may be attached to."""


class Attachment(Record, Base):
    """A file attached to a client, a deal or a document. The row travels with the sync
    like any record; the content travels beside it in the bundle (``file_blobs``)."""

    __tablename__ = "attachments"

    entity: Mapped[str] = mapped_column(String(16), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False,
                                              default="application/octet-stream")
    added_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)

    __table_args__ = (Index("ix_attachments_record", "entity", "record_id"),)


class FileBlob(Base):
    """The content of attached files, once per content: the key is its SHA-256, so the
    same scan attached to a client and to a deal is stored once. Never changed once
    written. A laptop may lack some (left at the office by its size budget)."""

    __tablename__ = "file_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
