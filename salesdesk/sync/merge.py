"""Applying changes received from another database (the merge rules of issue 9).

For each field a change touches:

* the write with the later clock reading stands (last writer wins), which every
  database decides alike whatever order the changes reach it in, so all converge;
* a change made over the field's current write (its ``seen`` clock is this database's)
  is simply the next value; one made over another write was made without knowing of
  this one: both sides changed the field. For money, stage and status that goes to
  the conflicts list, with every side's value, for a manager or the head to decide;
* a record edited on one side and deleted on the other stays deleted, edit included,
  and is listed (never silently brought back); two clients created apart with the
  same INN are listed for merging;
* a document's totals are not merged but computed again from the lines and payments it
  holds; when both sides changed a draft's lines (or an invoice's payments), the
  document holds both sides' rows and is listed for a person to look at.

Every incoming change is checked against the permission policy of the user who made it
(a bundle is untrusted input): one refused change refuses the whole bundle.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.bulk import bulk_insert, with_defaults
from salesdesk.db.models import (
    AuditEntry,
    ChangeEntry,
    Client,
    Document,
    DocumentLine,
    FieldClock,
    Payment,
    SyncConflict,
    User,
)
from salesdesk.db.types import utcnow
from salesdesk.errors import PermissionDenied, ValidationError
from salesdesk.i18n import _
from salesdesk.policy import Action
from salesdesk.sync import checks, clock, codec

# Tables only some roles may change at all, and fields that need more than editing.
ENTITY_ACTIONS: dict[str, Action] = {
    "products": Action.PRODUCT_EDIT, "competitors": Action.MARKET_EDIT,
    "market_notes": Action.MARKET_EDIT, "strategy_items": Action.STRATEGY_EDIT,
    "marketing_spend": Action.SPEND_EDIT, "targets": Action.TARGET_SET,
    "marketing_budget": Action.SPEND_EDIT, "training_templates": Action.TRAINING_ASSIGN,
    "company": Action.COMPANY_EDIT, "payments": Action.PAYMENT_RECORD,
}
FIELD_ACTIONS: dict[tuple[str, str], Action] = {
    ("clients", "owner_id"): Action.CLIENT_REASSIGN,
    ("deals", "owner_id"): Action.DEAL_REASSIGN,
    ("clients", "priority"): Action.CLIENT_SET_KEY,
}
# Fields that move a record from one person's view to another's (policy.visible).
VISIBILITY_FIELDS = frozenset({"owner_id", "client_id", "user_id", "assignee_id",
                               "manager_id", "role", "document_id", "invoice_id"})
# What anyone may change of their own user record (profile and password).
OWN_PROFILE = {"name", "position", "phone", "email", "password_hash"}
# Who a new record belongs to: a representative's new records are their own.
OWNED_BY = ("owner_id", "user_id", "assignee_id", "author_id", "added_by_id")


@dataclass
class Incoming:
    """One change as a bundle carries it."""

    origin: uuid.UUID
    origin_seq: int
    hlc: str
    user_id: uuid.UUID | None
    entity: str
    record_id: uuid.UUID
    op: str
    changes: dict[str, list[Any]]
    seen: dict[str, str]
    row: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Incoming:
        """Parse one line of a bundle (a ValueError/KeyError/TypeError means damage)."""
        entity = str(data["entity"])
        if entity not in codec.models():
            raise ValueError(f"unknown table {entity!r}")
        op = str(data["op"])
        if op not in ("create", "update", "delete", "restore", "remove"):
            raise ValueError(f"unknown operation {op!r}")
        clock.parse(str(data["hlc"]))
        changes = data.get("changes") or {}
        if not isinstance(changes, dict) or not all(
                isinstance(k, str) and isinstance(v, list) and len(v) == 2
                for k, v in changes.items()):
            raise ValueError("changes are not pairs of old and new values")
        for name in ("seen", "row"):
            part = data.get(name) or {}
            if not isinstance(part, dict) or not all(isinstance(k, str) for k in part):
                raise ValueError(f"{name} is not a record")
        if not all(isinstance(v, str) for v in (data.get("seen") or {}).values()):
            raise ValueError("seen holds no clock readings")
        for reading_ in (data.get("seen") or {}).values():
            clock.parse(reading_)
        return cls(origin=uuid.UUID(data["origin"]), origin_seq=int(data["origin_seq"]),
                   hlc=str(data["hlc"]),
                   user_id=uuid.UUID(data["user_id"]) if data.get("user_id") else None,
                   entity=entity, record_id=uuid.UUID(data["record_id"]), op=op,
                   changes=dict(data.get("changes") or {}), seen=dict(data.get("seen") or {}),
                   row=dict(data.get("row") or {}))


def to_json(entry: ChangeEntry | Any) -> dict[str, Any]:
    """A change-log row as a bundle line."""
    return {"origin": str(entry.origin), "origin_seq": int(entry.origin_seq),
            "hlc": entry.hlc, "user_id": str(entry.user_id) if entry.user_id else None,
            "entity": entry.entity, "record_id": str(entry.record_id), "op": entry.op,
            "changes": entry.changes, "seen": entry.seen, "row": entry.row}


@dataclass
class MergeResult:
    """What a merge did."""

    applied: int = 0
    already_here: int = 0
    conflicts: int = 0
    touched: dict[str, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))


class NewRow:
    """A record this merge creates, held as a plain row until its table goes in.

    New records are inserted as rows in bulk, never flushed as ORM objects, and making
    an ORM object for each (its state, an attribute event per value) cost more than
    inserting it. A column not given reads ``None``, as on a new ORM object: the checks
    of later changes read a new document's status or a new user's role from it.
    """

    columns: frozenset[str] = frozenset()

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        if name in type(self).columns:
            return None
        raise AttributeError(name)


@cache
def new_row_type(model: Any) -> type[NewRow]:
    """The :class:`NewRow` of ``model``'s records."""
    columns = frozenset(column.key for column in model.__table__.columns)
    return type(f"New{model.__name__}", (NewRow,), {"columns": columns})


class Merger:
    """Applies a bundle's changes in one session (the caller commits or rolls back)."""

    def __init__(self, session: Session, from_replica: bool = False) -> None:
        self.session = session
        # Changes from a laptop: it may only bring what it made (never a "create" of a
        # record this database holds, which would skip the per-field checks).
        self.from_replica = from_replica
        self.conn = session.connection()
        self.result = MergeResult()
        self.site = clock.self_site(session)
        if self.conn.dialect.name == "sqlite":
            # Checked at commit: a bundle may name rows in any order within a table
            # (a revised document and the one it replaces).
            self.conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        self._users: dict[uuid.UUID, policy.Ctx] = {}
        self._before: list[tuple[uuid.UUID, str, uuid.UUID]] = []
        self._after: list[tuple[uuid.UUID, str, uuid.UUID]] = []
        # The bundle's records and their field clocks, read in bulk before the merge and
        # kept here while it runs (a query per change made a 10,000-change bundle crawl).
        self._objects: dict[tuple[str, uuid.UUID], Any] = {}
        self._created: set[tuple[str, uuid.UUID]] = set()
        self._clock: dict[tuple[str, uuid.UUID], dict[str, str]] = {}
        self._clock_dirty: set[tuple[str, uuid.UUID]] = set()
        self._new: dict[str, list[Any]] = defaultdict(list)
        self._loaded: set[tuple[str, uuid.UUID]] = set()
        # Records the bundle changes more than once: made here as rows, they are read
        # back as the session's objects for the changes after their first.
        self._changed_again: set[tuple[str, uuid.UUID]] = set()
        self._clients_as_inserted: set[uuid.UUID] = set()
        self._users_changed = False  # a user record changed: scopes are read again
        self._issued_here: set[uuid.UUID] = set()

    # --- permissions ------------------------------------------------------------------

    def _ctx(self, user_id: uuid.UUID | None, change: Incoming) -> policy.Ctx:
        if user_id is None:
            raise PermissionDenied(Action.SYNC.value, _(
                "A change to {entity} {record} names no user; the bundle is refused.").format(
                entity=change.entity, record=change.record_id))
        if user_id not in self._users:
            user = self._objects.get(("users", user_id)) or self.session.get(User, user_id)
            if user is None:
                raise PermissionDenied(Action.SYNC.value, _(
                    "A change was made by a user this database does not know ({id}); the "
                    "bundle is refused.").format(id=user_id))
            # A user deactivated since is still the author of what they did offline.
            actor = Actor(user.id, user.login, user.name, user.role, user.manager_id)
            self._users[user_id] = policy.Ctx(self.session, actor, user.role, user,
                                              policy.scope_of(self.session, user))
        return self._users[user_id]

    def _check_rules(self, ctx: policy.Ctx, change: Incoming) -> None:
        def refuse(action: Action, reason: str | None = None) -> None:
            error = policy.deny(action, reason)
            raise PermissionDenied(error.action, _(
                "{user} made a change they may not make ({entity} {record}): {message} "
                "The bundle is refused; nothing was changed.").format(
                user=ctx.user.login, entity=change.entity, record=change.record_id,
                message=str(error)))

        gate = ENTITY_ACTIONS.get(change.entity)
        if gate is not None and ctx.role not in policy.ROLE_ONLY.get(gate, frozenset()):
            refuse(gate)
        if change.entity == "users" and ctx.role != policy.HEAD:
            fields = set(change.changes) if change.op != "create" else {"*"}
            if change.record_id != ctx.user.id or not fields <= OWN_PROFILE:
                refuse(Action.USERS_MANAGE)
        for key, action in FIELD_ACTIONS.items():
            if (key[0] == change.entity and key[1] in change.changes and change.op != "create"
                    and ctx.role not in policy.ROLE_ONLY.get(action, frozenset())):
                refuse(action)
        if change.op == "create":
            row = change.row
            if change.entity == "clients" and row.get("priority") and \
                    ctx.role not in policy.ROLE_ONLY[Action.CLIENT_SET_KEY]:
                refuse(Action.CLIENT_SET_KEY)
            if ctx.role == policy.REP:
                # A representative's new records are their own (as the window makes them).
                for name in OWNED_BY:
                    if row.get(name) not in (None, str(ctx.user.id)):
                        refuse(Action.CLIENT_REASSIGN if change.entity == "clients"
                               else Action.DEAL_REASSIGN)
        if (change.entity == "appointments" and change.op == "update"
                and ctx.role == policy.REP and "user_id" in change.changes
                and change.changes["user_id"][1] != str(ctx.user.id)):
            refuse(Action.APPOINTMENT_EDIT)  # a representative plans their own meetings
        if change.entity == "training_items" and ctx.role == policy.REP and (
                change.op != "update" or not set(change.changes) <= {"done_on"}):
            refuse(Action.TRAINING_ASSIGN)
        status = (change.row if change.op == "create" else
                  {k: v[1] for k, v in change.changes.items()}).get("status")
        if change.entity == "documents" and status == "cancelled" and \
                ctx.role not in policy.ROLE_ONLY[Action.DOCUMENT_CANCEL]:
            refuse(Action.DOCUMENT_CANCEL)
        if change.entity == "documents" and status in ("paid", "partially_paid") and \
                ctx.role not in policy.ROLE_ONLY[Action.PAYMENT_RECORD]:
            refuse(Action.PAYMENT_RECORD)  # a paid state comes with a payment

    def _check_values(self, ctx: policy.Ctx, change: Incoming, obj: Any) -> None:
        """The values of a change, as a window edit of the same fields is checked, and
        the document rules (an issued document is never edited in place)."""
        author = ctx.user.login
        if change.op == "create" and obj is not None and self.from_replica:
            raise checks.refuse(author, change.entity, change.record_id, "id", _(
                "creates a record this database holds already"))
        values = (change.row if change.op == "create"
                  else {name: pair[1] for name, pair in change.changes.items()})
        checks.check_values(author, change.entity, change.record_id, values,
                            creating=change.op == "create" and obj is None)
        if (change.entity == "documents" and values.get("status") not in (None, "draft")
                and (obj is None or obj.status == "draft")):
            # Issued by this bundle: what issuing sets may follow in the next change
            # (older SalesDesk wrote the requisites' snapshot apart).
            self._issued_here.add(change.record_id)
        if change.entity == "documents" and obj is not None and obj.status != "draft":
            fields = set(codec.synced_fields("documents"))
            allowed = checks.AFTER_ISSUE | (checks.AT_ISSUE if change.record_id
                                             in self._issued_here else set())
            edited = {name for name, value in values.items() if name in fields
                      and name not in allowed
                      and value != codec.encode(getattr(obj, name))}
            if edited:
                raise checks.refuse(author, "documents", change.record_id,
                                    ", ".join(sorted(edited)),
                                    _("an issued document is not edited in place"))
        if change.entity == "attachments":
            self._check_attachment(ctx, change, obj, values)
        if change.entity == "document_lines":
            parent = values.get("document_id") or (str(obj.document_id) if obj else None)
            doc = None
            if parent:
                parent_id = uuid.UUID(str(parent))
                doc = (self._objects.get(("documents", parent_id))
                       or self.session.get(Document, parent_id))
            if doc is not None and doc.status != "draft":
                raise checks.refuse(author, "document_lines", change.record_id, _("Lines"),
                                    _("an issued document is not edited in place"))

    def _check_attachment(self, ctx: policy.Ctx, change: Incoming, obj: Any,
                          values: dict[str, Any]) -> None:
        """An attachment names its content by a SHA-256 and never changes what it is
        attached to or its content; only who attached it, their manager or the head
        removes it."""
        from salesdesk.services.attachments import require_removable

        author = ctx.user.login
        if change.op == "create" and obj is None:
            if not checks.SHA256.match(str(values.get("sha256") or "")):
                raise checks.refuse(author, "attachments", change.record_id, "sha256",
                                    _("is not a SHA-256 checksum"))
            if not isinstance(values.get("size"), int) or values["size"] <= 0:
                raise checks.refuse(author, "attachments", change.record_id, "size",
                                    _("must be more than zero"))
            return
        fields = set(codec.synced_fields("attachments"))
        edited = {name for name, value in values.items() if name in fields
                  and name not in checks.ATTACHMENT_CHANGES
                  and (obj is None or value != codec.encode(getattr(obj, name)))}
        if edited:
            raise checks.refuse(author, "attachments", change.record_id,
                                ", ".join(sorted(edited)),
                                _("a file does not change what it is attached to or its "
                                  "content"))
        if "deleted_at" in values and obj is not None:
            try:
                require_removable(ctx, obj.added_by_id)
            except PermissionDenied as exc:
                raise PermissionDenied(exc.action, _(
                    "{user} made a change they may not make ({entity} {record}): {message} "
                    "The bundle is refused; nothing was changed.").format(
                    user=author, entity="attachments", record=change.record_id,
                    message=str(exc))) from None

    def check_visibility(self, label: str) -> None:
        """Every record a change touched must be visible to its author, before (if it
        was here) and after the change: nobody edits, or takes, what is not theirs.

        ``before`` runs with the merge still in memory (the database as it was),
        ``after`` once the caller has flushed it."""
        pairs = self._before if label == "before" else self._after
        wanted: dict[tuple[uuid.UUID, str], set[uuid.UUID]] = defaultdict(set)
        for user_id, entity, record_id in pairs:
            if label == "before" and (entity, record_id) in self._created:
                continue  # made by this very bundle: there was no "before"
            wanted[(user_id, entity)].add(record_id)
        if label == "after" and self._users_changed:
            # Whom a manager leads may have changed with the bundle (a new representative).
            self._users_changed = False
            for user_id, ctx in list(self._users.items()):
                self._users[user_id] = policy.Ctx(ctx.session, ctx.actor, ctx.role, ctx.user,
                                                  policy.scope_of(self.session, ctx.user))
        for (user_id, entity), ids in wanted.items():
            ctx = self._users[user_id]
            model: Any = codec.models()[entity]
            if ctx.scope is None or entity in ("users",):
                continue
            seen: set[uuid.UUID] = set()
            listed = list(ids)
            for start in range(0, len(listed), 500):
                chunk = listed[start:start + 500]
                seen |= set(self.session.scalars(select(model.id).where(
                    model.id.in_(chunk), policy.visible(ctx, model))))
            missing = set(ids) - seen
            if missing:
                record = sorted(missing, key=str)[0]
                raise PermissionDenied(Action.SYNC.value, _(
                    "{user} changed {entity} {record}, which is not theirs to change; "
                    "the bundle is refused and nothing was changed.").format(
                    user=ctx.user.login, entity=entity, record=record))

    # --- the merge ----------------------------------------------------------------------

    def apply_all(self, changes: list[Incoming]) -> MergeResult:
        """Apply the changes; skip those already here.

        The bundle goes in segments, each ended by a change that moves a record between
        people (a new owner, client, manager or role): who may see what holds still
        within a segment, so the visibility checks of its changes can run once for the
        whole segment, against the database as it was before the segment and after it.
        """
        here = known_changes(self.session, changes)
        counted: set[tuple[str, uuid.UUID]] = set()
        for change in changes:
            key = (change.entity, change.record_id)
            if key in counted:
                self._changed_again.add(key)
            counted.add(key)
        fresh: list[Incoming] = []
        for change in changes:
            key = (change.origin, change.origin_seq)
            if key in here or change.origin == self.site.id:
                self.result.already_here += 1
                continue
            here.add(key)  # also drops a change listed twice in one bundle
            fresh.append(change)
        # The audit log names who made each change, and when, wherever they made it:
        # written here from the changes (the flush hook would name one user for all).
        self.session.info["audit_skip"] = True
        segment: list[Incoming] = []
        for change in fresh:
            moves = change.op != "create" and not VISIBILITY_FIELDS.isdisjoint(change.changes)
            if moves and segment:
                self._apply_segment(segment)
                segment = []
            segment.append(change)
            if moves:
                self._apply_segment(segment)
                segment = []
        if segment:
            self._apply_segment(segment)
        for change in fresh:
            clock.observe(self.site, change.hlc)
        self.result.applied = len(fresh)
        self._write_clocks()
        log = [{"origin": c.origin, "origin_seq": c.origin_seq, "hlc": c.hlc,
                "user_id": c.user_id, "entity": c.entity, "record_id": c.record_id,
                "op": c.op, "changes": c.changes, "seen": c.seen, "row": c.row,
                "at": utcnow()} for c in fresh]
        audit = [audit_row(c) for c in fresh]
        bulk_insert(self.conn, ChangeEntry.__table__, log)
        bulk_insert(self.conn, AuditEntry.__table__, audit)
        with self.session.no_autoflush:
            self.retotal()
            self.refresh_clients()
        self.session.flush()
        self.session.info.pop("audit_skip", None)
        return self.result

    def _apply_segment(self, changes: list[Incoming]) -> None:
        """Apply some changes and check them.

        New records go in first, table by table, parents before children (the models
        have no relationships for the unit of work to order by); then every other
        change, in the bundle's order, in memory, written by one flush. A record's
        creation is its first change, so each record still sees its own changes in
        order. (A flush and its audit entries per change cost more than the merge.)
        """
        self._before, self._after, self._created = [], [], set()
        with self.session.no_autoflush:
            self._preload(changes)
            # A record new here arrives with its first change: its creation, or (a
            # record that has just come into the user's view) any change's snapshot.
            creating: list[Incoming] = []
            seen: set[tuple[str, uuid.UUID]] = set()
            for change in changes:
                key = (change.entity, change.record_id)
                if key not in self._objects and key not in seen and change.op != "remove":
                    seen.add(key)
                    creating.append(change)
            first = {id(c) for c in creating}
            for change in creating:
                self.apply(change)
        self._insert_new()
        with self.session.no_autoflush:
            for change in changes:
                if id(change) not in first:
                    self.apply(change)
            self.check_visibility("before")
        self.session.flush()
        self.check_visibility("after")

    def _insert_new(self) -> None:
        """Insert the new records a table at a time, parents first, as rows in bulk.

        The ORM's flush of thousands of new objects cost more than the rest of the
        merge; the rows get the same defaults here (:func:`bulk.with_defaults`). The
        records that later changes of the bundle touch again are then read back as
        objects of the session, which the rest of the merge edits and flushes."""
        from salesdesk.db.base import Base
        from salesdesk.services.clients import set_search_columns

        # New clients get their search columns before they go in (their contacts are
        # new too, or none), rather than an UPDATE each afterwards.
        contacts: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for contact in self._new.get("contacts", []):
            if contact.deleted_at is None:
                contacts[contact.client_id].append((contact.name, contact.email,
                                                    contact.phone))
        for client in self._new.get("clients", []):
            set_search_columns(client, contacts[client.id])
        again: dict[str, list[uuid.UUID]] = defaultdict(list)
        for table in Base.metadata.sorted_tables:
            objects = self._new.pop(table.name, [])
            if not objects:
                continue
            names = [c.key for c in table.columns]
            rows = [{n: obj.__dict__[n] for n in names if n in obj.__dict__}
                    for obj in objects]
            bulk_insert(self.conn, table, with_defaults(table, rows))
            again[table.name] = [obj.id for obj in objects
                                 if (table.name, obj.id) in self._changed_again]
            if table.name == "clients":  # their search columns are right as inserted
                self._clients_as_inserted |= {
                    obj.id for obj in objects if ("clients", obj.id) not in self._changed_again}
        self._new.clear()
        for entity, ids in again.items():
            model: Any = codec.models()[entity]
            for start in range(0, len(ids), 500):
                for obj in self.session.scalars(select(model).where(
                        model.id.in_(ids[start:start + 500]))):
                    self._objects[(entity, obj.id)] = obj

    def _preload(self, changes: list[Incoming]) -> None:
        """Read the records the changes name, and their field clocks, a chunk at a time."""
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for change in changes:
            key = (change.entity, change.record_id)
            if key not in self._loaded:  # an earlier segment's are here, and newer
                self._loaded.add(key)
                wanted[change.entity].add(change.record_id)
        table = FieldClock.__table__
        for entity, ids in wanted.items():
            model: Any = codec.models()[entity]
            listed = list(ids)
            for start in range(0, len(listed), 500):
                chunk = listed[start:start + 500]
                for obj in self.session.scalars(select(model).where(model.id.in_(chunk))):
                    self._objects[(entity, obj.id)] = obj
                for record_id, name, hlc in self.conn.execute(select(
                        table.c.record_id, table.c.field, table.c.hlc).where(
                        table.c.entity == entity, table.c.record_id.in_(chunk))):
                    self._clock.setdefault((entity, record_id), {})[name] = hlc

    def _clocks(self, entity: str, record_id: uuid.UUID) -> dict[str, str]:
        return self._clock.setdefault((entity, record_id), {})

    def _set_clocks(self, entity: str, record_id: uuid.UUID, fields: Any, hlc: str) -> None:
        clocks = self._clock.setdefault((entity, record_id), {})
        for name in fields:
            clocks[name] = hlc
        self._clock_dirty.add((entity, record_id))

    def _write_clocks(self) -> None:
        """Replace the stored clocks of every record the merge changed."""
        table = FieldClock.__table__
        by_entity: dict[str, list[uuid.UUID]] = defaultdict(list)
        for entity, record_id in self._clock_dirty:
            by_entity[entity].append(record_id)
        rows = []
        for entity, ids in by_entity.items():
            for start in range(0, len(ids), 500):
                self.conn.execute(delete(table).where(
                    table.c.entity == entity, table.c.record_id.in_(ids[start:start + 500])))
            for record_id in ids:
                rows.extend({"entity": entity, "record_id": record_id, "field": name,
                             "hlc": hlc}
                            for name, hlc in self._clock.get((entity, record_id), {}).items())
        bulk_insert(self.conn, table, rows)

    def apply(self, change: Incoming) -> None:
        """One change, by the rules in the module's docstring."""
        ctx = self._ctx(change.user_id, change)
        self._check_rules(ctx, change)
        model: Any = codec.models()[change.entity]
        fields = codec.synced_fields(change.entity)
        key = (change.entity, change.record_id)
        obj = self._objects.get(key)
        self._check_values(ctx, change, obj)
        self.result.touched[change.entity].add(change.record_id)
        self._users_changed |= change.entity == "users"
        if change.op == "remove":
            if obj is not None:
                self._before.append((ctx.user.id, change.entity, change.record_id))
                self.session.delete(obj)
                del self._objects[key]
                self._clock[key] = {}
                self._clock_dirty.add(key)
            return
        if obj is None:
            if change.op == "create" and change.entity == "clients":
                self._duplicate_check(change)
            values = {f: codec.decode(change.entity, f, change.row[f])
                      for f in fields if f in change.row}
            obj = new_row_type(model)(id=change.record_id, **values)
            self._new[change.entity].append(obj)  # inserted in table order
            self._objects[key] = obj
            self._created.add(key)
            # The record's clocks as the writer had them after this change: those it was
            # made over, and this change's for what it set.
            clocks = {f: h for f, h in change.seen.items() if f in fields}
            clocks.update(dict.fromkeys((f for f in change.changes if f in fields),
                                        change.hlc))
            self._clock[key] = {}
            for name, hlc in clocks.items():
                self._set_clocks(change.entity, change.record_id, [name], hlc)
            self._after.append((ctx.user.id, change.entity, change.record_id))
            return

        self._before.append((ctx.user.id, change.entity, change.record_id))
        local = self._clocks(change.entity, change.record_id)
        changes, seen = change.changes, change.seen
        if change.op == "create":  # it reached us before (a snapshot): merge it field by field
            changes = {f: [None, change.row[f]] for f in fields if f in change.row}
            seen = {}
        deleted_here = obj.deleted_at is not None
        if (change.op in ("update", "create") and deleted_here
                and local.get("deleted_at", "") != seen.get("deleted_at", "")):
            self._conflict("edit_deleted", change, None, [
                {"value": sorted(changes), "hlc": change.hlc, "user_id": str(change.user_id),
                 "site": str(change.origin)}])
        if change.op == "delete" and not deleted_here:
            edited = sorted(f for f, h in local.items()
                            if f != "deleted_at" and h != seen.get(f, ""))
            if edited:
                self._conflict("delete_edited", change, None, [
                    {"value": edited, "hlc": max(local[f] for f in edited), "site": "here"},
                    {"value": "deleted", "hlc": change.hlc, "user_id": str(change.user_id),
                     "site": str(change.origin)}])
        won: list[str] = []
        for name, pair in changes.items():
            if name not in fields:
                continue
            new = pair[1]
            mine = local.get(name, "")
            if mine == change.hlc:
                continue
            concurrent = mine != seen.get(name, "")
            current = codec.encode(getattr(obj, name))
            # Listed even when both sides typed the same value: what counts is that
            # neither knew of the other, and a both-sides edit is never lost from view.
            kind = ("field" if codec.is_sensitive(change.entity, name) else
                    "derived" if (change.entity, name) in codec.SUMMED and current != new
                    else None)
            if concurrent and kind:
                self._conflict(kind, change, name, [
                    {"value": current, "hlc": mine, "site": "here"},
                    {"value": new, "hlc": change.hlc, "user_id": str(change.user_id),
                     "site": str(change.origin)}])
            if change.hlc > mine:
                setattr(obj, name, codec.decode(change.entity, name, new))
                won.append(name)
        if won:
            self._set_clocks(change.entity, change.record_id, won, change.hlc)
        self._after.append((ctx.user.id, change.entity, change.record_id))

    def refresh_clients(self) -> None:
        """Rebuild the search columns of the clients this merge touched, directly or
        through their contacts (they are not exchanged: see codec.LOCAL_FIELDS)."""
        from salesdesk.db.models import Contact
        from salesdesk.services.clients import refresh_search_texts

        # A client made by this merge and not changed again has its columns from its
        # insert (with its contacts of the same bundle); its contacts' changes below
        # still bring it back in.
        ids = set(self.result.touched.get("clients", ())) - self._clients_as_inserted
        contacts = list(self.result.touched.get("contacts", ()))
        for start in range(0, len(contacts), 500):
            ids |= set(self.session.scalars(select(Contact.client_id).where(
                Contact.id.in_(contacts[start:start + 500]))))
        listed = list(ids)
        for start in range(0, len(listed), 500):
            refresh_search_texts(self.session, list(self.session.scalars(select(Client).where(
                Client.id.in_(listed[start:start + 500])))))

    def retotal(self) -> None:
        """Work the totals of every document this merge touched out again from the rows
        it now holds: a draft's line amounts and totals from its lines, an invoice's paid
        total (and paid or partly paid state) from its payments. Every database does the
        same with the same rows, so they agree without exchanging the results."""
        from salesdesk.services import documents

        touched = self.result.touched
        doc_ids = set(touched.get("documents", ()))
        for entity, model, parent in (("document_lines", DocumentLine, DocumentLine.document_id),
                                      ("payments", Payment, Payment.invoice_id)):
            ids = list(touched.get(entity, ()))
            for start in range(0, len(ids), 500):
                doc_ids |= set(self.session.scalars(select(parent).where(
                    model.id.in_(ids[start:start + 500]))))
        listed = list(doc_ids)
        for start in range(0, len(listed), 500):
            chunk = listed[start:start + 500]
            lines: dict[uuid.UUID, list[DocumentLine]] = defaultdict(list)
            for line in self.session.scalars(select(DocumentLine).where(
                    DocumentLine.document_id.in_(chunk), DocumentLine.deleted_at.is_(None))):
                lines[line.document_id].append(line)
            paid: dict[uuid.UUID, Any] = defaultdict(int)
            for invoice_id, amount in self.session.execute(select(
                    Payment.invoice_id, Payment.amount).where(
                    Payment.invoice_id.in_(chunk), Payment.deleted_at.is_(None))):
                paid[invoice_id] += amount
            for doc in self.session.scalars(select(Document).where(Document.id.in_(chunk))):
                # An issued document's lines are frozen, and so are its totals; one that
                # came in with this merge has its totals worked out here, whatever the
                # bundle said they were.
                if doc.status == "draft" or ("documents", doc.id) in self._created:
                    documents.retotal(doc, lines[doc.id])
                if doc.kind == "invoice":
                    doc.paid_total = paid[doc.id]
                    if doc.status in (*documents.OPEN_INVOICE, "paid"):
                        state = documents.paid_state(doc.total, doc.paid_total)
                        # "sent" is an unpaid invoice too; a paid state needs payments.
                        if state != "issued" or doc.status in ("paid", "partially_paid"):
                            doc.status = state

    def _duplicate_check(self, change: Incoming) -> None:
        inn = change.row.get("inn")
        if not inn or change.row.get("deleted_at"):
            return
        other = self.session.scalar(select(Client.id).where(
            Client.inn == inn, Client.deleted_at.is_(None), Client.id != change.record_id))
        if other is not None:
            self._conflict("duplicate", change, None, [
                {"value": str(other), "site": "here"},
                {"value": str(change.record_id), "hlc": change.hlc,
                 "user_id": str(change.user_id), "site": str(change.origin)}], other_id=other)

    def _conflict(self, kind: str, change: Incoming, field_name: str | None,
                  values: list[dict[str, Any]], other_id: uuid.UUID | None = None) -> None:
        """List a conflict (one open entry per record and field, gathering every side)."""
        table = SyncConflict.__table__
        existing = self.conn.execute(select(table.c.id, table.c["values"]).where(
            table.c.kind == kind, table.c.entity == change.entity,
            table.c.record_id == change.record_id,
            table.c.field.is_(None) if field_name is None else table.c.field == field_name,
            table.c.resolved_at.is_(None))).first()
        if existing is not None:
            merged = list(existing[1])
            for value in values:
                if value not in merged:
                    merged.append(value)
            self.conn.execute(update(table).where(table.c.id == existing[0]).values(
                values=merged))
        else:
            self.conn.execute(insert(table).values(
                id=uuid.uuid4(), kind=kind, entity=change.entity, record_id=change.record_id,
                field=field_name, other_id=other_id, values=values, detected_at=utcnow()))
        self.result.conflicts += 1


def audit_row(change: Incoming) -> dict[str, Any]:
    """The audit entry of a merged change: its author, the moment of its clock."""
    from datetime import UTC, datetime

    from salesdesk.audit import SECRET, SKIPPED

    changes = {name: (["***", "***"] if name in SECRET else pair)
               for name, pair in change.changes.items() if name not in SKIPPED}
    when = datetime.fromtimestamp(clock.parse(change.hlc)[0] / 1000, UTC)
    action = {"create": "create", "update": "update", "delete": "delete",
              "restore": "restore", "remove": "remove"}.get(change.op, "update")
    return {"id": uuid.uuid4(), "at": when, "user_id": change.user_id, "action": action,
            "entity": change.entity, "record_id": change.record_id, "changes": changes}


def known_changes(session: Session, changes: list[Incoming]) -> set[tuple[uuid.UUID, int]]:
    """The changes of this list that the database already holds (by origin and seq)."""
    log = ChangeEntry.__table__
    out: set[tuple[uuid.UUID, int]] = set()
    by_origin: dict[uuid.UUID, list[int]] = defaultdict(list)
    for change in changes:
        by_origin[change.origin].append(change.origin_seq)
    for origin, seqs in by_origin.items():
        for start in range(0, len(seqs), 500):
            out |= {(origin, int(s)) for s in session.scalars(select(log.c.origin_seq).where(
                log.c.origin == origin, log.c.origin_seq.in_(seqs[start:start + 500])))}
    return out


def check_line(data: Any, line: int) -> Incoming:
    """A bundle line, or a ValidationError naming it."""
    try:
        return Incoming.from_json(data)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ValidationError(_("Bundle"), _("line {line} is damaged: {problem}").format(
            line=line, problem=exc)) from exc
