"""Change capture: every change made through a unit of work goes into the change log.

The ``after_flush`` hook sees what the flush created, changed, soft-deleted and removed
(the same moment the audit log is written) and, in the same transaction, appends one
:class:`ChangeEntry` per record with the fields that changed, the whole record, and the
field clocks the change was made over; then it moves those fields' clocks to this
change. Services cannot forget it; the merge of incoming changes turns it off for its
own writes (``session.info["sync_applying"]``) because it logs them itself.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from salesdesk import clock as app_clock
from salesdesk.db.base import Record
from salesdesk.db.models import ChangeEntry, FieldClock, SyncSite
from salesdesk.db.types import utcnow
from salesdesk.sync import clock, codec


def _site_row(conn: Connection, dialect: str) -> dict[str, Any]:
    table = SyncSite.__table__
    stmt = select(table.c.id, table.c.hlc_ms, table.c.hlc_counter).where(
        table.c.is_self.is_(True))
    if dialect != "sqlite":
        stmt = stmt.with_for_update()  # one writer at a time ticks the clock
    row = conn.execute(stmt).first()
    if row is None:
        site_id = uuid.uuid4()
        conn.execute(insert(table).values(
            id=site_id, kind="office", is_self=True, name="", hlc_ms=0, hlc_counter=0,
            acked={}, bundles_out=0, bundles_in=0, last_in_count=0, last_out_count=0,
            created_at=utcnow()))
        return {"id": site_id, "hlc_ms": 0, "hlc_counter": 0}
    return {"id": row.id, "hlc_ms": row.hlc_ms, "hlc_counter": row.hlc_counter}


class _Ticks:
    """This site's clock for one flush: each change gets the next hybrid-clock reading
    and sequence number; :meth:`save` keeps where the clock got to."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        site = _site_row(conn, conn.dialect.name)
        self.site_id = site["id"]
        log = ChangeEntry.__table__
        self.seq = int(conn.execute(select(func.max(log.c.origin_seq)).where(
            log.c.origin == self.site_id)).scalar() or 0)
        self.now = app_clock.now_ms()
        self.ms, self.counter = site["hlc_ms"], site["hlc_counter"]

    def next(self) -> str:
        """The next reading (``self.seq`` is its sequence number)."""
        if self.now > self.ms:
            self.ms, self.counter = self.now, 0
        else:
            self.counter += 1
        self.seq += 1
        return clock.reading(self.ms, self.counter, self.site_id)

    def save(self) -> None:
        table = SyncSite.__table__
        self.conn.execute(update(table).where(table.c.id == self.site_id)
                          .values(hlc_ms=self.ms, hlc_counter=self.counter))


def _changed_fields(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    entity = obj.__tablename__
    out: dict[str, list[Any]] = {}
    for field in codec.synced_fields(entity):
        history = state.attrs[field].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        out[field] = [codec.encode(old), codec.encode(new)]
    return out


def _clocks(conn: Connection, entity: str, record_id: uuid.UUID) -> dict[str, str]:
    table = FieldClock.__table__
    return dict(conn.execute(select(table.c.field, table.c.hlc).where(
        table.c.entity == entity, table.c.record_id == record_id)).all())


def set_clocks(conn: Connection, entity: str, record_id: uuid.UUID, fields: list[str],
               hlc: str) -> None:
    """Record that ``hlc`` set these fields of the record."""
    if not fields:
        return
    table = FieldClock.__table__
    conn.execute(delete(table).where(table.c.entity == entity, table.c.record_id == record_id,
                                     table.c.field.in_(fields)))
    conn.execute(insert(table), [{"entity": entity, "record_id": record_id, "field": f,
                                  "hlc": hlc} for f in fields])


def _after_flush(session: Session, _ctx: Any) -> None:
    if session.info.get("sync_applying") or session.info.get("sync_off"):
        return
    pending: list[tuple[str, Any, dict[str, list[Any]]]] = []
    for obj in list(session.new):
        if isinstance(obj, Record) and obj.__tablename__ in codec.models():
            changes = {f: [None, codec.encode(getattr(obj, f))]
                       for f in codec.synced_fields(obj.__tablename__)
                       if getattr(obj, f) is not None}
            pending.append(("create", obj, changes))
    for obj in list(session.dirty):
        if not isinstance(obj, Record) or obj.__tablename__ not in codec.models():
            continue
        if not session.is_modified(obj, include_collections=False):
            continue
        changes = _changed_fields(obj)
        if not changes:
            continue
        op = "update"
        if "deleted_at" in changes:
            op = "delete" if changes["deleted_at"][1] is not None else "restore"
        pending.append((op, obj, changes))
    for obj in list(session.deleted):
        if isinstance(obj, Record) and obj.__tablename__ in codec.models():
            pending.append(("remove", obj, {}))
    if not pending:
        return

    conn = session.connection()
    ticks = _Ticks(conn)
    rows = []
    new_clocks: list[dict[str, Any]] = []
    for op, obj, changes in pending:
        hlc = ticks.next()
        entity = obj.__tablename__
        seen = {} if op == "create" else _clocks(conn, entity, obj.id)
        rows.append({"origin": ticks.site_id, "origin_seq": ticks.seq, "hlc": hlc,
                     "user_id": session.info.get("actor_id"), "entity": entity,
                     "record_id": obj.id, "op": op, "changes": changes, "seen": seen,
                     "row": codec.snapshot(obj), "at": utcnow()})
        if op == "create":  # a new record has no clocks yet: one insert for them all
            new_clocks += [{"entity": entity, "record_id": obj.id, "field": f, "hlc": hlc}
                           for f in changes]
        elif op != "remove":
            set_clocks(conn, entity, obj.id, list(changes), hlc)
    if new_clocks:
        conn.execute(insert(FieldClock.__table__), new_clocks)
    conn.execute(insert(ChangeEntry.__table__), rows)
    ticks.save()


def log_created(session: Session, entity: str, rows: list[dict[str, Any]]) -> None:
    """The change log and field clocks of records written as plain rows (a big import
    inserts them without the ORM, which no flush hook sees): what :func:`_after_flush`
    writes for created records, in a few ``executemany`` calls."""
    if session.info.get("sync_applying") or session.info.get("sync_off") or not rows:
        return
    from salesdesk.db.bulk import bulk_insert

    conn = session.connection()
    ticks = _Ticks(conn)
    fields = codec.synced_fields(entity)
    actor = session.info.get("actor_id")
    at = utcnow()
    entries: list[dict[str, Any]] = []
    clocks: list[dict[str, Any]] = []
    for row in rows:
        hlc = ticks.next()
        snapshot = {"id": str(row["id"])}
        changes: dict[str, list[Any]] = {}
        for field in fields:
            value = codec.encode(row.get(field))
            snapshot[field] = value
            if value is not None:
                changes[field] = [None, value]
                clocks.append({"entity": entity, "record_id": row["id"], "field": field,
                               "hlc": hlc})
        entries.append({"origin": ticks.site_id, "origin_seq": ticks.seq, "hlc": hlc,
                        "user_id": actor, "entity": entity, "record_id": row["id"],
                        "op": "create", "changes": changes, "seen": {}, "row": snapshot,
                        "at": at})
    bulk_insert(conn, ChangeEntry.__table__, entries)
    bulk_insert(conn, FieldClock.__table__, clocks)
    ticks.save()


def install(session_factory: Any) -> None:
    """Attach change capture to a sessionmaker (done once per :class:`Database`)."""
    event.listen(session_factory, "after_flush", _after_flush)
