"""The whole office in one workbook: ``export all`` writes it, ``import all`` takes it back.

An office must be able to take all of its data out, and to put it back. ``export all``
writes one XLSX sheet per record kind: every live record the user may see, every field
that also travels to the laptops, with the record's id. References to people are their
logins, so that the workbook reads well and fits any database's users; a password never
leaves. ``import all`` takes the workbook into an empty database made with ``init`` (its
head is matched by login). Every value goes through the validators a laptop's bundle goes
through (sync/checks.py), in one transaction, and nothing is written if one is refused.
A workbook exported, imported and exported again is the same workbook (a test).
"""

from __future__ import annotations

import base64
import io
import json
import secrets
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, LargeBinary, Uuid, func, select

from salesdesk import policy, registry
from salesdesk.auth import Actor, hash_password
from salesdesk.db.engine import Database
from salesdesk.db.models import User
from salesdesk.db.types import Money, Scaled, UTCDateTime
from salesdesk.errors import ValidationError
from salesdesk.files import atomic_target
from salesdesk.i18n import Tr, _
from salesdesk.policy import Action
from salesdesk.record_kinds import TABLE_KINDS
from salesdesk.services.base import reading, writing
from salesdesk.services.clients import refresh_search_texts, set_search_columns
from salesdesk.sync import checks, codec

# Parents before children, so that every reference points at a row already there.
TABLES = ("users", "company", "products", "competitors", "document_series", "clients",
          "contacts", "deals", "activities", "appointments", "documents", "document_lines",
          "payments", "deliveries", "tasks", "targets", "marketing_spend",
          "marketing_budget", "strategy_items", "market_notes", "training_templates",
          "training_items")
USER_REFERENCES = {"manager_id", "owner_id", "user_id", "assignee_id", "created_by_id",
                   "author_id", "recorded_by_id", "assigned_by_id", "reviewed_by_id"}
LEFT_OUT = {("users", "password_hash"), ("users", "failed_logins"),
            ("users", "locked_until"), ("users", "last_login_at")}
HEADER_STYLES = ("keys", "ru", "en")



def _sheet_title(table: str, style: str) -> str:
    if style == "keys":
        return table
    return Tr(style)._(registry.sheet_label(table))[:31]  # Excel's limit on a sheet's name


def columns(table: str) -> list[str]:
    """The columns of a table's sheet: ``id`` (not for the company and the users, who
    are matched by their single row and their login) and the exchanged fields."""
    fields = [f for f in codec.synced_fields(table) if (table, f) not in LEFT_OUT
              and f not in ("deleted_at",)]
    key = [] if table in ("company",) else ["login"] if table == "users" else ["id"]
    return key + [f for f in fields if f != "login"]


def _header(table: str, column: str, style: str) -> str:
    if style == "keys":
        return column
    return Tr(style)._(registry.label(table, column))


def _headers(table: str, style: str) -> list[str]:
    names = [_header(table, c, style) for c in columns(table)]
    if len(set(names)) != len(names):  # two fields with one label: keys stay exact
        names = [f"{n} ({c})" if names.count(n) > 1 else n
                 for n, c in zip(names, columns(table), strict=True)]
    return names


def _cell(table: str, column: str, value: Any, logins: dict[uuid.UUID, str]) -> Any:
    """A stored value as a spreadsheet cell: numbers as numbers, dates as dates, people
    as logins, structured data as JSON text, files as base64 text."""
    if value is None:
        return None
    if column in USER_REFERENCES:
        return logins.get(value, str(value))
    if isinstance(value, bytes):
        return "base64:" + base64.b64encode(value).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _rows(ctx: Any, table: str, logins: dict[uuid.UUID, str]) -> Iterator[list[Any]]:
    model = codec.models()[table]
    # In the order they were made; ties by a key that survives the round trip (ids do,
    # but not the ids of users, who are matched by login).
    tie = model.login if table == "users" else model.id
    stmt = (select(model).where(model.deleted_at.is_(None), policy.visible(ctx, model))
            .order_by(model.created_at, tie).execution_options(yield_per=2000))
    names = columns(table)
    for obj in ctx.session.scalars(stmt):
        yield [_cell(table, c, getattr(obj, c), logins) for c in names]


def export_all(db: Database, actor: Actor, path: Path, headers: str = "keys") -> dict[str, int]:
    """Write the office workbook of what ``actor`` may see; the row count per sheet."""
    from openpyxl import Workbook

    from salesdesk.tabular import xlsx_cell

    if headers not in HEADER_STYLES:
        raise ValidationError("--headers", _("must be ru, en or keys"))
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(path.name, _("the office workbook is an .xlsx file"))
    counts: dict[str, int] = {}
    with reading(db, actor) as ctx, atomic_target(path) as tmp:
        logins = dict(ctx.session.execute(select(User.id, User.login)).all())
        book = Workbook(write_only=True)
        for table in TABLES:
            sheet = book.create_sheet(_sheet_title(table, headers))
            sheet.append([xlsx_cell(sheet, h) for h in _headers(table, headers)])
            counts[table] = 0
            for row in _rows(ctx, table, logins):
                sheet.append([xlsx_cell(sheet, v) for v in row])
                counts[table] += 1
        buffer = io.BytesIO()
        book.save(buffer)
        Path(tmp).write_bytes(buffer.getvalue())
    from salesdesk import events

    events.log_event(db, actor.id, events.EXPORT, "workbook", details={
        "file": path.name, "rows": sum(counts.values()), "format": "xlsx"})
    return counts


# --- import -------------------------------------------------------------------------------

def _json_form(table: str, column: str, value: Any) -> Any:
    """A cell back in the exchange's JSON form (what sync/checks.py validates)."""
    if value is None or value == "":
        return None
    kind = codec.column_type(table, column)
    if isinstance(kind, Money | Scaled):
        number = Decimal(str(value))
        return str(number.quantize(Decimal("0.01")) if isinstance(kind, Money) else number)
    if isinstance(kind, UTCDateTime):
        return value.isoformat() if isinstance(value, datetime) else str(value)
    if isinstance(kind, Date):
        if isinstance(value, datetime):
            return value.date().isoformat()
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(kind, Boolean):
        return value if isinstance(value, bool) else str(value).strip().lower() in (
            "true", "1", "yes", "да")
    if isinstance(kind, Integer):
        return int(value) if not isinstance(value, bool) else value
    if isinstance(kind, Uuid):
        return str(value)
    if isinstance(kind, LargeBinary):
        text = str(value)
        return {"$b64": text[len("base64:"):] if text.startswith("base64:") else text}
    if isinstance(kind, JSON):
        try:
            return json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return str(value)  # refused by the type check, naming the field
    return str(value) if not isinstance(value, str) else value


def _read(path: Path) -> dict[str, tuple[list[str], list[tuple[int, list[Any]]]]]:
    """The workbook's sheets by table, with their columns as keys."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(Path(path).name, _("is not a readable XLSX workbook ({reason})")
                              .format(reason=type(exc).__name__)) from exc
    titles = {_sheet_title(t, s): t for t in TABLES for s in HEADER_STYLES}
    out: dict[str, tuple[list[str], list[tuple[int, list[Any]]]]] = {}
    try:
        for sheet in book.worksheets:
            table = titles.get(sheet.title)
            if table is None:
                continue
            by_header = {h: c for s in HEADER_STYLES
                         for h, c in zip(_headers(table, s), columns(table), strict=True)}
            grid = list(sheet.iter_rows(values_only=True))
            if not grid:
                continue
            keys = []
            for name in grid[0]:
                key = by_header.get(str(name).strip() if name is not None else "")
                if key is None and name not in (None, ""):
                    raise ValidationError(f"{sheet.title}:1", _(
                        "'{column}' is not a column of this sheet").format(column=name))
                keys.append(key or "")
            rows = [(n, list(r)) for n, r in enumerate(grid[1:], start=2)
                    if any(v not in (None, "") for v in r)]
            out[table] = (keys, rows)
    finally:
        book.close()
    return out


def import_all(db: Database, actor: Actor, path: Path) -> dict[str, int]:
    """Take an office workbook into an empty database (head only); the rows per sheet.

    Users are matched by login (the head that ``init`` made is the workbook's head);
    the others come in without a password and log in once the head sets one
    (``users passwd``).
    """
    sheets = _read(Path(path))
    counts: dict[str, int] = {}
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.COMPANY_EDIT)
        session = uow.session
        for table in TABLES:
            if table in ("users", "company"):
                continue
            model = codec.models()[table]
            if session.scalar(select(func.count()).select_from(model)):
                raise ValidationError(_("Database"), _(
                    "'import all' takes a workbook into an empty database (made with "
                    "'salesdesk init'); this one already holds {what}").format(what=table))
        users = {u.login: u for u in session.scalars(select(User))}
        ids: dict[str, uuid.UUID] = {login: u.id for login, u in users.items()}
        author = ctx.user.login
        managers: list[tuple[str, Any, int]] = []
        for table in TABLES:
            if table not in sheets:
                continue
            keys, rows = sheets[table]
            model = codec.models()[table]
            counts[table] = 0
            for line, cells in rows:
                raw = {k: v for k, v in zip(keys, cells, strict=False) if k}
                values: dict[str, Any] = {}
                for column, value in raw.items():
                    if column in ("id", "login"):
                        continue
                    if table == "users" and column == "manager_id":
                        managers.append((str(raw.get("login") or "").strip(), value, line))
                        continue  # set once every user of the sheet exists
                    if column in USER_REFERENCES and value not in (None, ""):
                        if str(value) not in ids:
                            raise ValidationError(f"{table}:{line}: {column}", _(
                                "no user '{login}' in the workbook").format(login=value))
                        value = str(ids[str(value)])
                    values[column] = _json_form(table, column, value)
                if table == "users":
                    login = str(raw.get("login") or "").strip()
                    obj = users.get(login)
                    record_id = obj.id if obj else uuid.uuid4()
                    checks.check_values(author, table, record_id, values, creating=obj is None)
                    if obj is None:
                        obj = User(id=record_id, login=login, password_hash=hash_password(
                            secrets.token_urlsafe(24)))  # no password until the head sets one
                        session.add(obj)
                        users[login] = obj
                        ids[login] = record_id
                elif table == "company":
                    obj = session.scalar(select(codec.models()["company"]))
                    checks.check_values(author, table, obj.id, values, creating=False)
                else:
                    try:
                        record_id = uuid.UUID(str(raw.get("id")))
                    except ValueError:
                        raise ValidationError(f"{table}:{line}: id", _(
                            "is not a record id")) from None
                    checks.check_values(author, table, record_id, values, creating=True)
                    obj = model(id=record_id)
                    session.add(obj)
                for column, value in values.items():
                    setattr(obj, column, codec.decode(table, column, value))
                if table == "clients":
                    set_search_columns(obj, [])  # with its contacts once they are in
                counts[table] += 1
            if table == "users":
                uow.flush()  # every user exists before one is made another's manager
                for login, manager, line in managers:
                    if manager in (None, ""):
                        users[login].manager_id = None
                    elif str(manager) not in ids:
                        raise ValidationError(f"users:{line}: manager_id", _(
                            "no user '{login}' in the workbook").format(login=manager))
                    else:
                        users[login].manager_id = ids[str(manager)]
            uow.flush()  # each sheet's rows exist before the next sheet refers to them
        _refresh_clients(session)
        uow.commit()
    return counts


def _refresh_clients(session: Any) -> None:
    """The clients' search columns, worked out from them and their contacts."""
    from salesdesk.db.models import Client

    refresh_search_texts(session, list(session.scalars(select(Client))))



def export_table(db: Database, actor: Actor, kind: str, path: Path,
                 headers: str = "keys") -> int:
    """One kind's sheet of the office workbook, as ``.csv`` or ``.xlsx``; the row count."""
    from salesdesk.tabular import write_table

    table = TABLE_KINDS[kind]
    if headers not in HEADER_STYLES:
        raise ValidationError("--headers", _("must be ru, en or keys"))
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationError(path.name, _("must be a .csv or .xlsx file"))
    with reading(db, actor) as ctx, atomic_target(path) as tmp:
        logins = dict(ctx.session.execute(select(User.id, User.login)).all())
        count = write_table(tmp, _headers(table, headers), _rows(ctx, table, logins),
                            suffix=path.suffix)
    from salesdesk import events

    events.log_event(db, actor.id, events.EXPORT, table, details={
        "file": path.name, "rows": count, "format": path.suffix.lower().lstrip(".")})
    return count
