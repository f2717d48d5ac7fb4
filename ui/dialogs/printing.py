"""Printing a PDF without freezing the window.

"Print to file" (a PDF printer) gets the PDF's own bytes: vector, selectable, instant.
Where the system prints through CUPS (Linux, macOS: the ``lp`` command), a printer gets
the PDF itself too, with the copies, duplex and pages chosen in the dialog: CUPS turns
it into what the printer speaks, as it does for a PDF viewer. Elsewhere each page is
rendered in a thread of its own, at the printer's resolution but never above
:data:`MAX_DPI` (a 1200-dpi A4 page is a 560 MB bitmap, and no office printer resolves
more than 600 dpi of toner anyway), with progress and cancel.
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


def spooler() -> str | None:
    """The CUPS ``lp`` command, when this system prints through CUPS."""
    import shutil

    return shutil.which("lp")


def lp_arguments(printer: QPrinter, path: str) -> list[str]:
    """``lp`` arguments for the choices made in the print dialog."""
    args = ["-d", printer.printerName(), "-t", printer.docName() or "SalesDesk",
            "-n", str(max(1, printer.copyCount()))]
    duplex = printer.duplex()
    if duplex == QPrinter.DuplexMode.DuplexLongSide:
        args += ["-o", "sides=two-sided-long-edge"]
    elif duplex == QPrinter.DuplexMode.DuplexShortSide:
        args += ["-o", "sides=two-sided-short-edge"]
    elif duplex == QPrinter.DuplexMode.DuplexNone:
        args += ["-o", "sides=one-sided"]
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        args += ["-P", f"{printer.fromPage()}-{max(printer.fromPage(), printer.toPage())}"]
    return [*args, "--", path]


def sends_pdf(printer: QPrinter) -> bool:
    """The printer is a system printer that CUPS can hand the PDF itself."""
    return (printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
            and bool(printer.printerName()) and spooler() is not None)


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

