"""Printing a PDF without freezing the window.

"Print to file" (a PDF printer) gets the PDF's own bytes: vector, selectable, instant.
A real printer gets each page rendered in a thread of its own, at the printer's
resolution but never above :data:`MAX_DPI` (a 1200-dpi A4 page is a 560 MB bitmap, and
no office printer resolves more than 600 dpi of toner anyway), with progress and cancel.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPoint,
    QRect,
    QSize,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from salesdesk.i18n import _

MAX_DPI = 600


def is_pdf_file(printer: QPrinter) -> bool:
    """The user chose "print to file" (PDF): the vector PDF can be written as it is."""
    return (printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
            and bool(printer.outputFileName()))


def render_dpi(printer: QPrinter) -> int:
    """The resolution pages are rendered at for ``printer``."""
    return max(72, min(printer.resolution(), MAX_DPI))


class PrintJob(QThread):
    """Renders the pages of a PDF onto a printer in the background."""

    sig_page = Signal(int, int)
    """A page went to the printer: (pages done, pages in all)."""
    sig_failed = Signal(str)
    """Printing stopped with this message."""

    def __init__(self, pdf: bytes, printer: QPrinter) -> None:
        super().__init__()
        self.pdf = pdf
        self.printer = printer
        self.cancelled = False
        self.pages_done = 0

    def cancel(self) -> None:
        """Stop after the page being rendered (what was sent stays sent)."""
        self.cancelled = True

    def run(self) -> None:
        # The thread's own document: the preview's stays with the window.
        data = QByteArray(self.pdf)
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)
        count = document.pageCount()
        if count <= 0:
            self.sig_failed.emit(_("the document has no pages"))
            return
        painter = QPainter()
        if not painter.begin(self.printer):
            self.sig_failed.emit(_("the printer is not ready"))
            return
        try:
            dpi = render_dpi(self.printer)
            for page in range(count):
                if self.cancelled:
                    self.printer.abort()
                    return
                if page:
                    self.printer.newPage()
                points = document.pagePointSize(page)
                size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
                image = document.render(page, size)
                # The page fitted into the printable area; the paint engine scales the
                # image (an upscaled copy at 1200 dpi would only cost memory).
                fitted = size.scaled(painter.viewport().size(),
                                     Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(QPoint(0, 0), fitted), image)
                self.pages_done = page + 1
                self.sig_page.emit(page + 1, count)
        finally:
            painter.end()
            document.close()

