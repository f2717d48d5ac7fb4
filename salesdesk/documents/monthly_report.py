"""The head's monthly report for top management, as a PDF worth printing.

Sections: title page; key figures against plan, the previous month and the same month
last year; a per-person table with a total row; the funnel and lost reasons; customers
and the top ten clients; marketing spend and CAC by channel; the pipeline and weighted
forecast for the next month with overdue invoices and deliveries; the dashboard's charts;
the head's conclusions and a signature line. A header with the period and page numbers
on every page; tables break cleanly with their header repeated; charts are embedded at
print resolution.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from salesdesk import charts
from salesdesk.documents.pdfkit import (
    ACCENT,
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    GREY,
    LIGHT,
    LINE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Picture,
    numbered_canvas,
    para,
    raster_image,
    styles,
)
from salesdesk.domain import STAGE_LABELS, label
from salesdesk.i18n import Tr, short_person
from salesdesk.metrics.definitions import BY_KEY

SUMMARY_KEYS = ["sales_volume", "deals_won", "average_check", "conversion_pct", "win_rate_pct",
                "deal_time_days_median", "customers_new", "retention_pct", "churn_pct", "cac",
                "collected"]


@dataclass
class ReportData:
    """Everything the report prints (gathered by ``services.reports``)."""

    company: str
    department: str
    month: date
    made_on: date
    made_by: str
    scope_title: str
    current: dict[str, Any]
    previous: dict[str, Any]
    year_ago: dict[str, Any]
    people: list[Any]
    parts: Any
    series: list[Any]
    next_month: dict[str, Any]
    overdue_invoices: list[Any]
    overdue_deliveries: list[Any]
    conclusions: str
    toolkit: Any = None
    """The strategy's numbers, the budget, the ranking, the commissions, training and the
    duties' figures (:class:`salesdesk.services.reports.Toolkit`), when gathered."""


def rubles(t: Tr, value: Decimal) -> str:
    """Money rounded half-up to whole rubles: ``4 523 702 ₽`` (what a management report
    shows; the kopecks are in the documents)."""
    from salesdesk.money import round_to

    whole = round_to(Decimal(value), 0)
    text = t.number(whole)
    return f"{text} ₽" if t.lang == "ru" else f"₽{text}"


def fmt(t: Tr, kind: str, value: Any) -> str:
    """A metric value for print (``н/д`` where a denominator was zero)."""
    if value is None:
        return t._("n/a")
    if kind == "money":
        return rubles(t, value)
    if kind == "percent":
        return t.percent(value)
    if kind == "days":
        return t.number(value, 1)
    return t.number(value)


def delta(t: Tr, kind: str, now: Any, before: Any) -> tuple[str, str]:
    """Δ and Δ % of a figure against an earlier one (percentages change in points)."""
    if now is None or before is None:
        return "—", "—"
    diff = Decimal(now) - Decimal(before)
    sign = "+" if diff > 0 else "−" if diff < 0 else "±"
    magnitude = abs(diff)
    if kind == "percent":
        points = t._("p.p.")
        text = f"{sign}{t.number(magnitude, 2)} {points}"
    elif kind == "money":
        text = f"{sign}{rubles(t, magnitude)}"
    elif kind == "days":
        text = f"{sign}{t.number(magnitude, 1)}"
    else:
        text = f"{sign}{t.number(magnitude)}"
    if kind == "percent" or not before:
        return text, "—"
    share = diff * 100 / abs(Decimal(before))
    share_sign = "+" if share > 0 else "−" if share < 0 else "±"
    return text, share_sign + t.percent(abs(share).quantize(Decimal("0.1")))


CELL_PAD = 3.5  # points


def _table(rows: list[list[Any]], widths: list[float], header_rows: int = 1,
           total_row: bool = False, align_right_from: int | None = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, LINE),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        # Narrow side padding: eight columns of figures share a portrait page.
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]
    if align_right_from is not None:
        style.append(("ALIGN", (align_right_from, header_rows), (-1, -1), "RIGHT"))
    if total_row:
        style += [("BACKGROUND", (0, -1), (-1, -1), LIGHT),
                  ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black)]
    table.setStyle(TableStyle(style))
    return table


def _h(text: str) -> Any:
    return para(text, styles().heading)


def _cell(text: str, bold: bool = False, right: bool = False) -> Any:
    st = styles()
    style = st.cell_bold if bold else st.cell
    if right:
        style = st.cell_bold_right if bold else st.cell_right
    return para(text, style)


def _chart(figure: Any) -> Picture:
    pixels = charts.to_rgb(figure, dpi=170)  # ~1150 px across the page: sharp in print
    width = CONTENT_WIDTH
    fig_w, fig_h = figure.get_size_inches()
    return Picture(raster_image(*pixels), width, width * fig_h / fig_w)


def render_monthly_report(data: ReportData, lang: str) -> bytes:
    """The PDF."""
    t = Tr(lang)
    st = styles()
    month_title = t.date(data.month, "month")
    story: list[Any] = []

    # 1. Title page.
    story += [Spacer(1, 55 * mm), para(data.company, st.title),
              para(data.department, st.heading), Spacer(1, 8 * mm),
              para(t._("Monthly sales report"), st.title), para(month_title, st.title),
              Spacer(1, 4 * mm), para(data.scope_title, st.body), Spacer(1, 20 * mm),
              para(t._("Made on {date} by {name}").format(date=t.date(data.made_on, "long"),
                                                        name=data.made_by), st.body),
              PageBreak()]

    # 2. Key figures: against plan and the previous month, then against last year.
    story.append(_h(t._("1. Key figures")))
    head = [_cell(x, bold=True) for x in (t._("Figure"), month_title, t._("Plan"),
                                           t._("Previous month"), t._("Δ"), t._("Δ %"))]
    texts: list[list[str]] = [[h.text for h in head]]
    for key in SUMMARY_KEYS:
        metric = BY_KEY[key]
        now, before = data.current[key], data.previous[key]
        plan = fmt(t, "money", data.current["plan"]) if key == "sales_volume" else ""
        d1, p1 = delta(t, metric.kind, now, before)
        texts.append([metric.label_in(lang), fmt(t, metric.kind, now), plan,
                      fmt(t, metric.kind, before), d1, p1])
    rows: list[list[Any]] = [head] + [
        [_cell(r[0]), _cell(r[1], True, True)] + [_cell(x, right=True) for x in r[2:]]
        for r in texts[1:]]
    story.append(_table(rows, _fit(texts)))
    story.append(Spacer(1, 2 * mm))
    story.append(para(t._("Plan attainment: {value}.").format(
        value=fmt(t, "percent", data.current["plan_attainment_pct"])), st.small))
    story.append(Spacer(1, 3 * mm))
    year_title = t.date(data.month.replace(year=data.month.year - 1), "month")
    head = [_cell(x, bold=True) for x in (t._("Figure"), month_title, year_title, t._("Δ"),
                                           t._("Δ %"))]
    rows = [head]
    for key in SUMMARY_KEYS:
        metric = BY_KEY[key]
        now, year = data.current[key], data.year_ago[key]
        d2, p2 = delta(t, metric.kind, now, year)
        rows.append([_cell(metric.label_in(lang)), _cell(fmt(t, metric.kind, now), True, True),
                     _cell(fmt(t, metric.kind, year), right=True), _cell(d2, right=True),
                     _cell(p2, right=True)])
    story.append(KeepTogether([para(t._("Against the same month last year"), st.bold),
                               Spacer(1, 1.5 * mm),
                               _table(rows, _scale([60 * mm, 28 * mm, 28 * mm, 34 * mm,
                                                    22 * mm]))]))

    # 3. Per person.
    story.append(CondPageBreak(60 * mm))
    story.append(_h(t._("2. By person")))
    head = [_cell(x, bold=True) for x in (t._("Employee"), t._("Plan"), t._("Fact"), "%",
                                           t._("Deals"), t._("Average check"),
                                           t._("Conversion"), t._("Contacts"))]
    def figures(v: dict[str, Any]) -> list[str]:
        return [fmt(t, "money", v["plan"]), fmt(t, "money", v["sales_volume"]),
                fmt(t, "percent", v["plan_attainment_pct"]), fmt(t, "count", v["deals_won"]),
                fmt(t, "money", v["average_check"]), fmt(t, "percent", v["conversion_pct"]),
                fmt(t, "count", v["contacts"])]

    # Short names (Попова Е. И.), as Russian business papers write them: the figures
    # keep their room and every person stays on one line.
    texts = [[h.text for h in head]]
    texts += [[short_person(person.name), *figures(person.values)] for person in data.people]
    texts.append([t._("Total"), *figures(data.current)])
    rows = [head] + [[_cell(r[0])] + [_cell(x, right=True) for x in r[1:]]
                     for r in texts[1:-1]]
    rows.append([_cell(texts[-1][0], True)] + [_cell(x, True, True) for x in texts[-1][1:]])
    story.append(_table(rows, _fit(texts), total_row=True))
    c = data.current

    # 4. Funnel and lost reasons.
    story.append(CondPageBreak(70 * mm))
    story.append(_h(t._("3. Funnel and lost reasons")))
    rows = [[_cell(x, bold=True) for x in (t._("Stage"), t._("Deals"),
                                           t._("Went on to the next stage"))]]
    ladder = [(s, n) for s, n in data.parts.funnel if s != "lost"]
    for i, (stage, n) in enumerate(ladder):
        nxt = ladder[i + 1][1] if i + 1 < len(ladder) else None
        rate = fmt(t, "percent", Decimal(nxt * 100) / Decimal(n) if n and nxt is not None
                   else None) if nxt is not None else ""
        rows.append([_cell(label(STAGE_LABELS, stage, lang)), _cell(t.number(n), right=True),
                     _cell(rate, right=True)])
    lost = dict(data.parts.funnel).get("lost", 0)
    rows.append([_cell(label(STAGE_LABELS, "lost", lang)), _cell(t.number(lost), right=True),
                 _cell("")])
    story.append(_table(rows, _scale([70 * mm, 40 * mm, 60 * mm])))
    month_name = t.date(data.month, "month")
    story.append(para(t._("The funnel counts the deals opened in {month} by the furthest "
                          "stage they reached; “Deals won” and the lost reasons count the "
                          "deals closed in {month}.").format(month=month_name), st.small))
    story.append(Spacer(1, 3 * mm))
    rows = [[_cell(x, bold=True) for x in (t._("Lost reason"), t._("Deals"), t._("Amount"))]]
    for reason, n, total in data.parts.lost_reasons:
        rows.append([_cell(reason or t._("(no reason)")), _cell(t.number(n), right=True),
                     _cell(rubles(t, total), right=True)])
    if len(rows) == 1:
        rows.append([_cell(t._("No lost deals this month")), _cell(""), _cell("")])
    story.append(_table(rows, _scale([100 * mm, 30 * mm, 40 * mm])))

    # 5. Customers.
    story.append(CondPageBreak(70 * mm))
    story.append(_h(t._("4. Customers")))
    rows = [[_cell(BY_KEY[k].label_in(lang), bold=True) for k in (
        "customers_at_start", "customers_new", "customers_retained", "customers_churned",
        "customers_reactivated")],
        [_cell(fmt(t, "count", c[k]), right=True) for k in (
            "customers_at_start", "customers_new", "customers_retained", "customers_churned",
            "customers_reactivated")]]
    story.append(_table(rows, _scale([34 * mm] * 5), align_right_from=0))
    story.append(Spacer(1, 3 * mm))
    story.append(para(t._("Top 10 clients by volume"), st.bold))
    rows = [[_cell(x, bold=True) for x in ("№", t._("Client"), t._("Deals"), t._("Volume"))]]
    for i, (_cid, name, n, volume) in enumerate(data.parts.top_clients, start=1):
        rows.append([_cell(str(i)), _cell(name), _cell(t.number(n), right=True),
                     _cell(rubles(t, volume), right=True)])
    if len(rows) == 1:
        rows.append([_cell(""), _cell(t._("No deals won this month")), _cell(""), _cell("")])
    story.append(_table(rows, _scale([10 * mm, 100 * mm, 20 * mm, 40 * mm]), align_right_from=2))

    # 6. Marketing.
    story.append(CondPageBreak(60 * mm))
    story.append(_h(t._("5. Marketing spend and CAC by channel")))
    rows = [[_cell(x, bold=True) for x in (t._("Channel"), t._("Spend"), t._("New customers"),
                                           t._("CAC"))]]
    for channel in sorted(set(data.parts.spend_by_channel) | set(data.parts.cac_by_channel)):
        rows.append([_cell(channel), _cell(rubles(t, data.parts.spend_by_channel.get(
            channel, Decimal(0))), right=True),
            _cell(t.number(data.parts.new_by_channel.get(channel, 0)), right=True),
            _cell(fmt(t, "money", data.parts.cac_by_channel.get(channel)), right=True)])
    rows.append([_cell(t._("Total"), True), _cell(fmt(t, "money", c["marketing_spend"]), True,
                                                  True),
                 _cell(fmt(t, "count", c["customers_new"]), True, True),
                 _cell(fmt(t, "money", c["cac"]), True, True)])
    story.append(_table(rows, _scale([70 * mm, 35 * mm, 30 * mm, 35 * mm]), total_row=True))

    # 7. Pipeline, forecast, overdue.
    story.append(CondPageBreak(60 * mm))
    story.append(_h(t._("6. Pipeline and forecast for next month")))
    n = data.next_month
    rows = [[_cell(BY_KEY[k].label_in(lang), bold=True) for k in (
        "pipeline_open_count", "pipeline_open_amount", "forecast_weighted")],
        [_cell(fmt(t, BY_KEY[k].kind, n[k]), right=True) for k in (
            "pipeline_open_count", "pipeline_open_amount", "forecast_weighted")]]
    story.append(_table(rows, _scale([56 * mm] * 3), align_right_from=0))
    story.append(Spacer(1, 3 * mm))
    story.append(para(t._("Overdue invoices"), st.bold))
    rows = [[_cell(x, bold=True) for x in (t._("Number"), t._("Client"), t._("Pay by"),
                                           t._("Due"))]]
    for inv in data.overdue_invoices:
        rows.append([_cell(inv.number), _cell(inv.client_name), _cell(t.date(inv.due_date)),
                     _cell(rubles(t, inv.due_amount), right=True)])
    if len(rows) == 1:
        rows.append([_cell(t._("None")), _cell(""), _cell(""), _cell("")])
    story.append(_table(rows, _scale([30 * mm, 80 * mm, 30 * mm, 30 * mm]), align_right_from=3))
    story.append(Spacer(1, 3 * mm))
    story.append(para(t._("Overdue deliveries"), st.bold))
    rows = [[_cell(x, bold=True) for x in (t._("Client"), t._("What"), t._("Due"),
                                           t._("Owner"))]]
    for d in data.overdue_deliveries:
        rows.append([_cell(d.client_name), _cell(d.description), _cell(t.date(d.due_date)),
                     _cell(d.owner_name)])
    if len(rows) == 1:
        rows.append([_cell(t._("None")), _cell(""), _cell(""), _cell("")])
    story.append(_table(rows, _scale([60 * mm, 55 * mm, 25 * mm, 30 * mm]),
                        align_right_from=None))

    # 8. Charts.
    story.append(PageBreak())
    story.append(_h(t._("7. Charts")))
    sub = t.date(data.month, "month")
    figures = [charts.sales_by_month(data.series, lang, "print"),
               charts.funnel_chart(data.parts.funnel, lang, charts.opened_in(sub, lang),
                                   "print"),
               charts.conversion_and_check(data.series, lang, "print"),
               charts.customers_by_month(data.series, lang, "print"),
               charts.plan_vs_fact(data.people, lang, sub, "print"),
               charts.channels_chart(data.parts.spend_by_channel, data.parts.cac_by_channel,
                                     lang, sub, "print"),
               charts.lost_reasons_chart(data.parts.lost_reasons, lang,
                                         charts.closed_in(sub, lang), "print"),
               charts.deal_time_histogram(data.parts.durations, lang, sub, "print")]
    for figure in figures:
        story.append(KeepTogether([_chart(figure), Spacer(1, 4 * mm)]))

    if data.toolkit is not None:
        story += _toolkit_page(data.toolkit, t, lang)

    # 9. Conclusions and signature.
    story.append(CondPageBreak(80 * mm))
    story.append(_h(t._("9. Conclusions") if data.toolkit is not None
                    else t._("8. Conclusions")))
    story.append(para(data.conclusions or t._("(no conclusions written)"), st.body))
    story.append(Spacer(1, 16 * mm))
    sign = Table([[_cell(t._("Head of sales")), "", _cell(data.made_by)],
                  [_cell(""), _cell(t._("signature"), right=False), _cell("")]],
                 colWidths=_scale([66 * mm, 52 * mm, 52 * mm]))
    sign.setStyle(TableStyle([("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                              ("FONT", (0, 0), (-1, -1), FONT, 8),
                              ("TEXTCOLOR", (1, 1), (1, 1), GREY),
                              ("ALIGN", (1, 1), (1, 1), "CENTER")]))
    story.append(sign)

    buffer = io.BytesIO()
    report_title = t._("Monthly sales report")
    header_text = f"{data.company} · {report_title} · {month_title}"

    def frame(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        if page > 1:
            canvas.drawString(MARGIN_LEFT, PAGE_HEIGHT - 9 * mm, header_text)
            canvas.setStrokeColor(ACCENT)
            canvas.setLineWidth(0.6)
            canvas.line(MARGIN_LEFT, PAGE_HEIGHT - 10.5 * mm, PAGE_WIDTH - MARGIN_RIGHT,
                        PAGE_HEIGHT - 10.5 * mm)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, 9 * mm,
                               t._("Page {page} of {total}").format(page=page, total=total))
        canvas.restoreState()

    template = SimpleDocTemplate(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
                                 leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                                 topMargin=MARGIN_TOP + 4 * mm, bottomMargin=MARGIN_BOTTOM,
                                 title=f"{report_title} {month_title}",
                                 author=data.made_by, creator="SalesDesk")
    template.build(story, canvasmaker=numbered_canvas(frame))
    return buffer.getvalue()


def _toolkit_page(kit: Any, t: Tr, lang: str) -> list[Any]:
    """8. Strategy, budget, team: the priorities with their numbers, the key clients,
    the marketing budget against spend, the duties, the ranking with the commissions,
    and training."""
    st = styles()
    out: list[Any] = [PageBreak(), _h(t._("8. Strategy, budget and team"))]
    other = t._("Other clients")
    kinds = {"segment": t._("Segment"), "market": t._("Market")}
    rows: list[list[Any]] = [[_cell(x, bold=True) for x in (
        t._("Priority"), t._("Sales volume"), t._("Share"), t._("Deals won"),
        t._("Pipeline"), t._("Conversion"))]]
    for r in kit.strategy.priorities:
        name = f"{kinds[r.kind]}: {r.value}" if r.value else f"{kinds[r.kind]}: {other}"
        rows.append([_cell(name, bold=bool(r.value)), _cell(rubles(t, r.sales_volume),
                                                            right=True),
                     _cell(fmt(t, "percent", r.share_pct), right=True),
                     _cell(t.number(r.deals_won), right=True),
                     _cell(rubles(t, r.pipeline_open_amount), right=True),
                     _cell(fmt(t, "percent", r.conversion_pct), right=True)])
    if len(rows) == 1:
        rows.append([_cell(t._("No priority segments or markets are set")), *[_cell("")] * 5])
    out += [para(t._("Priority segments and markets"), st.bold), Spacer(1, 1.5 * mm),
            _table(rows, _scale([50 * mm, 28 * mm, 18 * mm, 24 * mm, 28 * mm, 24 * mm])),
            Spacer(1, 3 * mm)]
    rows = [[_cell(x, bold=True) for x in (t._("Key client"), t._("Owner"),
                                           t._("Sales volume"), t._("Last contact"),
                                           t._("Open deals"))]]
    for k in kit.strategy.key_clients[:12]:
        rows.append([_cell(k.name), _cell(short_person(k.owner_name)),
                     _cell(rubles(t, k.sales_volume), right=True),
                     _cell(t.date(k.last_contact) if k.last_contact else "—", right=True),
                     _cell(f"{t.number(k.open_deals)} · {rubles(t, k.open_amount)}",
                           right=True)])
    if len(rows) == 1:
        rows.append([_cell(t._("No key clients are marked")), *[_cell("")] * 4])
    out += [KeepTogether([para(t._("Key clients"), st.bold), Spacer(1, 1.5 * mm),
                          _table(rows, _scale([56 * mm, 32 * mm, 28 * mm, 24 * mm,
                                               34 * mm]), align_right_from=2)]),
            Spacer(1, 3 * mm)]
    if kit.budget is not None:
        rows = [[_cell(x, bold=True) for x in (t._("Channel"), t._("Planned"), t._("Spent"),
                                               t._("Difference"), t._("Used"))]]
        for r in kit.budget:
            rows.append([_cell(r.channel or t._("Total"), bold=not r.channel),
                         _cell(rubles(t, r.planned), right=True),
                         _cell(rubles(t, r.spent), right=True),
                         _cell(rubles(t, r.difference), right=True),
                         _cell(fmt(t, "percent", r.used_pct), right=True)])
        out += [KeepTogether([para(t._("Marketing budget: plan and fact"), st.bold),
                              Spacer(1, 1.5 * mm),
                              _table(rows, _scale([60 * mm, 30 * mm, 30 * mm, 30 * mm,
                                                   20 * mm]), total_row=True)]),
                Spacer(1, 3 * mm)]
    duties = kit.duties
    lines = [(BY_KEY[k].label_in(lang), fmt(t, BY_KEY[k].kind if BY_KEY[k].kind != "hours"
                                           else "days", duties.get(k)))
             for k in ("on_time_delivery_pct", "deliveries_due", "request_answer_hours_median",
                       "requests_answered_late", "requests_due")]
    stages = ", ".join(f"{label(STAGE_LABELS, s, lang)} → {fmt(t, 'percent', v)}"
                       for s, v in (duties.get("stage_conversion") or {}).items())
    rivals = ", ".join(f"{name}: {fmt(t, 'percent', v)}"
                       for name, v in (duties.get("win_rate_by_competitor") or {}).items())
    rows = [[_cell(label), _cell(value, right=True)] for label, value in lines]
    rows.append([_cell(BY_KEY["stage_conversion"].label_in(lang)), _cell(stages or "—")])
    rows.append([_cell(BY_KEY["win_rate_by_competitor"].label_in(lang)),
                 _cell(rivals or "—")])
    out += [KeepTogether([para(t._("Deliveries, requests and the funnel"), st.bold),
                          Spacer(1, 1.5 * mm),
                          _table([[_cell(t._("Figure"), True), _cell(t._("Value"), True)],
                                  *rows], _scale([70 * mm, 100 * mm]))]),
            Spacer(1, 3 * mm)]
    metric = BY_KEY[kit.ranking_key]
    commission = {c.user_id: c for c in kit.commissions}
    rows = [[_cell(x, bold=True) for x in ("#", t._("Employee"), metric.label_in(lang),
                                           t._("Sales volume"), t._("Commission"))]]
    for r in kit.ranking:
        line = commission.get(r.user_id)
        rows.append([_cell(str(r.rank) if r.rank else "—"), _cell(short_person(r.name)),
                     _cell(fmt(t, metric.kind, r.value), right=True),
                     _cell(rubles(t, r.values["sales_volume"]), right=True),
                     _cell(fmt(t, "money", line.commission) if line else "—", right=True)])
    out += [KeepTogether([para(t._("Team ranking and commissions"), st.bold),
                          Spacer(1, 1.5 * mm),
                          _table(rows, _scale([10 * mm, 60 * mm, 34 * mm, 34 * mm, 32 * mm]),
                                 align_right_from=2)]),
            Spacer(1, 3 * mm)]
    rows = [[_cell(x, bold=True) for x in (t._("Employee"), t._("Done"), t._("Progress"),
                                           t._("Overdue"))]]
    for p in kit.training:
        rows.append([_cell(short_person(p.name)), _cell(f"{p.done}/{p.total}", right=True),
                     _cell(fmt(t, "percent", p.done_pct), right=True),
                     _cell("; ".join(p.overdue) or "—")])
    if len(rows) == 1:
        rows.append([_cell(t._("No training items")), _cell(""), _cell(""), _cell("")])
    out.append(KeepTogether([para(t._("Training progress"), st.bold), Spacer(1, 1.5 * mm),
                             _table(rows, _scale([40 * mm, 24 * mm, 22 * mm, 84 * mm]),
                                    align_right_from=None)]))
    return out


def _fit(rows: list[list[str]], min_first: float = 28 * mm) -> list[float]:
    """Widths for a table of a wrapping first column (names, labels) and figures that
    must not wrap: each figure column as wide as its widest value (measured bold, the
    total row's face) or the longest word of its header, the first column the rest."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    padding = 2 * CELL_PAD + 1.5  # the cell's padding either side, and a little to spare
    widths = []
    for column in range(1, len(rows[0])):
        header, values = rows[0][column], [row[column] for row in rows[1:]]
        need = max([stringWidth(v, FONT_BOLD, 9) for v in values] +
                   [stringWidth(word, FONT_BOLD, 8.5) for word in header.split()])
        widths.append(need + padding)
    first = CONTENT_WIDTH - sum(widths)
    if first < min_first:  # too many figures: share what there is in proportion
        return _scale([min_first, *widths])
    return [first, *widths]


def _scale(widths: list[float]) -> list[float]:
    """Column widths stretched or shrunk to the page's content width."""
    total = sum(widths)
    return [w * CONTENT_WIDTH / total for w in widths]
