"""The audit log in words: what the History tab of a card and the head's audit log show.

The log stores table names, column keys and JSON values ("deals", "stage",
``["new", "qualified"]``). A reader gets the record kind, the field's label and the
values as the window shows them (the stage's name, money with its currency, dates,
people and clients by name), in the language of the window. Bookkeeping never shows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesdesk import registry
from salesdesk.audit import SECRET, SKIPPED
from salesdesk.db.models import (
    AuditEntry,
    Client,
    Competitor,
    Contact,
    Deal,
    Document,
    Product,
    User,
)
from salesdesk.events import EVENTS
from salesdesk.i18n import N_, _, format_date, format_money

ACTION_LABELS = {"create": N_("Created"), "update": N_("Changed"), "delete": N_("Deleted"),
                 "restore": N_("Restored"), "remove": N_("Removed"), "merge": N_("Merged"),
                 "login": N_("Logged in"), "login_failed": N_("Failed login"),
                 "export": N_("Exported"), "print": N_("Printed or saved")}
"""The log's actions, as a reader says them."""

_EVENTS = frozenset(EVENTS)

FAILED_LOGIN_REASONS = {"unknown login": N_("no such login"),
                        "wrong password": N_("wrong password"),
                        "locked": N_("locked after failed attempts"),
                        "deactivated": N_("the user is deactivated")}
"""Why a login failed, as the audit log says it."""

# Kept in the log for the machine (the sync's clocks, the soft delete the action already
# names); a reader learns nothing from them.
HIDDEN = SKIPPED | {"deleted_at", "hlc", "origin", "seed", "size", "source_id"}

REFERENCES: dict[str, Any] = {
    "owner_id": User, "assignee_id": User, "user_id": User, "manager_id": User,
    "created_by": User, "author_id": User, "client_id": Client, "contact_id": Contact,
    "competitor_id": Competitor, "product_id": Product, "deal_id": Deal,
    "document_id": Document,
}
"""Columns that hold another record's id, and the table whose name shows instead."""

ROLE_REFERENCES = frozenset({"owner_id", "assignee_id", "manager_id", "author_id",
                             "created_by"})
"""References to a person whose field label names the part they play."""


@dataclass(frozen=True)
class FieldChange:
    """One field of one entry: its label and the values before and after."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryLine:
    """One entry of the log as it is read."""

    at: datetime
    who: str
    """The user's name (or "—" for the system)."""
    action: str
    """Created, Changed, Deleted, … (translated)."""
    what: str
    """The record kind, and its name where it has one: "Deal «Поставка»"."""
    changes: list[FieldChange] = field(default_factory=list)

    def summary(self) -> str:
        """The changes in one line: "Amount: 1 000,00 ₽ → 2 000,00 ₽; Stage: …"."""
        return "; ".join(f"{c.label}: {c.before} → {c.after}" if c.before != "—"
                         else f"{c.label}: {c.after}" for c in self.changes)


def name_of(row: Any) -> str:
    """The name a record goes by (name, title or number; "" if none)."""
    for attribute in ("name", "title", "number"):
        value = getattr(row, attribute, None)
        if value:
            return str(value)
    return ""


def _names(session: Session, entries: list[AuditEntry]) -> dict[uuid.UUID, str]:
    """The names behind the ids the entries mention (one query per table)."""
    wanted: dict[Any, set[uuid.UUID]] = {}
    for entry in entries:
        for key, pair in (entry.changes or {}).items():
            model = REFERENCES.get(key)
            if model is None or not isinstance(pair, list):
                continue
            for value in pair:
                try:
                    wanted.setdefault(model, set()).add(uuid.UUID(str(value)))
                except ValueError:
                    continue
    out: dict[uuid.UUID, str] = {}
    for model, ids in wanted.items():
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            out[row.id] = name_of(row)
    return out


def _value(entity: str, key: str, value: Any, names: dict[uuid.UUID, str]) -> str:
    """One stored value as the window shows it."""
    if value is None or value == "":
        return "—"
    if key in SECRET:
        return "***"
    if key in REFERENCES:
        try:
            return names.get(uuid.UUID(str(value)), _("(deleted)"))
        except ValueError:
            return str(value)
    declared = registry.kind(entity)
    spec = next((f for f in declared.fields if f.key == key), None)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if spec is not None and spec.choices:
        raw = spec.choices.get(str(value))
        return _(raw) if raw else str(value)
    if spec is not None and spec.widget == "money":
        try:
            return format_money(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value))
            moment = datetime.fromisoformat(value)
            return moment.astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            pass
    if isinstance(value, dict | list):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) \
            else ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _detail(entry: AuditEntry, key: str) -> Any:
    pair = (entry.changes or {}).get(key)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


def _what(entry: AuditEntry, titles: dict[uuid.UUID, str]) -> str:
    if entry.entity == "demo":
        return _("Demo office")
    if entry.action == "login_failed":
        reason = FAILED_LOGIN_REASONS.get(str(_detail(entry, "reason")))
        said = _("login «{login}»").format(login=_detail(entry, "login") or "")
        if reason is None:
            return said
        why = _(reason)
        return f"{said}: {why}"
    if entry.action == "export":
        what = (_("the office workbook") if entry.entity == "workbook"
                else _(registry.sheet_label(entry.entity)) if entry.entity in registry.KINDS
                else entry.entity)
        return _("{what} to {file} ({rows} rows)").format(
            what=what, file=_detail(entry, "file") or "", rows=_detail(entry, "rows") or 0)
    if entry.action == "print" and entry.entity == "report":
        return _("Monthly report for {month}").format(month=_detail(entry, "month") or "")
    if entry.entity not in registry.KINDS:
        return entry.entity
    kind = _(registry.kind_label(entry.entity))
    title = titles.get(entry.record_id)
    return f"{kind} «{title}»" if title else kind


def describe(session: Session, entries: list[AuditEntry],
             titles: dict[uuid.UUID, str] | None = None) -> list[HistoryLine]:
    """The entries in words (newest first, as given)."""
    titles = dict(titles or {})
    names = _names(session, entries)
    user_ids = {e.user_id for e in entries if e.user_id}
    people = dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
                  .all()) if user_ids else {}
    lines = []
    for entry in entries:
        changes = []
        # An event's details are its "what" (a login, a file); no field changed.
        fields = () if entry.action in _EVENTS else (entry.changes or {}).items()
        for key, pair in fields:
            if key in HIDDEN or not isinstance(pair, list) or len(pair) != 2:
                continue
            if entry.entity not in registry.KINDS:
                continue
            # A reference shows the record's name, so it is labelled by its kind
            # ("Client", not "Client id"); a person's own label says their part ("Owner").
            title = (registry.kind_label(REFERENCES[key].__tablename__)
                     if key in REFERENCES and key not in ROLE_REFERENCES
                     else registry.label(entry.entity, key))
            changes.append(FieldChange(
                _(title),
                _value(entry.entity, key, pair[0], names),
                _value(entry.entity, key, pair[1], names)))
        action = ACTION_LABELS.get(entry.action)
        lines.append(HistoryLine(
            at=entry.at, who=people.get(entry.user_id, "—") if entry.user_id else "—",
            action=_(action) if action else entry.action, what=_what(entry, titles),
            changes=changes))
    return lines
