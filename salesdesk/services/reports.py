"""The monthly report: the head gets the whole department, a manager their team."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from salesdesk import clock, policy
from salesdesk.auth import Actor
from salesdesk.collector import bulk
from salesdesk.db.engine import Database
from salesdesk.i18n import Tr
from salesdesk.policy import Action
from salesdesk.services.base import reading
from salesdesk.services.company import get_company

if TYPE_CHECKING:
    from salesdesk.documents.monthly_report import ReportData

# The report's figures and drawing (the metric engine, numpy, matplotlib, reportlab) are
# imported when a report is made: the window reads the months one can report on at its
# start, and those 50 MB of libraries are not needed to show a list.

REPORT_DEFAULT_PREVIOUS_UNTIL_DAY = 10
"""During the first ten days of a month the report is of the month just ended."""


def month_starts(first: date, last: date) -> list[date]:
    """The 1st of every calendar month from ``first``'s to ``last``'s, newest first."""
    out: list[date] = []
    current = last.replace(day=1)
    stop = first.replace(day=1)
    while current >= stop:
        out.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return out


def default_report_month(today: date | None = None) -> date:
    """The month a report is made of by default: the one just ended during the first
    ten days of a month, else the current one."""
    today = today or clock.today()
    if today.day <= REPORT_DEFAULT_PREVIOUS_UNTIL_DAY:
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return today.replace(day=1)


def report_months(db: Database, actor: Actor, today: date | None = None) -> list[date]:
    """The months one can report on, newest first: every calendar month from the office's
    first live record (deal, activity or payment) to the current month."""
    from sqlalchemy import func, select

    from salesdesk.db.models import Activity, Deal, Payment
    from salesdesk.domain import STAGES

    today = today or clock.today()
    with reading(db, actor) as ctx:
        session = ctx.session
        # Each first date from an index of live records (read when a session opens): the
        # earliest of all deals or activities was a scan of every row (100 ms at a
        # million activities). The live deals are indexed by stage, then opening day, so
        # the first deal is the first of each stage's.
        firsts = [session.scalar(select(func.min(Deal.opened_on)).where(
            Deal.deleted_at.is_(None), Deal.stage == stage)) for stage in STAGES]
        firsts += [session.scalar(select(func.min(column)).where(model.deleted_at.is_(None)))
                   for model, column in ((Activity, Activity.date),
                                         (Payment, Payment.paid_on))]
    known = [d for d in firsts if d is not None and d <= today]
    first = min(known, default=today)
    return month_starts(min(first, default_report_month(today)), today)


@bulk
def monthly_report_data(db: Database, actor: Actor, year: int, month: int,
                        conclusions: str = "", today: date | None = None,
                        lang: str | None = None) -> ReportData:
    """Gather the report's figures for a month (managers and the head)."""
    from salesdesk.documents.monthly_report import ReportData
    from salesdesk.metrics.engine import Period
    from salesdesk.services import deliveries, documents, metrics

    with reading(db, actor) as ctx:
        policy.require(ctx, Action.REPORT_MONTHLY)
    today = today or clock.today()
    company = get_company(db, actor)
    t = Tr(lang or company.document_language)
    period = Period.month(year, month)
    previous, year_ago = period.previous(), period.year_before()
    after = period.end + timedelta(days=1)
    next_month = Period.month(after.year, after.month)
    series_from = (period.start - timedelta(days=330)).replace(day=1)
    # Overdue lists are as of the month's last day (as of today while it lasts): the
    # October report shows what was overdue in October, not what fell due later.
    as_of = min(period.end, today)
    scope_title = (t._("The whole sales department") if actor.role == "head"
                   else t._("Team of {name}").format(name=actor.name))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report") as pool:
        # The toolkit's figures are grouped queries, which SQLite runs without Python's
        # lock while the metric set's grid sums in Python: read in a thread of their own
        # beside it, the report waits for the longer of the two, not for both (on two
        # cores and the large demo: 750 ms to 480 ms). Each side reads in its own
        # session, as the report's parts always have.
        toolkit = pool.submit(toolkit_reads, db, actor, period)
        # One read of the data for every month the report shows (the same month a year
        # ago, the twelve months of the charts ending with this one, and the month
        # ahead's pipeline) and for the per-person table.
        shown = metrics.figures(db, actor, series=Period(year_ago.start, next_month.end),
                                people=period, parts=period)
        overdue_invoices = documents.overdue_invoices(db, actor, today=as_of)
        overdue_deliveries = deliveries.list_deliveries(db, actor, overdue_only=True,
                                                        today=as_of)
        reads = toolkit.result()
    people = [p for p in shown.people if p.role != "head"]
    months = {point.month: point for point in shown.series}
    return ReportData(
        company=company.full_name,
        department=company.department_name or t._("Sales department"),
        month=period.start, made_on=today, made_by=actor.name, scope_title=scope_title,
        current=months[period.start].values,
        previous=months[previous.start].values,
        year_ago=months[year_ago.start].values,
        people=people,
        parts=shown.parts,
        series=[point for month, point in months.items()
                if series_from <= month <= period.start],
        next_month=months[next_month.start].values,
        overdue_invoices=overdue_invoices, overdue_deliveries=overdue_deliveries,
        conclusions=conclusions, toolkit=toolkit_data(reads, period, shown.people))


@dataclass(frozen=True)
class Toolkit:
    """The report's page of the head's toolkit (issue 19)."""

    strategy: Any
    budget: list[Any] | None
    ranking_key: str
    ranking: list[Any]
    commissions: list[Any]
    training: list[Any]
    duties: dict[str, Any]


@dataclass(frozen=True)
class ToolkitReads:
    """What the toolkit's page reads from the database (:func:`toolkit_reads`), before
    the month's per-person figures rank the team and make the commissions."""

    strategy: Any
    budget: list[Any] | None
    ranking_key: str
    scheme: Any
    training: list[Any]
    duties: dict[str, Any]


def toolkit_reads(db: Database, actor: Actor, period: Any) -> ToolkitReads:
    """The strategy's numbers, the budget against spend, the commission scheme, training
    progress and the duties' figures of a month, in the actor's scope."""
    from salesdesk.metrics import duties
    from salesdesk.services import budget, motivation, training
    from salesdesk.services.metrics import resolve_scope
    from salesdesk.services.strategy_figures import strategy_figures

    company = get_company(db, actor)
    with reading(db, actor) as ctx:
        scope = resolve_scope(ctx, None)
        figures = duties.compute_duties(ctx.session, scope.ids, period, clock.today())
        may_see_budget = policy.allows(ctx, Action.SPEND_READ)
    return ToolkitReads(
        strategy=strategy_figures(db, actor, period.start, period.end),
        budget=budget.budget_vs_spend(db, actor, period.start, period.end)
        if may_see_budget else None,
        ranking_key=company.ranking_metric,
        scheme=motivation.CommissionScheme.from_json(company.commission_scheme),
        training=training.training_progress(db, actor, min(period.end, clock.today())),
        duties=figures)


def toolkit_data(reads: ToolkitReads, period: Any, people: list[Any]) -> Toolkit:
    """The report's toolkit page of a month: what :func:`toolkit_reads` read, with the
    ranking and the commissions made from ``people``, the month's per-person figures the
    report has read already (not read again)."""
    from salesdesk.services import motivation

    return Toolkit(
        strategy=reads.strategy, budget=reads.budget, ranking_key=reads.ranking_key,
        ranking=motivation.rank_people(list(people), reads.ranking_key),
        commissions=motivation.statements(people, reads.scheme, period.start),
        training=reads.training, duties=reads.duties)


def note_report_output(db: Database, actor: Actor, year: int, month: int, how: str) -> None:
    """Note in the audit log that the monthly report was printed or saved to a file."""
    from salesdesk import events

    with reading(db, actor) as ctx:
        policy.require(ctx, Action.REPORT_MONTHLY)
    events.log_event(db, actor.id, events.PRINT, "report",
                     details={"month": f"{year:04d}-{month:02d}", "how": how})


def monthly_report_pdf(db: Database, actor: Actor, year: int, month: int,
                       conclusions: str = "", today: date | None = None,
                       lang: str | None = None) -> bytes:
    """The monthly report as a PDF, in the company's document language unless given."""
    from salesdesk.documents.monthly_report import render_monthly_report

    data = monthly_report_data(db, actor, year, month, conclusions, today, lang)
    language = lang or get_company(db, actor).document_language
    return render_monthly_report(data, language)
