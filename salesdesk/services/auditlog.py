"""Reading the audit log (the head only; nobody edits it)."""

from __future__ import annotations

import uuid

from salesdesk import policy
from salesdesk.audit import AuditRecord, read_log
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.policy import Action
from salesdesk.services.base import reading


def list_audit(db: Database, actor: Actor, entity: str | None = None,
               record_id: uuid.UUID | None = None, limit: int = 500) -> list[AuditRecord]:
    """Newest changes first, optionally of one table or one record."""
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.AUDIT_READ)
        return read_log(ctx.session, entity=entity, record_id=record_id, limit=limit)
