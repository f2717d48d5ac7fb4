"""Audit entries for what changes no record: logins, failed logins, exports and printed
documents (the audit log's other entries are written by the flush hook, :mod:`audit`).

Each is written in a short transaction of its own, after the event, best effort: a
database held by a long import (or a full disk) must not make a login fail or lose an
export that was written. A login waits at most :data:`auth.LOGIN_NOTE_WAIT_MS` for
another writer, an export or a print the usual few seconds.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.exc import DBAPIError, OperationalError

from salesdesk.db.engine import Database
from salesdesk.db.models import AuditEntry
from salesdesk.db.types import utcnow

log = logging.getLogger(__name__)

LOGIN, LOGIN_FAILED, EXPORT, PRINT = "login", "login_failed", "export", "print"
EVENTS = (LOGIN, LOGIN_FAILED, EXPORT, PRINT)
"""The actions of these entries (beside the records' create, update, delete…)."""

NOBODY = uuid.UUID(int=0)
"""The record id of an entry about no one record (an export, a failed login of a login
that does not exist)."""

MAX_TEXT = 120
"""Longest text kept in an entry (a login typed, a file name)."""


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    return value


def entry(user_id: uuid.UUID | None, action: str, entity: str,
          record_id: uuid.UUID | None = None,
          details: dict[str, Any] | None = None) -> dict[str, Any]:
    """One audit-log row; ``details`` are kept as its changes (``[None, value]``, as a
    created record's)."""
    return {"id": uuid.uuid4(), "at": utcnow(), "user_id": user_id, "action": action,
            "entity": entity, "record_id": record_id or NOBODY,
            "changes": {key: [None, _short(value)] for key, value in (details or {}).items()}}


@contextmanager
def brief_write(db: Database, wait_ms: int | None = None) -> Iterator[Connection]:
    """A connection for a small best-effort write, committed on the way out; with
    ``wait_ms`` it waits at most that long for another writer (a long import) instead of
    the usual few seconds. The caller catches :data:`WRITE_ERRORS`."""
    with db.engine.connect() as conn:
        if wait_ms is not None:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}" if db.is_sqlite
                                 else f"SET lock_timeout = {int(wait_ms)}")
        try:
            yield conn
            conn.commit()
        finally:
            conn.rollback()
            if wait_ms is not None:
                conn.exec_driver_sql("PRAGMA busy_timeout=5000" if db.is_sqlite
                                     else "SET lock_timeout = 0")
                conn.commit()


WRITE_ERRORS = (DBAPIError, OperationalError, OSError)
"""What a best-effort write gives up on: a busy, read-only or full database."""


def append(conn: Connection, *rows: dict[str, Any]) -> None:
    """Write :func:`entry` rows on ``conn`` (in the caller's transaction)."""
    conn.execute(insert(AuditEntry.__table__), list(rows))


def log_event(db: Database, user_id: uuid.UUID | None, action: str, entity: str,
              record_id: uuid.UUID | None = None, details: dict[str, Any] | None = None,
              wait_ms: int | None = None) -> bool:
    """Append one entry (see :func:`entry`). Returns whether it was written."""
    try:
        with brief_write(db, wait_ms) as conn:
            append(conn, entry(user_id, action, entity, record_id, details))
    except WRITE_ERRORS as error:
        log.warning("audit entry %s of %s not written: %s", action, entity, error)
        return False
    return True
