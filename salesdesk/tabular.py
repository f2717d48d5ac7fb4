"""Reading and writing tables: CSV (UTF-8 with or without BOM, or Windows-1251; ``,`` or
``;``, detected) and XLSX (first sheet), as INTERFACES.md describes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesdesk.errors import ValidationError
from salesdesk.i18n import _


@dataclass(frozen=True)
class Sheet:
    """A table read from a file: its header and its rows with their line numbers."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Russian Excel saves CSV in Windows-1251.
        return data.decode("cp1251")


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        return ";" if first.count(";") > first.count(",") else ","


def read_csv(path: Path) -> Sheet:
    """A CSV file's rows; line numbers are the file's physical lines."""
    text = _decode(Path(path).read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] | None = None
    line = 1
    try:
        for record in reader:
            start = line
            line = reader.line_num + 1
            if header is None:
                if any(cell.strip() for cell in record):
                    header = [cell.strip() for cell in record]
                continue
            if any(cell.strip() for cell in record):
                rows.append((start, [unneutralise(cell) for cell in record]))
    except csv.Error as exc:
        raise ValidationError(f"{Path(path).name}:{line}", _("the CSV file is damaged ({reason})")
                              .format(reason=exc)) from exc
    if header is None:
        raise ValidationError(Path(path).name, _("the file is empty"))
    return Sheet(Path(path).name, header, rows)


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
        header: list[str] | None = None
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else unneutralise(v) if isinstance(v, str) else v
                     for v in values]
            if not any(str(c).strip() for c in cells):
                continue
            if header is None:
                header = [str(c).strip() for c in cells]
                continue
            rows.append((number, cells))
    finally:
        workbook.close()
    if header is None:
        raise ValidationError(Path(path).name, _("the file is empty"))
    return Sheet(Path(path).name, header, rows)


def read_table(path: Path) -> Sheet:
    """Read ``.csv`` or ``.xlsx`` by the file's suffix."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(str(path), _("there is no such file"))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    raise ValidationError(path.name, _("must be a .csv or .xlsx file"))


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
    """The text :func:`neutralise` was given."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


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
    """A CSV cell's text; text that a spreadsheet would run as a formula is neutralised
    (numbers and dates are written as they are)."""
    if isinstance(value, str):
        return neutralise(value)
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
