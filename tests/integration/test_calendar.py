"""Planned meetings and calls and the calendar: planning with a time and a duration, the
outcome that logs the contact, every dated kind of work in the calendar within the
user's scope, moving events with the same checks and audit as their forms, the
reminder a quarter of an hour ahead, and meetings at their time in the .ics file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from salesdesk import clock
from salesdesk.calendar_export import export_calendar
from salesdesk.db.models import Activity, AuditEntry
from salesdesk.errors import ConflictError, PermissionDenied, ValidationError
from salesdesk.services import appointments, calendar, metrics, tasks
from salesdesk.services.due import due_items
from tests import TODAY
from tests.conftest import Office
from tests.integration.test_due import _day, _work


def _meeting(office: Office, who: str = "rep1", day: int = 1, at: str = "10:00",
             minutes: str = "90", **more: str) -> appointments.AppointmentRecord:
    client = more.pop("client", None)
    if client is None:
        from salesdesk.services import clients

        client = clients.create_client(office.db, office.actor(who),
                                       {"name": f"Клиент {who} {day} {at}"}).client.id
    return appointments.plan_appointment(office.db, office.actor(who), client, {
        "subject": more.pop("subject", "Презентация каталога"), "date": _day(day),
        "start_minute": at, "duration_minutes": minutes, **more})


def test_a_meeting_is_planned_with_its_time_and_checked(office: Office) -> None:
    made = _meeting(office, at="9:30", place="Офис клиента")
    assert (made.start_minute, made.duration_minutes, made.status) == (570, 90, "planned")
    assert made.time_text == "09:30–11:00" and made.kind == "meeting"
    assert made.starts_at.hour == 9 and made.starts_at.tzinfo is not None
    for values, field in (({"start_minute": "25:00"}, "Time"),
                          ({"start_minute": "10:00", "duration_minutes": "0"},
                           "Duration, minutes"),
                          ({"start_minute": "23:30", "duration_minutes": "60"},
                           "Duration, minutes"),
                          ({"start_minute": "10:00", "kind": "email"}, "Kind"),
                          ({"start_minute": "10:00", "subject": " "}, "Subject")):
        with pytest.raises(ValidationError) as info:
            appointments.plan_appointment(office.db, office.rep1, made.client_id, {
                "subject": "x", "date": _day(1), **values})
        assert field in {p.field for p in info.value.problems}, values
    assert len(appointments.list_appointments(office.db, office.rep1)) == 1


def test_done_logs_the_contact_and_the_metrics_count_it_then(office: Office) -> None:
    made = _meeting(office, day=0)
    before = metrics.metrics(office.db, office.rep1, TODAY, TODAY).values["contacts"]
    done = appointments.complete_appointment(office.db, office.rep1, made.id,
                                             "Договорились о поставке")
    assert done.status == "done" and done.activity_id is not None
    with office.db.read() as s:
        activity = s.get(Activity, done.activity_id)
        assert activity is not None
        assert (activity.kind, activity.date, activity.user_id) == ("meeting", TODAY,
                                                                    office.rep1.id)
        assert "Договорились о поставке" in (activity.note or "")
    after = metrics.metrics(office.db, office.rep1, TODAY, TODAY).values["contacts"]
    assert after == before + 1  # a planned meeting counted only once held
    # A meeting that took place is not moved, done again or cancelled.
    for step in (lambda: appointments.reschedule(office.db, office.rep1, made.id, TODAY, 600),
                 lambda: appointments.complete_appointment(office.db, office.rep1, made.id, ""),
                 lambda: appointments.cancel_appointment(office.db, office.rep1, made.id)):
        with pytest.raises(ValidationError, match="only a planned one"):
            step()
    future = _meeting(office, day=3)
    with pytest.raises(ValidationError, match="future"):
        appointments.complete_appointment(office.db, office.rep1, future.id, "x",
                                          done_on=TODAY + timedelta(days=3))


def test_a_manager_plans_for_their_rep_but_a_rep_not_for_another(office: Office) -> None:
    from salesdesk.services import clients

    client = clients.create_client(office.db, office.rep1, {"name": "Альфа"}).client
    made = appointments.plan_appointment(office.db, office.manager1, client.id, {
        "subject": "Звонок", "kind": "call", "date": _day(1), "start_minute": "11:00"},
        user_id=office.rep1.id)
    assert made.user_id == office.rep1.id and made.user_name == "Пётр Кузнецов"
    with pytest.raises(PermissionDenied):
        appointments.plan_appointment(office.db, office.rep1, client.id, {
            "subject": "x", "date": _day(1), "start_minute": "11:00"}, user_id=office.rep2.id)
    with pytest.raises(PermissionDenied):
        appointments.plan_appointment(office.db, office.manager2, client.id, {
            "subject": "x", "date": _day(1), "start_minute": "11:00"})


def test_the_calendar_holds_every_kind_within_the_scope(office: Office) -> None:
    made = _work(office)
    meeting = _meeting(office, day=2, client=made["client"].id)  # type: ignore[attr-defined]
    their_meeting = _meeting(office, who="rep2", day=2)
    start, end = TODAY - timedelta(days=7), TODAY + timedelta(days=20)
    events = calendar.calendar_events(office.db, office.rep1, start, end)
    by_id = {e.record_id: e for e in events}
    kinds = {e.kind for e in events}
    assert {"meeting", "task", "request", "delivery", "invoice", "proposal"} <= kinds
    assert meeting.id in by_id and their_meeting.id not in by_id
    shown = by_id[meeting.id]
    assert (shown.start_minute, shown.duration_minutes, shown.timed) == (600, 90, True)
    assert by_id[made["late_task"].id].overdue  # type: ignore[attr-defined]
    assert by_id[made["done_task"].id].done and not by_id[made["done_task"].id].movable  # type: ignore[attr-defined]
    assert made["far_task"].id not in by_id  # type: ignore[attr-defined]  # beyond the period
    # Ordered by day, whole-day work before the day's timed events.
    keys = [(e.day, e.timed, e.start_minute or 0) for e in events]
    assert keys == sorted(keys)
    # The manager sees the team, and narrows it to one person.
    team = calendar.calendar_events(office.db, office.manager1, start, end)
    assert {meeting.id, their_meeting.id} <= {e.record_id for e in team}
    only_rep2 = calendar.calendar_events(office.db, office.manager1, start, end,
                                         person_id=office.rep2.id)
    assert their_meeting.id in {e.record_id for e in only_rep2}
    assert meeting.id not in {e.record_id for e in only_rep2}
    assert all(e.person_id == office.rep2.id for e in only_rep2)
    with pytest.raises(PermissionDenied):
        calendar.calendar_events(office.db, office.manager2, start, end,
                                 person_id=office.rep1.id)
    with pytest.raises(ValidationError, match="Period"):
        calendar.calendar_events(office.db, office.rep1, end, start)


def test_moving_events_edits_their_records_with_checks_and_audit(office: Office) -> None:
    made = _work(office)
    meeting = _meeting(office, day=1)
    calendar.move_event(office.db, office.rep1, "meeting", meeting.id, TODAY + timedelta(days=4),
                        14 * 60 + 15, expected_version=meeting.version)
    moved = appointments.get_appointment(office.db, office.rep1, meeting.id)
    assert (moved.date, moved.start_minute) == (TODAY + timedelta(days=4), 855)
    with office.db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.record_id == meeting.id,
                                                   AuditEntry.action == "update")).one()
    assert entry.user_id == office.rep1.id
    assert entry.changes["date"] == [(TODAY + timedelta(days=1)).isoformat(),
                                     (TODAY + timedelta(days=4)).isoformat()]
    assert entry.changes["start_minute"] == [600, 855]
    # A stale drag (the meeting changed meanwhile) is refused.
    with pytest.raises(ConflictError):
        calendar.move_event(office.db, office.rep1, "meeting", meeting.id, TODAY, 600,
                            expected_version=meeting.version)
    task = made["task"]
    calendar.move_event(office.db, office.rep1, "task", task.id, TODAY + timedelta(days=9))  # type: ignore[attr-defined]
    assert [t.due_date for t in tasks.list_tasks(office.db, office.rep1)
            if t.id == task.id] == [TODAY + timedelta(days=9)]  # type: ignore[attr-defined]
    request = made["request"]
    with pytest.raises(ValidationError, match="before"):  # before the request itself
        calendar.move_event(office.db, office.rep1, "request", request.id,  # type: ignore[attr-defined]
                            TODAY - timedelta(days=10))
    with pytest.raises(ValidationError, match="printed"):
        calendar.move_event(office.db, office.rep1, "invoice",
                            made["invoice"].id, TODAY)  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        calendar.move_event(office.db, office.rep3, "meeting", meeting.id, TODAY, 600)


def test_a_meeting_is_due_and_reminded_a_quarter_of_an_hour_ahead(office: Office) -> None:
    meeting = _meeting(office, day=0, at="15:00", minutes="30")
    items = due_items(office.db, office.rep1, days=0)
    [item] = [i for i in items if i.kind == "appointment"]
    assert (item.record_id, item.start_minute, item.overdue) == (meeting.id, 900, False)
    assert item.to_json()["time"] == "15:00"
    at = datetime(TODAY.year, TODAY.month, TODAY.day, 14, 40).astimezone()
    assert appointments.starting_soon(office.db, office.rep1, 15, now=at) == []
    at = at + timedelta(minutes=6)
    assert [a.id for a in appointments.starting_soon(office.db, office.rep1, 15, now=at)] \
        == [meeting.id]
    assert appointments.starting_soon(office.db, office.rep2, 15, now=at) == []  # not theirs
    # A past meeting still planned is overdue work: to mark done or cancel.
    clock.set_clock(TODAY + timedelta(days=1))
    late = [i for i in due_items(office.db, office.rep1, days=0) if i.kind == "appointment"]
    assert [(i.record_id, i.overdue) for i in late] == [(meeting.id, True)]


def test_the_ics_file_holds_meetings_at_their_time(office: Office, tmp_path: Path) -> None:
    meeting = _meeting(office, day=2, at="10:30", minutes="45")
    target = tmp_path / "rep1.ics"
    export_calendar(office.db, office.rep1, target, days=7)
    events = {str(e["uid"]): e for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT")}
    event = events[f"appointment-{meeting.id}@salesdesk"]
    start, end = event["dtstart"].dt, event["dtend"].dt
    assert start == meeting.starts_at and end - start == timedelta(minutes=45)
    assert str(event["transp"]) == "OPAQUE" and "Презентация каталога" in str(event["summary"])


def test_a_meeting_planned_offline_reaches_the_office_and_back(office: Office,
                                                               tmp_path: Path) -> None:
    from salesdesk.services import clients
    from tests.integration.test_sync import as_user, exchange, laptop

    client = clients.create_client(office.db, office.rep1, {"name": "Альфа"}).client
    db = laptop(office, "rep1", tmp_path)
    rep1 = as_user(db, "rep1")
    made = appointments.plan_appointment(db, rep1, client.id, {
        "subject": "Встреча на объекте", "date": _day(2), "start_minute": "12:00"})
    exchange(db, rep1, office.db, office.head, tmp_path)
    at_office = appointments.get_appointment(office.db, office.manager1, made.id)
    assert (at_office.subject, at_office.start_minute) == ("Встреча на объекте", 720)
    calendar.move_event(office.db, office.manager1, "meeting", made.id,
                        TODAY + timedelta(days=3), 13 * 60)
    exchange(office.db, office.head, db, rep1, tmp_path, "rep1")
    back = appointments.get_appointment(db, rep1, made.id)
    assert (back.date, back.start_minute) == (TODAY + timedelta(days=3), 780)
    # A laptop may not hand its meeting to somebody else.
    from salesdesk.db.models import Appointment
    from salesdesk.errors import PermissionDenied as Denied
    from salesdesk.services.base import writing

    with writing(db, rep1) as (uow, _ctx):
        row = uow.session.get(Appointment, made.id)
        assert row is not None
        row.user_id = office.rep2.id
        uow.commit()
    with pytest.raises(Denied):
        exchange(db, rep1, office.db, office.head, tmp_path)
