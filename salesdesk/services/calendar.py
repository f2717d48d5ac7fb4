"""The calendar: every dated thing of a period within the actor's scope (issue 18).

Planned meetings, calls and presentations at their time; tasks on their due day,
client requests on their answer-by day, deliveries on their deadline, invoices on their
due day and proposals on their last valid day, all day long. Each comes from its own
table through the policy's one visibility rule; a manager or the head may narrow it to
one person. Moving an event is the service's own edit of that record (the same checks,
the same audit); an issued document's dates are printed on it and do not move.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, true

from salesdesk import clock, policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Activity, Appointment, Client, Delivery, Document, Task, User
from salesdesk.errors import ValidationError
from salesdesk.i18n import N_, _
from salesdesk.policy import Action
from salesdesk.services.base import reading

KINDS: dict[str, str] = {
    "meeting": N_("Meeting"), "call": N_("Call"), "presentation": N_("Presentation"),
    "task": N_("Task"), "request": N_("Request to answer"), "delivery": N_("Delivery"),
    "invoice": N_("Invoice due"), "proposal": N_("Proposal valid until")}
"""The kinds of event, in the order a day lists its all-day ones."""

TIMED = frozenset({"meeting", "call", "presentation"})
"""Kinds that happen at a time (the planned appointments)."""

MOVABLE = frozenset({*TIMED, "task", "request", "delivery"})
"""Kinds a drag may move (documents' dates are printed on them)."""

MAX_DAYS = 62
"""The longest period one asks for at once (a month view with its edges)."""


@dataclass(frozen=True)
class CalendarEvent:
    """One thing on the calendar."""

    kind: str
    """One of :data:`KINDS`."""
    record_id: uuid.UUID
    title: str
    client_id: uuid.UUID | None
    client_name: str
    person_id: uuid.UUID | None
    """Whose it is: who meets, the assignee, the author of the request, the owner."""
    person_name: str
    day: date
    start_minute: int | None
    """Minutes after midnight for a timed event, ``None`` for a whole-day one."""
    duration_minutes: int | None
    done: bool
    """Done, answered, delivered, paid or settled: shown, but nothing to do."""
    overdue: bool
    version: int

    @property
    def timed(self) -> bool:
        """Happens at a time."""
        return self.start_minute is not None

    @property
    def movable(self) -> bool:
        """A drag may move it to another day (and time)."""
        return self.kind in MOVABLE and not self.done


def _check_period(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValidationError(_("Period"), _("ends before it begins"))
    if (date_to - date_from).days >= MAX_DAYS:
        raise ValidationError(_("Period"), _("at most {n} days at once").format(n=MAX_DAYS))


def calendar_events(db: Database, actor: Actor, date_from: date, date_to: date,
                    person_id: uuid.UUID | str | None = None) -> list[CalendarEvent]:
    """Every event from ``date_from`` to ``date_to`` (both inclusive) that the actor may
    see, or one person's of them; by day, timed ones by their time, whole-day ones by
    kind. Cancelled appointments and documents are left out."""
    from salesdesk.services.base import as_uuid

    _check_period(date_from, date_to)
    person = as_uuid(person_id, _("User")) if person_id is not None else None
    now = clock.now()
    today = now.date()
    out: list[CalendarEvent] = []
    with reading(db, actor) as ctx:
        session = ctx.session
        if person is not None and not policy.in_scope(ctx, person):
            raise policy.deny(Action.USERS_READ, _("This person is not in your team."))

        def mine(column: Any) -> Any:
            return column == person if person is not None else true()

        # Appointments at their time.
        rows = session.execute(
            select(Appointment, Client.name, User.name)
            .join(Client, Client.id == Appointment.client_id)
            .join(User, User.id == Appointment.user_id)
            .where(Appointment.deleted_at.is_(None), Client.deleted_at.is_(None),
                   Appointment.status != "cancelled",
                   Appointment.date >= date_from, Appointment.date <= date_to,
                   policy.visible(ctx, Appointment), mine(Appointment.user_id)))
        for a, client_name, user_name in rows:
            ends = a.start_minute + a.duration_minutes
            late = a.status == "planned" and (a.date < today or (
                a.date == today and ends <= now.hour * 60 + now.minute))
            out.append(CalendarEvent(a.kind, a.id, a.subject, a.client_id, client_name,
                                     a.user_id, user_name, a.date, a.start_minute,
                                     a.duration_minutes, a.status == "done", late, a.version))
        # Tasks on their due day.
        rows = session.execute(
            select(Task, Client.name, User.name)
            .join(User, User.id == Task.assignee_id)
            .outerjoin(Client, Client.id == Task.client_id)
            .where(Task.deleted_at.is_(None), or_(Client.id.is_(None),
                                                  Client.deleted_at.is_(None)),
                   Task.due_date >= date_from, Task.due_date <= date_to,
                   policy.visible(ctx, Task), mine(Task.assignee_id)))
        for t, client_name, user_name in rows:
            done = t.done_on is not None
            out.append(CalendarEvent("task", t.id, t.title, t.client_id, client_name or "",
                                     t.assignee_id, user_name, t.due_date, None, None, done,
                                     not done and t.due_date < today, t.version))
        # Client requests on their answer-by day.
        rows = session.execute(
            select(Activity, Client.name, User.name)
            .join(Client, Client.id == Activity.client_id)
            .join(User, User.id == Activity.user_id)
            .where(Activity.deleted_at.is_(None), Client.deleted_at.is_(None),
                   Activity.kind == "request", Activity.answer_by >= date_from,
                   Activity.answer_by <= date_to, policy.visible(ctx, Activity),
                   mine(Activity.user_id)))
        for r, client_name, user_name in rows:
            done = r.request_status != "open"
            out.append(CalendarEvent("request", r.id, r.note or _("Request"), r.client_id,
                                     client_name, r.user_id, user_name, r.answer_by, None,
                                     None, done, not done and r.answer_by < today, r.version))
        # Deliveries on their deadline.
        rows = session.execute(
            select(Delivery, Client.name, User.name)
            .join(Client, Client.id == Delivery.client_id)
            .join(User, User.id == Delivery.owner_id)
            .where(Delivery.deleted_at.is_(None), Client.deleted_at.is_(None),
                   Delivery.due_date >= date_from, Delivery.due_date <= date_to,
                   policy.visible(ctx, Delivery), mine(Delivery.owner_id)))
        for d, client_name, user_name in rows:
            done = d.delivered_on is not None
            out.append(CalendarEvent("delivery", d.id, d.description, d.client_id,
                                     client_name, d.owner_id, user_name, d.due_date, None,
                                     None, done, not done and d.due_date < today, d.version))
        # Invoices on their due day, proposals on their last valid day.
        rows = session.execute(
            select(Document, Client.name, User.name)
            .join(Client, Client.id == Document.client_id)
            .join(User, User.id == Document.owner_id)
            .where(Document.deleted_at.is_(None), Client.deleted_at.is_(None),
                   Document.number.is_not(None),
                   Document.status.not_in(("draft", "cancelled")),
                   or_(and_(Document.kind == "invoice", Document.due_date >= date_from,
                            Document.due_date <= date_to),
                       and_(Document.kind == "proposal", Document.valid_until >= date_from,
                            Document.valid_until <= date_to)),
                   policy.visible(ctx, Document), mine(Document.owner_id)))
        for doc, client_name, user_name in rows:
            if doc.kind == "invoice":
                day = doc.due_date
                done = doc.paid_total >= doc.total
            else:
                day = doc.valid_until
                done = doc.status not in ("issued", "sent")
            out.append(CalendarEvent(doc.kind, doc.id, doc.number or "", doc.client_id,
                                     client_name, doc.owner_id, user_name, day, None, None,
                                     done, not done and day < today, doc.version))
    order = list(KINDS)
    out.sort(key=lambda e: (e.day, e.start_minute is not None, e.start_minute or 0,
                            order.index(e.kind), e.title, str(e.record_id)))
    return out


def move_event(db: Database, actor: Actor, kind: str, record_id: uuid.UUID | str, day: date,
               start_minute: int | None = None, expected_version: int | None = None) -> None:
    """Move an event to another day (a timed one also to another time): the record's
    own service edits it, so the permission, the stale-edit check and the audit are the
    same as in its form."""
    from salesdesk.services import activities, appointments, deliveries, tasks

    if kind in TIMED:
        appointments.reschedule(db, actor, record_id, day, start_minute, expected_version)
    elif kind == "task":
        tasks.update_task(db, actor, record_id, {"due_date": day}, expected_version)
    elif kind == "delivery":
        deliveries.update_delivery(db, actor, record_id, {"due_date": day}, expected_version)
    elif kind == "request":
        activities.update_activity(db, actor, record_id, {"answer_by": day}, expected_version)
    elif kind in ("invoice", "proposal"):
        raise ValidationError(_("Date"), _(
            "an issued document's dates are printed on it and do not move; issue a revised "
            "document instead"))
    else:
        raise ValidationError(_("Kind"), _("must be one of {values}").format(
            values=", ".join(KINDS)))


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of the week of ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_grid(day: date) -> tuple[date, date]:
    """The six weeks a month view shows for ``day``'s month (Monday first)."""
    first = day.replace(day=1)
    start = first - timedelta(days=first.weekday())
    return start, start + timedelta(days=41)
