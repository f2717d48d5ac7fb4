"""The trash: deleted records the actor may bring back, and bringing them back.

Records are only ever soft-deleted (``deleted_at``), so a deleted client, deal, contact,
activity, task, delivery or product is still there. The trash lists those the actor may
see, newest deletion first; restoring one takes the permission its deletion took (a
representative their own, a manager their team's, the head any), is audited and goes
to the laptops like any edit. A record whose client is itself deleted waits for the
client: it is restored first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import (
    Activity,
    Appointment,
    Attachment,
    Client,
    Contact,
    Deal,
    Delivery,
    Product,
    Task,
)
from salesdesk.errors import ValidationError
from salesdesk.i18n import _
from salesdesk.policy import Action
from salesdesk.services.base import get_record, reading, writing


@dataclass(frozen=True)
class TrashKind:
    """A kind of record the trash holds: its model, the action deleting it takes, and
    the attribute that names one."""

    model: Any
    action: Action
    title: str


KINDS: dict[str, TrashKind] = {
    "clients": TrashKind(Client, Action.CLIENT_DELETE, "name"),
    "contacts": TrashKind(Contact, Action.CONTACT_EDIT, "name"),
    "deals": TrashKind(Deal, Action.DEAL_EDIT, "title"),
    "activities": TrashKind(Activity, Action.ACTIVITY_EDIT, "note"),
    "tasks": TrashKind(Task, Action.TASK_EDIT, "title"),
    "deliveries": TrashKind(Delivery, Action.DELIVERY_EDIT, "description"),
    "products": TrashKind(Product, Action.PRODUCT_EDIT, "name"),
    "appointments": TrashKind(Appointment, Action.APPOINTMENT_EDIT, "subject"),
    "attachments": TrashKind(Attachment, Action.FILE_DELETE, "name"),
}
"""What the trash holds, by the name the command line takes (the table's)."""


@dataclass(frozen=True)
class TrashItem:
    """A deleted record: what it is, what it is called, when it was deleted."""

    kind: str
    id: uuid.UUID
    title: str
    deleted_at: datetime
    client_name: str | None = None

    @property
    def kind_label(self) -> str:
        """"Client", "Deal"… in the user's language."""
        return _(registry.kind_label(self.kind))


def _check_kind(kind: str) -> TrashKind:
    if kind not in KINDS:
        raise ValidationError(_("Kind"), _("must be one of {rates}").format(
            rates=", ".join(KINDS)))
    return KINDS[kind]


def list_trash(db: Database, actor: Actor, kind: str | None = None,
               limit: int = 500) -> list[TrashItem]:
    """The deleted records the actor may restore, newest deletion first."""
    kinds = [kind] if kind else list(KINDS)
    with reading(db, actor) as ctx:
        found: list[TrashItem] = []
        for name in kinds:
            spec = _check_kind(name)
            if not policy.allows(ctx, spec.action):  # by role (products: managers, head)
                continue
            model = spec.model
            stmt = (select(model).where(model.deleted_at.is_not(None),
                                        policy.visible(ctx, model))
                    .order_by(model.deleted_at.desc()).limit(limit))
            for record in ctx.session.scalars(stmt):  # visible ones only: see the query
                client_id = getattr(record, "client_id", None)
                client = ctx.session.get(Client, client_id) if client_id else None
                title = getattr(record, spec.title) or _(registry.kind_label(name))
                found.append(TrashItem(name, record.id, str(title)[:120], record.deleted_at,
                                       client.name if client is not None else None))
        found.sort(key=lambda item: item.deleted_at, reverse=True)
        return found[:limit]


def restore(db: Database, actor: Actor, kind: str, record_id: uuid.UUID | str) -> TrashItem:
    """Bring a deleted record back (see the module for who may)."""
    spec = _check_kind(kind)
    what = _(registry.kind_label(kind))
    with writing(db, actor) as (uow, ctx):
        record = get_record(ctx, spec.model, record_id, what, spec.action,
                            include_deleted=True)  # refused if it is not the actor's to see
        policy.require(ctx, spec.action)  # and by role
        if record.deleted_at is None:
            raise ValidationError(what, _("is not deleted"))
        client_id = getattr(record, "client_id", None)
        client = ctx.session.get(Client, client_id) if client_id else None
        if client is not None and client.deleted_at is not None:
            raise ValidationError(what, _("belongs to the deleted client '{name}': restore the "
                                          "client first").format(name=client.name))
        if kind == "clients":  # another client may have taken its INN meanwhile
            from salesdesk.services.clients import _refuse_taken_inn

            _refuse_taken_inn(ctx, record)
        deleted_at = record.deleted_at
        record.deleted_at = None
        if kind == "contacts":
            from salesdesk.services.contacts import _refresh_client

            _refresh_client(ctx, record.client_id)
        title = str(getattr(record, spec.title) or what)[:120]
        uow.commit()
        return TrashItem(kind, record.id, title, deleted_at,
                         client.name if client is not None else None)
