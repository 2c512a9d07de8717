"""Light and dark palettes, and the colours the canvas derives from the active palette.

The canvas reads its colours from ``QApplication.palette()`` at paint time, so switching the theme
only needs a repaint; category hues are fixed so a Dense node looks the same in both themes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")

CATEGORY_COLORS = {
    "Core": "#4C78A8",
    "Activations": "#F58518",
    "Convolution": "#54A24B",
    "Recurrent": "#B279A2",
    "Graph": "#9D755D",
    "Merge": "#2A9D8F",
}
ERROR_COLOR = QColor("#D62728")
WARNING_COLOR = QColor("#E8A317")
ACCENT_COLOR = QColor("#2F80ED")
OK_COLOR = QColor("#2CA02C")


def light_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#F3F4F6", QPalette.ColorRole.WindowText: "#1F2328",
        QPalette.ColorRole.Base: "#FFFFFF", QPalette.ColorRole.AlternateBase: "#F6F8FA",
        QPalette.ColorRole.Text: "#1F2328", QPalette.ColorRole.Button: "#EEF0F3",
        QPalette.ColorRole.ButtonText: "#1F2328", QPalette.ColorRole.Highlight: "#2F80ED",
        QPalette.ColorRole.HighlightedText: "#FFFFFF", QPalette.ColorRole.ToolTipBase: "#FFFFE8",
        QPalette.ColorRole.ToolTipText: "#1F2328", QPalette.ColorRole.PlaceholderText: "#8A9099",
        QPalette.ColorRole.Link: "#0969DA", QPalette.ColorRole.Mid: "#C8CCD2",
        QPalette.ColorRole.Dark: "#A0A6AE", QPalette.ColorRole.Light: "#FFFFFF",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9AA0A6"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#9AA0A6"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9AA0A6"))
    return p


def dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#25272B", QPalette.ColorRole.WindowText: "#E6E6E6",
        QPalette.ColorRole.Base: "#1C1D20", QPalette.ColorRole.AlternateBase: "#2A2C31",
        QPalette.ColorRole.Text: "#E6E6E6", QPalette.ColorRole.Button: "#303238",
        QPalette.ColorRole.ButtonText: "#E6E6E6", QPalette.ColorRole.Highlight: "#3D7BD9",
        QPalette.ColorRole.HighlightedText: "#FFFFFF", QPalette.ColorRole.ToolTipBase: "#303238",
        QPalette.ColorRole.ToolTipText: "#E6E6E6", QPalette.ColorRole.PlaceholderText: "#80858E",
        QPalette.ColorRole.Link: "#6CB6FF", QPalette.ColorRole.Mid: "#45484F",
        QPalette.ColorRole.Dark: "#15161A", QPalette.ColorRole.Light: "#3A3D44",
        QPalette.ColorRole.BrightText: "#FF6B6B",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6B6F78"))
    return p


def apply_theme(app: QApplication, theme: str) -> None:
    """'light', 'dark' or 'system' (follow the platform's colour scheme)."""
    app.setStyle("Fusion")
    if theme == "system":
        scheme = app.styleHints().colorScheme()
        theme = "dark" if scheme == Qt.ColorScheme.Dark else "light"
    app.setPalette(dark_palette() if theme == "dark" else light_palette())
    app.setProperty("nnbuilder_theme", theme)


def is_dark() -> bool:
    app = QApplication.instance()
    if app is None:
        return False
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


class CanvasColors:
    """The colours of the canvas for the active palette (computed once per palette change)."""

    def __init__(self) -> None:
        dark = is_dark()
        self.dark = dark
        self.background = QColor("#1B1C1F" if dark else "#FAFBFC")
        self.grid_minor = QColor("#24262A" if dark else "#EEF0F3")
        self.grid_major = QColor("#2E3035" if dark else "#E1E4E8")
        self.node_fill = QColor("#2B2D33" if dark else "#FFFFFF")
        self.node_border = QColor("#4A4D55" if dark else "#C4C9D0")
        self.text = QColor("#E8E8E8" if dark else "#1F2328")
        self.muted = QColor("#A0A4AB" if dark else "#606770")
        self.edge = QColor("#8A8F98" if dark else "#7D8590")
        self.edge_graph = QColor("#B08B6E" if dark else "#9D755D")
        self.port_fill = QColor("#3A3D44" if dark else "#FFFFFF")
        self.selection = ACCENT_COLOR
        self.error = ERROR_COLOR
        self.warning = WARNING_COLOR
        self.ok = OK_COLOR
