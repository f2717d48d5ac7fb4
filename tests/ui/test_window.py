"""The window, page by page, for each role: it opens, shows the right records, and its main
actions work through the same services as the command line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from salesdesk.services import clients as client_service
from salesdesk.services import deals as deal_service
from salesdesk.services import documents as document_service
from tests import TODAY
from tests.ui.conftest import context_for, settle

ROLES = {
    "head": ["dashboard", "clients", "deals", "documents", "work", "calendar", "products",
             "market", "team", "strategy", "reports", "settings"],
    "manager1": ["dashboard", "clients", "deals", "documents", "work", "calendar", "products",
                 "market", "team", "strategy", "reports", "settings"],
    "rep1": ["dashboard", "clients", "deals", "documents", "work", "calendar", "products",
             "market", "team", "reports", "settings"],
}


@pytest.mark.parametrize("who", sorted(ROLES))
def test_every_page_opens_for_each_role(window_for: Any, qtbot: Any, who: str,
                                        errors: list[BaseException]) -> None:
    window = window_for(who)
    assert window.page_keys() == ROLES[who]
    for key in ROLES[who]:
        window.show_page(key)
        settle(qtbot)
        assert window.stack.currentWidget() is window.pages[key]
    assert errors == []


def test_a_representative_never_sees_another_reps_clients(window_for: Any, qtbot: Any,
                                                          demo_db: Any) -> None:
    window = window_for("rep1")
    page = window.show_page("clients")
    settle(qtbot)
    model = page.model
    assert model.total > 0
    while model.canFetchMore():
        model.fetchMore()
        settle(qtbot)
    owners = {record.owner_id for record in model.records}
    assert owners == {window.ctx.actor.id}
    assert model.rowCount() == model.total
    assert "клиент" in page.header.count.text() or "client" in page.header.count.text()


def test_client_list_filters_in_sql_and_models_are_sound(window_for: Any, qtbot: Any,
                                                         qtmodeltester: Any) -> None:
    window = window_for("head")
    page = window.show_page("clients")
    settle(qtbot)
    qtmodeltester.check(page.model)
    first = page.model.record(0)
    page.search.setText(first.inn)
    qtbot.wait(300)
    settle(qtbot)
    assert page.model.total == 1 and page.model.record(0).id == first.id
    page.search.setText("zzzz-nothing")
    qtbot.wait(300)
    settle(qtbot)
    assert page.stack.currentWidget() is page.no_match
    page.search.clear()
    page.key_only.setChecked(True)
    settle(qtbot)
    assert all(r.priority for r in page.model.records) and page.model.total > 0
    page.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    settle(qtbot)
    inns = [r.inn for r in page.model.records]
    assert inns == sorted(inns, reverse=True)


def test_create_a_client_through_the_form(window_for: Any, qtbot: Any) -> None:
    from salesdesk_ui.dialogs.record_forms import client_form

    window = window_for("rep1")
    page = window.show_page("clients")
    settle(qtbot)
    dialog = client_form(page, window.ctx, on_saved=page._created)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()  # the name is required
    dialog.widgets["name"].setText("ООО «Новый клиент»")
    dialog.widgets["inn"].setText("123")
    dialog.widgets["inn"].editingFinished.emit()
    assert dialog.errors["inn"].isVisibleTo(dialog)  # checked as the field is left
    assert not dialog.save_button.isEnabled()
    dialog.widgets["inn"].setText("7736050003")
    dialog.widgets["inn"].editingFinished.emit()
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save()
    settle(qtbot)
    found = client_service.list_clients(window.ctx.db, window.ctx.actor,
                                        client_service.ClientQuery(text="новый клиент"))
    assert [c.name for c in found] == ["ООО «Новый клиент»"]


def test_stale_form_is_explained_not_overwritten(window_for: Any, qtbot: Any,
                                                 monkeypatch: Any) -> None:
    from salesdesk_ui.dialogs.record_forms import client_form

    window = window_for("rep1")
    ctx = window.ctx
    record = client_service.list_clients(ctx.db, ctx.actor)[0]
    dialog = client_form(window, ctx, record)
    qtbot.addWidget(dialog)
    client_service.update_client(ctx.db, ctx.actor, record.id, {"city": "Тверь"})  # elsewhere
    asked: list[bool] = []
    monkeypatch.setattr(type(dialog), "_conflict", lambda self, exc: asked.append(True))
    dialog.widgets["city"].setCurrentText("Псков")
    dialog.save()
    settle(qtbot)
    assert asked == [True]
    assert client_service.get_client(ctx.db, ctx.actor, record.id).city == "Тверь"


def test_client_card_shows_tabs_and_duplicate_warning(window_for: Any, qtbot: Any) -> None:
    from salesdesk_ui.dialogs.client_card import ClientCard

    window = window_for("rep1")
    ctx = window.ctx
    original = client_service.list_clients(ctx.db, ctx.actor)[0]
    twin = client_service.create_client(ctx.db, ctx.actor, {"name": original.name + " ",
                                                            "phone": original.phone}).client
    card = ClientCard(ctx, twin.id, window)
    qtbot.addWidget(card)
    settle(qtbot)
    assert card.banner.isVisibleTo(card) and original.name in card.banner.label.text()
    card2 = ClientCard(ctx, original.id, window)
    qtbot.addWidget(card2)
    settle(qtbot)
    assert card2.contacts_model.rowCount() >= 1
    assert card2.timeline_model.rowCount() >= 1
    assert card2.tabs.count() == 9  # contacts … tasks, meetings, files, and History
    assert card2.tabs.tabText(8) == "History"


def test_kanban_move_and_lost_reason(window_for: Any, qtbot: Any, monkeypatch: Any) -> None:
    from salesdesk_ui.pages import deals as deals_page

    window = window_for("rep1")
    page = window.show_page("deals")
    settle(qtbot)
    start = next(s for s in ("new", "qualified", "proposal") if page.columns[s].count())
    deal = page.columns[start].item(0).data(Qt.ItemDataRole.UserRole)
    page.move_deal(deal, "negotiation")
    settle(qtbot)
    ids = [page.columns["negotiation"].item(i).data(Qt.ItemDataRole.UserRole).id
           for i in range(page.columns["negotiation"].count())]
    assert deal.id in ids

    def accept_with_reason(self: Any) -> int:
        self.reason.setCurrentText("Дорого")
        return 1

    monkeypatch.setattr(deals_page.LostReasonDialog, "exec", accept_with_reason)
    moved = deal_service.get_deal(window.ctx.db, window.ctx.actor, deal.id)
    page.move_deal(moved, "lost")
    settle(qtbot)
    lost = deal_service.get_deal(window.ctx.db, window.ctx.actor, deal.id)
    assert lost.stage == "lost" and lost.lost_reason == "Дорого"
    page.set_view("table")
    settle(qtbot)
    assert page.model.total > 0


def test_build_issue_and_pay_an_invoice(window_for: Any, qtbot: Any, tmp_path: Path,
                                        demo_db: Any) -> None:
    from salesdesk_ui.dialogs.document_editor import DocumentEditor

    window = window_for("rep1")
    ctx = window.ctx
    client = client_service.list_clients(ctx.db, ctx.actor)[0]
    editor = DocumentEditor(ctx, kind="invoice", client_id=client.id, parent=window)
    qtbot.addWidget(editor)
    name = next(iter(editor.catalogue))
    product = editor.catalogue[name]
    editor.product_pick.setCurrentText(name)
    editor._add_product(0)
    editor.table.item(0, 1).setText("3")
    assert editor.table.rowCount() == 1
    total = product.price * 3
    from salesdesk.i18n import format_money

    assert format_money(total) in editor.totals.text()
    editor.save_draft(then=lambda record: None)
    settle(qtbot)
    assert editor.record is not None and editor.record.status == "draft"
    assert editor.record.total == total
    issued = document_service.issue_document(ctx.db, ctx.actor, editor.record.id)
    editor.show_record(issued)
    assert issued.number.startswith("R1-")
    names = [editor.actions.itemAt(i).widget().objectName()
             for i in range(editor.actions.count()) if editor.actions.itemAt(i).widget()]
    assert "payment" not in names  # a representative does not record payments
    manager_ctx = context_for(demo_db, "manager1", tmp_path)
    manager_editor = DocumentEditor(manager_ctx, record=document_service.get_document(
        manager_ctx.db, manager_ctx.actor, issued.id), parent=window)
    qtbot.addWidget(manager_editor)
    names = [manager_editor.actions.itemAt(i).widget().objectName()
             for i in range(manager_editor.actions.count())
             if manager_editor.actions.itemAt(i).widget()]
    assert "payment" in names and "cancel" in names
    paid = document_service.record_payment(manager_ctx.db, manager_ctx.actor, issued.id,
                                           str(total), TODAY)
    manager_editor.show_record(paid)
    assert manager_editor.state_label.text() in ("Оплачен", "Paid")


def test_pdf_preview_prints_without_waiting(window_for: Any, qtbot: Any,
                                            tmp_path: Path) -> None:
    """"Print to file" writes the vector PDF itself at once; a printer gets the pages from
    a background job, at no more than 600 dpi, while the window stays live."""
    from PySide6.QtPrintSupport import QPrinter

    from salesdesk_ui.dialogs.pdf_preview import PdfPreview
    from salesdesk_ui.dialogs.printing import render_dpi

    window = window_for("rep1")
    ctx = window.ctx
    invoice = document_service.list_documents(ctx.db, ctx.actor, document_service.DocumentQuery(
        kind="invoice"))[0]
    pdf = document_service.document_pdf(ctx.db, ctx.actor, invoice.id)
    preview = PdfPreview(pdf, invoice.display_name(), "x.pdf", window)
    qtbot.addWidget(preview)
    assert preview.page_count() == 1
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(target))
    assert preview.print_to(printer) is None
    assert target.read_bytes() == pdf  # the vector PDF, text and all
    printer.setResolution(1200)
    assert render_dpi(printer) == 600
    raster = tmp_path / "raster.pdf"
    printer.setOutputFileName(str(raster))
    job = preview.print_pages(printer)
    assert not preview.print_button.isEnabled()  # one job at a time
    qtbot.waitUntil(lambda: preview.job is None, timeout=60_000)
    assert job.pages_done == 1 and raster.stat().st_size > 10_000
    assert preview.print_button.isEnabled()


def test_a_printed_or_saved_preview_is_audited(window_for: Any, qtbot: Any,
                                               tmp_path: Path) -> None:
    """The preview renders a document without a trace; saving it or sending it to a
    printer leaves an entry in the audit log (who, which document, how)."""
    from PySide6.QtPrintSupport import QPrinter
    from sqlalchemy import select

    from salesdesk.db.models import AuditEntry
    from salesdesk_ui.dialogs.pdf_preview import PdfPreview

    window = window_for("rep1")
    ctx = window.ctx
    invoice = document_service.list_documents(ctx.db, ctx.actor, document_service.DocumentQuery(
        kind="invoice"))[0]

    def printed() -> list[tuple[Any, Any, str]]:
        with ctx.db.read() as session:
            return [(e.user_id, e.record_id, e.changes["how"][1]) for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "print")
                .order_by(AuditEntry.at, AuditEntry.id))]

    pdf = document_service.document_pdf(ctx.db, ctx.actor, invoice.id)
    preview = PdfPreview(pdf, invoice.display_name(), "x.pdf", window, on_output=(
        lambda how, stamped: document_service.note_output(ctx.db, ctx.actor, invoice.id, how,
                                                          stamped)))
    qtbot.addWidget(preview)
    assert printed() == []
    assert preview._write(str(tmp_path / "saved.pdf"))
    qtbot.waitUntil(lambda: len(printed()) == 1, timeout=10_000)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFileName(str(tmp_path / "raster.pdf"))
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    preview.print_pages(printer)
    qtbot.waitUntil(lambda: preview.job is None and len(printed()) == 2, timeout=60_000)
    assert printed() == [(ctx.actor.id, invoice.id, "saved"), (ctx.actor.id, invoice.id,
                                                               "printed")]


def test_the_preview_saves_an_email_draft(window_for: Any, qtbot: Any, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """"Save as e-mail draft…" writes an .eml with this document's PDF, addressed to the
    address the core chose, where the user says."""
    import email
    from email import policy as email_policy

    from PySide6.QtWidgets import QFileDialog

    from salesdesk_ui.dialogs.pdf_preview import PdfPreview

    window = window_for("rep1")
    ctx = window.ctx
    invoice = document_service.list_documents(ctx.db, ctx.actor, document_service.DocumentQuery(
        kind="invoice"))[0]
    target = tmp_path / "draft.eml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(target), "")))
    pdf = document_service.document_pdf(ctx.db, ctx.actor, invoice.id)
    preview = PdfPreview(pdf, invoice.display_name(), "x.pdf", window, email_draft=(
        lambda stamped: document_service.email_draft(ctx.db, ctx.actor, invoice.id,
                                                     to="buyer@example.ru",
                                                     stamped=stamped)))
    qtbot.addWidget(preview)
    assert not preview.draft_button.isHidden()
    preview.save_draft()
    qtbot.waitUntil(target.exists, timeout=20_000)
    message = email.message_from_bytes(target.read_bytes(), policy=email_policy.default)
    assert message["To"] == "buyer@example.ru"
    assert [a.get_filename() for a in message.iter_attachments()] == [f"{invoice.number}.pdf"]
    plain = PdfPreview(pdf, invoice.display_name(), "x.pdf", window)
    qtbot.addWidget(plain)
    assert plain.draft_button.isHidden()  # a report's preview has no e-mail draft


def test_a_cups_printer_gets_the_pdf_itself(window_for: Any, qtbot: Any, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Where CUPS prints (``lp``), the printer gets the vector PDF with the dialog's
    copies, duplex and pages, and the window does not wait for it."""
    import os
    import stat

    from PySide6.QtPrintSupport import QPrinter

    from salesdesk_ui.dialogs.pdf_preview import PdfPreview

    fake = tmp_path / "bin" / "lp"
    fake.parent.mkdir()
    record = tmp_path / "lp-args.txt"
    fake.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {record}\n"
                    f"for a; do last=\"$a\"; done\ncp \"$last\" {tmp_path / 'spooled.pdf'}\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")

    class Chosen:  # what QPrintDialog returns for a CUPS queue
        def printerName(self) -> str: return "Office"
        def docName(self) -> str: return "Счёт R1-0001"
        def copyCount(self) -> int: return 2
        def duplex(self) -> QPrinter.DuplexMode: return QPrinter.DuplexMode.DuplexLongSide
        def printRange(self) -> QPrinter.PrintRange: return QPrinter.PrintRange.PageRange
        def fromPage(self) -> int: return 1
        def toPage(self) -> int: return 1

    window = window_for("rep1")
    ctx = window.ctx
    invoice = document_service.list_documents(ctx.db, ctx.actor, document_service.DocumentQuery(
        kind="invoice"))[0]
    pdf = document_service.document_pdf(ctx.db, ctx.actor, invoice.id)
    preview = PdfPreview(pdf, invoice.display_name(), "x.pdf", window)
    qtbot.addWidget(preview)
    preview.spool(Chosen())  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: preview.spooling is None, timeout=20_000)
    args = record.read_text().split("\n")
    assert args[:6] == ["-d", "Office", "-t", "Счёт R1-0001", "-n", "2"]
    assert "sides=two-sided-long-edge" in args and "1-1" in args
    assert (tmp_path / "spooled.pdf").read_bytes() == pdf


def test_stamp_choice_contact_and_company_images(window_for: Any, qtbot: Any,
                                                 tmp_path: Path) -> None:
    """The head sets a stamp in Settings; an invoice's preview offers "with stamp and
    signatures"; a document names the contact chosen in the editor."""
    from salesdesk.services import company as company_service
    from salesdesk.services import contacts as contact_service
    from salesdesk_ui.dialogs.document_editor import DocumentEditor
    from salesdesk_ui.dialogs.pdf_preview import PdfPreview
    from tests.integration.test_branding import png

    head = window_for("head")
    page = head.show_page("settings")
    settle(qtbot)
    slot = page.image_slots["stamp"]
    assert slot.choose.isVisible()
    (tmp_path / "stamp.png").write_bytes(png())
    page.set_image("stamp", tmp_path / "stamp.png")
    settle(qtbot)
    assert page.ctx.company.stamp and not slot.preview.pixmap().isNull()
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    page.set_image("stamp", tmp_path / "bad.png")
    settle(qtbot)
    assert company_service.get_company(head.ctx.db, head.ctx.actor).stamp == \
        page.ctx.company.stamp  # a bad file changed nothing
    head.grab().save(str(tmp_path / "settings.png"))

    rep = window_for("rep1")
    ctx = rep.ctx
    assert not rep.show_page("settings").image_slots["stamp"].choose.isVisible()
    ctx.company = company_service.get_company(ctx.db, ctx.actor)
    client = client_service.list_clients(ctx.db, ctx.actor)[0]
    second = contact_service.add_contact(ctx.db, ctx.actor, client.id,
                                         {"name": "Яковлева Ирина Павловна"})
    editor = DocumentEditor(ctx, kind="invoice", client_id=client.id, parent=rep)
    qtbot.addWidget(editor)
    settle(qtbot)
    editor.contact.setCurrentIndex(editor.contact.findData(str(second.id)))
    assert editor.contact.currentIndex() > 0
    editor.add_line({"description": "Стол", "quantity": "1", "unit": "шт", "price": "1000",
                     "vat_rate": "22"})
    editor.save_draft()
    settle(qtbot)
    assert editor.record is not None and editor.record.contact_id == second.id
    issued = document_service.issue_document(ctx.db, ctx.actor, editor.record.id)
    assert issued.snapshot["buyer"]["contact"] == "Яковлева Ирина Павловна"
    editor.show_record(issued)
    shown: list[PdfPreview] = []
    from salesdesk_ui.dialogs import pdf_preview

    def capture(self: PdfPreview) -> int:
        shown.append(self)
        return 0

    original = pdf_preview.PdfPreview.exec
    pdf_preview.PdfPreview.exec = capture  # type: ignore[method-assign]
    try:
        editor.preview()
        settle(qtbot)
    finally:
        pdf_preview.PdfPreview.exec = original  # type: ignore[method-assign]
    [preview] = shown
    qtbot.addWidget(preview)
    assert preview.stamped.isVisibleTo(preview)
    plain = preview.pdf
    preview.stamped.setChecked(True)
    settle(qtbot)
    assert preview.pdf != plain and len(preview.pdf) > len(plain)


def test_dashboard_cards_charts_and_today(window_for: Any, qtbot: Any) -> None:
    window = window_for("manager1")
    page = window.show_page("dashboard")
    settle(qtbot)
    assert page.data is not None
    volume = page.cards["sales_volume"].value.text()
    assert volume not in ("", "—")
    assert "cac" not in page.cards  # CAC is the head's
    assert len(page.canvases) >= 7
    assert page.today_list.count() > 0
    assert page.cards["conversion_pct"].toolTip()  # the definition
    page.scope.setCurrentIndex(page.scope.findData("rep1"))
    settle(qtbot)
    assert page.data.current.scope == ["rep1"]


def test_targets_grid_respects_who_may_set(window_for: Any, qtbot: Any) -> None:
    window = window_for("manager1")
    page = window.show_page("team")
    settle(qtbot)
    grid = page.targets
    rows = {grid.verticalHeaderItem(r).text(): r for r in range(grid.rowCount())}
    rep_row = next(r for name, r in rows.items() if "Кузнецов" in name)
    own_row = next(r for name, r in rows.items() if "Соколов" in name)
    assert grid.item(own_row, 0).flags() & Qt.ItemFlag.ItemIsEditable == Qt.ItemFlag(0)
    grid.item(rep_row, 11).setText("1 234 000")
    settle(qtbot)
    from salesdesk.services import planning

    year = page.year.value()
    amounts = {(t.login, t.month.month): t.amount for t in planning.list_targets(
        window.ctx.db, window.ctx.actor, date(year, 1, 1), date(year, 12, 1))}
    assert amounts[("rep1", 12)] == Decimal("1234000.00")


def test_reports_tables_and_export(window_for: Any, qtbot: Any, tmp_path: Path) -> None:
    from salesdesk_ui.pages.reports import write_workbook

    window = window_for("head")
    page = window.show_page("reports")
    settle(qtbot)
    assert page.people.rowCount() >= 8 and page.months.rowCount() == 12
    target = tmp_path / "metrics.xlsx"
    write_workbook(target, [("people", page.people), ("months", page.months)])
    from openpyxl import load_workbook

    book = load_workbook(target)
    assert book.sheetnames == ["people", "months"]
    assert book["people"].max_row == page.people.rowCount() + 1


def test_global_search(window_for: Any, qtbot: Any) -> None:
    window = window_for("rep1")
    client = client_service.list_clients(window.ctx.db, window.ctx.actor)[0]
    window.search.setText(client.inn)
    window._run_search()
    settle(qtbot)
    assert window.popup.list.count() >= 1
    texts = [window.popup.list.item(i).text() for i in range(window.popup.list.count())]
    assert any(client.name in t for t in texts)


def test_login_dialog(demo_db: Any, qtbot: Any) -> None:
    from salesdesk_ui.dialogs.login import LoginDialog

    dialog = LoginDialog(demo_db, "rep1", is_demo=True)
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("wrong")
    dialog.try_login()
    settle(qtbot)
    assert dialog.error.isVisibleTo(dialog) and dialog.actor is None
    dialog.password_edit.setText("demo")
    dialog.try_login()
    settle(qtbot)
    assert dialog.actor is not None and dialog.actor.login == "rep1"


def test_first_run_wizard_creates_company_and_head(qtbot: Any, tmp_path: Path) -> None:
    from salesdesk.db.migrate import open_database
    from salesdesk.services.users import has_users
    from salesdesk_ui.dialogs.wizard import FirstRunWizard

    db = open_database(tmp_path / "new.db", create=True)
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    values = {"company": "Ромашка", "inn": "7707083893", "head_login": "boss",
              "head_name": "Иван Петров", "password": "secret1", "password2": "secret2"}
    for key, value in values.items():
        wizard.widgets[key].setText(value)
    wizard.save()
    settle(qtbot)
    assert wizard.actor is None and not has_users(db)
    assert "do not match" in wizard.errors["password2"].text()
    wizard.widgets["password2"].setText("secret1")
    wizard.save()
    settle(qtbot)
    assert wizard.actor is not None and has_users(db)
    db.dispose()


def test_start_shows_login_at_once_then_the_window(demo_db: Any, qtbot: Any,
                                                   monkeypatch: Any, tmp_path: Path) -> None:
    """`salesdesk --db FILE`: the login window first, the database opening behind it;
    logging in shows the main window; closing it quits."""
    from PySide6.QtCore import QSettings

    from salesdesk_ui import app as app_module

    private = str(tmp_path / "s.ini")
    monkeypatch.setattr(app_module, "QSettings",
                        lambda *_a: QSettings(private, QSettings.Format.IniFormat))
    location = str(demo_db.path)
    demo_db.dispose()
    controller = app_module.start(location, lang="en")
    quits: list[bool] = []
    monkeypatch.setattr(controller, "quit", lambda: quits.append(True))
    dialog = controller.dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    dialog.login_edit.setText("rep1")
    dialog.password_edit.setText("demo")
    dialog.try_login()  # pressed before the database is open: waits for it
    qtbot.waitUntil(lambda: controller.window is not None, timeout=20_000)
    settle(qtbot)
    window = controller.window
    qtbot.addWidget(window)
    assert window.ctx.actor.login == "rep1" and not dialog.isVisible()
    assert "demo" in dialog.hint.text()
    window.close()
    assert quits == [True]


def test_dashboard_opens_on_a_period_with_data_and_compares_like_with_like(
        window_for: Any, qtbot: Any) -> None:
    """On the 1st of a month (the tests' day, or any other) the dashboard opens on a view
    with data, says which days it compares, and never shows ▼100 % for days not yet lived."""
    from salesdesk.metrics.engine import Period
    from salesdesk_ui.pages.dashboard import comparison_text, default_choice

    window = window_for("head")
    page = window.show_page("dashboard")
    settle(qtbot)
    assert page.period.currentIndex() == default_choice(TODAY)
    month = Period.month(TODAY.year, TODAY.month)
    shown = month.previous() if TODAY.day <= 7 else month.so_far(TODAY)
    assert page.data.current.period == shown
    assert page.compared.text() == comparison_text(shown, shown.previous_like(TODAY))
    assert page.data.current["deals_won"] > 0 and page.data.current["collected"] > 0
    assert all("▼ 100" not in card.delta.text() for card in page.cards.values())
    # "This month" is this month so far against as many days of the month before.
    page.period.setCurrentIndex(0)
    settle(qtbot)
    so_far = month.so_far(TODAY)
    assert page.data.current.period == so_far
    assert page.data.previous.period == month.previous_like(TODAY)
    assert page.data.previous.period.days == min(so_far.days, month.previous().days)


def test_report_months_are_calendar_months_with_the_default_one_chosen(
        window_for: Any, qtbot: Any) -> None:
    from salesdesk.services.reports import default_report_month

    window = window_for("head")
    page = window.show_page("reports")
    settle(qtbot)
    months = [page.month.itemData(i) for i in range(page.month.count())]
    assert months[0] == TODAY.replace(day=1)
    assert all(a.day == 1 and (a - b).days in (28, 29, 30, 31)
               for a, b in pairwise(months))
    assert page.period().start == default_report_month(TODAY)


def test_import_wizard_maps_checks_and_imports(window_for: Any, qtbot: Any,
                                               tmp_path: Path) -> None:
    """A Bitrix24 file through the wizard: the columns recognised (one changed by hand),
    a dry run that writes nothing, the import with its progress; the mapping is offered
    again for the next file with the same header."""
    from salesdesk_ui.dialogs.import_wizard import ImportWizard

    window = window_for("head")
    ctx = window.ctx
    path = tmp_path / "COMPANY.csv"
    path.write_bytes("ID;Название компании;Ответственный;Рабочий телефон;Регион\n"
                     "1;ООО «Импортёр»;Кузнецов Пётр Андреевич;+7 495 700-00-01;Самара\n"
                     .encode("cp1251"))
    wizard = ImportWizard(window, ctx, "clients")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.columns_page
    combos = wizard.columns_page.combos
    assert combos[1].currentData() == "name" and combos[2].currentData() == "owner"
    assert combos[4].currentData() == "-"  # "Регион" is not known: the user says it is
    combos[4].setCurrentIndex(combos[4].findData("city"))
    wizard.next()
    settle(qtbot)
    assert wizard.currentPage() is wizard.check_page
    assert "1 created" in wizard.check_page.text.toPlainText()
    query = client_service.ClientQuery(text="Импортёр")
    assert client_service.list_clients(ctx.db, ctx.actor, query) == []
    wizard.next()
    settle(qtbot)
    qtbot.waitUntil(lambda: wizard.run_page.done, timeout=20_000)
    [client] = client_service.list_clients(ctx.db, ctx.actor, query)
    assert client.city == "Самара" and client.owner_name == "Кузнецов Пётр Андреевич"
    assert wizard.run_page.bar.value() == wizard.run_page.bar.maximum()
    again = ImportWizard(window, ctx, "clients")
    qtbot.addWidget(again)
    again.show()
    again.file_page.path.setText(str(path))
    again.next()
    assert again.columns_page.combos[4].currentData() == "city"  # remembered


def test_a_cancelled_import_writes_nothing(office: Any, tmp_path: Path) -> None:
    from salesdesk.importer import ImportCancelled, import_file

    path = tmp_path / "many.csv"
    path.write_text("name\n" + "".join(f"ООО «Клиент {i}»\n" for i in range(600)),
                    encoding="utf-8")
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 500  # the user presses Cancel half-way

    with pytest.raises(ImportCancelled):
        import_file(office.db, office.head, "clients", path, progress=progress)
    assert seen[:2] == [0, 250]
    assert client_service.list_clients(office.db, office.head) == []
