"""The monthly report from the Reports page: write the conclusions, then preview, print
or save the PDF."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import _, format_date
from salesdesk.metrics.engine import Period
from salesdesk.services.reports import monthly_report_pdf, note_report_output

from ..context import AppContext
from ..worker import Op


class MonthlyReportDialog(QDialog):
    """Conclusions and language; Preview builds the PDF in the background."""

    def __init__(self, ctx: AppContext, period: Period, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.period = period
        self.setWindowTitle(_("Monthly report"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(_("Month"), QLabel(format_date(period.start, style="month")))
        self.language = QComboBox()
        self.language.addItem("Русский", "ru")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(
            ctx.company.document_language)))
        form.addRow(_("Language"), self.language)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Conclusions (printed at the end, before your signature):")))
        self.conclusions = QPlainTextEdit()
        self.conclusions.setObjectName("conclusions")
        saved = ctx.settings.value(f"conclusions/{period.start.isoformat()}", "")
        self.conclusions.setPlainText(str(saved or ""))
        layout.addWidget(self.conclusions, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.preview = buttons.addButton(_("Preview and print"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.preview.setProperty("primary", True)
        buttons.accepted.connect(self.build)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 460)

    def build(self) -> None:
        """Make the PDF and show it."""
        text = self.conclusions.toPlainText()
        self.ctx.settings.setValue(f"conclusions/{self.period.start.isoformat()}", text)
        self.preview.setEnabled(False)
        Op(self, monthly_report_pdf, self.ctx.db, self.ctx.actor, self.period.start.year,
           self.period.start.month, text, clock.today(), self.language.currentData()) \
            .success(self._show).failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        from ..errors import show_error

        self.preview.setEnabled(True)
        show_error(self, exc)

    def _show(self, pdf: bytes) -> None:
        from .pdf_preview import PdfPreview

        self.preview.setEnabled(True)
        name = f"report-{self.period.start:%Y-%m}.pdf"
        year, month = self.period.start.year, self.period.start.month

        def left(how: str, _stamped: bool) -> None:
            note_report_output(self.ctx.db, self.ctx.actor, year, month, how)

        PdfPreview(pdf, _("Monthly report"), name, self, on_output=left).exec()
