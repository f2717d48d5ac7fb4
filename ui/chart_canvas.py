"""The core's matplotlib figures in the window (FigureCanvasQTAgg), drawn only when seen.

matplotlib redraws a canvas on a timer after every resize, even when it is scrolled out
of sight or not laid out yet; on a dashboard of eight charts that more than doubled the
time to the first paint. This canvas keeps the redraw pending until Qt paints it, which
Qt does only for what is on screen (a resize always brings a paint).
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg


class ChartCanvas(FigureCanvasQTAgg):
    """A canvas that draws its figure when (and only when) Qt paints it."""

    def __init__(self, figure: Any) -> None:
        super().__init__(figure)
        self.draws = 0
        self._painting = False

    def paintEvent(self, event: Any) -> None:
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
        self.draws += 1
        super().draw()

    def show_figure(self, figure: Any) -> None:
        """Show another figure in this canvas (drawn at the next paint)."""
        dpi = figure.dpi
        figure.set_size_inches(max(self.width(), 1) * self.device_pixel_ratio / dpi,
                               max(self.height(), 1) * self.device_pixel_ratio / dpi,
                               forward=False)
        self.figure = figure
        figure.set_canvas(self)
        self.draw_idle()
        self.update()
