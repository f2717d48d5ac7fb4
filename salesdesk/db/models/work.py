"""Deliveries with their deadlines, follow-up tasks, and planned meetings and calls."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base, Record


class Delivery(Record, Base):
    """What is due to a client by when (from an invoice or a deal), and when delivered."""

    __tablename__ = "deliveries"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), nullable=False,
                                                 index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    deal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deals.id"))
    description: Mapped[str] = mapped_column(String(300), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_deliveries_owner_due", "owner_id", "delivered_on", "due_date"),)


class Task(Record, Base):
    """A follow-up with a due date, assigned to a user, linked to a client or a deal."""

    __tablename__ = "tasks"

    assignee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("clients.id"), index=True)
    deal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deals.id"))
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_tasks_assignee_due", "assignee_id", "done_on", "due_date"),)


APPOINTMENT_KINDS = ("meeting", "call", "presentation")
"""What can be planned for a time: the activity kinds that happen at an hour."""
APPOINTMENT_STATUSES = ("planned", "done", "cancelled")


class Appointment(Record, Base):
    """A meeting, call or presentation planned for a date and time, with a duration;
    done later with its outcome, which logs the contact as an activity (a planned
    meeting is not a contact until it took place: METRICS.md counts activities)."""

    __tablename__ = "appointments"

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), nullable=False,
                                                 index=True)
    # Who meets or calls: the appointment is theirs (their calendar, their reminder).
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="meeting")
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    # The office's local time of day, in minutes after midnight (a wall-clock time: a
    # meeting at ten stays at ten whatever the laptop's time zone).
    start_minute: Mapped[int] = mapped_column(Integer, nullable=False, default=600)
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=60)
    place: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="planned")
    outcome: Mapped[str | None] = mapped_column(Text)
    # The contact logged when it was done.
    activity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("activities.id"))

    __table_args__ = (Index("ix_appointments_user_date", "user_id", "date"),
                      Index("ix_appointments_date", "date"))
