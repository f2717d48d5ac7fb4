"""What every page needs: the open database, who is logged in, the company, settings,
and the lists its choosers show."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QSettings

from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.services.company import CompanyRecord, get_company

from .lookups import Lookups, load_lookups


@dataclass
class AppContext:
    """The session of the window: database, actor, company details, settings."""

    db: Database
    actor: Actor
    company: CompanyRecord
    settings: QSettings = field(default_factory=lambda: QSettings("SalesDesk", "SalesDesk"))
    lookups: Lookups = field(default_factory=Lookups)

    @property
    def role(self) -> str:
        """head, manager or rep."""
        return self.actor.role

    @property
    def is_head(self) -> bool:
        """The head of sales."""
        return self.actor.role == "head"

    @property
    def can_manage(self) -> bool:
        """A manager or the head (catalogue, market, payments, cancelling)."""
        return self.actor.role in ("head", "manager")



def open_session(db: Database, actor: Actor, settings: QSettings | None = None
                 ) -> AppContext:
    """Everything the window needs before its first paint, read at once (run it on the
    worker: the company's details and the lookups)."""
    ctx = AppContext(db, actor, get_company(db, actor), lookups=load_lookups(db, actor))
    if settings is not None:
        ctx.settings = settings
    return ctx
