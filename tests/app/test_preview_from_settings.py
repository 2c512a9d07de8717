"""Project settings' "Preview data" opens the same Data first window as the Teach menu, on the open project."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from nnbuilder.app.main_window import MainWindow
from nnbuilder.project import load_project


def test_preview_button_opens_the_data_first_window_of_the_open_project(
        qtbot: Any, window: MainWindow, examples_dir: Any) -> None:
    path = examples_dir / "spiral_playground.nnb"
    window.document.replace_project(load_project(path), path)
    panel = window.settings_panel
    window.docks["settingsDock"].raise_()
    assert not panel.preview_button.isHidden()
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    view = window.teach.views["data"]
    assert view.isVisible() and view.windowTitle() == "Data first"
    assert "spiral" in view.title.text().lower(), view.title.text()
    qtbot.mouseClick(panel.preview_button, Qt.MouseButton.LeftButton)
    assert window.teach.views["data"] is view  # one window, brought forward again
