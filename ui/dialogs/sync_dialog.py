"""Sync: exchange work with the office or the laptops (a shared folder, or bundle files
carried by hand), see when it last happened and what came and went, and decide the
conflicts side by side."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import _, format_date, ngettext, short_person
from salesdesk.services import sync as sync_service
from salesdesk.services.sync import (
    ConflictView,
    ExportResult,
    FolderResult,
    ImportResult,
    SyncStatus,
)

from .. import theme
from ..changes import EVERYTHING
from ..context import AppContext
from ..widgets import muted
from ..worker import Op

BUNDLE_FILTER = "SalesDesk (*.sdsync)"
LIST_WIDTH = 340  # the conflicts list's width: records' names are cut to it
OPENABLE = {"clients": "client", "deals": "deal", "documents": "document"}


def when(moment: datetime | None) -> str:
    """A stored (UTC) moment in the user's local time: ``27 ноя 2026, 14:05``."""
    if moment is None:
        return _("never")
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone()
    return f"{format_date(local.date())}, {local:%H:%M}"


def describe_import(result: ImportResult) -> str:
    """One import as the log line says it."""
    text = result.summary()
    if result.conflicts:
        text += " " + ngettext("{n} conflict to resolve.", "{n} conflicts to resolve.",
                               result.conflicts).format(n=result.conflicts)
    return text


def describe_export(result: ExportResult) -> str:
    """One written bundle as the log line says it (the file by its name)."""
    return result.summary(result.path.name)


class SyncDialog(QDialog):
    """The Sync action's window: the exchange, and (for managers and the head) the
    conflicts list."""

    sig_changed = Signal()
    """Work came in or a conflict was decided: the pages should read their data again."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status: SyncStatus | None = None
        self.conflicts: list[ConflictView] = []
        self.setWindowTitle(_("Sync"))
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._exchange_tab(), theme.icon("mdi6.sync"), _("Exchange"))
        self.conflicts_tab: ConflictsPanel | None = None
        if ctx.can_manage:
            self.conflicts_tab = ConflictsPanel(ctx, self)
            self.conflicts_tab.sig_resolved.connect(self._resolved)
            self.tabs.addTab(self.conflicts_tab, theme.icon("mdi6.call-split"), _("Conflicts"))
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1040, 620)
        self.reload()

    # --- the exchange ------------------------------------------------------------------

    def _exchange_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.summary = QLabel("")
        self.summary.setObjectName("sync_summary")
        self.summary.setWordWrap(True)
        self.summary.setFont(theme.title_font(0))
        layout.addWidget(self.summary)
        self.peers = QTableWidget(0, 5)
        self.peers.setObjectName("sync_peers")
        self.peers.setHorizontalHeaderLabels([_("Database"), _("Last received"),
                                              _("Changes in"), _("Last sent"),
                                              _("Changes out")])
        header = self.peers.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.peers.verticalHeader().setVisible(False)
        self.peers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.peers.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.peers.setMaximumHeight(170)
        layout.addWidget(self.peers)

        folder_box = QFormLayout()
        row = QHBoxLayout()
        self.folder = QLineEdit(str(self.ctx.settings.value("sync/folder", "") or ""))
        self.folder.setObjectName("sync_folder")
        self.folder.setPlaceholderText(_("A folder every side reaches: a network share, a "
                                         "USB stick, a cloud drive"))
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(self._choose_folder)
        self.sync_now = QPushButton(theme.icon("mdi6.sync"), _("Sync now"))
        self.sync_now.setObjectName("sync_now")
        self.sync_now.setProperty("primary", True)
        self.sync_now.clicked.connect(self.sync_folder)
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        row.addWidget(self.sync_now)
        folder_box.addRow(_("Sync folder"), row)
        layout.addLayout(folder_box)

        by_hand = QHBoxLayout()
        self.write_button = QPushButton(theme.icon("mdi6.file-export-outline"),
                                        _("Write a bundle…"))
        self.write_button.clicked.connect(self._write_bundle)
        self.read_button = QPushButton(theme.icon("mdi6.file-import-outline"),
                                       _("Import a bundle…"))
        self.read_button.clicked.connect(self._read_bundle)
        self.replica_button = QPushButton(theme.icon("mdi6.laptop"),
                                          _("Make a laptop database…"))
        self.replica_button.clicked.connect(self._make_replica)
        for button in (self.write_button, self.read_button, self.replica_button):
            by_hand.addWidget(button)
        by_hand.addStretch(1)
        layout.addLayout(by_hand)
        layout.addWidget(muted(_("Each side writes only its own files and reads the others'; "
                                 "a bundle is checked (signature, schema, every change "
                                 "against its author's rights) and merged whole or not at "
                                 "all, after a backup.")))
        self.log = QPlainTextEdit()
        self.log.setObjectName("sync_log")
        self.log.setReadOnly(True)
        self.log.setPlaceholderText(_("What came in and went out shows here."))
        layout.addWidget(self.log, 1)
        return tab

    def reload(self) -> None:
        """Read the status (and the conflicts) again."""
        Op(self, sync_service.sync_status, self.ctx.db, self.ctx.actor) \
            .success(self._show_status).run()
        if self.conflicts_tab is not None:
            self.conflicts_tab.reload()

    def _show_status(self, status: SyncStatus) -> None:
        self.status = status
        if status.kind == "office":
            what = _("This is the office database.")
        else:
            what = _("This is {login}'s laptop database; it exchanges with the office.") \
                .format(login=status.user_login)
        moments = [m for p in status.peers for m in (p.last_import_at, p.last_export_at) if m]
        last = _("Last exchange: {when}.").format(when=when(max(moments))) if moments \
            else _("No exchange yet.")
        waiting = ngettext("{n} change made here is not yet confirmed by the other side.",
                           "{n} changes made here are not yet confirmed by the other side.",
                           status.unsent).format(n=status.unsent) if status.unsent else \
            _("Everything made here has reached the other side.")
        self.summary.setText(f"{what} {last} {waiting}")
        self.peers.setRowCount(len(status.peers))
        for row, peer in enumerate(status.peers):
            name = peer.name if peer.kind == "office" else f"{peer.name} ({peer.user_login})"
            cells = [name, when(peer.last_import_at), str(peer.last_in_count),
                     when(peer.last_export_at), str(peer.last_out_count)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (2, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.peers.setItem(row, column, item)
        has_peer = bool(status.peers)
        self.write_button.setEnabled(has_peer)
        self.read_button.setEnabled(has_peer)
        self.sync_now.setEnabled(has_peer)
        self.replica_button.setVisible(status.kind == "office")
        if not has_peer:
            self.log.setPlaceholderText(_("No laptop database has been made from this one "
                                          "yet: make one for a representative with “Make a "
                                          "laptop database…”."))
        if self.conflicts_tab is not None:
            title = _("Conflicts") if not status.open_conflicts else \
                _("Conflicts ({n})").format(n=status.open_conflicts)
            self.tabs.setTabText(self.tabs.indexOf(self.conflicts_tab), title)

    def _say(self, lines: list[str]) -> None:
        stamp = clock.now().strftime("%H:%M")
        self.log.appendPlainText("\n".join(f"{stamp}  {line}" for line in lines))

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Sync folder"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def sync_folder(self) -> None:
        """Exchange through the folder: read what is addressed here, write for the others."""
        text = self.folder.text().strip()
        if not text:
            self._say([_("Choose the sync folder first.")])
            return
        self.ctx.settings.setValue("sync/folder", text)
        self.sync_now.setEnabled(False)
        Op(self, sync_service.sync_folder, self.ctx.db, self.ctx.actor, Path(text),
           changes=EVERYTHING) \
            .success(self._folder_done).failure(self._failed).run()

    def _folder_done(self, result: FolderResult) -> None:
        self.sync_now.setEnabled(True)
        lines = [describe_import(r) for r in result.imported] or [
            _("Nothing new in the folder.")]
        lines += [describe_export(r) for r in result.exported]
        lines += result.rejected_lines()
        self._say(lines)
        self._changed(any(r.applied for r in result.imported))

    def _write_bundle(self) -> None:
        peer_login: str | None = None
        if self.status is not None and self.status.kind == "office" \
                and len(self.status.peers) > 1:
            peer_login = self._ask_peer()
            if peer_login is None:
                return
        stamp = clock.now().strftime("%Y%m%d-%H%M")
        name, _f = QFileDialog.getSaveFileName(
            self, _("Write a bundle…"), f"salesdesk-{peer_login or 'sync'}-{stamp}.sdsync",
            BUNDLE_FILTER)
        if not name:
            return
        Op(self, sync_service.export_bundle, self.ctx.db, self.ctx.actor, Path(name),
           peer_login, changes=()) \
            .success(lambda r: (self._say([describe_export(r)]), self.reload())) \
            .failure(self._failed).run()

    def _ask_peer(self) -> str | None:
        assert self.status is not None
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Write a bundle…"))
        form = QFormLayout(dialog)
        combo = QComboBox()
        for peer in self.status.peers:
            if peer.user_login:
                combo.addItem(peer.name, peer.user_login)
        form.addRow(_("For"), combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        return combo.currentData() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _read_bundle(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, _("Import a bundle…"), "", BUNDLE_FILTER)
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        """Merge one bundle file."""
        Op(self, sync_service.import_bundle, self.ctx.db, self.ctx.actor, path,
           changes=EVERYTHING) \
            .success(self._imported).failure(self._failed).run()

    def _imported(self, result: ImportResult) -> None:
        lines = [describe_import(result)]
        if result.backup is not None:
            lines.append(_("The database was backed up first to {file}.").format(
                file=result.backup))
        self._say(lines)
        self._changed(bool(result.applied))

    def _make_replica(self) -> None:
        dialog = ReplicaDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            login, path = dialog.choice()
            Op(self, sync_service.create_replica, self.ctx.db, self.ctx.actor, login, path,
               changes=()) \
                .success(lambda p, who=login: self._replica_made(who, p)) \
                .failure(self._failed).run()

    def _replica_made(self, login: str, made: sync_service.ReplicaResult) -> None:
        lines = [_("Laptop database for {login} written to {file}. Copy it to the laptop "
                   "and open it there with SalesDesk.").format(login=login, file=made.path)]
        left = sync_service.left_behind_text(made.left_behind)
        if left:
            lines.append(left)
        self._say(lines)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        from ..errors import message_for, show_error

        self.sync_now.setEnabled(True)
        title, text = message_for(exc)
        self._say([f"{title}: {text}"])
        show_error(self, exc)

    def _changed(self, data_came: bool) -> None:
        self.reload()
        if data_came:
            self.sig_changed.emit()

    def _resolved(self) -> None:
        self.reload()
        self.sig_changed.emit()


class ReplicaDialog(QDialog):
    """Whose laptop, and where to write its database."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Make a laptop database…"))
        form = QFormLayout(self)
        self.user = QComboBox()
        self.user.setObjectName("replica_user")
        form.addRow(_("For"), self.user)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("replica_path")
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(_("File"), row)
        form.addRow(muted(_("It holds what that person may see and the catalogue; other "
                            "people's passwords stay here.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(_("Make"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setProperty("primary", True)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 160)
        from salesdesk.services.users import list_users

        if ctx.can_manage:
            Op(self, list_users, ctx.db, ctx.actor, False).success(self._users).run()
        else:
            self.user.addItem(ctx.actor.name, ctx.actor.login)

    def _users(self, users: list[Any]) -> None:
        for user in users:
            self.user.addItem(f"{user.name} ({user.login})", user.login)

    def _browse(self) -> None:
        login = self.user.currentData() or "laptop"
        name, _f = QFileDialog.getSaveFileName(self, _("Make a laptop database…"),
                                               f"salesdesk-{login}.db",
                                               _("SalesDesk database (*.db)"))
        if name:
            self.path.setText(name)

    def _accept(self) -> None:
        if not self.path.text().strip() or self.user.currentData() is None:
            self.path.setFocus()
            return
        self.accept()

    def choice(self) -> tuple[str, Path]:
        """The chosen login and file."""
        return str(self.user.currentData()), Path(self.path.text().strip())


class ConflictsPanel(QWidget):
    """The open conflicts, a record at a time: each field's values side by side, the
    one that stands chosen per field, applied together."""

    sig_resolved = Signal()
    """Choices were applied."""

    def __init__(self, ctx: AppContext, dialog: SyncDialog) -> None:
        super().__init__(dialog)
        self.ctx = ctx
        self.dialog = dialog
        self.records: dict[tuple[str, uuid.UUID], list[ConflictView]] = {}
        self.groups: dict[uuid.UUID, QButtonGroup] = {}
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        self.list = QListWidget()
        self.list.setObjectName("conflict_records")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.list.setMinimumWidth(LIST_WIDTH)
        self.list.currentItemChanged.connect(self._show_record)
        splitter.addWidget(self.list)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel("")
        self.heading.setFont(theme.title_font(0))
        self.heading.setWordWrap(True)
        right_layout.addWidget(self.heading)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        right_layout.addWidget(self.scroll, 1)
        actions = QHBoxLayout()
        self.open_button = QPushButton(theme.icon("mdi6.open-in-new"), _("Open the record"))
        self.open_button.clicked.connect(self._open_record)
        self.apply_button = QPushButton(theme.icon("mdi6.check"), _("Apply choices"))
        self.apply_button.setObjectName("apply_choices")
        self.apply_button.setProperty("primary", True)
        self.apply_button.clicked.connect(self.apply)
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        actions.addWidget(self.apply_button)
        right_layout.addLayout(actions)
        splitter.addWidget(right)
        splitter.setSizes([LIST_WIDTH, 600])
        layout.addWidget(splitter, 1)
        self._empty()

    def reload(self) -> None:
        """Read the open conflicts again."""
        Op(self, sync_service.list_conflicts, self.ctx.db, self.ctx.actor) \
            .success(self.show_conflicts).run()

    def show_conflicts(self, conflicts: list[ConflictView]) -> None:
        """List the records that have open conflicts."""
        current = self.list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.records = defaultdict(list)
        for conflict in conflicts:
            self.records[(conflict.entity, conflict.record_id)].append(conflict)
        self.list.blockSignals(True)
        self.list.clear()
        for key, rows in self.records.items():
            first = rows[0]
            # Two lines cut to the list's width (wrapped rows of a list are laid out
            # unreliably); the whole text is in the tooltip.
            metrics = self.list.fontMetrics()
            lines = [f"{first.entity_label} «{first.title}»",
                     ", ".join(r.field_label for r in rows)]
            item = QListWidgetItem(
                theme.icon(_ICONS.get(first.entity, "mdi6.file-outline")),
                "\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight,
                                              LIST_WIDTH - 50) for line in lines))
            item.setToolTip("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if not self.records:
            self._empty()
            return
        keys = list(self.records)
        self.list.setCurrentRow(keys.index(keep) if keep in self.records else 0)

    def _empty(self) -> None:
        self.heading.setText(_("No open conflicts."))
        self.scroll.setWidget(muted(_("When the office and a laptop both change an amount, a "
                                      "stage or a status, or one edits what the other "
                                      "deleted, it waits here for you to decide.")))
        self.apply_button.setEnabled(False)
        self.open_button.setEnabled(False)

    def _show_record(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        if item is None:
            return
        rows = self.records[item.data(Qt.ItemDataRole.UserRole)]
        first = rows[0]
        self.heading.setText(f"{first.entity_label} «{first.title}»")
        # A record deleted on one side cannot be opened until it is restored.
        self.open_button.setEnabled(first.entity in OPENABLE and not any(
            r.kind in ("edit_deleted", "delete_edited") for r in rows))
        self.apply_button.setEnabled(True)
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(10)
        width = max(len(r.choices) for r in rows)
        if any(r.kind == "field" for r in rows):  # values side by side under headings
            grid.addWidget(muted(_("Field")), 0, 0)
            grid.addWidget(muted(_("In this database")), 0, 1)
            for column in range(2, width + 1):
                grid.addWidget(muted(_("Came in")), 0, column)
        self.groups = {}
        line = 1
        for conflict in rows:
            name = QLabel(conflict.field_label)
            name.setFont(theme.title_font(0))
            name.setWordWrap(True)
            grid.addWidget(name, line, 0, Qt.AlignmentFlag.AlignTop)
            group = QButtonGroup(holder)
            for column, (choice, text, tip) in enumerate(_options(conflict), start=1):
                button = QRadioButton(text)
                button.setObjectName(f"choice_{conflict.id.hex}_{choice}")
                button.setProperty("choice", choice)
                button.setToolTip(tip)
                group.addButton(button)
                grid.addWidget(button, line, column, Qt.AlignmentFlag.AlignTop)
            self.groups[conflict.id] = group
            line += 1
            explained = _explain(conflict)
            if explained:
                grid.addWidget(muted(explained), line, 0, 1, width + 1)
                line += 1
        grid.setRowStretch(line, 1)
        grid.setColumnStretch(width + 1, 1)
        self.scroll.setWidget(holder)

    def choices(self) -> dict[uuid.UUID, str]:
        """The choices made for the shown record (a field left unchosen stays open)."""
        out = {}
        for conflict_id, group in self.groups.items():
            checked = group.checkedButton()
            if checked is not None:
                out[conflict_id] = str(checked.property("choice"))
        return out

    def apply(self) -> None:
        """Decide the chosen fields together."""
        chosen = self.choices()
        if not chosen:
            self.heading.setText(self.heading.text().split("\n")[0] + "\n"
                                 + _("Choose the value that stands for at least one field."))
            return
        self.apply_button.setEnabled(False)
        Op(self, sync_service.resolve_conflicts, self.ctx.db, self.ctx.actor, chosen,
           changes=EVERYTHING) \
            .success(lambda _r: self._applied()).failure(self._failed).run()

    def _applied(self) -> None:
        self.sig_resolved.emit()

    def _failed(self, exc: BaseException) -> None:
        from ..errors import show_error

        self.apply_button.setEnabled(True)
        show_error(self, exc)
        self.reload()

    def _open_record(self) -> None:
        item = self.list.currentItem()
        window = self.dialog.parent()
        if item is None or not hasattr(window, "open_record"):
            return
        entity, record_id = item.data(Qt.ItemDataRole.UserRole)
        if entity in OPENABLE:
            window.open_record(OPENABLE[entity], record_id)


_ICONS = {"clients": "mdi6.domain", "deals": "mdi6.handshake-outline",
          "documents": "mdi6.file-document-outline", "products": "mdi6.package-variant-closed"}


def _explain(conflict: ConflictView) -> str:
    """What happened, for the kinds whose choices are not values."""
    def who(side: Any) -> str:
        return short_person(side.user_name) if side.user_name else _("another database")

    if conflict.kind == "derived":
        return _("The document now holds both sides' rows and their sum; open it and "
                 "remove what is not wanted.")
    if conflict.kind == "edit_deleted":
        edits = "; ".join(_("{who} changed: {fields}").format(who=who(s), fields=s.text)
                          for s in conflict.sides if not s.here)
        return _("Deleted in this database.") + " " + edits
    if conflict.kind == "delete_edited":
        parts = [_("Changed in this database: {fields}.").format(fields=s.text)
                 if s.here else _("Deleted by {who}.").format(who=who(s))
                 for s in conflict.sides]
        return " ".join(parts)
    if conflict.kind == "duplicate":
        return _("Both have the same INN and were created apart.")
    return ""


def _options(conflict: ConflictView) -> list[tuple[str, str, str]]:
    """(choice, what the radio button says, its tooltip) for each way to decide."""
    if conflict.kind == "field":
        out = []
        for number, side in enumerate(conflict.sides, start=1):
            who = _("here") if side.here else (short_person(side.user_name) if side.user_name
                                                else _("another database"))
            out.append((str(number), f"{side.text}  ·  {who}",
                        _("Keep this value") if side.here else _("Take this value")))
        return out
    if conflict.kind in ("edit_deleted", "delete_edited"):
        edited = next((s.text for s in conflict.sides if s.text != _("deleted")), "")
        return [("restore", _("Restore it, with the edits"), _("Edited: {fields}").format(
                    fields=edited)),
                ("keep-deleted", _("Keep it deleted"), _("The edits stay on the deleted "
                                                         "record"))]
    if conflict.kind == "duplicate":
        other = next((s.text for s in conflict.sides if s.here), "")
        return [("merge", _("Merge into «{name}»").format(name=other),
                 _("Its contacts, activities, deals, documents, deliveries and tasks move "
                   "there; this copy is deleted")),
                ("keep-both", _("Keep both"), _("They are different clients"))]
    return [("ok", _("Looked at"), _("Close this conflict"))]
