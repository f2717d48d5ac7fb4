"""The Team page's motivation: each person's commission statement for a month (their
own for a representative, the team's for a manager, everyone's for the head), exported
for the accountant, and the head's commission scheme and ranking metric."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import _, format_date, short_person
from salesdesk.services import company, motivation

from .. import theme
from ..forms import FormDialog, FormField
from ..models import Column, RecordTableModel, enable_sorting
from ..row_menu import RowAction, attach_row_menu
from ..worker import Op


def recent_months(today: date, count: int = 12) -> list[date]:
    """The first days of this month and the ``count - 1`` before it, newest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months


def choose_export_file(parent: QWidget, name: str) -> str:
    """Where to write the statements (tests replace it)."""
    target, _filter = QFileDialog.getSaveFileName(parent, _("Export for the accountant"),
                                                  name, _("Excel (*.xlsx);;CSV (*.csv)"))
    return target


class CommissionTab(QWidget):
    """See the module."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("commission_tab")
        box = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Month:")))
        self.month = QComboBox()
        self.month.setObjectName("commission_month")
        today = clock.today()
        for first in recent_months(today):
            self.month.addItem(format_date(first, style="month"), first)
        # Early in a month the statement people ask for is the month just ended's.
        self.month.setCurrentIndex(1 if today.day <= 10 else 0)
        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        row.addWidget(self.month)
        row.addStretch(1)
        self.export_button = QPushButton(theme.icon("mdi6.file-excel-outline"),
                                         _("Export for the accountant…"))
        self.export_button.clicked.connect(self.export)
        row.addWidget(self.export_button)
        if ctx.is_head:
            scheme = QPushButton(theme.icon("mdi6.cog-outline"), _("Scheme and ranking…"))
            scheme.setObjectName("commission_scheme")
            scheme.clicked.connect(self.edit_scheme)
            row.addWidget(scheme)
        box.addLayout(row)
        self.scheme_text = QLabel("")
        self.scheme_text.setObjectName("scheme_text")
        self.scheme_text.setWordWrap(True)
        self.scheme_text.setProperty("role", "muted")
        box.addWidget(self.scheme_text)
        self.model = RecordTableModel([
            Column(_("Employee"), lambda c: short_person(c.name), tooltip=lambda c: c.name),
            Column(_("Plan"), lambda c: c.plan, kind="money"),
            Column(_("Sales volume"), lambda c: c.sales_volume, kind="money"),
            Column(_("Collected"), lambda c: c.collected, kind="money"),
            Column(_("Plan attainment"), lambda c: c.plan_attainment_pct, kind="percent"),
            Column(_("Commission base"), lambda c: c.base, kind="money"),
            Column(_("Commission"), lambda c: c.commission, kind="money"),
            Column(_("Note"), lambda c: _(c.note) if c.note else "")])
        self.view = QTableView()
        self.view.setObjectName("commission_table")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        enable_sorting(self.view, self.model)
        attach_row_menu(self.view, self.model.record, lambda _c: [
            RowAction(_("Export for the accountant…"), lambda _r: self.export(),
                      "mdi6.file-excel-outline")])
        box.addWidget(self.view, 1)
        self.total = QLabel("")
        self.total.setObjectName("commission_total")
        box.addWidget(self.total)

    def refresh(self) -> None:
        """Read the month's statements and the scheme (in the background)."""
        db, actor = self.ctx.db, self.ctx.actor
        month = self.month.currentData()

        def load() -> tuple[Any, Any]:
            return (motivation.commissions(db, actor, month), company.get_company(db, actor))

        Op(self, load, busy=False).success(self._show).run()

    def _show(self, result: tuple[Any, Any]) -> None:
        from salesdesk.i18n import format_money
        from salesdesk.money import ZERO

        lines, record = result
        self.model.set_records(lines)
        scheme = motivation.CommissionScheme.from_json(record.commission_scheme)
        self.scheme_text.setText(_("Scheme: {scheme}.").format(scheme=scheme.describe())
                                 if scheme else _("No commission scheme is set (the head "
                                                  "sets one)."))
        total = sum((c.commission for c in lines if c.commission is not None), ZERO)
        self.total.setText(_("Total commission: {amount}").format(amount=format_money(total)))

    def export(self) -> None:
        """The statements as a file for the accountant (audited as an export)."""
        month = self.month.currentData()
        target = choose_export_file(self, f"commission-{month.strftime('%Y-%m')}.xlsx")
        if not target:
            return
        from pathlib import Path

        Op(self, motivation.export_commissions, self.ctx.db, self.ctx.actor, month,
           Path(target)).success(lambda n: self.total.setText(
               _("{n} statements written to {file}.").format(n=n, file=target))).run()

    def edit_scheme(self) -> None:
        """The head's commission scheme and the metric the team is ranked by."""
        from salesdesk.domain import label as code_label

        record = self.ctx.company
        current = record.commission_scheme or {}
        fields = [
            FormField("base", _("Commission base"), "choice", required=True,
                      options=[("", _("No commission")),
                               *[(k, code_label(motivation.BASES, k))
                                 for k in motivation.BASES]]),
            FormField("rate_pct", _("Commission rate, %")),
            FormField("threshold_pct", _("Plan attainment threshold, %")),
            FormField("accelerator_pct", _("Accelerator above the plan, %")),
            FormField("ranking_metric", _("Team ranked by"), "choice", required=True,
                      options=[(k, code_label(motivation.RANKING_METRICS, k))
                               for k in motivation.RANKING_METRICS])]
        initial = {"base": current.get("base", ""), "rate_pct": current.get("rate_pct", ""),
                   "threshold_pct": current.get("threshold_pct", "80"),
                   "accelerator_pct": current.get("accelerator_pct", ""),
                   "ranking_metric": record.ranking_metric}

        def save(values: dict[str, Any]) -> Any:
            base = values.pop("base")
            metric = values.pop("ranking_metric")
            scheme = {"base": base, **values} if base else {}
            return company.update_company(self.ctx.db, self.ctx.actor,
                                          {"commission_scheme": scheme,
                                           "ranking_metric": metric})

        dialog = FormDialog(self, _("Commission scheme and ranking"), fields, initial, save,
                            changes={"company"})
        dialog.sig_saved.connect(self._scheme_saved)
        dialog.open()

    def _scheme_saved(self, record: Any) -> None:
        self.ctx.company = record
        self.refresh()
