"""E-mail: each user's mail server settings and the outbox of messages waiting to
leave. Both belong to the computer they were made on: they are not synchronised (a
laptop may send through another server, and a message leaves from where it was made)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base
from salesdesk.db.types import UTCDateTime, utcnow

SECURITY = ("none", "starttls", "tls")
"""How the connection to the mail server is protected."""
OUTBOX_STATUSES = ("queued", "failed", "sent")
"""queued: waits for the server (tried again by itself); failed: the server refused it
(a login, a recipient) and it waits for the user; sent: gone."""


class MailSettings(Base):
    """One user's SMTP server. The password is never here: it is kept in the operating
    system's keyring (or asked at sending)."""

    __tablename__ = "mail_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    host: Mapped[str] = mapped_column(String(255), nullable=False)
    port: Mapped[int] = mapped_column(Integer, nullable=False)
    security: Mapped[str] = mapped_column(String(16), nullable=False, default="starttls")
    login: Mapped[str | None] = mapped_column(String(255))
    from_address: Mapped[str] = mapped_column(String(200), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)


class OutboxMessage(Base):
    """A message made to be sent (with its attachment, whole), until it has left."""

    __tablename__ = "outbox"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("clients.id"))
    to_address: Mapped[str] = mapped_column(String(200), nullable=False)
    subject: Mapped[str] = mapped_column(String(500), nullable=False)
    message: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_user_status", "user_id", "status"),)
