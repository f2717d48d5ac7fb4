"""Charts: figures without pyplot or Qt, in both languages, with an honest empty state."""

from __future__ import annotations

import subprocess
import sys
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from salesdesk import charts


def point(month: int, volume: int, plan: int, conv: str | None = "3.5") -> SimpleNamespace:
    return SimpleNamespace(month=date(2026, month, 1), values={
        "sales_volume": Decimal(volume), "plan": Decimal(plan),
        "conversion_pct": Decimal(conv) if conv else None,
        "average_check": Decimal(volume // 3) if volume else None,
        "customers_retained": 10, "customers_new": 2, "customers_reactivated": 1,
        "customers_churned": 1})


POINTS = [point(m, 1_000_000 * m, 2_500_000) for m in range(1, 7)]
PEOPLE = [SimpleNamespace(name="Кузнецов Пётр Андреевич", values={
    "plan": Decimal(900000), "sales_volume": Decimal(750000),
    "plan_attainment_pct": Decimal("83.33")})]


def texts(fig: object) -> str:
    out = []
    for ax in fig.axes:  # type: ignore[attr-defined]
        out += [ax.get_title(loc="left"), *(t.get_text() for t in ax.texts)]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend:
            out += [t.get_text() for t in legend.get_texts()]
    return " ".join(out)


@pytest.mark.parametrize(("lang", "title"), [("ru", "Объём продаж по месяцам"),
                                             ("en", "Sales volume by month")])
def test_each_chart_in_both_languages_renders_without_missing_glyphs(lang: str,
                                                                     title: str) -> None:
    made = {
        "sales": charts.sales_by_month(POINTS, lang),
        "plan": charts.plan_vs_fact(PEOPLE, lang, "мар 2026"),
        "funnel": charts.funnel_chart([("new", 10), ("qualified", 6), ("proposal", 4),
                                       ("negotiation", 3), ("won", 2), ("lost", 5)], lang),
        "trend": charts.conversion_and_check(POINTS, lang),
        "time": charts.deal_time_histogram([0, 5, 12, 12, 30, 45], lang),
        "customers": charts.customers_by_month(POINTS, lang),
        "channels": charts.channels_chart({"Сайт": Decimal(600), "Радио": Decimal(200)},
                                          {"Сайт": Decimal(600), "Радио": None}, lang),
        "lost": charts.lost_reasons_chart([("Дорого", 3, Decimal(500))], lang),
    }
    assert title in texts(made["sales"])
    for name, fig in made.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph … missing from font" would fail here
            png = charts.to_png(fig)
        assert png.startswith(b"\x89PNG"), name
    if lang == "ru":
        assert "Воронка продаж" in texts(made["funnel"])
        assert "Новая: 10" in texts(made["funnel"]) and "60 %" in texts(made["funnel"])
        assert "CAC н/д" in texts(made["channels"])
        assert "млн" in " ".join(t.get_text() for t in made["sales"].axes[0].get_yticklabels())


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_no_data_is_said_not_drawn(lang: str) -> None:
    empty_points = [point(m, 0, 0, None) for m in range(1, 4)]
    for fig in (charts.sales_by_month(empty_points, lang), charts.deal_time_histogram([], lang),
                charts.lost_reasons_chart([], lang), charts.funnel_chart([("new", 0)], lang),
                charts.channels_chart({}, {}, lang), charts.plan_vs_fact([], lang)):
        text = texts(fig)
        assert ("Нет данных за этот период" if lang == "ru" else "No data for this period") \
            in text


def test_charts_never_load_pyplot_or_qt() -> None:
    code = ("import sys\nfrom salesdesk import charts\nfrom datetime import date\n"
            "charts.to_png(charts.deal_time_histogram([1, 2, 3], 'ru'))\n"
            "bad = [m for m in sys.modules if m in ('matplotlib.pyplot',) or "
            "m.startswith('PySide6')]\nprint(bad)\nsys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_chart_image_draws_each_bar_once() -> None:
    """The plan's translucent bars show the white page through them: drawn twice, as
    ``savefig`` did, they came out solid orange and every line and letter twice as
    heavy."""
    import io

    from matplotlib.colors import to_rgb
    from PIL import Image

    fig = charts.plan_vs_fact(PEOPLE, "ru", "ноябрь 2026", size="print")
    image = Image.open(io.BytesIO(charts.to_png(fig))).convert("RGB")  # at its own dpi
    ax = fig.axes[0]
    plan_bar = next(p for p in ax.patches if p.get_alpha() == pytest.approx(0.55))
    box = plan_bar.get_window_extent()  # pixels, from the bottom left
    x, y = int(box.x0 + box.width / 2), int(image.height - (box.y0 + box.height / 2))
    expected = [round(255 * (0.45 + 0.55 * c)) for c in to_rgb(charts.PLAN)]
    assert list(image.getpixel((x, y))) == pytest.approx(expected, abs=3)


def test_a_chart_image_leaves_its_figure_as_it_was() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = charts.sales_by_month(POINTS, "en")
    canvas = FigureCanvasAgg(fig)
    face, dpi = fig.patch.get_facecolor(), fig.dpi
    charts.to_png(fig, dpi=dpi * 2)
    assert fig.canvas is canvas
    assert fig.dpi == dpi
    assert fig.patch.get_facecolor() == face


def test_a_chart_for_the_report_is_the_pixels_of_its_image() -> None:
    """The report's charts go into the PDF as pixels: the same pixels as the chart's
    image, the translucent plan bars drawn once, the figure left as it was."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    def made() -> Any:  # a figure laid out afresh (a second draw starts from the first)
        return charts.plan_vs_fact(PEOPLE, "ru", "ноябрь 2026", size="print")

    png = Image.open(io.BytesIO(charts.to_png(made(), dpi=120))).convert("RGB")
    fig = made()
    canvas = FigureCanvasAgg(fig)
    dpi = fig.dpi
    width, height, rgb = charts.to_rgb(fig, dpi=120)
    assert (width, height) == png.size
    assert rgb == png.tobytes()
    assert fig.canvas is canvas and fig.dpi == dpi


def test_a_report_chart_prints_its_pixels(tmp_path: Path) -> None:
    """``raster_image`` puts the RGB rows into a PDF top row first, in their colours."""
    import shutil
    import subprocess

    from PIL import Image
    from reportlab.platypus import SimpleDocTemplate

    from salesdesk.documents.pdfkit import Picture, raster_image

    if shutil.which("pdftoppm") is None:
        pytest.skip("needs poppler-utils")
    # Two rows of four pixels: red above, blue below.
    rgb = bytes([255, 0, 0] * 4 + [0, 0, 255] * 4)
    pdf = tmp_path / "pixels.pdf"
    SimpleDocTemplate(str(pdf)).build([Picture(raster_image(4, 2, rgb), 200, 100)])
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page.png").convert("RGB")
    left, top = 72 + 6, 72 + 6  # SimpleDocTemplate's inch margins and the frame's padding
    assert page.getpixel((left + 100, top + 25)) == (255, 0, 0)
    assert page.getpixel((left + 100, top + 75)) == (0, 0, 255)
