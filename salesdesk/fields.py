"""Parsing and checking of field values, shared by services, forms and the importer.

Each parser takes what a person typed (or a spreadsheet cell) and returns the typed
value, or raises ``ValueError`` with the rule in words; :func:`validate` runs a set of
parsers over a dict of values and reports every refused field at once, by its label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salesdesk.errors import FieldProblem, ValidationError
from salesdesk.i18n import _
from salesdesk.money import parse_amount

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """A field of a record: its label (English source, translated when shown), its
    parser, and whether it must have a value."""

    label: str
    parse: Parser
    required: bool = False


def is_blank(value: Any) -> bool:
    """None, an empty or a whitespace-only string."""
    return value is None or (isinstance(value, str) and not value.strip())


def validate(spec: Mapping[str, Field], values: Mapping[str, Any],
             partial: bool = False) -> dict[str, Any]:
    """Parse ``values`` by ``spec``; unknown keys and every bad value are reported.

    With ``partial`` (an edit), fields not given are left alone; otherwise a required
    field that is missing is refused.
    """
    problems: list[FieldProblem] = []
    out: dict[str, Any] = {}
    for key in values:
        if key not in spec:
            problems.append(FieldProblem(key, _("is not a field of this record")))
    for key, field in spec.items():
        if key not in values:
            if field.required and not partial:
                problems.append(FieldProblem(_(field.label), _("is required")))
            continue
        raw = values[key]
        if is_blank(raw):
            if field.required:
                problems.append(FieldProblem(_(field.label), _("is required")))
            else:
                out[key] = None
            continue
        try:
            out[key] = field.parse(raw)
        except ValidationError as exc:
            problems.extend(FieldProblem(_(field.label), p.message) for p in exc.problems)
        except (ValueError, TypeError, ArithmeticError) as exc:
            problems.append(FieldProblem(_(field.label), str(exc) or _("is not valid")))
    if problems:
        raise ValidationError(problems)
    return out


def field_problem(spec: Mapping[str, Field], name: str, value: Any) -> str | None:
    """The problem with one field's value, or ``None``: forms check a field as the user
    leaves it, with the same rules the service applies on save."""
    if name not in spec:
        return None
    try:
        validate({name: spec[name]}, {name: value}, partial=True)
    except ValidationError as exc:
        return exc.problems[0].message
    return None


# --- parsers ---------------------------------------------------------------------------

def text(max_length: int = 300) -> Parser:
    """Trimmed text up to ``max_length`` characters, without control characters."""
    def parse(value: Any) -> str:
        result = str(value).strip()
        if len(result) > max_length:
            raise ValueError(_("is longer than {n} characters").format(n=max_length))
        if any(unicodedata.category(c) == "Cc" and c not in "\n\t\r" for c in result):
            raise ValueError(_("contains control characters"))
        return result
    return parse


# A time after the date, as exports write timestamps ("12.03.2024 10:15:42",
# "2024-03-12T10:15:42Z"), is allowed and dropped: the date is what is kept.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME + "$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")


def parse_date(value: Any) -> date:
    """``2026-10-31`` or ``31.10.2026`` (or a date from a spreadsheet)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    match = _DATE_ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DATE_DOTTED.match(raw)
        if not match:
            raise ValueError(_("'{value}' is not a date (expected 2026-10-31 or 31.10.2026)")
                             .format(value=raw[:40]))
        day, month, year = (int(g) for g in match.groups())
    try:
        result = date(year, month, day)
    except ValueError:
        raise ValueError(_("'{value}' is not a real date").format(value=raw[:40])) from None
    if not 1900 <= result.year <= 2200:
        raise ValueError(_("'{value}' is out of range").format(value=raw[:40]))
    return result


def parse_month(value: Any) -> date:
    """``2026-10`` (or a date) -> the 1st of that month."""
    if isinstance(value, date):
        return value.replace(day=1)
    raw = str(value).strip()
    match = re.match(r"^(\d{4})-(\d{1,2})$", raw) or re.match(r"^(\d{1,2})\.(\d{4})$", raw)
    if not match:
        raise ValueError(_("'{value}' is not a month (expected 2026-10)").format(value=raw[:40]))
    a, b = match.groups()
    year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise ValueError(_("'{value}' is not a month (expected 2026-10)").format(value=raw[:40]))
    return date(year, month, 1)


_CLOCK_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def time_of_day(value: Any) -> int:
    """A time of day (``9:30``, ``09.30`` or minutes after midnight) as minutes after
    midnight, from 0:00 to 23:59."""
    if isinstance(value, bool):
        raise ValueError(_("is not a time (expected 09:30)"))
    if isinstance(value, int):
        minutes = value
    elif hasattr(value, "hour") and hasattr(value, "minute"):
        minutes = value.hour * 60 + value.minute
    else:
        match = _CLOCK_TIME.match(str(value).strip())
        if not match:
            raise ValueError(_("'{value}' is not a time (expected 09:30)").format(
                value=str(value)[:40]))
        hours, mins = int(match.group(1)), int(match.group(2))
        if hours > 23 or mins > 59:
            raise ValueError(_("'{value}' is not a time (expected 09:30)").format(
                value=str(value)[:40]))
        minutes = hours * 60 + mins
    if not 0 <= minutes < 24 * 60:
        raise ValueError(_("must be from 00:00 to 23:59"))
    return minutes


def whole(low: int, high: int) -> Parser:
    """A whole number from ``low`` to ``high``."""
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError(_("must be a whole number from {low} to {high}").format(
                low=low, high=high))
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise ValueError(_("must be a whole number from {low} to {high}").format(
                low=low, high=high)) from None
        if not low <= number <= high:
            raise ValueError(_("must be a whole number from {low} to {high}").format(
                low=low, high=high))
        return number
    return parse


def money(value: Any) -> Decimal:
    """An amount of money, at least zero, at most two decimals (text in the current
    language's form, see :func:`salesdesk.money.parse_amount`)."""
    return parse_amount(value, kind="money")


def percent(value: Any) -> Decimal:
    """A percentage from 0 to 100 with up to two decimals."""
    number = parse_amount(value, kind="percent")
    if number > Decimal(100):
        raise ValueError(_("must be from 0 to 100"))
    return number


def quantity(value: Any) -> Decimal:
    """A positive quantity with up to three decimals."""
    number = parse_amount(value, kind="quantity")
    if number <= 0:
        raise ValueError(_("must be more than zero"))
    if number >= Decimal("1e9"):
        raise ValueError(_("too large"))
    return number


def boolean(value: Any) -> bool:
    """Yes/no in the usual spellings of both languages."""
    if isinstance(value, bool):
        return value
    raw = str(value).strip().casefold()
    if raw in ("1", "true", "yes", "y", "да", "д", "+", "x", "✓"):
        return True
    if raw in ("0", "false", "no", "n", "нет", "н", "-", ""):
        return False
    raise ValueError(_("must be yes or no"))


def choice(labels: Mapping[str, str]) -> Parser:
    """One of the codes of ``labels``, given by code, English or Russian label."""
    from salesdesk.domain import parse_code

    def parse(value: Any) -> str:
        code = parse_code(str(value), labels)
        if code is None:
            names = ", ".join(labels)
            raise ValueError(_("'{value}' is not one of: {names}").format(
                value=str(value)[:40], names=names))
        return code
    return parse


def one_of(codes: tuple[str, ...]) -> Parser:
    """One of ``codes`` exactly (VAT rates, languages)."""
    def parse(value: Any) -> str:
        raw = str(value).strip().lower().replace("%", "").strip()
        aliases = {"без ндс": "none", "no vat": "none", "без налога": "none"}
        raw = aliases.get(raw, raw)
        if raw not in codes:
            raise ValueError(_("must be one of {rates}").format(rates=", ".join(codes)))
        return raw
    return parse


def checked(check: Callable[..., Any]) -> Parser:
    """Wrap a ``salesdesk.validation`` checker (which raises ValidationError)."""
    def parse(value: Any) -> Any:
        return check(str(value))
    return parse


_LEGAL_FORMS = re.compile(
    r"\b(ооо|оао|зао|пао|ао|нао|ип|чп|нко|фгуп|гуп|муп|ано|llc|ltd|inc|gmbh|jsc|oy|ag|"
    r"co|corp|company|компания|группа компаний|гк)\b\.?")
_QUOTES = re.compile(r"[«»\"'“”„`]")


def normalize_name(name: str) -> str:
    """Case-folded name without legal form, quotes and extra spaces (ё = е).

    ``ООО «Ромашка»`` and ``Ромашка, ООО`` both give ``ромашка``.
    """
    result = unicodedata.normalize("NFKC", name or "").casefold().replace("ё", "е")
    result = _QUOTES.sub(" ", result)
    result = _LEGAL_FORMS.sub(" ", result)
    result = re.sub(r"[\s,.;:()\-–—]+", " ", result)
    return result.strip()


def digits(value: str | None) -> str:
    """Only the digits of ``value``."""
    return re.sub(r"\D", "", value or "")
