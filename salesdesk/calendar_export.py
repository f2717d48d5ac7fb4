"""The dated work as an iCalendar file (``salesdesk calendar export --ics``): each planned
meeting, call and presentation at its time, and each task, request's answer-by day,
delivery deadline, invoice's due day and proposal's last valid day of the period as an
all-day event, which Outlook, Thunderbird and phones open.

The events come from :func:`services.due.due_items`, so the file holds what the user may
see and nothing else. Each event's UID is stable (the record's kind and id), so a
calendar that imports the file again updates its events instead of doubling them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from salesdesk import clock
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.errors import ValidationError
from salesdesk.i18n import _
from salesdesk.services.due import KINDS, DueItem, due_items

PRODUCT_ID = "-//SalesDesk//Calendar export//RU"


def calendar_ics(items: list[DueItem], made_for: str) -> bytes:
    """The items as a VCALENDAR: meetings and calls at their time (in UTC, which every
    calendar program converts to its own zone), the rest as all-day events."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("SalesDesk: {name}").format(name=made_for))
    stamp = clock.utcnow()
    for item in items:
        event = Event()
        event.add("uid", f"{item.kind}-{item.record_id}@salesdesk")
        event.add("dtstamp", stamp)
        if item.start_minute is not None:
            day = datetime(item.due.year, item.due.month, item.due.day)
            start = (day + timedelta(minutes=item.start_minute)).astimezone().astimezone(UTC)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=item.duration_minutes or 0))
        else:
            event.add("dtstart", item.due)
            event.add("dtend", item.due + timedelta(days=1))  # all day: the end is exclusive
        kind = _(KINDS[item.kind])
        title = " — ".join(part for part in (item.title, item.client_name) if part)
        event.add("summary", f"{kind}: {title}" if title else kind)
        event.add("categories", [kind])
        if item.client_name:
            event.add("description", item.client_name)
        # A deadline does not make the day busy; a meeting does.
        event.add("transp", "OPAQUE" if item.start_minute is not None else "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def export_calendar(db: Database, actor: Actor, path: Path, days: int = 30,
                    everyone: bool = False, today: date | None = None) -> int:
    """Write the events of today and the ``days`` after it to ``path`` (an ``.ics``
    file); returns how many."""
    from salesdesk.files import write_atomically

    path = Path(path)
    if path.suffix.lower() != ".ics":
        raise ValidationError(path.name, _("must be an .ics file"))
    today = today or clock.today()
    items = [item for item in due_items(db, actor, days=days, today=today,
                                        everyone=everyone) if item.due >= today]
    write_atomically(path, calendar_ics(items, actor.name))
    return len(items)
