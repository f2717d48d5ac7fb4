"""Table models over the services' records.

``RecordTableModel`` holds a short list in memory (tasks, products, users).
``LazyTableModel`` is for lists that may have 100,000 rows: it keeps only the rows
fetched so far, asks the service for the next page when the view scrolls
(``canFetchMore``/``fetchMore``), and filters and sorts in SQL — never a proxy model
sorting in Python. Both format money right-aligned in the locale's format, dates short,
statuses as pills, overdue rows in red.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from salesdesk.i18n import (
    format_date,
    format_money,
    format_number,
    format_percent,
    short_person,
)

from . import theme
from .worker import Op

Index = QModelIndex | QPersistentModelIndex
__all__ = ["Column", "LazyTableModel", "RecordTableModel", "display", "enable_sorting",
           "overdue_color", "short_person"]


@dataclass
class Column:
    """One column: its header, how a record shows in it, and how it sorts in SQL."""

    title: str
    value: Callable[[Any], Any]
    kind: str = "text"  # text, money, date, number, percent, status, bool
    sort_key: str | None = None
    width: int | None = None
    tooltip: Callable[[Any], str] | None = None


def display(kind: str, value: Any) -> str:
    """A cell's text."""
    if value is None or value == "":
        return ""
    if kind == "money" and isinstance(value, Decimal | int):
        return format_money(Decimal(value))
    if kind == "date" and isinstance(value, date):
        return format_date(value)
    if kind == "number":
        return format_number(value)
    if kind == "percent":
        return format_percent(value)
    if kind == "bool":
        return "★" if value else ""
    return str(value)


class RecordTableModel(QAbstractTableModel):
    """A table of records held in memory."""

    def __init__(self, columns: Sequence[Column],
                 row_color: Callable[[Any], QColor | None] | None = None,
                 parent: Any = None, on_sort: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.records: list[Any] = []
        self.row_color = row_color
        self.on_sort = on_sort
        """Reload in the chosen order (the service sorts in SQL); without it the rows
        held here are sorted (computed tables: a report's people, a card's few rows)."""
        self.sort_key: str | None = None
        self.descending = False
        # Formatted cell texts: Babel's date and money formatting is the dearest part of
        # painting a page of rows, and a view asks for each cell many times.
        self._texts: dict[tuple[int, int], str] = {}

    def set_records(self, records: Sequence[Any]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.records = list(records)
        self._texts.clear()
        self.endResetModel()

    def record(self, row: int) -> Any:
        """The record behind a row."""
        return self.records[row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        spec = self.columns[column]
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self.on_sort is not None:
            if spec.sort_key is not None:
                self.sort_key = spec.sort_key
                self.on_sort()
            return
        present = [r for r in self.records if _sortable(spec.value(r)) is not None]
        empty = [r for r in self.records if _sortable(spec.value(r)) is None]
        present.sort(key=lambda r: _sortable(spec.value(r)), reverse=self.descending)
        self.beginResetModel()
        self.records = present + empty  # empty cells last, either way
        self._texts.clear()
        self.endResetModel()

    def row_of(self, record_id: Any) -> int | None:
        """The row showing the record with this id, if loaded."""
        for row, record in enumerate(self.records):
            if getattr(record, "id", None) == record_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The roles are compared as plain ints and the alignments precomputed, because
        # PySide6 enum arithmetic on every call made up a third of a page's paint time.
        role = int(role)
        if role not in _ROLES:
            return None
        row = index.row()
        if row < 0 or row >= len(self.records):
            return None
        return self._value(row, index.column(), role)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:
        """Every role a view asks of a cell, in one call: the delegate asks about seven
        per visible cell and paint, and each call from C++ into Python cost more than
        the answer (half of a list's paint; a bare view's model answers in C++)."""
        row = index.row()
        if row < 0 or row >= len(self.records):
            return
        column = index.column()
        for item in roleDataSpan:
            role = item.role()
            if role in _ROLES:
                value = self._value(row, column, role)
                if value is not None:
                    item.setData(value)
                else:
                    # The delegate reuses its span from cell to cell: a role this cell
                    # has no answer for must not keep the last cell's (a red row's
                    # colour painting the rows after it).
                    item.clearData()

    def _value(self, row: int, column_index: int, role: int) -> Any:
        column = self.columns[column_index]
        if role == _DISPLAY:
            if column.kind == "status":
                return None  # the pill delegate paints it
            key = (row, column_index)
            text = self._texts.get(key)
            if text is None:
                text = self._texts[key] = display(column.kind, column.value(self.records[row]))
            return text
        if role == _ALIGN:
            return _RIGHT if column.kind in _NUMERIC else _LEFT
        if role == _USER:
            return column.value(self.records[row]) if column.kind == "status" else None
        if role == _FOREGROUND:
            return self.row_color(self.records[row]) if self.row_color is not None else None
        if column.tooltip is not None:  # _TOOLTIP
            return column.tooltip(self.records[row])
        if column.kind == "text":
            # Lists do not wrap (one line per record); the whole text shows on hover.
            return self._value(row, column_index, _DISPLAY) or None
        return None


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_USER = int(Qt.ItemDataRole.UserRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ROLES = frozenset((_DISPLAY, _USER, _ALIGN, _FOREGROUND, _TOOLTIP))
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_NUMERIC = frozenset(("money", "number", "percent"))


def _sortable(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.casefold()
    return value


def enable_sorting(view: Any, model: RecordTableModel,
                   column: int | None = None,
                   order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
    """Click a header to sort by it (again for the other way). The indicator starts on
    the list's own order, if given, without reloading it."""
    header = view.horizontalHeader()
    header.setSectionsClickable(True)
    header.setSortIndicatorShown(True)
    header.setSortIndicator(-1 if column is None else column, order)
    header.sortIndicatorChanged.connect(model.sort)


def fit_columns(view: Any, samples: dict[int, Any]) -> None:
    """Fixed widths for a list whose rows are fetched as it scrolls (it cannot size to
    contents it has not seen): each column as wide as its header and the widest of its
    sample texts (translated labels, the longest amount and date), so that neither a
    pill nor a header is cut in either language."""
    from salesdesk.i18n import _ as translate

    header = view.horizontalHeader()
    heading = header.fontMetrics()
    cells = view.fontMetrics()
    model = view.model()
    for column, texts in samples.items():
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        widest = max((cells.horizontalAdvance(translate(str(t))) for t in texts), default=0)
        width = max(heading.horizontalAdvance(title) + 28, widest + 28)
        header.setSectionResizeMode(column, header.ResizeMode.Fixed)
        view.setColumnWidth(column, width)


def overdue_color(is_overdue: Callable[[Any], bool]) -> Callable[[Any], QColor | None]:
    """A ``row_color`` that paints overdue records red."""
    def color(record: Any) -> QColor | None:
        return theme.BAD_COLOR if is_overdue(record) else None
    return color


class LazyTableModel(RecordTableModel):
    """Rows fetched page by page from a service, filtered and sorted in SQL."""

    sig_loaded = Signal(int)
    """A refresh finished; carries the total number of matching records."""

    PAGE = 200

    def __init__(self, columns: Sequence[Column],
                 fetch: Callable[[int, int, str | None, bool], list[Any]],
                 count: Callable[[], int],
                 row_color: Callable[[Any], QColor | None] | None = None,
                 parent: Any = None,
                 first: Callable[[str | None, bool], tuple[int, list[Any]]] | None = None
                 ) -> None:
        super().__init__(columns, row_color, parent)
        self.fetch = fetch
        self.count = count
        self.first = first
        self.total = 0
        self.loading = False
        self.sort_key: str | None = None
        self.descending = False
        self._generation = 0

    def refresh(self) -> None:
        """Count and load the first page again (after a filter change or a save)."""
        self._generation += 1
        generation = self._generation

        self.loading = True
        Op(None, self._first_page, busy=False).success(
            lambda result: self._reloaded(generation, result)).run()

    def _first_page(self) -> tuple[int, list[Any]]:
        if self.first is not None:
            return self.first(self.sort_key, self.descending)
        return self.count(), self.fetch(0, self.PAGE, self.sort_key, self.descending)

    def refresh_now(self) -> None:
        """The same, on the calling thread: for the benchmarks, which time the query
        without the hop to the worker (the window itself never calls it)."""
        self._generation += 1
        self._reloaded(self._generation, self._first_page())

    def _reloaded(self, generation: int, result: tuple[int, list[Any]]) -> None:
        if generation != self._generation:
            return  # a newer filter is on its way; this answer is stale
        self.loading = False
        total, rows = result
        self.beginResetModel()
        self.total = total
        self.records = list(rows)
        self._texts.clear()
        self.endResetModel()
        self.sig_loaded.emit(total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self.loading and len(self.records) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self.loading:
            return
        offset = len(self.records)
        generation = self._generation
        self.loading = True

        def arrived(rows: list[Any]) -> None:
            self.loading = False
            if generation != self._generation or not rows:
                return
            self.beginInsertRows(QModelIndex(), len(self.records),
                                 len(self.records) + len(rows) - 1)
            self.records.extend(rows)
            self.endInsertRows()

        Op(None, self.fetch, offset, self.PAGE, self.sort_key, self.descending,
           busy=False).success(arrived).run()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort_key if 0 <= column < len(self.columns) else None
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self._generation == 0:
            # Not loaded yet (a view sorts its model as soon as sorting is enabled): the
            # page's first load comes in that order. Loading here too read the count
            # and the first page twice on every list's first paint.
            return
        self.refresh()
