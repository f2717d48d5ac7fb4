"""What every service does first: a unit of work and the actor's policy context."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any, TypeVar

from sqlalchemy import select

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database, UnitOfWork
from salesdesk.errors import ConflictError, NotFoundError
from salesdesk.i18n import _
from salesdesk.policy import Ctx

T = TypeVar("T")


@contextlib.contextmanager
def writing(db: Database, actor: Actor) -> Iterator[tuple[UnitOfWork, Ctx]]:
    """A unit of work with the actor's context; commit with ``uow.commit()``."""
    with db.unit_of_work(actor.id) as uow:
        yield uow, policy.context(uow.session, actor)


@contextlib.contextmanager
def reading(db: Database, actor: Actor) -> Iterator[Ctx]:
    """A read-only session with the actor's context."""
    with db.read() as session:
        yield policy.context(session, actor)


def get_record(ctx: Ctx, model: type[T], record_id: uuid.UUID | str, what: str,
               action: policy.Action | None = None, include_deleted: bool = False) -> T:
    """Load one record the actor may see.

    Missing or deleted: :class:`NotFoundError`; not visible: the permission error of
    ``action`` (or not found, for plain reads).
    """
    rid = as_uuid(record_id, what)
    obj: Any
    if action is None:
        # A plain read: missing and not visible read the same, so one query answers both
        # (the visibility filter is the lists' own).
        obj = ctx.session.scalar(select(model).where(
            model.id == rid, policy.visible(ctx, model)))  # type: ignore[attr-defined]
    else:
        obj = ctx.session.get(model, rid)
    if obj is None or (obj.deleted_at is not None and not include_deleted):
        raise NotFoundError(_("{what} not found (it may have been deleted).").format(what=what))
    if action is not None and not policy.is_visible(ctx, model, rid):
        raise policy.deny(action, _("It belongs to somebody outside your team."))
    return obj  # type: ignore[no-any-return]


def as_uuid(value: uuid.UUID | str, what: str) -> uuid.UUID:
    """Parse an id; a malformed one is simply not found."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFoundError(_("{what} not found (it may have been deleted).").format(what=what))\
            from None


def check_version(obj: Any, expected: int | None) -> None:
    """Refuse a stale edit: the form was filled from an older version of the record."""
    if expected is not None and obj.version != expected:
        raise ConflictError(_("Somebody changed this record while you were editing it "
                              "(version {mine} → {theirs}). Nothing was saved: reload it "
                              "and make your change again.").format(mine=expected,
                                                                      theirs=obj.version))


def user_by_login(ctx: Ctx, login: str) -> Any:
    """An active or inactive user by login (raises not found)."""
    from salesdesk.db.models import User

    user = ctx.session.scalar(select(User).where(User.login == (login or "").strip().lower()))
    if user is None:
        raise NotFoundError(_("There is no user with the login '{login}'.").format(login=login))
    return user


def view(cls: type[T], obj: Any, **extra: Any) -> T:
    """Build the frozen dataclass ``cls`` from a row's same-named attributes (plus
    ``extra`` for joined values such as an owner's name)."""
    import dataclasses

    values = {f.name: extra[f.name] if f.name in extra else getattr(obj, f.name)
              for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**values)


def apply(obj: Any, data: dict[str, Any], keep: tuple[str, ...] = ()) -> None:
    """Set validated values on a row; a cleared value of a ``keep`` column is ignored
    (those columns must always have one)."""
    for key, value in data.items():
        if value is None and key in keep:
            continue
        setattr(obj, key, value)


def names_of(session: Any, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Users' names by id (for joined display columns)."""
    from salesdesk.db.models import User

    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
                .all())


def sorted_by(stmt: Any, sorts: dict[str, Any], key: str | None, descending: bool,
              default: tuple[Any, ...], tiebreak: Any) -> Any:
    """``stmt`` ordered by the list column ``key`` (one of ``sorts``), empty values last
    either way, then by ``tiebreak`` so that pages never swap rows; an unknown or no key
    keeps the list's ``default`` order. Sorting is the database's work: a list of any
    length sorts the same."""
    from sqlalchemy import nulls_last

    column = sorts.get(key) if key else None
    if column is None:
        return stmt.order_by(*default, tiebreak)
    ordered = column.desc() if descending else column.asc()
    return stmt.order_by(nulls_last(ordered), tiebreak)
