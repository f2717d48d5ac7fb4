"""Issues 5 and 14: rendering a one-page invoice and a ten-page one, and printing one.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_documents.py

The floor is reportlab alone building the same lines table (same font, same columns,
repeated header) into a PDF, with no SalesDesk code: the ratio is what SalesDesk's
layout (bank block, QR code, parties, totals, words, signatures) and its database
reads add.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import best_of, report
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from salesdesk.auth import login
from salesdesk.db.migrate import open_database
from salesdesk.demo import DEMO_PASSWORD, build_demo
from salesdesk.documents.pdfkit import styles
from salesdesk.services import clients, documents


def lines(count: int) -> list[dict[str, str]]:
    return [{"description": f"Позиция каталога {i} — кресло офисное с подлокотниками",
             "quantity": str(i % 5 + 1), "unit": "шт", "price": f"{1000 + i * 13}.50"}
            for i in range(count)]


def bare_reportlab(count: int) -> bytes:
    st = styles()
    data = [[Paragraph(h, st.header_cell) for h in ("№", "Товары", "Кол-во", "Ед.", "Цена",
                                                    "Сумма")]]
    for i, line in enumerate(lines(count), start=1):
        data.append([Paragraph(str(i), st.cell_right), Paragraph(line["description"], st.cell),
                     Paragraph(line["quantity"], st.cell_right), Paragraph("шт", st.cell),
                     Paragraph(line["price"], st.cell_right), Paragraph("1 000,00",
                                                                        st.cell_right)])
    table = Table(data, colWidths=[9 * mm, 85 * mm, 17 * mm, 13 * mm, 24 * mm, 26 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0.5, 0.5, 0.5))]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([table])
    return buffer.getvalue()


def pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run(["pdfinfo", fh.name], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages")))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="salesdesk-bench-"))
    db = open_database(work / "demo.db", create=True)
    build_demo(db, seed=1, today=date(2026, 11, 27))
    rep = login(db, "rep1", DEMO_PASSWORD)
    client = clients.list_clients(db, rep)[0]
    for count, name in ((5, "one-page invoice"), (330, "ten-page invoice")):
        draft = documents.create_document(db, rep, "invoice", client.id, lines=lines(count))
        invoice = documents.issue_document(db, rep, draft.id)
        ours_pdf = documents.document_pdf(db, rep, invoice.id)
        floor_pdf = bare_reportlab(count)
        print(f"{name}: SalesDesk {pages(ours_pdf)} page(s), bare reportlab "
              f"{pages(floor_pdf)} page(s)")
        report(f"render {name} ({count} lines)",
               best_of(lambda i=invoice: documents.document_pdf(db, rep, i.id), 5),
               best_of(lambda c=count: bare_reportlab(c), 5), floor_name="bare reportlab",
               target=2 if count == 5 else None)
        if count == 5:
            # A reprint reuses the QR code's matrix (its mask is chosen once per payment
            # string); the first print of each new invoice chooses it.
            fresh = [documents.issue_document(db, rep, documents.create_document(
                db, rep, "invoice", client.id, lines=lines(count)).id) for _ in range(5)]
            firsts = iter(fresh)
            report(f"  the first print of a new {name}",
                   best_of(lambda f=firsts: documents.document_pdf(db, rep, next(f).id), 5),
                   best_of(lambda c=count: bare_reportlab(c), 5), floor_name="bare reportlab")
        if count == 5:
            printing(db, rep, invoice.id, work)


def to_cups(preview: object, work: Path) -> None:
    """SalesDesk's part of printing through CUPS: the PDF to a spool file and ``lp``
    started and finished (a stand-in ``lp`` that takes the file as CUPS does; the
    printer's own time is the spooler's, as for any PDF viewer)."""
    import os
    import stat

    from PySide6.QtPrintSupport import QPrinter

    stub = work / "bin" / "lp"
    if not stub.exists():
        stub.parent.mkdir(exist_ok=True)
        stub.write_text(f"#!/bin/sh\nfor a; do last=\"$a\"; done\ncp \"$last\" {work}/spool.pdf\n")
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
        os.environ["PATH"] = f"{stub.parent}{os.pathsep}{os.environ['PATH']}"

    class Queue:  # a CUPS queue as the print dialog returns it
        def printerName(self) -> str: return "Office"
        def docName(self) -> str: return "invoice"
        def copyCount(self) -> int: return 1
        def duplex(self) -> QPrinter.DuplexMode: return QPrinter.DuplexMode.DuplexNone
        def printRange(self) -> QPrinter.PrintRange: return QPrinter.PrintRange.AllPages
        def fromPage(self) -> int: return 0
        def toPage(self) -> int: return 0

    process = preview.spool(Queue())  # type: ignore[attr-defined]
    process.waitForFinished(10_000)


def printing(db: object, rep: object, invoice_id: object, work: Path) -> None:
    """Printing the one-page invoice from the window against rendering it (issue 14:
    ≤ 2×): to a PDF printer (the vector PDF itself), and to a printer that takes pages
    (each page rendered at the printer's resolution, at most 600 dpi, as the window's
    background job does; a PDF-format QPrinter at 600 dpi stands in for the device)."""
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from salesdesk_ui.dialogs.pdf_preview import PdfPreview
    from salesdesk_ui.dialogs.printing import PrintJob

    _app = QApplication.instance() or QApplication([])
    render = best_of(lambda: documents.document_pdf(db, rep, invoice_id), 5)
    pdf = documents.document_pdf(db, rep, invoice_id)
    preview = PdfPreview(pdf, "invoice", "invoice.pdf")

    def to_pdf_file() -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(work / "printed.pdf"))
        preview.print_to(printer)

    def to_page_printer(dpi: int) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(work / "raster.pdf"))
        printer.setResolution(dpi)
        PrintJob(pdf, printer).run()  # the job's body, timed on this thread

    report("print one-page invoice to a PDF printer", best_of(to_pdf_file, 5), render,
           target=2, floor_name="render it")
    report("print one-page invoice through CUPS (lp)", best_of(lambda: to_cups(preview, work),
                                                               5), render, target=2,
           floor_name="render it")
    for dpi in (300, 600):
        report(f"print one-page invoice, pages at {dpi} dpi", best_of(
            lambda d=dpi: to_page_printer(d), 3), render, target=2, floor_name="render it")


if __name__ == "__main__":
    main()
