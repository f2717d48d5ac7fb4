"""What offline sync keeps: the sites, the change log, field clocks and conflicts.

None of these tables is itself synchronised: each database keeps its own view of the
exchange (DOMAIN.md: the office database and the laptops' replicas).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base
from salesdesk.db.types import UTCDateTime, utcnow

SITE_KINDS = ("office", "replica")


class SyncSite(Base):
    """A database taking part in the exchange: this one (``is_self``) and its peers.

    The office knows every replica made from it; a replica knows itself and its office.
    ``secret`` signs the bundles between this database and that peer (HMAC), so that a
    bundle changed on the way is refused. For this database, ``hlc_ms``/``hlc_counter``
    hold the hybrid logical clock's last reading.
    """

    __tablename__ = "sync_sites"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    is_self: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # a replica's user
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    secret: Mapped[str | None] = mapped_column(String(128))
    hlc_ms: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    hlc_counter: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # What this peer has told us it holds: {origin site id: highest origin seq}.
    acked: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False, default=dict)
    bundles_out: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    bundles_in: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_export_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_import_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_in_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_out_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ChangeEntry(Base):
    """One change of one record, made here or received from another site.

    ``seq`` orders the log of this database (bundles list changes in it, so a relayed
    change keeps coming after what it was based on); ``origin``/``origin_seq`` name the
    change everywhere; ``hlc`` orders writes across sites (last writer wins); ``seen``
    holds the field clocks the writer had for the record, which is how a change made
    without knowing of another is told apart from one made after it.
    """

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    origin_seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    hlc: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    op: Mapped[str] = mapped_column(String(16), nullable=False)
    # {"field": [old, new]} in the JSON form of salesdesk.sync.codec
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    seen: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    # The whole record after the change (before it, for a hard removal).
    row: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        Index("ix_change_log_origin", "origin", "origin_seq", unique=True),
        Index("ix_change_log_record", "entity", "record_id"),
    )


class FieldClock(Base):
    """The clock of the write that set a field's current value."""

    __tablename__ = "field_clocks"

    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(64), nullable=False)


CONFLICT_KINDS = ("field", "edit_deleted", "delete_edited", "duplicate")


class SyncConflict(Base):
    """Something a merge could not decide alone, for a manager or the head.

    ``field``: a money, stage or status field changed on both sides (the later write
    stands until someone chooses); ``edit_deleted``/``delete_edited``: a record edited on
    one side and deleted on the other (it stays deleted, with the edit, until someone
    restores it); ``duplicate``: two clients with the same INN created apart.
    """

    __tablename__ = "sync_conflicts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    field: Mapped[str | None] = mapped_column(String(64))
    other_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the other client
    # [{"value": v, "hlc": h, "user_id": u, "site": s}, ...]: every side's value
    values: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    resolution: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_sync_conflicts_open", "resolved_at", "entity", "record_id"),
    )
