"""The people at a client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Client, Contact
from salesdesk.db.types import utcnow
from salesdesk.fields import Field, validate
from salesdesk.i18n import _
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import apply, check_version, get_record, reading, view, writing
from salesdesk.services.clients import search_text_of
from salesdesk.validation import normalize_phone

CONTACT_FIELDS: dict[str, Field] = registry.spec("contacts")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class ContactRecord:
    """A contact person."""

    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    position: str | None
    phone: str | None
    email: str | None
    notes: str | None
    version: int


def _refresh_client(ctx: Ctx, client_id: uuid.UUID) -> None:
    # The client's search column is derived: refresh it without bumping the client's
    # version, so that adding a contact does not conflict with an open client form.
    client = ctx.session.get(Client, client_id)
    if client is None:
        return
    ctx.session.flush()
    ctx.session.execute(update(Client).where(Client.id == client_id)
                        .values(search_text=search_text_of(ctx.session, client)),
                        execution_options={"synchronize_session": False})
    ctx.session.expire(client, ["search_text"])


def add_contact(db: Database, actor: Actor, client_id: uuid.UUID | str,
                values: dict[str, Any]) -> ContactRecord:
    """Add a contact person to a client the actor may edit."""
    with writing(db, actor) as (uow, ctx):
        client = get_record(ctx, Client, client_id, _("Client"), Action.CONTACT_EDIT)
        data = validate(CONTACT_FIELDS, values)
        contact = Contact(id=uuid.uuid4(), client_id=client.id, **data)
        contact.phone_e164 = normalize_phone(contact.phone)
        uow.session.add(contact)
        _refresh_client(ctx, client.id)
        uow.commit()
        return view(ContactRecord, contact)


def update_contact(db: Database, actor: Actor, contact_id: uuid.UUID | str,
                   values: dict[str, Any], expected_version: int | None = None) -> ContactRecord:
    """Change a contact person's details."""
    with writing(db, actor) as (uow, ctx):
        contact = get_record(ctx, Contact, contact_id, _("Contact"), Action.CONTACT_EDIT)
        check_version(contact, expected_version)
        apply(contact, validate(CONTACT_FIELDS, values, partial=True))
        contact.phone_e164 = normalize_phone(contact.phone)
        _refresh_client(ctx, contact.client_id)
        uow.commit()
        return view(ContactRecord, contact)


def delete_contact(db: Database, actor: Actor, contact_id: uuid.UUID | str) -> None:
    """Soft-delete a contact person."""
    with writing(db, actor) as (uow, ctx):
        contact = get_record(ctx, Contact, contact_id, _("Contact"), Action.CONTACT_EDIT)
        contact.deleted_at = utcnow()
        _refresh_client(ctx, contact.client_id)
        uow.commit()


def list_contacts(db: Database, actor: Actor, client_id: uuid.UUID | str) -> list[ContactRecord]:
    """A client's contact people."""
    with reading(db, actor) as ctx:
        client = get_record(ctx, Client, client_id, _("Client"))
        rows = ctx.session.scalars(select(Contact).where(
            Contact.client_id == client.id, Contact.deleted_at.is_(None),
            policy.visible(ctx, Contact)).order_by(Contact.name))
        return [view(ContactRecord, c) for c in rows]
