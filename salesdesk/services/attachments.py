"""Files on records: contracts, scans and price lists attached to clients, deals and
documents (issue 18).

A file's content is stored once, by its SHA-256 (``file_blobs``), however many records
it is attached to; the attachment row names the record, the file's name, size and type
and who attached it. Whoever sees a record sees its files and may attach more; a file
is removed by whoever attached it, or by their manager or the head. A file larger than
the company's limit (a setting of the head's) is refused before it is read whole.

A laptop may hold an attachment without its content: what did not fit the replica's
budget stays at the office, and :attr:`AttachmentRecord.available` says so.
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import (
    ATTACHABLE,
    Attachment,
    Client,
    Company,
    Deal,
    Document,
    FileBlob,
    User,
)
from salesdesk.db.types import utcnow
from salesdesk.errors import NotFoundError, ValidationError
from salesdesk.fields import text
from salesdesk.i18n import N_, _, format_number
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import get_record, reading, writing

MB = 1024 * 1024
PARENTS: dict[str, tuple[type, str]] = {
    "clients": (Client, N_("Client")), "deals": (Deal, N_("Deal")),
    "documents": (Document, N_("Document"))}
"""What a file may be attached to: the model and what one is called."""


@dataclass(frozen=True)
class AttachmentRecord:
    """A file attached to a record."""

    id: uuid.UUID
    entity: str
    record_id: uuid.UUID
    name: str
    size: int
    content_type: str
    sha256: str
    added_by_id: uuid.UUID
    added_by_name: str
    created_at: datetime
    available: bool
    """Its content is in this database (a laptop may have left it at the office)."""
    version: int


def size_text(size: int) -> str:
    """``12.3 MB``, ``450 KB``, ``12 bytes`` (in the current language's numbers)."""
    from decimal import Decimal

    if size >= MB:
        whole = size % MB == 0
        return _("{n} MB").format(n=format_number(Decimal(size) / MB, decimals=0 if whole
                                                  else 1))
    if size >= 1024:
        return _("{n} KB").format(n=format_number(Decimal(size) / 1024))
    return _("{n} bytes").format(n=size)


def file_limit(session: Any) -> int:
    """The largest file one may attach, in bytes (the company's setting)."""
    mb = session.scalar(select(Company.file_limit_mb).where(Company.deleted_at.is_(None)))
    return int(mb or 20) * MB


def _check_size(name: str, size: int, limit: int) -> None:
    if size == 0:
        raise ValidationError(name, _("the file is empty"))
    if size > limit:
        shown = size_text(size)
        if shown == size_text(limit):  # just over: say it in bytes
            shown = _("{n} bytes").format(n=format_number(size))
        raise ValidationError(name, _(
            "is {size}; files up to {limit} may be attached (the head sets the limit in "
            "Settings)").format(size=shown, limit=size_text(limit)))


def _clean_name(name: str) -> str:
    # A name only, never a path: "../../x" or "C:\\x" from another system is its last part.
    bare = Path(str(name).replace("\\", "/")).name.strip()
    try:
        return text(255)(bare) if bare else ""
    except ValueError as exc:
        raise ValidationError(_("File name"), str(exc)) from None


def _parent(ctx: Ctx, entity: str, record_id: uuid.UUID | str, action: Action) -> Any:
    if entity not in PARENTS:
        raise ValidationError(_("Attached to"), _("must be one of {values}").format(
            values=", ".join(ATTACHABLE)))
    model, label = PARENTS[entity]
    return get_record(ctx, model, record_id, _(label), action)


def store_blob(session: Any, data: bytes, sha256: str | None = None) -> str:
    """Keep a file's content once (by its SHA-256); returns the hash."""
    digest = sha256 or hashlib.sha256(data).hexdigest()
    if session.get(FileBlob, digest) is None:
        session.execute(insert(FileBlob.__table__).values(
            sha256=digest, size=len(data), data=data, created_at=utcnow()))
    return digest


def attach_file(db: Database, actor: Actor, entity: str, record_id: uuid.UUID | str,
                name: str, data: bytes, content_type: str | None = None) -> AttachmentRecord:
    """Attach ``data`` to a client, deal or document the actor sees, under ``name``."""
    clean = _clean_name(name)
    if not clean:
        raise ValidationError(_("File name"), _("is required"))
    with writing(db, actor) as (uow, ctx):
        parent = _parent(ctx, entity, record_id, Action.FILE_ATTACH)
        _check_size(clean, len(data), file_limit(ctx.session))
        digest = store_blob(ctx.session, data)
        kind = content_type or mimetypes.guess_type(clean)[0] or "application/octet-stream"
        attachment = Attachment(id=uuid.uuid4(), entity=entity, record_id=parent.id,
                                name=clean, sha256=digest, size=len(data),
                                content_type=kind[:100], added_by_id=ctx.user.id)
        uow.session.add(attachment)
        uow.commit()
        return _record(attachment, ctx.user.name, True)


def attach_path(db: Database, actor: Actor, entity: str, record_id: uuid.UUID | str,
                path: Path) -> AttachmentRecord:
    """Attach a file from the disk; its size is checked before it is read."""
    from salesdesk.files import cause_of

    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError(path.name or str(path), cause_of(exc)) from None
    if not path.is_file():
        raise ValidationError(path.name or str(path), _("is not a file"))
    with reading(db, actor) as ctx:
        _parent(ctx, entity, record_id, Action.FILE_ATTACH)
        _check_size(path.name, size, file_limit(ctx.session))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(path.name, cause_of(exc)) from None
    return attach_file(db, actor, entity, record_id, path.name, data)


def _record(a: Attachment, added_by_name: str, available: bool) -> AttachmentRecord:
    return AttachmentRecord(id=a.id, entity=a.entity, record_id=a.record_id, name=a.name,
                            size=a.size, content_type=a.content_type, sha256=a.sha256,
                            added_by_id=a.added_by_id, added_by_name=added_by_name,
                            created_at=a.created_at, available=available, version=a.version)


def list_files(db: Database, actor: Actor, entity: str, record_id: uuid.UUID | str
               ) -> list[AttachmentRecord]:
    """The files of a record the actor sees, newest first."""
    with reading(db, actor) as ctx:
        parent = _parent(ctx, entity, record_id, Action.FILE_ATTACH)
        rows = ctx.session.execute(
            select(Attachment, User.name, FileBlob.sha256.is_not(None))
            .join(User, User.id == Attachment.added_by_id)
            .outerjoin(FileBlob, FileBlob.sha256 == Attachment.sha256)
            .where(Attachment.entity == entity, Attachment.record_id == parent.id,
                   Attachment.deleted_at.is_(None))
            .order_by(Attachment.created_at.desc(), Attachment.name, Attachment.id))
        return [_record(a, uname, bool(here)) for a, uname, here in rows]


def file_content(db: Database, actor: Actor, attachment_id: uuid.UUID | str
                 ) -> tuple[AttachmentRecord, bytes]:
    """A file and its content (to open or save)."""
    with reading(db, actor) as ctx:
        a = get_record(ctx, Attachment, attachment_id, _("File"))
        blob = ctx.session.get(FileBlob, a.sha256)
        if blob is None:
            raise NotFoundError(_(
                "{name} stayed at the office: it did not fit this laptop's share of the "
                "files. Open it at the office, or ask the head for a larger share.").format(
                name=a.name))
        user = ctx.session.get(User, a.added_by_id)
        return _record(a, user.name if user else "", True), bytes(blob.data)


def remove_file(db: Database, actor: Actor, attachment_id: uuid.UUID | str) -> None:
    """Remove a file from its record (it goes to the trash): by whoever attached it, or
    by their manager or the head."""
    with writing(db, actor) as (uow, ctx):
        a = get_record(ctx, Attachment, attachment_id, _("File"), Action.FILE_DELETE)
        require_removable(ctx, a.added_by_id)
        a.deleted_at = utcnow()
        uow.commit()


def require_removable(ctx: Ctx, added_by_id: uuid.UUID) -> None:
    """Whoever attached a file, their manager and the head may remove it."""
    if added_by_id == ctx.user.id:
        return
    if ctx.role in (policy.HEAD, policy.MANAGER) and policy.in_scope(ctx, added_by_id):
        return
    raise policy.deny(Action.FILE_DELETE, _("Only who attached it, their manager or the head "
                                            "may remove it."))


def copy_files(session: Any, entity: str, from_id: uuid.UUID, to_id: uuid.UUID) -> None:
    """Attach a record's live files to another record too (a merge of two clients): new
    attachment rows over the same stored contents; the old rows go with their record."""
    for a in list(session.scalars(select(Attachment).where(
            Attachment.entity == entity, Attachment.record_id == from_id,
            Attachment.deleted_at.is_(None)))):
        session.add(Attachment(id=uuid.uuid4(), entity=entity, record_id=to_id, name=a.name,
                               sha256=a.sha256, size=a.size, content_type=a.content_type,
                               added_by_id=a.added_by_id))
