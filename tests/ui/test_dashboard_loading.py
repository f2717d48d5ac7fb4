"""The dashboard while its figures load: a loading state that says what is being worked
out, the old figures greyed out until the new ones arrive, only the newest answer
shown, and charts made only when they come into view."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QApplication

from salesdesk.metrics.engine import Period
from tests.ui.conftest import settle


def test_a_new_period_shows_a_loading_state_until_its_figures_arrive(
        window_for: Any, qtbot: Any) -> None:
    window = window_for("head")
    page = window.show_page("dashboard")
    settle(qtbot)
    assert not page.is_loading and page.inner.isEnabled()
    year = page.period.findText("This year")
    page.period.setCurrentIndex(year)
    # Asked, not yet answered: the bar is up, the figures shown are greyed out.
    assert page.is_loading and not page.inner.isEnabled()
    assert str(page.today.year) in page.loading_text.text()
    settle(qtbot)
    assert not page.is_loading and page.inner.isEnabled()
    assert page.data.current.period.start == date(page.today.year, 1, 1)


def test_only_the_newest_question_is_answered_on_screen(window_for: Any, qtbot: Any) -> None:
    window = window_for("head")
    page = window.show_page("dashboard")
    settle(qtbot)
    page.period.setCurrentIndex(page.period.findText("This year"))
    page.period.setCurrentIndex(page.period.findText("Last month"))  # changed its mind
    settle(qtbot)
    month = Period.month(page.today.year, page.today.month).previous()
    assert page.data.current.period == month
    assert not page.is_loading


def test_charts_are_made_when_they_come_into_view(window_for: Any, qtbot: Any) -> None:
    window = window_for("head")
    page = window.show_page("dashboard")
    settle(qtbot)
    page.repaint()
    QApplication.processEvents()
    made = [c.made for c in page.canvases]
    assert made[0] == 1  # the first chart is in view at 1366×768
    assert 0 in made     # those below the fold are not made yet
    bar = page.scroll.verticalScrollBar()
    for value in range(0, bar.maximum() + 300, 250):
        bar.setValue(value)
        page.repaint()
        QApplication.processEvents()
    assert all(c.made == 1 for c in page.canvases)
    # The sales chart still answers clicks on its bars (matplotlib keeps them with the
    # figure, which is made late).
    assert page.canvases[0].callbacks.callbacks.get("button_press_event")
