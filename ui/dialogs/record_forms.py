"""Forms for the records people create all day: clients, contacts, activities, deals,
tasks, deliveries, products. Each builds a :class:`FormDialog` over the service's own
field rules and saves through the service (with the stale-edit check)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from salesdesk import clock
from salesdesk.domain import (
    VAT_RATES,
    label,
    vat_rate_label,
)
from salesdesk.i18n import _, format_date
from salesdesk.services import (
    activities,
    clients,
    contacts,
    deals,
    deliveries,
    products,
    tasks,
)

from ..context import AppContext
from ..forms import FormDialog, FormField, registry_defaults, registry_fields


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, label(labels, code)) for code in labels]


def _people(ctx: AppContext) -> list[tuple[Any, str]]:
    return ctx.lookups.people


def client_form(parent: QWidget, ctx: AppContext, record: clients.ClientRecord | None = None,
                on_saved: Callable[[Any], None] | None = None) -> FormDialog:
    """New or edit client."""
    values = ctx.lookups.client_values
    fields = registry_fields("clients", **{key: {"suggestions": values.get(key, [])} for key in (
        "segment", "market", "city", "source")})
    if record is None and ctx.can_manage:
        fields.insert(1, FormField("owner_id", _("Owner"), "choice", required=True,
                                   options=_people(ctx)))
    initial: dict[str, Any] = {**registry_defaults("clients"), "owner_id": ctx.actor.id}
    if record is not None:
        initial = {f.key: getattr(record, f.key, None) for f in fields}

    state = {"record": record}  # the version the form was filled from

    def save(data: dict[str, Any]) -> Any:
        owner = data.pop("owner_id", None)
        current = state["record"]
        if current is None:
            return clients.create_client(ctx.db, ctx.actor, data, owner_id=owner)
        return clients.update_client(ctx.db, ctx.actor, current.id, data,
                                     None if dialog.force_overwrite else current.version)

    def reload() -> dict[str, Any]:
        fresh = clients.get_client(ctx.db, ctx.actor, record.id)  # type: ignore[union-attr]
        state["record"] = fresh
        return {f.key: getattr(fresh, f.key, None) for f in fields}

    dialog = FormDialog(parent, _("New client") if record is None else _("Edit client"),
                        fields, initial, save, reload if record else None,
                        changes={"clients"})
    _offer_existing(dialog, parent)
    if record is not None:
        _undoable(dialog, ctx, "clients", record, record.name, clients.update_client)
    if on_saved:
        dialog.sig_saved.connect(on_saved)
    return dialog


def _undoable(dialog: FormDialog, ctx: AppContext, kind: str, record: Any, title: str,
              update: Callable[..., Any]) -> None:
    """After an edit is saved, tell the main window how to put the old values back:
    ``update(db, actor, id, old values, version)``, the service's own edit, over the
    version just saved (a change someone made since is refused, never overwritten)."""
    start = dict(dialog._initial)

    def saved(result: Any) -> None:
        after = dialog.values()
        before = {key: start.get(key) for key, value in after.items()
                  if key in start and value != start.get(key)}
        saved_record = getattr(result, "client", result)  # a client's save says more
        version = getattr(saved_record, "version", None)
        window = dialog.parentWidget()
        while window is not None and not hasattr(window, "edited"):
            window = window.parentWidget()
        if window is None or not before or version is None:
            return
        window.edited(kind, title, lambda: update(ctx.db, ctx.actor, record.id, before,
                                                  version))

    dialog.sig_saved.connect(saved)


def _offer_existing(dialog: FormDialog, parent: QWidget) -> None:
    """When the INN is another client's, a button opens that client instead."""
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton

    button = QPushButton(_("Open the existing client"))
    button.setObjectName("open_existing")
    button.hide()
    dialog.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
    found: dict[str, Any] = {}

    def refused(exc: Exception) -> None:
        found["id"] = getattr(exc, "existing_id", None)
        button.setVisible(found["id"] is not None)

    def open_it() -> None:
        opener = getattr(parent, "open_record", None)
        dialog._initial = dialog.values()  # nothing to ask about: the user chose to go
        dialog.reject()
        if opener is not None:
            opener("client", found["id"])

    dialog.sig_refused.connect(refused)
    button.clicked.connect(open_it)


def contact_form(parent: QWidget, ctx: AppContext, client_id: Any,
                 record: contacts.ContactRecord | None = None,
                 on_saved: Callable[[Any], None] | None = None) -> FormDialog:
    """New or edit contact person."""
    fields = registry_fields("contacts")
    initial = {f.key: getattr(record, f.key, None) for f in fields} if record else {}

    def save(data: dict[str, Any]) -> Any:
        if record is None:
            return contacts.add_contact(ctx.db, ctx.actor, client_id, data)
        return contacts.update_contact(ctx.db, ctx.actor, record.id, data,
                                       None if dialog.force_overwrite else record.version)

    dialog = FormDialog(parent, _("Contact"), fields, initial, save, changes={"contacts"})
    if record is not None:
        _undoable(dialog, ctx, "contacts", record, record.name, contacts.update_contact)
    if on_saved:
        dialog.sig_saved.connect(on_saved)
    return dialog


def activity_form(parent: QWidget, ctx: AppContext, client_id: Any,
                  record: activities.ActivityRecord | None = None,
                  on_saved: Callable[[Any], None] | None = None) -> FormDialog:
    """Log (or edit) a call, meeting, e-mail, message, presentation or request."""

    fields = registry_fields("activities")
    initial: dict[str, Any] = registry_defaults("activities")
    if record is not None:
        initial = {f.key: getattr(record, f.key, None) for f in fields}

    def save(data: dict[str, Any]) -> Any:
        if data.get("kind") != "request":
            data = {k: v for k, v in data.items() if k not in ("answer_by", "request_status",
                                                               "answer")}
        if record is None:
            return activities.log_activity(ctx.db, ctx.actor, client_id, data)
        return activities.update_activity(ctx.db, ctx.actor, record.id, data,
                                          None if dialog.force_overwrite else record.version)

    dialog = FormDialog(parent, _("Activity"), fields, initial, save,
                        changes={"activities"})
    if record is not None:
        _undoable(dialog, ctx, "activities", record, format_date(record.date),
                  activities.update_activity)
    if on_saved:
        dialog.sig_saved.connect(on_saved)
    return dialog


def deal_form(parent: QWidget, ctx: AppContext, client_id: Any | None,
              record: deals.DealRecord | None = None,
              on_saved: Callable[[Any], None] | None = None) -> FormDialog:
    """New or edit deal (the stage rules are the service's)."""

    fields = registry_fields("deals", lost_reason={"suggestions": [
        _("Price too high"), _("Chose a competitor"), _("Delivery terms"),
        _("Project postponed"), _("No budget")]}, competitor_id={"options": [
            (c.id, c.name) for c in ctx.lookups.competitors]})
    if client_id is None and record is None:
        # Searched, any number of clients, or made on the spot; never pre-set.
        fields.insert(0, FormField("client_id", _("Client"), "client", required=True,
                                   extra={"ctx": ctx}))
    initial: dict[str, Any] = registry_defaults("deals")
    if record is not None:
        initial = {f.key: getattr(record, f.key, None) for f in fields}

    state = {"record": record}

    def save(data: dict[str, Any]) -> Any:
        competitor = data.pop("competitor_id", None)
        target_client = data.pop("client_id", None) or client_id
        current = state["record"]
        if current is None:
            return deals.create_deal(ctx.db, ctx.actor, target_client, data,
                                     competitor_id=competitor)
        return deals.update_deal(ctx.db, ctx.actor, current.id, data,
                                 None if dialog.force_overwrite else current.version,
                                 competitor_id=competitor)

    def reload() -> dict[str, Any]:
        fresh = deals.get_deal(ctx.db, ctx.actor, record.id)  # type: ignore[union-attr]
        state["record"] = fresh
        return {f.key: getattr(fresh, f.key, None) for f in fields}

    dialog = FormDialog(parent, _("New deal") if record is None else _("Edit deal"), fields,
                        initial, save, reload if record else None,
                        changes={"deals", "clients"})
    if record is not None:
        def put_back_deal(db: Any, actor: Any, deal_id: Any, before: dict[str, Any],
                          version: int) -> Any:
            values = dict(before)
            if "competitor_id" in values:
                return deals.update_deal(db, actor, deal_id, values, version,
                                         competitor_id=values.pop("competitor_id"))
            return deals.update_deal(db, actor, deal_id, values, version)

        _undoable(dialog, ctx, "deals", record, record.title, put_back_deal)
        from PySide6.QtWidgets import QDialogButtonBox, QPushButton

        from .. import theme
        from ..files_panel import files_dialog

        files = QPushButton(theme.icon("mdi6.paperclip"), _("Files…"))
        files.setObjectName("deal_files")
        files.setToolTip(_("The deal's files: a contract, a specification, a scan"))
        files.clicked.connect(lambda: files_dialog(dialog, ctx, "deals", record.id,
                                                   record.title))
        dialog.buttons.addButton(files, QDialogButtonBox.ButtonRole.ActionRole)
    if on_saved:
        dialog.sig_saved.connect(on_saved)
    return dialog


def task_form(parent: QWidget, ctx: AppContext, client_id: Any | None = None,
              record: tasks.TaskRecord | None = None,
              on_saved: Callable[[Any], None] | None = None) -> FormDialog:
    """New or edit follow-up task."""
    from datetime import timedelta

    fields = registry_fields("tasks")
    if record is None and ctx.can_manage:
        fields.insert(1, FormField("assignee_id", _("Assignee"), "choice", required=True,
                                   options=_people(ctx)))
    if record is None and client_id is None:
        # About a client, if any: searched like everywhere else, never pre-set.
        fields.insert(1, FormField("client_id", _("Client"), "client", extra={"ctx": ctx}))
    initial: dict[str, Any] = {"due_date": clock.today() + timedelta(days=1),
                               "assignee_id": ctx.actor.id}
    if record is not None:
        initial = {f.key: getattr(record, f.key, None) for f in fields}

    def save(data: dict[str, Any]) -> Any:
        assignee = data.pop("assignee_id", None)
        about = data.pop("client_id", None) or client_id
        if record is None:
            return tasks.create_task(ctx.db, ctx.actor, data, assignee_id=assignee,
                                     client_id=about)
        return tasks.update_task(ctx.db, ctx.actor, record.id, data,
                                 None if dialog.force_overwrite else record.version)

    dialog = FormDialog(parent, _("Task"), fields, initial, save, changes={"tasks"})
    if record is not None:
        _undoable(dialog, ctx, "tasks", record, record.title, tasks.update_task)
    if on_saved:
        dialog.sig_saved.connect(on_saved)
    return dialog


def delivery_form(parent: QWidget, ctx: AppContext, client_id: Any | None = None,
                  invoice_id: Any | None = None,
                  record: deliveries.DeliveryRecord | None = None,
                  on_saved: Callable[[Any], None] | None = None) -> FormDialog:
    """New or edit delivery deadline."""
    fields = registry_fields("deliveries")
    if record is None and client_id is None:
        fields.insert(0, FormField("client_id", _("Client"), "client", required=True,
                                   extra={"ctx": ctx}))
    initial = {f.key: getattr(record, f.key, None) for f in fields} if record else {}

    def save(data: dict[str, Any]) -> Any:
        target = data.pop("client_id", None) or client_id
        if record is None:
            return deliveries.create_delivery(ctx.db, ctx.actor, data, client_id=target,
                                              invoice_id=invoice_id)
        return deliveries.update_delivery(ctx.db, ctx.actor, record.id, data,
                                          None if dialog.force_overwrite else record.version)

    dialog = FormDialog(parent, _("Delivery"), fields, initial, save,
                        changes={"deliveries"})
    if record is not None:
        _undoable(dialog, ctx, "deliveries", record, record.description,
                  deliveries.update_delivery)
    if on_saved:
        dialog.sig_saved.connect(on_saved)
    return dialog


def product_form(parent: QWidget, ctx: AppContext,
                 record: products.ProductRecord | None = None,
                 on_saved: Callable[[Any], None] | None = None) -> FormDialog:
    """New or edit catalogue product (read-only for representatives)."""
    read_only = not ctx.can_manage
    shown = {"read_only": read_only}
    fields = registry_fields(
        "products", name=shown, sku=shown, price=shown, description=shown, active=shown,
        unit={**shown, "kind": "combo",
              "suggestions": ["шт", "усл", "час", "м²", "кг", "компл"]},
        vat_rate={**shown, "required": True,
                  "options": [(r, vat_rate_label(r)) for r in VAT_RATES]})
    initial: dict[str, Any] = {"unit": "шт", "vat_rate": ctx.company.default_vat_rate,
                               "active": True}
    if record is not None:
        initial = {f.key: getattr(record, f.key, None) for f in fields}

    def save(data: dict[str, Any]) -> Any:
        if record is None:
            return products.create_product(ctx.db, ctx.actor, data)
        return products.update_product(ctx.db, ctx.actor, record.id, data,
                                       None if dialog.force_overwrite else record.version)

    dialog = FormDialog(parent, _("Product"), fields, initial, None if read_only else save,
                        changes={"products"})
    if record is not None and not read_only:
        _undoable(dialog, ctx, "products", record, record.name, products.update_product)
    if read_only:
        dialog.save_button.hide()
    if on_saved:
        dialog.sig_saved.connect(on_saved)
    return dialog


def ask_text(parent: QWidget, title: str, prompt: str) -> str | None:
    """A few lines typed by the user (an outcome, a reason); ``None`` when cancelled.
    Tests replace it."""
    from PySide6.QtWidgets import QInputDialog

    text, ok = QInputDialog.getMultiLineText(parent, title, prompt)
    return text if ok else None


def appointment_form(parent: QWidget, ctx: AppContext, client_id: Any | None = None,
                     record: Any | None = None, day: Any | None = None,
                     minute: int | None = None,
                     on_saved: Callable[[Any], None] | None = None) -> FormDialog:
    """Plan a meeting, call or presentation (or change a planned one); a planned one
    also offers Done (its outcome logs the contact) and Cancel."""
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton

    from salesdesk.services import appointments

    from .. import theme
    from ..worker import Op

    fields = registry_fields("appointments")
    if ctx.can_manage:
        fields.insert(1, FormField("user_id", _("With"), "choice", required=True,
                                   options=_people(ctx)))
    if record is None and client_id is None:
        fields.insert(0, FormField("client_id", _("Client"), "client", required=True,
                                   extra={"ctx": ctx}))
    initial: dict[str, Any] = {**registry_defaults("appointments"), "user_id": ctx.actor.id}
    if day is not None:
        initial["date"] = day
    if minute is not None:
        initial["start_minute"] = minute
    if record is not None:
        initial = {f.key: getattr(record, f.key, None) for f in fields}
    state = {"record": record}

    def save(data: dict[str, Any]) -> Any:
        person = data.pop("user_id", None)
        target = data.pop("client_id", None) or client_id
        current = state["record"]
        if current is None:
            return appointments.plan_appointment(ctx.db, ctx.actor, target, data,
                                                 user_id=person)
        return appointments.update_appointment(
            ctx.db, ctx.actor, current.id, data,
            None if dialog.force_overwrite else current.version,
            user_id=person if person != current.user_id else None)

    def reload() -> dict[str, Any]:
        fresh = appointments.get_appointment(ctx.db, ctx.actor, record.id)  # type: ignore[union-attr]
        state["record"] = fresh
        return {f.key: getattr(fresh, f.key, None) for f in fields}

    title = _("Plan a meeting or call") if record is None else \
        f"{record.subject} — {record.client_name}"
    dialog = FormDialog(parent, title, fields, initial, save, reload if record else None,
                        changes={"appointments", "activities"})
    dialog.setObjectName("appointment_form")
    if record is not None and record.status != "planned":
        # Done or cancelled: kept as it was, nothing more to plan.
        for widget in dialog.widgets.values():
            widget.setEnabled(False)
        dialog.save_button.hide()
        shown = record.outcome or ""
        dialog.blocked.setText(_("Done: {outcome}").format(outcome=shown) if record.status
                               == "done" else _("Cancelled: {outcome}").format(outcome=shown))
        dialog.blocked.show()
    elif record is not None:
        def step(run: Callable[[str], Any], asked: str, prompt: str) -> None:
            text = ask_text(dialog, asked, prompt)
            if text is None:
                return
            Op(dialog, run, text, changes={"appointments", "activities"}).success(
                lambda result: (dialog.sig_saved.emit(result), dialog.accept())).run()

        done = QPushButton(theme.icon("mdi6.check"), _("Done…"))
        done.setObjectName("appointment_done")
        done.setToolTip(_("It took place: write what came of it (the contact is logged)"))
        done.clicked.connect(lambda: step(
            lambda text: appointments.complete_appointment(ctx.db, ctx.actor, record.id, text),
            _("Done"), _("What came of it?")))
        cancel = QPushButton(theme.icon("mdi6.calendar-remove-outline"), _("Cancel meeting…"))
        cancel.setObjectName("appointment_cancel")
        cancel.clicked.connect(lambda: step(
            lambda text: appointments.cancel_appointment(ctx.db, ctx.actor, record.id, text),
            _("Cancel meeting"), _("Why will it not take place?")))
        for button in (done, cancel):
            dialog.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        _undoable(dialog, ctx, "appointments", record, record.subject,
                  appointments.update_appointment)
    if on_saved:
        dialog.sig_saved.connect(on_saved)
    return dialog
