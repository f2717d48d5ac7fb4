"""Meetings, calls and presentations planned for a date, a time and a duration (issue 18).

A planned appointment is not yet a contact: the metrics count activities (METRICS.md),
and a meeting counts once it took place. Marking it done with its outcome logs the
contact as an activity of the person who met, in the same transaction. The time is the
office's wall-clock time (minutes after midnight), so a meeting at ten stays at ten.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from salesdesk import clock, policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Activity, Appointment, Client, User
from salesdesk.db.types import utcnow
from salesdesk.domain import APPOINTMENT_STATUS_LABELS
from salesdesk.errors import ValidationError
from salesdesk.fields import Field, text, validate
from salesdesk.i18n import _
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import apply, check_version, get_record, reading, writing

APPOINTMENT_FIELDS: dict[str, Field] = {
    key: field for key, field in registry.spec("appointments").items()
    if key not in ("status", "outcome")}
"""What a form plans or changes (the status and outcome move by their own steps)."""

DAY_MINUTES = 24 * 60


def clock_text(minutes: int) -> str:
    """``9:05`` as ``09:05``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class AppointmentRecord:
    """A planned meeting, call or presentation, with the names a calendar shows."""

    id: uuid.UUID
    client_id: uuid.UUID
    client_name: str
    user_id: uuid.UUID
    user_name: str
    kind: str
    subject: str
    date: date
    start_minute: int
    duration_minutes: int
    place: str | None
    note: str | None
    status: str
    outcome: str | None
    activity_id: uuid.UUID | None
    version: int

    @property
    def starts_at(self) -> datetime:
        """When it begins, in the office's local time (aware)."""
        day = datetime(self.date.year, self.date.month, self.date.day)
        return (day + timedelta(minutes=self.start_minute)).astimezone()

    @property
    def ends_at(self) -> datetime:
        """When it ends."""
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def time_text(self) -> str:
        """``10:00–11:30`` (an appointment ends by midnight: ``24:00`` at the latest)."""
        return f"{clock_text(self.start_minute)}–" \
               f"{clock_text(self.start_minute + self.duration_minutes)}"

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Still planned though it should have ended: to be marked done or cancelled."""
        return self.status == "planned" and self.ends_at < (now or clock.now())


def _person(ctx: Ctx, user_id: uuid.UUID | str | None) -> User:
    """Who meets: the actor, or (a manager, the head) somebody active in their team."""
    if user_id is None or user_id == ctx.user.id:
        return ctx.user
    user = get_record(ctx, User, user_id, _("User"), Action.APPOINTMENT_EDIT,
                      include_deleted=True)
    if not policy.in_scope(ctx, user.id) or not user.active:
        raise policy.deny(Action.APPOINTMENT_EDIT, _("{name} is not in your team.").format(
            name=user.name))
    return user


def _check(appointment: Appointment) -> None:
    if appointment.start_minute + appointment.duration_minutes > DAY_MINUTES:
        raise ValidationError(_("Duration, minutes"), _("the meeting must end by midnight"))


def plan_appointment(db: Database, actor: Actor, client_id: uuid.UUID | str,
                     values: dict[str, Any], user_id: uuid.UUID | str | None = None
                     ) -> AppointmentRecord:
    """Plan a meeting, call or presentation with a client the actor may see, for
    themself or (a manager, the head) for somebody in their team."""
    with writing(db, actor) as (uow, ctx):
        client = get_record(ctx, Client, client_id, _("Client"), Action.APPOINTMENT_EDIT)
        person = _person(ctx, user_id)
        # A meeting of an hour unless said otherwise.
        data = validate(APPOINTMENT_FIELDS, {"kind": "meeting", "duration_minutes": 60,
                                             **values})
        appointment = Appointment(id=uuid.uuid4(), client_id=client.id, user_id=person.id,
                                  status="planned", **data)
        _check(appointment)
        uow.session.add(appointment)
        uow.commit()
        return _record(appointment, client.name, person.name)


def _planned(ctx: Ctx, appointment_id: uuid.UUID | str) -> Appointment:
    appointment = get_record(ctx, Appointment, appointment_id, _("Meeting or call"),
                             Action.APPOINTMENT_EDIT)
    if appointment.status != "planned":
        raise ValidationError(_("Status"), _(
            "this meeting is {status} already; only a planned one changes").format(
            status=_(APPOINTMENT_STATUS_LABELS[appointment.status]).lower()))
    return appointment


def update_appointment(db: Database, actor: Actor, appointment_id: uuid.UUID | str,
                       values: dict[str, Any], expected_version: int | None = None,
                       user_id: uuid.UUID | str | None = None) -> AppointmentRecord:
    """Change a planned appointment (its time, length, subject, place, note, or who
    meets); a stale edit is refused."""
    with writing(db, actor) as (uow, ctx):
        appointment = _planned(ctx, appointment_id)
        check_version(appointment, expected_version)
        apply(appointment, validate(APPOINTMENT_FIELDS, values, partial=True),
              keep=("kind", "subject", "date", "start_minute", "duration_minutes"))
        if user_id is not None:
            appointment.user_id = _person(ctx, user_id).id
        _check(appointment)
        uow.commit()
        return _load(uow.session, appointment)


def reschedule(db: Database, actor: Actor, appointment_id: uuid.UUID | str, day: date,
               start_minute: int | None = None, expected_version: int | None = None
               ) -> AppointmentRecord:
    """Move a planned appointment to another day (and time): the calendar's drag."""
    values: dict[str, Any] = {"date": day}
    if start_minute is not None:
        values["start_minute"] = start_minute
    return update_appointment(db, actor, appointment_id, values, expected_version)


def complete_appointment(db: Database, actor: Actor, appointment_id: uuid.UUID | str,
                         outcome: str, done_on: date | None = None) -> AppointmentRecord:
    """It took place: keep its outcome and log the contact (an activity of the person
    who met, dated the day it took place) in the same transaction."""
    with writing(db, actor) as (uow, ctx):
        appointment = _planned(ctx, appointment_id)
        today = clock.today()
        day = done_on or min(appointment.date, today)
        if day > today:
            raise ValidationError(_("Date"), _("a meeting cannot be done in the future"))
        appointment.outcome = text(10000)(outcome) if outcome and outcome.strip() else None
        appointment.status = "done"
        note = appointment.subject if not appointment.outcome \
            else f"{appointment.subject}\n{appointment.outcome}"
        activity = Activity(id=uuid.uuid4(), client_id=appointment.client_id,
                            user_id=appointment.user_id, kind=appointment.kind, date=day,
                            note=note[:10000])
        uow.session.add(activity)
        uow.session.flush()
        appointment.activity_id = activity.id
        uow.commit()
        return _load(uow.session, appointment)


def cancel_appointment(db: Database, actor: Actor, appointment_id: uuid.UUID | str,
                       reason: str | None = None) -> AppointmentRecord:
    """It will not take place (the reason is kept as its outcome)."""
    with writing(db, actor) as (uow, ctx):
        appointment = _planned(ctx, appointment_id)
        appointment.status = "cancelled"
        appointment.outcome = text(10000)(reason) if reason and reason.strip() else None
        uow.commit()
        return _load(uow.session, appointment)


def delete_appointment(db: Database, actor: Actor, appointment_id: uuid.UUID | str) -> None:
    """Soft-delete an appointment (it goes to the trash)."""
    with writing(db, actor) as (uow, ctx):
        appointment = get_record(ctx, Appointment, appointment_id, _("Meeting or call"),
                                 Action.APPOINTMENT_EDIT)
        appointment.deleted_at = utcnow()
        uow.commit()


def get_appointment(db: Database, actor: Actor, appointment_id: uuid.UUID | str
                    ) -> AppointmentRecord:
    """One appointment the actor may see."""
    with reading(db, actor) as ctx:
        return _load(ctx.session, get_record(ctx, Appointment, appointment_id,
                                             _("Meeting or call")))


def _record(a: Appointment, client_name: str, user_name: str) -> AppointmentRecord:
    return AppointmentRecord(
        id=a.id, client_id=a.client_id, client_name=client_name, user_id=a.user_id,
        user_name=user_name, kind=a.kind, subject=a.subject, date=a.date,
        start_minute=a.start_minute, duration_minutes=a.duration_minutes, place=a.place,
        note=a.note, status=a.status, outcome=a.outcome, activity_id=a.activity_id,
        version=a.version)


def _load(session: Any, a: Appointment) -> AppointmentRecord:
    client = session.get(Client, a.client_id)
    user = session.get(User, a.user_id)
    return _record(a, client.name if client else "", user.name if user else "")


def list_appointments(db: Database, actor: Actor, date_from: date | None = None,
                      date_to: date | None = None, user_id: uuid.UUID | None = None,
                      client_id: uuid.UUID | str | None = None, mine_only: bool = False,
                      statuses: tuple[str, ...] | None = None) -> list[AppointmentRecord]:
    """Visible appointments by date and time (of one person, one client, a period)."""
    with reading(db, actor) as ctx:
        stmt = (select(Appointment, Client.name, User.name)
                .join(Client, Client.id == Appointment.client_id)
                .join(User, User.id == Appointment.user_id)
                .where(Appointment.deleted_at.is_(None), Client.deleted_at.is_(None),
                       policy.visible(ctx, Appointment)))
        if date_from is not None:
            stmt = stmt.where(Appointment.date >= date_from)
        if date_to is not None:
            stmt = stmt.where(Appointment.date <= date_to)
        if user_id is not None:
            stmt = stmt.where(Appointment.user_id == user_id)
        if mine_only:
            stmt = stmt.where(Appointment.user_id == ctx.user.id)
        if client_id is not None:
            client = get_record(ctx, Client, client_id, _("Client"))
            stmt = stmt.where(Appointment.client_id == client.id)
        if statuses:
            stmt = stmt.where(Appointment.status.in_(statuses))
        stmt = stmt.order_by(Appointment.date, Appointment.start_minute, Appointment.id)
        return [_record(a, cname, uname) for a, cname, uname in ctx.session.execute(stmt)]


def starting_soon(db: Database, actor: Actor, within_minutes: int = 15,
                  now: datetime | None = None) -> list[AppointmentRecord]:
    """The actor's own planned appointments that begin within the next
    ``within_minutes`` (the reminder a quarter of an hour ahead)."""
    now = now or clock.now()
    until = now + timedelta(minutes=within_minutes)
    found = list_appointments(db, actor, date_from=now.date(), date_to=until.date(),
                              mine_only=True, statuses=("planned",))
    return [a for a in found if now <= a.starts_at <= until]
