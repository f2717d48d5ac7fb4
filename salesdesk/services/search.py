"""The window's global search: clients, contacts, deals and documents, as you type,
within what the user may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Client, Contact, Deal, Document
from salesdesk.domain import DOCUMENT_KIND_LABELS, STAGE_LABELS, label
from salesdesk.i18n import format_money
from salesdesk.services.base import reading
from salesdesk.services.clients import _escape_like, search_key


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, its id, and two lines of text."""

    kind: str  # client, contact, deal, document
    id: uuid.UUID
    client_id: uuid.UUID | None
    title: str
    subtitle: str


def search_everything(db: Database, actor: Actor, text: str, limit: int = 6) -> list[Hit]:
    """Up to ``limit`` hits of each kind for a fragment (name, INN, phone, e-mail, contact,
    deal title, document number)."""
    fragment = (text or "").strip()
    if len(fragment) < 2:
        return []
    key = f"%{_escape_like(search_key(fragment))}%"
    plain = f"%{_escape_like(fragment)}%"
    hits: list[Hit] = []
    with reading(db, actor) as ctx:
        session = ctx.session
        for client in session.scalars(
                select(Client).where(Client.deleted_at.is_(None), policy.visible(ctx, Client),
                                     Client.search_text.like(key, escape="\\"))
                .order_by(Client.name_norm).limit(limit)):
            hits.append(Hit("client", client.id, client.id, client.name,
                            " · ".join(x for x in (client.inn, client.city, client.phone) if x)))
        for contact, client_name in session.execute(
                select(Contact, Client.name).join(Client, Client.id == Contact.client_id)
                .where(Contact.deleted_at.is_(None), Client.deleted_at.is_(None),
                       policy.visible(ctx, Contact),
                       or_(Contact.name.like(plain, escape="\\"),
                           Contact.email.like(plain, escape="\\")))
                .order_by(Contact.name).limit(limit)):
            hits.append(Hit("contact", contact.id, contact.client_id, contact.name,
                            " · ".join(x for x in (client_name, contact.position,
                                                   contact.phone) if x)))
        for deal, client_name in session.execute(
                select(Deal, Client.name).join(Client, Client.id == Deal.client_id)
                .where(Deal.deleted_at.is_(None), policy.visible(ctx, Deal),
                       Deal.title.like(plain, escape="\\"))
                .order_by(Deal.opened_on.desc()).limit(limit)):
            hits.append(Hit("deal", deal.id, deal.client_id, deal.title,
                            f"{client_name} · {label(STAGE_LABELS, deal.stage)} · "
                            f"{format_money(deal.amount)}"))
        for doc, client_name in session.execute(
                select(Document, Client.name).join(Client, Client.id == Document.client_id)
                .where(Document.deleted_at.is_(None), policy.visible(ctx, Document),
                       Document.number.like(f"%{_escape_like(fragment.upper())}%",
                                            escape="\\"))
                .order_by(Document.doc_date.desc()).limit(limit)):
            hits.append(Hit("document", doc.id, doc.client_id,
                            f"{label(DOCUMENT_KIND_LABELS, doc.kind)} {doc.number}",
                            f"{client_name} · {format_money(doc.total)}"))
    return hits
