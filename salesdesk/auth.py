"""Passwords (argon2id) and logging in.

A failed login says only that the login or the password is wrong, and costs the same
time whether the login exists or not (an unknown login is checked against a dummy
hash). Five failures in a row lock the login for a minute.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from salesdesk.db.engine import Database
from salesdesk.db.models import User
from salesdesk.db.types import utcnow
from salesdesk.errors import AuthenticationError, ValidationError
from salesdesk.i18n import _

MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=1)
MIN_PASSWORD_LENGTH = 4


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2-cffi's defaults (argon2id); changing them makes old hashes rehash on login."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash("not a password of anybody")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` after checking it is acceptable."""
    check_password_rules(password)
    return hasher().hash(password)


def check_password_rules(password: str) -> None:
    """Refuse empty and too short passwords with a message naming the rule."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(_("Password"), _("must be at least {n} characters").format(
            n=MIN_PASSWORD_LENGTH))


@dataclass(frozen=True)
class Actor:
    """Who acts: the logged-in user as services see them.

    Services reload the user's role and team on every call, so a role change or a
    deactivation takes effect at once; this object only says who is asking.
    """

    id: uuid.UUID
    login: str
    name: str
    role: str
    manager_id: uuid.UUID | None = None


def actor_of(user: User) -> Actor:
    """The :class:`Actor` for a user row."""
    return Actor(id=user.id, login=user.login, name=user.name, role=user.role,
                 manager_id=user.manager_id)


def _wrong() -> AuthenticationError:
    return AuthenticationError(_("Wrong login or password."))


def login(db: Database, login_name: str, password: str) -> Actor:
    """Check the password and return the actor; raises :class:`AuthenticationError`."""
    login_name = (login_name or "").strip()
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.login == login_name))
        if user is None:
            # Same work as for a real login, so timing does not tell which logins exist.
            with contextlib.suppress(VerificationError):
                hasher().verify(_dummy_hash(), password or "")
            raise _wrong()
        now = utcnow()
        if user.locked_until is not None and user.locked_until > now:
            with contextlib.suppress(VerificationError):
                hasher().verify(_dummy_hash(), password or "")
            raise AuthenticationError(_("Too many failed attempts: this login is locked for a "
                                        "minute. Try again later."))
        try:
            hasher().verify(user.password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + LOCK_TIME
                user.failed_logins = 0
            uow.session.info["audit_skip"] = True  # bookkeeping, not a business change
            uow.commit()
            raise _wrong() from None
        if not user.active:
            raise AuthenticationError(_("This user is deactivated. Ask the head of sales."))
        uow.session.info["audit_skip"] = True
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        if hasher().check_needs_rehash(user.password_hash):
            # The user's own profile change: the change log (and other databases) must
            # know whose it is.
            uow.session.info["actor_id"] = user.id
            user.password_hash = hasher().hash(password)
        actor = actor_of(user)
        uow.commit()
        return actor
