"""The first steps of a new office, and which are done: the dashboard's "Getting started"
checklist until they all are.

Each step is read from what the database holds (not ticked by hand), so that a step done
any way at all — the wizard, the command line, an import, a laptop's sync — counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Client, Company, Document, Product, Target, User
from salesdesk.i18n import N_, _
from salesdesk.policy import HEAD, MANAGER, REP
from salesdesk.services.base import reading


@dataclass(frozen=True)
class StartStep:
    """One step of the checklist."""

    key: str
    """company, team, clients, products, targets, document."""
    title: str
    hint: str
    done: bool
    page: str
    """The window's page where it is done."""


STEPS = (
    ("company", N_("Fill in the company's details"),
     N_("INN, KPP, bank and BIK: invoices print them."), "settings", (HEAD,)),
    ("team", N_("Add your team"),
     N_("Managers and representatives, each with a login of their own."), "team", (HEAD,)),
    ("clients", N_("Bring your clients in"),
     N_("Import the list from Excel, 1С, amoCRM or Bitrix24, or add the first client."),
     "clients", (HEAD, MANAGER, REP)),
    ("products", N_("Fill the product catalogue"),
     N_("Proposals and invoices take names and prices from it."), "products",
     (HEAD, MANAGER)),
    ("targets", N_("Set the monthly targets"),
     N_("Plan attainment on the dashboard and in the report compares with them."), "team",
     (HEAD, MANAGER)),
    ("document", N_("Make the first proposal or invoice"),
     N_("From a client's card or the Documents page."), "documents", (HEAD, MANAGER, REP)),
)
"""key, title, hint, page, the roles whose checklist has it."""


def first_steps(db: Database, actor: Actor) -> list[StartStep]:
    """The actor's checklist with what is done (the head's is the office's)."""
    with reading(db, actor) as ctx:
        session = ctx.session

        def has(*conditions: object) -> bool:
            return bool(session.scalar(select(exists().where(*conditions))))

        company = session.scalar(select(Company).where(Company.deleted_at.is_(None)))
        done = {
            "company": bool(company is not None and company.inn and company.bik
                            and company.settlement_account),
            "team": int(session.scalar(select(func.count(User.id)).where(
                User.active.is_(True))) or 0) > 1,
            "clients": has(Client.deleted_at.is_(None), policy.visible(ctx, Client)),
            "products": has(Product.deleted_at.is_(None)),
            "targets": has(Target.deleted_at.is_(None)),
            "document": has(Document.deleted_at.is_(None), policy.visible(ctx, Document)),
        }
        return [StartStep(key, _(title), _(hint), done[key], page)
                for key, title, hint, page, roles in STEPS if actor.role in roles]
