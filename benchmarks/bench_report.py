"""Issue 8: building the monthly report on the large demo (100,000 clients, 1,000,000
activities), as a ratio against computing the month's metrics alone.

    python benchmarks/bench_report.py

The report computes the metric set for four periods (the month, the month before, the
same month a year ago, the month ahead's pipeline), the per-person table, the
breakdowns, twelve months of series for the charts, the overdue lists, and then draws
the charts and lays out the PDF. Its floor is one ``metrics()`` call for the month, run
in the same process on the same file. The lines after it show where the time goes,
and how long the dashboard's data takes on the same file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import best_of, large_demo, report

from salesdesk.auth import login
from salesdesk.db.migrate import open_database
from salesdesk.demo import DEMO_PASSWORD
from salesdesk.documents.monthly_report import render_monthly_report
from salesdesk.metrics.engine import Period
from salesdesk.services.metrics import metrics
from salesdesk.services.reports import monthly_report_data, monthly_report_pdf

YEAR, MONTH = 2026, 10


def main() -> None:
    db = open_database(large_demo())
    head = login(db, "head", DEMO_PASSWORD)
    period = Period.month(YEAR, MONTH)

    def alone() -> None:
        metrics(db, head, period.start, period.end)

    def whole() -> None:
        monthly_report_pdf(db, head, YEAR, MONTH, lang="ru")

    def gather() -> None:
        monthly_report_data(db, head, YEAR, MONTH, lang="ru")

    data = monthly_report_data(db, head, YEAR, MONTH, lang="ru")

    def render() -> None:
        render_monthly_report(data, "ru")

    alone()
    whole()  # warm the page cache and the imports alike
    floor = best_of(alone, repeat=5)
    report("monthly report PDF, whole department", best_of(whole, repeat=3), floor,
           floor_name="metrics alone")
    report("  of which gathering the figures", best_of(gather, repeat=3), floor,
           floor_name="metrics alone")
    report("  of which charts and PDF layout", best_of(render, repeat=3), floor,
           floor_name="metrics alone")
    # The dashboard's data for the head on the same file (cards for the month and the
    # one before, a year of monthly points, the breakdowns, the per-person table).
    from salesdesk_ui.pages.dashboard import load

    report("dashboard data, head, one month", best_of(
        lambda: load(db, head, period, None, period.end), repeat=3), floor,
        floor_name="metrics alone")
    # "This year" on the dashboard: the year so far against the same days a year ago,
    # twelve monthly points, the breakdowns and the per-person table (target: 1.5 s,
    # with a loading state while it runs).
    today = period.end + (period.end - period.start)  # a day in the month after
    year = Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
    this_year = best_of(lambda: load(db, head, year, None, today), repeat=3)
    verdict = "OK" if this_year <= 1.5 else "ABOVE TARGET 1.5 s"
    print(f"{'dashboard data, head, this year':<48} {this_year * 1000:10.1f} ms   "
          f"(target 1500 ms)  {verdict}", flush=True)
    start = time.perf_counter()
    pdf = monthly_report_pdf(db, head, YEAR, MONTH, lang="ru")
    print(f"  {len(pdf) // 1024} KB PDF in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
