"""What an incoming change may carry: the same checks as a window edit of the field.

A bundle is a stranger's input (a laptop's owner can rewrite it and sign it with the
laptop's key), so every value of every change is checked before it is applied: its type
and size as the column holds it, the validators the services use for the field (INN,
e-mail, lengths, ranges), the fixed sets (stages, statuses, roles, VAT rates), and the
document rules (an issued document is never edited in place). One bad value refuses the
whole bundle, naming the record and the field.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, LargeBinary, String, Text, Uuid

from salesdesk import registry
from salesdesk.db.models import ATTACHABLE
from salesdesk.db.types import Money, Scaled, UTCDateTime
from salesdesk.domain import (
    ACTIVITY_KIND_LABELS,
    APPOINTMENT_KIND_LABELS,
    APPOINTMENT_STATUS_LABELS,
    CLIENT_KINDS,
    CLIENT_STATUSES,
    DOCUMENT_KIND_LABELS,
    DOCUMENT_STATUS_LABELS,
    OPEN_STAGES,
    REQUEST_STATUS_LABELS,
    ROLE_LABELS,
    STAGES,
    VAT_RATES,
)
from salesdesk.errors import ValidationError
from salesdesk.i18n import LANGUAGES, _
from salesdesk.sync import codec

MAX_TEXT = 20_000          # characters of a free-text column without a length of its own
MAX_JSON = 200_000         # bytes of a JSON column (a document's snapshot)
MAX_BYTES = 5_000_000      # a logo
MONEY_LIMIT = Decimal("1e13")
INT_LIMIT = 2**31

# Columns that hold one of a fixed set of codes.
CODES: dict[tuple[str, str], frozenset[str]] = {
    ("deals", "stage"): frozenset(STAGES),
    ("clients", "status"): frozenset(CLIENT_STATUSES),
    ("clients", "kind"): frozenset(CLIENT_KINDS),
    ("clients", "document_language"): frozenset(LANGUAGES),
    ("documents", "status"): frozenset(DOCUMENT_STATUS_LABELS),
    ("documents", "kind"): frozenset(DOCUMENT_KIND_LABELS),
    ("documents", "language"): frozenset(LANGUAGES),
    ("documents", "currency"): frozenset({"RUB"}),
    ("document_lines", "vat_rate"): frozenset(VAT_RATES),
    ("products", "vat_rate"): frozenset(VAT_RATES),
    ("activities", "kind"): frozenset(ACTIVITY_KIND_LABELS),
    ("activities", "request_status"): frozenset(REQUEST_STATUS_LABELS),
    ("users", "role"): frozenset(ROLE_LABELS),
    ("company", "default_vat_rate"): frozenset(VAT_RATES),
    ("company", "document_language"): frozenset(LANGUAGES),
    ("document_series", "kind"): frozenset(DOCUMENT_KIND_LABELS),
    ("deals", "lost_at_stage"): frozenset(OPEN_STAGES),
    ("appointments", "kind"): frozenset(APPOINTMENT_KIND_LABELS),
    ("appointments", "status"): frozenset(APPOINTMENT_STATUS_LABELS),
    ("attachments", "entity"): frozenset(ATTACHABLE),
}
# What an attachment may still change once made: its name, and whether it is deleted
# (what it is attached to and its content never change).
ATTACHMENT_CHANGES = {"name", "deleted_at"}
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Money that may be below zero (none: a refund is a document of its own).
NEGATIVE_MONEY: frozenset[tuple[str, str]] = frozenset()
# What a document that is no longer a draft may still change: its state and what is
# worked out from its payments.
AFTER_ISSUE = {"status", "paid_total", "cancelled_reason", "deleted_at"}
# What issuing a draft sets, allowed right after the move out of draft in one bundle.
AT_ISSUE = {"number", "series", "seq", "issued_at", "snapshot", "doc_date", "valid_until",
            "due_date"}


def refuse(author: str, entity: str, record: uuid.UUID, field: str, why: str
           ) -> ValidationError:
    """The refusal of a bundle for one value."""
    return ValidationError(_("Bundle"), _(
        "{user}'s change to {entity} {record}: {field}: {why}. The bundle is refused; "
        "nothing was changed.").format(user=author, entity=entity, record=record,
                                       field=field, why=why))


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Unicode's control characters (category Cc) and lone surrogates (Cs), but for the
newline, tab and carriage return: one pattern instead of asking ``unicodedata`` about
every character of every text (a test holds it equal over all of Unicode)."""


def _plain_text(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return _("is longer than {n} characters").format(n=limit)
    if CONTROL.search(value):
        return _("contains control characters")
    return None


def type_problem(entity: str, name: str, value: Any) -> str | None:
    """Why a JSON value cannot be what the column holds, or ``None``."""
    if value is None:
        return None
    kind = codec.column_type(entity, name)
    if isinstance(kind, Money | Scaled):
        if isinstance(value, bool) or not isinstance(value, str | int):
            return _("is not a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return _("is not a number")
        if not number.is_finite() or abs(number) >= MONEY_LIMIT:
            return _("is out of range")
        if isinstance(kind, Money):
            if number < 0 and (entity, name) not in NEGATIVE_MONEY:
                return _("must not be negative")
            if number != number.quantize(Decimal("0.01")):
                return _("more than two decimals")
        return None
    if isinstance(kind, UTCDateTime | Date):
        if not isinstance(value, str) or len(value) > 40:
            return _("is not a date")
        try:
            day = (datetime.fromisoformat(value) if isinstance(kind, UTCDateTime)
                   else date.fromisoformat(value))
        except ValueError:
            return _("is not a date")
        if not 1900 <= day.year <= 2200:
            return _("is out of range")
        return None
    if isinstance(kind, Uuid):
        try:
            uuid.UUID(str(value))
        except ValueError:
            return _("is not a record id")
        return None if isinstance(value, str) else _("is not a record id")
    if isinstance(kind, Boolean):
        return None if isinstance(value, bool) else _("must be yes or no")
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= INT_LIMIT:
            return _("is not a whole number in range")
        return None
    if isinstance(kind, LargeBinary):
        if not (isinstance(value, dict) and set(value) == {"$b64"}
                and isinstance(value["$b64"], str)):
            return _("is not a file")
        return None if len(value["$b64"]) <= MAX_BYTES * 4 // 3 + 4 else _("is too large")
    if isinstance(kind, JSON):
        if not isinstance(value, dict | list):
            return _("is not structured data")
        if len(json.dumps(value, ensure_ascii=False)) > MAX_JSON:
            return _("is too large")
        return None
    if isinstance(kind, String | Text):
        if not isinstance(value, str):
            return _("is not text")
        limit = getattr(kind, "length", None) or MAX_TEXT
        return _plain_text(value, limit)
    return None


def check_values(author: str, entity: str, record: uuid.UUID,
                 values: dict[str, Any], creating: bool) -> None:
    """Every value a change brings, as the window would check it (see the module)."""
    synced = set(codec.synced_fields(entity))
    spec = registry.spec(entity)
    for name, value in values.items():
        if name not in synced:
            continue  # not exchanged (ignored by the merge)
        problem = type_problem(entity, name, value)
        codes = CODES.get((entity, name))
        if problem is None and codes is not None and value is not None and value not in codes:
            problem = _("'{value}' is not one of: {names}").format(
                value=str(value)[:40], names=", ".join(sorted(codes)))
        field = spec.get(name)
        if (problem is None and field is not None and value is not None
                and (entity, name) not in codec.DERIVED):
            try:
                field.parse(codec.decode(entity, name, value))
            except ValidationError as exc:
                problem = "; ".join(p.message for p in exc.problems)
            except (ValueError, TypeError, ArithmeticError) as exc:
                problem = str(exc) or _("is not valid")
        if problem is None and field is not None and field.required and value in (None, ""):
            problem = _("is required")
        if problem:
            label = _(field.label) if field is not None else name
            raise refuse(author, entity, record, label, problem)
    if creating:
        for name, field in spec.items():
            if field.required and name in synced and values.get(name) in (None, ""):
                raise refuse(author, entity, record, _(field.label), _("is required"))
