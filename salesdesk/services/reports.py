"""The monthly report: the head gets the whole department, a manager their team."""

from __future__ import annotations

from datetime import date, timedelta

from salesdesk import clock, policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.documents.monthly_report import ReportData, render_monthly_report
from salesdesk.i18n import Tr
from salesdesk.metrics.engine import Period
from salesdesk.policy import Action
from salesdesk.services import deliveries, documents, metrics
from salesdesk.services.base import reading
from salesdesk.services.company import get_company


def monthly_report_data(db: Database, actor: Actor, year: int, month: int,
                        conclusions: str = "", today: date | None = None,
                        lang: str | None = None) -> ReportData:
    """Gather the report's figures for a month (managers and the head)."""
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
    scope_title = (t._("The whole sales department") if actor.role == "head"
                   else t._("Team of {name}").format(name=actor.name))
    people = [p for p in metrics.per_person(db, actor, period.start, period.end)
              if p.role != "head"]
    # One pass over the data for every month the report shows: the same month a year
    # ago, the twelve months of the charts (ending with this one and the one before),
    # and the month ahead's pipeline.
    months = {point.month: point for point in
              metrics.monthly(db, actor, year_ago.start, next_month.end)}
    return ReportData(
        company=company.full_name,
        department=company.department_name or t._("Sales department"),
        month=period.start, made_on=today, made_by=actor.name, scope_title=scope_title,
        current=months[period.start].values,
        previous=months[previous.start].values,
        year_ago=months[year_ago.start].values,
        people=people,
        parts=metrics.breakdowns(db, actor, period.start, period.end),
        series=[point for month, point in months.items()
                if series_from <= month <= period.start],
        next_month=months[next_month.start].values,
        overdue_invoices=documents.overdue_invoices(db, actor, today=today),
        overdue_deliveries=deliveries.list_deliveries(db, actor, overdue_only=True,
                                                      today=today),
        conclusions=conclusions)


def monthly_report_pdf(db: Database, actor: Actor, year: int, month: int,
                       conclusions: str = "", today: date | None = None,
                       lang: str | None = None) -> bytes:
    """The monthly report as a PDF, in the company's document language unless given."""
    data = monthly_report_data(db, actor, year, month, conclusions, today, lang)
    language = lang or get_company(db, actor).document_language
    return render_monthly_report(data, language)
