"""PDF preview inside the window (QtPdf), print (QPrintDialog) and save as."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salesdesk.i18n import _

from .. import theme


class PdfPreview(QDialog):
    """Shows a PDF; Print and Save as act on exactly these bytes."""

    def __init__(self, pdf: bytes, title: str, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.file_name = file_name
        self.setWindowTitle(title)
        self.setObjectName("pdf_preview")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        print_button = QPushButton(theme.icon("mdi6.printer-outline"), _("Print…"))
        print_button.clicked.connect(self.print_)
        save = QPushButton(theme.icon("mdi6.content-save-outline"), _("Save as…"))
        save.clicked.connect(self.save_as)
        row.addWidget(print_button)
        row.addWidget(save)
        row.addStretch(1)
        layout.addLayout(row)
        self.document = QPdfDocument(self)
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self.resize(820, 900)

    def page_count(self) -> int:
        """How many pages the preview shows."""
        return self.document.pageCount()

    def save_as(self) -> None:
        """Write the PDF where the user says."""
        name, _f = QFileDialog.getSaveFileName(self, _("Save as"), self.file_name, "PDF (*.pdf)")
        if name:
            from salesdesk.errors import SalesDeskError
            from salesdesk.files import write_atomically

            from ..errors import show_error

            try:
                write_atomically(name, self.pdf)
            except SalesDeskError as exc:  # a full disk, a read-only folder
                show_error(self, exc)

    def print_(self) -> None:
        """The system's print dialog, then every page at the printer's resolution."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Render the pages onto a printer (or a PDF printer in tests)."""
        painter = QPainter(printer)
        try:
            dpi = printer.resolution()
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
                image = self.document.render(page, size)
                target = painter.viewport()
                scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(0, 0, image.scaled(scaled))
        finally:
            painter.end()


def temp_pdf(pdf: bytes, name: str) -> Path:
    """Write ``pdf`` to a temporary file (for "open with the system viewer")."""
    folder = Path(tempfile.mkdtemp(prefix="salesdesk-"))
    path = folder / name
    path.write_bytes(pdf)
    return path
