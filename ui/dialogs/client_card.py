"""A client's card: the essentials and the actions in the header, the duplicate warning,
and tabs with contacts, the activity timeline, deals, documents, deliveries and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.domain import (
    ACTIVITY_KIND_LABELS,
    APPOINTMENT_KIND_LABELS,
    APPOINTMENT_STATUS_LABELS,
    CLIENT_STATUS_LABELS,
    label,
)
from salesdesk.history import HistoryLine
from salesdesk.i18n import _, format_date
from salesdesk.services import (
    activities,
    appointments,
    auditlog,
    clients,
    contacts,
    deals,
    deliveries,
    documents,
    tasks,
)

from .. import theme
from ..changes import CLIENT_TREE
from ..context import AppContext
from ..models import Column, RecordTableModel, enable_sorting, overdue_color
from ..row_menu import Actions, RowAction, attach_row_menu
from ..widgets import Banner, PillDelegate
from ..worker import Op


@dataclass
class CardData:
    """Everything on the card, fetched at once in the background."""

    client: clients.ClientRecord
    duplicates: list[clients.PossibleDuplicate]
    contacts: list[contacts.ContactRecord]
    activities: list[activities.ActivityRecord]
    deals: list[deals.DealRecord]
    documents: list[documents.DocumentRecord]
    deliveries: list[deliveries.DeliveryRecord]
    tasks: list[tasks.TaskRecord]
    history: list[HistoryLine]
    meetings: list[Any]


def load_card(db: Database, actor: Actor, client_id: Any) -> CardData:
    """Fetch the card's data (runs in the background)."""
    return CardData(
        client=clients.get_client(db, actor, client_id),
        duplicates=clients.client_duplicates(db, actor, client_id),
        contacts=contacts.list_contacts(db, actor, client_id),
        activities=activities.list_activities(db, actor, client_id=client_id, limit=300),
        deals=deals.list_deals(db, actor, deals.DealQuery(client_id=client_id, limit=None)),
        documents=documents.list_documents(db, actor, documents.DocumentQuery(
            client_id=client_id, limit=None)),
        deliveries=deliveries.list_deliveries(db, actor, open_only=False, client_id=client_id),
        tasks=tasks.list_tasks(db, actor, mine_only=False, include_done=True,
                               client_id=client_id),
        history=auditlog.client_history(db, actor, client_id),
        meetings=appointments.list_appointments(db, actor, client_id=client_id),
    )


def table(model: RecordTableModel, on_open: Any = None, pill_column: int | None = None,
          actions: Actions | None = None) -> QTableView:
    """A read-only table over a model: rows selectable, double click opens, headers sort
    (a card's few rows, held here), a right-click menu (``actions``, else Open)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    if pill_column is not None:
        view.setItemDelegateForColumn(pill_column, PillDelegate(view))
    if on_open is not None:
        view.doubleClicked.connect(lambda index: on_open(model.record(index.row())))
    enable_sorting(view, model)
    if actions is None and on_open is not None:
        def actions(_record: Any) -> list[RowAction | None]:
            return [RowAction(_("Open"), on_open, "mdi6.open-in-app", default=True)]
    attach_row_menu(view, model.record, actions)
    return view


class ClientCard(QDialog):
    """The card of one client."""

    def __init__(self, ctx: AppContext, client_id: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client_id = client_id
        self.data: CardData | None = None
        self.setWindowTitle(_("Client"))
        self.setObjectName("client_card")
        self.resize(980, 680)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.name = QLabel("…")
        self.name.setFont(theme.title_font(1))
        self.name.setWordWrap(True)
        self.status = QLabel("")
        header.addWidget(self.name, 1)
        header.addWidget(self.status)
        layout.addLayout(header)
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.facts)
        layout.addLayout(self._actions())
        self.banner = Banner()
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._tabs()
        self.refresh()
        from ..changes import follow

        # Another window's change to this client (or what hangs on it) shows here too.
        self.follower = follow(self, CLIENT_TREE, self.refresh)

    # --- building ---------------------------------------------------------------------------

    def _actions(self) -> QHBoxLayout:
        row = QHBoxLayout()

        def button(text: str, icon: str, slot: Any, primary: bool = False) -> QPushButton:
            b = QPushButton(theme.icon(icon, "white" if primary else None), text)
            if primary:
                b.setProperty("primary", True)
            b.clicked.connect(slot)
            row.addWidget(b)
            return b

        button(_("Log activity"), "mdi6.phone-plus-outline", self.log_activity, primary=True)
        button(_("Plan a meeting"), "mdi6.calendar-plus", self.plan_meeting)
        button(_("New deal"), "mdi6.handshake-outline", self.new_deal)
        button(_("New proposal"), "mdi6.file-document-edit-outline",
               lambda: self.new_document("proposal"))
        button(_("New invoice"), "mdi6.receipt-text-outline", lambda: self.new_document("invoice"))
        button(_("Edit"), "mdi6.pencil-outline", self.edit)
        more = QToolButton()
        more.setText(_("More"))
        more.setIcon(theme.icon("mdi6.dots-horizontal"))
        more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(more)
        menu.addAction(theme.icon("mdi6.presentation"), _("Product presentation…"),
                       self.presentation)
        menu.addAction(theme.icon("mdi6.truck-outline"), _("Delivery deadline…"),
                       self.new_delivery)
        menu.addAction(theme.icon("mdi6.calendar-check-outline"), _("Follow-up task…"),
                       self.new_task)
        if self.ctx.can_manage:
            menu.addAction(theme.icon("mdi6.account-arrow-right-outline"), _("Reassign…"),
                           self.reassign)
        if self.ctx.is_head:
            self.key_action = menu.addAction(theme.icon("mdi6.star-outline"),
                                             _("Mark as key client"), self.toggle_key)
        menu.addSeparator()
        menu.addAction(theme.icon("mdi6.delete-outline"), _("Delete client"), self.delete)
        more.setMenu(menu)
        row.addWidget(more)
        row.addStretch(1)
        return row

    def _tabs(self) -> None:
        self.contacts_model = RecordTableModel([
            Column(_("Name"), lambda c: c.name), Column(_("Position"), lambda c: c.position),
            Column(_("Phone"), lambda c: c.phone), Column(_("E-mail"), lambda c: c.email)])
        contacts_tab = QWidget()
        box = QVBoxLayout(contacts_tab)
        add = QPushButton(theme.icon("mdi6.account-plus-outline"), _("Add contact"))
        add.clicked.connect(self.add_contact)
        box.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(table(self.contacts_model, self.edit_contact, actions=lambda _r: [
            RowAction(_("Edit"), self.edit_contact, "mdi6.pencil-outline", default=True),
            RowAction(_("Add contact"), lambda _c: self.add_contact(),
                      "mdi6.account-plus-outline"),
            None, RowAction(_("Delete…"), lambda c: self.delete_part(
                "contacts", contacts.delete_contact, c.id, c.name), "mdi6.delete-outline")]))
        self.tabs.addTab(contacts_tab, theme.icon("mdi6.account-multiple-outline"), _("Contacts"))

        today = clock.today()
        self.timeline_model = RecordTableModel([
            Column(_("Date"), lambda a: a.date, kind="date"),
            Column(_("Kind"), lambda a: label(ACTIVITY_KIND_LABELS, a.kind)),
            Column(_("Who"), lambda a: a.user_name),
            Column(_("Request"), lambda a: a.request_status, kind="status"),
            Column(_("Answer by"), lambda a: a.answer_by, kind="date"),
            Column(_("Note"), lambda a: a.note)],
            row_color=overdue_color(lambda a: a.is_overdue(today)))
        timeline_tab = QWidget()
        box = QVBoxLayout(timeline_tab)
        row = QHBoxLayout()
        log = QPushButton(theme.icon("mdi6.phone-plus-outline"), _("Log activity"))
        log.clicked.connect(self.log_activity)
        answer = QPushButton(theme.icon("mdi6.reply-outline"), _("Answer the request…"))
        answer.clicked.connect(self.answer_request)
        row.addWidget(log)
        row.addWidget(answer)
        row.addStretch(1)
        box.addLayout(row)
        self.timeline_view = table(self.timeline_model, self.edit_activity, pill_column=3,
                                   actions=lambda _r: [
            RowAction(_("Edit"), self.edit_activity, "mdi6.pencil-outline", default=True),
            RowAction(_("Log activity"), lambda _a: self.log_activity(),
                      "mdi6.phone-plus-outline"),
            RowAction(_("New task for this client"), lambda _a: self.new_task(), "mdi6.plus"),
            None, RowAction(_("Delete…"), lambda a: self.delete_part(
                "activities", activities.delete_activity, a.id, format_date(a.date)),
                "mdi6.delete-outline")])
        box.addWidget(self.timeline_view)
        self.tabs.addTab(timeline_tab, theme.icon("mdi6.timeline-text-outline"), _("Activity"))

        self.deals_model = RecordTableModel([
            Column(_("Title"), lambda d: d.title), Column(_("Stage"), lambda d: d.stage,
                                                           kind="status"),
            Column(_("Amount"), lambda d: d.amount, kind="money"),
            Column(_("Opened"), lambda d: d.opened_on, kind="date"),
            Column(_("Closed"), lambda d: d.closed_on, kind="date"),
            Column(_("Owner"), lambda d: d.owner_name)])
        self.tabs.addTab(table(self.deals_model, self.edit_deal, pill_column=1,
                               actions=lambda _r: [
            RowAction(_("Edit"), self.edit_deal, "mdi6.pencil-outline", default=True),
            RowAction(_("New deal"), lambda _d: self.new_deal(), "mdi6.plus"),
            RowAction(_("New proposal for this client"),
                      lambda _d: self.new_document("proposal"), "mdi6.file-document-edit-outline"),
            None, RowAction(_("Delete…"), lambda d: self.delete_part(
                "deals", deals.delete_deal, d.id, d.title), "mdi6.delete-outline")]),
                         theme.icon("mdi6.handshake-outline"), _("Deals"))

        self.docs_model = RecordTableModel([
            Column(_("Document"), lambda d: d.display_name()),
            Column(_("Date"), lambda d: d.doc_date, kind="date"),
            Column(_("Status"), lambda d: d.state(today), kind="status"),
            Column(_("Total"), lambda d: d.total, kind="money"),
            Column(_("Paid"), lambda d: d.paid_total, kind="money")])
        self.tabs.addTab(table(self.docs_model, self.open_document, pill_column=2),
                         theme.icon("mdi6.file-document-multiple-outline"), _("Documents"))

        self.deliveries_model = RecordTableModel([
            Column(_("What"), lambda d: d.description),
            Column(_("Due"), lambda d: d.due_date, kind="date"),
            Column(_("Delivered"), lambda d: d.delivered_on, kind="date"),
            Column(_("Invoice"), lambda d: d.invoice_number)],
            row_color=overdue_color(lambda d: d.is_overdue(today)))
        self.tabs.addTab(table(self.deliveries_model, self.edit_delivery, actions=lambda _r: [
            RowAction(_("Edit"), self.edit_delivery, "mdi6.pencil-outline", default=True),
            RowAction(_("New delivery"), lambda _d: self.new_delivery(), "mdi6.plus"),
            None, RowAction(_("Delete…"), lambda d: self.delete_part(
                "deliveries", deliveries.delete_delivery, d.id, d.description),
                "mdi6.delete-outline")]),
                         theme.icon("mdi6.truck-outline"), _("Deliveries"))

        self.tasks_model = RecordTableModel([
            Column(_("Task"), lambda t: t.title), Column(_("Due"), lambda t: t.due_date,
                                                         kind="date"),
            Column(_("Done"), lambda t: t.done_on, kind="date"),
            Column(_("Assignee"), lambda t: t.assignee_name)],
            row_color=overdue_color(lambda t: t.is_overdue(today)))
        self.tabs.addTab(table(self.tasks_model, self.edit_task, actions=lambda _r: [
            RowAction(_("Edit"), self.edit_task, "mdi6.pencil-outline", default=True),
            RowAction(_("New task for this client"), lambda _t: self.new_task(), "mdi6.plus"),
            None, RowAction(_("Delete…"), lambda t: self.delete_part(
                "tasks", tasks.delete_task, t.id, t.title), "mdi6.delete-outline")]),
                         theme.icon("mdi6.calendar-check-outline"), _("Tasks"))

        self.meetings_model = RecordTableModel([
            Column(_("Date"), lambda a: a.date, kind="date"),
            Column(_("Time"), lambda a: a.time_text),
            Column(_("Kind"), lambda a: label(APPOINTMENT_KIND_LABELS, a.kind)),
            Column(_("Subject"), lambda a: a.subject),
            Column(_("With"), lambda a: a.user_name),
            Column(_("Status"), lambda a: label(APPOINTMENT_STATUS_LABELS, a.status)),
            Column(_("Outcome"), lambda a: a.outcome)],
            row_color=overdue_color(lambda a: a.is_overdue()))
        self.tabs.addTab(table(self.meetings_model, self.edit_meeting, actions=lambda _r: [
            RowAction(_("Open"), self.edit_meeting, "mdi6.pencil-outline", default=True),
            RowAction(_("Plan a meeting"), lambda _a: self.plan_meeting(), "mdi6.calendar-plus"),
            None, RowAction(_("Delete…"), lambda a: self.delete_part(
                "appointments", appointments.delete_appointment, a.id, a.subject),
                "mdi6.delete-outline")]),
                         theme.icon("mdi6.calendar-clock-outline"), _("Meetings"))
        from ..files_panel import FilesPanel

        self.files_panel = FilesPanel(self.ctx, "clients", self.client_id)
        self.files_panel.sig_counted.connect(self._files_counted)
        self.files_index = self.tabs.addTab(self.files_panel, theme.icon("mdi6.paperclip"),
                                            _("Files"))

        # Who changed what and when, old → new, in the window's language (audit log).
        self.history_model = RecordTableModel([
            Column(_("When"), lambda h: h.at.astimezone().strftime("%Y-%m-%d %H:%M")),
            Column(_("Who"), lambda h: h.who), Column(_("Action"), lambda h: h.action),
            Column(_("Record"), lambda h: h.what), Column(_("Changes"), lambda h: h.summary())])
        self.history_view = table(self.history_model)
        self.history_view.setObjectName("history_table")
        self.history_view.setWordWrap(True)  # every change shows, on as many lines as it takes
        self.history_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.history_view.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.history_view, theme.icon("mdi6.history"), _("History"))

    # --- data ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the card again."""
        Op(self, load_card, self.ctx.db, self.ctx.actor, self.client_id).success(self.show_data) \
            .failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        from ..errors import show_error

        show_error(self, exc)
        self.close()

    def show_data(self, data: CardData) -> None:
        """Fill the header and the tabs."""
        self.data = data
        c = data.client
        self.setWindowTitle(c.name)
        self.name.setText(("★ " if c.priority else "") + c.name)
        self.status.setText(label(CLIENT_STATUS_LABELS, c.status))
        facts = [(_("Owner"), c.owner_name), (_("INN"), c.inn), (_("KPP"), c.kpp),
                 (_("Phone"), c.phone), (_("E-mail"), c.email), (_("City"), c.city),
                 (_("Segment"), c.segment), (_("Source"), c.source), (_("Address"), c.address)]
        self.facts.setText("   ".join(f"<b>{k}:</b> {v}" for k, v in facts if v))
        self.banner.set_text("\n".join(
            [_("Possible duplicate:")] + [d.describe() for d in data.duplicates])
            if data.duplicates else "")
        if self.ctx.is_head:
            self.key_action.setText(_("Unmark key client") if c.priority
                                    else _("Mark as key client"))
        self.contacts_model.set_records(data.contacts)
        self.timeline_model.set_records(data.activities)
        self.deals_model.set_records(data.deals)
        self.docs_model.set_records(data.documents)
        self.deliveries_model.set_records(data.deliveries)
        self.tasks_model.set_records(data.tasks)
        self.history_model.set_records(data.history)
        self.meetings_model.set_records(data.meetings)
        for index, count in enumerate((len(data.contacts), len(data.activities),
                                       len(data.deals), len(data.documents),
                                       len(data.deliveries), len(data.tasks),
                                       len(data.meetings))):
            base = self.tabs.tabText(index).split(" (")[0]
            self.tabs.setTabText(index, f"{base} ({count})")

    # --- actions -------------------------------------------------------------------------------

    def _done(self, *_args: Any) -> None:
        self.refresh()  # the pages behind learn of it from the change hub

    def _files_counted(self, count: int) -> None:
        base = self.tabs.tabText(self.files_index).split(" (")[0]
        self.tabs.setTabText(self.files_index, f"{base} ({count})")

    def plan_meeting(self) -> None:
        """Plan a meeting, call or presentation with this client."""
        from .record_forms import appointment_form

        appointment_form(self, self.ctx, client_id=self.client_id, on_saved=self._done).open()

    def edit_meeting(self, record: Any) -> None:
        """Open a meeting: change it while planned, mark it done or cancelled."""
        from .record_forms import appointment_form

        appointment_form(self, self.ctx, record=record, on_saved=self._done).open()

    def edit(self) -> None:
        """Edit the client's fields."""
        from .record_forms import client_form

        if self.data:
            client_form(self, self.ctx, self.data.client, self._done).open()

    def log_activity(self) -> None:
        """Log a call, meeting, request…"""
        from .record_forms import activity_form

        activity_form(self, self.ctx, self.client_id, on_saved=self._done).open()

    def edit_activity(self, record: activities.ActivityRecord) -> None:
        """Edit an activity."""
        from .record_forms import activity_form

        activity_form(self, self.ctx, self.client_id, record, self._done).open()

    def answer_request(self) -> None:
        """Answer the selected request (or the oldest open one)."""
        from PySide6.QtWidgets import QInputDialog

        if not self.data:
            return
        index = self.timeline_view.currentIndex()
        chosen = self.timeline_model.record(index.row()) if index.isValid() else None
        if chosen is None or chosen.kind != "request":
            chosen = next((a for a in reversed(self.data.activities)
                           if a.kind == "request" and a.request_status == "open"), None)
        if chosen is None:
            QMessageBox.information(self, _("Requests"), _("This client has no open request."))
            return
        text, ok = QInputDialog.getMultiLineText(self, _("Answer the request"),
                                                 chosen.note or "", "")
        if ok:
            Op(self, activities.answer_request, self.ctx.db, self.ctx.actor, chosen.id,
               text, changes={"activities"}).success(self._done).run()

    def add_contact(self) -> None:
        """A new contact person."""
        from .record_forms import contact_form

        contact_form(self, self.ctx, self.client_id, on_saved=self._done).open()

    def edit_contact(self, record: contacts.ContactRecord) -> None:
        """Edit a contact person."""
        from .record_forms import contact_form

        contact_form(self, self.ctx, self.client_id, record, self._done).open()

    def new_deal(self) -> None:
        """A new deal with this client."""
        from .record_forms import deal_form

        deal_form(self, self.ctx, self.client_id, on_saved=self._done).open()

    def edit_deal(self, record: deals.DealRecord) -> None:
        """Edit a deal."""
        from .record_forms import deal_form

        deal_form(self, self.ctx, self.client_id, record, self._done).open()

    def new_document(self, kind: str) -> None:
        """A new proposal or invoice in the editor."""
        from .document_editor import DocumentEditor

        editor = DocumentEditor(self.ctx, kind=kind, client_id=self.client_id, parent=self)
        editor.sig_changed.connect(self._done)
        editor.show()

    def open_document(self, record: documents.DocumentRecord) -> None:
        """Open a document."""
        from .document_editor import open_document

        open_document(self, self.ctx, record.id, on_changed=self._done)

    def new_delivery(self) -> None:
        """A delivery deadline for this client."""
        from .record_forms import delivery_form

        delivery_form(self, self.ctx, client_id=self.client_id, on_saved=self._done).open()

    def edit_delivery(self, record: deliveries.DeliveryRecord) -> None:
        """Edit a delivery (or record it delivered)."""
        from .record_forms import delivery_form

        delivery_form(self, self.ctx, record=record, on_saved=self._done).open()

    def new_task(self) -> None:
        """A follow-up task for this client."""
        from .record_forms import task_form

        task_form(self, self.ctx, client_id=self.client_id, on_saved=self._done).open()

    def edit_task(self, record: tasks.TaskRecord) -> None:
        """Edit a task."""
        from .record_forms import task_form

        task_form(self, self.ctx, record=record, on_saved=self._done).open()

    def presentation(self) -> None:
        """A product presentation PDF for this client."""
        from .presentation_dialog import PresentationDialog

        PresentationDialog(self.ctx, self.client_id, self).open()

    def reassign(self) -> None:
        """Give the client to another member of the team."""
        from PySide6.QtWidgets import QInputDialog

        people = [u for u in self.ctx.lookups.users if u.active]
        names = [u.name for u in people]
        name, ok = QInputDialog.getItem(self, _("Reassign"), _("New owner"), names, 0, False)
        if ok and self.data:
            owner = people[names.index(name)]
            Op(self, clients.reassign_client, self.ctx.db, self.ctx.actor, self.client_id,
               owner.id, self.data.client.version, changes=CLIENT_TREE).success(self._done).run()

    def toggle_key(self) -> None:
        """Mark or unmark a key client (the head)."""
        if self.data:
            Op(self, clients.set_key_client, self.ctx.db, self.ctx.actor, self.client_id,
               not self.data.client.priority, changes={"clients"}).success(self._done).run()

    def delete_part(self, kind: str, delete: Any, record_id: Any, title: str) -> None:
        """Delete one of the client's contacts, activities, deals, deliveries or tasks
        after asking; Ctrl+Z in the main window and the trash bring it back."""
        from salesdesk import registry

        what = _(registry.kind_label(kind))
        answer = QMessageBox.question(self, _("Delete"), _("Delete {kind} «{title}»?").format(
            kind=what.lower(), title=title))
        if answer != QMessageBox.StandardButton.Yes:
            return

        def deleted(_result: Any) -> None:
            self._done()
            window = self.parent()
            if hasattr(window, "deleted"):
                window.deleted(kind, record_id, title)

        Op(self, delete, self.ctx.db, self.ctx.actor, record_id, changes={kind}) \
            .success(deleted).run()

    def delete(self) -> None:
        """Soft-delete the client after asking."""
        if not self.data:
            return
        answer = QMessageBox.question(self, _("Delete client"), _(
            "Delete {name}? It disappears from lists; the head can still find it in the "
            "audit log.").format(name=self.data.client.name))
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, clients.delete_client, self.ctx.db, self.ctx.actor, self.client_id,
               self.data.client.version, changes=CLIENT_TREE) \
                .success(lambda _r: (self._done(), self.close())).run()
