"""The window's e-mail and files: the send dialog fills the template and sends through
a real SMTP server; a message made while the server is down waits in the outbox (the
top bar says so) and leaves with the window's next try; the mail settings keep the
server; a client's files are attached, opened and removed from its card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl

from salesdesk import mail
from salesdesk.services import attachments, clients, documents
from tests.integration.test_mail import LOGIN, SECRET, Server
from tests.ui.conftest import settle

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def smtp() -> Any:
    server = Server()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail, "_keyring", lambda: None)
    monkeypatch.delenv(mail.PASSWORD_ENV, raising=False)


def _invoice(ctx: Any) -> documents.DocumentRecord:
    client = clients.create_client(ctx.db, ctx.actor, {"name": "ООО «Получатель»",
                                                       "email": "buh@poluchatel.ru"}).client
    draft = documents.create_document(ctx.db, ctx.actor, "invoice", client.id, lines=[
        {"description": "Кресло", "quantity": "2", "unit": "шт", "price": "1500"}])
    return documents.issue_document(ctx.db, ctx.actor, draft.id)


def test_the_send_dialog_sends_the_invoice(window_for: Any, qtbot: Any, smtp: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from salesdesk_ui.dialogs import send_dialog

    window = window_for("rep1")
    ctx = window.ctx
    smtp.start()
    mail.set_mail_server(ctx.db, ctx.actor, "127.0.0.1", smtp.port, "none", LOGIN,
                         "rep1@vektor.ru")
    invoice = _invoice(ctx)
    asked: list[str] = []
    monkeypatch.setattr(send_dialog, "ask_password",
                        lambda _p, login: asked.append(login) or SECRET)
    dialog = send_dialog.SendDialog(ctx, invoice, window)
    qtbot.addWidget(dialog)
    settle(qtbot)
    assert dialog.to.text() == "buh@poluchatel.ru"
    assert invoice.number in dialog.subject.text()
    assert dialog.send_button.isEnabled() and "rep1@vektor.ru" in dialog.note.text()
    dialog.body.setPlainText(dialog.body.toPlainText() + "\nP.S. Доставка в пятницу.")
    dialog.send()
    settle(qtbot)
    assert asked == [LOGIN]  # no keyring here: asked once, never kept
    [message] = smtp.inbox.messages()
    assert message["To"] == "buh@poluchatel.ru"
    assert "P.S. Доставка в пятницу." in message.get_body(("plain",)).get_content()
    assert "was sent" in dialog.outcome
    assert documents.get_document(ctx.db, ctx.actor, invoice.id).status == "sent"


def test_a_message_made_offline_waits_and_leaves_with_the_next_try(
        window_for: Any, qtbot: Any, smtp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from salesdesk_ui.dialogs import send_dialog

    monkeypatch.setenv(mail.PASSWORD_ENV, SECRET)
    window = window_for("rep1")
    ctx = window.ctx
    mail.set_mail_server(ctx.db, ctx.actor, "127.0.0.1", smtp.port, "none", LOGIN,
                         "rep1@vektor.ru")  # nothing listens yet: the laptop is offline
    invoice = _invoice(ctx)
    dialog = send_dialog.SendDialog(ctx, invoice, window)
    qtbot.addWidget(dialog)
    settle(qtbot)
    dialog.send()
    settle(qtbot)
    assert "waits in the outbox" in dialog.outcome and "cannot be reached" in dialog.outcome
    settle(qtbot)
    assert window.outbox_button.isVisibleTo(window)
    assert window.outbox_button.text() == "Outbox · 1"
    outbox = window.open_outbox()
    qtbot.addWidget(outbox)
    settle(qtbot)
    assert outbox.table.rowCount() == 1 and outbox.table.item(0, 0).text() == "Waiting"
    smtp.start()  # the connection returns
    window.flush_outbox()  # what the window's timer does every minute
    settle(qtbot)
    assert len(smtp.inbox.envelopes) == 1
    assert not window.outbox_button.isVisibleTo(window)


def test_mail_settings_keep_the_server(window_for: Any, qtbot: Any,
                                       errors: list[BaseException]) -> None:
    window = window_for("rep1")
    page = window.show_page("settings")
    settle(qtbot)
    tab = page.mail_tab
    tab.host.setText("smtp example")  # a space: refused by the core, by its field
    tab.save()
    settle(qtbot)
    assert errors and "Server" in str(errors[0])
    assert mail.mail_server(window.ctx.db, window.ctx.actor) is None
    tab.host.setText("smtp.yandex.ru")
    tab.security.setCurrentIndex(tab.security.findData("tls"))
    assert tab.port.value() == 465
    tab.login.setText("rep1@vektor.ru")
    tab.password.setText("never-stored")
    tab.save()
    settle(qtbot)
    server = mail.mail_server(window.ctx.db, window.ctx.actor)
    assert server is not None and (server.host, server.port, server.security) == (
        "smtp.yandex.ru", 465, "tls")
    assert tab.password.text() == ""


def test_files_on_the_client_card(window_for: Any, qtbot: Any, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from salesdesk_ui import files_panel
    from salesdesk_ui.dialogs.client_card import ClientCard

    window = window_for("rep1")
    ctx = window.ctx
    client = clients.create_client(ctx.db, ctx.actor, {"name": "ООО «Файлы»"}).client
    scan = tmp_path / "Договор поставки.pdf"
    scan.write_bytes(b"%PDF-1.4 a signed contract")
    monkeypatch.setattr(files_panel, "choose_files", lambda _p: [str(scan)])
    opened: list[QUrl] = []
    monkeypatch.setattr(files_panel, "open_url", lambda url: opened.append(url) or True)
    card = ClientCard(ctx, client.id, window)
    qtbot.addWidget(card)
    card.show()
    settle(qtbot)
    panel = card.files_panel
    assert panel.table.rowCount() == 0 and panel.note.isVisibleTo(panel)
    panel.attach()
    settle(qtbot)
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 0).text() == "Договор поставки.pdf"
    assert card.tabs.tabText(card.files_index).endswith("(1)")
    panel.table.selectRow(0)
    panel.open_selected()
    settle(qtbot)
    [url] = opened
    shown = Path(url.toLocalFile())
    assert shown.name == "Договор поставки.pdf" and shown.read_bytes() == scan.read_bytes()
    panel.remove_selected()
    settle(qtbot)
    assert panel.table.rowCount() == 0
    assert attachments.list_files(ctx.db, ctx.actor, "clients", client.id) == []
