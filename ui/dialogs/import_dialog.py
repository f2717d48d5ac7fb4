"""Import a CSV or XLSX file: choose what it holds, see every bad row, import all or the
valid rows only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from salesdesk.errors import ValidationError
from salesdesk.i18n import _
from salesdesk.importer import ImportReport, import_file

from ..context import AppContext
from ..worker import Op


class ImportDialog(QDialog):
    """Pick a file and a kind; the report lists matched, repeated and bad rows."""

    sig_done = Signal(object)
    """An import went in; carries the :class:`ImportReport`."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, default_kind: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Import from a file"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        kinds = [("clients", _("Clients")), ("contacts", _("Contacts")), ("deals", _("Deals")),
                 ("activities", _("Activities")), ("products", _("Products"))]
        if ctx.can_manage:
            kinds.append(("targets", _("Monthly targets")))
        if ctx.is_head:
            kinds.append(("spend", _("Marketing spend")))
        for code, text in kinds:
            self.kind.addItem(text, code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(default_kind)))
        self.path = QLineEdit()
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.skip = QCheckBox(_("Import the valid rows and skip the bad ones"))
        self.update_existing = QCheckBox(_("Update the records a row matches (by INN, "
                                           "e-mail or name)"))
        self.update_existing.setObjectName("update_existing")
        form.addRow(_("What the file holds"), self.kind)
        form.addRow(_("File"), row)
        form.addRow("", self.skip)
        form.addRow("", self.update_existing)
        layout.addLayout(form)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(_(
            "CSV (UTF-8 or Windows-1251, ',' or ';'), XLSX or XLS, as amoCRM, Bitrix24, 1С, "
            "Pipedrive, Google Contacts, Outlook or Excel write them: the columns are "
            "recognised, and shown before anything is written."))
        layout.addWidget(self.report, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.check_button = buttons.addButton(_("Check first"),
                                              QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.setObjectName("dry_run")
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.run_button = buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.ActionRole)
        self.run_button.setProperty("primary", True)
        self.run_button.clicked.connect(lambda: self.run())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 420)

    def _browse(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, _("Import from a file"), "",
                                               _("Tables (*.csv *.xlsx *.xls)"))
        if name:
            self.path.setText(name)

    def run(self, dry_run: bool = False) -> None:
        """Import (or, ``dry_run``, only check) in the background and show what happened."""
        if not self.path.text():
            self.report.setPlainText(_("Choose a file first."))
            return
        self.run_button.setEnabled(False)
        self.check_button.setEnabled(False)
        Op(self, import_file, self.ctx.db, self.ctx.actor, self.kind.currentData(),
           Path(self.path.text()), self.skip.isChecked(),
           update=self.update_existing.isChecked(), dry_run=dry_run) \
            .success(self._done).failure(self._failed).run()

    def _done(self, report: ImportReport) -> None:
        self.run_button.setEnabled(True)
        self.check_button.setEnabled(True)
        self.report.setPlainText("\n".join(report.lines()))
        if not report.dry_run:
            self.sig_done.emit(report)

    def _failed(self, exc: BaseException) -> None:
        from salesdesk.importer import ImportRefused

        self.run_button.setEnabled(True)
        self.check_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            lines = [str(p) for p in exc.problems]
            if isinstance(exc, ImportRefused) and exc.mapping:
                lines.insert(0, _("Columns: {mapping}").format(mapping=exc.mapping))
            advice = (_("Nothing was imported: fix these rows, or tick the box to import the "
                        "valid rows.") if not isinstance(exc, ImportRefused) or exc.rows
                      else _("Nothing was imported."))
            self.report.setPlainText("\n".join(lines) + "\n\n" + advice)
            return
        from ..errors import show_error

        show_error(self, exc)

    def result_text(self) -> Any:
        """The report shown (tests read it)."""
        return self.report.toPlainText()
