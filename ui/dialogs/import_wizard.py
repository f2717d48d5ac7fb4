"""Moving an office in: the import wizard.

1. File and kind. 2. The first rows with the proposed field of each column, which the
user may change; the options (the owner of rows that name nobody, update what matches).
3. A dry run: what would be created, updated, left and refused. 4. The import, with a
progress bar and Cancel (nothing is written when it is cancelled or refused). A mapping
chosen for a header is offered again for the next file with the same header.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from salesdesk import registry
from salesdesk.i18n import _
from salesdesk.import_mapping import IGNORE, normalise_header
from salesdesk.importer import (
    ImportCancelled,
    ImportRefused,
    ImportReport,
    Preview,
    import_file,
    mapping_text,
    preview_file,
)

from ..changes import EVERYTHING
from ..context import AppContext
from ..worker import Op


def field_label(name: str, kind: str = "") -> str:
    """A field as the wizard names it: its label in the registry (its key when the kind
    has no such field)."""
    field = registry.import_field(kind, name) if kind in registry.IMPORT_TABLES else None
    if field is None:
        return name
    if (kind, name) == ("clients", "name"):
        return _("Company name")  # beside "Name" of a contact, the wizard says which name
    return _(field.label)


def header_key(kind: str, header: list[str]) -> str:
    """Where a mapping chosen for this header is remembered."""
    digest = hashlib.sha256(json.dumps([kind, [normalise_header(h) for h in header]],
                                       ensure_ascii=False).encode()).hexdigest()[:16]
    return f"import_mappings/{digest}"


class ImportWizard(QWizard):
    """File → columns → dry run → import."""

    sig_done = Signal(object)
    """An import went in; carries the :class:`ImportReport`."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, default_kind: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("import_wizard")
        self.setWindowTitle(_("Import from a file"))
        self.preview: Preview | None = None
        self.report: ImportReport | None = None
        self.file_page = _FilePage(self, default_kind)
        self.columns_page = _ColumnsPage(self)
        self.check_page = _CheckPage(self)
        self.run_page = _RunPage(self)
        for page in (self.file_page, self.columns_page, self.check_page, self.run_page):
            self.addPage(page)
        # Importing is the step that cannot be gone back on: the check page commits.
        self.check_page.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Import"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Done"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Close"))
        self.resize(920, 620)

    # --- what the pages share -----------------------------------------------------------

    def kind(self) -> str:
        """What the file holds."""
        return str(self.file_page.kind.currentData())

    def path(self) -> Path:
        """The chosen file."""
        return Path(self.file_page.path.text())

    def arguments(self) -> dict[str, Any]:
        """The import's options as the page shows them."""
        assert self.preview is not None
        return {"mapping": mapping_text(self.preview.header, self.columns_page.fields()),
                "owner": self.columns_page.owner.currentData() or None,
                "update": self.columns_page.update_existing.isChecked(),
                "skip_invalid": self.columns_page.skip.isChecked()}

    def report_lines(self, report: ImportReport) -> list[str]:
        """The report, its columns named by field labels (the window's language) rather
        than by the keys ``--map`` takes."""
        assert self.preview is not None
        fields = self.columns_page.fields()
        columns = ", ".join(f"{self.preview.header[i]} → {field_label(f, self.kind())}"
                            for i, f in sorted(fields.items()))
        return [_("Columns: {mapping}").format(mapping=columns), *report.lines()[1:]]

    def remember(self) -> None:
        """Keep the chosen mapping for the next file with this header."""
        if self.preview is not None:
            fields = {str(i): f for i, f in self.columns_page.fields().items()}
            self.ctx.settings.setValue(header_key(self.kind(), self.preview.header),
                                       json.dumps(fields))

    def remembered(self, preview: Preview) -> dict[int, str] | None:
        """The mapping last chosen for this header, if any."""
        raw = self.ctx.settings.value(header_key(self.kind(), preview.header))
        if not raw:
            return None
        try:
            return {int(i): str(f) for i, f in json.loads(str(raw)).items()
                    if f in preview.known and int(i) < len(preview.header)}
        except (ValueError, TypeError, AttributeError):
            return None


class _FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard, default_kind: str) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("Which file, and what it holds"))
        self.setSubTitle(_("CSV, XLSX or XLS, as amoCRM, Bitrix24, 1С, Pipedrive, Google "
                           "Contacts, Outlook or Excel write them."))
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        ctx = wizard.ctx
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
        self.path.setObjectName("path")
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form.addRow(_("What the file holds"), self.kind)
        form.addRow(_("File"), row)
        form.addRow("", self.error)

    def _browse(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, _("Import from a file"), "",
                                               _("Tables (*.csv *.xlsx *.xls)"))
        if name:
            self.path.setText(name)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        """Read the header and the first rows (a small read; the file is checked whole
        by the dry run)."""
        from salesdesk.errors import SalesDeskError

        try:
            self.wizard_.preview = preview_file(self.wizard_.path(), self.wizard_.kind())
        except SalesDeskError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        return True


class _ColumnsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("Which column is which field"))
        self.setSubTitle(_("Recognised from the header; change any column, or leave it out."))
        box = QVBoxLayout(self)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("preview")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        box.addWidget(self.table, 1)
        self.saved = QLabel("")
        self.saved.setProperty("role", "muted")
        box.addWidget(self.saved)
        form = QFormLayout()
        self.owner = QComboBox()
        self.owner.setObjectName("owner")
        self.update_existing = QCheckBox(_("Update the records a row matches (by INN, "
                                           "e-mail or name)"))
        self.update_existing.setObjectName("update_existing")
        self.skip = QCheckBox(_("Import the valid rows and skip the bad ones"))
        form.addRow(_("Owner of rows that name nobody"), self.owner)
        form.addRow("", self.update_existing)
        form.addRow("", self.skip)
        box.addLayout(form)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:
        preview = self.wizard_.preview
        assert preview is not None
        remembered = self.wizard_.remembered(preview)
        fields = remembered if remembered is not None else preview.fields
        self.saved.setText(_("The mapping you chose last time for this header.")
                           if remembered is not None else _("{n} rows in the file.").format(
                               n=preview.total))
        self.table.clear()
        self.table.setColumnCount(len(preview.header))
        self.table.setRowCount(len(preview.rows) + 1)
        self.table.setHorizontalHeaderLabels(preview.header)
        self.combos = []
        for column in range(len(preview.header)):
            combo = QComboBox()
            combo.addItem(_("— leave out —"), IGNORE)
            for name in preview.known:
                combo.addItem(field_label(name, self.wizard_.kind()), name)
            combo.setCurrentIndex(max(0, combo.findData(fields.get(column, IGNORE))))
            self.table.setCellWidget(0, column, combo)
            self.combos.append(combo)
            for row, cells in enumerate(preview.rows, start=1):
                value = cells[column] if column < len(cells) else ""
                item = QTableWidgetItem("" if value is None else str(value))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            self.table.setColumnWidth(column, 170)
        self.table.setRowHeight(0, 34)
        self.owner.clear()
        self.owner.addItem(_("Me"), "")
        for person in self.wizard_.ctx.lookups.users:
            if person.active and person.id != self.wizard_.ctx.actor.id:
                self.owner.addItem(person.name, person.login)
        self.owner.setEnabled(self.wizard_.ctx.role != "rep")
        self.update_existing.setVisible(self.wizard_.kind() in ("clients", "contacts"))

    def fields(self) -> dict[int, str]:
        """Column → field as chosen (columns left out are not in it)."""
        return {i: str(c.currentData()) for i, c in enumerate(self.combos)
                if c.currentData() != IGNORE}


class _CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("What the import would do"))
        self.setSubTitle(_("Checked in full, written nowhere yet."))
        box = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setObjectName("dry_run")
        self.text.setReadOnly(True)
        box.addWidget(self.text, 1)
        self.ok = False

    def initializePage(self) -> None:
        self.ok = False
        self.text.setPlainText(_("Checking…"))
        Op(self, import_file, self.wizard_.ctx.db, self.wizard_.ctx.actor,
           self.wizard_.kind(), self.wizard_.path(), dry_run=True, changes=(),
           **self.wizard_.arguments()).success(self._checked).failure(self._refused).run()

    def _checked(self, report: ImportReport) -> None:
        self.ok = True
        self.text.setPlainText("\n".join(self.wizard_.report_lines(report)))
        self.completeChanged.emit()

    def _refused(self, exc: BaseException) -> None:
        from salesdesk.errors import ValidationError

        if not isinstance(exc, ValidationError):
            from ..errors import show_error

            show_error(self, exc)
            return
        lines = [str(p) for p in exc.problems]
        if isinstance(exc, ImportRefused) and exc.rows:
            lines.append("")
            lines.append(_("Fix these rows in the file, or go back and tick \"Import the "
                           "valid rows\"."))
        self.text.setPlainText("\n".join(lines))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ok


class _RunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("Importing"))
        box = QVBoxLayout(self)
        self.bar = QProgressBar()
        self.bar.setObjectName("progress")
        box.addWidget(self.bar)
        self.cancel = QPushButton(_("Cancel"))
        self.cancel.setObjectName("cancel_import")
        self.cancel.clicked.connect(self._cancel)
        box.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeft)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        box.addWidget(self.text, 1)
        self.done = False
        self._stop = threading.Event()

    def initializePage(self) -> None:
        self.done = False
        self._stop.clear()
        self.cancel.setEnabled(True)
        self.bar.setValue(0)
        self.wizard_.remember()
        Op(self, import_file, self.wizard_.ctx.db, self.wizard_.ctx.actor,
           self.wizard_.kind(), self.wizard_.path(), progress=self._progress,
           changes=EVERYTHING, **self.wizard_.arguments()).success(self._imported) \
            .failure(self._failed).run()

    def _progress(self, done: int, total: int) -> bool:
        # Called on the database thread: only a thread-safe flag and a queued update.
        from PySide6.QtCore import Q_ARG, QMetaObject

        QMetaObject.invokeMethod(self.bar, "setMaximum", Qt.ConnectionType.QueuedConnection,
                                 Q_ARG(int, max(1, total)))
        QMetaObject.invokeMethod(self.bar, "setValue", Qt.ConnectionType.QueuedConnection,
                                 Q_ARG(int, done))
        return not self._stop.is_set()

    def _cancel(self) -> None:
        self._stop.set()
        self.cancel.setEnabled(False)

    def _imported(self, report: ImportReport) -> None:
        self.done = True
        self.cancel.setEnabled(False)
        self.bar.setValue(self.bar.maximum())
        self.text.setPlainText("\n".join(self.wizard_.report_lines(report)))
        self.wizard_.report = report
        self.wizard_.sig_done.emit(report)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        from salesdesk.errors import ValidationError

        self.done = True
        self.cancel.setEnabled(False)
        if isinstance(exc, ImportCancelled):
            self.text.setPlainText(str(exc))
        elif isinstance(exc, ValidationError):
            self.text.setPlainText("\n".join(str(p) for p in exc.problems))
        else:
            from ..errors import show_error

            show_error(self, exc)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.done
