"""Offline laptops: replicas, bundles out and in, a shared sync folder, the status.

An office database and the replicas made from it exchange *bundles*: each side writes
the changes the other has not acknowledged and reads what the other wrote. A replica
holds what its user may see (DOMAIN.md's permission table) and the reference data;
changes flow through the office, which relays each laptop's work to the others as far
as each may see it.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, insert, not_, or_, select

from salesdesk import clock as app_clock
from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.collector import bulk
from salesdesk.db.backup import backup_to_file
from salesdesk.db.base import Base
from salesdesk.db.engine import Database
from salesdesk.db.migrate import open_database
from salesdesk.db.models import ChangeEntry, Company, FieldClock, SyncConflict, SyncSite, User
from salesdesk.db.schema import HEAD, KNOWN
from salesdesk.db.types import utcnow
from salesdesk.errors import DatabaseError, NotFoundError, SalesDeskError, ValidationError
from salesdesk.files import ENVIRONMENT_ERRORS, check_folder, output_error
from salesdesk.i18n import N_, _, ngettext, short_person
from salesdesk.policy import Action
from salesdesk.services.attachments import copy_files
from salesdesk.services.base import reading, user_by_login, writing
from salesdesk.sync import bundle, clock, codec, keys
from salesdesk.sync.merge import Merger, check_line, known_changes, to_json

# Everyone's replica gets these whole, whatever its user's scope.
REFERENCE = {"company", "users", "products", "document_series", "competitors",
             "market_notes", "strategy_items", "training_templates"}
NO_PASSWORD = "!"  # other users' password hashes never leave the office
BUNDLE_SUFFIX = ".sdsync"


@dataclass(frozen=True)
class PeerStatus:
    """One database this one exchanges bundles with."""

    site_id: uuid.UUID
    kind: str
    name: str
    user_login: str | None
    last_export_at: datetime | None
    last_import_at: datetime | None
    last_out_count: int
    last_in_count: int


@dataclass(frozen=True)
class SyncStatus:
    """This database in the exchange."""

    site_id: uuid.UUID
    kind: str
    user_login: str | None
    peers: list[PeerStatus]
    open_conflicts: int
    unsent: int


def left_behind_text(left: list[tuple[str, int]]) -> str:
    """"3 files (45.2 MB) stayed at the office: contract.pdf, …" (empty when none)."""
    from salesdesk.services.attachments import size_text

    if not left:
        return ""
    names = ", ".join(name for name, _size in left[:5]) + (" …" if len(left) > 5 else "")
    return ngettext("{n} file ({size}) stayed at the office, over the laptop's share of the "
                    "files: {names}.",
                    "{n} files ({size}) stayed at the office, over the laptop's share of the "
                    "files: {names}.", len(left)).format(
        n=len(left), size=size_text(sum(size for _name, size in left)), names=names)


@dataclass(frozen=True)
class ReplicaResult:
    """A laptop database made for a user."""

    path: Path
    files: int
    """Attached files whose content it holds."""
    left_behind: list[tuple[str, int]] = field(default_factory=list)
    """Files (name, size) whose content stayed at the office (over the budget)."""

    def summary(self) -> str:
        """What was made, in a line or two."""
        line = _("The laptop database {file} is ready.").format(file=self.path)
        more = left_behind_text(self.left_behind)
        return f"{line} {more}" if more else line


@dataclass(frozen=True)
class ExportResult:
    """A written bundle."""

    path: Path
    changes: int
    peer_name: str
    files: int = 0
    """Attached files' contents it carries."""
    left_behind: list[tuple[str, int]] = field(default_factory=list)
    """Files (name, size) a laptop's bundle leaves at the office (over its budget)."""

    def summary(self, file: str | None = None) -> str:
        """What was written, in a line (``file``: how to name the file, the full path
        when not given)."""
        line = ngettext("{n} change for {peer} written to {file}.",
                        "{n} changes for {peer} written to {file}.", self.changes).format(
            n=self.changes, peer=self.peer_name, file=file or self.path)
        more = left_behind_text(self.left_behind)
        return f"{line} {more}" if more else line


@dataclass(frozen=True)
class ImportResult:
    """What importing a bundle did."""

    applied: int
    already_here: int
    conflicts: int
    backup: Path | None
    peer_name: str

    def summary(self) -> str:
        """What came in, in a line."""
        if self.applied:
            return ngettext("{n} change from {peer} merged.", "{n} changes from {peer} merged.",
                            self.applied).format(n=self.applied, peer=self.peer_name)
        what = _("Nothing new from {peer}.").format(peer=self.peer_name)
        if self.already_here:
            what += " " + _("Its changes are here already (imported before).")
        return what


# --- helpers ------------------------------------------------------------------------------

def _held(session: Any, site: SyncSite) -> dict[str, int]:
    """What this database holds: {origin site id: highest origin seq}."""
    held = {k: int(v) for k, v in (site.acked or {}).items()}
    own = session.scalar(select(func.max(ChangeEntry.origin_seq)).where(
        ChangeEntry.origin == site.id))
    held[str(site.id)] = int(own or 0)
    return held


def _name_of(session: Any, site: SyncSite) -> str:
    """A database as people call it, in the language of the moment: the office by the
    company's name, a laptop by its user (the stored name is the creator's language)."""
    if site.kind == "replica" and site.user_id is not None:
        user = session.get(User, site.user_id)
        if user is not None:
            return _("{name}'s laptop").format(name=short_person(user.name))
    return site.name


def _peers(session: Any) -> list[SyncSite]:
    return list(session.scalars(select(SyncSite).where(SyncSite.is_self.is_(False))
                                .order_by(SyncSite.created_at)))


def _peer_for(session: Any, me: SyncSite, login: str | None) -> SyncSite:
    peers = _peers(session)
    if me.kind == "replica":
        office = [p for p in peers if p.kind == "office"]
        if not office:
            raise NotFoundError(_("This replica does not know its office database."))
        return office[0]
    if not peers:
        raise NotFoundError(_("No replica has been made from this database yet: make one "
                              "with 'salesdesk replica create --for LOGIN -o FILE'."))
    if login is None:
        if len(peers) == 1:
            return peers[0]
        raise ValidationError("--for", _("this office has several replicas; say whose "
                                         "bundle to write with --for LOGIN."))
    user = session.scalar(select(User).where(User.login == login))
    mine = [p for p in peers if user is not None and p.user_id == user.id]
    if not mine:
        raise NotFoundError(_("There is no replica for {login}.").format(login=login))
    return mine[-1]


def may_exchange_with(ctx: policy.Ctx, me: SyncSite | None, peer: SyncSite) -> bool:
    """Whether the actor may move bundles between this database and ``peer``: on a
    laptop its own user; at the office the head, and a manager for their team's laptops
    (a representative exchanges from their laptop, never at the office)."""
    if me is not None and me.kind == "replica":
        return me.user_id == ctx.user.id
    if ctx.role == policy.HEAD:
        return True
    return (ctx.role == policy.MANAGER and peer.user_id is not None
            and policy.in_scope(ctx, peer.user_id))


def require_exchange(ctx: policy.Ctx, me: SyncSite | None, peer: SyncSite | None = None
                     ) -> None:
    """Refuse an exchange command the actor may not run here (see :func:`may_exchange_with`;
    without a peer: any exchange at all from this database)."""
    policy.require(ctx, Action.SYNC)
    if me is not None and me.kind == "replica":
        allowed = me.user_id == ctx.user.id
    elif peer is not None:
        allowed = may_exchange_with(ctx, me, peer)
    else:
        allowed = ctx.role in (policy.HEAD, policy.MANAGER)
    if not allowed:
        raise policy.deny(Action.SYNC, _(
            "At the office the exchange with laptops is the head's, and a manager's for "
            "their team's laptops; a representative exchanges from their own laptop."))


def _user_ctx(session: Any, user_id: uuid.UUID) -> policy.Ctx:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(_("The replica's user no longer exists."))
    actor = Actor(user.id, user.login, user.name, user.role, user.manager_id)
    return policy.Ctx(session, actor, user.role, user, policy.scope_of(session, user))


def _visible_ids(ctx: policy.Ctx, entity: str, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    if entity in REFERENCE or ctx.scope is None:
        return set(ids)
    model: Any = codec.models()[entity]
    out: set[uuid.UUID] = set()
    listed = list(ids)
    for start in range(0, len(listed), 500):
        out |= set(ctx.session.scalars(select(model.id).where(
            model.id.in_(listed[start:start + 500]), policy.visible(ctx, model))))
    return out


def _for_peer(line: dict[str, Any], peer_user: uuid.UUID | None) -> dict[str, Any]:
    """Other users' password hashes stay at the office."""
    if line["entity"] != "users" or peer_user is None or line["record_id"] == str(peer_user):
        return line
    changes = {k: v for k, v in line["changes"].items() if k != "password_hash"}
    row = {**line["row"], "password_hash": NO_PASSWORD} if line["row"] else line["row"]
    return {**line, "changes": changes, "row": row}


# --- status -------------------------------------------------------------------------------

def sync_status(db: Database, actor: Actor) -> SyncStatus:
    """Where this database stands: its peers, the last exchanges, open conflicts."""
    with reading(db, actor) as ctx:
        session = ctx.session
        me = session.scalar(select(SyncSite).where(SyncSite.is_self.is_(True)))
        require_exchange(ctx, me)
        logins = dict(session.execute(select(User.id, User.login)).all())
        peers = [] if me is None else [p for p in _peers(session)
                                       if may_exchange_with(ctx, me, p)]
        conflicts = 0
        if ctx.role in policy.ROLE_ONLY[Action.CONFLICT_RESOLVE]:
            conflicts = int(session.scalar(select(func.count()).select_from(SyncConflict)
                                           .where(SyncConflict.resolved_at.is_(None))) or 0)
        unsent = 0
        if me is not None and peers:
            # Counted against the peer that is furthest behind.
            behind = min(int((p.acked or {}).get(str(me.id), 0)) for p in peers)
            unsent = int(session.scalar(select(func.count()).select_from(ChangeEntry).where(
                ChangeEntry.origin == me.id, ChangeEntry.origin_seq > behind)) or 0)
        return SyncStatus(
            site_id=me.id if me else uuid.UUID(int=0), kind=me.kind if me else "office",
            user_login=logins.get(me.user_id) if me and me.user_id else None,
            peers=[PeerStatus(p.id, p.kind, _name_of(session, p),
                              logins.get(p.user_id) if p.user_id else None,
                              p.last_export_at, p.last_import_at, p.last_out_count,
                              p.last_in_count) for p in peers],
            open_conflicts=conflicts, unsent=unsent)


# --- replicas -----------------------------------------------------------------------------

def create_replica(db: Database, actor: Actor, login: str, target: Path) -> ReplicaResult:
    """A laptop database for ``login`` holding what they may see and the reference data,
    and the contents of the files attached to it up to the company's budget for a
    laptop (the newest first; the rest stays at the office and is listed).

    The head makes one for anyone, a manager for their team, a representative for
    themself. The file must not exist yet.
    """
    target = Path(target)
    if target.exists():
        raise ValidationError("-o", _("{file} already exists; choose a new file for the "
                                      "replica.").format(file=target))
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.SYNC)
        user = user_by_login(ctx, login)
        policy.require_visible_user(ctx, Action.SYNC, user)
        me = clock.self_site(ctx.session)
        if me.kind != "office":
            raise ValidationError(_("Replica"), _("a replica is made from the office "
                                                  "database, not from another replica."))
        held = _held(ctx.session, me)
        replica_id, secret = uuid.uuid4(), secrets.token_hex(32)
        company = ctx.session.scalar(select(Company.name).where(Company.deleted_at.is_(None)))
        # Made under a temporary name beside the target and renamed when complete: a
        # full disk or a read-only folder leaves no empty "replica" behind.
        building = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
        check_folder(target)
        try:
            replica = open_database(building, create=True)
        except (DatabaseError, *ENVIRONMENT_ERRORS) as exc:
            _remove_db_files(building)
            raise output_error(target, exc) from None
        try:
            copied = _copy_visible(ctx.session, _user_ctx(ctx.session, user.id), replica)
            taken, left = _copy_files(ctx.session, copied.get("attachments", set()), replica)
            with replica.engine.begin() as conn:
                table = SyncSite.__table__
                base = {"bundles_out": 0, "bundles_in": 0, "last_in_count": 0,
                        "last_out_count": 0, "created_at": utcnow()}
                conn.execute(insert(table), [
                    {**base, "id": replica_id, "kind": "replica", "is_self": True,
                     "user_id": user.id, "name": _("{name}'s laptop").format(name=user.name),
                     "secret": None, "hlc_ms": me.hlc_ms, "hlc_counter": me.hlc_counter,
                     "acked": dict(held)},
                    {**base, "id": me.id, "kind": "office", "is_self": False, "user_id": None,
                     "name": company or _("Office"), "secret": secret, "hlc_ms": 0,
                     "hlc_counter": 0, "acked": dict(held)}])
        except ENVIRONMENT_ERRORS as exc:
            replica.dispose()
            _remove_db_files(building)
            raise output_error(target, exc) from None
        except BaseException:
            replica.dispose()
            _remove_db_files(building)
            raise
        replica.dispose()
        try:
            os.replace(building, target)
        except OSError as exc:
            _remove_db_files(building)
            raise output_error(target, exc) from None
        _remove_db_files(building)  # its -wal and -shm, if any are left
        ctx.session.add(SyncSite(id=replica_id, kind="replica", is_self=False, user_id=user.id,
                                 name=_("{name}'s laptop").format(name=user.name),
                                 secret=secret, hlc_ms=0, hlc_counter=0, acked=dict(held),
                                 bundles_out=0, bundles_in=0, last_in_count=0,
                                 last_out_count=0))
        uow.commit()
    return ReplicaResult(target, taken, left)


def files_budget(session: Any) -> int:
    """How many bytes of attached files a laptop takes along (the company's setting)."""
    from salesdesk.services.attachments import MB

    mb = session.scalar(select(Company.replica_files_mb).where(Company.deleted_at.is_(None)))
    return int(mb if mb is not None else 200) * MB


def _within_budget(session: Any, wanted: list[tuple[str, str, int]], budget: int
                   ) -> tuple[list[str], list[tuple[str, int]]]:
    """Of ``wanted`` (hash, name, size), newest first, the hashes that fit ``budget``
    (a content attached twice counts once) and the (name, size) of those that do not."""
    taken: list[str] = []
    left: list[tuple[str, int]] = []
    used = 0
    for digest, name, size in wanted:
        if digest in taken:
            continue
        if used + size <= budget:
            taken.append(digest)
            used += size
        else:
            left.append((name, size))
    return taken, left


def _copy_files(session: Any, attachment_ids: set[Any], replica: Database
                ) -> tuple[int, list[tuple[str, int]]]:
    """Copy the contents of the replica's attached files, within the budget."""
    from salesdesk.db.models import Attachment, FileBlob

    if not attachment_ids:
        return 0, []
    rows = session.execute(select(Attachment.sha256, Attachment.name, Attachment.size)
                           .where(Attachment.id.in_(list(attachment_ids)),
                                  Attachment.deleted_at.is_(None))
                           .order_by(Attachment.created_at.desc())).all()
    taken, left = _within_budget(session, [tuple(r) for r in rows], files_budget(session))
    blobs = FileBlob.__table__
    with replica.engine.begin() as conn:
        for digest in taken:
            row = session.execute(select(blobs).where(blobs.c.sha256 == digest)).first()
            if row is not None:
                conn.execute(insert(blobs).values(**dict(row._mapping)))
    return len(taken), left


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(str(path) + suffix).unlink()


def _copy_visible(session: Any, ctx: policy.Ctx, replica: Database
                  ) -> dict[str, set[Any]]:
    """Copy the rows the replica's user may see, parents before children; a child whose
    parent stays behind stays behind too. Returns the ids copied, by table."""
    copied: dict[str, set[Any]] = {}
    models = codec.models()
    with replica.engine.begin() as conn:
        # Checked at commit: a document may name the one it replaces in any order.
        if replica.is_sqlite:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in Base.metadata.sorted_tables:
            if table.name not in models:
                continue
            model: Any = models[table.name]
            stmt = select(table)
            if table.name not in REFERENCE:
                stmt = stmt.where(policy.visible(ctx, model))
            rows = [dict(r._mapping) for r in session.execute(stmt)]
            parents = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys
                       if fk.column.table.name in copied]
            kept = []
            for row in rows:
                if any(row[col] is not None and row[col] not in copied[parent]
                       for col, parent in parents if parent != table.name):
                    continue
                if table.name == "users" and row["id"] != ctx.user.id:
                    row["password_hash"] = NO_PASSWORD
                kept.append(row)
            copied[table.name] = {row["id"] for row in kept}
            for start in range(0, len(kept), 2000):
                conn.execute(insert(table), kept[start:start + 2000])
        clocks = FieldClock.__table__
        rows = [dict(r._mapping) for r in session.execute(select(clocks))
                if r.record_id in copied.get(r.entity, ())]
        for start in range(0, len(rows), 5000):
            conn.execute(insert(clocks), rows[start:start + 5000])
    return copied


# --- bundles out --------------------------------------------------------------------------

def _changes_for(session: Any, me: SyncSite, peer: SyncSite) -> list[dict[str, Any]]:
    acked = {k: int(v) for k, v in (peer.acked or {}).items()}
    log = ChangeEntry.__table__
    known = [uuid.UUID(k) for k in acked]
    news = or_(*[and_(log.c.origin == origin, log.c.origin_seq > acked[str(origin)])
                 for origin in known], not_(log.c.origin.in_(known)) if known else True)
    rows = list(session.execute(select(log).where(news, log.c.origin != peer.id)
                                .order_by(log.c.seq)))
    lines = [to_json(r) for r in rows]
    if peer.kind != "replica" or peer.user_id is None:
        return lines
    # A replica gets what its user may see now (and every removal: they name no data).
    ctx = _user_ctx(session, peer.user_id)
    ids: dict[str, set[uuid.UUID]] = defaultdict(set)
    for line in lines:
        ids[line["entity"]].add(uuid.UUID(line["record_id"]))
    visible = {entity: _visible_ids(ctx, entity, found) for entity, found in ids.items()}
    return [_for_peer(line, peer.user_id) for line in lines
            if line["op"] == "remove" or uuid.UUID(line["record_id"]) in visible[line["entity"]]
            or _left_view(ctx, line)]


def _left_view(ctx: policy.Ctx, line: dict[str, Any]) -> bool:
    """The change took the record out of the user's view (given to somebody else): the
    laptop gets it too, so that it stops showing the record as the user's."""

    changes = line.get("changes") or {}
    for name in ("owner_id", "user_id", "assignee_id"):
        old = (changes.get(name) or [None])[0]
        if old and policy.in_scope(ctx, uuid.UUID(str(old))):
            return True
    old_client = (changes.get("client_id") or [None])[0]
    if old_client and line["entity"] != "clients":
        return bool(_visible_ids(ctx, "clients", {uuid.UUID(str(old_client))}))
    return False


def export_bundle(db: Database, actor: Actor, target: Path, for_login: str | None = None
                  ) -> ExportResult:
    """Write the changes the peer has not acknowledged to ``target`` (a replica writes
    for its office; the office for the replica of ``for_login``)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.SYNC)
        session = ctx.session
        me = clock.self_site(session)
        peer = _peer_for(session, me, for_login)
        require_exchange(ctx, me, peer)
        result = _export(db, session, me, peer, Path(target))
        uow.commit()
        return result


def _bundle_files(session: Any, peer: SyncSite, lines: list[dict[str, Any]]
                  ) -> tuple[dict[str, bytes], list[tuple[str, int]]]:
    """The contents of the files the bundle's new attachments name: all of them for the
    office, a laptop's budget's worth (newest first) for a laptop."""
    from salesdesk.db.models import FileBlob

    wanted: list[tuple[str, str, int]] = []
    for line in reversed(lines):  # the newest first
        if line["entity"] == "attachments" and line["op"] == "create":
            row = line.get("row") or {}
            digest, size = row.get("sha256"), row.get("size")
            if isinstance(digest, str) and isinstance(size, int):
                wanted.append((digest, str(row.get("name") or digest), size))
    if not wanted:
        return {}, []
    if peer.kind == "replica":
        digests, left = _within_budget(session, wanted, files_budget(session))
    else:
        digests, left = list(dict.fromkeys(d for d, _n, _s in wanted)), []
    blobs = FileBlob.__table__
    files = {row.sha256: bytes(row.data) for row in session.execute(
        select(blobs.c.sha256, blobs.c.data).where(blobs.c.sha256.in_(digests)))}
    # A laptop lacks what stayed at the office: the office has it already.
    return files, left


def _export(db: Database, session: Any, me: SyncSite, peer: SyncSite, target: Path
            ) -> ExportResult:
    lines = _changes_for(session, me, peer)
    files, left = _bundle_files(session, peer, lines)
    held = _held(session, me)
    peer.bundles_out += 1
    manifest = {"from_site": str(me.id), "to_site": str(peer.id), "schema": HEAD,
                "number": peer.bundles_out, "created_at": utcnow().isoformat(),
                "from": dict(peer.acked or {}), "to": held}
    path = bundle.write(target, manifest, lines, keys.secret_for(db, peer), files)
    peer.last_export_at = utcnow()
    peer.last_out_count = len(lines)
    return ExportResult(path, len(lines), _name_of(session, peer), len(files), left)


# --- bundles in ---------------------------------------------------------------------------

def _check_manifest(path: Path, manifest: dict[str, Any], me: SyncSite | None) -> None:
    if int(manifest.get("format", 0)) > bundle.FORMAT or manifest.get("schema") not in KNOWN:
        raise ValidationError(_("Bundle"), _(
            "{file} was written by a newer SalesDesk (schema {schema}); update SalesDesk "
            "here first. Nothing was changed.").format(file=path.name,
                                                       schema=manifest.get("schema")))
    if me is None or manifest.get("to_site") != str(me.id):
        raise ValidationError(_("Bundle"), _(
            "{file} is meant for another database; nothing was changed.").format(
            file=path.name))


@bulk
def import_bundle(db: Database, actor: Actor, source: Path, backup: bool = True
                  ) -> ImportResult:
    """Apply a bundle from the office or a replica: all of it, or nothing.

    The database is backed up first (next to it) when the bundle brings anything new;
    the same bundle imported again changes nothing.
    """
    source = Path(source)
    read, body = bundle.read(source)
    manifest = read.manifest
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.SYNC)
        me = ctx.session.scalar(select(SyncSite).where(SyncSite.is_self.is_(True)))
        _check_manifest(source, manifest, me)
        assert me is not None
        peer = ctx.session.get(SyncSite, _uuid(manifest.get("from_site"), source))
        if peer is None or peer.is_self:
            raise ValidationError(_("Bundle"), _(
                "{file} comes from a database this one does not exchange with; nothing was "
                "changed.").format(file=source.name))
        require_exchange(ctx, me, peer)
        bundle.verify(source, read, body, keys.secret_for(db, peer))
        lines = bundle.parse_lines(source, read, body)  # only what the signature covers
        changes = [check_line(line, number) for number, line in enumerate(lines, 1)]
        _check_clocks(source, changes)
        from_replica = peer.kind == "replica"
        if from_replica:
            changes = _as_laptop_user(ctx.session, source, peer, changes)
        held = _held(ctx.session, me)
        for origin, seq in (manifest.get("from") or {}).items():
            if origin != str(me.id) and held.get(origin, 0) < int(seq):
                raise ValidationError(_("Bundle"), _(
                    "{file} continues changes from {peer} that have not reached this "
                    "database yet; import {peer}'s earlier bundles first (or ask for a new "
                    "one). Nothing was changed.").format(file=source.name,
                                                         peer=_name_of(ctx.session, peer)))
        peer_name = _name_of(ctx.session, peer)
        news = [c for c in changes if c.origin != me.id]
        fresh = len(news) - len(known_changes(ctx.session, news))
    made_backup: Path | None = None  # nothing new, nothing to back up
    if fresh and backup:
        made_backup = _backup_before(db)
    with writing(db, actor) as (uow, ctx):
        uow.session.info["sync_applying"] = True
        merger = Merger(uow.session, from_replica=from_replica)
        result = merger.apply_all(changes)
        _take_files(uow.session, source, read.files, changes, from_replica)
        me = merger.site
        peer = uow.session.get(SyncSite, uuid.UUID(manifest["from_site"]))
        assert peer is not None
        acked = dict(me.acked or {})
        for origin, seq in (manifest.get("to") or {}).items():
            if origin != str(me.id):
                acked[origin] = max(int(acked.get(origin, 0)), int(seq))
        me.acked = acked
        # What the other side holds only grows: an older bundle read after a newer one
        # must not make this database think the laptop lost what it has.
        held_there = {k: int(v) for k, v in (peer.acked or {}).items()}
        for origin, seq in (manifest.get("to") or {}).items():
            held_there[origin] = max(held_there.get(origin, 0), int(seq))
        peer.acked = held_there
        # Remembered even when nothing was new: the folder mode skips what it has read,
        # and the status tells when the other side was last heard from.
        peer.bundles_in = max(peer.bundles_in, int(manifest.get("number", 0)))
        peer.last_import_at = utcnow()
        peer.last_in_count = result.applied
        uow.session.info["actor_id"] = actor.id
        uow.commit()
    return ImportResult(result.applied, result.already_here, result.conflicts, made_backup,
                        peer_name)


def _take_files(session: Any, path: Path, files: dict[str, bytes], changes: list[Any],
                from_replica: bool) -> None:
    """Keep the contents the bundle carries for the attachments it creates (and nothing
    else). A laptop's new attachment must bring its content (unless it is here already),
    of the size the attachment says and within the office's limit; the office may leave
    some at the office (a laptop's budget)."""
    from salesdesk.db.models import FileBlob
    from salesdesk.services.attachments import file_limit, size_text, store_blob

    limit = file_limit(session) if from_replica else None
    for change in changes:
        if change.entity != "attachments" or change.op != "create":
            continue
        digest, size = change.row.get("sha256"), change.row.get("size")
        name = str(change.row.get("name") or change.record_id)
        data = files.get(str(digest))
        if data is not None:
            if len(data) != size:
                raise ValidationError(_("Bundle"), _(
                    "{file}: the file {name} is not of the size its record says; nothing "
                    "was changed.").format(file=path.name, name=name))
            if limit is not None and len(data) > limit:
                raise ValidationError(_("Bundle"), _(
                    "{file}: the file {name} is {size}, over the limit of {limit}; nothing "
                    "was changed.").format(file=path.name, name=name, size=size_text(len(data)),
                                           limit=size_text(limit)))
            store_blob(session, data, str(digest))
        elif from_replica and session.get(FileBlob, str(digest)) is None:
            raise ValidationError(_("Bundle"), _(
                "{file} attaches the file {name} but does not carry it; nothing was "
                "changed.").format(file=path.name, name=name))


CLOCK_AHEAD_MS = 24 * 3600 * 1000
"""How far ahead of this database's clock an incoming change may be dated: a laptop's
clock a day fast is a wrong clock; a year fast would move every clock of the office."""


def _check_clocks(path: Path, changes: list[Any]) -> None:
    limit = app_clock.now_ms() + CLOCK_AHEAD_MS
    for number, change in enumerate(changes, 1):
        if clock.parse(change.hlc)[0] > limit:
            raise ValidationError(_("Bundle"), _(
                "{file}: change {n} is dated more than a day ahead of this computer's clock "
                "(is the other computer's date right?); nothing was changed.").format(
                file=path.name, n=number))


def _as_laptop_user(session: Any, path: Path, peer: SyncSite, changes: list[Any]) -> list[Any]:
    """A laptop speaks only for its own user: every change it brings is that user's,
    whatever the line says, and it brings only changes it made itself (one relayed from
    another database, not already here, is a forgery)."""
    if peer.user_id is None:
        raise ValidationError(_("Bundle"), _(
            "{file} comes from a laptop database whose user is not known here; nothing was "
            "changed.").format(file=path.name))
    foreign = [c for c in changes if c.origin != peer.id]
    known = known_changes(session, foreign) if foreign else set()
    out = []
    for change in changes:
        if change.origin != peer.id:
            if (change.origin, change.origin_seq) in known:
                continue  # relayed to the laptop by this office before; nothing new
            raise ValidationError(_("Bundle"), _(
                "{file} carries changes the laptop did not make; the bundle is refused and "
                "nothing was changed.").format(file=path.name))
        change.user_id = peer.user_id
        out.append(change)
    return out


def _uuid(value: Any, path: Path) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError(_("Bundle"), _("{file} is damaged or not a SalesDesk bundle "
                                             "(manifest); nothing was changed.").format(
            file=path.name)) from exc


def _backup_before(db: Database) -> Path:
    """A backup next to a SQLite file; for a server database, in the backup folder
    (``SALESDESK_BACKUP_DIR``, else ``backups/`` in the user data folder), which the
    import's summary names."""
    from salesdesk.paths import backup_dir

    stamp = app_clock.stamp()
    if db.path is not None:
        return backup_to_file(db, db.path.with_name(f"{db.path.name}.before-sync-{stamp}"))
    return backup_to_file(db, backup_dir() / f"server.before-sync-{stamp}.backup")


# --- a shared folder ----------------------------------------------------------------------

_NAME = re.compile(r"^([0-9a-f]{32})-to-([0-9a-f]{32})-(\d{6})\.sdsync$")


@dataclass(frozen=True)
class FolderResult:
    """One pass over a sync folder."""

    imported: list[ImportResult]
    exported: list[ExportResult]
    rejected: list[tuple[Path, str]] = field(default_factory=list)
    """Bundles that could not be taken, moved aside to ``rejected/`` with the reason."""

    def rejected_lines(self) -> list[str]:
        """A line per rejected bundle, for people."""
        return [_("{file} was refused and moved to {folder}: {reason}").format(
            file=path.name, folder=path.parent, reason=reason) for path, reason in self.rejected]


def sync_folder(db: Database, actor: Actor, folder: Path, keep: int = 5) -> FolderResult:
    """Exchange bundles through a folder any side can reach (a network share, a USB
    stick, a cloud drive): read the peers' new files addressed here, then write one for
    each peer. Each side writes only files named after itself, under a temporary name
    renamed when complete, and keeps its last ``keep`` per peer."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(_("Folder"), _("{folder} is not a folder.").format(folder=folder))
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.SYNC)
        me = clock.self_site(ctx.session) if ctx.session.scalar(
            select(SyncSite.id).where(SyncSite.is_self.is_(True))) else None
        if me is None:
            raise NotFoundError(_("This database has no replicas yet."))
        require_exchange(ctx, me)
        my_id = me.id
        # Only the laptops the actor may exchange with: a manager's team's.
        mine = [p for p in _peers(ctx.session) if may_exchange_with(ctx, me, p)]
        done = {p.id: p.bundles_in for p in mine}
        allowed = set(done)
    imported: list[ImportResult] = []
    incoming = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match.group(2) == my_id.hex:
            sender = uuid.UUID(match.group(1))
            if sender in done and int(match.group(3)) > done[sender]:
                incoming.append((sender.hex, int(match.group(3)), path))
    rejected: list[tuple[Path, str]] = []
    for _sender, _number, path in sorted(incoming):
        try:
            imported.append(import_bundle(db, actor, path))
        except SalesDeskError as exc:
            # One bad file must not stop the exchange until somebody deletes it by hand:
            # it goes aside with its reason, and the sender's next bundle (cumulative)
            # brings its work again.
            rejected.append((_set_aside(path, str(exc)), str(exc)))
    exported: list[ExportResult] = []
    with writing(db, actor) as (uow, ctx):
        me = clock.self_site(ctx.session)
        for peer in _peers(ctx.session):
            if (me.kind == "replica" and peer.kind != "office") or peer.id not in allowed:
                continue
            name = f"{me.id.hex}-to-{peer.id.hex}-{peer.bundles_out + 1:06d}{BUNDLE_SUFFIX}"
            exported.append(_export(db, ctx.session, me, peer, folder / name))
            mine = sorted(p for p in folder.iterdir()
                          if (m := _NAME.match(p.name)) and m.group(1) == me.id.hex
                          and m.group(2) == peer.id.hex)
            for old in mine[:-keep]:
                old.unlink(missing_ok=True)
        uow.commit()
    return FolderResult(imported, exported, rejected)


REJECTED = "rejected"


def _set_aside(path: Path, reason: str) -> Path:
    """Move a refused bundle to ``rejected/`` beside it, with a ``.txt`` that says why."""
    target_dir = path.parent / REJECTED
    try:
        target_dir.mkdir(exist_ok=True)
        target = target_dir / path.name
        path.replace(target)
        target.with_name(target.name + ".txt").write_text(reason.splitlines()[0] + "\n",
                                                          encoding="utf-8")
        return target
    except OSError:
        return path  # a read-only folder: left where it is, and said so


# --- conflicts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ConflictSide:
    """One side's value in a conflict: as stored (``value``) and as a person reads it
    (``text``: money in the locale's format, a stage or status by its label)."""

    value: Any
    text: str
    user_name: str | None
    here: bool


@dataclass(frozen=True)
class ConflictView:
    """A conflict as the list shows it."""

    id: uuid.UUID
    kind: str
    entity: str
    record_id: uuid.UUID
    title: str
    field: str | None
    sides: list[ConflictSide]
    other_id: uuid.UUID | None
    detected_at: datetime
    entity_label: str = ""
    field_label: str = ""
    choices: tuple[str, ...] = ()


KIND_LABELS = {"edit_deleted": N_("Edited on one side, deleted on the other"),
               "delete_edited": N_("Edited on one side, deleted on the other"),
               "duplicate": N_("Two clients with one INN")}


def _describe(entity: str, field: str | None, value: Any) -> str:
    """A stored value as the window shows it."""
    from salesdesk.db.types import Money
    from salesdesk.domain import (
        CLIENT_STATUS_LABELS,
        DOCUMENT_STATUS_LABELS,
        STAGE_LABELS,
        label,
    )
    from salesdesk.i18n import format_money

    if value is None:
        return "—"
    if field is None:
        if isinstance(value, list):
            return ", ".join(_(registry.conflict_label(entity, str(v))) for v in value)
        return _("deleted") if value == "deleted" else str(value)
    if isinstance(codec.column_type(entity, field), Money):
        return format_money(codec.decode(entity, field, value))
    labels = {"stage": STAGE_LABELS, "status": DOCUMENT_STATUS_LABELS if entity == "documents"
              else CLIENT_STATUS_LABELS if entity == "clients" else None}.get(field)
    return label(labels, str(value)) if labels else str(value)


def _title(session: Any, entity: str, record_id: uuid.UUID) -> str:
    model: Any = codec.models().get(entity)
    obj = session.get(model, record_id) if model is not None else None
    for attr in ("name", "number", "title"):
        value = getattr(obj, attr, None) if obj is not None else None
        if value:
            return str(value)
    return f"{entity} {str(record_id)[:8]}"


def list_conflicts(db: Database, actor: Actor, include_resolved: bool = False
                   ) -> list[ConflictView]:
    """The conflicts on records the actor sees (managers and the head)."""
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.CONFLICT_RESOLVE)
        stmt = select(SyncConflict).order_by(SyncConflict.detected_at)
        if not include_resolved:
            stmt = stmt.where(SyncConflict.resolved_at.is_(None))
        rows = list(ctx.session.scalars(stmt))
        ids: dict[str, set[uuid.UUID]] = defaultdict(set)
        for row in rows:
            ids[row.entity].add(row.record_id)
        visible = {entity: _visible_ids(ctx, entity, found) if entity not in REFERENCE
                   else found for entity, found in ids.items()}
        names = dict(ctx.session.execute(select(User.id, User.name)).all())
        out = []
        for row in rows:
            if row.record_id not in visible[row.entity]:
                continue
            sides = [ConflictSide(v.get("value"), _describe(row.entity, row.field,
                                                             v.get("value")),
                                  names.get(uuid.UUID(v["user_id"]))
                                  if v.get("user_id") not in (None, "None") else None,
                                  v.get("site") == "here") for v in row.values]
            if row.kind == "duplicate" and row.other_id is not None:
                sides = [ConflictSide(s.value, _title(ctx.session, row.entity,
                                                      uuid.UUID(str(s.value))),
                                      s.user_name, s.here) for s in sides]
            what = _(registry.conflict_label(row.entity, row.field)) if row.field \
                else _(KIND_LABELS.get(row.kind, row.kind))
            out.append(ConflictView(
                row.id, row.kind, row.entity, row.record_id,
                _title(ctx.session, row.entity, row.record_id), row.field, sides, row.other_id,
                row.detected_at, _(registry.kind_label(row.entity)), what,
                tuple(str(n) for n in range(1, len(sides) + 1)) if row.kind == "field"
                else CHOICES.get(row.kind, ())))
        return out


CHILDREN_OF_CLIENT = ("contacts", "activities", "deals", "documents", "deliveries", "tasks",
                      "appointments")
# The answers each kind of conflict takes (besides a value's number for "field").
CHOICES = {"edit_deleted": ("restore", "keep-deleted"),
           "delete_edited": ("restore", "keep-deleted"),
           "duplicate": ("merge", "keep-both"), "derived": ("ok",)}


def resolve_conflict(db: Database, actor: Actor, conflict_id: uuid.UUID | str,
                     choice: str) -> None:
    """Decide a conflict; the decision is an ordinary change, so it reaches every
    database with the next exchange.

    ``field``: ``choice`` is the number (1, 2, …) of the side whose value stands;
    edit against delete: ``restore`` or ``keep-deleted``; duplicate clients: ``merge``
    (the newer client's contacts, activities, deals, documents, deliveries and tasks move
    to the other, and it is deleted) or ``keep-both``; a document whose lines or payments
    both sides changed (it holds both sides' rows): ``ok`` once somebody has looked.
    """
    resolve_conflicts(db, actor, {conflict_id: choice})


def resolve_conflicts(db: Database, actor: Actor, choices: dict[uuid.UUID | str, str]
                      ) -> None:
    """Decide several conflicts at once (the window's side-by-side view applies a
    record's fields together): all of them, or none when one choice is refused."""
    from salesdesk.services.base import as_uuid

    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.CONFLICT_RESOLVE)
        for conflict_id, choice in choices.items():
            _resolve(ctx, as_uuid(conflict_id, _("Conflict")), str(choice).strip())
        uow.commit()


def _resolve(ctx: policy.Ctx, conflict_id: uuid.UUID, choice: str) -> None:
    from salesdesk.sync.merge import ENTITY_ACTIONS

    conflict = ctx.session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.resolved_at is not None:
        raise NotFoundError(_("This conflict is not open (it may have been resolved)."))
    model: Any = codec.models()[conflict.entity]
    obj = ctx.session.get(model, conflict.record_id)
    if obj is None or not _visible_ids(ctx, conflict.entity, {obj.id}):
        raise NotFoundError(_("The record of this conflict is not visible to you."))
    # Deciding is changing the record: the same rule as changing it by hand.
    gate = ENTITY_ACTIONS.get(conflict.entity)
    if gate is not None:
        policy.require(ctx, gate)
    if conflict.kind == "field":
        try:
            number = int(choice)
            if number < 1:
                raise IndexError(number)
            side = conflict.values[number - 1]
        except (ValueError, IndexError):
            raise ValidationError(_("Choice"), _("give the number of the value that "
                                                 "stands (1 to {n})").format(
                n=len(conflict.values))) from None
        setattr(obj, conflict.field or "", codec.decode(conflict.entity, conflict.field or "",
                                                        side.get("value")))
        resolution = _("value {n} stands").format(n=number)
    elif choice not in CHOICES.get(conflict.kind, ()):
        raise ValidationError(_("Choice"), _("say {choices}").format(
            choices=_(" or ").join(f"'{c}'" for c in CHOICES.get(conflict.kind, ()))))
    elif conflict.kind in ("edit_deleted", "delete_edited"):
        if choice == "restore":
            obj.deleted_at = None
        resolution = _("restored") if choice == "restore" else _("kept deleted")
    elif conflict.kind == "derived":
        resolution = _("looked at")
    else:
        if choice == "merge" and conflict.other_id is not None:
            keep = ctx.session.get(model, conflict.other_id)
            if keep is None or keep.deleted_at is not None or not _visible_ids(
                    ctx, conflict.entity, {keep.id}):
                raise ValidationError(_("Choice"), _("the other client is gone; keep both"))
            for entity in CHILDREN_OF_CLIENT:
                child: Any = codec.models()[entity]
                for row in ctx.session.scalars(select(child).where(child.client_id == obj.id)):
                    row.client_id = keep.id
            copy_files(ctx.session, "clients", obj.id, keep.id)
            obj.deleted_at = utcnow()
        resolution = _("merged") if choice == "merge" else _("kept both")
    conflict.resolved_at = utcnow()
    conflict.resolved_by_id = ctx.user.id
    conflict.resolution = resolution
