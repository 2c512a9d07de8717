"""Gestures for the editor tests: drops from the palette, port drags and clicks as real Qt events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnbuilder.app.main_window import MainWindow
from nnbuilder.app.training_controller import TrainingController
from nnbuilder.layers import get_spec
from nnbuilder.project import Project

from .conftest import FakeDialogs


def _drag_event(cls, view_pos: QPoint, mime):  # type: ignore[no-untyped-def]
    """Drag events take a QPointF in PySide6 6.12 and a QPoint before it."""
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    try:
        return cls(QPointF(view_pos), *args)
    except TypeError:
        return cls(QPoint(view_pos), *args)


def drop_from_palette(window: MainWindow, layer: str, view_pos: QPoint) -> str:
    """Drag a layer from the palette onto the canvas (enter, move, drop with the palette's own mime data)."""
    palette = window.palette_panel
    item = palette.items[get_spec(layer).type]
    mime = palette.tree.mimeData([item])
    viewport = window.view.viewport()
    before = {n.id for n in window.document.current_graph.nodes}
    enter = _drag_event(QDragEnterEvent, view_pos, mime)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted(), "the canvas refused the drag"
    move = _drag_event(QDragMoveEvent, view_pos, mime)
    QApplication.sendEvent(viewport, move)
    drop = _drag_event(QDropEvent, view_pos, mime)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted(), "the canvas refused the drop"
    added = [n.id for n in window.document.current_graph.nodes if n.id not in before]
    assert len(added) == 1
    return added[0]


def port_pos(window: MainWindow, node_id: str, port: str, output: bool) -> QPoint:
    item = window.scene.nodes[node_id].port(port, output)
    assert item is not None, f"{node_id} has no {'output' if output else 'input'} port {port}"
    return window.view.mapFromScene(item.scenePos())


def node_pos(window: MainWindow, node_id: str, dx: float = 60, dy: float = 45) -> QPoint:
    item = window.scene.nodes[node_id]
    return window.view.mapFromScene(item.scenePos() + QPointF(dx, dy))


def mouse_drag(window: MainWindow, start: QPoint, end: QPoint, steps: int = 6,
               button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    viewport = window.view.viewport()
    QTest.mousePress(viewport, button, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, steps + 1):
        p = start + (end - start) * (i / steps)
        QTest.mouseMove(viewport, p)
    QTest.mouseRelease(viewport, button, Qt.KeyboardModifier.NoModifier, end)


def connect_ports(window: MainWindow, source: str, target: str, source_port: str = "out",
                  target_port: str = "in") -> None:
    mouse_drag(window, port_pos(window, source, source_port, True), port_pos(window, target, target_port, False))


def click_node(window: MainWindow, node_id: str) -> None:
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     node_pos(window, node_id))


class Harness:
    """A real MainWindow with the training controller installed, its dialogs answered from a script, and
    what the student would have seen recorded: error dialogs, questions, Problems rows, lock changes."""

    def __init__(self, project: Project, file_path: Path | None = None) -> None:
        self.window = MainWindow()
        self.dialogs = FakeDialogs()
        self.dialogs.answers["question"] = True
        self.window.show_dialog = self.dialogs  # type: ignore[method-assign]
        self.window.load_extensions()
        self.controller: TrainingController = self.window.training_controller
        self.window.document.replace_project(project, file_path)
        self.locks: list[tuple[bool, str]] = []
        self.window.document.editing_locked_changed.connect(self._on_locked)
        self.window.resize(1200, 800)

    def _on_locked(self, locked: bool, reason: str) -> None:
        self.locks.append((locked, reason))

    @property
    def document(self) -> Any:
        return self.window.document

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [(title, text) for kind, title, text, _ in self.dialogs.calls if kind == "error"]

    @property
    def questions(self) -> list[str]:
        return [title for kind, title, _, _ in self.dialogs.calls if kind == "question"]

    @property
    def problems(self) -> list[str]:
        return [p.message for p in self.window.problems_panel.runtime]

    @property
    def answer(self) -> bool:
        return bool(self.dialogs.answers["question"])

    @answer.setter
    def answer(self, value: bool) -> None:
        self.dialogs.answers["question"] = value

    def close(self) -> bool:
        return self.window.close()

    def isVisible(self) -> bool:  # noqa: N802 - mirrors Qt
        return self.window.isVisible()


def shown_harness(qtbot: Any, project: Project, file_path: Path | None = None) -> Harness:
    """A ``Harness`` whose window is on screen and closed with the test."""
    harness = Harness(project, file_path)
    qtbot.addWidget(harness.window)
    harness.window.show()
    return harness


def chain_layers(window: MainWindow, *types: str) -> list[str]:
    """Layers of ``types`` added left to right and wired in a row, the view fitted to them: their ids."""
    doc = window.document
    ids = [doc.add_node(t, (i * 240.0, 0.0)) for i, t in enumerate(types)]
    for a, b in zip(ids, ids[1:], strict=False):
        doc.connect(a, "out", b, "in")
    window.view.set_zoom(1.0)
    window.view.fit_to_view()
    return ids


def shown(qtbot: Any, widget: Any, width: int, height: int) -> Any:
    """``widget`` at ``width`` × ``height``, on screen (exposed), closed with the test."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
