"""Tables derived from the records and kept by triggers (see :mod:`salesdesk.db.rollups`).

They are never synchronised, exported or restored from a file: each database makes its
own from its records.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, Integer, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base


class ActivityDay(Base):
    """Contacts of one user on one day: their activities dated that day that are not
    deleted and whose client is not deleted (METRICS.md, "contacts")."""

    __tablename__ = "activity_days"
    __table_args__ = ({"sqlite_with_rowid": False},)

    date: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    contacts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
