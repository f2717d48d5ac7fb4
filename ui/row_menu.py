"""The right-click menu of a table row: open, edit, delete, copy, and new related records.

Every list of the window gets one with :func:`attach_row_menu`. "Copy" is always there
(the cell, or the whole row as tab-separated text, which pastes into a spreadsheet as a
row); the other entries come from the page, per record, so that a menu offers only
what the user may do with that row. The keyboard opens it too (the Menu key, Shift+F10).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QMenu

from salesdesk.i18n import _

from . import theme


@dataclass(frozen=True)
class RowAction:
    """One entry of a row's menu."""

    text: str
    run: Callable[[Any], None]
    """Called with the row's record."""
    icon: str | None = None
    default: bool = False
    """The double-click action (shown in bold)."""


Actions = Callable[[Any], Sequence[RowAction | None]]
"""The entries for a record; ``None`` draws a separator."""


def row_text(view: QAbstractItemView, row: int) -> str:
    """A row as the table shows it, tab-separated."""
    model = view.model()
    cells = []
    for column in range(model.columnCount()):
        if getattr(view, "isColumnHidden", lambda _c: False)(column):
            continue
        index = model.index(row, column)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if text is None:  # a pill: the status is painted, its text is the user role
            text = _status_text(index)
        cells.append(str(text or ""))
    return "\t".join(cells)


def _status_text(index: QModelIndex) -> str:
    from salesdesk.domain import DOCUMENT_STATUS_LABELS, STAGE_LABELS, label

    code = index.data(Qt.ItemDataRole.UserRole)
    if not code:
        return ""
    for labels in (STAGE_LABELS, DOCUMENT_STATUS_LABELS):
        if code in labels:
            return label(labels, code)
    return str(code)


def build_menu(view: QAbstractItemView, index: QModelIndex, record: Any,
               actions: Actions | None) -> QMenu:
    """The menu for the row of ``index`` (made, not shown: tests look inside)."""
    menu = QMenu(view)
    menu.setObjectName("row_menu")
    for entry in (actions(record) if actions is not None else ()):
        if entry is None:
            menu.addSeparator()
            continue
        action = menu.addAction(theme.icon(entry.icon) if entry.icon else theme.icon(
            "mdi6.circle-small"), entry.text)
        action.triggered.connect(lambda _c=False, e=entry: e.run(record))
        if entry.default:
            font = action.font()
            font.setBold(True)
            action.setFont(font)
    if not menu.isEmpty():
        menu.addSeparator()
    cell = index.data(Qt.ItemDataRole.DisplayRole)
    if cell is None:
        cell = _status_text(index)
    copy_cell = menu.addAction(theme.icon("mdi6.content-copy"), _("Copy cell"))
    copy_cell.triggered.connect(lambda: QGuiApplication.clipboard().setText(str(cell or "")))
    copy_row = menu.addAction(theme.icon("mdi6.table-row"), _("Copy row"))
    copy_row.triggered.connect(
        lambda: QGuiApplication.clipboard().setText(row_text(view, index.row())))
    return menu


def attach_row_menu(view: QAbstractItemView, record_of: Callable[[int], Any],
                    actions: Actions | None = None) -> None:
    """Give ``view`` a right-click (and Menu key) menu for its rows."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(point: QPoint) -> None:
        index = view.indexAt(point)
        if not index.isValid():
            index = view.currentIndex()  # the keyboard: the current row
            if not index.isValid():
                return
            point = view.visualRect(index).center()
        view.setCurrentIndex(index)
        menu = build_menu(view, index, record_of(index.row()), actions)
        view.row_menu = menu  # kept for tests; the next one replaces it
        menu.popup(view.viewport().mapToGlobal(point))

    view.customContextMenuRequested.connect(show)
