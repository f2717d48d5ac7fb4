"""Duplicates: the likely pairs of clients, side by side, merged field by field.

The head and managers open it from the Clients page. A pair is chosen on the left; on
the right the two clients' values stand side by side, the kept client's chosen where
both have one; Merge moves everything of the other client to the kept one (the core's
:func:`salesdesk.services.merge.merge_clients`) and the other goes to the trash.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from salesdesk import registry
from salesdesk.i18n import _, ngettext
from salesdesk.services import merge

from .. import theme
from ..changes import CLIENT_TREE
from ..context import AppContext
from ..widgets import muted
from ..worker import Op


def shown(value: Any) -> str:
    """A field's value in the comparison ("—" for none)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


class DuplicatesDialog(QDialog):
    """The likely duplicates in the user's scope, and their merge."""

    sig_merged = Signal(object)
    """A merge was made; carries the kept client's record."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pairs: list[merge.DuplicatePair] = []
        self.pair: merge.DuplicatePair | None = None
        self.keep_first = True
        self.groups: dict[str, QButtonGroup] = {}
        self.setWindowTitle(_("Duplicates"))
        self.setObjectName("duplicates_dialog")
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        self.summary = QLabel(_("Looking for duplicates…"))
        layout.addWidget(self.summary)
        splitter = QSplitter()
        self.list = QListWidget()
        self.list.setObjectName("pairs")
        self.list.setAlternatingRowColors(True)  # one band per pair
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._show_pair)
        splitter.addWidget(self.list)
        right = QWidget()
        box = QVBoxLayout(right)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel(_("Keep:")))
        self.keep_a = QRadioButton()
        self.keep_a.setObjectName("keep_first")
        self.keep_b = QRadioButton()
        self.keep_b.setObjectName("keep_second")
        self.keep_group = QButtonGroup(self)
        for button in (self.keep_a, self.keep_b):
            self.keep_group.addButton(button)
            keep_row.addWidget(button)
        keep_row.addStretch(1)
        self.keep_a.toggled.connect(lambda on: self._keep(on))
        box.addLayout(keep_row)
        box.addWidget(muted(_("Choose the value to keep where they differ. Contacts, deals, "
                              "documents, activities, tasks and deliveries of the other "
                              "client move to the kept one; the other goes to the trash.")))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.fields_holder = QWidget()
        self.grid = QGridLayout(self.fields_holder)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        scroll.setWidget(self.fields_holder)
        box.addWidget(scroll, 1)
        self.merge_button = QPushButton(theme.icon("mdi6.call-merge"), _("Merge"))
        self.merge_button.setObjectName("merge_button")
        self.merge_button.setProperty("primary", True)
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        box.addWidget(self.merge_button, 0, Qt.AlignmentFlag.AlignRight)
        splitter.addWidget(right)
        splitter.setSizes([380, 720])
        layout.addWidget(splitter, 1)
        self.reload()

    def reload(self) -> None:
        """Find the pairs again (in the background)."""
        Op(self, merge.find_duplicate_pairs, self.ctx.db, self.ctx.actor).success(
            self.show_pairs).run()

    def show_pairs(self, pairs: list[merge.DuplicatePair]) -> None:
        """List the pairs, the surest first."""
        self.pairs = pairs
        self.list.clear()
        for pair in pairs:
            item = QListWidgetItem(f"{pair.first.name}\n{pair.second.name}\n"
                                   f"· {pair.describe()}")
            item.setToolTip(pair.describe())
            self.list.addItem(item)
        self.summary.setText(ngettext("{n} likely pair of duplicates",
                                      "{n} likely pairs of duplicates",
                                      len(pairs)).format(n=len(pairs)) if pairs
                             else _("No likely duplicates among your clients."))
        if pairs:
            self.list.setCurrentRow(0)
        else:
            self._show_pair(-1)

    def _show_pair(self, row: int) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.groups.clear()
        self.pair = self.pairs[row] if 0 <= row < len(self.pairs) else None
        self.merge_button.setEnabled(self.pair is not None)
        if self.pair is None:
            self.keep_a.setText("")
            self.keep_b.setText("")
            return
        a, b = self.pair.first, self.pair.second
        self.keep_a.setText(a.name)
        self.keep_b.setText(b.name)
        self.keep_a.setToolTip(_("Owner: {name}").format(name=a.owner_name))
        self.keep_b.setToolTip(_("Owner: {name}").format(name=b.owner_name))
        self.keep_a.setChecked(True)
        self.keep_first = True
        for column, text in enumerate((_("Field"), a.name, b.name)):
            heading = QLabel(f"<b>{text}</b>")
            heading.setWordWrap(True)
            self.grid.addWidget(heading, 0, column)
        row_index = 1
        for key in merge.MERGED_FIELDS:
            first, second = getattr(a, key, None), getattr(b, key, None)
            if first == second or second in (None, "") or first in (None, ""):
                continue  # the same, or only one has it: nothing to choose
            self.grid.addWidget(QLabel(_(registry.label("clients", key))), row_index, 0)
            group = QButtonGroup(self.fields_holder)
            for column, value in ((1, first), (2, second)):
                button = QRadioButton(shown(value))
                button.setObjectName(f"{key}_{column}")
                group.addButton(button, column)
                self.grid.addWidget(button, row_index, column)
            group.button(1).setChecked(True)
            self.groups[key] = group
            row_index += 1
        if row_index == 1:
            self.grid.addWidget(muted(_("No field differs: the merge only moves the other "
                                        "client's records.")), 1, 0, 1, 3)
            row_index += 1
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        self.grid.setRowStretch(row_index, 1)  # the rows at the top, the room below

    def _keep(self, first: bool) -> None:
        """Keeping the other client flips every choice to its values."""
        if first == self.keep_first:
            return
        self.keep_first = first
        for group in self.groups.values():
            checked = group.checkedId()
            group.button(2 if checked == 1 else 1).setChecked(True)

    def choices(self) -> set[str]:
        """The fields that take the dropped client's value."""
        dropped_column = 2 if self.keep_first else 1
        return {key for key, group in self.groups.items()
                if group.checkedId() == dropped_column}

    def merge(self) -> None:
        """Merge the shown pair after asking."""
        if self.pair is None:
            return
        keep, drop = (self.pair.first, self.pair.second) if self.keep_first else \
            (self.pair.second, self.pair.first)
        answer = QMessageBox.question(self, _("Merge"), _(
            "Merge «{drop}» into «{keep}»? Its records move to «{keep}», and it goes to the "
            "trash.").format(drop=drop.name, keep=keep.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.merge_button.setEnabled(False)
        Op(self, merge.merge_clients, self.ctx.db, self.ctx.actor, keep.id, drop.id,
           self.choices(), keep.version, drop.version, changes=CLIENT_TREE) \
            .success(self._merged).failure(self._failed).run()

    def _merged(self, kept: Any) -> None:
        self.sig_merged.emit(kept)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        from ..errors import show_error

        show_error(self, exc)
        self.reload()
