"""What every SalesDesk PDF shares: embedded fonts, styles, number formats, page frame.

Fonts come from ``resources/fonts`` (DejaVu Sans covers Cyrillic, ₽, № and «»;
reportlab's built-in fonts cannot) and are embedded, so every PDF prints and copies
out the same words on any computer.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph

from salesdesk.assets import resource_path
from salesdesk.i18n import Tr

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
SYMBOLS = "SymbolaEmoji"
"""Emoji and symbols DejaVu lacks (a subset of Symbola): a "✅" or "📦" in a line prints
as itself, in black and white, instead of an empty box."""
GREY = colors.Color(0.45, 0.45, 0.45)
LIGHT = colors.Color(0.93, 0.94, 0.96)
LINE = colors.Color(0.55, 0.55, 0.55)
ACCENT = colors.Color(0.13, 0.36, 0.66)
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 20 * mm, 12 * mm, 14 * mm, 16 * mm
# platypus frames keep 6 pt of padding on each side: full-width tables must fit inside.
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - 12


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register (once) the embedded font family."""
    from reportlab.lib.fonts import addMapping

    faces = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf",
             "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
             "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
             SYMBOLS: "SymbolaEmoji.ttf"}
    for name, filename in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, "DejaVuSans-Oblique")
    addMapping(FONT, 1, 1, "DejaVuSans-BoldOblique")
    # A table cell holding a plain string (even an empty one) sets reportlab's default
    # font, Helvetica, which is not embedded; every SalesDesk PDF uses its own font only.
    from reportlab.platypus.tables import CellStyle

    CellStyle.fontname = FONT


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of the documents."""

    body: ParagraphStyle
    small: ParagraphStyle
    tiny: ParagraphStyle
    bold: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_bold_right: ParagraphStyle
    header_cell: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    """The shared styles (fonts registered first)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        tiny=ParagraphStyle("tiny", parent=body, fontSize=7, leading=8.5, textColor=GREY),
        bold=ParagraphStyle("bold", parent=body, fontName=FONT_BOLD),
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=13,
                             leading=17, spaceAfter=2),
        heading=ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=11,
                               leading=14, spaceBefore=6, spaceAfter=3, textColor=ACCENT),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, alignment=TA_LEFT),
        cell_right=ParagraphStyle("cell_right", parent=body, fontSize=8.5, leading=10.5,
                                  alignment=TA_RIGHT),
        cell_bold=ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=8.5,
                                 leading=10.5),
        cell_bold_right=ParagraphStyle("cell_bold_right", parent=body, fontName=FONT_BOLD,
                                       fontSize=9, leading=11.5, alignment=TA_RIGHT),
        header_cell=ParagraphStyle("header_cell", parent=body, fontName=FONT_BOLD,
                                   fontSize=8.5, leading=10.5, alignment=1),
    )


# Joiners, variation selectors and skin tones shape colour emoji; one font cannot.
_INVISIBLE = dict.fromkeys([0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)])


@lru_cache(maxsize=1)
def _coverage() -> tuple[frozenset[int], frozenset[int]]:
    """The characters of the main font and of the symbols font."""
    from fontTools.ttLib import TTFont as Reader

    main = Reader(str(resource_path("fonts", "DejaVuSans.ttf")), lazy=True).getBestCmap()
    symbols = Reader(str(resource_path("fonts", "SymbolaEmoji.ttf")), lazy=True).getBestCmap()
    return frozenset(main), frozenset(symbols)


def esc(value: Any) -> str:
    """Text safe inside a reportlab Paragraph (which reads a little XML), with the
    characters DejaVu lacks set in the symbols font."""
    text = "" if value is None else str(value)
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br/>"))
    if text.isascii() or max(text) < "\u2190":
        return text
    main, symbols = _coverage()
    out: list[str] = []
    in_symbols = False
    for char in text.translate(_INVISIBLE):
        wanted = ord(char) not in main and ord(char) in symbols
        if wanted != in_symbols:
            out.append(f'<font name="{SYMBOLS}">' if wanted else "</font>")
            in_symbols = wanted
        out.append(char)
    if in_symbols:
        out.append("</font>")
    return "".join(out)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of escaped text."""
    return Paragraph(esc(text), style)


def amount(value: Decimal, t: Tr) -> str:
    """``1 234,50`` (ru) or ``1,234.50`` (en), no currency sign (tables)."""
    return t.money(value, symbol=False).replace("\u202f", "\u00a0")


def qty(value: Decimal, t: Tr) -> str:
    """A quantity without trailing zeros: ``2``, ``1,5``."""
    from babel.numbers import format_decimal

    from salesdesk.i18n import babel_locale

    return format_decimal(value.normalize(), format="#,##0.###",
                          locale=babel_locale(t.lang)).replace("\u202f", "\u00a0")


def short_name(full: str | None) -> str:
    """``Воронина Анна Сергеевна`` -> ``Воронина А. С.`` (how signatures are printed)."""
    if not full:
        return ""
    parts = full.split()
    if len(parts) == 3 and all(p[:1].isupper() for p in parts):
        return f"{parts[0]} {parts[1][0]}. {parts[2][0]}."
    return full


def logo_flowable(data: bytes | None, max_width: float, max_height: float) -> Flowable | None:
    """The company's logo scaled into a box, or ``None``."""
    if not data:
        return None
    from reportlab.lib.utils import ImageReader

    try:
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except Exception:  # a damaged logo must not stop an invoice
        return None
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


class QRCode(Flowable):
    """A QR code drawn as vector squares (sharp at any print resolution)."""

    def __init__(self, matrix: tuple[tuple[bool, ...], ...], size: float) -> None:
        super().__init__()
        self.matrix = matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        quiet = 4  # the standard's quiet zone, in modules
        count = len(self.matrix) + 2 * quiet
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        # One path for every dark run of every row: one fill operation, not thousands.
        path = canvas.beginPath()
        for row_index, row in enumerate(self.matrix):
            y = self.size - (row_index + quiet + 1) * module
            run_start = None
            for col_index, dark in enumerate([*row, False]):
                if dark and run_start is None:
                    run_start = col_index
                elif not dark and run_start is not None:
                    x = (run_start + quiet) * module
                    path.rect(x, y, (col_index - run_start) * module, module)
                    run_start = None
        canvas.drawPath(path, stroke=0, fill=1)


def numbered_canvas(header: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas class that knows the page count, so footers say "page 2 of 3"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Start in the embedded font: reportlab's default (Helvetica, not embedded)
            # would otherwise be named in every page's resources.
            register_fonts()
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                header(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def watermark(canvas: Canvas, text: str, color: Any = None) -> None:
    """A word across the middle of the page: light grey for drafts, or ``color``.

    Horizontal on purpose: rotated text comes out of ``pdftotext`` as scattered letters
    mixed into the document's own words. Sized to the page whatever the word's length.
    """
    canvas.saveState()
    size = 64.0
    while size > 20 and canvas.stringWidth(text, FONT_BOLD, size) > PAGE_WIDTH * 0.85:
        size -= 2
    canvas.setFont(FONT_BOLD, size)
    canvas.setFillColor(color or colors.Color(0.80, 0.80, 0.80, alpha=0.45))
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2, text)
    canvas.restoreState()
