"""The product presentation a representative brings to a client: selected products with
description, unit, price and VAT, and the company's and the representative's details."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from salesdesk import clock
from salesdesk.documents.pdfkit import (
    ACCENT,
    CONTENT_WIDTH,
    FONT,
    GREY,
    LIGHT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    logo_flowable,
    numbered_canvas,
    para,
    styles,
)
from salesdesk.domain import vat_rate_label
from salesdesk.i18n import Tr


def render_presentation(client: dict[str, Any], products: list[Any], supplier: dict[str, Any],
                        author: dict[str, Any], lang: str, vat_included: bool,
                        logo: bytes | None = None, today: date | None = None) -> bytes:
    """A short PDF: a cover block for the client, one card per product, contacts."""
    t = Tr(lang)
    st = styles()
    today = today or clock.today()
    buffer = io.BytesIO()
    title = t._("Product presentation for {client}").format(client=client.get("name") or "")

    def frame(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN_LEFT, 9 * mm, supplier.get("name") or "")
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, 9 * mm,
                               t._("Page {page} of {total}").format(page=page, total=total))
        canvas.restoreState()

    story: list[Any] = []
    image = logo_flowable(logo, 50 * mm, 18 * mm)
    if image is not None:
        image.hAlign = "LEFT"
        story += [image, Spacer(1, 4 * mm)]
    story.append(para(supplier.get("name") or "", st.bold))
    story.append(para(", ".join(x for x in (supplier.get("address"), supplier.get("phone"),
                                            supplier.get("email")) if x), st.small))
    story.append(Spacer(1, 8 * mm))
    story.append(para(t._("Product presentation"), st.title))
    story.append(para(t._("for {client}").format(client=client.get("name") or ""), st.heading))
    story.append(para(t.date(today, "long"), st.small))
    story.append(Spacer(1, 6 * mm))
    price_note = t._("Prices include VAT.") if vat_included else t._("VAT is charged on top "
                                                                     "of the prices.")
    for product in products:
        header = Table([[para(product.name, st.bold),
                         para(t._("{price} per {unit}").format(price=t.money(product.price),
                                                               unit=product.unit),
                              st.cell_bold_right)]],
                       colWidths=[CONTENT_WIDTH - 55 * mm, 55 * mm])
        header.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                    ("LINEABOVE", (0, 0), (-1, 0), 1.2, ACCENT)]))
        details = [para(product.description or "", st.body)] if product.description else []
        facts = " · ".join(x for x in (
            t._("SKU {sku}").format(sku=product.sku) if product.sku else "",
            t._("unit: {unit}").format(unit=product.unit),
            t._("VAT {rate}").format(rate=vat_rate_label(product.vat_rate, lang))) if x)
        details.append(para(facts, st.small))
        story.append(KeepTogether([header, Spacer(1, 1.5 * mm), *details, Spacer(1, 5 * mm)]))
    story.append(para(price_note, st.small))
    story.append(Spacer(1, 8 * mm))
    contact = [para(t._("Your contact"), st.heading), para(author.get("name") or "", st.bold)]
    for value in (author.get("position"), author.get("phone"), author.get("email")):
        if value:
            contact.append(para(value, st.body))
    story.append(KeepTogether(contact))
    template = SimpleDocTemplate(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
                                 leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                                 topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title,
                                 author=supplier.get("name") or "", creator="SalesDesk")
    template.build(story, canvasmaker=numbered_canvas(frame))
    return buffer.getvalue()
