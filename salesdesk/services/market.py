"""Competitors and market notes: everybody reads, managers and the head edit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from salesdesk import clock, policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Competitor, MarketNote, User
from salesdesk.db.types import utcnow
from salesdesk.fields import Field, validate
from salesdesk.i18n import _
from salesdesk.policy import Action
from salesdesk.services.base import apply, check_version, get_record, reading, view, writing

COMPETITOR_FIELDS: dict[str, Field] = registry.spec("competitors")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""

NOTE_FIELDS: dict[str, Field] = registry.spec("market_notes")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class CompetitorRecord:
    """A competitor."""

    id: uuid.UUID
    name: str
    website: str | None
    strengths: str | None
    weaknesses: str | None
    prices: str | None
    notes: str | None
    version: int


@dataclass(frozen=True)
class MarketNoteRecord:
    """A dated market note."""

    id: uuid.UUID
    competitor_id: uuid.UUID | None
    competitor_name: str | None
    author_name: str
    date: date
    title: str
    text: str | None
    version: int


def create_competitor(db: Database, actor: Actor, values: dict[str, Any]) -> CompetitorRecord:
    """Add a competitor."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.MARKET_EDIT)
        competitor = Competitor(id=uuid.uuid4(), **validate(COMPETITOR_FIELDS, values))
        uow.session.add(competitor)
        uow.commit()
        return view(CompetitorRecord, competitor)


def update_competitor(db: Database, actor: Actor, competitor_id: uuid.UUID | str,
                      values: dict[str, Any], expected_version: int | None = None
                      ) -> CompetitorRecord:
    """Change what is known about a competitor."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.MARKET_EDIT)
        competitor = get_record(ctx, Competitor, competitor_id, _("Competitor"),
                                Action.MARKET_EDIT)
        check_version(competitor, expected_version)
        apply(competitor, validate(COMPETITOR_FIELDS, values, partial=True), keep=("name",))
        uow.commit()
        return view(CompetitorRecord, competitor)


def delete_competitor(db: Database, actor: Actor, competitor_id: uuid.UUID | str) -> None:
    """Soft-delete a competitor."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.MARKET_EDIT)
        competitor = get_record(ctx, Competitor, competitor_id, _("Competitor"),
                                Action.MARKET_EDIT)
        competitor.deleted_at = utcnow()
        uow.commit()


def list_competitors(db: Database, actor: Actor) -> list[CompetitorRecord]:
    """Every competitor, by name."""
    with reading(db, actor) as ctx:
        rows = ctx.session.scalars(select(Competitor).where(Competitor.deleted_at.is_(None))
                                   .order_by(Competitor.name))
        return [view(CompetitorRecord, c) for c in rows]


def add_note(db: Database, actor: Actor, values: dict[str, Any],
             competitor_id: uuid.UUID | str | None = None) -> MarketNoteRecord:
    """Write a market note, optionally about one competitor."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.MARKET_EDIT)
        data = validate(NOTE_FIELDS, values)
        competitor = (get_record(ctx, Competitor, competitor_id, _("Competitor"))
                      if competitor_id else None)
        note = MarketNote(id=uuid.uuid4(), author_id=ctx.user.id,
                          competitor_id=competitor.id if competitor else None, **data)
        note.date = note.date or clock.today()
        uow.session.add(note)
        uow.commit()
        return view(MarketNoteRecord, note, competitor_name=competitor.name if competitor
                    else None, author_name=ctx.user.name)


def update_note(db: Database, actor: Actor, note_id: uuid.UUID | str, values: dict[str, Any],
                expected_version: int | None = None) -> None:
    """Change a market note."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.MARKET_EDIT)
        note = get_record(ctx, MarketNote, note_id, _("Note"), Action.MARKET_EDIT)
        check_version(note, expected_version)
        apply(note, validate(NOTE_FIELDS, values, partial=True), keep=("title", "date"))
        uow.commit()


def delete_note(db: Database, actor: Actor, note_id: uuid.UUID | str) -> None:
    """Soft-delete a market note."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.MARKET_EDIT)
        note = get_record(ctx, MarketNote, note_id, _("Note"), Action.MARKET_EDIT)
        note.deleted_at = utcnow()
        uow.commit()


def list_notes(db: Database, actor: Actor, competitor_id: uuid.UUID | None = None
               ) -> list[MarketNoteRecord]:
    """Market notes, newest first."""
    with reading(db, actor) as ctx:
        stmt = (select(MarketNote, Competitor.name, User.name)
                .outerjoin(Competitor, Competitor.id == MarketNote.competitor_id)
                .join(User, User.id == MarketNote.author_id)
                .where(MarketNote.deleted_at.is_(None)))
        if competitor_id:
            stmt = stmt.where(MarketNote.competitor_id == competitor_id)
        rows = ctx.session.execute(stmt.order_by(MarketNote.date.desc()))
        return [view(MarketNoteRecord, n, competitor_name=c, author_name=a) for n, c, a in rows]
