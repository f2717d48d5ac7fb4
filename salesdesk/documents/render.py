"""Proposals and invoices as PDF, in the Russian layout or the English one.

The Russian invoice follows the form accountants know (счёт на оплату): the bank block
with the payment QR code of ГОСТ Р 56042-2014, the title with number and date, supplier
and buyer with their INN/KPP, the lines, "Итого", the VAT line, "Всего к оплате", the
count of items and the amount in words, and the signatures of the head and the
accountant. Long tables break across pages with their header repeated.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from salesdesk.documents.pdfkit import (
    CONTENT_WIDTH,
    FONT,
    GREY,
    LIGHT,
    LINE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    QRCode,
    amount,
    esc,
    logo_flowable,
    numbered_canvas,
    para,
    qty,
    short_name,
    styles,
    watermark,
)
from salesdesk.documents.qr import payment_string, qr_matrix
from salesdesk.documents.signatures import SignatureBlock, Signer
from salesdesk.documents.totals import compute_document
from salesdesk.documents.words import amount_in_words_ru
from salesdesk.domain import vat_rate_label
from salesdesk.i18n import Tr
from salesdesk.money import ZERO, round_money


def _requisites(party: dict[str, Any], t: Tr, with_contacts: bool = True) -> str:
    bits = [party.get("name") or ""]
    if party.get("inn"):
        bits.append(t._("INN {inn}").format(inn=party["inn"]))
    if party.get("kpp"):
        bits.append(t._("KPP {kpp}").format(kpp=party["kpp"]))
    if party.get("address"):
        bits.append(party["address"])
    if with_contacts and party.get("phone"):
        bits.append(t._("tel. {phone}").format(phone=party["phone"]))
    return ", ".join(b for b in bits if b)


def _vat_title(rate: str, included: bool, t: Tr) -> str:
    label = vat_rate_label(rate, t.lang)
    if included:
        return t._("Including VAT {rate}:").format(rate=label)
    return t._("VAT {rate}:").format(rate=label)


CELL_PADDING = 12.5  # a table cell's left and right padding (6 pt each) and a little air


def text_width(text: str, style: Any) -> float:
    """How wide ``text`` is in a paragraph style (no wrapping)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text or "", style.fontName, style.fontSize))


ROW_TEXT_LINES = 20
"""How many lines of a description one table row holds; more go on in the next rows."""
ROW_TEXT_CHARS = 1200


def description_parts(text: str) -> list[str]:
    """A line's description in pieces a table row can hold: at line breaks, at most
    :data:`ROW_TEXT_LINES` lines and :data:`ROW_TEXT_CHARS` characters each."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for piece in (text or "").split("\n"):
        while len(piece) > ROW_TEXT_CHARS:  # one very long line: cut at a space
            cut = piece.rfind(" ", 0, ROW_TEXT_CHARS)
            cut = cut if cut > ROW_TEXT_CHARS // 2 else ROW_TEXT_CHARS
            if current:
                parts.append("\n".join(current))
                current, size = [], 0
            parts.append(piece[:cut])
            piece = piece[cut:].lstrip()
        if current and (len(current) >= ROW_TEXT_LINES or size + len(piece) > ROW_TEXT_CHARS):
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(piece)
        size += len(piece)
    parts.append("\n".join(current))
    return parts


FIGURE_SIZES = (8.5, 7.5, 6.5)
"""Font sizes of the figure columns, tried in turn before the description gets too narrow."""
MIN_DESCRIPTION = 55 * mm


@dataclass(frozen=True)
class _Columns:
    head: list[str]
    widths: list[float]
    size: float


def _columns(doc: Any, t: Tr, show_discount: bool, vat_column: bool) -> _Columns:
    """The table's columns: each figure column as wide as its widest value or header word,
    in the largest of :data:`FIGURE_SIZES` that leaves the description room (a number, a
    unit or a header word never splits); the description takes what is left."""
    head = ["№", t._("Goods (work, services)"), t._("Qty"), t._("Unit"), t._("Price")]
    texts: list[list[str]] = [[str(ln.position) for ln in doc.lines], [],
                              [qty(ln.quantity, t) for ln in doc.lines],
                              [ln.unit for ln in doc.lines],
                              [amount(ln.price, t) for ln in doc.lines]]
    floors = [9 * mm, 0, 12 * mm, 11 * mm, 20 * mm]
    if show_discount:
        head.append(t._("Discount"))
        texts.append([_discount(ln, t) for ln in doc.lines])
        floors.append(14 * mm)
    if vat_column:
        head += [t._("VAT rate"), t._("VAT")]
        texts += [[vat_rate_label(ln.vat_rate, t.lang) for ln in doc.lines],
                  [amount(ln.vat_amount, t) if ln.vat_rate != "none" else "—"
                   for ln in doc.lines]]
        floors += [12 * mm, 18 * mm]
    head.append(t._("Amount"))
    texts.append([amount(ln.amount, t) for ln in doc.lines])
    floors.append(22 * mm)
    for size in FIGURE_SIZES:
        value_style, head_style = _sized(size)
        widths: list[float] = []
        for index, values in enumerate(texts):
            if index == 1:
                widths.append(0)
                continue
            words = [w for w in head[index].split() if w]
            needed = max([text_width(v, value_style) for v in values]
                         + [text_width(w, head_style) for w in words] + [0]) + CELL_PADDING
            widths.append(max(floors[index] * size / FIGURE_SIZES[0], needed))
        widths[1] = CONTENT_WIDTH - sum(widths)
        if widths[1] >= MIN_DESCRIPTION:
            break
    return _Columns(head, widths, size)


@lru_cache(maxsize=8)
def _sized(size: float) -> tuple[ParagraphStyle, ParagraphStyle]:
    """The figure cell and header styles at ``size`` points."""
    st = styles()
    leading = size * 10.5 / 8.5
    return (ParagraphStyle(f"cell_right_{size}", parent=st.cell_right, fontSize=size,
                           leading=leading),
            ParagraphStyle(f"header_cell_{size}", parent=st.header_cell, fontSize=size,
                           leading=leading))


def _discount(line: Any, t: Tr) -> str:
    return t.percent(line.discount_pct) if line.discount_pct else ""


def _lines_table(doc: Any, t: Tr, show_discount: bool, tail: list[Any] | None = None,
                 vat_column: bool = False) -> Table:
    """The lines, with the header repeated on every page.

    ``tail`` (the totals, the amount in words, the signatures) becomes the table's last
    row, and the table is never split between its last two item rows and that row: the
    totals never start a page alone, and never part from one another.
    """
    st = styles()
    columns = _columns(doc, t, show_discount, vat_column)
    right, header = _sized(columns.size)
    plain = ParagraphStyle(f"cell_{columns.size}", parent=st.cell, fontSize=columns.size,
                           leading=right.leading)
    # Mark the lines without VAT of a document that has VAT elsewhere (a VAT column says
    # it in its own cell; a document without any VAT says it under the totals).
    mixed = not vat_column and {ln.vat_rate == "none" for ln in doc.lines} == {True, False}
    no_vat = ' <font size="{size}" color="#555555">({text})</font>'.format(
        size=st.tiny.fontSize, text=esc(t._("no VAT")))
    data: list[list[Any]] = [[para(h, header) for h in columns.head]]
    width = len(columns.head)
    for line in doc.lines:
        first, *more = description_parts(line.description)
        description = Paragraph(esc(first) + (
            no_vat if mixed and line.vat_rate == "none" and not more else ""), st.cell)
        row = [para(str(line.position), right), description,
               para(qty(line.quantity, t), right), para(line.unit, plain),
               para(amount(line.price, t), right)]
        if show_discount:
            row.append(para(_discount(line, t), right))
        if vat_column:
            row += [para(vat_rate_label(line.vat_rate, t.lang), right),
                    para(amount(line.vat_amount, t) if line.vat_rate != "none" else "—",
                         right)]
        row.append(para(amount(line.amount, t), right))
        data.append(row)
        # A long description goes on in rows of its own, which may fall on the next page
        # (a table row taller than a page cannot be laid out at all).
        for index, part in enumerate(more):
            text = esc(part)
            if mixed and line.vat_rate == "none" and index == len(more) - 1:
                text += no_vat
            data.append([para("", st.cell), Paragraph(text, st.cell)]
                        + [para("", st.cell)] * (width - 2))
    last_item = len(data) - 1
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, last_item), 0.5, LINE),
        ("BOX", (0, 0), (-1, last_item), 1.2, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, last_item), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, last_item), 2.5),
    ]
    if tail:
        data.append([tail] + [""] * (width - 1))
        row = len(data) - 1
        commands += [("SPAN", (0, row), (-1, row)),
                     ("LEFTPADDING", (0, row), (-1, row), 0),
                     ("RIGHTPADDING", (0, row), (-1, row), 0),
                     ("TOPPADDING", (0, row), (-1, row), 2 * mm),
                     ("BOTTOMPADDING", (0, row), (-1, row), 0),
                     # The last two item rows stay with the totals (one when there is one).
                     ("NOSPLIT", (0, max(1, last_item - 1)), (-1, row))]
    table = Table(data, colWidths=columns.widths, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def _totals_table(doc: Any, t: Tr) -> Table:
    st = styles()
    totals = compute_document([(ln.quantity, ln.price, ln.discount_pct, ln.vat_rate)
                               for ln in doc.lines], doc.vat_included)
    rows: list[list[Any]] = [[para(t._("Subtotal:"), st.cell_bold_right),
                              para(amount(totals.subtotal, t), st.cell_bold_right)]]
    if totals.without_vat:
        rows.append([para(t._("Without tax (VAT):"), st.cell_bold_right),
                     para("—", st.cell_bold_right)])
    else:
        # In numeric order (0, 5, 7, 10, 22 %), "without VAT" last.
        for rate in sorted(totals.vat_by_rate,
                           key=lambda r: (r == "none", int(r) if r.isdigit() else 0)):
            if rate == "none":
                continue
            rows.append([para(_vat_title(rate, doc.vat_included, t), st.cell_bold_right),
                         para(amount(totals.vat_by_rate[rate], t), st.cell_bold_right)])
    rows.append([para(t._("Total to pay:") if doc.kind == "invoice" else t._("Grand total:"),
                      st.cell_bold_right),
                 para(amount(totals.total, t), st.cell_bold_right)])
    figures = max(30 * mm, max(text_width(row[1].text, st.cell_bold_right) for row in rows)
                  + CELL_PADDING)
    table = Table(rows, colWidths=[CONTENT_WIDTH - figures, figures])
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _bank_block(supplier: dict[str, Any], t: Tr, qr: QRCode | None) -> Table:
    st = styles()
    width = CONTENT_WIDTH - (qr.size + 3 * mm if qr else 0)
    c2, c3 = 15 * mm, 55 * mm
    # The INN and KPP cells as wide as their text (an INN never wraps), the rest shared.
    inn = text_width(t._("INN {inn}").format(inn=supplier.get("inn") or "0" * 12), st.cell)
    first = max((width - c2 - c3) / 2, inn + CELL_PADDING)
    half = (width - c2 - c3) / 2
    small = st.tiny
    data = [
        [para(supplier.get("bank_name") or "", st.cell), "", para(t._("BIK"), st.cell),
         para(supplier.get("bik") or "", st.cell)],
        [para(t._("Payee's bank"), small), "", para(t._("Acc. No."), st.cell),
         para(supplier.get("corr_account") or "", st.cell)],
        [para(t._("INN {inn}").format(inn=supplier.get("inn") or ""), st.cell),
         para(t._("KPP {kpp}").format(kpp=supplier.get("kpp") or ""), st.cell),
         para(t._("Acc. No."), st.cell), para(supplier.get("settlement_account") or "", st.cell)],
        [para(supplier.get("name") or "", st.cell), "", "", ""],
        [para(t._("Payee"), small), "", "", ""],
    ]
    table = Table(data, colWidths=[first, 2 * half - first, c2, c3])
    table.setStyle(TableStyle([
        ("SPAN", (0, 0), (1, 0)), ("SPAN", (0, 1), (1, 1)),
        ("SPAN", (0, 3), (1, 3)), ("SPAN", (0, 4), (1, 4)),
        ("SPAN", (2, 2), (2, 4)), ("SPAN", (3, 2), (3, 4)),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
        ("LINEAFTER", (1, 0), (1, -1), 0.6, colors.black),
        ("LINEAFTER", (2, 0), (2, -1), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, 1), 0.6, colors.black),
        ("LINEBELOW", (2, 0), (3, 0), 0.6, colors.black),
        ("LINEAFTER", (0, 2), (0, 2), 0.6, colors.black),
        ("LINEBELOW", (0, 2), (1, 2), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    if qr is None:
        return table
    caption = para(t._("Pay by QR code"), st.tiny)
    outer = Table([[table, [qr, caption]]], colWidths=[width + 3 * mm, qr.size])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    return outer


def _parties_table(rows: list[tuple[str, str]]) -> Table:
    st = styles()
    table = Table([[para(label, st.cell), para(value, st.cell_bold)] for label, value in rows],
                  colWidths=[40 * mm, CONTENT_WIDTH - 40 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def _signatures(supplier: dict[str, Any], t: Tr, brand: Branding) -> SignatureBlock:
    stamped = brand.stamped
    signers = [Signer(t._("Director"), short_name(supplier.get("head_name")),
                      brand.signature_head if stamped else None),
               Signer(t._("Chief accountant"), short_name(supplier.get("accountant_name")),
                      brand.signature_accountant if stamped else None)]
    return SignatureBlock(signers, CONTENT_WIDTH, brand.stamp if stamped else None)


def _title(doc: Any, t: Tr) -> str:
    kind = t._("Invoice") if doc.kind == "invoice" else t._("Commercial proposal")
    if doc.kind == "invoice" and t.lang == "en":
        kind = t._("Invoice")
    if doc.kind == "proposal" and t.lang == "en":
        kind = t._("Quotation")
    number = doc.number or t._("(draft)")
    if t.lang == "ru":
        return f"{kind} № {number} от {t.date(doc.doc_date, 'long')}"
    return f"{kind} No. {number} of {t.date(doc.doc_date, 'long')}"


def _words_kept(words: str) -> str:
    """The amount in words with "рублей 56 копеек" unbreakable: the kopecks never part
    from their word, nor from the rubles."""
    head, *tail = words.rsplit(" ", 3)
    return " ".join([head, "\u00a0".join(tail)]) if len(tail) == 3 else words


def payable(doc: Any) -> Decimal:
    """What is left to pay on an invoice: nothing on a cancelled or paid one, the total
    less the payments on one partly paid."""
    if doc.status in ("cancelled", "paid", "draft") or doc.kind != "invoice":
        return ZERO
    return max(ZERO, doc.total - (doc.paid_total or ZERO))


def _invoice_ru(doc: Any, parties: dict[str, Any], t: Tr, brand: Branding) -> list[Any]:
    st = styles()
    supplier, buyer = parties["supplier"], parties["buyer"]
    story: list[Any] = []
    image = logo_flowable(brand.logo, 50 * mm, 16 * mm)
    if image is not None:
        image.hAlign = "LEFT"
        story += [image, Spacer(1, 3 * mm)]
    qr = None
    left = payable(doc)
    if doc.number and left > 0 and supplier.get("settlement_account"):
        purpose = f"Оплата по счёту № {doc.number} от {t.date(doc.doc_date, 'numeric')}"
        if all(line.vat_rate == "none" for line in doc.lines):
            purpose += ", без НДС"
        else:
            # The VAT of what is paid now (the whole VAT when nothing was paid yet).
            vat = round_money(doc.vat_total * left / doc.total) if doc.total else ZERO
            purpose += f", в т.ч. НДС {amount(vat, t)} руб."
        data = payment_string(supplier.get("name") or "", supplier["settlement_account"],
                              supplier.get("bank_name") or "", supplier.get("bik") or "",
                              supplier.get("corr_account") or "", left, purpose,
                              supplier.get("inn"), supplier.get("kpp"))
        matrix = qr_matrix(data)
        # At least 0.5 mm a module: a phone reads it from a page printed at 150 dpi.
        # (The code's width holds a quiet zone of four modules on each side.)
        qr = QRCode(matrix, min(44 * mm, max(29 * mm, (len(matrix) + 8) * 0.5 * mm)))
    story.append(_bank_block(supplier, t, qr))
    story.append(Spacer(1, 5 * mm))
    story.append(para(_title(doc, t), st.title))
    story.append(_rule(1.5))
    rows = [(t._("Supplier (contractor):"), _requisites(supplier, t)),
            (t._("Buyer (customer):"), _requisites(buyer, t))]
    if doc.basis:
        rows.append((t._("Basis:"), doc.basis))
    story.append(_parties_table(rows))
    story.append(Spacer(1, 3 * mm))
    count = len(doc.lines)
    tail: list[Any] = [_totals_table(doc, t), Spacer(1, 2 * mm),
                       para(f"Всего наименований {count}, на сумму {amount(doc.total, t)}"
                            "\u00a0руб.", st.body),
                       para(_words_kept(amount_in_words_ru(doc.total)), st.bold)]
    tail.append(Spacer(1, 3 * mm))
    if doc.due_date:
        tail.append(para(f"Оплатить не позднее {t.date(doc.due_date, 'long')}", st.body))
    terms = [para(text, st.small) for text in (doc.payment_terms, doc.delivery_terms) if text]
    sign = [Spacer(1, 2 * mm), _rule(1.5), Spacer(1, 7 * mm), _signatures(supplier, t, brand)]
    return story + _table_and_tail(doc, t, brand, tail, terms, sign)


TAIL_TERMS_CHARS = 1500
"""Terms up to this long stay in the unsplittable block after the lines; longer terms
run on across pages by themselves (a block taller than a page cannot be laid out)."""


def _table_and_tail(doc: Any, t: Tr, brand: Branding, tail: list[Any], terms: list[Any],
                    sign: list[Any]) -> list[Any]:
    """The lines table with the totals kept to its last rows, then the terms and the
    signatures. The signatures never start a page alone: when the terms are too long to
    stay in the block, the last paragraph of them goes over with the signatures."""
    length = len(doc.payment_terms or "") + len(doc.delivery_terms or "")
    if length <= TAIL_TERMS_CHARS:
        return [_lines_table(doc, t, _discounted(doc), tail + terms + sign, brand.vat_column)]
    return [_lines_table(doc, t, _discounted(doc), tail, brand.vat_column), *terms[:-1],
            KeepTogether([terms[-1], *sign])]


def _discounted(doc: Any) -> bool:
    return any(ln.discount_pct for ln in doc.lines)


def _invoice_en(doc: Any, parties: dict[str, Any], t: Tr, brand: Branding) -> list[Any]:
    st = styles()
    supplier, buyer = parties["supplier"], parties["buyer"]
    story: list[Any] = _letterhead(supplier, brand.logo, t)
    story.append(para(_title(doc, t), st.title))
    story.append(_rule(1.5))
    info = [(t._("Supplier:"), _requisites(supplier, t)), (t._("Bill to:"),
                                                          _requisites(buyer, t))]
    if doc.due_date:
        info.append((t._("Due date:"), t.date(doc.due_date, "long")))
    if doc.basis:
        info.append((t._("Basis:"), doc.basis))
    story.append(_parties_table(info))
    story.append(Spacer(1, 3 * mm))
    bank = t._("Bank: {bank}, BIK {bik}, corr. account {corr}, account {account}").format(
        bank=supplier.get("bank_name") or "", bik=supplier.get("bik") or "",
        corr=supplier.get("corr_account") or "", account=supplier.get("settlement_account") or "")
    tail: list[Any] = [_totals_table(doc, t),
                       para(t._("All amounts in {currency}.").format(currency=doc.currency),
                            st.tiny), Spacer(1, 3 * mm)]
    terms: list[Any] = []
    if doc.payment_terms:
        terms.append(_titled(t._("Payment terms"), doc.payment_terms, st.small))
    if doc.delivery_terms:
        terms.append(_titled(t._("Delivery terms"), doc.delivery_terms, st.small))
    terms.append(_titled(t._("Bank details"), bank, st.small))
    sign = [Spacer(1, 2 * mm), _rule(1.5), Spacer(1, 7 * mm), _signatures(supplier, t, brand)]
    return story + _table_and_tail(doc, t, brand, tail, terms, sign)


def _titled(title: str, text: str, style: ParagraphStyle) -> Paragraph:
    """A bold title and its text in one paragraph (they never part at a page break)."""
    return Paragraph(f"<b>{esc(title)}</b><br/>{esc(text)}", style)


def _letterhead(supplier: dict[str, Any], logo: bytes | None, t: Tr) -> list[Any]:
    st = styles()
    contacts = ", ".join(x for x in (supplier.get("address"), supplier.get("phone"),
                                     supplier.get("email")) if x)
    text = [para(supplier.get("name") or "", st.bold), para(contacts, st.small)]
    image = logo_flowable(logo, 45 * mm, 16 * mm)
    cells = [[image or "", text]]
    table = Table(cells, colWidths=[48 * mm, CONTENT_WIDTH - 48 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.8, LINE),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    if image is None:
        table = Table([[text]], colWidths=[CONTENT_WIDTH])
        table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.8, LINE),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return [table, Spacer(1, 5 * mm)]


def _proposal(doc: Any, parties: dict[str, Any], t: Tr, brand: Branding) -> list[Any]:
    st = styles()
    supplier, buyer, author = parties["supplier"], parties["buyer"], parties["author"]
    story: list[Any] = _letterhead(supplier, brand.logo, t)
    story.append(para(_title(doc, t), st.title))
    story.append(_rule(1.5))
    rows = [(t._("To:"), _requisites(buyer, t, with_contacts=False))]
    if buyer.get("contact"):
        attention = buyer["contact"]
        if buyer.get("contact_position"):
            attention += f", {buyer['contact_position']}"
        rows.append((t._("Attention:"), attention))
    story.append(_parties_table(rows))
    story.append(Spacer(1, 4 * mm))
    if doc.title:
        story.append(para(doc.title, st.heading))
    if doc.lead:
        story.append(para(doc.lead, st.body))
        story.append(Spacer(1, 3 * mm))
    story.append(para(t._("We offer:"), st.bold))
    story.append(Spacer(1, 1.5 * mm))
    tail: list[Any] = [_totals_table(doc, t)]
    if t.lang != "ru":
        tail.append(para(t._("All amounts in {currency}.").format(currency=doc.currency),
                         st.tiny))
    terms: list[Any] = []
    if doc.payment_terms:
        terms.append(_titled(t._("Payment terms"), doc.payment_terms, st.body))
    if doc.delivery_terms:
        terms.append(_titled(t._("Delivery terms"), doc.delivery_terms, st.body))
    if doc.valid_until:
        terms.append(para(t._("The offer is valid until {date}").format(
            date=t.date(doc.valid_until, "long")), st.bold))
    contact_bits = [author.get("name") or "", author.get("position") or ""]
    reach = ", ".join(x for x in (author.get("phone"), author.get("email")) if x)
    sign = [Spacer(1, 6 * mm), para(t._("Yours sincerely,"), st.body)]
    sign += [para(b, st.bold if i == 0 else st.body) for i, b in enumerate(contact_bits) if b]
    if reach:
        sign.append(para(reach, st.body))
    sign.append(para(supplier.get("name") or "", st.small))
    if terms:
        tail.append(Spacer(1, 3 * mm))
        for paragraph in terms:
            paragraph.style = ParagraphStyle("term", parent=paragraph.style, spaceAfter=2 * mm)
    return story + _table_and_tail(doc, t, brand, tail, terms, sign)


def _rule(weight: float) -> Table:
    table = Table([[""]], colWidths=[CONTENT_WIDTH], rowHeights=[1])
    table.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, -1), weight, colors.black)]))
    return table


@dataclass(frozen=True)
class Branding:
    """The company's images and print settings a document is rendered with."""

    logo: bytes | None = None
    stamp: bytes | None = None
    signature_head: bytes | None = None
    signature_accountant: bytes | None = None
    vat_column: bool = False
    """Print each line's VAT rate and amount."""
    stamped: bool = False
    """Print the stamp and the signatures (a copy sent by e-mail)."""


def render_document(doc: Any, parties: dict[str, Any], branding: Branding | None = None
                    ) -> bytes:
    """The PDF of a proposal or an invoice (a ``DocumentRecord``) in its language."""
    brand = branding or Branding()
    t = Tr(doc.language)
    buffer = io.BytesIO()
    title = _title(doc, t)
    draft = doc.number is None or doc.status == "draft"
    cancelled = doc.status == "cancelled"

    def frame(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        if page > 1:
            canvas.drawString(MARGIN_LEFT, PAGE_HEIGHT - 9 * mm, title)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, 9 * mm,
                               t._("Page {page} of {total}").format(page=page, total=total))
        canvas.restoreState()
        if draft:
            watermark(canvas, t._("DRAFT"))
        elif cancelled:
            # Across every page, in red: a cancelled invoice must not be paid by mistake.
            watermark(canvas, t._("CANCELLED"), colors.Color(0.85, 0.1, 0.1, alpha=0.55))

    template = SimpleDocTemplate(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
                                 leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                                 topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
                                 title=title, author=parties["supplier"].get("name") or "",
                                 creator="SalesDesk")
    if doc.kind == "invoice":
        story = (_invoice_ru if t.lang == "ru" else _invoice_en)(doc, parties, t, brand)
    else:
        story = _proposal(doc, parties, t, brand)
    template.build(story, canvasmaker=numbered_canvas(frame))
    return buffer.getvalue()
