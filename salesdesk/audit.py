"""The audit log: written for every change made through a unit of work.

One ``after_flush`` hook sees every new, changed and soft-deleted record of a write
session and appends an :class:`AuditEntry` with the old and new values of the fields
that changed, in the same transaction. Services cannot forget it, and nothing in
SalesDesk updates or deletes an entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from salesdesk.db.models import AuditEntry, Record, User
from salesdesk.db.types import utcnow

# Bookkeeping columns: they change with every write and say nothing to a reader.
SKIPPED = {"updated_at", "version", "created_at", "search_text", "name_norm", "phone_e164"}
SECRET = {"password_hash"}


_PLAIN = frozenset({str, int, bool, float, type(None)})


def json_value(value: Any) -> Any:
    """A value in the JSON form the audit log and the change log store."""
    if type(value) in _PLAIN:  # nearly every value: checked first, and cheaply
        return value
    if isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict | list):
        return value
    return str(value)


def _changes(obj: Any, new: bool) -> dict[str, list[Any]]:
    state = inspect(obj)
    result: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SKIPPED or key == "id":
            continue
        hist = state.attrs[key].history
        if new:
            value = getattr(obj, key)
            if value is not None and value != "" and value is not False:
                result[key] = [None, "***" if key in SECRET else json_value(value)]
            continue
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        value = hist.added[0] if hist.added else None
        if old == value:
            continue
        if key in SECRET:
            result[key] = ["***", "***"]
        else:
            result[key] = [json_value(old), json_value(value)]
    return result


def _entry(actor_id: uuid.UUID | None, action: str, obj: Any,
           changes: dict[str, list[Any]]) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "at": utcnow(), "user_id": actor_id, "action": action,
            "entity": obj.__tablename__, "record_id": obj.id, "changes": changes}


def _entries(session: Session) -> list[dict[str, Any]]:
    actor_id = session.info.get("actor_id")
    entries: list[dict[str, Any]] = []
    for obj in list(session.new):
        if isinstance(obj, Record):
            entries.append(_entry(actor_id, "create", obj, _changes(obj, new=True)))
    for obj in list(session.dirty):
        if not isinstance(obj, Record) or not session.is_modified(obj, include_collections=False):
            continue
        changes = _changes(obj, new=False)
        if not changes:
            continue
        action = "update"
        if "deleted_at" in changes:
            action = "delete" if changes["deleted_at"][1] is not None else "restore"
        entries.append(_entry(actor_id, action, obj, changes))
    for obj in list(session.deleted):
        if isinstance(obj, Record):  # hard deletes happen only to draft document lines
            entries.append(_entry(actor_id, "remove", obj, {}))
    return entries


def _after_flush(session: Session, _ctx: Any) -> None:
    # After the flush the records' rows exist (so the entries' foreign keys hold) while
    # the session still knows what was new, changed and deleted, with attribute history.
    if "actor_id" not in session.info or session.info.get("audit_skip"):
        return
    entries = _entries(session)
    if entries:
        session.connection().execute(insert(AuditEntry.__table__), entries)


def log_created(session: Session, entity: str, rows: list[dict[str, Any]]) -> None:
    """The audit entries of records written as plain rows (a big import inserts them
    without the ORM, which the flush hook does not see): one "create" per row with its
    filled fields, as :func:`_changes` gives them for a new record."""
    if "actor_id" not in session.info or session.info.get("audit_skip") or not rows:
        return
    from salesdesk.db.bulk import bulk_insert

    actor_id, at = session.info.get("actor_id"), utcnow()
    entries = [{"id": uuid.uuid4(), "at": at, "user_id": actor_id, "action": "create",
                "entity": entity, "record_id": row["id"],
                "changes": {key: [None, "***" if key in SECRET else json_value(value)]
                            for key, value in row.items()
                            if key not in SKIPPED and key != "id" and value is not None
                            and value != "" and value is not False}}
               for row in rows]
    bulk_insert(session.connection(), AuditEntry.__table__, entries)


def install(session_factory: Any) -> None:
    """Attach the audit hook to a sessionmaker (done once per :class:`Database`)."""
    event.listen(session_factory, "after_flush", _after_flush)


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry as the head reads it."""

    at: datetime
    user_login: str | None
    action: str
    entity: str
    record_id: uuid.UUID
    changes: dict[str, list[Any]]

    def to_json(self) -> dict[str, Any]:
        """The ``salesdesk audit --json`` object (the moment in UTC)."""
        from datetime import UTC

        return {"at": self.at.astimezone(UTC).isoformat(), "user": self.user_login,
                "action": self.action, "entity": self.entity,
                "record_id": str(self.record_id), "changes": self.changes}


def read_log(session: Session, entity: str | None = None, record_id: uuid.UUID | None = None,
             limit: int = 500, since: datetime | None = None,
             user_id: uuid.UUID | None = None) -> list[AuditRecord]:
    """Newest entries first (the policy check is the caller's: head only); ``since`` a
    moment, ``user_id`` what that user did, and the failed logins tried with theirs."""
    from sqlalchemy import and_, or_

    from salesdesk.events import LOGIN_FAILED

    query = (select(AuditEntry, User.login).join(User, User.id == AuditEntry.user_id,
                                                 isouter=True)
             .order_by(AuditEntry.at.desc(), AuditEntry.id).limit(limit))
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if record_id:
        query = query.where(AuditEntry.record_id == record_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if user_id is not None:
        query = query.where(or_(AuditEntry.user_id == user_id, and_(
            AuditEntry.action == LOGIN_FAILED, AuditEntry.record_id == user_id)))
    return [AuditRecord(at=e.at, user_login=login, action=e.action, entity=e.entity,
                        record_id=e.record_id, changes=e.changes)
            for e, login in session.execute(query)]
