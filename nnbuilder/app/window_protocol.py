"""What a controller may ask of the main window, written down once.

Controllers (training, and any later tool that adds a toolbar and a dock) talk to ``MainWindow`` through
this Protocol instead of probing it with ``hasattr``: the tests then drive the same code paths users run,
and a missing method is a type error rather than a silently skipped branch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QStatusBar, QToolBar, QWidget

if TYPE_CHECKING:
    from .canvas import NodeScene
    from .document import Document


@runtime_checkable
class WindowProtocol(Protocol):
    """The main window as controllers see it; ``MainWindow`` implements every member."""

    document: Document
    scene: NodeScene
    leave_guards: list[Callable[[], bool]]  # asked before the open project is left; False: stay

    def add_toolbar(self, toolbar: QToolBar) -> None:
        """Put a controller's toolbar on its own row under the editing toolbar."""

    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea = ...,
                 object_name: str | None = None, tabify_with: str | None = None) -> QDockWidget:
        """Add a panel with a stable object name (its place is restored between sessions)."""

    def statusBar(self) -> QStatusBar:  # noqa: N802 - Qt API
        """Qt's status bar: temporary messages and permanent widgets (the progress bar)."""

    def set_editing_locked(self, locked: bool, reason: str = ...) -> None:
        """Lock every edit (banner, read-only forms, no undo) while a run trains a copy of the project."""

    def report_problem(self, message: str, source: str = "Training") -> None:
        """List a problem inference cannot know (a failed run) in the Problems panel."""

    def clear_problems(self, source: str = "Training") -> None:
        """Remove the problems a controller reported earlier."""

    def show_error(self, title: str, message: str) -> None:
        """A modal error sentence (tests answer it through ``show_dialog``)."""

    def ask_question(self, title: str, text: str) -> bool:
        """A yes/no question."""

    def ask_choice(self, title: str, text: str, choices: dict[str, str]) -> str | None:
        """One of ``choices`` (key -> button text), or None when cancelled."""

    def save_as(self) -> bool:
        """Save the project under a name the user picks (the file dialog); False when cancelled or not written."""

    def resizeDocks(self, docks: Any, sizes: Any, orientation: Qt.Orientation) -> None:  # noqa: N802 - Qt API
        """Qt's dock sizing (the dashboard asks for room on its first run)."""

    def height(self) -> int:
        """Qt's window height."""

