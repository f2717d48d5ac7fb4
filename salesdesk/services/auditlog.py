"""Reading the audit log: the head reads all of it, anyone a record's own history
(nobody edits it)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from salesdesk import policy
from salesdesk.audit import AuditRecord, read_log
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import (
    Activity,
    AuditEntry,
    Client,
    Contact,
    Deal,
    Delivery,
    Document,
    Task,
)
from salesdesk.errors import ValidationError
from salesdesk.history import HistoryLine, describe, name_of
from salesdesk.i18n import _
from salesdesk.policy import Action
from salesdesk.services.base import get_record, reading, user_by_login


def list_audit(db: Database, actor: Actor, entity: str | None = None,
               record_id: uuid.UUID | None = None, limit: int = 500,
               since: date | None = None, user_login: str | None = None) -> list[AuditRecord]:
    """Newest entries first, optionally of one table or one record, from a day on (the
    office's local day), or of one user (what they did, and failed logins with theirs)."""
    if limit < 1:
        raise ValidationError("--limit", _("must be 1 or more"))
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.AUDIT_READ)
        user_id = user_by_login(ctx, user_login).id if user_login else None
        moment = (datetime.combine(since, time.min).astimezone() if since is not None
                  else None)
        return read_log(ctx.session, entity=entity, record_id=record_id, limit=limit,
                        since=moment, user_id=user_id)


def audit_lines(db: Database, actor: Actor, limit: int = 300) -> list[HistoryLine]:
    """The head's audit log in words (newest first): who, when, what, old → new."""
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.AUDIT_READ)
        entries = list(ctx.session.scalars(
            select(AuditEntry).order_by(AuditEntry.at.desc()).limit(limit)))
        return describe(ctx.session, entries, _titles(ctx.session, entries))


CLIENT_PARTS = (Contact, Deal, Activity, Document, Task, Delivery)
"""What a client card shows, and so what its History tab tells about."""


def client_history(db: Database, actor: Actor, client_id: uuid.UUID | str,
                   limit: int = 500) -> list[HistoryLine]:
    """A client's own history and that of its contacts, deals, activities, documents,
    tasks and deliveries (those the actor sees), newest first, in words. Anyone who may
    see the client may read it; deleted parts are included (their deletion is history).
    """
    with reading(db, actor) as ctx:
        client = get_record(ctx, Client, client_id, _("Client"), Action.HISTORY_READ,
                            include_deleted=True)
        ids: set[uuid.UUID] = {client.id}
        titles: dict[uuid.UUID, str] = {client.id: client.name}
        for model in CLIENT_PARTS:
            for row in ctx.session.scalars(select(model).where(
                    model.client_id == client.id, policy.visible(ctx, model))):
                ids.add(row.id)
                name = name_of(row)
                if name:
                    titles[row.id] = name
        entries = list(ctx.session.scalars(
            select(AuditEntry).where(AuditEntry.record_id.in_(ids))
            .order_by(AuditEntry.at.desc()).limit(limit)))
        return describe(ctx.session, entries, titles)


def _titles(session: Any, entries: list[AuditEntry]) -> dict[uuid.UUID, str]:
    """The names of the records the entries are about (one query per table)."""
    from salesdesk.db.models import Competitor, Product, User

    by_table: dict[str, set[uuid.UUID]] = {}
    for entry in entries:
        by_table.setdefault(entry.entity, set()).add(entry.record_id)
    models = {m.__tablename__: m for m in (Client, *CLIENT_PARTS, Competitor, Product, User)}
    titles: dict[uuid.UUID, str] = {}
    for table, ids in by_table.items():
        model = models.get(table)
        if model is None:
            continue
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            name = name_of(row)
            if name:
                titles[row.id] = name
    return titles
