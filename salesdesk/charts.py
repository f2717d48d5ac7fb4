"""Charts of the metrics: functions that take results and return a matplotlib ``Figure``.

No pyplot (it keeps every figure alive in a global registry) and no Qt: the window
shows these figures through ``FigureCanvasQTAgg``, the monthly report embeds the same
figures rendered to images. One chart function, two destinations.

Every chart has a title with its period, axis labels in the chosen language, money
axes in the locale's format, and an honest "no data for this period" instead of an
empty grid.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from salesdesk.i18n import Tr, babel_locale

# One palette for the window and the charts (the window's accent is ACCENT).
from salesdesk.palette import ACCENT, BAD, GOOD, GRID, MUTED, PLAN, TEXT

SIZES = {"dashboard": ((5.4, 3.1), 100), "print": ((7.0, 3.3), 200)}


def _figure(size: str) -> Figure:
    figsize, dpi = SIZES[size]
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    fig.patch.set_alpha(0)
    return fig


def _style(ax: Any) -> None:
    ax.set_facecolor("none")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=TEXT, labelsize=8)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _title(fig: Figure, ax: Any, title: str, subtitle: str) -> None:
    # y given: matplotlib otherwise looks for tick labels above the axes (there are
    # none) to lift the title over them, measuring every tick label on each draw (a
    # sixth of the monthly report's charts).
    ax.set_title(f"{title}\n", loc="left", fontsize=10, fontweight="bold", color=TEXT,
                 pad=2, y=1.0)
    ax.text(0, 1.02, subtitle, transform=ax.transAxes, fontsize=7.5, color=MUTED,
            va="bottom")


def empty(fig: Figure, title: str, subtitle: str, lang: str) -> Figure:
    """The honest empty state: the title and "no data for this period"."""
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0, 1.0, title, transform=ax.transAxes, fontsize=10, fontweight="bold",
            color=TEXT, va="top")
    ax.text(0, 0.9, subtitle, transform=ax.transAxes, fontsize=7.5, color=MUTED, va="top")
    ax.text(0.5, 0.45, Tr(lang)._("No data for this period"), transform=ax.transAxes,
            ha="center", va="center", fontsize=10, color=MUTED)
    return fig


def money_axis(lang: str) -> FuncFormatter:
    """Compact money ticks: ``1,2 млн`` / ``1.2M``."""
    return FuncFormatter(lambda value, _pos: compact_money(value, lang))


@lru_cache(maxsize=1024)
def compact_money(value: float, lang: str) -> str:
    """A tick's money: ``950``, ``1,2 млн`` / ``1.2M``. Kept: the same round ticks come
    back on every chart and every redraw, and babel reads its patterns each time."""
    from babel.numbers import format_compact_decimal

    if abs(value) < 1000:
        return f"{value:,.0f}".replace(",", "\u00a0")
    return str(format_compact_decimal(value, format_type="short", fraction_digits=1,
                                      locale=babel_locale(lang)))


def month_label(month: date, lang: str) -> str:
    """``мар 26`` / ``Mar 26``."""
    from babel.dates import format_date

    return format_date(month, "LLL yy", locale=babel_locale(lang)).replace(".", "")


def period_label(start: date, end: date, lang: str) -> str:
    """A period as short as it reads clearly: ``5 мар 2026``, ``1–5 мар 2026``,
    ``28 фев – 5 мар 2026``, ``28 дек 2025 – 5 янв 2026`` (English: ``Mar 1–5, 2026``)."""
    from babel.dates import format_date

    t = Tr(lang)
    if start == end:
        return t.date(start)
    loc = babel_locale(lang)

    def fmt(day: date, pattern: str) -> str:
        text = format_date(day, pattern, locale=loc)
        return text.replace(".", "") if lang == "ru" else text

    if start.year != end.year:
        return f"{t.date(start)} – {t.date(end)}"
    if start.month != end.month:
        if lang == "ru":
            return f"{fmt(start, 'd MMM')} – {fmt(end, 'd MMM y')}"
        return f"{fmt(start, 'MMM d')} – {fmt(end, 'MMM d, y')}"
    if lang == "ru":
        return f"{start.day}–{fmt(end, 'd MMM y')}"
    return f"{fmt(start, 'MMM d')}–{end.day}, {end.year}"


def opened_in(period: str, lang: str) -> str:
    """The funnel's basis, said under its title: deals opened in the period."""
    return Tr(lang)._("deals opened in {period}").format(period=period)


def closed_in(period: str, lang: str) -> str:
    """The basis of won and lost counts: deals closed in the period."""
    return Tr(lang)._("deals closed in {period}").format(period=period)


def months_label(points: Sequence[Any], lang: str) -> str:
    """``дек 2025 – нояб 2026`` for a monthly series."""
    if not points:
        return ""
    from babel.dates import format_date

    first, last = points[0].month, points[-1].month
    fmt = "LLL y"
    text = f"{format_date(first, fmt, locale=babel_locale(lang))} – " \
        f"{format_date(last, fmt, locale=babel_locale(lang))}"
    return text.replace(".", "")


def _f(value: Decimal | int | None) -> float:
    return float(value or 0)


# --- the charts ----------------------------------------------------------------------------

def sales_by_month(points: Sequence[Any], lang: str, size: str = "dashboard") -> Figure:
    """Won volume per month as bars, with the plan as a line."""
    t = Tr(lang)
    fig = _figure(size)
    title = t._("Sales volume by month")
    sub = months_label(points, lang)
    volumes = [_f(p.values["sales_volume"]) for p in points]
    plans = [_f(p.values["plan"]) for p in points]
    if not points or (not any(volumes) and not any(plans)):
        return empty(fig, title, sub, lang)
    ax = fig.add_subplot()
    _style(ax)
    labels = [month_label(p.month, lang) for p in points]
    x = range(len(points))
    ax.bar(x, volumes, color=ACCENT, width=0.65, label=t._("Sales volume"))
    if any(plans):
        ax.plot(x, plans, color=PLAN, marker="o", markersize=3, linewidth=1.8,
                label=t._("Plan"))
    ax.set_xticks(list(x), labels, rotation=0 if len(points) <= 8 else 45,
                  ha="center" if len(points) <= 8 else "right")
    ax.yaxis.set_major_formatter(money_axis(lang))
    ax.set_ylabel("₽", fontsize=8, rotation=0, loc="top")
    ax.legend(fontsize=7.5, frameon=False, loc="upper left", ncols=2)
    ax.margins(y=0.18)
    _title(fig, ax, title, sub)
    return fig


def plan_vs_fact(people: Sequence[Any], lang: str, subtitle: str = "",
                 size: str = "dashboard") -> Figure:
    """Per person: plan and fact as paired horizontal bars."""
    t = Tr(lang)
    fig = _figure(size)
    title = t._("Plan vs fact by person")
    rows = [p for p in people if p.values["plan"] or p.values["sales_volume"]]
    if not rows:
        return empty(fig, title, subtitle, lang)
    ax = fig.add_subplot()
    _style(ax)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.grid(axis="y", visible=False)
    names = [_short(p.name) for p in rows]
    y = list(range(len(rows)))
    ax.barh([i + 0.2 for i in y], [_f(p.values["plan"]) for p in rows], height=0.38,
            color=PLAN, alpha=0.55, label=t._("Plan"))
    ax.barh([i - 0.2 for i in y], [_f(p.values["sales_volume"]) for p in rows], height=0.38,
            color=ACCENT, label=t._("Fact"))
    for i, p in enumerate(rows):
        share = p.values["plan_attainment_pct"]
        if share is not None:
            ax.text(_f(p.values["sales_volume"]), i - 0.2, f"  {t.percent(share)}",
                    va="center", fontsize=7, color=TEXT)
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))  # compact amounts never touch
    ax.xaxis.set_major_formatter(money_axis(lang))
    ax.set_xlabel("₽", fontsize=8, loc="right")
    ax.legend(fontsize=7.5, frameon=False, loc="upper center", ncols=2,
              bbox_to_anchor=(0.5, -0.14))
    ax.margins(x=0.15)
    _title(fig, ax, title, subtitle)
    return fig


def _short(name: str) -> str:
    parts = name.split()
    return f"{parts[0]} {parts[1][0]}." if len(parts) >= 2 else name


def funnel_chart(funnel: Sequence[tuple[str, int]], lang: str, subtitle: str = "",
                 size: str = "dashboard") -> Figure:
    """Deals by the furthest stage reached, with stage-to-stage conversion."""
    from salesdesk.domain import STAGE_LABELS, label

    t = Tr(lang)
    fig = _figure(size)
    title = t._("Sales funnel")
    ladder = [(s, n) for s, n in funnel if s != "lost"]
    if not ladder or ladder[0][1] == 0:
        return empty(fig, title, subtitle, lang)
    ax = fig.add_subplot()
    _style(ax)
    ax.grid(False)
    top = ladder[0][1]
    for i, (stage, n) in enumerate(ladder):
        width = n / top
        color = GOOD if stage == "won" else ACCENT
        ax.barh(i, width, left=(1 - width) / 2, height=0.72, color=color, alpha=0.9)
        ax.text(0.5, i, f"{label(STAGE_LABELS, stage, lang)}: {n}", ha="center",
                va="center", fontsize=8, color="white" if width > 0.35 else TEXT)
        if i > 0 and ladder[i - 1][1]:
            rate = Decimal(n * 100) / Decimal(ladder[i - 1][1])
            ax.text(1.02, i - 0.5, f"↓ {t.percent(rate.quantize(Decimal('0.1')))}",
                    ha="left", va="center", fontsize=7, color=MUTED,
                    transform=ax.get_yaxis_transform())
    lost = dict(funnel).get("lost", 0)
    ax.set_ylim(len(ladder) - 0.5, -0.5)
    ax.set_xlim(0, 1.18)
    ax.set_axis_off()
    ax.text(0, -0.02, t._("Lost: {n}").format(n=lost), transform=ax.transAxes, fontsize=7.5,
            color=BAD, va="top")
    _title(fig, ax, title, subtitle)
    return fig


def conversion_and_check(points: Sequence[Any], lang: str, size: str = "dashboard") -> Figure:
    """Conversion (%) and average check by month, on two axes."""
    t = Tr(lang)
    fig = _figure(size)
    title = t._("Conversion and average check")
    sub = months_label(points, lang)
    conv = [p.values["conversion_pct"] for p in points]
    check = [p.values["average_check"] for p in points]
    if not points or (all(v is None for v in conv) and all(v is None for v in check)):
        return empty(fig, title, sub, lang)
    ax = fig.add_subplot()
    _style(ax)
    x = list(range(len(points)))
    ax.plot(x, [_f(v) if v is not None else float("nan") for v in conv], color=ACCENT,
            marker="o", markersize=3, linewidth=1.8, label=t._("Conversion, %"))
    ax.set_ylabel(t._("Conversion, %"), fontsize=8, color=ACCENT)
    ax.set_ylim(bottom=0)
    right = ax.twinx()
    right.plot(x, [_f(v) if v is not None else float("nan") for v in check], color=PLAN,
               marker="s", markersize=3, linewidth=1.8, label=t._("Average check"))
    right.yaxis.set_major_formatter(money_axis(lang))
    right.tick_params(colors=TEXT, labelsize=8)
    right.set_ylim(bottom=0)
    for side in ("top",):
        right.spines[side].set_visible(False)
    right.set_ylabel(t._("Average check, ₽"), fontsize=8, color=PLAN)
    ax.set_xticks(x, [month_label(p.month, lang) for p in points],
                  rotation=0 if len(points) <= 8 else 45,
                  ha="center" if len(points) <= 8 else "right")
    _title(fig, ax, title, sub)
    return fig


def deal_time_histogram(durations: Sequence[int], lang: str, subtitle: str = "",
                        size: str = "dashboard") -> Figure:
    """How many won deals took how many days."""
    t = Tr(lang)
    fig = _figure(size)
    title = t._("Deal time, days")
    if not durations:
        return empty(fig, title, subtitle, lang)
    ax = fig.add_subplot()
    _style(ax)
    bins = min(20, max(5, len(set(durations))))
    ax.hist(durations, bins=bins, color=ACCENT, edgecolor="white")
    values = sorted(durations)
    median = values[len(values) // 2] if len(values) % 2 else (
        values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    ax.axvline(median, color=PLAN, linewidth=1.5)
    ax.text(median, ax.get_ylim()[1] * 0.95, "  " + t._("median {days}").format(
        days=t.number(median, 1 if median % 1 else 0)), color=PLAN, fontsize=7.5, va="top")
    ax.set_xlabel(t._("days from opening to closing"), fontsize=8)
    ax.set_ylabel(t._("deals"), fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _title(fig, ax, title, subtitle)
    return fig


def customers_by_month(points: Sequence[Any], lang: str, size: str = "dashboard") -> Figure:
    """New, retained and reactivated customers above the line, churned below it."""
    t = Tr(lang)
    fig = _figure(size)
    title = t._("Customers by month")
    sub = months_label(points, lang)
    keys = ("customers_retained", "customers_new", "customers_reactivated", "customers_churned")
    if not points or not any(p.values[k] for p in points for k in keys):
        return empty(fig, title, sub, lang)
    ax = fig.add_subplot()
    _style(ax)
    x = list(range(len(points)))
    retained = [p.values["customers_retained"] for p in points]
    new = [p.values["customers_new"] for p in points]
    back = [p.values["customers_reactivated"] for p in points]
    churned = [-p.values["customers_churned"] for p in points]
    ax.bar(x, retained, color=ACCENT, width=0.65, label=t._("Retained"))
    ax.bar(x, new, bottom=retained, color=GOOD, width=0.65, label=t._("New customers"))
    ax.bar(x, back, bottom=[a + b for a, b in zip(retained, new, strict=True)], color=PLAN,
           width=0.65, label=t._("Reactivated"))
    ax.bar(x, churned, color=BAD, width=0.65, label=t._("Churned"))
    ax.axhline(0, color=MUTED, linewidth=0.8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    # Churned customers are below the line, and signed: "−12" is twelve lost.
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _p: f"−{abs(int(v))}" if v < 0 else f"{int(v)}"))
    ax.set_ylabel(t._("customers"), fontsize=8)
    ax.set_xticks(x, [month_label(p.month, lang) for p in points],
                  rotation=0 if len(points) <= 8 else 45,
                  ha="center" if len(points) <= 8 else "right")
    ax.legend(fontsize=7, frameon=False, ncols=2, loc="upper left")
    ax.margins(y=0.35)
    _title(fig, ax, title, sub)
    return fig


def channels_chart(spend: dict[str, Decimal], cac: dict[str, Decimal | None], lang: str,
                   subtitle: str = "", size: str = "dashboard") -> Figure:
    """Marketing spend per channel, with the CAC written on each bar."""
    t = Tr(lang)
    fig = _figure(size)
    title = t._("Marketing spend and CAC by channel")
    channels = sorted(spend, key=lambda c: -spend[c])
    if not channels:
        return empty(fig, title, subtitle, lang)
    ax = fig.add_subplot()
    _style(ax)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.grid(axis="y", visible=False)
    y = list(range(len(channels)))
    ax.barh(y, [_f(spend[c]) for c in channels], color=ACCENT, height=0.6)
    for i, channel in enumerate(channels):
        value = cac.get(channel)
        text = t._("CAC {value}").format(value=t.money(value)) if value is not None else \
            t._("CAC n/a")
        ax.text(_f(spend[channel]), i, "  " + text, va="center", fontsize=7, color=TEXT)
    ax.set_yticks(y, channels, fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.xaxis.set_major_formatter(money_axis(lang))
    ax.set_xlabel(t._("spend, ₽"), fontsize=8, loc="right")
    ax.margins(x=0.6)  # room for "CAC 98 826,00 ₽" after the longest bar
    _title(fig, ax, title, subtitle)
    return fig


def lost_reasons_chart(reasons: Sequence[tuple[str, int, Decimal]], lang: str,
                       subtitle: str = "", size: str = "dashboard") -> Figure:
    """Lost deals by reason."""
    t = Tr(lang)
    fig = _figure(size)
    title = t._("Why deals were lost")
    if not reasons:
        return empty(fig, title, subtitle, lang)
    ax = fig.add_subplot()
    _style(ax)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.grid(axis="y", visible=False)
    rows = list(reasons)[:8]
    y = list(range(len(rows)))
    ax.barh(y, [n for _r, n, _a in rows], color=BAD, alpha=0.85, height=0.6)
    ax.set_yticks(y, [r or t._("(no reason)") for r, _n, _a in rows], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_xlabel(t._("deals"), fontsize=8)
    _title(fig, ax, title, subtitle)
    return fig


def to_png(fig: Figure, dpi: int | None = None) -> bytes:
    """The figure as PNG bytes on white (the screenshots and the tests); the figure is
    left as it was (its canvas, resolution and background)."""
    import io

    buffer = io.BytesIO()
    with _on_white(fig, dpi) as canvas:
        # The canvas's own PNG writer draws the figure once, laid out in the same draw:
        # ``savefig`` first draws it without rendering to lay it out, then draws it again
        # onto the same pixels (translucent bars came out solid, every line and letter
        # twice as heavy).
        canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def to_rgb(fig: Figure, dpi: int | None = None) -> tuple[int, int, bytes]:
    """The figure drawn once on white: its width and height in pixels and its RGB bytes,
    row by row from the top (what a PDF image holds). The report takes these rather
    than a PNG, which it would only decode again: encoding and decoding the eight
    charts' PNGs cost a fifth of the report's PDF."""
    import numpy as np

    with _on_white(fig, dpi) as canvas:
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())
        height, width = pixels.shape[:2]
        return width, height, pixels[:, :, :3].tobytes()


@contextmanager
def _on_white(fig: Figure, dpi: int | None) -> Iterator[Any]:
    """An Agg canvas of ``fig`` at ``dpi`` on an opaque white background; the figure's
    canvas, resolution and background are put back afterwards."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas, was_dpi = fig.canvas, fig.dpi
    face, alpha = fig.patch.get_facecolor(), fig.patch.get_alpha()
    try:
        fig.set_dpi(dpi or was_dpi)
        fig.patch.set_facecolor("white")
        fig.patch.set_alpha(1)
        yield FigureCanvasAgg(fig)
    finally:
        fig.set_dpi(was_dpi)
        fig.patch.set_facecolor(face)
        fig.patch.set_alpha(alpha)
        fig.set_canvas(canvas)
