"""The core's matplotlib figures in the window (FigureCanvasQTAgg), drawn only when seen.

matplotlib redraws a canvas on a timer after every resize, even when it is scrolled out
of sight or not laid out yet; on a dashboard of eight charts that more than doubled the
time to the first paint. This canvas keeps the redraw pending until Qt paints it, which
Qt does only for what is on screen (a resize always brings a paint). A figure given as
a function is not even made until then: building a matplotlib figure (axes, ticks,
legends) costs more than drawing it, and the first paint of the dashboard needs one or
two of its eight.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg


class ChartCanvas(FigureCanvasQTAgg):
    """A canvas that draws its figure when (and only when) Qt paints it."""

    def __init__(self, figure: Any) -> None:
        super().__init__(figure)
        self.draws = 0
        self.made = 0
        """How many figures this canvas has made from the functions it was given."""
        self._painting = False
        self._make: Callable[[], Any] | None = None
        self._clicked: Callable[[Any], None] | None = None

    def paintEvent(self, event: Any) -> None:
        self._make_pending()
        self._painting = True
        try:
            super().paintEvent(event)
        finally:
            self._painting = False

    def _draw_idle(self) -> None:
        if not self._painting:
            return  # still pending: the next paint draws it
        super()._draw_idle()

    def draw(self) -> None:
        self._make_pending()
        self.draws += 1
        super().draw()

    def show_later(self, make: Callable[[], Any],
                   clicked: Callable[[Any], None] | None = None) -> None:
        """Show the figure ``make()`` returns, made when the canvas is first painted;
        ``clicked`` gets its mouse clicks (matplotlib keeps them with the figure)."""
        self._make, self._clicked = make, clicked
        self.update()

    def _make_pending(self) -> None:
        if self._make is not None:
            make, self._make = self._make, None
            self.made += 1
            self.show_figure(make())
            if self._clicked is not None:
                self.mpl_connect("button_press_event", self._clicked)

    def show_figure(self, figure: Any) -> None:
        """Show another figure in this canvas (drawn at the next paint)."""
        self._make = None
        dpi = figure.dpi
        figure.set_size_inches(max(self.width(), 1) * self.device_pixel_ratio / dpi,
                               max(self.height(), 1) * self.device_pixel_ratio / dpi,
                               forward=False)
        self.figure = figure
        figure.set_canvas(self)
        self.draw_idle()
        self.update()
