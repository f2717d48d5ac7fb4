"""The audit log holds what changes no record too: logins, failed logins, exports and
printed or saved documents; ``salesdesk audit`` reads it for scripts (the head only)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from salesdesk import clock, events
from salesdesk.auth import login
from salesdesk.db.models import AuditEntry, User
from salesdesk.errors import AuthenticationError, NotFoundError, PermissionDenied, ValidationError
from salesdesk.services import auditlog, clients, documents
from salesdesk.services.reports import note_report_output
from tests.conftest import PASSWORD, Office


def _events(office: Office, action: str) -> list[AuditEntry]:
    with office.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                    .order_by(AuditEntry.at, AuditEntry.id)))


def _detail(entry: AuditEntry, key: str) -> object:
    return entry.changes[key][1]


def test_logins_and_every_kind_of_failed_login_are_audited(office: Office) -> None:
    db = office.db
    login(db, "rep1", PASSWORD)
    ok = _events(office, "login")[-1]
    assert (ok.user_id, ok.entity, ok.record_id) == (office.rep1.id, "users", office.rep1.id)
    with pytest.raises(AuthenticationError):
        login(db, "rep1", "Typed-Secret-41")
    with pytest.raises(AuthenticationError):
        login(db, "nobody-here", "x")
    with db.unit_of_work(office.head.id) as uow:
        user = uow.session.get(User, office.rep3.id)
        assert user is not None
        user.active = False
        uow.commit()
    with pytest.raises(AuthenticationError):
        login(db, "rep3", PASSWORD)
    for _ in range(5):  # the fifth in a row locks the login
        with pytest.raises(AuthenticationError):
            login(db, "rep2", "Typed-Secret-42")
    with pytest.raises(AuthenticationError, match="locked"):
        login(db, "rep2", PASSWORD)
    failed = _events(office, "login_failed")
    said = [(e.user_id, e.record_id, _detail(e, "login"), _detail(e, "reason")) for e in failed]
    assert said[0] == (None, office.rep1.id, "rep1", "wrong password")
    assert said[1] == (None, events.NOBODY, "nobody-here", "unknown login")
    assert said[2] == (None, office.rep3.id, "rep3", "deactivated")
    assert said[-1] == (None, office.rep2.id, "rep2", "locked")
    assert len(said) == 3 + 5 + 1
    # Nobody's password is kept, whatever was typed.
    assert all("Typed-Secret" not in json.dumps(e.changes) for e in failed)


def test_a_login_succeeds_when_its_entry_cannot_be_written(office: Office,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    def refuse(*_args: object, **_kw: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(events, "insert", refuse)
    assert login(office.db, "rep1", PASSWORD).id == office.rep1.id
    assert events.log_event(office.db, office.rep1.id, events.EXPORT, "clients") is False


def test_exports_are_audited_with_their_file_and_rows(office: Office, tmp_path: Path) -> None:
    from salesdesk.exporter import export_file
    from salesdesk.workbook import export_all, export_table

    for i in range(3):
        clients.create_client(office.db, office.rep1, {"name": f"Клиент {i}"})
    assert export_file(office.db, office.rep1, "clients", tmp_path / "mine.csv") == 3
    export_all(office.db, office.head, tmp_path / "office.xlsx")
    export_table(office.db, office.manager1, "tasks", tmp_path / "tasks.xlsx")
    made = _events(office, "export")
    assert [(e.user_id, e.entity, _detail(e, "file"), _detail(e, "format")) for e in made] == [
        (office.rep1.id, "clients", "mine.csv", "csv"),
        (office.head.id, "workbook", "office.xlsx", "xlsx"),
        (office.manager1.id, "tasks", "tasks.xlsx", "xlsx")]
    assert _detail(made[0], "rows") == 3 and int(_detail(made[1], "rows")) >= 3
    # A refused export (not a CSV or XLSX file) writes nothing and notes nothing.
    with pytest.raises(ValidationError):
        export_file(office.db, office.rep1, "clients", tmp_path / "mine.txt")
    assert len(_events(office, "export")) == 3


def test_printed_and_saved_documents_are_audited_for_those_who_see_them(
        office: Office) -> None:
    client = clients.create_client(office.db, office.rep1, {"name": "Покупатель"}).client
    doc = documents.create_document(office.db, office.rep1, "proposal", client.id, lines=[
        {"description": "Работа", "quantity": "1", "price": "100"}])
    issued = documents.issue_document(office.db, office.rep1, doc.id)
    documents.note_output(office.db, office.rep1, issued.id, "printed")
    documents.note_output(office.db, office.manager1, issued.id, "saved", stamped=True)
    with pytest.raises((NotFoundError, PermissionDenied)):
        documents.note_output(office.db, office.rep3, issued.id, "printed")
    with pytest.raises(ValidationError):
        documents.note_output(office.db, office.rep1, issued.id, "faxed")
    note_report_output(office.db, office.head, 2026, 10, "saved")
    with pytest.raises(PermissionDenied):
        note_report_output(office.db, office.rep1, 2026, 10, "saved")
    printed = _events(office, "print")
    assert [(e.user_id, e.entity, e.changes.get("number", [None, None])[1],
             _detail(e, "how")) for e in printed] == [
        (office.rep1.id, "documents", issued.number, "printed"),
        (office.manager1.id, "documents", issued.number, "saved"),
        (office.head.id, "report", None, "saved")]
    assert _detail(printed[1], "stamped") is True
    assert _detail(printed[2], "month") == "2026-10"


def test_the_head_reads_the_log_by_day_and_user_and_nobody_else_does(office: Office) -> None:
    start = clock.now()
    login(office.db, "rep1", PASSWORD)
    clock.set_clock(start + timedelta(days=3))
    later = clock.today()
    login(office.db, "rep2", PASSWORD)
    with pytest.raises(AuthenticationError):
        login(office.db, "rep1", "wrong")
    everything = auditlog.list_audit(office.db, office.head, limit=1000)
    assert [e.action for e in everything[:3]] == ["login_failed", "login", "login"]
    recent = auditlog.list_audit(office.db, office.head, since=later)
    assert {(e.action, e.user_login) for e in recent} == {("login", "rep2"),
                                                           ("login_failed", None)}
    theirs = auditlog.list_audit(office.db, office.head, user_login="rep1")
    assert [e.action for e in theirs][:2] == ["login_failed", "login"]
    assert all(e.user_login in ("rep1", None) for e in theirs)
    assert auditlog.list_audit(office.db, office.head, limit=1)[0].action == "login_failed"
    as_json = everything[0].to_json()
    assert as_json["action"] == "login_failed" and as_json["at"].endswith("+00:00")
    uuid.UUID(as_json["record_id"])
    for who in (office.manager1, office.rep1):
        with pytest.raises(PermissionDenied):
            auditlog.list_audit(office.db, who)
    with pytest.raises(NotFoundError):
        auditlog.list_audit(office.db, office.head, user_login="no-such-login")
    with pytest.raises(ValidationError, match="limit"):
        auditlog.list_audit(office.db, office.head, limit=0)


def test_the_window_audit_log_says_events_in_words(office: Office, tmp_path: Path) -> None:
    from salesdesk.exporter import export_file

    login(office.db, "rep1", PASSWORD)
    with pytest.raises(AuthenticationError):
        login(office.db, "nobody", "x")
    export_file(office.db, office.rep1, "clients", tmp_path / "c.csv")
    note_report_output(office.db, office.head, 2026, 10, "printed")
    lines = auditlog.audit_lines(office.db, office.head)
    said = [(line.action, line.what, line.changes) for line in lines[:4]]
    assert said[0] == ("Printed or saved", "Monthly report for 2026-10", [])
    assert said[1][0] == "Exported" and "c.csv (0 rows)" in said[1][1]
    assert said[2] == ("Failed login", "login «nobody»: no such login", [])
    assert said[3][0] == "Logged in" and said[3][2] == []
