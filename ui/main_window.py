"""The main window: sidebar of the role's pages, global search, the user's menu, the
status bar; geometry and the last page remembered."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from salesdesk.domain import ROLE_LABELS, label
from salesdesk.i18n import N_, _, get_language, ngettext, short_person
from salesdesk.services.search import Hit, search_everything

from . import theme
from .changes import restored_kinds
from .context import AppContext
from .pages.base import Page
from .worker import Op

OUTBOX_EVERY_MS = 60 * 1000
"""How often a running window tries the outbox again."""


@dataclass(frozen=True)
class PageEntry:
    """A page of the sidebar, known before its module is imported (pages are built on
    first show, so that logging in paints the dashboard without building the rest)."""

    key: str
    title: str  # marked for translation, translated when shown
    icon: str
    module: str
    class_name: str
    roles: tuple[str, ...] = ("head", "manager", "rep")

    def load(self) -> type[Page]:
        """Import the page's class."""
        module = importlib.import_module(f"{__package__}.pages.{self.module}")
        return getattr(module, self.class_name)  # type: ignore[no-any-return]


PAGES = (
    PageEntry("dashboard", N_("Dashboard"), "mdi6.view-dashboard-outline", "dashboard",
              "DashboardPage"),
    PageEntry("clients", N_("Clients"), "mdi6.domain", "clients", "ClientsPage"),
    PageEntry("deals", N_("Deals"), "mdi6.handshake-outline", "deals", "DealsPage"),
    PageEntry("documents", N_("Documents"), "mdi6.file-document-multiple-outline", "documents",
              "DocumentsPage"),
    PageEntry("work", N_("Tasks"), "mdi6.calendar-check-outline", "work", "WorkPage"),
    PageEntry("calendar", N_("Calendar"), "mdi6.calendar-month-outline", "calendar",
              "CalendarPage"),
    PageEntry("products", N_("Products"), "mdi6.package-variant-closed", "products",
              "ProductsPage"),
    PageEntry("market", N_("Market"), "mdi6.chart-timeline-variant", "market", "MarketPage"),
    PageEntry("team", N_("Team"), "mdi6.account-group-outline", "team", "TeamPage"),
    PageEntry("strategy", N_("Strategy"), "mdi6.compass-outline", "strategy", "StrategyPage",
              ("head", "manager")),
    PageEntry("reports", N_("Reports"), "mdi6.file-chart-outline", "reports", "ReportsPage"),
    PageEntry("settings", N_("Settings"), "mdi6.cog-outline", "settings", "SettingsPage"),
)


def pages_for(role: str) -> list[PageEntry]:
    """The pages of a role, in the order of their day (UI.md, "Frame")."""
    return [entry for entry in PAGES if role in entry.roles]


def page_title(entry: PageEntry, role: str) -> str:
    """The sidebar's name of a page (a representative's Team page is their own)."""
    if entry.key == "team" and role == "rep":
        return _("My plan and training")
    return _(entry.title)


class SearchPopup(QFrame):
    """Results of the global search under the search field, as you type."""

    sig_chosen = Signal(object)
    """A result was chosen; carries the :class:`Hit`."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.list = QListWidget()
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        layout.addWidget(self.list)
        self.resize(520, 360)

    def show_hits(self, hits: list[Hit], anchor: QWidget) -> None:
        """List the hits below ``anchor``."""
        self.list.clear()
        icons = {"client": "mdi6.domain", "contact": "mdi6.account-outline",
                 "deal": "mdi6.handshake-outline", "document": "mdi6.file-document-outline",
                 "product": "mdi6.package-variant-closed", "activity": "mdi6.message-text-outline",
                 "appointment": "mdi6.calendar-clock", "note": "mdi6.note-text-outline",
                 "competitor": "mdi6.sword-cross"}
        if not hits:
            item = QListWidgetItem(_("Nothing found"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        for hit in hits:
            item = QListWidgetItem(theme.icon(icons[hit.kind]), f"{hit.title}\n{hit.subtitle}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.list.addItem(item)
        self.move(anchor.mapToGlobal(QPoint(0, anchor.height() + 2)))
        self.show()
        anchor.setFocus()

    def _chosen(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if hit is not None:
            self.hide()
            self.sig_chosen.emit(hit)


class MainWindow(QMainWindow):
    """SalesDesk's window for one logged-in user."""

    sig_switch_user = Signal()
    """The user asked to log in as somebody else."""
    sig_sign_out = Signal()
    """The user signed out."""
    sig_language = Signal(str)
    """The user chose another language (the app rebuilds the window)."""
    sig_closed = Signal()
    """The window was closed (the application quits when it was the current one)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"SalesDesk — {ctx.company.full_name}")
        self.setWindowIcon(theme.icon("mdi6.briefcase-variant-outline", theme.ACCENT_COLOR.name()))
        self.pages: dict[str, Page] = {}
        self.entries = {entry.key: entry for entry in pages_for(ctx.role)}
        central = QWidget()
        root = QHBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._sidebar())
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self._top_bar())
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        root.addLayout(right, 1)
        self.setCentralWidget(central)
        for entry in self.entries.values():
            title = page_title(entry, ctx.role)
            item = QListWidgetItem(theme.icon(entry.icon), title)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setToolTip(title)
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._page_changed)
        self._status_bar()
        self._shortcuts()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self.popup = SearchPopup(self)
        self.popup.sig_chosen.connect(self._open_hit)
        self._restore()
        self.load_sync_badge()
        from .changes import hub

        hub().sig_changed.connect(self._changed)
        from .reminders import Reminders

        # Reminders look once the window is up (not in the way of its first paint),
        # then every few minutes.
        self.reminders = Reminders(ctx, self)
        self.reminders.sig_counted.connect(self._due_badge)
        QTimer.singleShot(1500, self._start_reminders)
        # The outbox tries again every minute: a message made offline leaves by itself
        # when the connection returns (never asking: a password nobody keeps waits).
        self.outbox_timer = QTimer(self)
        self.outbox_timer.setInterval(OUTBOX_EVERY_MS)
        self.outbox_timer.timeout.connect(self.flush_outbox)
        QTimer.singleShot(2500, self._start_outbox)

    def _changed(self, kinds: frozenset[str], _source: Any) -> None:
        """Keep what every page shares current: the lookups, the sync badge."""
        from .lookups import parts_for, read_parts

        if not self.isVisible():
            return  # a window closed at sign-out or a language switch: nobody to show it
        parts = parts_for(kinds)
        if parts:  # only the lists the write touched (a client save: not the people)
            Op(self, read_parts, self.ctx.db, self.ctx.actor, parts, busy=False) \
                .success(self._lookups_read).run()
        if kinds & {"conflicts", "deals", "clients"}:
            self.load_sync_badge()
        if kinds & {"tasks", "activities", "deliveries", "documents", "appointments"}:
            self.reminders.check()
        if "mail" in kinds:
            self.load_outbox_badge()

    def _lookups_read(self, parts: dict[str, Any]) -> None:
        from dataclasses import replace

        self.ctx.lookups = replace(self.ctx.lookups, **parts)

    # --- frame ----------------------------------------------------------------------------

    def _sidebar(self) -> QWidget:
        holder = QWidget()
        holder.setObjectName("sidebar_holder")
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(8, 10, 8, 8)
        brand = QLabel("SalesDesk")
        brand.setFont(theme.title_font(1))
        brand.setStyleSheet(f"color: {theme.ACCENT_COLOR.name()}")
        self.brand = brand
        layout.addWidget(brand)
        layout.addSpacing(6)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(self.sidebar.iconSize() * 1.2)
        self.sidebar.setFixedWidth(210)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout.addWidget(self.sidebar, 1)
        self.collapse = QToolButton()
        self.collapse.setIcon(theme.icon("mdi6.chevron-double-left"))
        self.collapse.setToolTip(_("Collapse the sidebar to icons"))
        self.collapse.setCheckable(True)
        self.collapse.toggled.connect(self._collapse)
        layout.addWidget(self.collapse)
        return holder

    def _collapse(self, collapsed: bool) -> None:
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            entry = self.entries[item.data(Qt.ItemDataRole.UserRole)]
            item.setText("" if collapsed else page_title(entry, self.ctx.role))
        self.sidebar.setFixedWidth(52 if collapsed else 210)
        self.brand.setText("SD" if collapsed else "SalesDesk")
        self.collapse.setIcon(theme.icon("mdi6.chevron-double-right" if collapsed
                                         else "mdi6.chevron-double-left"))
        self.ctx.settings.setValue("sidebar_collapsed", collapsed)

    def _top_bar(self) -> QWidget:
        bar = QWidget()
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(24, 10, 16, 6)
        self.search = QLineEdit()
        self.search.setObjectName("global_search")
        self.search.setPlaceholderText(_("Search clients, deals, documents, products, notes "
                                         "(Ctrl+K)"))
        self.search.addAction(theme.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(520)
        layout.addWidget(self.search, 1)
        layout.addStretch(0)
        # The head's backup reminder lives in the status bar (the top bar is the search's).
        self.backup_label = QLabel("")
        self.backup_label.setProperty("role", "muted")
        self.backup_label.setContentsMargins(0, 0, 16, 0)
        self.due_button = QToolButton()
        self.due_button.setObjectName("due_button")
        self.due_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.due_button.setIcon(theme.icon("mdi6.bell-outline"))
        self.due_button.setText(_("Due soon"))
        self.due_button.setToolTip(_("What falls due: tasks, requests, deliveries, invoices, "
                                     "proposals"))
        self.due_button.clicked.connect(self.open_due)
        layout.addWidget(self.due_button)
        self.outbox_button = QToolButton()
        self.outbox_button.setObjectName("outbox_button")
        self.outbox_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.outbox_button.setIcon(theme.icon("mdi6.email-fast-outline", theme.WARN_COLOR.name()))
        self.outbox_button.setToolTip(_("Messages waiting in the outbox: they leave when the "
                                        "connection returns"))
        self.outbox_button.clicked.connect(self.open_outbox)
        self.outbox_button.hide()  # shown while something waits
        layout.addWidget(self.outbox_button)
        self.sync_button = QToolButton()
        self.sync_button.setObjectName("sync_button")
        self.sync_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.sync_button.setIcon(theme.icon("mdi6.sync"))
        self.sync_button.setText(_("Sync"))
        self.sync_button.setToolTip(_("Exchange work with the office or the laptops"))
        self.sync_button.clicked.connect(self.open_sync)
        layout.addWidget(self.sync_button)
        user = QToolButton()
        user.setObjectName("user_menu")
        user.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        user.setIcon(theme.icon("mdi6.account-circle-outline"))
        # The short name leaves the search field its room; the full one is on hover.
        user.setText(f"{short_person(self.ctx.actor.name)} · {label(ROLE_LABELS, self.ctx.role)}")
        user.setToolTip(f"{self.ctx.actor.name} ({self.ctx.actor.login})")
        user.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(user)
        menu.addAction(theme.icon("mdi6.account-switch-outline"), _("Switch user…"),
                       self.sig_switch_user.emit)
        languages = menu.addMenu(theme.icon("mdi6.translate"), _("Language"))
        group = QActionGroup(self)
        for code, name in (("ru", "Русский"), ("en", "English")):
            action = QAction(name, group)
            action.setCheckable(True)
            action.setChecked(code == get_language())
            action.triggered.connect(lambda _c=False, c=code: self.sig_language.emit(c))
            languages.addAction(action)
        menu.addAction(theme.icon("mdi6.delete-restore"), _("Trash…"), self.open_trash)
        menu.addAction(theme.icon("mdi6.email-fast-outline"), _("Outbox…"), self.open_outbox)
        menu.addSeparator()
        menu.addAction(theme.icon("mdi6.logout"), _("Sign out"), self.sig_sign_out.emit)
        user.setMenu(menu)
        self.user_button = user
        layout.addWidget(user)
        return bar

    def _status_bar(self) -> None:
        status = self.statusBar()
        db = QLabel(_("Database: {name}").format(name=self.ctx.db.display_name))
        who = QLabel(_("Logged in: {name} ({login})").format(name=self.ctx.actor.name,
                                                           login=self.ctx.actor.login))
        status.addWidget(db)
        status.addPermanentWidget(self.backup_label)
        status.addPermanentWidget(who)
        last = self.ctx.settings.value("last_backup", "")
        if self.ctx.is_head:
            self.backup_label.setText(_("Last backup: {when}").format(when=last) if last
                                      else _("No backup yet"))

    def _shortcuts(self) -> None:
        for keys in ("Ctrl+K", "Ctrl+F"):
            QShortcut(QKeySequence(keys), self, activated=self._focus_search)
        QShortcut(QKeySequence("F5"), self, activated=self.refresh_current)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self._new("client"))
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, activated=lambda: self._new("deal"))
        for number in range(1, 10):
            QShortcut(QKeySequence(f"Ctrl+{number}"), self,
                      activated=lambda n=number: self._go_row(n - 1))

    def _go_row(self, row: int) -> None:
        if row < self.sidebar.count():
            self.sidebar.setCurrentRow(row)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _new(self, kind: str) -> None:
        page = self.show_page("clients" if kind == "client" else "deals")
        action = getattr(page, "new_record", None)
        if action is not None:
            action()

    # --- pages ------------------------------------------------------------------------------

    def _page_changed(self, row: int) -> None:
        item = self.sidebar.item(row)
        if item is None:
            return
        page = self.page(item.data(Qt.ItemDataRole.UserRole))
        self.stack.setCurrentWidget(page)
        page.activate()
        self.ctx.settings.setValue("last_page", page.key)

    def page_keys(self) -> list[str]:
        """The keys of the role's pages, in sidebar order."""
        return list(self.entries)

    def page(self, key: str) -> Page:
        """The page widget, built the first time it is needed."""
        if key not in self.pages:
            page = self.entries[key].load()(self.ctx, self)
            self.pages[key] = page
            self.stack.addWidget(page)
        return self.pages[key]

    def show_page(self, key: str) -> Page:
        """Switch to a page by key."""
        for row in range(self.sidebar.count()):
            if self.sidebar.item(row).data(Qt.ItemDataRole.UserRole) == key:
                if self.sidebar.currentRow() != row:
                    self.sidebar.setCurrentRow(row)
                break
        return self.page(key)

    def open_trash(self) -> None:
        """The deleted records this user may bring back."""
        from .dialogs.trash_dialog import TrashDialog

        dialog = TrashDialog(self.ctx, self)
        dialog.sig_restored.connect(lambda item: self._restored(item))
        dialog.open()

    def deleted(self, kind: str, record_id: Any, title: str) -> None:
        """A page deleted a record: say so, and let Ctrl+Z bring it back."""
        from salesdesk import registry
        from salesdesk.services import trash

        self._undo = (lambda: trash.restore(self.ctx.db, self.ctx.actor, kind, record_id),
                      restored_kinds(kind), self._restored)
        self.statusBar().showMessage(_("{kind} «{title}» deleted. Ctrl+Z brings it back.")
                                     .format(kind=_(registry.kind_label(kind)), title=title),
                                     15_000)

    def edited(self, kind: str, title: str, put_back: Callable[[], Any]) -> None:
        """A form saved an edit: Ctrl+Z puts the old values back (``put_back`` writes them
        over the saved version only, so a change made since by anyone is not lost)."""
        from salesdesk import registry

        what = _(registry.kind_label(kind))
        self._undo = (put_back, frozenset({kind}), lambda _r: self.statusBar().showMessage(
            _("Undone: the edit of {kind} «{title}».").format(kind=what.lower(), title=title),
            10_000))
        self.statusBar().showMessage(_("{kind} «{title}» saved. Ctrl+Z undoes the edit.")
                                     .format(kind=what, title=title), 15_000)

    def undo(self) -> None:
        """Ctrl+Z: bring back what was deleted last in this session, or put back what was
        edited last."""
        if getattr(self, "_undo", None) is None:
            self.statusBar().showMessage(_("Nothing to undo."), 5_000)
            return
        run, kinds, done = self._undo
        self._undo = None
        Op(self, run, changes=kinds).success(done).run()

    def _restored(self, item: Any) -> None:
        self.statusBar().showMessage(_("Restored: {kind} «{title}».").format(
            kind=item.kind_label, title=item.title), 10_000)

    def refresh_current(self) -> None:
        """F5: load the shown page's data again."""
        page = self.stack.currentWidget()
        if isinstance(page, Page):
            page.refresh()

    def open_record(self, kind: str, record_id: Any) -> None:
        """Show a record wherever it was clicked (search, dashboard, lists)."""
        if kind in ("client", "contact"):
            from .dialogs.client_card import ClientCard

            card = ClientCard(self.ctx, record_id, self)
            card.show()
        elif kind == "deal":
            from .pages.deals import edit_deal

            edit_deal(self, self.ctx, record_id)  # the change hub refreshes the pages
        elif kind == "document":
            from .dialogs.document_editor import open_document

            open_document(self, self.ctx, record_id)
        elif kind == "appointment":
            from salesdesk.services.appointments import get_appointment

            from .dialogs.record_forms import appointment_form

            Op(self, get_appointment, self.ctx.db, self.ctx.actor, record_id).success(
                lambda record: appointment_form(self, self.ctx, record=record).open()).run()
        elif kind == "product":
            from salesdesk.services.products import get_product

            page = self.show_page("products")
            Op(self, get_product, self.ctx.db, self.ctx.actor, record_id).success(
                page.edit).run()
        elif kind in ("note", "competitor") and "market" in self.entries:
            self.show_page("market").open_by_id(kind, record_id)
        elif kind in self.entries:
            self.show_page(kind)

    # --- due ----------------------------------------------------------------------------------

    def _start_reminders(self) -> None:
        if self.isVisible():
            self.reminders.start()

    def open_due(self) -> Any:
        """The Due list: what falls due this week, with open, done and snooze."""
        from .dialogs.due_list import open_due

        dialog = open_due(self, self.ctx)
        dialog.sig_open.connect(self.open_record)
        dialog.sig_changed.connect(self.reminders.check)
        return dialog

    def _due_badge(self, count: int) -> None:
        """The number of items due today or overdue (not snoozed) on the Due button."""
        if count:
            self.due_button.setText(ngettext("Due · {n}", "Due · {n}", count).format(n=count))
            self.due_button.setIcon(theme.icon("mdi6.bell-ring-outline",
                                               theme.WARN_COLOR.name()))
        else:
            self.due_button.setText(_("Due soon"))
            self.due_button.setIcon(theme.icon("mdi6.bell-outline"))

    # --- outbox -------------------------------------------------------------------------------

    def _start_outbox(self) -> None:
        if self.isVisible():
            self.flush_outbox()
            self.outbox_timer.start()

    def flush_outbox(self) -> None:
        """Send what waits, in the background (nothing is asked)."""
        from salesdesk import mail

        def flush(db: Any, actor: Any) -> int:
            if mail.waiting_count(db, actor):
                mail.send_outbox(db, actor)
            return mail.waiting_count(db, actor)

        Op(self, flush, self.ctx.db, self.ctx.actor, busy=False).success(
            self._outbox_badge).failure(lambda _e: None).run()

    def load_outbox_badge(self) -> None:
        """Count what waits in the outbox."""
        from salesdesk import mail

        Op(self, mail.waiting_count, self.ctx.db, self.ctx.actor, busy=False).success(
            self._outbox_badge).failure(lambda _e: None).run()

    def _outbox_badge(self, waiting: int) -> None:
        self.outbox_button.setVisible(bool(waiting))
        self.outbox_button.setText(ngettext("Outbox · {n}", "Outbox · {n}", waiting).format(
            n=waiting))

    def open_outbox(self) -> Any:
        """The outbox: messages waiting, refused or sent."""
        from .dialogs.outbox_dialog import OutboxDialog

        dialog = OutboxDialog(self.ctx, self)
        dialog.sig_changed.connect(self.load_outbox_badge)
        dialog.finished.connect(lambda _r: self.load_outbox_badge())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # --- sync ---------------------------------------------------------------------------------

    def open_sync(self) -> Any:
        """The Sync window: the exchange and the conflicts list."""
        from .dialogs.sync_dialog import SyncDialog

        dialog = SyncDialog(self.ctx, self)
        dialog.sig_changed.connect(self.load_sync_badge)
        dialog.finished.connect(lambda _r: self.load_sync_badge())
        dialog.show()
        return dialog

    def load_sync_badge(self) -> None:
        """Show the number of open conflicts on the Sync button (managers and the head)."""
        from salesdesk.services.sync import sync_status

        Op(self, sync_status, self.ctx.db, self.ctx.actor, busy=False) \
            .success(self._sync_badge).failure(lambda _e: None).run()

    def _sync_badge(self, status: Any) -> None:
        if status.kind == "replica" and status.unsent:
            # On a laptop: work that has not reached the office yet.
            self.sync_button.setText(ngettext("Sync · {n} to send", "Sync · {n} to send",
                                              status.unsent).format(n=status.unsent))
            self.sync_button.setIcon(theme.icon("mdi6.cloud-upload-outline"))
        elif status.open_conflicts:
            self.sync_button.setText(ngettext("Sync · {n} conflict", "Sync · {n} conflicts",
                                              status.open_conflicts).format(
                n=status.open_conflicts))
            self.sync_button.setIcon(theme.icon("mdi6.sync-alert", theme.WARN_COLOR.name()))
        else:
            self.sync_button.setText(_("Sync"))
            self.sync_button.setIcon(theme.icon("mdi6.sync"))

    # --- search -------------------------------------------------------------------------------

    def _run_search(self) -> None:
        text = self.search.text()
        if len(text.strip()) < 2:
            self.popup.hide()
            return
        Op(self, search_everything, self.ctx.db, self.ctx.actor, text, busy=False) \
            .success(lambda hits, t=text: self._show_hits(t, hits)).run()

    def _show_hits(self, text: str, hits: list[Hit]) -> None:
        if text == self.search.text():
            self.popup.show_hits(hits, self.search)

    def _open_hit(self, hit: Hit) -> None:
        if hit.kind in ("client", "contact", "activity"):
            self.open_record("client", hit.client_id)
        else:
            self.open_record(hit.kind, hit.id)

    # --- geometry -------------------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.ctx.settings.value("geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 768)
        if self.ctx.settings.value("sidebar_collapsed", False) in (True, "true"):
            self.collapse.setChecked(True)
        last = str(self.ctx.settings.value("last_page", "dashboard"))
        self.show_page(last if last in self.entries else "dashboard")

    def closeEvent(self, event: Any) -> None:
        for page in self.pages.values():
            guard = getattr(page, "can_close", None)
            if guard is not None and not guard():
                event.ignore()
                return
        self.ctx.settings.setValue("geometry", self.saveGeometry())
        self.reminders.stop()
        self.outbox_timer.stop()
        self.popup.hide()
        super().closeEvent(event)
        self.sig_closed.emit()
