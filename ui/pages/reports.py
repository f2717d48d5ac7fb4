"""Reports: metrics per person and per month as tables, exported to XLSX; the monthly
report for top management (managers and the head)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
)

from salesdesk import clock
from salesdesk.i18n import _, format_date, get_language
from salesdesk.metrics.definitions import BY_KEY, help_text
from salesdesk.metrics.engine import Period
from salesdesk.services import metrics
from salesdesk.services.reports import default_report_month

from .. import theme
from ..models import Column, RecordTableModel, enable_sorting, short_person
from ..row_menu import attach_row_menu
from ..widgets import PageHeader
from ..worker import Op
from .base import Page

PERSON_KEYS = ["plan", "sales_volume", "plan_attainment_pct", "deals_won", "average_check",
               "conversion_pct", "contacts", "collected"]
MONTH_KEYS = ["contacts", "deals_won", "sales_volume", "plan", "plan_attainment_pct",
              "average_check", "conversion_pct", "customers_new", "retention_pct", "churn_pct"]
KINDS = {"money": "money", "percent": "percent", "count": "number", "days": "number"}


def _metric_column(key: str, getter: Any) -> Column:
    metric = BY_KEY[key]
    return Column(metric.label_in(get_language()), lambda r, k=key: getter(r).get(k),
                  kind=KINDS.get(metric.kind, "text"),
                  tooltip=lambda _r, k=key: help_text(k, get_language()))


class ReportsPage(Page):
    """Per person and per month."""

    key = "reports"
    watches = frozenset({"deals", "documents", "activities", "targets", "spend", "clients"})
    icon_name = "mdi6.file-chart-outline"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Reports")
        super().__init__(ctx, window)
        header = PageHeader(self.title)
        self.month = QComboBox()
        self.month.setObjectName("report_month")
        today = clock.today()
        months = list(ctx.lookups.report_months) or [default_report_month(today)]
        for month in months:
            self.month.addItem(format_date(month, style="month"), month)
        # (findData cannot compare Python dates: they reach Qt as QDate.)
        default = default_report_month(today)
        self.month.setCurrentIndex(months.index(default) if default in months else 0)
        self.month.currentIndexChanged.connect(lambda *_a: self.refresh())
        header.add_filter(QLabel(_("Month:")))
        header.add_filter(self.month)
        export = QPushButton(theme.icon("mdi6.microsoft-excel"), _("Export to XLSX…"))
        export.clicked.connect(self.export)
        header.add_action(export)
        if ctx.can_manage:
            report = QPushButton(theme.icon("mdi6.file-pdf-box"), _("Monthly report…"))
            report.setProperty("primary", True)
            report.clicked.connect(self.monthly_report)
            header.add_action(report)
        self.layout_.addWidget(header)
        self.tabs = QTabWidget()
        # Short names ("Волков Д. О.") leave the metrics their room at 1366 pixels.
        self.people = RecordTableModel([Column(_("Employee"), lambda p: short_person(p.name),
                                               tooltip=lambda p: p.name)]
                                       + [_metric_column(k, lambda p: p.values)
                                          for k in PERSON_KEYS])
        self.months = RecordTableModel([Column(_("Month"), lambda m: format_date(
            m.month, style="month"))] + [_metric_column(k, lambda m: m.values)
                                         for k in MONTH_KEYS])
        for model, text, name in ((self.people, _("By person"), "people_table"),
                                  (self.months, _("By month"), "months_table")):
            view = QTableView()
            view.setObjectName(name)
            view.setModel(model)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setAlternatingRowColors(True)
            view.verticalHeader().hide()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter
                                                        | Qt.AlignmentFlag.AlignVCenter)
            view.horizontalHeader().setStretchLastSection(True)
            enable_sorting(view, model)  # computed rows: sorted here, as shown
            attach_row_menu(view, model.record)
            self.tabs.addTab(view, text)
        self.layout_.addWidget(self.tabs, 1)

    def period(self) -> Period:
        """The chosen month."""
        month: date = self.month.currentData()
        return Period.month(month.year, month.month)

    def refresh(self) -> None:
        period = self.period()
        start = (period.start - timedelta(days=330)).replace(day=1)
        db, actor = self.ctx.db, self.ctx.actor

        def load() -> tuple[Any, Any]:
            return (metrics.per_person(db, actor, period.start, period.end),
                    metrics.monthly(db, actor, start, period.end))

        Op(self, load).success(self._show).run()

    def _show(self, result: tuple[Any, Any]) -> None:
        people, months = result
        self.people.set_records([p for p in people if p.role != "head"] or people)
        self.months.set_records(list(reversed(months)))

    def export(self) -> None:
        """Both tables into one XLSX workbook."""
        name, _f = QFileDialog.getSaveFileName(self, _("Export to XLSX"), "metrics.xlsx",
                                               _("Excel (*.xlsx)"))
        if name:
            from salesdesk.errors import SalesDeskError

            from ..errors import show_error

            try:
                write_workbook(Path(name), [(_("By person"), self.people),
                                            (_("By month"), self.months)])
            except SalesDeskError as exc:  # a full disk, a read-only folder
                show_error(self, exc)
                return
            QMessageBox.information(self, _("Export"), _("Saved to {file}.").format(file=name))

    def monthly_report(self) -> None:
        """The monthly report: conclusions, then preview and print."""
        from ..dialogs.monthly_report import MonthlyReportDialog

        MonthlyReportDialog(self.ctx, self.period(), self).open()


def write_workbook(path: Path, sheets: list[tuple[str, RecordTableModel]]) -> None:
    """Each model as a sheet: header row, then the values (numbers stay numbers)."""

    from openpyxl import Workbook

    from salesdesk.tabular import xlsx_cell

    workbook = Workbook(write_only=True)
    for title, model in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([xlsx_cell(sheet, c.title) for c in model.columns])
        for record in model.records:
            # Text stays text, whatever it begins with (no formula from data).
            sheet.append([xlsx_cell(sheet, column.value(record)) for column in model.columns])
    from salesdesk.files import atomic_target

    with atomic_target(path) as tmp:
        workbook.save(tmp)
