"""What the window's choosers and filters list (people, competitors, products, the
values of client fields, channels, report months), read once in the background.

Forms and page filters are built from :class:`Lookups` instead of asking the database
while they are being made: that would be a query on the GUI thread each time a form
opens. The context keeps one copy, loaded with the session and read again in the
background when a write changes what it lists (see :mod:`salesdesk_ui.changes`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from salesdesk import clock
from salesdesk.auth import Actor
from salesdesk.db.engine import Database

PARTS_OF = {"users": ("users",), "market": ("competitors",), "products": ("products",),
            "clients": ("client_values", "channels"), "spend": ("channels",)}
"""Which lists a write of each kind of record changes (the others are not read again)."""

LOOKUP_KINDS = frozenset(PARTS_OF)
"""The kinds of change after which some of the lookups are read again."""


def parts_for(kinds: Iterable[str]) -> list[str]:
    """The lists of :class:`Lookups` that a change of ``kinds`` makes stale."""
    return sorted({part for kind in kinds for part in PARTS_OF.get(kind, ())})


@dataclass(frozen=True)
class Lookups:
    """The lists the window chooses from, as of their last reading."""

    users: list[Any] = field(default_factory=list)
    """Every user the actor may see (``UserRecord``), active or not."""
    competitors: list[Any] = field(default_factory=list)
    """Live competitors (``CompetitorRecord``), by name."""
    products: list[Any] = field(default_factory=list)
    """Active products (``ProductRecord``), by name."""
    client_values: dict[str, list[str]] = field(default_factory=dict)
    """The distinct segments, sources, markets and cities of the visible clients."""
    channels: list[str] = field(default_factory=list)
    """Marketing channels of spend entries and client sources."""
    report_months: list[date] = field(default_factory=list)
    """Months one can report on, newest first."""

    @property
    def people(self) -> list[tuple[Any, str]]:
        """Active users as ``(id, name)`` choices."""
        return [(u.id, u.name) for u in self.users if u.active]

    def me(self, login: str) -> Any | None:
        """The user record of ``login``, if visible."""
        return next((u for u in self.users if u.login == login), None)


def _readers() -> dict[str, Callable[[Database, Actor], Any]]:
    from salesdesk.services import clients, market, planning, products, users
    from salesdesk.services.reports import report_months

    return {
        "users": users.list_users,
        "competitors": market.list_competitors,
        "products": products.list_products,
        "client_values": clients.filter_values,
        "channels": planning.channels,
        "report_months": lambda db, actor: (report_months(db, actor, clock.today())
                                            if actor.role in ("head", "manager") else []),
    }


def read_parts(db: Database, actor: Actor, parts: Iterable[str]) -> dict[str, Any]:
    """Read some of the lists (runs on the worker): name -> value, for
    :func:`dataclasses.replace` on the context's copy."""
    readers = _readers()
    return {part: readers[part](db, actor) for part in parts}


def load_lookups(db: Database, actor: Actor) -> Lookups:
    """Read every list of :class:`Lookups` (runs on the worker)."""
    return Lookups(**read_parts(db, actor, [f.name for f in fields(Lookups)]))
