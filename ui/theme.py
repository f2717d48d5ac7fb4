"""The window's look: Fusion style, one accent colour, light or dark following the system,
icons from one set (Material Design Icons through qtawesome), spacing on a 4/8 px grid."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from salesdesk.palette import ACCENT, BAD, GOOD, MUTED, PLAN

SPACING = 8
ACCENT_COLOR = QColor(ACCENT)
GOOD_COLOR = QColor(GOOD)
BAD_COLOR = QColor(BAD)
WARN_COLOR = QColor(PLAN)
MUTED_COLOR = QColor(MUTED)

# Status pills: background and text per status code (documents, deals, requests).
PILLS: dict[str, tuple[str, str]] = {
    "draft": ("#E5E7EB", "#374151"), "issued": ("#DBEAFE", "#1E40AF"),
    "sent": ("#E0E7FF", "#3730A3"), "accepted": ("#DCFCE7", "#166534"),
    "rejected": ("#FEE2E2", "#991B1B"), "expired": ("#FEF3C7", "#92400E"),
    "partially_paid": ("#FEF3C7", "#92400E"), "paid": ("#DCFCE7", "#166534"),
    "overdue": ("#FEE2E2", "#991B1B"), "cancelled": ("#F3F4F6", "#6B7280"),
    "new": ("#E0F2FE", "#075985"), "qualified": ("#DBEAFE", "#1E40AF"),
    "proposal": ("#E0E7FF", "#3730A3"), "negotiation": ("#EDE9FE", "#5B21B6"),
    "won": ("#DCFCE7", "#166534"), "lost": ("#FEE2E2", "#991B1B"),
    "open": ("#FEF3C7", "#92400E"), "answered": ("#DBEAFE", "#1E40AF"),
    "closed": ("#F3F4F6", "#6B7280"), "lead": ("#E0F2FE", "#075985"),
    "active": ("#DCFCE7", "#166534"), "inactive": ("#F3F4F6", "#6B7280"),
}


def is_dark() -> bool:
    """True when the system asks for a dark colour scheme."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        return bool(scheme() == Qt.ColorScheme.Dark)
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def apply(app: QApplication) -> None:
    """Fusion, the system's light or dark palette with our accent, a readable base font."""
    app.setStyle("Fusion")
    palette = app.style().standardPalette()
    if is_dark():
        palette = _dark_palette()
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT_COLOR)
    palette.setColor(QPalette.ColorRole.Link, ACCENT_COLOR)
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    app.setPalette(palette)
    font = app.font()
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#1F2329"), (QPalette.ColorRole.WindowText, "#E5E7EB"),
        (QPalette.ColorRole.Base, "#16191D"), (QPalette.ColorRole.AlternateBase, "#22272E"),
        (QPalette.ColorRole.Text, "#E5E7EB"), (QPalette.ColorRole.Button, "#2A2F36"),
        (QPalette.ColorRole.ButtonText, "#E5E7EB"), (QPalette.ColorRole.ToolTipBase, "#2A2F36"),
        (QPalette.ColorRole.ToolTipText, "#E5E7EB"), (QPalette.ColorRole.PlaceholderText,
                                                      "#6B7280"),
    ):
        palette.setColor(role, QColor(color))
    return palette


# Only layout and the accent live here; colours of text and surfaces come from the palette,
# so the dark scheme works without a second stylesheet.
STYLESHEET = f"""
QPushButton[primary="true"] {{
    background: {ACCENT}; color: white; border: none; border-radius: 4px;
    padding: 6px 14px; font-weight: bold;
}}
QPushButton[primary="true"]:disabled {{ background: #93B4F0; }}
QPushButton[chip="true"] {{
    border: 1px solid palette(mid); border-radius: 12px; padding: 3px 10px;
}}
QPushButton[chip="true"]:checked {{
    background: {ACCENT}; color: white; border-color: {ACCENT};
}}
QFrame[card="true"] {{
    border: 1px solid palette(midlight); border-radius: 6px; background: palette(base);
}}
QLabel[role="title"] {{ font-size: 15pt; font-weight: bold; }}
QLabel[role="subtitle"] {{ color: palette(mid); }}
QLabel[role="metric"] {{ font-size: 17pt; font-weight: bold; }}
QLabel[role="error"] {{ color: {BAD}; font-size: 8.5pt; }}
QLabel[role="muted"] {{ color: #6B7280; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"],
QDateEdit[invalid="true"] {{ border: 1px solid {BAD}; border-radius: 3px; }}
QListWidget#sidebar {{ border: none; background: palette(window); font-size: 10pt; }}
QListWidget#sidebar::item {{ padding: 8px 10px; border-radius: 4px; }}
QListWidget#sidebar::item:selected {{ background: {ACCENT}; color: white; }}
QFrame#banner {{ background: #FEF3C7; border: 1px solid #F59E0B; border-radius: 4px; }}
QFrame#banner QLabel {{ color: #92400E; }}
"""


@lru_cache(maxsize=256)
def icon(name: str, color: str | None = None) -> QIcon:
    """A Material Design icon (``mdi6.…``) from qtawesome, tinted for the scheme."""
    import qtawesome

    tint = color or ("#E5E7EB" if is_dark() else "#374151")
    return qtawesome.icon(name, color=tint)


def title_font(step: int = 1) -> QFont:
    """The system font one (or two) steps up, bold."""
    font = QApplication.font()
    font.setPointSizeF(font.pointSizeF() + 2 * step)
    font.setBold(True)
    return font
