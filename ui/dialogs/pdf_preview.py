"""PDF preview inside the window (QtPdf), print (QPrintDialog) and save as."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QProcess
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salesdesk.i18n import _

from .. import theme
from .printing import PrintJob, is_pdf_file, lp_arguments, sends_pdf, spooler


class PdfPreview(QDialog):
    """Shows a PDF; Print and Save as act on exactly these bytes.

    ``restamp`` (an invoice whose company has a stamp or signatures) adds the choice
    "with stamp and signatures": it makes the other copy, in the background.
    ``on_output`` is told ("printed" or "saved", and whether stamped) when the PDF
    leaves, for the audit log.
    """

    def __init__(self, pdf: bytes, title: str, file_name: str,
                 parent: QWidget | None = None,
                 restamp: Callable[[bool], bytes] | None = None,
                 on_output: Callable[[str, bool], None] | None = None,
                 email_draft: Callable[[bool], tuple[str, bytes]] | None = None,
                 send: Callable[[QWidget, bool], None] | None = None) -> None:
        super().__init__(parent)
        self.email_draft = email_draft
        self.send = send
        self.pdf = pdf
        self.file_name = file_name
        self.restamp = restamp
        self.on_output = on_output
        self.job: PrintJob | None = None
        self.spooling: QProcess | None = None
        self.progress: QProgressDialog | None = None
        self.setWindowTitle(title)
        self.setObjectName("pdf_preview")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.print_button = QPushButton(theme.icon("mdi6.printer-outline"), _("Print…"))
        self.print_button.clicked.connect(self.print_)
        save = QPushButton(theme.icon("mdi6.content-save-outline"), _("Save as…"))
        save.clicked.connect(self.save_as)
        row.addWidget(self.print_button)
        row.addWidget(save)
        self.draft_button = QPushButton(theme.icon("mdi6.email-outline"),
                                        _("Save as e-mail draft…"))
        self.draft_button.setToolTip(_("An .eml file with this PDF attached, addressed to the "
                                       "document's contact: your mail program opens it "
                                       "ready to send"))
        self.draft_button.setVisible(email_draft is not None)
        self.draft_button.clicked.connect(self.save_draft)
        self.send_button = QPushButton(theme.icon("mdi6.send-outline"), _("Send by e-mail…"))
        self.send_button.setObjectName("send_by_email")
        self.send_button.setToolTip(_("Send this PDF from your mail box (through the outbox: "
                                      "with no connection it leaves later)"))
        self.send_button.setVisible(send is not None)
        self.send_button.clicked.connect(lambda: self.send(self, self.stamped.isChecked())
                                         if self.send is not None else None)
        row.addWidget(self.send_button)
        row.addWidget(self.draft_button)
        self.stamped = QCheckBox(_("With stamp and signatures"))
        self.stamped.setObjectName("stamped")
        self.stamped.setToolTip(_("For a copy sent by e-mail: the company's stamp and the "
                                  "signatures set in Settings"))
        self.stamped.setVisible(restamp is not None)
        self.stamped.toggled.connect(self._restamp)
        row.addWidget(self.stamped)
        row.addStretch(1)
        layout.addLayout(row)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self._load(pdf)
        self.resize(820, 900)

    def _load(self, pdf: bytes) -> None:
        self.pdf = pdf
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.close()
        self.document.load(self._buffer)

    def _restamp(self, stamped: bool) -> None:
        from ..worker import Op

        assert self.restamp is not None
        self.stamped.setEnabled(False)
        Op(self, self.restamp, stamped).success(self._restamped) \
            .failure(self._restamp_failed).run()

    def _restamped(self, pdf: bytes) -> None:
        self.stamped.setEnabled(True)
        self._load(pdf)

    def _restamp_failed(self, exc: BaseException) -> None:
        from ..errors import show_error

        self.stamped.setEnabled(True)
        show_error(self, exc)

    def page_count(self) -> int:
        """How many pages the preview shows."""
        return self.document.pageCount()

    def save_as(self) -> None:
        """Write the PDF where the user says."""
        name, _f = QFileDialog.getSaveFileName(self, _("Save as"), self.file_name, "PDF (*.pdf)")
        if name:
            self._write(name)

    def save_draft(self) -> None:
        """Make the e-mail draft (in the background), then ask where to write it."""
        from ..worker import Op

        assert self.email_draft is not None
        Op(self, self.email_draft, self.stamped.isChecked()).success(self._draft_made) \
            .failure(self._restamp_failed).run()

    def _draft_made(self, made: tuple[str, bytes]) -> None:
        from salesdesk.errors import SalesDeskError
        from salesdesk.files import write_atomically

        from ..errors import show_error

        name, data = made
        target, _f = QFileDialog.getSaveFileName(self, _("Save as e-mail draft"), name,
                                                 _("E-mail (*.eml)"))
        if not target:
            return
        try:
            write_atomically(target, data)
        except SalesDeskError as exc:  # a full disk, a read-only folder
            show_error(self, exc)

    def _write(self, name: str) -> bool:
        from salesdesk.errors import SalesDeskError
        from salesdesk.files import write_atomically

        from ..errors import show_error

        try:
            write_atomically(name, self.pdf)
        except SalesDeskError as exc:  # a full disk, a read-only folder
            show_error(self, exc)
            return False
        self._left("saved")
        return True

    def _left(self, how: str) -> None:
        """Tell ``on_output`` (the audit log) that the PDF was printed or saved; in the
        background, and never in the way of the print itself."""
        if self.on_output is None:
            return
        from ..worker import Op

        Op(self, self.on_output, how, self.stamped.isChecked()).run()

    def print_(self) -> None:
        """The system's print dialog, then the document in the background."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> PrintJob | None:
        """Send the document to ``printer``: a PDF file gets the PDF itself at once; a
        printer gets the pages from a background job (returned) with progress and cancel."""
        if is_pdf_file(printer):
            self._write(printer.outputFileName())
            return None
        if sends_pdf(printer):
            self.spool(printer)
            return None
        return self.print_pages(printer)

    def spool(self, printer: QPrinter) -> QProcess:
        """Hand the PDF itself to CUPS (``lp``), in the background."""
        folder = Path(tempfile.mkdtemp(prefix="salesdesk-print-"))
        path = folder / self.file_name
        path.write_bytes(self.pdf)
        process = QProcess(self)
        self.spooling = process

        def finished(code: int, _status: object) -> None:
            if code != 0:
                from salesdesk.errors import SalesDeskError

                from ..errors import show_error

                why = bytes(process.readAllStandardError().data()).decode(
                    errors="replace").strip() or f"lp: {code}"
                show_error(self, SalesDeskError(_("The document was not printed: {why}.")
                                                .format(why=why)))
            else:
                self._left("printed")
            shutil.rmtree(folder, ignore_errors=True)
            self.spooling = None

        process.finished.connect(finished)
        process.start(spooler() or "lp", lp_arguments(printer, str(path)))
        return process

    def print_pages(self, printer: QPrinter) -> PrintJob:
        """Render the pages onto ``printer`` in the background."""
        self.job = PrintJob(self.pdf, printer)
        self.progress = QProgressDialog(_("Printing…"), _("Cancel"), 0,
                                        max(1, self.page_count()), self)
        self.progress.setWindowTitle(_("Print"))
        self.progress.setMinimumDuration(300)  # a one-page job shows nothing at all
        self.progress.canceled.connect(self.job.cancel)
        self.job.sig_page.connect(self._printed_page)
        self.job.sig_failed.connect(self._print_failed)
        self.job.finished.connect(self._print_finished)
        self.print_button.setEnabled(False)
        self._left("printed")  # the pages are on their way (a cancel stops the rest)
        self.job.start()
        return self.job

    def _printed_page(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)
            self.progress.setLabelText(_("Printing page {page} of {total}…").format(
                page=min(done + 1, total), total=total))

    def _print_failed(self, why: str) -> None:
        from salesdesk.errors import SalesDeskError

        from ..errors import show_error

        show_error(self, SalesDeskError(_("The document was not printed: {why}.").format(
            why=why)))

    def _print_finished(self) -> None:
        self.print_button.setEnabled(True)
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        if self.job is not None:
            self.job.deleteLater()
            self.job = None

    def done(self, result: int) -> None:
        """Closing waits for a print job to stop (a running thread must not be freed)."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait(30_000)
        if self.spooling is not None:
            self.spooling.waitForFinished(10_000)  # lp returns once CUPS holds the file
        super().done(result)


def temp_pdf(pdf: bytes, name: str) -> Path:
    """Write ``pdf`` to a temporary file (for "open with the system viewer")."""
    folder = Path(tempfile.mkdtemp(prefix="salesdesk-"))
    path = folder / name
    path.write_bytes(pdf)
    return path
