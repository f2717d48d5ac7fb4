"""This database's identity in the exchange and its hybrid logical clock.

A hybrid logical clock reading is wall-clock milliseconds plus a counter, so that it
follows real time where clocks agree and still orders every change after the changes
it was based on when a laptop's clock is behind. Readings are strings that sort in
clock order: ``"<ms:15>.<counter:06>.<site>"``; the site makes each one unique, which
is what lets a reading name the write that set a field.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesdesk import clock as app_clock
from salesdesk.db.models import SyncSite


def self_site(session: Session, lock: bool = False) -> SyncSite:
    """This database's site row, made on first use (an office until a replica is made
    from it, which marks the new file as a replica)."""
    stmt = select(SyncSite).where(SyncSite.is_self.is_(True))
    if lock:
        stmt = stmt.with_for_update()  # PostgreSQL: one writer at a time ticks the clock
    site = session.scalar(stmt)
    if site is None:
        site = SyncSite(id=uuid.uuid4(), kind="office", is_self=True, name="",
                        hlc_ms=0, hlc_counter=0, acked={})
        session.add(site)
        session.flush()
    return site


def reading(ms: int, counter: int, site: uuid.UUID) -> str:
    """The sortable string of a clock reading."""
    return f"{ms:015d}.{counter:06d}.{site.hex}"


def parse(value: str) -> tuple[int, int]:
    """(milliseconds, counter) of a reading."""
    ms, counter, _site = value.split(".")
    return int(ms), int(counter)


def tick(site: SyncSite, now_ms: int | None = None) -> str:
    """A new reading for a local change (after every reading seen so far)."""
    now = app_clock.now_ms() if now_ms is None else now_ms
    if now > site.hlc_ms:
        site.hlc_ms, site.hlc_counter = now, 0
    else:
        site.hlc_counter += 1
    return reading(site.hlc_ms, site.hlc_counter, site.id)


def observe(site: SyncSite, remote: str) -> None:
    """Move the clock past a reading received from another site."""
    ms, counter = parse(remote)
    if ms > site.hlc_ms or (ms == site.hlc_ms and counter > site.hlc_counter):
        site.hlc_ms, site.hlc_counter = ms, counter
