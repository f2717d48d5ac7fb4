"""The declarative base and the columns every stored record has."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from salesdesk.db.types import UTCDateTime, utcnow

# Named constraints so that Alembic can alter them on SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every SalesDesk table."""

    metadata = MetaData(naming_convention=NAMING)


class Record:
    """What every business record has (DOMAIN.md, "What is kept").

    * a UUID key, so that laptops working offline never collide;
    * created/updated timestamps (UTC);
    * a version counter the ORM checks on every UPDATE (optimistic locking: a stale
      edit fails instead of overwriting somebody else's);
    * ``deleted_at``: records are soft-deleted, so that nothing disappears without a
      trace and offline copies can merge deletions.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    @property
    def is_deleted(self) -> bool:
        """True once the record was soft-deleted."""
        return self.deleted_at is not None
