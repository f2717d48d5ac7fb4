"""Records as JSON and back, column by column, for the change log and the bundles."""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Date, Integer, Uuid
from sqlalchemy.orm import Mapper
from sqlalchemy.sql.type_api import TypeEngine

from salesdesk.audit import json_value
from salesdesk.db.base import Base, Record
from salesdesk.db.types import Money, Scaled, UTCDateTime

# Kept by each database for itself: the optimistic-lock counter and the write time, and
# a user's login bookkeeping (a failed login on a laptop is not the office's business).
NOT_SYNCED = {"version", "updated_at"}
LOCAL_FIELDS = {("users", "failed_logins"), ("users", "locked_until"),
                ("users", "last_login_at"),
                # A client's search columns are worked out from it and its contacts; each
                # database does that itself after a merge (merge.Merger.refresh_clients).
                ("clients", "search_text"), ("clients", "name_norm"),
                ("clients", "phone_e164")}
# Tables that are never exchanged: each database audits and syncs for itself.
LOCAL_TABLES = {"audit_log", "change_log", "field_clocks", "sync_sites", "sync_conflicts"}
# Fields whose conflicting edits a person must look at (DOMAIN.md: money, stage, status).
SENSITIVE_NAMES = {"stage", "status"}
# Worked out from other rows (a document's totals from its lines and payments, a line's
# amounts from its quantity and price): never a field conflict of their own, and
# computed again after every merge (merge.Merger.retotal), so that a draft's total is
# always the sum of the lines it holds.
DERIVED = {("documents", "subtotal"), ("documents", "vat_total"), ("documents", "total"),
           ("documents", "paid_total"), ("document_lines", "amount"),
           ("document_lines", "vat_amount")}
# Of those, the ones whose both-sides change means both sides changed the rows behind
# them (a draft's lines, an invoice's payments): listed for a person to look at.
SUMMED = {("documents", "total"), ("documents", "paid_total")}


@cache
def models() -> dict[str, type]:
    """Every synchronised record class by table name."""
    out: dict[str, type] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        table = mapper.local_table.name  # type: ignore[union-attr]
        if issubclass(cls, Record) and table not in LOCAL_TABLES:
            out[table] = cls
    return out


def synced_fields(entity: str) -> list[str]:
    """The columns of a table that travel between databases (not its id)."""
    return _fields(entity)


@cache
def _fields(entity: str) -> list[str]:
    mapper: Mapper[Any] = models()[entity].__mapper__  # type: ignore[attr-defined]
    return [attr.key for attr in mapper.column_attrs
            if attr.key != "id" and attr.key not in NOT_SYNCED
            and (entity, attr.key) not in LOCAL_FIELDS]


@cache
def column_type(entity: str, field: str) -> TypeEngine[Any]:
    """The SQLAlchemy type of a column."""
    mapper: Mapper[Any] = models()[entity].__mapper__  # type: ignore[attr-defined]
    return mapper.columns[field].type


def is_sensitive(entity: str, field: str) -> bool:
    """Money, stage and status: a both-sides edit goes to the conflicts list."""
    if (entity, field) in DERIVED:
        return False
    return field in SENSITIVE_NAMES or isinstance(column_type(entity, field), Money)


def encode(value: Any) -> Any:
    """A Python value as JSON: the audit log's form (money as an exact decimal string),
    except that bytes travel whole, as base64."""
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    return json_value(value)


def decode(entity: str, field: str, value: Any) -> Any:
    """The JSON form back into what the column holds."""
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    kind = column_type(entity, field)
    if isinstance(kind, Money | Scaled):
        return Decimal(str(value))
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Uuid):
        return uuid.UUID(str(value))
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Integer):
        return int(value)
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """Every synchronised field of a record, encoded (``id`` included)."""
    entity = obj.__tablename__
    out = {"id": str(obj.id)}
    for field in _fields(entity):
        out[field] = encode(getattr(obj, field))
    return out
