"""What falls due: the dated work of the coming days, overdue first (issue 18's "Due"
list and ``salesdesk due``).

Planned meetings and calls by their day and time (today's, and past ones still to be
marked done), tasks by their due date, client requests by their answer-by day, deliveries by their
deadline, invoices by the day they turn overdue (while not fully paid) and proposals by
the last day they are valid. By default the actor's own (assigned to them, or owned by
them); ``everyone`` gives all that the actor may see (a manager's team, the head's
office), through the same services and so the same permission rule.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from salesdesk import clock
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.errors import ValidationError
from salesdesk.i18n import N_, _

KINDS = {"appointment": N_("Meeting or call"), "task": N_("Task"),
         "request": N_("Request to answer"), "delivery": N_("Delivery"),
         "invoice": N_("Invoice due"), "proposal": N_("Proposal valid until")}
"""The kinds of dated work, as a reader calls them."""

MAX_DAYS = 366
"""The furthest ahead one may ask."""


@dataclass(frozen=True)
class DueItem:
    """One thing that falls due."""

    kind: str
    """One of :data:`KINDS`."""
    record_id: uuid.UUID
    title: str
    client_id: uuid.UUID | None
    client_name: str
    owner_id: uuid.UUID | None
    due: date
    overdue: bool
    """Its day has passed (and it is still not done)."""
    start_minute: int | None = None
    """A meeting's or call's time (minutes after midnight); ``None`` for the others."""
    duration_minutes: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``salesdesk due --json`` object."""
        from salesdesk.services.appointments import clock_text

        return {"kind": self.kind, "id": str(self.record_id), "title": self.title,
                "client": self.client_name or None,
                "client_id": str(self.client_id) if self.client_id else None,
                "due": self.due.isoformat(), "overdue": self.overdue,
                "time": clock_text(self.start_minute) if self.start_minute is not None
                else None, "minutes": self.duration_minutes}


def due_items(db: Database, actor: Actor, days: int = 7, today: date | None = None,
              everyone: bool = False) -> list[DueItem]:
    """What falls due from now to ``days`` ahead, and what is overdue, by day (overdue
    first), then by kind as :data:`KINDS` lists them."""
    from salesdesk.services import activities, appointments, deliveries, documents, tasks

    if not 0 <= days <= MAX_DAYS:
        raise ValidationError("--days", _("must be from 0 to {most}").format(most=MAX_DAYS))
    today = today or clock.today()
    until = today + timedelta(days=days)
    mine = not everyone
    items: list[DueItem] = []

    def add(kind: str, rid: uuid.UUID, title: str, client_id: uuid.UUID | None,
            client_name: str | None, owner_id: uuid.UUID | None, due: date | None) -> None:
        if due is not None and due <= until:
            items.append(DueItem(kind, rid, title, client_id, client_name or "", owner_id,
                                 due, due < today))

    # Planned appointments: the coming days' and the past ones not yet marked done.
    for a in appointments.list_appointments(db, actor, date_to=until, mine_only=mine,
                                            statuses=("planned",)):
        # Overdue once it should have ended (today's at nine is overdue at eleven).
        late = a.date < today or (a.date == clock.today() and a.is_overdue())
        items.append(DueItem("appointment", a.id, a.subject, a.client_id, a.client_name,
                             a.user_id, a.date, late, a.start_minute, a.duration_minutes))
    for t in tasks.list_tasks(db, actor, mine_only=mine, due_to=until, today=today):
        add("task", t.id, t.title, t.client_id, t.client_name, t.assignee_id, t.due_date)
    for r in activities.open_requests(db, actor, today=today, mine_only=mine):
        add("request", r.id, r.note or "", r.client_id, r.client_name, r.user_id, r.answer_by)
    for d in deliveries.list_deliveries(db, actor, mine_only=mine, today=today):
        add("delivery", d.id, d.description, d.client_id, d.client_name, d.owner_id,
            d.due_date)
    # An invoice turns overdue the day after its due date: those that will be overdue
    # by the last day asked, not fully paid by then (documents.overdue_invoices).
    for i in documents.overdue_invoices(db, actor, today=until + timedelta(days=1),
                                        mine_only=mine):
        add("invoice", i.id, i.number or "", i.client_id, i.client_name, i.owner_id,
            i.due_date)
    for p in documents.expiring_proposals(db, actor, today=today, within_days=days,
                                          mine_only=mine):
        add("proposal", p.id, p.number or "", p.client_id, p.client_name, p.owner_id,
            p.valid_until)
    order = list(KINDS)
    items.sort(key=lambda i: (i.due, order.index(i.kind), i.start_minute or 0, i.title,
                              str(i.record_id)))
    return items
