"""Deliveries: what is due to whom by when, and when it was delivered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from salesdesk import clock, policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Client, Deal, Delivery, Document, User
from salesdesk.db.types import utcnow
from salesdesk.errors import ValidationError
from salesdesk.fields import Field, validate
from salesdesk.i18n import _
from salesdesk.policy import Action
from salesdesk.services.base import apply, check_version, get_record, reading, sorted_by, writing

DELIVERY_FIELDS: dict[str, Field] = registry.spec("deliveries")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class DeliveryRecord:
    """A delivery with its client and the document it comes from."""

    id: uuid.UUID
    client_id: uuid.UUID
    client_name: str
    owner_id: uuid.UUID
    owner_name: str
    invoice_id: uuid.UUID | None
    invoice_number: str | None
    deal_id: uuid.UUID | None
    description: str
    due_date: date
    delivered_on: date | None
    note: str | None
    version: int

    def is_overdue(self, today: date) -> bool:
        """Not delivered and past its due date."""
        return self.delivered_on is None and self.due_date < today


def create_delivery(db: Database, actor: Actor, values: dict[str, Any],
                    client_id: uuid.UUID | str | None = None,
                    invoice_id: uuid.UUID | str | None = None,
                    deal_id: uuid.UUID | str | None = None) -> DeliveryRecord:
    """A delivery deadline for a client, from an invoice or a deal (the client follows)."""
    with writing(db, actor) as (uow, ctx):
        data = validate(DELIVERY_FIELDS, values)
        invoice = (get_record(ctx, Document, invoice_id, _("Invoice"), Action.DELIVERY_EDIT)
                   if invoice_id else None)
        if invoice is not None and invoice.kind != "invoice":
            raise ValidationError(_("Invoice"), _("a delivery comes from an invoice, not a "
                                                  "proposal"))
        deal = get_record(ctx, Deal, deal_id, _("Deal"), Action.DELIVERY_EDIT) if deal_id else None
        cid = client_id or (invoice.client_id if invoice else None) or (
            deal.client_id if deal else None)
        if cid is None:
            raise ValidationError(_("Client"), _("is required"))
        client = get_record(ctx, Client, cid, _("Client"), Action.DELIVERY_EDIT)
        delivery = Delivery(id=uuid.uuid4(), client_id=client.id, owner_id=client.owner_id,
                            invoice_id=invoice.id if invoice else None,
                            deal_id=deal.id if deal else (invoice.deal_id if invoice else None),
                            **data)
        uow.session.add(delivery)
        uow.commit()
        return _load(uow.session, delivery)


def update_delivery(db: Database, actor: Actor, delivery_id: uuid.UUID | str,
                    values: dict[str, Any], expected_version: int | None = None
                    ) -> DeliveryRecord:
    """Change what is delivered, when it is due, or when it was delivered."""
    with writing(db, actor) as (uow, ctx):
        delivery = get_record(ctx, Delivery, delivery_id, _("Delivery"), Action.DELIVERY_EDIT)
        check_version(delivery, expected_version)
        apply(delivery, validate(DELIVERY_FIELDS, values, partial=True),
              keep=("description", "due_date"))
        uow.commit()
        return _load(uow.session, delivery)


def mark_delivered(db: Database, actor: Actor, delivery_id: uuid.UUID | str,
                   on: date | None) -> DeliveryRecord:
    """Record the delivery date (``None`` undoes it)."""
    return update_delivery(db, actor, delivery_id, {"delivered_on": on})


def get_delivery(db: Database, actor: Actor, delivery_id: uuid.UUID | str) -> DeliveryRecord:
    """One delivery the actor may see."""
    with reading(db, actor) as ctx:
        return _load(ctx.session, get_record(ctx, Delivery, delivery_id, _("Delivery")))


def delete_delivery(db: Database, actor: Actor, delivery_id: uuid.UUID | str) -> None:
    """Soft-delete a delivery."""
    with writing(db, actor) as (uow, ctx):
        delivery = get_record(ctx, Delivery, delivery_id, _("Delivery"), Action.DELIVERY_EDIT)
        delivery.deleted_at = utcnow()
        uow.commit()


def _load(session: Any, d: Delivery) -> DeliveryRecord:
    client = session.get(Client, d.client_id)
    owner = session.get(User, d.owner_id)
    invoice = session.get(Document, d.invoice_id) if d.invoice_id else None
    return _record(d, client.name if client else "", owner.name if owner else "",
                   invoice.number if invoice else None)


def _record(d: Delivery, client_name: str, owner_name: str,
            invoice_number: str | None) -> DeliveryRecord:
    return DeliveryRecord(id=d.id, client_id=d.client_id, client_name=client_name,
                          owner_id=d.owner_id, owner_name=owner_name, invoice_id=d.invoice_id,
                          invoice_number=invoice_number, deal_id=d.deal_id,
                          description=d.description, due_date=d.due_date,
                          delivered_on=d.delivered_on, note=d.note, version=d.version)


def list_deliveries(db: Database, actor: Actor, open_only: bool = True,
                    overdue_only: bool = False, mine_only: bool = False,
                    client_id: uuid.UUID | str | None = None,
                    today: date | None = None, sort: str | None = None,
                    descending: bool = False) -> list[DeliveryRecord]:
    """Visible deliveries by due date (or by ``sort``, one of :data:`DELIVERY_SORTS`)."""
    today = today or clock.today()
    with reading(db, actor) as ctx:
        stmt = (select(Delivery, Client.name, User.name, Document.number)
                .join(Client, Client.id == Delivery.client_id)
                .join(User, User.id == Delivery.owner_id)
                .outerjoin(Document, Document.id == Delivery.invoice_id)
                .where(Delivery.deleted_at.is_(None), policy.visible(ctx, Delivery)))
        if overdue_only:
            # Overdue on ``today`` (a report's period end): not delivered by then.
            stmt = stmt.where(Delivery.due_date < today, or_(
                Delivery.delivered_on.is_(None), Delivery.delivered_on > today))
        elif open_only:
            stmt = stmt.where(Delivery.delivered_on.is_(None))
        if mine_only:
            stmt = stmt.where(Delivery.owner_id == ctx.user.id)
        if client_id is not None:
            client = get_record(ctx, Client, client_id, _("Client"))
            stmt = stmt.where(Delivery.client_id == client.id)
        stmt = sorted_by(stmt, DELIVERY_SORTS, sort, descending, (Delivery.due_date,),
                         Delivery.id)
        return [_record(d, c, o, n) for d, c, o, n in ctx.session.execute(stmt)]


DELIVERY_SORTS = {"description": Delivery.description, "due": Delivery.due_date,
                  "delivered": Delivery.delivered_on, "client": Client.name,
                  "owner": User.name, "invoice": Document.number}
"""The columns a delivery list sorts by."""
