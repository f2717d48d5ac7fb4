"""The window's global search, as you type, within what the user may see: clients,
contacts, deals, documents, products, activity notes, market notes and competitors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db import search_index
from salesdesk.db.engine import Database
from salesdesk.db.models import (
    Activity,
    Appointment,
    Client,
    Competitor,
    Contact,
    Deal,
    Document,
    MarketNote,
    Product,
    User,
)
from salesdesk.domain import (
    ACTIVITY_KIND_LABELS,
    APPOINTMENT_KIND_LABELS,
    DOCUMENT_KIND_LABELS,
    STAGE_LABELS,
    label,
)
from salesdesk.i18n import format_date, format_money
from salesdesk.services.appointments import clock_text
from salesdesk.services.base import reading
from salesdesk.services.clients import live_matching, search_key


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, its id, and two lines of text."""

    kind: str  # client, contact, deal, document, product, activity, appointment, note,
    # competitor
    id: uuid.UUID
    client_id: uuid.UUID | None
    title: str
    subtitle: str


def _matches(columns: list[Any], fragment: str) -> Any:
    """Any of ``columns`` contains the fragment as typed, in lower case or capitalised
    (SQLite folds only Latin letters: "офис" must also find "Офис" and "ОФИС")."""
    forms = dict.fromkeys((fragment, fragment.lower(), fragment.capitalize(),
                           fragment.upper()))
    return or_(*(column.like(f"%{search_index.escape_like(form)}%", escape="\\")
                 for column in columns for form in forms))


def _found(session: Any, model: Any, columns: list[Any], fragment: str) -> Any:
    """Records of ``model`` whose searched text holds ``fragment``: looked up in the
    trigram index where it can answer (:mod:`salesdesk.db.search_index`), else a scan
    of ``columns``."""
    return search_index.found(session, model, fragment, _matches(columns, fragment))


def _snippet(text: str | None, fragment: str, width: int = 70) -> str:
    """The part of a long text around the fragment, on one line."""
    flat = " ".join((text or "").split())
    at = flat.casefold().find(fragment.casefold())
    if at < 0 or len(flat) <= width:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, at - width // 3)
    return ("…" if start else "") + flat[start:start + width] + (
        "…" if start + width < len(flat) else "")


def search_everything(db: Database, actor: Actor, text: str, limit: int = 6) -> list[Hit]:
    """Up to ``limit`` hits of each kind for a fragment (name, INN, phone, e-mail, contact,
    deal title, document number, product name or SKU, activity note, a meeting's or
    call's subject, place, note or outcome, market note, competitor)."""
    fragment = (text or "").strip()
    if len(fragment) < 2:
        return []
    hits: list[Hit] = []
    with reading(db, actor) as ctx:
        session = ctx.session
        for client in session.scalars(
                select(Client).where(*live_matching(session, search_key(fragment)),
                                     policy.visible(ctx, Client))
                .order_by(Client.name_norm).limit(limit)):
            hits.append(Hit("client", client.id, client.id, client.name,
                            " · ".join(x for x in (client.inn, client.city, client.phone) if x)))
        for contact, client_name in session.execute(
                select(Contact, Client.name).join(Client, Client.id == Contact.client_id)
                .where(Contact.deleted_at.is_(None), Client.deleted_at.is_(None),
                       policy.visible(ctx, Contact),
                       _found(session, Contact, [Contact.name, Contact.email], fragment))
                .order_by(Contact.name).limit(limit)):
            hits.append(Hit("contact", contact.id, contact.client_id, contact.name,
                            " · ".join(x for x in (client_name, contact.position,
                                                   contact.phone) if x)))
        for deal, client_name in session.execute(
                select(Deal, Client.name).join(Client, Client.id == Deal.client_id)
                .where(Deal.deleted_at.is_(None), policy.visible(ctx, Deal),
                       _found(session, Deal, [Deal.title], fragment))
                .order_by(Deal.opened_on.desc()).limit(limit)):
            hits.append(Hit("deal", deal.id, deal.client_id, deal.title,
                            f"{client_name} · {label(STAGE_LABELS, deal.stage)} · "
                            f"{format_money(deal.amount)}"))
        for doc, client_name in session.execute(
                select(Document, Client.name).join(Client, Client.id == Document.client_id)
                .where(Document.deleted_at.is_(None), policy.visible(ctx, Document),
                       _found(session, Document, [Document.number], fragment))
                .order_by(Document.doc_date.desc()).limit(limit)):
            hits.append(Hit("document", doc.id, doc.client_id,
                            f"{label(DOCUMENT_KIND_LABELS, doc.kind)} {doc.number}",
                            f"{client_name} · {format_money(doc.total)}"))
        for product in session.scalars(
                select(Product).where(Product.deleted_at.is_(None), Product.active.is_(True),
                                      _found(session, Product, [Product.name, Product.sku,
                                                       Product.description], fragment))
                .order_by(Product.name).limit(limit)):
            hits.append(Hit("product", product.id, None, product.name,
                            " · ".join(x for x in (product.sku, format_money(product.price))
                                       if x)))
        for activity, client_name, user_name in session.execute(
                select(Activity, Client.name, User.name)
                .join(Client, Client.id == Activity.client_id)
                .join(User, User.id == Activity.user_id)
                .where(Activity.deleted_at.is_(None), Client.deleted_at.is_(None),
                       policy.visible(ctx, Activity),
                       _found(session, Activity, [Activity.note], fragment))
                .order_by(Activity.date.desc()).limit(limit)):
            hits.append(Hit("activity", activity.id, activity.client_id,
                            _snippet(activity.note, fragment),
                            f"{client_name} · {label(ACTIVITY_KIND_LABELS, activity.kind)} · "
                            f"{format_date(activity.date)} · {user_name}"))
        for meeting, client_name, user_name in session.execute(
                select(Appointment, Client.name, User.name)
                .join(Client, Client.id == Appointment.client_id)
                .join(User, User.id == Appointment.user_id)
                .where(Appointment.deleted_at.is_(None), Client.deleted_at.is_(None),
                       policy.visible(ctx, Appointment),
                       _found(session, Appointment, [Appointment.subject, Appointment.place,
                                                     Appointment.note, Appointment.outcome],
                              fragment))
                .order_by(Appointment.date.desc(), Appointment.start_minute.desc())
                .limit(limit)):
            hits.append(Hit("appointment", meeting.id, meeting.client_id, meeting.subject,
                            f"{client_name} · "
                            f"{label(APPOINTMENT_KIND_LABELS, meeting.kind)} · "
                            f"{format_date(meeting.date)} {clock_text(meeting.start_minute)}"
                            f" · {user_name}"))
        for note in session.scalars(
                select(MarketNote).where(MarketNote.deleted_at.is_(None),
                                         _found(session, MarketNote,
                                                [MarketNote.title, MarketNote.text], fragment))
                .order_by(MarketNote.date.desc()).limit(limit)):
            hits.append(Hit("note", note.id, None, note.title,
                            f"{format_date(note.date)} · {_snippet(note.text, fragment, 50)}"))
        for competitor in session.scalars(
                select(Competitor).where(Competitor.deleted_at.is_(None),
                                         _found(session, Competitor, [
                                             Competitor.name, Competitor.strengths,
                                             Competitor.weaknesses, Competitor.prices,
                                             Competitor.notes], fragment))
                .order_by(Competitor.name).limit(limit)):
            hits.append(Hit("competitor", competitor.id, None, competitor.name,
                            _snippet(competitor.strengths or competitor.notes
                                     or competitor.website, fragment, 60)))
    return hits
