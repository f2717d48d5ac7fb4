"""Layouts that fit a 1366×768 window in both languages: charts reflow to one column,
big amounts keep their currency sign, the board's columns and the lists' columns are
all in view."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics

from salesdesk.i18n import set_language
from tests.ui.conftest import settle


@pytest.fixture(params=["ru", "en"])
def lang(request: pytest.FixtureRequest) -> Any:
    set_language(request.param)
    yield request.param
    set_language("en")


def test_dashboard_charts_reflow_and_cards_keep_their_currency(
        window_for: Any, qtbot: Any, lang: str) -> None:
    window = window_for("head")
    page = window.show_page("dashboard")
    settle(qtbot)
    assert page.chart_columns == 1  # 1366 pixels: one chart per row, each at full size
    assert all(c.width() >= page.CHART_WIDTH for c in page.canvases)
    for card in page.cards.values():
        text = card.value.text()
        room = card.width() - 24
        assert QFontMetrics(card.value.font()).horizontalAdvance(text) <= room, (lang, text)
    window.resize(1920, 1080)
    settle(qtbot)
    assert page.chart_columns == 2
    window.resize(1366, 768)
    settle(qtbot)
    assert page.chart_columns == 1


def test_the_board_shows_every_stage_at_1366(window_for: Any, qtbot: Any, lang: str) -> None:
    window = window_for("head")
    page = window.show_page("deals")
    settle(qtbot)
    column = next(iter(page.columns.values()))
    assert column.board.horizontalScrollBar().maximum() == 0  # nothing off-screen


def test_list_columns_fit_at_1366(window_for: Any, qtbot: Any, lang: str) -> None:
    window = window_for("head")
    page = window.show_page("clients")
    settle(qtbot)
    assert page.view.horizontalScrollBar().maximum() == 0
    deals = window.show_page("deals")
    deals.set_view("table")
    settle(qtbot)
    header = deals.table.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(2, deals.model.columnCount()):  # title and client stretch
        title = str(deals.model.headerData(column, 1))  # Qt.Horizontal
        assert header.sectionSize(column) >= metrics.horizontalAdvance(title) + 16, title
    assert deals.table.horizontalScrollBar().maximum() == 0
