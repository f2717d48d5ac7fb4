"""Activities (calls, meetings, e-mails, messages, presentations) and client requests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select

from salesdesk import clock, policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Activity, Client, User
from salesdesk.db.types import utcnow
from salesdesk.errors import ValidationError
from salesdesk.fields import Field, text, validate
from salesdesk.i18n import _
from salesdesk.policy import Action
from salesdesk.services.base import apply, check_version, get_record, reading, writing

ACTIVITY_FIELDS: dict[str, Field] = registry.spec("activities")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class ActivityRecord:
    """An activity with its client's and its author's names."""

    id: uuid.UUID
    client_id: uuid.UUID
    client_name: str
    user_id: uuid.UUID
    user_name: str
    kind: str
    date: date
    note: str | None
    request_status: str | None
    answer_by: date | None
    answered_on: date | None
    answer: str | None
    version: int

    def is_overdue(self, today: date) -> bool:
        """An open request past its answer-by date."""
        return (self.kind == "request" and self.request_status == "open"
                and self.answer_by is not None and self.answer_by < today)


def _check(activity: Activity) -> None:
    if activity.kind == "request":
        if activity.request_status is None:
            activity.request_status = "open"
        if activity.answer_by is None:
            activity.answer_by = activity.date + timedelta(days=1)
        if activity.answer_by < activity.date:
            raise ValidationError(_("Answer by"), _("cannot be before the request's date"))
    else:
        activity.request_status = None
        activity.answer_by = None


def log_activity(db: Database, actor: Actor, client_id: uuid.UUID | str,
                 values: dict[str, Any]) -> ActivityRecord:
    """Log a contact with a client the actor may see; a request starts open with an
    answer-by date (the next day unless given)."""
    with writing(db, actor) as (uow, ctx):
        client = get_record(ctx, Client, client_id, _("Client"), Action.ACTIVITY_LOG)
        data = validate(ACTIVITY_FIELDS, values)
        activity = Activity(id=uuid.uuid4(), client_id=client.id, user_id=ctx.user.id, **data)
        _check(activity)
        uow.session.add(activity)
        uow.commit()
        return _record(activity, client.name, ctx.user.name)


def update_activity(db: Database, actor: Actor, activity_id: uuid.UUID | str,
                    values: dict[str, Any], expected_version: int | None = None
                    ) -> ActivityRecord:
    """Edit an activity (own, on own clients, or the team's)."""
    with writing(db, actor) as (uow, ctx):
        activity = get_record(ctx, Activity, activity_id, _("Activity"), Action.ACTIVITY_EDIT)
        check_version(activity, expected_version)
        apply(activity, validate(ACTIVITY_FIELDS, values, partial=True), keep=("kind", "date"))
        _check(activity)
        uow.commit()
        return _load(uow.session, activity)


def answer_request(db: Database, actor: Actor, activity_id: uuid.UUID | str, answer: str,
                   answered_on: date | None = None, close: bool = False) -> ActivityRecord:
    """Record the answer to a client request (and close it when nothing is left to do)."""
    with writing(db, actor) as (uow, ctx):
        activity = get_record(ctx, Activity, activity_id, _("Activity"), Action.ACTIVITY_EDIT)
        if activity.kind != "request":
            raise ValidationError(_("Kind"), _("only a client request can be answered"))
        activity.answer = text(10000)(answer) if answer else None
        activity.answered_on = answered_on or clock.today()
        # The moment of the answer (the answer time in hours); a backdated answer has
        # no moment to go by.
        activity.answered_at = clock.utcnow() if activity.answered_on == clock.today() \
            else None
        activity.request_status = "closed" if close else "answered"
        uow.commit()
        return _load(uow.session, activity)


def delete_activity(db: Database, actor: Actor, activity_id: uuid.UUID | str) -> None:
    """Soft-delete an activity."""
    with writing(db, actor) as (uow, ctx):
        activity = get_record(ctx, Activity, activity_id, _("Activity"), Action.ACTIVITY_EDIT)
        activity.deleted_at = utcnow()
        uow.commit()


def _record(activity: Activity, client_name: str, user_name: str) -> ActivityRecord:
    return ActivityRecord(
        id=activity.id, client_id=activity.client_id, client_name=client_name,
        user_id=activity.user_id, user_name=user_name, kind=activity.kind, date=activity.date,
        note=activity.note, request_status=activity.request_status,
        answer_by=activity.answer_by, answered_on=activity.answered_on, answer=activity.answer,
        version=activity.version)


def _load(session: Any, activity: Activity) -> ActivityRecord:
    client = session.get(Client, activity.client_id)
    user = session.get(User, activity.user_id)
    return _record(activity, client.name if client else "", user.name if user else "")


def list_activities(db: Database, actor: Actor, client_id: uuid.UUID | str | None = None,
                    user_id: uuid.UUID | None = None, date_from: date | None = None,
                    date_to: date | None = None, kinds: tuple[str, ...] | None = None,
                    offset: int = 0, limit: int | None = 500) -> list[ActivityRecord]:
    """Visible activities, newest first (a client's timeline, a user's day)."""
    with reading(db, actor) as ctx:
        stmt = (select(Activity, Client.name, User.name)
                .join(Client, Client.id == Activity.client_id)
                .join(User, User.id == Activity.user_id)
                .where(Activity.deleted_at.is_(None), policy.visible(ctx, Activity)))
        if client_id is not None:
            client = get_record(ctx, Client, client_id, _("Client"))
            stmt = stmt.where(Activity.client_id == client.id)
        if user_id is not None:
            stmt = stmt.where(Activity.user_id == user_id)
        if date_from is not None:
            stmt = stmt.where(Activity.date >= date_from)
        if date_to is not None:
            stmt = stmt.where(Activity.date <= date_to)
        if kinds:
            stmt = stmt.where(Activity.kind.in_(kinds))
        stmt = stmt.order_by(Activity.date.desc(), Activity.created_at.desc()).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_record(a, cname, uname) for a, cname, uname in ctx.session.execute(stmt)]


def open_requests(db: Database, actor: Actor, today: date | None = None,
                  overdue_only: bool = False, mine_only: bool = False) -> list[ActivityRecord]:
    """Client requests not yet answered, oldest deadline first; ``mine_only`` keeps the
    ones the actor logged or whose client they own."""
    today = today or clock.today()
    with reading(db, actor) as ctx:
        stmt = (select(Activity, Client.name, User.name)
                .join(Client, Client.id == Activity.client_id)
                .join(User, User.id == Activity.user_id)
                .where(Activity.deleted_at.is_(None), Activity.kind == "request",
                       Activity.request_status == "open", policy.visible(ctx, Activity)))
        if overdue_only:
            stmt = stmt.where(Activity.answer_by < today)
        if mine_only:
            stmt = stmt.where(or_(Activity.user_id == ctx.user.id,
                                  Client.owner_id == ctx.user.id))
        stmt = stmt.order_by(Activity.answer_by, Activity.date)
        return [_record(a, cname, uname) for a, cname, uname in ctx.session.execute(stmt)]
