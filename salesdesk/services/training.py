"""Training and onboarding checklists: assigned by managers and the head, ticked by the
employee, reviewed by whoever assigned them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
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


# --- onboarding templates and progress (issue 19) -----------------------------------------

TEMPLATE_FIELDS: dict[str, Field] = registry.spec("training_templates")
MAX_ITEMS = 100


@dataclass(frozen=True)
class TemplateItem:
    """One item of an onboarding template: due so many days after it is assigned."""

    title: str
    description: str | None
    offset_days: int


@dataclass(frozen=True)
class TemplateRecord:
    """A named onboarding list."""

    id: uuid.UUID
    name: str
    note: str | None
    items: list[TemplateItem]
    version: int


def check_items(items: list[Any]) -> list[dict[str, Any]]:
    """A template's items, each checked as a form checks it (title, description, days
    after assignment from 0 to 3650); every bad one is named by its number."""
    from salesdesk.errors import FieldProblem, ValidationError
    from salesdesk.fields import whole

    if not isinstance(items, list) or not items:
        raise ValidationError(_("Items"), _("a template needs at least one item"))
    if len(items) > MAX_ITEMS:
        raise ValidationError(_("Items"), _("at most {n} items").format(n=MAX_ITEMS))
    out: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for number, item in enumerate(items, 1):
        where = _("Item {n}").format(n=number)
        if not isinstance(item, dict):
            problems.append(FieldProblem(where, _("is not an item")))
            continue
        try:
            title = text(300)(item.get("title") or "")
            if not title:
                raise ValueError(_("the title is required"))
            description = text(5000)(item["description"]) if item.get("description") \
                else None
            offset = whole(0, 3650)(item.get("offset_days", 0))
        except ValueError as exc:
            problems.append(FieldProblem(where, str(exc)))
            continue
        out.append({"title": title, "description": description, "offset_days": offset})
    if problems:
        raise ValidationError(problems)
    return out


def _template(row: Any) -> TemplateRecord:
    items = [TemplateItem(str(i.get("title", "")), i.get("description"),
                          int(i.get("offset_days", 0))) for i in (row.items or [])
             if isinstance(i, dict)]
    return TemplateRecord(row.id, row.name, row.note, items, row.version)


def save_template(db: Database, actor: Actor, values: dict[str, Any], items: list[Any],
                  template_id: uuid.UUID | str | None = None,
                  expected_version: int | None = None) -> TemplateRecord:
    """Make or change an onboarding template (managers and the head); a name is one
    template's."""
    from salesdesk.db.models import TrainingTemplate
    from salesdesk.errors import ValidationError
    from salesdesk.services.base import check_version

    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.TRAINING_ASSIGN)
        data = validate(TEMPLATE_FIELDS, values, partial=template_id is not None)
        checked = check_items(items)
        if template_id is None:
            row = TrainingTemplate(id=uuid.uuid4(), items=checked, **data)
            uow.session.add(row)
        else:
            row = get_record(ctx, TrainingTemplate, template_id, _("Onboarding template"),
                             Action.TRAINING_ASSIGN)
            check_version(row, expected_version)
            for key, value in data.items():
                setattr(row, key, value)
            row.items = checked
        clash = uow.session.scalar(select(TrainingTemplate.id).where(
            TrainingTemplate.deleted_at.is_(None), TrainingTemplate.name == row.name,
            TrainingTemplate.id != row.id))
        if clash is not None:
            raise ValidationError(_("Name"), _("another template is called so"))
        uow.commit()
        return _template(row)


def delete_template(db: Database, actor: Actor, template_id: uuid.UUID | str) -> None:
    """Remove a template (items it assigned stay with their people)."""
    from salesdesk.db.models import TrainingTemplate

    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.TRAINING_ASSIGN)
        row = get_record(ctx, TrainingTemplate, template_id, _("Onboarding template"),
                         Action.TRAINING_ASSIGN)
        row.deleted_at = utcnow()
        uow.commit()


def list_templates(db: Database, actor: Actor) -> list[TemplateRecord]:
    """Every onboarding template, by name."""
    from salesdesk.db.models import TrainingTemplate

    with reading(db, actor) as ctx:
        rows = ctx.session.scalars(select(TrainingTemplate).where(
            TrainingTemplate.deleted_at.is_(None)).order_by(TrainingTemplate.name))
        return [_template(r) for r in rows]


def assign_template(db: Database, actor: Actor, template: uuid.UUID | str,
                    user_id: uuid.UUID | str, start: date | None = None
                    ) -> list[TrainingRecord]:
    """Give an employee a template's items in one step, each due its days after
    ``start`` (today); an item they already have (by title, not removed) is not given
    twice. ``template`` is an id or a name."""
    from datetime import timedelta

    from salesdesk.db.models import TrainingTemplate
    from salesdesk.errors import NotFoundError

    start = start or clock.today()
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.TRAINING_ASSIGN)
        row = None
        try:
            row = ctx.session.get(TrainingTemplate, uuid.UUID(str(template)))
        except ValueError:
            row = ctx.session.scalar(select(TrainingTemplate).where(
                TrainingTemplate.deleted_at.is_(None), TrainingTemplate.name == str(template)))
        if row is None or row.deleted_at is not None:
            raise NotFoundError(_("There is no onboarding template '{name}'.").format(
                name=template))
        user = get_record(ctx, User, user_id, _("User"), Action.TRAINING_ASSIGN)
        policy.require(ctx, Action.TRAINING_ASSIGN, target_user=user)
        have = set(ctx.session.scalars(select(TrainingItem.title).where(
            TrainingItem.user_id == user.id, TrainingItem.deleted_at.is_(None))))
        made = []
        for item in check_items(row.items):
            if item["title"] in have:
                continue
            new = TrainingItem(id=uuid.uuid4(), user_id=user.id, assigned_by_id=ctx.user.id,
                               title=item["title"], description=item["description"],
                               due_date=start + timedelta(days=item["offset_days"]))
            uow.session.add(new)
            made.append(new)
        uow.commit()
        return [_load(uow.session, i) for i in made]


@dataclass(frozen=True)
class TrainingProgress:
    """One employee's training: how much is done, and what is overdue."""

    user_id: uuid.UUID
    login: str
    name: str
    total: int
    done: int
    overdue: list[str]
    """The titles of the items past their due date and not done."""

    @property
    def done_pct(self) -> Decimal | None:
        """Done ÷ total × 100."""
        from salesdesk.metrics.engine import pct

        return pct(self.done, self.total)


def training_progress(db: Database, actor: Actor, today: date | None = None
                      ) -> list[TrainingProgress]:
    """Each employee the actor sees who has training items: done of all, and the items
    overdue today, by name."""
    today = today or clock.today()
    with reading(db, actor) as ctx:
        rows = ctx.session.execute(
            select(User.id, User.login, User.name, TrainingItem.title, TrainingItem.due_date,
                   TrainingItem.done_on)
            .join(TrainingItem, TrainingItem.user_id == User.id)
            .where(TrainingItem.deleted_at.is_(None), policy.visible(ctx, TrainingItem),
                   User.active.is_(True))
            .order_by(User.name, TrainingItem.due_date, TrainingItem.title))
        people: dict[uuid.UUID, dict[str, Any]] = {}
        for uid, login, name, title, due, done in rows:
            entry = people.setdefault(uid, {"login": login, "name": name, "total": 0,
                                            "done": 0, "overdue": []})
            entry["total"] += 1
            if done is not None:
                entry["done"] += 1
            elif due is not None and due < today:
                entry["overdue"].append(title)
        return [TrainingProgress(uid, e["login"], e["name"], e["total"], e["done"],
                                 e["overdue"]) for uid, e in people.items()]
