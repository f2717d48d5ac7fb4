"""Reading and writing tables: CSV (UTF-8 with or without BOM, or Windows-1251; ``,`` or
``;``, detected) and XLSX (first sheet), as INTERFACES.md describes; and, for what other
tools export, ``.xls``: Excel 97–2003 workbooks (xlrd) and the HTML tables that Bitrix24
and other web CRMs save under that name."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import islice
from pathlib import Path
from typing import Any

from salesdesk.errors import ValidationError
from salesdesk.i18n import _


@dataclass(frozen=True)
class Sheet:
    """A table read from a file: its header and its rows with their line numbers (a
    list, or for a big CSV file the rows read from the file each time they are gone
    through: :class:`CsvRows`)."""

    name: str
    header: list[str]
    rows: Sequence[tuple[int, list[Any]]]


def _where(data: bytes, position: int) -> tuple[int, int]:
    """The line (1-based) and the byte value at a position of the file."""
    return data.count(b"\n", 0, position) + 1, data[position]


# Letters of Windows-1251 that Russian text does not use (Serbian and Macedonian): many
# of them mean the bytes were written in another encoding (Shift-JIS, say).
_ODD_1251 = set("ЂЃѓЉЊЌЋЏђљњќћџЈјЅѕ‚„†‡‰‹›™¤¦")
_WORD = re.compile(r"[А-Яа-яЁё]{2,}")


def _naturalness(text: str) -> int:
    """How much ``text`` reads like Russian: Title-case words ("Альфа") count for it,
    words with the case turned inside out ("аЛЬФА", what KOI8-R read as Windows-1251
    looks like) against it. All-capital and all-small words say nothing: the two
    encodings swap exactly those."""
    score = 0
    for word in _WORD.findall(text):
        if word[0].isupper() and word[1:].islower():
            score += 1
        elif word[0].islower() and word[1:].isupper():
            score -= 2
    return score


def _decode(data: bytes, name: str = "") -> str:
    """The text of a CSV file: UTF-8 (with or without BOM) or Windows-1251.

    A byte that is valid in neither is refused with its line; a file that decodes as
    Windows-1251 but reads like another encoding (KOI8-R, Shift-JIS) is refused rather
    than stored as mojibake.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            line, byte = _where(data, exc.start + 3)
            raise ValidationError(f"{name}:{line}", _(
                "byte 0x{byte:02X} is not valid UTF-8 (the file says it is UTF-8); save it "
                "again as UTF-8").format(byte=byte)) from None
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8")
    try:
        text = data.decode("cp1251")  # Russian Excel saves CSV in Windows-1251
    except UnicodeDecodeError as exc:
        # The first byte Windows-1251 cannot take (UTF-8 failed before it, or at it).
        line, byte = _where(data, exc.start)
        raise ValidationError(f"{name}:{line}", _(
            "byte 0x{byte:02X} is valid neither in UTF-8 nor in Windows-1251; save the file "
            "as UTF-8").format(byte=byte)) from None
    letters = sum(1 for c in text if c.isalpha() and not c.isascii())
    odd = sum(1 for c in text if c in _ODD_1251)
    koi8 = data.decode("koi8_r", errors="replace")
    if odd * 20 > max(letters, 1) or _naturalness(koi8) > max(_naturalness(text), 0):
        raise ValidationError(name, _(
            "the file is in an encoding SalesDesk cannot be sure of (it is neither UTF-8 nor "
            "Russian Windows-1251: KOI8-R or Shift-JIS, perhaps); save it as UTF-8"))
    return text


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        return ";" if first.count(";") > first.count(",") else ","


STREAM_BYTES = 4 * 1024 * 1024
"""A CSV file bigger than this is not held in memory: its rows are read from the file
each time the import goes through them (a million-row file is 33 MB of text, and three
times that as Python strings)."""
SAMPLE_BYTES = 1024 * 1024


def read_csv(path: Path) -> Sheet:
    """A CSV file's rows; line numbers are the file's physical lines."""
    path = Path(path)
    if path.stat().st_size > STREAM_BYTES:
        return _streamed_csv(path)
    text = _decode(path.read_bytes(), path.name)
    header, rows = _parse_csv(io.StringIO(text, newline=""), _delimiter(text), path.name)
    return Sheet(path.name, header, list(rows))


def _parse_csv(stream: Any, delimiter: str, name: str
               ) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header and an iterator of the rows of a CSV text stream (blank lines aside)."""
    reader = csv.reader(stream, delimiter=delimiter)
    line = 1

    def records() -> Iterator[tuple[int, list[str]]]:
        nonlocal line
        try:
            for record in reader:
                start = line
                line = reader.line_num + 1
                if any(cell.strip() for cell in record):
                    yield start, record
        except csv.Error as exc:
            raise ValidationError(f"{name}:{line}", _("the CSV file is damaged ({reason})")
                                  .format(reason=exc)) from exc

    found = records()
    first = next(found, None)
    if first is None:
        raise ValidationError(name, _("the file is empty"))
    header = [cell.strip() for cell in first[1]]
    return header, ((line_, [unneutralise(c) for c in cells]) for line_, cells in found)


def _streamed_csv(path: Path) -> Sheet:
    """A big CSV file: its encoding and delimiter told from its first megabyte (the
    checks of :func:`_decode`), its rows read from the file when gone through."""
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    cut = sample.rfind(b"\n") + 1 or len(sample)  # whole lines: no character cut in two
    text = _decode(sample[:cut], path.name)
    encoding = ("utf-8-sig" if sample.startswith(b"\xef\xbb\xbf") else "utf-8"
                if _is_utf8(sample[:cut]) else "cp1251")
    rows = CsvRows(path, encoding, _delimiter(text))
    header = rows.header
    return Sheet(path.name, header, rows)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class CsvRows(Sequence[tuple[int, list[Any]]]):
    """The rows of a CSV file, read from it each time they are gone through (after the
    first ``skip``); counted once."""

    def __init__(self, path: Path, encoding: str, delimiter: str, skip: int = 0) -> None:
        self.path, self.encoding, self.delimiter, self.skip = path, encoding, delimiter, skip
        self._count: int | None = None
        with self._open() as lines:
            self.header = _parse_csv(lines, delimiter, path.name)[0]

    @contextlib.contextmanager
    def _open(self) -> Iterator[Iterator[str]]:
        with open(self.path, "rb") as fh:
            yield self._lines(fh)

    def _lines(self, fh: Any) -> Iterator[str]:
        """The file's lines as text; a byte the encoding refuses names its line (the
        file's beginning was checked whole, its rest is checked as it is read)."""
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ValidationError(f"{self.path.name}:{number}", _(
                    "byte 0x{byte:02X} is not valid in the file's encoding ({encoding}); "
                    "save it again as UTF-8").format(byte=raw[exc.start],
                                                     encoding=encoding)) from None

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        with self._open() as lines:
            yield from islice(_parse_csv(lines, self.delimiter, self.path.name)[1],
                              self.skip, None)

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(1 for _row in self)
        return self._count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            if index.step not in (None, 1) or (index.start or 0) < 0:
                raise IndexError("only forward slices of a streamed file")
            if index.stop is None:
                return CsvRows(self.path, self.encoding, self.delimiter,
                               self.skip + (index.start or 0))
            return list(islice(self, index.start or 0, index.stop))
        if index < 0:
            raise IndexError("only forward indexes of a streamed file")
        found = list(islice(self, index, index + 1))
        if not found:
            raise IndexError(index)
        return found[0]


def read_xlsx(path: Path) -> Sheet:
    """The first sheet of an XLSX workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(Path(path).name, _("is not a readable XLSX workbook ({reason})")
                              .format(reason=type(exc).__name__)) from exc
    try:
        sheet = workbook.worksheets[0]
        # The <dimension> a file declares may be wrong (A1:B2 over seven rows): read what
        # the sheet holds, not what it says it holds.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        grid = [["" if v is None else unneutralise(v) if isinstance(v, str) else v
                 for v in values] for values in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # damaged XML, a DTD or entities (defusedxml refuses them)
        raise ValidationError(Path(path).name, _("is not a readable XLSX workbook ({reason})")
                              .format(reason=type(exc).__name__)) from exc
    finally:
        workbook.close()
    return _grid_sheet(Path(path).name, grid)


def _grid_sheet(name: str, grid: Iterable[list[Any]]) -> Sheet:
    """A sheet from rows numbered from 1: the first non-empty row is the header."""
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(grid, start=1):
        if not any(str(c).strip() for c in cells):
            continue
        if header is None:
            header = [str(c).strip() for c in cells]
            continue
        rows.append((number, cells))
    if header is None:
        raise ValidationError(name, _("the file is empty"))
    return Sheet(name, header, rows)


def read_xls(path: Path) -> Sheet:
    """The first sheet of an Excel 97–2003 workbook: dates as dates, whole numbers as
    whole numbers (an INN typed as a number stays digits)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=Path(path).read_bytes(), on_demand=True)
        sheet = book.sheet_by_index(0)
        grid = []
        for r in range(sheet.nrows):
            cells: list[Any] = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    cells.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
                    cells.append(int(cell.value))
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    cells.append(unneutralise(cell.value))
                else:
                    cells.append("" if cell.value is None else cell.value)
            grid.append(cells)
        book.release_resources()
    except Exception as exc:  # xlrd raises many kinds for a damaged file
        raise ValidationError(Path(path).name, _("is not a readable XLS workbook ({reason})")
                              .format(reason=type(exc).__name__)) from exc
    return _grid_sheet(Path(path).name, grid)


class _TableParser(HTMLParser):
    """The cells of the first ``<table>`` of an HTML page (what "export to Excel" of a
    web CRM writes: a page with a table, named ``.xls``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._depth = 0
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self.rows.append([])
        elif self._depth == 1 and tag in ("td", "th") and self.rows:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._depth -= 1
            self._done = self._depth == 0 and bool(self.rows)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(re.sub(r"[ \t\r\n]+", " ", data))


def read_html_table(path: Path) -> Sheet:
    """The first table of an HTML file saved as ``.xls`` (Bitrix24's Excel export)."""
    data = Path(path).read_bytes()
    match = re.search(rb"charset=[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
    declared = match.group(1).decode("ascii", "replace").lower() if match else ""
    if declared in ("windows-1251", "cp1251"):
        text = data.decode("cp1251", errors="strict")
    else:
        text = _decode(data, Path(path).name)
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    grid = [[unneutralise(c) for c in row] for row in parser.rows]
    return _grid_sheet(Path(path).name, grid)


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(path: Path) -> Sheet:
    """Read ``.csv``, ``.xlsx`` or ``.xls`` (a real workbook, or an HTML table so named)
    by the file's suffix and its first bytes."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(str(path), _("there is no such file"))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".xls", ".htm", ".html"):
        with path.open("rb") as fh:
            start = fh.read(2048)
        if start.startswith(_OLE2):
            return read_xls(path)
        if re.search(rb"<(html|table|meta|!doctype)", start.lstrip(b"\xef\xbb\xbf"),
                     re.IGNORECASE):
            return read_html_table(path)
        if start.startswith(b"PK"):
            return read_xlsx(path)  # an XLSX workbook renamed .xls
        raise ValidationError(path.name, _("is neither an Excel workbook nor a table saved "
                                           "from a web page"))
    raise ValidationError(path.name, _("must be a .csv, .xlsx or .xls file"))


def write_table(path: Path, header: list[str], rows: Iterable[list[Any]],
                suffix: str | None = None) -> int:
    """Write ``.csv`` (UTF-8 with BOM and ``;``, what Excel opens in Russia) or ``.xlsx``
    by the suffix (``suffix`` when the path is a temporary name); returns the number of
    rows written."""
    path = Path(path)
    suffix = (suffix or path.suffix).lower()
    count = 0
    if suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([xlsx_cell(sheet, h) for h in header])
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
            count += 1
        # Zipped in memory, then written: a disk that fills up fails the plain write,
        # not openpyxl half-way through its archive (which then complains at exit).
        buffer = io.BytesIO()
        workbook.save(buffer)
        with open(path, "wb") as fh:
            fh.write(buffer.getbuffer())
        return count
    if suffix != ".csv":
        raise ValidationError(path.name, _("must be a .csv or .xlsx file"))
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else csv_text(v) for v in row])
            count += 1
    return count


# A cell that begins with one of these is a formula to Excel and LibreOffice (OWASP's
# "CSV injection"): "=HYPERLINK(…)" or "=cmd|' /C calc'!A0" in a client's name must
# reach a spreadsheet as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet will not take for a formula: a leading ``'`` where it would
    (the importer takes it off again, see :func:`unneutralise`)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """The text :func:`neutralise` (or :func:`excel_text`) was given."""
    match = _EXCEL_TEXT.match(text)
    if match:
        return match.group(1)
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


# Excel opens a CSV cell of digits as a number: "0274062111" (an INN) loses its zero,
# "027401001" (a KPP) too, a 12-digit INN shows as 7,70708E+11 and a 20-digit account
# is rounded to 15 digits -- and saved back like that. Written as ="0274062111" the cell
# is a text constant to Excel (the way 1С and Bitrix24 write them); read back, the
# importer takes the text out again.
_IDENTIFIER = re.compile(r"^\d{6,}$")
_EXCEL_TEXT = re.compile(r'^="(\d+)"$')


def excel_text(text: str) -> str:
    """A string of six or more digits (an INN, KPP, BIK, account, OGRN) as Excel keeps
    it text; any other text unchanged."""
    return f'="{text}"' if _IDENTIFIER.match(text) else text


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A value for a write-only XLSX sheet: numbers stay numbers, and text is always a
    text cell (openpyxl would make a formula of a string that begins with ``=``)."""
    from decimal import Decimal

    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Decimal):
        return float(value)  # a number Excel can sum; exact to the kopeck at these sizes
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def csv_text(value: Any) -> str:
    """A CSV cell's text; text that a spreadsheet would run as a formula is neutralised,
    and identifiers of digits are kept text (numbers and dates are written as they
    are)."""
    if isinstance(value, str):
        return excel_text(neutralise(value))
    return _text(value)


def _text(value: Any) -> str:
    from datetime import date

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of up to ``size`` items."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
