"""``salesdesk calendar export --ics``: a file that icalendar (and so Outlook,
Thunderbird and phones) reads, holding every event of the period and only the user's."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from salesdesk.calendar_export import export_calendar
from salesdesk.errors import ValidationError
from salesdesk.services.due import due_items
from tests import TODAY
from tests.conftest import Office
from tests.integration.test_due import _work


def _events(path: Path) -> list[object]:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_the_file_holds_every_event_of_the_period(office: Office, tmp_path: Path) -> None:
    made = _work(office)
    target = tmp_path / "rep1.ics"
    count = export_calendar(office.db, office.rep1, target, days=7)
    events = _events(target)
    expected = [i for i in due_items(office.db, office.rep1, days=7) if i.due >= TODAY]
    assert count == len(events) == len(expected) >= 4
    by_uid = {str(e["uid"]): e for e in events}  # type: ignore[index]
    assert len(by_uid) == len(events)  # one UID each, stable
    for item in expected:
        event = by_uid[f"{item.kind}-{item.record_id}@salesdesk"]
        assert event["dtstart"].dt == item.due  # type: ignore[index]
        assert event["dtend"].dt == item.due + timedelta(days=1)  # type: ignore[index]
        assert item.title in str(event["summary"])  # type: ignore[index]
    # Overdue work and work beyond the period are not events of the period.
    uids = set(by_uid)
    assert f"task-{made['late_task'].id}@salesdesk" not in uids  # type: ignore[attr-defined]
    assert f"task-{made['far_task'].id}@salesdesk" not in uids  # type: ignore[attr-defined]
    assert f"task-{made['task'].id}@salesdesk" in uids  # type: ignore[attr-defined]
    # A second export of the same period is the same events (a calendar updates them).
    again = tmp_path / "again.ics"
    export_calendar(office.db, office.rep1, again, days=7)
    assert {str(e["uid"]) for e in _events(again)} == uids  # type: ignore[index]


def test_only_what_the_user_may_see(office: Office, tmp_path: Path) -> None:
    made = _work(office)
    theirs = f"task-{made['their_task'].id}@salesdesk"  # type: ignore[attr-defined]
    for who, everyone, has in ((office.rep1, True, False), (office.manager1, True, True),
                               (office.manager2, True, False), (office.rep2, False, True)):
        target = tmp_path / f"{who.login}.ics"
        export_calendar(office.db, who, target, days=7, everyone=everyone)
        assert (theirs in {str(e["uid"]) for e in _events(target)}) is has, who.login  # type: ignore[index]


def test_a_bad_target_is_refused_and_writes_nothing(office: Office, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="ics"):
        export_calendar(office.db, office.rep1, tmp_path / "cal.txt")
    assert not (tmp_path / "cal.txt").exists()
    with pytest.raises(ValidationError, match="days"):
        export_calendar(office.db, office.rep1, tmp_path / "cal.ics", days=1000)
    assert not (tmp_path / "cal.ics").exists()
