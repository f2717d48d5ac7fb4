"""What every SalesDesk PDF shares: embedded fonts, styles, number formats, page frame.

Fonts come from ``resources/fonts`` (DejaVu Sans covers Cyrillic, ₽, № and «»;
reportlab's built-in fonts cannot) and are embedded, so every PDF prints and copies
out the same words on any computer.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFObjectReference
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

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


def para(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of escaped text: a ``TextLine`` where the text is one plain line."""
    text = "" if text is None else str(text)
    if _plain_line(text) and _plain_style(style):
        return TextLine(text, style)
    return Paragraph(esc(text), style)


_NOT_PLAIN = frozenset("\n\r\t\f\v")


def _plain_line(text: str) -> bool:
    """Whether ``text`` is drawn by a Paragraph exactly as written: not empty, no line
    breaks or tabs, no space doubled or at an end (a Paragraph collapses and strips
    them), and every character in the main font (the symbols font needs markup)."""
    return (bool(text) and text[0] != " " and text[-1] != " " and "  " not in text
            and _NOT_PLAIN.isdisjoint(text) and (text.isascii() or max(text) < "\u2190"))


def _plain_style(style: ParagraphStyle) -> bool:
    """Whether a one-line Paragraph of ``style`` is only its text: no indents,
    background, border, underline or strike-through, left, centred or right. (Asked
    each time, not kept: a style is a mutable object.)"""
    return (not (style.leftIndent or style.rightIndent or style.firstLineIndent)
            and style.alignment in (TA_LEFT, TA_CENTER, TA_RIGHT)
            and style.backColor is None and not style.borderWidth
            and not getattr(style, "underline", False)
            and not getattr(style, "strike", False) and not style.wordWrap
            and not getattr(style, "autoLeading", None))


class TextLine(Flowable):
    """One line of plain text, drawn as a one-line ``Paragraph`` of the same style draws
    it (same baseline, alignment and height) without parsing and breaking it.

    An invoice is mostly short cells (numbers, units, names); parsing each as a little
    XML document and breaking it into lines was a third of the time its PDF took. Text
    wider than the room given falls back to a real Paragraph, which wraps it.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._paragraph: Paragraph | None = None
        self._text_width: float | None = None
        self.width = self.height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._text_width is None:  # a table asks for the same cell several times
            self._text_width = pdfmetrics.stringWidth(self.text, self.style.fontName,
                                                      self.style.fontSize)
        if self._text_width <= available_width:
            self._paragraph = None
            self.width, self.height = available_width, self.style.leading
            return self.width, self.height
        if self._paragraph is None:
            self._paragraph = Paragraph(esc(self.text), self.style)
        self.width, self.height = self._paragraph.wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        if self._paragraph is not None:
            return self._paragraph.split(available_width, available_height)
        return []  # one line: it goes to the next frame whole, as a Paragraph's would

    def minWidth(self) -> float:
        """The widest word, as a Paragraph says (tables sized by their content)."""
        style = self.style
        return max(pdfmetrics.stringWidth(word, style.fontName, style.fontSize)
                   for word in self.text.split(" "))

    def draw(self) -> None:
        canvas = self.canv
        if self._paragraph is not None:
            self._paragraph.drawOn(canvas, 0, 0)
            return
        style = self.style
        # A Paragraph's first baseline is its font size below its top. The font and
        # colour need no saving: ``drawOn``, the only way a flowable is drawn, restores
        # the canvas's state after it.
        y = self.height - style.fontSize
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize, style.leading)
        if style.alignment == TA_RIGHT:
            canvas.drawRightString(self.width, y, self.text)
        elif style.alignment == TA_CENTER:
            canvas.drawCentredString(self.width / 2, y, self.text)
        else:
            canvas.drawString(0, y, self.text)


def amount(value: Decimal, t: Tr) -> str:
    """``1 234,50`` (ru) or ``1,234.50`` (en), no currency sign (tables)."""
    return t.money(value, symbol=False).replace("\u202f", "\u00a0")


def qty(value: Decimal, t: Tr) -> str:
    """A quantity without trailing zeros: ``2``, ``1,5``."""
    from salesdesk.i18n import decimal_text

    return decimal_text(value.normalize(), "#,##0.###", t.lang).replace("\u202f", "\u00a0")


def short_name(full: str | None) -> str:
    """``Воронина Анна Сергеевна`` -> ``Воронина А. С.`` (how signatures are printed)."""
    if not full:
        return ""
    parts = full.split()
    if len(parts) == 3 and all(p[:1].isupper() for p in parts):
        return f"{parts[0]} {parts[1][0]}. {parts[2][0]}."
    return full


@dataclass(frozen=True)
class PreparedImage:
    """An image decoded and encoded for PDF once, drawn into any number of documents."""

    width: int
    height: int
    xobject: Any
    """reportlab's image XObject (its compressed pixels and soft mask), copied into each
    document that draws it."""


@lru_cache(maxsize=16)
def prepared_image(data: bytes) -> PreparedImage | None:
    """``data`` (PNG or JPEG bytes) ready to draw, or ``None`` if it cannot be read.

    Kept for the process: an office prints every invoice with the same logo, stamp and
    signatures, and decoding a 600-pixel PNG, splitting its transparency off and
    compressing both again took longer than laying the invoice out.
    """
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfdoc import PDFImageXObject

    try:
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
        # The name reportlab itself would give it (a digest of the pixels and the mask).
        name = "sd" + hashlib.sha256(data).hexdigest()[:24]
        xobject = PDFImageXObject(name, reader, mask="auto")
    except Exception:  # a damaged image must not stop an invoice
        return None
    return PreparedImage(width, height, xobject)


def raster_image(width: int, height: int, rgb: bytes) -> PreparedImage:
    """RGB pixels (rows from the top) as a PDF image, compressed once: a chart drawn for
    the report goes into the PDF without a PNG made and read back on the way."""
    from reportlab.pdfbase.pdfdoc import PDFImageXObject

    data = zlib.compress(rgb, 6)
    xobject = PDFImageXObject("sd" + hashlib.sha256(data).hexdigest()[:24])
    xobject.width, xobject.height = width, height
    xobject.bitsPerComponent = 8
    xobject.colorSpace = "DeviceRGB"
    xobject._filters = ("FlateDecode",)
    xobject.streamContent = data
    xobject.mask = None
    return PreparedImage(width, height, xobject)


def draw_prepared(canvas: Canvas, image: PreparedImage, x: float, y: float, width: float,
                  height: float) -> None:
    """Draw ``image`` into the box: its XObject is added to the document the first time
    (as ``canvas.drawImage`` does, without decoding and compressing it again)."""
    document = canvas._doc
    reg_name = document.getXObjectName(image.xobject.name)
    if not document.idToObject.get(reg_name):
        # Copies: registering an object in a document writes its name into it, and the
        # cached one must stay free for the next document (and another thread's).
        xobject = copy.copy(image.xobject)
        smask = xobject.__dict__.pop("_smask", None)
        smask = copy.copy(smask) if smask is not None else None
        canvas._setXObjects(xobject)
        document.Reference(xobject, reg_name)
        document.addForm(xobject.name, xobject)
        if smask is not None:
            mask_name = document.getXObjectName(smask.name)
            if document.idToObject.get(mask_name):
                xobject.smask = PDFObjectReference(mask_name)
            else:
                canvas._setXObjects(smask)
                xobject.smask = document.Reference(smask, mask_name)
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{reg_name} Do")
    canvas.restoreState()
    canvas._formsinuse.append(image.xobject.name)  # the page's resources name it


class Picture(Flowable):
    """An image drawn at a given size with its transparency kept."""

    def __init__(self, image: PreparedImage, width: float, height: float) -> None:
        super().__init__()
        self.image = image
        self.width, self.height = width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_prepared(self.canv, self.image, 0, 0, self.width, self.height)


def logo_flowable(data: bytes | None, max_width: float, max_height: float) -> Flowable | None:
    """The company's logo scaled into a box, or ``None``."""
    image = prepared_image(data) if data else None
    if image is None:
        return None
    scale = min(max_width / image.width, max_height / image.height)
    return Picture(image, image.width * scale, image.height * scale)


class QRCode(Flowable):
    """A QR code drawn as vector squares (sharp at any print resolution)."""

    def __init__(self, matrix: tuple[tuple[bool, ...], ...], size: float) -> None:
        super().__init__()
        self.matrix = matrix
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        # One path for every dark run of every row: one fill operation, not thousands.
        # Drawn in module units, so that each run is four small integers (formatting
        # fractional coordinates took as long as the rest of the invoice).
        quiet = 4  # the standard's quiet zone, in modules
        count = len(self.matrix) + 2 * quiet
        canvas.saveState()
        canvas.scale(self.size / count, self.size / count)
        path = canvas.beginPath()
        path._code.append(qr_path_code(self.matrix, quiet))
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


_DARK_RUN = re.compile(b"\x01+")


@lru_cache(maxsize=256)
def qr_path_code(matrix: tuple[tuple[bool, ...], ...], quiet: int) -> str:
    """The PDF path operators (``x y w h re``, in modules, the origin at the bottom left
    of the quiet zone) of the dark runs of ``matrix``: rows of the same runs one above
    the other are one rectangle.

    Kept with the matrix it is made from (``qr_matrix`` keeps that for a reprint of the
    same invoice): its 1,100 rectangles took 0.7 ms, a twentieth of the invoice."""
    count = len(matrix) + 2 * quiet
    # (row, first column, length); a row's runs are found by the regex engine over its
    # bytes (a dark module is 1) rather than module by module in Python.
    runs = [(row_index, run.start(), run.end() - run.start())
            for row_index, row in enumerate(matrix) for run in _DARK_RUN.finditer(bytes(row))]
    # Stack a run onto the same run in the row above it.
    open_runs: dict[tuple[int, int], list[int]] = {}  # (first, length) -> [top row, rows]
    rects: list[tuple[int, int, int, int]] = []
    for row_index, first, length in runs:
        key = (first, length)
        above = open_runs.get(key)
        if above is not None and above[0] + above[1] == row_index:
            above[1] += 1
            continue
        if above is not None:
            rects.append((above[0], first, length, above[1]))
        open_runs[key] = [row_index, 1]
    rects.extend((top, first, length, rows) for (first, length), (top, rows)
                 in open_runs.items())
    return " ".join(f"{first + quiet} {count - quiet - top - rows} {length} {rows} re"
                    for top, first, length, rows in rects)


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
