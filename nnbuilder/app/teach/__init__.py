"""The Teach menu: the lecture's pictures as live windows beside the editor.

Each view is its own top-level window (a student keeps the canvas in sight while stepping backprop),
opened once and raised when asked again. ``install_teach_menu(window)`` is the only thing the main window
calls; every view also works on its own (``OptimizerRaceView()``, ``show_data_preview(parent, project)``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QWidget

VIEW_TITLES = {
    "race": "Optimizer race",
    "backprop": "Backprop stepper",
    "sketch": "Sketch pad",
    "data": "Data first",
}


class TeachMenu:
    """Owns the Teach menu's actions and the view windows it opened (one of each)."""

    def __init__(self, window: Any, menu: QMenu) -> None:
        self.window = window
        self.menu = menu
        self.views: dict[str, QWidget] = {}
        self.actions = {}
        tips = {
            "race": "Six optimizers from torch roll down a loss surface from one start point.",
            "backprop": "Step one sample forward and backward through a small Dense network: z, a, δ and ∂C/∂w.",
            "sketch": "Draw a digit or a garment; the trained model's class probabilities follow your pen.",
            "data": "Look at the data before training: the first 25 images, the points, the series or the graph.",
        }
        for key, title in VIEW_TITLES.items():
            action = menu.addAction(title + "…", lambda k=key: self.open(k))
            action.setStatusTip(tips[key])
            action.setToolTip(tips[key])
            self.actions[key] = action
        menu.addSeparator()
        tip = ("Replay a finished run, restart it from the same initial weights with one setting changed, and "
               "compare the two (the timeline above the training plots).")
        action = menu.addAction("Replay and compare runs", self.open_timeline)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        self.actions["timeline"] = action

    def open_timeline(self) -> bool:
        """Bring the training plots forward with the timeline's slider in focus; False before any finished run
        (the status bar then says what to do)."""
        controller = getattr(self.window, "training_controller", None)
        if controller is None:
            return False
        controller._show_dashboard()
        bar = controller.dashboard.timeline
        if not (bar.isVisible() and bar.slider.isEnabled()):
            self.window.statusBar().showMessage(
                "Nothing to replay yet: train once (F5), then drag the timeline above the plots or press Play.",
                10_000)
            return False
        bar.slider.setFocus()
        return True

    def _make(self, key: str) -> QWidget:
        doc = self.window.document
        if key == "race":
            from .race_view import OptimizerRaceView

            return OptimizerRaceView()
        if key == "backprop":
            from .backprop_view import BackpropStepperView

            return BackpropStepperView(doc, scene=getattr(self.window, "scene", None))
        if key == "sketch":
            from .sketch_view import SketchPadView

            return SketchPadView(doc, controller=lambda: getattr(self.window, "training_controller", None))
        from .data_preview import DataPreview

        return DataPreview(doc.project, base_dir=_base_dir(doc))

    def open(self, key: str) -> QWidget:
        """Show the view ``key`` (see VIEW_TITLES), creating it the first time."""
        view = self.views.get(key)
        if view is None or not _alive(view):
            view = self._make(key)
            view.setParent(self.window, Qt.WindowType.Window)
            view.setWindowTitle(VIEW_TITLES[key])
            view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            self.views[key] = view
        elif key == "data":
            view.set_project(self.window.document.project, _base_dir(self.window.document))  # type: ignore[attr-defined]
        view.show()
        view.raise_()
        view.activateWindow()
        return view


def _alive(widget: QWidget) -> bool:
    try:
        widget.isVisible()
    except RuntimeError:
        return False
    return True


def _base_dir(document: Any) -> Any:
    path = getattr(document, "path", None)
    return None if path is None else path.parent


def install_teach_menu(window: Any) -> TeachMenu:
    """Add the Teach menu to the main window (before Help) and keep it on ``window.teach``."""
    teach = TeachMenu(window, window.add_menu("&Teach"))
    window.teach = teach
    return teach
