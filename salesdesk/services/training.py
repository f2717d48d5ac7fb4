"""Training and onboarding checklists: assigned by managers and the head, ticked by the
employee, reviewed by whoever assigned them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from salesdesk import clock, policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import TrainingItem, User
from salesdesk.db.types import utcnow
from salesdesk.fields import Field, text, validate
from salesdesk.i18n import _
from salesdesk.policy import Action
from salesdesk.services.base import get_record, names_of, reading, view, writing

TRAINING_FIELDS: dict[str, Field] = registry.spec("training_items")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class TrainingRecord:
    """One checklist item."""

    id: uuid.UUID
    user_id: uuid.UUID
    user_name: str
    assigned_by_name: str
    title: str
    description: str | None
    due_date: date | None
    done_on: date | None
    reviewed: bool
    review_note: str | None
    version: int


def _load(session: Any, item: TrainingItem) -> TrainingRecord:
    names = names_of(session, {item.user_id, item.assigned_by_id})
    return view(TrainingRecord, item, user_name=names.get(item.user_id, ""),
                assigned_by_name=names.get(item.assigned_by_id, ""))


def assign_training(db: Database, actor: Actor, user_id: uuid.UUID | str,
                    values: dict[str, Any]) -> TrainingRecord:
    """Add an item to an employee's checklist (a manager for their representatives, the
    head for anyone)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.TRAINING_ASSIGN)
        user = get_record(ctx, User, user_id, _("User"), Action.TRAINING_ASSIGN)
        policy.require(ctx, Action.TRAINING_ASSIGN, target_user=user)
        item = TrainingItem(id=uuid.uuid4(), user_id=user.id, assigned_by_id=ctx.user.id,
                            **validate(TRAINING_FIELDS, values))
        uow.session.add(item)
        uow.commit()
        return _load(uow.session, item)


def tick_training(db: Database, actor: Actor, item_id: uuid.UUID | str, done: bool,
                  on: date | None = None) -> TrainingRecord:
    """The employee ticks (or unticks) their own item; the head may tick anyone's."""
    with writing(db, actor) as (uow, ctx):
        item = get_record(ctx, TrainingItem, item_id, _("Training item"), Action.TRAINING_TICK)
        if item.user_id != ctx.user.id and not ctx.is_head:
            raise policy.deny(Action.TRAINING_TICK, _("Only the employee ticks their own "
                                                      "items."))
        item.done_on = (on or clock.today()) if done else None
        if not done:
            item.reviewed = False
        uow.commit()
        return _load(uow.session, item)


def review_training(db: Database, actor: Actor, item_id: uuid.UUID | str, note: str | None,
                    accepted: bool = True) -> TrainingRecord:
    """The manager (or the head) reviews an item of their representative."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.TRAINING_REVIEW)
        item = get_record(ctx, TrainingItem, item_id, _("Training item"),
                          Action.TRAINING_REVIEW)
        user = uow.session.get(User, item.user_id)
        policy.require(ctx, Action.TRAINING_REVIEW, target_user=user)
        item.reviewed = accepted
        item.reviewed_by_id = ctx.user.id
        item.review_note = text(2000)(note) if note else None
        if not accepted:
            item.done_on = None  # sent back: the employee does it again
        uow.commit()
        return _load(uow.session, item)


def delete_training(db: Database, actor: Actor, item_id: uuid.UUID | str) -> None:
    """Remove an item (who may assign it may remove it)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.TRAINING_ASSIGN)
        item = get_record(ctx, TrainingItem, item_id, _("Training item"),
                          Action.TRAINING_ASSIGN)
        user = uow.session.get(User, item.user_id)
        policy.require(ctx, Action.TRAINING_ASSIGN, target_user=user)
        item.deleted_at = utcnow()
        uow.commit()


def list_training(db: Database, actor: Actor, user_id: uuid.UUID | None = None
                  ) -> list[TrainingRecord]:
    """Checklist items the actor may see: their own, their team's, or everyone's."""
    with reading(db, actor) as ctx:
        stmt = select(TrainingItem).where(TrainingItem.deleted_at.is_(None),
                                          policy.visible(ctx, TrainingItem))
        if user_id is not None:
            stmt = stmt.where(TrainingItem.user_id == user_id)
        items = list(ctx.session.scalars(stmt.order_by(TrainingItem.due_date,
                                                       TrainingItem.title)))
        names = names_of(ctx.session, {i.user_id for i in items}
                         | {i.assigned_by_id for i in items})
        return [view(TrainingRecord, i, user_name=names.get(i.user_id, ""),
                     assigned_by_name=names.get(i.assigned_by_id, "")) for i in items]
