"""Users: the head creates, deactivates, promotes and resets; everybody sees their team."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from salesdesk import policy
from salesdesk.auth import Actor, check_password_rules, hash_password
from salesdesk.db.engine import Database
from salesdesk.db.models import ROLES, Client, Company, Deal, Delivery, Document, Task, User
from salesdesk.domain import ROLE_LABELS, label
from salesdesk.errors import ValidationError
from salesdesk.i18n import _
from salesdesk.policy import HEAD, MANAGER, REP, Action
from salesdesk.services.base import check_version, get_record, reading, user_by_login, writing
from salesdesk.validation import Problems, check_email, check_phone, check_text

LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
PREFIX_RE = re.compile(r"^[A-Z0-9]{1,6}$")


@dataclass(frozen=True)
class UserRecord:
    """A user as lists and forms show them."""

    id: uuid.UUID
    login: str
    name: str
    role: str
    manager_id: uuid.UUID | None
    manager_login: str | None
    active: bool
    doc_prefix: str
    position: str | None
    phone: str | None
    email: str | None
    version: int

    @property
    def role_label(self) -> str:
        """The role in the current language."""
        return label(ROLE_LABELS, self.role)


def _record(user: User, managers: dict[uuid.UUID, str]) -> UserRecord:
    return UserRecord(id=user.id, login=user.login, name=user.name, role=user.role,
                      manager_id=user.manager_id,
                      manager_login=managers.get(user.manager_id) if user.manager_id else None,
                      active=user.active, doc_prefix=user.doc_prefix, position=user.position,
                      phone=user.phone, email=user.email, version=user.version)


def check_login(login: str) -> str:
    """Lower-case Latin letters, digits, ``.``, ``_``, ``-``; 2 to 32 characters."""
    text = (login or "").strip().lower()
    if not LOGIN_RE.match(text):
        raise ValidationError(_("Login"), _("must be 2-32 characters: Latin letters, digits, "
                                            "'.', '_' or '-'"))
    return text


def _unique_prefix(session: object, login: str) -> str:
    base = re.sub(r"[^A-Z0-9]", "", login.upper())[:4] or "U"
    taken = set(session.scalars(select(User.doc_prefix)))  # type: ignore[attr-defined]
    if base not in taken:
        return base
    for n in range(2, 1000):
        candidate = f"{base[:4]}{n}"
        if candidate not in taken:
            return candidate
    raise ValidationError(_("Document prefix"), _("no free prefix; choose one"))


def _check_manager(session: object, role: str, manager: User | None) -> None:
    if role == HEAD and manager is not None:
        raise ValidationError(_("Manager"), _("the head of sales has no manager"))
    if role == REP:
        if manager is None:
            raise ValidationError(_("Manager"), _("a representative must have a manager"))
        if manager.role != MANAGER:
            raise ValidationError(_("Manager"), _("a representative reports to a sales manager"))
    if role == MANAGER and manager is not None and manager.role != HEAD:
        raise ValidationError(_("Manager"), _("a manager reports to the head of sales"))
    if manager is not None and not manager.active:
        raise ValidationError(_("Manager"), _("{name} is deactivated").format(name=manager.name))


def has_users(db: Database) -> bool:
    """True once the database has its first user (else the window runs the wizard)."""
    with db.read() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def add_user(db: Database, actor: Actor, login: str, name: str, role: str, password: str,
             manager_login: str | None = None, doc_prefix: str | None = None,
             position: str | None = None, phone: str | None = None,
             email: str | None = None) -> UserRecord:
    """Add a user (head only). A representative needs a manager; a manager may report
    to the head. The document prefix defaults to letters of the login."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.USERS_MANAGE)
        problems = Problems()
        login = problems.check(check_login, login) or login
        if uow.session.scalar(select(User.id).where(User.login == login)):
            problems.add(_("Login"), _("'{login}' is taken").format(login=login))
        if role not in ROLES:
            problems.add(_("Role"), _("must be head, manager or rep"))
        name = problems.check(check_text, name, _("Name"), required=True, max_length=200) or ""
        problems.check(check_password_rules, password)
        phone = problems.check(check_phone, phone)
        email = problems.check(check_email, email)
        position = problems.check(check_text, position, _("Position"), max_length=200)
        manager = None
        if manager_login:
            manager = ctx.session.scalar(select(User).where(
                User.login == manager_login.strip().lower()))
            if manager is None:
                problems.add(_("Manager"), _("no user with the login '{login}'").format(
                    login=manager_login))
        problems.raise_if_any()
        _check_manager(ctx.session, role, manager)
        if doc_prefix:
            doc_prefix = doc_prefix.strip().upper()
            if not PREFIX_RE.match(doc_prefix):
                raise ValidationError(_("Document prefix"),
                                      _("1-6 capital Latin letters or digits"))
            if uow.session.scalar(select(User.id).where(User.doc_prefix == doc_prefix)):
                raise ValidationError(_("Document prefix"), _("'{prefix}' is taken").format(
                    prefix=doc_prefix))
        else:
            doc_prefix = _unique_prefix(uow.session, login)
        user = User(login=login, name=name, role=role, manager_id=manager.id if manager else None,
                    password_hash=hash_password(password), doc_prefix=doc_prefix,
                    position=position, phone=phone, email=email, active=True)
        uow.session.add(user)
        uow.commit()
        return _record(user, {manager.id: manager.login} if manager else {})


def list_users(db: Database, actor: Actor, include_inactive: bool = True) -> list[UserRecord]:
    """The users the actor may see: everyone for the head, the team for a manager,
    oneself for a representative."""
    with reading(db, actor) as ctx:
        query = select(User).where(policy.visible(ctx, User)).order_by(User.role, User.name)
        if not include_inactive:
            query = query.where(User.active.is_(True))
        users = list(ctx.session.scalars(query))
        managers = dict(ctx.session.execute(select(User.id, User.login)).all())
        return [_record(u, managers) for u in users]


def get_user(db: Database, actor: Actor, login: str) -> UserRecord:
    """One visible user by login."""
    with reading(db, actor) as ctx:
        user = user_by_login(ctx, login)
        policy.require_visible_user(ctx, Action.USERS_READ, user)
        managers = dict(ctx.session.execute(select(User.id, User.login)).all())
        return _record(user, managers)


def _active_heads(session: object) -> int:
    return int(session.scalar(select(func.count()).select_from(User).where(  # type: ignore[attr-defined]
        User.role == HEAD, User.active.is_(True))) or 0)


def set_active(db: Database, actor: Actor, user_id: uuid.UUID, active: bool) -> UserRecord:
    """Deactivate (or reactivate) a user; their records stay. Head only."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.USERS_MANAGE)
        user = get_record(ctx, User, user_id, _("User"))
        if not active:
            if user.id == ctx.user.id:
                raise ValidationError(_("Active"), _("you cannot deactivate yourself"))
            if user.role == MANAGER and uow.session.scalar(select(func.count()).select_from(User)
                                                           .where(User.manager_id == user.id,
                                                                  User.active.is_(True))):
                raise ValidationError(_("Active"), _("{name} still manages representatives: "
                                                     "give them another manager first").format(
                                                         name=user.name))
        user.active = active
        uow.commit()
        return _record(user, {})


def change_role(db: Database, actor: Actor, user_id: uuid.UUID, role: str,
                manager_login: str | None, expected_version: int | None = None) -> UserRecord:
    """Change a user's role and manager (head only), keeping the hierarchy valid."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.USERS_MANAGE)
        user = get_record(ctx, User, user_id, _("User"))
        check_version(user, expected_version)
        if role not in ROLES:
            raise ValidationError(_("Role"), _("must be head, manager or rep"))
        manager = user_by_login(ctx, manager_login) if manager_login else None
        if manager is not None and manager.id == user.id:
            raise ValidationError(_("Manager"), _("a user cannot be their own manager"))
        _check_manager(uow.session, role, manager)
        if user.role == MANAGER and role != MANAGER and uow.session.scalar(
                select(func.count()).select_from(User).where(User.manager_id == user.id,
                                                             User.active.is_(True))):
            raise ValidationError(_("Role"), _("{name} still manages representatives: give them "
                                               "another manager first").format(name=user.name))
        if user.role == HEAD and role != HEAD and _active_heads(uow.session) <= 1:
            raise ValidationError(_("Role"), _("the department needs at least one head"))
        user.role = role
        user.manager_id = manager.id if manager else None
        uow.commit()
        return _record(user, {manager.id: manager.login} if manager else {})


def reset_password(db: Database, actor: Actor, user_id: uuid.UUID, password: str) -> None:
    """Set a new password for a user (head only); also unlocks the login."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.USERS_MANAGE)
        user = get_record(ctx, User, user_id, _("User"))
        user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        uow.commit()


def change_own_password(db: Database, actor: Actor, old: str, new: str) -> None:
    """Any user changes their own password after giving the current one."""
    from salesdesk.auth import hasher

    with writing(db, actor) as (uow, ctx):
        try:
            hasher().verify(ctx.user.password_hash, old or "")
        except Exception:
            raise ValidationError(_("Current password"), _("is wrong")) from None
        ctx.user.password_hash = hash_password(new)
        uow.commit()
    from salesdesk.sync import keys

    keys.rewrap(db, actor.id, new)  # on a laptop, its exchange key follows the password


def update_profile(db: Database, actor: Actor, user_id: uuid.UUID, name: str,
                   position: str | None, phone: str | None, email: str | None,
                   expected_version: int | None = None) -> UserRecord:
    """Name, position, phone and e-mail (printed on proposals): oneself or the head."""
    with writing(db, actor) as (uow, ctx):
        user = get_record(ctx, User, user_id, _("User"))
        if user.id != ctx.user.id:
            policy.require(ctx, Action.USERS_MANAGE)
        check_version(user, expected_version)
        user.name = check_text(name, _("Name"), required=True, max_length=200) or user.name
        user.position = check_text(position, _("Position"), max_length=200)
        user.phone = check_phone(phone)
        user.email = check_email(email)
        uow.commit()
        return _record(user, {})


def reassign_records(db: Database, actor: Actor, from_login: str, to_login: str) -> int:
    """Hand a user's clients, open deals, draft documents, open tasks and deliveries to
    another user (a manager within the team, the head anyone). Returns the number of
    clients moved."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.CLIENT_REASSIGN)
        source = user_by_login(ctx, from_login)
        target = user_by_login(ctx, to_login)
        policy.require_visible_user(ctx, Action.CLIENT_REASSIGN, source)
        policy.require(ctx, Action.CLIENT_REASSIGN, target_user=target)
        clients = list(ctx.session.scalars(select(Client).where(
            Client.owner_id == source.id, Client.deleted_at.is_(None))))
        for client in clients:
            client.owner_id = target.id
        for deal in ctx.session.scalars(select(Deal).where(
                Deal.owner_id == source.id, Deal.deleted_at.is_(None),
                Deal.stage.not_in(("won", "lost")))):
            deal.owner_id = target.id
        for doc in ctx.session.scalars(select(Document).where(
                Document.owner_id == source.id, Document.status == "draft",
                Document.deleted_at.is_(None))):
            doc.owner_id = target.id
        for task in ctx.session.scalars(select(Task).where(
                Task.assignee_id == source.id, Task.done_on.is_(None),
                Task.deleted_at.is_(None))):
            task.assignee_id = target.id
        for delivery in ctx.session.scalars(select(Delivery).where(
                Delivery.owner_id == source.id, Delivery.delivered_on.is_(None),
                Delivery.deleted_at.is_(None))):
            delivery.owner_id = target.id
        uow.commit()
        return len(clients)


def company_exists(db: Database) -> bool:
    """True when the company row exists."""
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Company)) > 0

