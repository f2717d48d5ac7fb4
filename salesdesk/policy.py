"""The one permission policy: who may do what, and which records each user sees.

DOMAIN.md's table "Who sees and changes what" is the specification. Every service asks
this module before it reads or changes anything; the window and the command line only
hide what this module would refuse anyway.

Visibility: a representative sees what they own; a manager their own and their
representatives'; the head everything. "Own" is what the user owns (clients, deals,
documents, deliveries, activities they logged, tasks assigned to them) and everything
hanging off their clients, whoever made it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from salesdesk.auth import Actor
from salesdesk.db.models import (
    Activity,
    Appointment,
    Attachment,
    AuditEntry,
    Client,
    Company,
    Competitor,
    Contact,
    Deal,
    Delivery,
    Document,
    DocumentLine,
    DocumentSeries,
    MarketingBudget,
    MarketingSpend,
    MarketNote,
    Payment,
    Product,
    StrategyItem,
    Target,
    Task,
    TrainingItem,
    TrainingTemplate,
    User,
)
from salesdesk.errors import AuthenticationError, PermissionDenied
from salesdesk.i18n import N_, _

HEAD, MANAGER, REP = "head", "manager", "rep"


class Action(StrEnum):
    """Every action the policy decides, named as messages and tests name it."""

    CLIENT_CREATE = "client.create"
    CLIENT_EDIT = "client.edit"
    CLIENT_DELETE = "client.delete"
    CLIENT_REASSIGN = "client.reassign"
    CLIENT_MERGE = "client.merge"
    CLIENT_SET_KEY = "client.set_key"
    CONTACT_EDIT = "contact.edit"
    ACTIVITY_LOG = "activity.log"
    ACTIVITY_EDIT = "activity.edit"
    APPOINTMENT_EDIT = "appointment.edit"
    FILE_ATTACH = "file.attach"
    FILE_DELETE = "file.delete"
    DEAL_CREATE = "deal.create"
    DEAL_EDIT = "deal.edit"
    DEAL_REASSIGN = "deal.reassign"
    DOCUMENT_CREATE = "document.create"
    DOCUMENT_EDIT = "document.edit"
    DOCUMENT_ISSUE = "document.issue"
    DOCUMENT_CANCEL = "document.cancel"
    PAYMENT_RECORD = "payment.record"
    DELIVERY_EDIT = "delivery.edit"
    TASK_EDIT = "task.edit"
    PRODUCT_EDIT = "product.edit"
    MARKET_EDIT = "market.edit"
    TARGET_SET = "target.set"
    STRATEGY_EDIT = "strategy.edit"
    SPEND_READ = "spend.read"
    SPEND_EDIT = "spend.edit"
    TRAINING_ASSIGN = "training.assign"
    TRAINING_TICK = "training.tick"
    TRAINING_REVIEW = "training.review"
    METRICS_READ = "metrics.read"
    REPORT_MONTHLY = "report.monthly"
    USERS_READ = "users.read"
    USERS_MANAGE = "users.manage"
    COMPANY_EDIT = "company.edit"
    BACKUP = "backup"
    RESTORE = "restore"
    AUDIT_READ = "audit.read"
    HISTORY_READ = "history.read"
    EXPORT = "export"
    IMPORT = "import"
    SYNC = "sync"
    CONFLICT_RESOLVE = "conflict.resolve"


# What the action is called in a refusal ("You may not <label>.").
ACTION_LABELS: dict[Action, str] = {
    Action.CLIENT_CREATE: N_("create this client"),
    Action.CLIENT_EDIT: N_("edit this client"),
    Action.CLIENT_DELETE: N_("delete this client"),
    Action.CLIENT_REASSIGN: N_("reassign this client"),
    Action.CLIENT_MERGE: N_("merge duplicate clients"),
    Action.CLIENT_SET_KEY: N_("mark key clients"),
    Action.CONTACT_EDIT: N_("change this client's contacts"),
    Action.ACTIVITY_LOG: N_("log activities for this client"),
    Action.ACTIVITY_EDIT: N_("edit this activity"),
    Action.APPOINTMENT_EDIT: N_("plan or change this meeting or call"),
    Action.FILE_ATTACH: N_("attach files to this record"),
    Action.FILE_DELETE: N_("remove this file"),
    Action.DEAL_CREATE: N_("create deals for this client"),
    Action.DEAL_EDIT: N_("edit this deal"),
    Action.DEAL_REASSIGN: N_("reassign this deal"),
    Action.DOCUMENT_CREATE: N_("create documents for this client"),
    Action.DOCUMENT_EDIT: N_("edit this document"),
    Action.DOCUMENT_ISSUE: N_("issue this document"),
    Action.DOCUMENT_CANCEL: N_("cancel documents"),
    Action.PAYMENT_RECORD: N_("record payments"),
    Action.DELIVERY_EDIT: N_("change this delivery"),
    Action.TASK_EDIT: N_("change this task"),
    Action.PRODUCT_EDIT: N_("edit products and prices"),
    Action.MARKET_EDIT: N_("edit competitors and market notes"),
    Action.TARGET_SET: N_("set this target"),
    Action.STRATEGY_EDIT: N_("edit the strategy"),
    Action.SPEND_READ: N_("see the marketing budget"),
    Action.SPEND_EDIT: N_("edit the marketing budget"),
    Action.TRAINING_ASSIGN: N_("assign training to this employee"),
    Action.TRAINING_TICK: N_("tick this training item"),
    Action.TRAINING_REVIEW: N_("review this training item"),
    Action.METRICS_READ: N_("see these metrics"),
    Action.REPORT_MONTHLY: N_("make the monthly report"),
    Action.USERS_READ: N_("see users"),
    Action.USERS_MANAGE: N_("manage users"),
    Action.COMPANY_EDIT: N_("change company details and document settings"),
    Action.BACKUP: N_("back up the database"),
    Action.RESTORE: N_("restore the database"),
    Action.AUDIT_READ: N_("read the audit log"),
    Action.HISTORY_READ: N_("read this record's history"),
    Action.EXPORT: N_("export these records"),
    Action.IMPORT: N_("import these records"),
    Action.SYNC: N_("exchange changes with other databases"),
    Action.CONFLICT_RESOLVE: N_("resolve sync conflicts"),
}

# Actions decided by role alone (no record involved).
ROLE_ONLY: dict[Action, frozenset[str]] = {
    Action.CLIENT_CREATE: frozenset({HEAD, MANAGER, REP}),
    Action.CLIENT_SET_KEY: frozenset({HEAD}),
    Action.PRODUCT_EDIT: frozenset({HEAD, MANAGER}),
    Action.MARKET_EDIT: frozenset({HEAD, MANAGER}),
    Action.STRATEGY_EDIT: frozenset({HEAD}),
    Action.SPEND_READ: frozenset({HEAD, MANAGER}),
    Action.SPEND_EDIT: frozenset({HEAD}),
    Action.DOCUMENT_CANCEL: frozenset({HEAD, MANAGER}),
    Action.PAYMENT_RECORD: frozenset({HEAD, MANAGER}),
    Action.REPORT_MONTHLY: frozenset({HEAD, MANAGER}),
    Action.USERS_READ: frozenset({HEAD, MANAGER}),
    Action.USERS_MANAGE: frozenset({HEAD}),
    Action.COMPANY_EDIT: frozenset({HEAD}),
    Action.BACKUP: frozenset({HEAD}),
    Action.RESTORE: frozenset({HEAD}),
    Action.AUDIT_READ: frozenset({HEAD}),
    Action.CLIENT_REASSIGN: frozenset({HEAD, MANAGER}),
    Action.CLIENT_MERGE: frozenset({HEAD, MANAGER}),
    Action.DEAL_REASSIGN: frozenset({HEAD, MANAGER}),
    Action.TRAINING_ASSIGN: frozenset({HEAD, MANAGER}),
    Action.TRAINING_REVIEW: frozenset({HEAD, MANAGER}),
    Action.TARGET_SET: frozenset({HEAD, MANAGER}),
    Action.CONFLICT_RESOLVE: frozenset({HEAD, MANAGER}),
}


def deny(action: Action, reason: str | None = None) -> PermissionDenied:
    """The permission error for ``action``: names the action, changes nothing."""
    what = _(ACTION_LABELS.get(action, str(action)))
    message = _("You may not {what} ({action}).").format(what=what, action=action.value)
    if reason:
        message = f"{message} {reason}"
    return PermissionDenied(action.value, message)


@dataclass
class Ctx:
    """The acting user as the database knows them now, within one unit of work.

    ``scope`` is the set of user ids whose records the actor sees, or ``None`` for the
    head (everyone).
    """

    session: Session
    actor: Actor
    role: str
    user: User
    scope: frozenset[uuid.UUID] | None

    @property
    def is_head(self) -> bool:
        """True for the head of sales."""
        return self.role == HEAD

    def team_ids(self) -> frozenset[uuid.UUID]:
        """The users in scope as a set (everyone active or not, for the head)."""
        if self.scope is not None:
            return self.scope
        return frozenset(self.session.scalars(select(User.id)))


def context(session: Session, actor: Actor) -> Ctx:
    """Load the actor fresh (role changes and deactivation apply at once)."""
    user = session.get(User, actor.id)
    if user is None or not user.active:
        raise AuthenticationError(_("This user is deactivated. Ask the head of sales."))
    return Ctx(session=session, actor=actor, role=user.role, user=user,
               scope=scope_of(session, user))


def scope_of(session: Session, user: User) -> frozenset[uuid.UUID] | None:
    """Whose records ``user`` sees: themself, plus their representatives for a manager;
    ``None`` (everyone) for the head."""
    if user.role == HEAD:
        return None
    if user.role == MANAGER:
        reps = session.scalars(select(User.id).where(User.manager_id == user.id))
        return frozenset({user.id, *reps})
    return frozenset({user.id})


def in_scope(ctx: Ctx, user_id: uuid.UUID | None) -> bool:
    """True when ``user_id`` is the actor or one of the users they manage."""
    return ctx.scope is None or (user_id is not None and user_id in ctx.scope)


def _owned(ctx: Ctx, column: Any) -> ColumnElement[bool]:
    if ctx.scope is None:
        return true()
    return column.in_(ctx.scope)


def _client_visible(ctx: Ctx, client_id_column: Any) -> ColumnElement[bool]:
    if ctx.scope is None:
        return true()
    return client_id_column.in_(select(Client.id).where(Client.owner_id.in_(ctx.scope)))


def visible(ctx: Ctx, model: type) -> ColumnElement[bool]:
    """The SQL filter of the records of ``model`` the actor may see.

    Every list, search, export, metric and document service applies it. Soft-deleted
    records are filtered separately (:func:`alive`).
    """
    if ctx.scope is None:
        return true()
    if model is Client:
        return _owned(ctx, Client.owner_id)
    if model is Contact:
        return _client_visible(ctx, Contact.client_id)
    if model is Activity:
        return or_(_owned(ctx, Activity.user_id), _client_visible(ctx, Activity.client_id))
    if model is Appointment:
        return or_(_owned(ctx, Appointment.user_id),
                   _client_visible(ctx, Appointment.client_id))
    if model is Attachment:
        # A file is seen by whoever sees the record it is attached to.
        parents = ((Client, "clients"), (Deal, "deals"), (Document, "documents"))
        return or_(*[and_(Attachment.entity == entity,
                          Attachment.record_id.in_(select(parent.id).where(
                              visible(ctx, parent))))
                     for parent, entity in parents])
    if model is Deal:
        return or_(_owned(ctx, Deal.owner_id), _client_visible(ctx, Deal.client_id))
    if model is Document:
        return or_(_owned(ctx, Document.owner_id), _client_visible(ctx, Document.client_id))
    if model is DocumentLine:
        return DocumentLine.document_id.in_(select(Document.id).where(visible(ctx, Document)))
    if model is Payment:
        return Payment.invoice_id.in_(select(Document.id).where(visible(ctx, Document)))
    if model is Delivery:
        return or_(_owned(ctx, Delivery.owner_id), _client_visible(ctx, Delivery.client_id))
    if model is Task:
        return or_(_owned(ctx, Task.assignee_id), _client_visible(ctx, Task.client_id))
    if model is Target:
        return _owned(ctx, Target.user_id)
    if model is TrainingItem:
        return _owned(ctx, TrainingItem.user_id)
    if model is User:
        return _owned(ctx, User.id)
    if model in (MarketingSpend, MarketingBudget):
        return true() if ctx.role in (HEAD, MANAGER) else false()
    if model is AuditEntry:
        return false()
    if model in (Product, Competitor, MarketNote, StrategyItem, Company, DocumentSeries,
                 TrainingTemplate):
        return true()
    raise AssertionError(f"no visibility rule for {model.__name__}")


def alive(model: Any) -> ColumnElement[bool]:
    """Not soft-deleted."""
    return model.deleted_at.is_(None)


def is_visible(ctx: Ctx, model: type, record_id: uuid.UUID) -> bool:
    """Whether one record is visible, answered by the same SQL filter as the lists."""
    found = ctx.session.scalar(
        select(model.id).where(model.id == record_id, visible(ctx, model))  # type: ignore[attr-defined]
    )
    return found is not None


def require(ctx: Ctx, action: Action, record: Any = None, *,
            target_user: User | None = None) -> None:
    """Raise :class:`PermissionDenied` unless the actor may do ``action``.

    ``record`` is the record acted on (its visibility is checked); ``target_user`` is
    the user an action is aimed at (a new owner, a target's user, a trainee).
    """
    roles = ROLE_ONLY.get(action)
    if roles is not None and ctx.role not in roles:
        raise deny(action)
    if record is not None and not is_visible(ctx, type(record), record.id):
        raise deny(action, _("It belongs to somebody outside your team."))
    if target_user is not None:
        _check_target(ctx, action, target_user)


def allows(ctx: Ctx, action: Action, record: Any = None) -> bool:
    """Whether :func:`require` would let the actor do ``action`` (lists that leave out
    what the actor may not act on, rather than refuse)."""
    try:
        require(ctx, action, record)
    except PermissionDenied:
        return False
    return True


def _check_target(ctx: Ctx, action: Action, target: User) -> None:
    if action in (Action.TARGET_SET, Action.TRAINING_ASSIGN, Action.TRAINING_REVIEW):
        # Managers plan for and train their representatives; the head anyone.
        if ctx.is_head:
            return
        if ctx.role == MANAGER and target.manager_id == ctx.user.id and target.role == REP:
            return
        raise deny(action, _("Managers may do this only for their own representatives."))
    if not in_scope(ctx, target.id):
        raise deny(action, _("{name} is not in your team.").format(name=target.name))
    if not target.active:
        raise deny(action, _("{name} is deactivated.").format(name=target.name))


def require_visible_user(ctx: Ctx, action: Action, user: User) -> None:
    """The user must be within the actor's scope (metrics for a person, lists)."""
    if not in_scope(ctx, user.id):
        raise deny(action, _("{name} is not in your team.").format(name=user.name))
