"""A one-line cell drawn by ``pdfkit.TextLine`` prints exactly as the Paragraph it stands
for, and text that does not fit, or needs markup, is still a real Paragraph."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from salesdesk.documents.pdfkit import TextLine, esc, para, qr_path_code, styles

CELLS = ["1 234 567,89", "шт", "Кресло офисное", "№ 12", "ООО «Ромашка» & Co <b>",
         "1,234.50"]


def _page(cells: list[object], widths: list[float]) -> bytes:
    buffer = io.BytesIO()
    table = Table([cells], colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0.5, 0.5, 0.5)),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    SimpleDocTemplate(buffer).build([table, *cells[:2]])
    return buffer.getvalue()


def _pixels(pdf: bytes, folder: Path, name: str) -> bytes:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(path),
                    str(folder / name)], check=True)
    return (folder / f"{name}.png").read_bytes()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
@pytest.mark.parametrize("style_name", ["cell", "cell_right", "header_cell", "bold", "title"])
def test_a_text_line_prints_as_its_paragraph(style_name: str, tmp_path: Path) -> None:
    style = getattr(styles(), style_name)
    widths = [40 * mm] * len(CELLS)
    lines = [para(text, style) for text in CELLS]
    assert all(isinstance(line, TextLine) for line in lines)
    ours = _pixels(_page(lines, widths), tmp_path, "ours")
    paragraphs = _pixels(_page([Paragraph(esc(t), style) for t in CELLS], widths), tmp_path,
                         "paragraphs")
    assert ours == paragraphs


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_text_wider_than_its_cell_wraps_as_a_paragraph(tmp_path: Path) -> None:
    style = styles().cell
    text = "Кресло офисное с подлокотниками и высокой спинкой"
    line = para(text, style)
    assert isinstance(line, TextLine)
    width, height = line.wrap(20 * mm, 1000)
    assert height > style.leading  # more than one line
    assert (width, height) == Paragraph(esc(text), style).wrap(20 * mm, 1000)
    ours = _pixels(_page([para(text, style)], [20 * mm]), tmp_path, "ours")
    paragraph = _pixels(_page([Paragraph(esc(text), style)], [20 * mm]), tmp_path, "paragraph")
    assert ours == paragraph


@pytest.mark.parametrize("text", ["", "two\nlines", "  padded", "double  space", "tab\there",
                                  "box 📦", "end "])
def test_text_a_paragraph_would_change_stays_a_paragraph(text: str) -> None:
    assert isinstance(para(text, styles().cell), Paragraph)


def test_a_text_line_sizes_a_table_by_its_widest_word() -> None:
    text = "Кресло офисное с подлокотниками"
    style = styles().cell
    assert para(text, style).minWidth() == pytest.approx(
        Paragraph(esc(text), style).minWidth())


def _path_by_module(matrix: tuple[tuple[bool, ...], ...], quiet: int) -> set[tuple[int, int]]:
    """The dark modules a path of ``x y w h re`` rectangles covers."""
    return {(x + dx, y + dy)
            for x, y, w, h in _rects(qr_path_code(matrix, quiet))
            for dx in range(w) for dy in range(h)}


def _rects(code: str) -> list[tuple[int, int, int, int]]:
    words = code.split()
    assert words[4::5] == ["re"] * (len(words) // 5)
    return [tuple(int(v) for v in words[i:i + 4]) for i in range(0, len(words), 5)]  # type: ignore[misc]


def test_the_qr_path_covers_exactly_the_dark_modules() -> None:
    import random

    rng = random.Random(7)
    quiet = 4
    for size in (21, 25, 57):
        matrix = tuple(tuple(rng.random() < 0.5 for _ in range(size)) for _ in range(size))
        count = size + 2 * quiet
        dark = {(col + quiet, count - quiet - 1 - row)
                for row, cells in enumerate(matrix) for col, on in enumerate(cells) if on}
        assert _path_by_module(matrix, quiet) == dark
        # No two rectangles overlap: the fill is one even layer.
        assert sum(w * h for _x, _y, w, h in _rects(qr_path_code(matrix, quiet))) == len(dark)
