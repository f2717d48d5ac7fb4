"""Every amount field of the window reads back exactly what it shows, in both languages.

A user types 1 234 567,89 in the Russian window and 1,234,567.89 in the English one
into each amount field (deal, product, document line, payment, target cell, marketing
spend), saves, opens the record again and finds the same value, and the same text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from salesdesk.i18n import format_money, set_language
from salesdesk.money import format_amount
from salesdesk.services import clients as client_service
from salesdesk.services import deals as deal_service
from salesdesk.services import documents as document_service
from salesdesk.services import planning, products
from tests import TODAY
from tests.ui.conftest import settle

VALUE = Decimal("1234567.89")
TYPED = {"ru": "1 234 567,89", "en": "1,234,567.89"}


@pytest.fixture(params=["ru", "en"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    set_language(request.param)
    yield request.param
    set_language("en")


def _form(parent: Any) -> Any:
    from salesdesk_ui.forms import FormDialog

    found = parent.findChildren(FormDialog)
    assert found, "no form opened"
    return found[-1]


def _save(qtbot: Any, dialog: Any) -> None:
    assert dialog.save_button.isEnabled(), {k: e.text() for k, e in dialog.errors.items()}
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save()
    settle(qtbot)


def test_deal_and_product_amounts(window_for: Any, qtbot: Any, lang: str) -> None:
    from salesdesk_ui.dialogs.record_forms import deal_form, product_form

    window = window_for("manager1")
    ctx = window.ctx
    client = client_service.list_clients(ctx.db, ctx.actor)[0]
    deal = deal_service.create_deal(ctx.db, ctx.actor, client.id,
                                    {"title": "Сумма", "amount": "1"})
    dialog = deal_form(window, ctx, None, record=deal)
    qtbot.addWidget(dialog)
    dialog.widgets["amount"].setText(TYPED[lang])
    _save(qtbot, dialog)
    saved = deal_service.get_deal(ctx.db, ctx.actor, deal.id)
    assert saved.amount == VALUE
    again = deal_form(window, ctx, None, record=saved)
    qtbot.addWidget(again)
    assert again.widgets["amount"].text() == format_amount(VALUE, lang)
    _save(qtbot, again)  # saving what is shown changes nothing
    assert deal_service.get_deal(ctx.db, ctx.actor, deal.id).amount == VALUE

    product = product_form(window, ctx)
    qtbot.addWidget(product)
    product.widgets["name"].setText(f"Стеллаж {lang}")
    product.widgets["price"].setText(TYPED[lang])
    _save(qtbot, product)
    made = next(p for p in products.list_products(ctx.db, ctx.actor)
                if p.name == f"Стеллаж {lang}")
    assert made.price == VALUE
    reopened = product_form(window, ctx, record=made)
    qtbot.addWidget(reopened)
    assert reopened.widgets["price"].text() == format_amount(VALUE, lang)


def test_document_line_and_payment(window_for: Any, qtbot: Any, lang: str) -> None:
    from salesdesk_ui.dialogs.document_editor import DocumentEditor

    window = window_for("manager1")
    ctx = window.ctx
    client = client_service.list_clients(ctx.db, ctx.actor)[0]
    editor = DocumentEditor(ctx, kind="invoice", client_id=client.id, parent=window)
    qtbot.addWidget(editor)
    editor.add_line({"description": "Монтаж", "quantity": "1"})
    editor.table.item(0, 1).setText({"ru": "1,5", "en": "1.5"}[lang])
    editor.table.item(0, 3).setText(TYPED[lang])
    editor.table.item(0, 4).setText({"ru": "12,5", "en": "12.5"}[lang])
    editor.save_draft(then=lambda record: None)
    settle(qtbot)
    record = document_service.get_document(ctx.db, ctx.actor, editor.record.id)
    line = record.lines[0]
    assert (line.quantity, line.price, line.discount_pct) == (
        Decimal("1.5"), VALUE, Decimal("12.5"))
    reopened = DocumentEditor(ctx, record=record, parent=window)
    qtbot.addWidget(reopened)
    assert reopened.table.item(0, 3).text() == format_amount(VALUE, lang)
    assert reopened.table.item(0, 1).text() == format_amount(Decimal("1.5"), lang, "quantity")
    # The running totals read the cells back in the window's language too.
    assert format_money(record.total, lang) in reopened.totals.text()

    issued = document_service.issue_document(ctx.db, ctx.actor, record.id)
    reopened.show_record(issued)
    reopened.record_payment()
    payment = _form(reopened)
    assert payment.widgets["amount"].text() == format_amount(issued.total, lang)
    payment.widgets["amount"].setText(TYPED[lang])
    _save(qtbot, payment)
    paid = document_service.get_document(ctx.db, ctx.actor, issued.id)
    assert paid.paid_total == VALUE


def test_target_cell_and_marketing_spend(window_for: Any, qtbot: Any, lang: str) -> None:
    window = window_for("head")
    ctx = window.ctx
    page = window.show_page("team")
    settle(qtbot)
    grid = page.targets
    row = next(r for r in range(grid.rowCount())
               if "Кузнецов" in grid.verticalHeaderItem(r).text())
    grid.item(row, 0).setText(TYPED[lang])
    settle(qtbot)
    year = page.year.value()
    amounts = {(t.login, t.month.month): t.amount for t in planning.list_targets(
        ctx.db, ctx.actor, date(year, 1, 1), date(year, 12, 1))}
    assert amounts[("rep1", 1)] == VALUE
    assert grid.item(row, 0).text() == format_amount(VALUE, lang)

    strategy = window.show_page("strategy")
    settle(qtbot)
    strategy.add_spend()
    dialog = _form(strategy)
    dialog.widgets["channel"].setCurrentText("Партнёрская рассылка")
    dialog.widgets["amount"].setText(TYPED[lang])
    _save(qtbot, dialog)
    spent = [s for s in planning.list_spend(ctx.db, ctx.actor, TODAY.replace(day=1), TODAY)
             if s.channel == "Партнёрская рассылка"]
    assert [s.amount for s in spent] == [VALUE]


def test_a_russian_amount_in_the_english_window_is_refused_not_misread(
        window_for: Any, qtbot: Any) -> None:
    from salesdesk_ui.dialogs.record_forms import product_form

    set_language("en")
    window = window_for("head")
    dialog = product_form(window, window.ctx)
    qtbot.addWidget(dialog)
    dialog.widgets["name"].setText("Кресло")
    dialog.widgets["price"].setText("6 000,50")
    dialog.widgets["price"].editingFinished.emit()
    assert "1,234,567.89" in dialog.errors["price"].text()
    assert not dialog.save_button.isEnabled()
    dialog.widgets["price"].setText("6,000")
    dialog.widgets["price"].editingFinished.emit()
    _save(qtbot, dialog)
    made = next(p for p in products.list_products(window.ctx.db, window.ctx.actor)
                if p.name == "Кресло")
    assert made.price == Decimal("6000.00")
