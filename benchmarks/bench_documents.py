"""Issue 5: rendering a one-page invoice and a ten-page one.

    python benchmarks/bench_documents.py

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
             "quantity": str(i % 5 + 1), "unit": "шт", "price": f"{1000 + i * 13},50"}
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
               best_of(lambda c=count: bare_reportlab(c), 5), floor_name="bare reportlab")


if __name__ == "__main__":
    main()
