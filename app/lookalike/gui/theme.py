"""The window's look: the desktop's own (system), or a light or dark one of Qt's Fusion style.

A light or dark choice replaces the application's style and palette; "system" puts back the
ones the application started with, so nothing is left of an earlier choice. Every painter in
Lookalike draws with palette roles, so a theme changes all of it at once.
"""

from __future__ import annotations

import enum

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from lookalike.gui.i18n import QT_TRANSLATE_NOOP


class Theme(enum.Enum):
    """The choices of View ▸ Theme."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


# Marked for translation; the window's menu shows them through QCoreApplication.translate.
THEME_LABELS = {
    Theme.SYSTEM: QT_TRANSLATE_NOOP("MainWindow", "&System"),
    Theme.LIGHT: QT_TRANSLATE_NOOP("MainWindow", "&Light"),
    Theme.DARK: QT_TRANSLATE_NOOP("MainWindow", "&Dark"),
}

_DARK = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.AlternateBase: "#2a2a2a",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#353535",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8a8a8a",
    QPalette.ColorRole.Link: "#7fb2ff",
    QPalette.ColorRole.Mid: "#4a4a4a",
    QPalette.ColorRole.Midlight: "#3f3f3f",
    QPalette.ColorRole.Dark: "#202020",
    QPalette.ColorRole.Shadow: "#141414",
    QPalette.ColorRole.Light: "#505050",
}
_DARK_DISABLED = {
    QPalette.ColorRole.Text: "#7a7a7a",
    QPalette.ColorRole.ButtonText: "#7a7a7a",
    QPalette.ColorRole.WindowText: "#7a7a7a",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


class _Startup:
    """The style and palette the application started with (what "system" goes back to)."""

    style_name: str | None = None
    palette: QPalette | None = None


_current = Theme.SYSTEM


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Give ``app`` the look of ``theme``."""
    global _current
    if theme is _current:
        return
    if _Startup.style_name is None:
        _Startup.style_name = app.style().name()
        _Startup.palette = QPalette(app.palette())
    if theme is Theme.SYSTEM:
        app.setStyle(_Startup.style_name)
        if _Startup.palette is not None:
            app.setPalette(_Startup.palette)
    else:
        app.setStyle("Fusion")
        style = app.style()
        app.setPalette(dark_palette() if theme is Theme.DARK else style.standardPalette())
    _current = theme
