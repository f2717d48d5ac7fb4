"""What a page is: a widget with a key, a title, an icon, and a refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from .. import theme

if TYPE_CHECKING:
    from ..context import AppContext
    from ..main_window import MainWindow


class Page(QWidget):
    """A page of the sidebar. Subclasses set ``key``, ``title`` and ``icon_name``."""

    key = "page"
    title = ""
    icon_name = "mdi6.circle-outline"
    watches: frozenset[str] = frozenset()
    """The kinds of record the page shows: another widget's write of one refreshes it
    while it is on screen (:mod:`salesdesk_ui.changes`)."""

    def __init__(self, ctx: AppContext, window: MainWindow | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.window_ = window
        self.setObjectName(f"page_{self.key}")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(theme.SPACING * 3, theme.SPACING * 2,
                                        theme.SPACING * 3, theme.SPACING * 2)
        self.layout_.setSpacing(theme.SPACING)
        self._activated = False
        if self.watches:
            from ..changes import follow

            self.follower = follow(self, self.watches, self.refresh, later=False)

    def activate(self) -> None:
        """The page is shown: load its data the first time, refresh later."""
        self.refresh()
        self._activated = True

    def refresh(self) -> None:
        """Load the page's data again."""

    def open_record(self, kind: str, record_id: Any) -> None:
        """Ask the window to show a record (a client card, a document)."""
        if self.window_ is not None:
            self.window_.open_record(kind, record_id)
