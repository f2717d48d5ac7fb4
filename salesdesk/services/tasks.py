"""Follow-up tasks with due dates, assigned to a user, linked to a client or a deal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from salesdesk import clock, policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Client, Deal, Task, User
from salesdesk.db.types import utcnow
from salesdesk.fields import Field, validate
from salesdesk.i18n import _
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import (
    apply,
    check_version,
    get_record,
    names_of,
    reading,
    sorted_by,
    writing,
)

TASK_FIELDS: dict[str, Field] = registry.spec("tasks")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class TaskRecord:
    """A task with the names a list shows."""

    id: uuid.UUID
    title: str
    due_date: date
    done_on: date | None
    note: str | None
    assignee_id: uuid.UUID
    assignee_name: str
    client_id: uuid.UUID | None
    client_name: str | None
    deal_id: uuid.UUID | None
    version: int

    def is_overdue(self, today: date) -> bool:
        """Not done and past its due date."""
        return self.done_on is None and self.due_date < today


def _assignee(ctx: Ctx, assignee_id: uuid.UUID | str | None) -> User:
    if assignee_id is None or assignee_id == ctx.user.id:
        return ctx.user
    user = get_record(ctx, User, assignee_id, _("User"), Action.TASK_EDIT, include_deleted=True)
    if not policy.in_scope(ctx, user.id) or not user.active:
        raise policy.deny(Action.TASK_EDIT, _("{name} is not in your team.").format(
            name=user.name))
    return user


def create_task(db: Database, actor: Actor, values: dict[str, Any],
                assignee_id: uuid.UUID | str | None = None,
                client_id: uuid.UUID | str | None = None,
                deal_id: uuid.UUID | str | None = None) -> TaskRecord:
    """A follow-up for oneself (or, for a manager or the head, for a team member)."""
    with writing(db, actor) as (uow, ctx):
        data = validate(TASK_FIELDS, values)
        assignee = _assignee(ctx, assignee_id)
        client = (get_record(ctx, Client, client_id, _("Client"), Action.TASK_EDIT)
                  if client_id else None)
        deal = get_record(ctx, Deal, deal_id, _("Deal"), Action.TASK_EDIT) if deal_id else None
        if deal is not None and client is None:
            client = uow.session.get(Client, deal.client_id)
        task = Task(id=uuid.uuid4(), assignee_id=assignee.id, created_by_id=ctx.user.id,
                    client_id=client.id if client else None, deal_id=deal.id if deal else None,
                    **data)
        uow.session.add(task)
        uow.commit()
        return _record(task, assignee.name, client.name if client else None)


def update_task(db: Database, actor: Actor, task_id: uuid.UUID | str, values: dict[str, Any],
                expected_version: int | None = None) -> TaskRecord:
    """Change a task's title, due date or note."""
    with writing(db, actor) as (uow, ctx):
        task = get_record(ctx, Task, task_id, _("Task"), Action.TASK_EDIT)
        check_version(task, expected_version)
        apply(task, validate(TASK_FIELDS, values, partial=True), keep=("title", "due_date"))
        uow.commit()
        return _load(uow.session, task)


def set_task_done(db: Database, actor: Actor, task_id: uuid.UUID | str, done: bool,
                  on: date | None = None) -> TaskRecord:
    """Tick a task done (today by default) or reopen it."""
    with writing(db, actor) as (uow, ctx):
        task = get_record(ctx, Task, task_id, _("Task"), Action.TASK_EDIT)
        task.done_on = (on or clock.today()) if done else None
        uow.commit()
        return _load(uow.session, task)


def get_task(db: Database, actor: Actor, task_id: uuid.UUID | str) -> TaskRecord:
    """One task the actor may see."""
    with reading(db, actor) as ctx:
        return _load(ctx.session, get_record(ctx, Task, task_id, _("Task")))


def delete_task(db: Database, actor: Actor, task_id: uuid.UUID | str) -> None:
    """Soft-delete a task."""
    with writing(db, actor) as (uow, ctx):
        task = get_record(ctx, Task, task_id, _("Task"), Action.TASK_EDIT)
        task.deleted_at = utcnow()
        uow.commit()


def _record(task: Task, assignee_name: str, client_name: str | None) -> TaskRecord:
    return TaskRecord(id=task.id, title=task.title, due_date=task.due_date, done_on=task.done_on,
                      note=task.note, assignee_id=task.assignee_id, assignee_name=assignee_name,
                      client_id=task.client_id, client_name=client_name, deal_id=task.deal_id,
                      version=task.version)


def _load(session: Any, task: Task) -> TaskRecord:
    names = names_of(session, {task.assignee_id})
    client = session.get(Client, task.client_id) if task.client_id else None
    return _record(task, names.get(task.assignee_id, ""), client.name if client else None)


def list_tasks(db: Database, actor: Actor, mine_only: bool = True, include_done: bool = False,
               overdue_only: bool = False, client_id: uuid.UUID | str | None = None,
               due_to: date | None = None, today: date | None = None,
               sort: str | None = None, descending: bool = False) -> list[TaskRecord]:
    """Tasks by due date (or by ``sort``, one of :data:`TASK_SORTS`): the actor's own by
    default, or every visible one."""
    today = today or clock.today()
    with reading(db, actor) as ctx:
        stmt = (select(Task, User.name, Client.name).join(User, User.id == Task.assignee_id)
                .outerjoin(Client, Client.id == Task.client_id)
                .where(Task.deleted_at.is_(None), policy.visible(ctx, Task)))
        if mine_only:
            stmt = stmt.where(Task.assignee_id == ctx.user.id)
        if not include_done:
            stmt = stmt.where(Task.done_on.is_(None))
        if overdue_only:
            stmt = stmt.where(Task.due_date < today, Task.done_on.is_(None))
        if due_to is not None:
            stmt = stmt.where(Task.due_date <= due_to)
        if client_id is not None:
            client = get_record(ctx, Client, client_id, _("Client"))
            stmt = stmt.where(Task.client_id == client.id)
        stmt = sorted_by(stmt, TASK_SORTS, sort, descending, (Task.due_date, Task.title),
                         Task.id)
        return [_record(t, uname, cname) for t, uname, cname in ctx.session.execute(stmt)]


TASK_SORTS = {"title": Task.title, "due": Task.due_date, "done": Task.done_on,
              "client": Client.name, "assignee": User.name, "note": Task.note}
"""The columns a task list sorts by."""
