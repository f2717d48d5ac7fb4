"""Export of clients, deals, activities and invoices: only what the caller may see.

The column names are the import format's, so an exported file imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Activity, Client, Deal, Document, User
from salesdesk.errors import ValidationError
from salesdesk.files import atomic_target
from salesdesk.i18n import _
from salesdesk.policy import Ctx
from salesdesk.record_kinds import EXPORT_FORMAT_KINDS
from salesdesk.services.base import reading
from salesdesk.tabular import write_table

KINDS = EXPORT_FORMAT_KINDS

HEADERS = {
    "clients": ["name", "inn", "kpp", "segment", "source", "owner", "email", "phone", "city",
                "address", "created", "status", "market", "key_client", "website"],
    "deals": ["client", "title", "owner", "amount", "stage", "opened", "closed",
              "expected_close", "lost_reason"],
    "activities": ["client", "user", "kind", "date", "note"],
    "invoices": ["number", "date", "client", "client_inn", "status", "total", "vat", "paid",
                 "due_date", "owner"],
}


def _client_ref(name: str, inn: str | None) -> str:
    return inn or name


def _rows(ctx: Ctx, kind: str) -> Iterator[list[Any]]:
    session = ctx.session
    if kind == "clients":
        stmt = (select(Client, User.login).join(User, User.id == Client.owner_id)
                .where(Client.deleted_at.is_(None), policy.visible(ctx, Client))
                .order_by(Client.name_norm).execution_options(yield_per=2000))
        for c, login in session.execute(stmt):
            yield [c.name, c.inn, c.kpp, c.segment, c.source, login, c.email, c.phone, c.city,
                   c.address, c.created_at.date(), c.status, c.market, c.priority, c.website]
    elif kind == "deals":
        stmt = (select(Deal, Client.name, Client.inn, User.login)
                .join(Client, Client.id == Deal.client_id).join(User, User.id == Deal.owner_id)
                .where(Deal.deleted_at.is_(None), policy.visible(ctx, Deal))
                .order_by(Deal.opened_on, Deal.id).execution_options(yield_per=2000))
        for d, cname, inn, login in session.execute(stmt):
            yield [_client_ref(cname, inn), d.title, login, d.amount, d.stage, d.opened_on,
                   d.closed_on, d.expected_close, d.lost_reason]
    elif kind == "activities":
        stmt = (select(Activity, Client.name, Client.inn, User.login)
                .join(Client, Client.id == Activity.client_id)
                .join(User, User.id == Activity.user_id)
                .where(Activity.deleted_at.is_(None), policy.visible(ctx, Activity))
                .order_by(Activity.date, Activity.id).execution_options(yield_per=5000))
        for a, cname, inn, login in session.execute(stmt):
            yield [_client_ref(cname, inn), login, a.kind, a.date, a.note]
    else:
        owner = aliased(User)
        stmt = (select(Document, Client.name, Client.inn, owner.login)
                .join(Client, Client.id == Document.client_id)
                .join(owner, owner.id == Document.owner_id)
                .where(Document.deleted_at.is_(None), Document.kind == "invoice",
                       Document.number.is_not(None), policy.visible(ctx, Document))
                .order_by(Document.doc_date, Document.number))
        for doc, cname, inn, login in session.execute(stmt):
            yield [doc.number, doc.doc_date, cname, inn, doc.status, doc.total, doc.vat_total,
                   doc.paid_total, doc.due_date, login]


def export_file(db: Database, actor: Actor, kind: str, path: Path) -> int:
    """Write the records of ``kind`` the actor may see to ``.csv`` or ``.xlsx``; returns
    the number of rows."""
    if kind not in KINDS:
        raise ValidationError(_("Kind"), _("must be one of {rates}").format(
            rates=", ".join(KINDS)))
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationError(path.name, _("must be a .csv or .xlsx file"))
    with reading(db, actor) as ctx, atomic_target(path) as tmp:
        # Written beside the target and renamed: a failed export leaves no half file.
        count = write_table(tmp, HEADERS[kind], _rows(ctx, kind), suffix=path.suffix)
    from salesdesk import events

    events.log_event(db, actor.id, events.EXPORT, kind, details={
        "file": path.name, "rows": count, "format": path.suffix.lower().lstrip(".")})
    return count
