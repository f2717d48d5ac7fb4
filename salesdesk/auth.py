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
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from salesdesk.db.engine import Database
from salesdesk.db.models import User
from salesdesk.db.types import utcnow
from salesdesk.errors import AuthenticationError, DatabaseError, ValidationError
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
    """Check the password and return the actor; raises :class:`AuthenticationError`.

    A successful login only reads: the moment of the last login is noted afterwards,
    best effort and without touching the user's version (:func:`_note_login`), so that
    logging in never waits for a long import nor conflicts with another command of the
    same user. Only a failed login, or a hash made with older settings, writes.
    """
    login_name = (login_name or "").strip()
    with db.read() as session:
        user = session.scalar(select(User).where(User.login == login_name))
        if user is None:
            # Same work as for a real login, so timing does not tell which logins exist.
            with contextlib.suppress(VerificationError):
                hasher().verify(_dummy_hash(), password or "")
            _audit_failure(db, None, login_name, "unknown login")
            raise _wrong()
        now = utcnow()
        if user.locked_until is not None and user.locked_until > now:
            with contextlib.suppress(VerificationError):
                hasher().verify(_dummy_hash(), password or "")
            _audit_failure(db, user.id, login_name, "locked")
            raise AuthenticationError(_("Too many failed attempts: this login is locked for a "
                                        "minute. Try again later."))
        try:
            hasher().verify(user.password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            _note_failure(db, user.id, now)
            _audit_failure(db, user.id, login_name, "wrong password")
            raise _wrong() from None
        if not user.active:
            _audit_failure(db, user.id, login_name, "deactivated")
            raise AuthenticationError(_("This user is deactivated. Ask the head of sales."))
        actor = actor_of(user)
        rehash = hasher().check_needs_rehash(user.password_hash)
        reset = bool(user.failed_logins or user.locked_until)
    from salesdesk.sync import keys

    keys.on_login(db, actor.id, password)  # a laptop's exchange key, for this process
    if rehash:
        _rehash(db, actor.id, password)
    _note_login(db, actor.id, now, reset)
    return actor


def _audit_failure(db: Database, user_id: uuid.UUID | None, login_name: str,
                   reason: str) -> None:
    """A failed login in the audit log: about the user whose login was typed (nobody's
    when there is no such login), by nobody, with the login typed and the reason."""
    from salesdesk import events

    events.log_event(db, None, events.LOGIN_FAILED, "users", user_id,
                     {"login": login_name, "reason": reason}, wait_ms=LOGIN_NOTE_WAIT_MS)


def _note_failure(db: Database, user_id: uuid.UUID, now: Any) -> None:
    """Count a failed attempt; the fifth in a row locks the login for a minute."""
    with contextlib.suppress(DatabaseError, OperationalError), db.unit_of_work() as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            return
        table = User.__table__
        failures = user.failed_logins + 1
        values: dict[str, Any] = {"failed_logins": failures}
        if failures >= MAX_FAILURES:
            values = {"failed_logins": 0, "locked_until": now + LOCK_TIME}
        # Bookkeeping, not a business change: no version bump, no audit, not exchanged.
        uow.session.execute(update(table).where(table.c.id == user_id).values(**values))
        uow.commit()


def _rehash(db: Database, user_id: uuid.UUID, password: str) -> None:
    """A hash made with older settings is made again (the user's own profile change,
    exchanged like any); skipped, to be done next time, when the database is busy."""
    with contextlib.suppress(DatabaseError, OperationalError), db.unit_of_work(user_id) as uow:
        user = uow.session.get(User, user_id)
        if user is not None:
            uow.session.info["audit_skip"] = True
            user.password_hash = hasher().hash(password)
            uow.commit()


LOGIN_NOTE_WAIT_MS = 200
"""How long noting a login may wait for another writer before it gives up."""


def _note_login(db: Database, user_id: uuid.UUID, now: Any, reset: bool) -> None:
    """Note the moment of the login and its audit entry, best effort: a plain update of
    local bookkeeping columns (no version bump, no change log) and one audit row in one
    short transaction, given up at once when another command holds the database (a long
    import) rather than making the login wait or fail."""
    from salesdesk import events

    table = User.__table__
    values: dict[str, Any] = {"last_login_at": now}
    if reset:
        values.update(failed_logins=0, locked_until=None)
    try:
        with events.brief_write(db, LOGIN_NOTE_WAIT_MS) as conn:
            conn.execute(update(table).where(table.c.id == user_id).values(**values))
            events.append(conn, events.entry(user_id, events.LOGIN, "users", user_id))
    except events.WRITE_ERRORS:
        pass  # only bookkeeping: the login itself has succeeded
