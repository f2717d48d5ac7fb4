"""Motivation (issue 19): the team's ranking by the metric the head chooses, and each
person's commission for a month by the head's scheme.

The scheme: a percent (``rate_pct``) of a base — the volume of deals won in the month,
or the money collected — paid once plan attainment reaches a threshold
(``threshold_pct``); above 100 % of the plan the part of the base beyond the plan earns
the accelerator's percent (``accelerator_pct``) instead. Exactly::

    A = sales volume ÷ plan × 100            (no plan: no commission)
    A < threshold:  0
    A ≤ 100:        base × rate ÷ 100
    A > 100:        base × 100/A × rate ÷ 100 + base × (A − 100)/A × accelerator ÷ 100

(for the won base, ``base × 100/A`` is the plan itself: the plan earns the rate and the
volume above it the accelerator), rounded half-up to kopecks once. A person sees their
own; a manager their team's; the head everyone's, through the same per-person figures.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.errors import FieldProblem, ValidationError
from salesdesk.i18n import N_, _
from salesdesk.metrics.engine import Period
from salesdesk.money import ZERO, round_money

RANKING_METRICS: dict[str, str] = {
    "plan_attainment_pct": N_("Plan attainment"), "sales_volume": N_("Sales volume"),
    "conversion_pct": N_("Conversion")}
"""What the head may rank the team by."""

BASES: dict[str, str] = {"won": N_("Volume of deals won"), "collected": N_("Money collected")}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CommissionScheme:
    """The head's commission scheme (see the module)."""

    base: str
    rate_pct: Decimal
    threshold_pct: Decimal
    accelerator_pct: Decimal

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> CommissionScheme | None:
        """The stored scheme (``None`` when the head set none)."""
        if not value:
            return None
        return cls(str(value["base"]), Decimal(str(value["rate_pct"])),
                   Decimal(str(value["threshold_pct"])), Decimal(str(value["accelerator_pct"])))

    def to_json(self) -> dict[str, str]:
        """As the company keeps it: exact decimal strings."""
        return {"base": self.base, "rate_pct": str(self.rate_pct),
                "threshold_pct": str(self.threshold_pct),
                "accelerator_pct": str(self.accelerator_pct)}

    def describe(self) -> str:
        """The scheme in words."""
        from salesdesk.i18n import format_percent

        return _("{rate} of the {base}, from {threshold} of the plan; {accelerator} above "
                 "the plan").format(rate=format_percent(self.rate_pct),
                                    base=_(BASES[self.base]).lower(),
                                    threshold=format_percent(self.threshold_pct),
                                    accelerator=format_percent(self.accelerator_pct))


def parse_scheme(value: Any) -> dict[str, str]:
    """A scheme as the head gives it (a dict of text or numbers), checked field by field;
    an empty one is "no commission"."""
    from salesdesk.money import parse_amount

    if not value:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(_("Commission scheme"), _("is not a scheme"))
    problems: list[FieldProblem] = []
    out: dict[str, str] = {}
    base = str(value.get("base") or "")
    if base not in BASES:
        problems.append(FieldProblem(_("Commission base"), _("must be one of {values}").format(
            values=", ".join(BASES))))
    out["base"] = base
    for key, label, most in (("rate_pct", N_("Commission rate, %"), 100),
                             ("threshold_pct", N_("Plan attainment threshold, %"), 1000),
                             ("accelerator_pct", N_("Accelerator above the plan, %"), 100)):
        raw = value.get(key)
        try:
            number = parse_amount(raw if raw is not None else "", kind="percent")
            if not ZERO <= number <= most:
                raise ValueError(_("must be from 0 to {n}").format(n=most))
            out[key] = str(number)
        except (ValueError, ArithmeticError) as exc:
            problems.append(FieldProblem(_(label), str(exc) or _("is not valid")))
    if problems:
        raise ValidationError(problems)
    return out


def commission_of(scheme: CommissionScheme | None, volume: Decimal, collected: Decimal,
                  plan: Decimal) -> tuple[Decimal | None, str]:
    """The commission for one person's month, and why when there is none."""
    if scheme is None:
        return None, N_("no commission scheme")
    if not plan:
        return None, N_("no plan for the month")
    attainment = volume * HUNDRED / plan
    if attainment < scheme.threshold_pct:
        return ZERO, N_("below the threshold")
    base = volume if scheme.base == "won" else collected
    if attainment <= HUNDRED:
        return round_money(base * scheme.rate_pct / HUNDRED), ""
    within = base * HUNDRED / attainment
    return round_money(within * scheme.rate_pct / HUNDRED
                       + (base - within) * scheme.accelerator_pct / HUNDRED), ""


@dataclass(frozen=True)
class CommissionLine:
    """One person's commission statement for a month."""

    user_id: uuid.UUID
    login: str
    name: str
    month: date
    plan: Decimal
    sales_volume: Decimal
    collected: Decimal
    plan_attainment_pct: Decimal | None
    base: Decimal
    commission: Decimal | None
    note: str
    """Why there is none (English source, translated where shown)."""


def _month(month: date | str) -> Period:
    from salesdesk.fields import parse_month

    try:
        first = parse_month(month)
    except ValueError as exc:
        raise ValidationError(_("Month"), str(exc)) from None
    return Period.month(first.year, first.month)


def commissions(db: Database, actor: Actor, month: date | str) -> list[CommissionLine]:
    """Each seller's commission for ``month`` (``2026-11`` or its first day) that the
    actor may see, by name."""
    from salesdesk.services.company import get_company
    from salesdesk.services.metrics import per_person

    period = _month(month)
    scheme = CommissionScheme.from_json(get_company(db, actor).commission_scheme)
    return statements(per_person(db, actor, period.start, period.end), scheme, period.start)


def statements(people: list[Any], scheme: CommissionScheme | None, month: date
               ) -> list[CommissionLine]:
    """The commission lines of a month's per-person figures
    (:class:`services.metrics.PersonMetrics`, read once by the caller: the report has
    them already), the sellers only."""
    out = []
    for person in people:
        if person.role == "head":
            continue
        v = person.values
        amount, note = commission_of(scheme, v["sales_volume"], v["collected"], v["plan"])
        base = v["sales_volume"] if scheme is None or scheme.base == "won" else v["collected"]
        out.append(CommissionLine(person.user_id, person.login, person.name, month,
                                  v["plan"], v["sales_volume"], v["collected"],
                                  v["plan_attainment_pct"], base, amount, note))
    return out


COMMISSION_HEADER = (N_("Login"), N_("Name"), N_("Month"), N_("Plan"), N_("Sales volume"),
                     N_("Collected"), N_("Plan attainment, %"), N_("Commission base"),
                     N_("Commission"), N_("Note"))


def export_commissions(db: Database, actor: Actor, month: date | str, path: Path) -> int:
    """The month's commission statements as ``.csv`` or ``.xlsx`` for the accountant
    (what the actor may see; audited as an export)."""
    from salesdesk import events
    from salesdesk.files import atomic_target
    from salesdesk.tabular import write_table

    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationError(path.name, _("must be a .csv or .xlsx file"))
    lines = commissions(db, actor, month)
    rows = [[line.login, line.name, line.month.strftime("%Y-%m"), line.plan,
             line.sales_volume, line.collected, line.plan_attainment_pct, line.base,
             line.commission, _(line.note) if line.note else ""] for line in lines]
    with atomic_target(path) as tmp:
        count = write_table(tmp, [_(h) for h in COMMISSION_HEADER], rows,
                            suffix=path.suffix)
    events.log_event(db, actor.id, events.EXPORT, "commissions", details={
        "file": path.name, "rows": count, "month": str(month)})
    return count


@dataclass(frozen=True)
class Ranked:
    """One person's place in the team's ranking."""

    rank: int | None
    """1 for the best; the same for equal values; ``None`` for no value (no plan)."""
    user_id: uuid.UUID
    login: str
    name: str
    value: Any
    values: dict[str, Any]


def ranking(db: Database, actor: Actor, date_from: date, date_to: date,
            metric: str | None = None) -> tuple[str, list[Ranked]]:
    """The sellers the actor sees, ranked by ``metric`` (the company's choice by
    default): the highest first, equal values sharing a place, those without a value
    last."""
    from salesdesk.services.company import get_company
    from salesdesk.services.metrics import per_person

    key = metric or get_company(db, actor).ranking_metric
    if key not in RANKING_METRICS:
        raise ValidationError(_("Ranking"), _("must be one of {values}").format(
            values=", ".join(RANKING_METRICS)))
    return key, rank_people(per_person(db, actor, date_from, date_to), key)


def rank_people(people: list[Any], key: str) -> list[Ranked]:
    """Per-person figures (:class:`services.metrics.PersonMetrics`) ranked by ``key``:
    the sellers only (not the head), the highest first, equal values sharing a place,
    those without a value last (the dashboard ranks the people it has read)."""
    people = [p for p in people if p.role != "head"]
    people.sort(key=lambda p: (p.values[key] is None, -(p.values[key] or 0), p.name))
    out: list[Ranked] = []
    for index, person in enumerate(people):
        value = person.values[key]
        if value is None:
            rank = None
        elif out and out[-1].value == value:
            rank = out[-1].rank
        else:
            rank = index + 1
        out.append(Ranked(rank, person.user_id, person.login, person.name, value,
                          person.values))
    return out
