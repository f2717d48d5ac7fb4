"""What every page needs: the open database, who is logged in, the company, settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QSettings

from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.services.company import CompanyRecord, get_company


@dataclass
class AppContext:
    """The session of the window: database, actor, company details, settings."""

    db: Database
    actor: Actor
    company: CompanyRecord
    settings: QSettings = field(default_factory=lambda: QSettings("SalesDesk", "SalesDesk"))

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

    def reload_company(self) -> None:
        """Read the company's details again (after Settings saved them)."""
        self.company = get_company(self.db, self.actor)
