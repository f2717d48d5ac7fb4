"""The files of a record (a client, a deal, a document): attach from the disk or by
dropping files on the list, open with the system's viewer, save a copy, remove.

Everything goes through :mod:`salesdesk.services.attachments`, off the GUI thread; the
size limit, the permission and what a laptop left at the office are the core's to say.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesdesk.i18n import _, format_date
from salesdesk.services import attachments
from salesdesk.services.attachments import AttachmentRecord, size_text

from . import theme
from .worker import Op


def choose_files(parent: QWidget) -> list[str]:
    """Files the user picks to attach (tests replace it)."""
    names, _filter = QFileDialog.getOpenFileNames(parent, _("Attach files"))
    return list(names)


def choose_target(parent: QWidget, name: str) -> str:
    """Where the user saves a copy (tests replace it)."""
    target, _filter = QFileDialog.getSaveFileName(parent, _("Save a copy"), name)
    return target


def open_url(url: QUrl) -> bool:
    """Open with the system's viewer (tests replace it)."""
    return bool(QDesktopServices.openUrl(url))


def viewing_copy(name: str, data: bytes) -> Path:
    """A copy of the file, under its own name, in a private temporary folder: what the
    system's viewer opens (it needs a file; the original lives in the database)."""
    folder = Path(tempfile.mkdtemp(prefix="salesdesk-file-"))
    path = folder / (Path(name).name or "file")
    path.write_bytes(data)
    return path


class FilesPanel(QWidget):
    """A record's files (see the module)."""

    sig_counted = Signal(int)
    """How many files the record has (a tab shows it)."""

    def __init__(self, ctx: Any, entity: str, record_id: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entity = entity
        self.record_id = record_id
        self.files: list[AttachmentRecord] = []
        self.setObjectName(f"files_{entity}")
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.attach_button = QPushButton(theme.icon("mdi6.paperclip"), _("Attach…"))
        self.attach_button.setToolTip(_("Attach files from the disk (or drop them on the "
                                        "list)"))
        self.attach_button.clicked.connect(self.attach)
        self.open_button = QPushButton(theme.icon("mdi6.open-in-new"), _("Open"))
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline"), _("Save as…"))
        self.save_button.clicked.connect(self.save_selected)
        self.remove_button = QPushButton(theme.icon("mdi6.delete-outline"), _("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        for button in (self.attach_button, self.open_button, self.save_button,
                       self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("files_table")
        self.table.setHorizontalHeaderLabels([_("File"), _("Size"), _("Added by"),
                                              _("Added")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.itemSelectionChanged.connect(self._selection)
        self.table.setAcceptDrops(False)  # the panel takes the drop
        layout.addWidget(self.table, 1)
        self.note = QLabel(_("No files yet — attach a contract, a scan or a price list, or "
                             "drop files here."))
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self._selection()
        self.refresh()

    # --- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the files again (in the background)."""
        Op(self, attachments.list_files, self.ctx.db, self.ctx.actor, self.entity,
           self.record_id, busy=False).success(self._show).run()

    def _show(self, files: list[AttachmentRecord]) -> None:
        self.files = files
        self.table.setRowCount(len(files))
        for row, f in enumerate(files):
            name = QTableWidgetItem(theme.icon("mdi6.file-outline" if f.available
                                               else "mdi6.file-cloud-outline"), f.name)
            if not f.available:
                name.setToolTip(_("This file stayed at the office: it did not fit this "
                                  "laptop's share of the files."))
                name.setForeground(theme.MUTED_COLOR)
            cells = [name, QTableWidgetItem(size_text(f.size)),
                     QTableWidgetItem(f.added_by_name),
                     QTableWidgetItem(format_date(f.created_at.astimezone().date()))]
            cells[1].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.note.setVisible(not files)
        self.sig_counted.emit(len(files))
        self._selection()

    def selected(self) -> AttachmentRecord | None:
        """The chosen file."""
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.files[min(rows)] if rows and min(rows) < len(self.files) else None

    def _selection(self) -> None:
        chosen = self.selected()
        for button in (self.open_button, self.save_button):
            button.setEnabled(chosen is not None and chosen.available)
        self.remove_button.setEnabled(chosen is not None)

    # --- actions --------------------------------------------------------------------------

    def attach(self) -> None:
        """Pick files and attach them."""
        self.attach_paths([Path(name) for name in choose_files(self)])

    def attach_paths(self, paths: list[Path]) -> None:
        """Attach these files (one after another; a refused one is said, the rest go)."""
        if not paths:
            return

        def attach_all(chosen: list[Path]) -> list[str]:
            from salesdesk.errors import SalesDeskError

            refused: list[str] = []
            for path in chosen:
                try:
                    attachments.attach_path(self.ctx.db, self.ctx.actor, self.entity,
                                            self.record_id, path)
                except SalesDeskError as exc:  # said with the rest; the others go in
                    refused.append(str(exc))
            return refused

        Op(self, attach_all, paths, changes={"attachments"}).success(self._attached).run()

    def _attached(self, refused: list[str]) -> None:
        self.refresh()
        if refused:
            from salesdesk.errors import ValidationError

            from .errors import show_error

            show_error(self, ValidationError(_("Files"), "\n".join(refused)))

    def open_selected(self) -> None:
        """Open the chosen file with the system's viewer."""
        chosen = self.selected()
        if chosen is not None:
            Op(self, attachments.file_content, self.ctx.db, self.ctx.actor, chosen.id) \
                .success(lambda got: open_url(QUrl.fromLocalFile(str(viewing_copy(
                    got[0].name, got[1]))))).run()

    def save_selected(self) -> None:
        """Save a copy of the chosen file where the user says."""
        chosen = self.selected()
        if chosen is None:
            return
        target = choose_target(self, chosen.name)
        if not target:
            return

        def save(file_id: Any, path: str) -> Path:
            from salesdesk.files import write_atomically

            _record, data = attachments.file_content(self.ctx.db, self.ctx.actor, file_id)
            return write_atomically(Path(path), data)

        Op(self, save, chosen.id, target).run()

    def remove_selected(self) -> None:
        """Remove the chosen file (it goes to the trash)."""
        from PySide6.QtWidgets import QMessageBox

        chosen = self.selected()
        if chosen is None:
            return
        answer = QMessageBox.question(self, _("Remove the file"), _(
            "Remove {name}? It goes to the trash, from where it can be brought back.").format(
            name=chosen.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        Op(self, attachments.remove_file, self.ctx.db, self.ctx.actor, chosen.id,
           changes={"attachments"}).success(lambda _r: self.refresh()).run()

    # --- dropping files -------------------------------------------------------------------

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls()
                 if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach_paths(paths)


def files_dialog(parent: QWidget, ctx: Any, entity: str, record_id: Any, title: str) -> Any:
    """A record's files in a window of their own (a deal's, a document's)."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox

    dialog = QDialog(parent)
    dialog.setWindowTitle(_("Files: {title}").format(title=title))
    dialog.setObjectName("files_dialog")
    layout = QVBoxLayout(dialog)
    panel = FilesPanel(ctx, entity, record_id, dialog)
    layout.addWidget(panel, 1)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.panel = panel  # type: ignore[attr-defined]
    dialog.resize(720, 380)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
