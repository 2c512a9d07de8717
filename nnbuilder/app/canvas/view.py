"""CanvasView: zoom with the wheel around the cursor, pan (middle button or space+drag), fit,
rubber-band selection, keyboard nudges, and dropping layers from the palette."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QLabel, QToolTip, QWidget

from ..document import EditRefusedError
from .items import NODE_HEIGHT, NODE_WIDTH, NodeItem
from .scene import NodeScene

LAYER_MIME = "application/x-nnbuilder-layer"
MIN_ZOOM, MAX_ZOOM = 0.1, 3.0
EMPTY_HINT = ("<b>Start here.</b><br>Drag an <b>Input</b> from <i>Layers</i> on the left onto this canvas, then "
              "the layers that follow it, and wire each output (right) to the next input (left).<br>"
              "Or open a ready-made network: <b>File ▸ Examples</b>.")
DROP_GAP = 64.0  # the least room between two nodes of a row, so the wire between them shows


class CanvasView(QGraphicsView):
    #: A refused edit, as a sentence (the window shows it in the status bar).
    message = Signal(str)
    #: Zoom changed (factor, 1.0 = 100 %).
    zoom_changed = Signal(float)

    def __init__(self, scene: NodeScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.node_scene = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSceneRect(QRectF(-50_000, -50_000, 100_000, 100_000))
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPoint | None = None
        self._space = False
        self.show_grid = True
        scene.connection_refused.connect(self._on_scene_connection_refused)
        scene.message.connect(self.message)
        self.empty_hint = QLabel(EMPTY_HINT, self.viewport())
        self.empty_hint.setObjectName("emptyCanvasHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.empty_hint.setStyleSheet("QLabel#emptyCanvasHint { color: #57606A; font-size: 11pt; "
                                      "background: rgba(255, 255, 255, 200); border: 1px dashed #8C959F; "
                                      "border-radius: 8px; padding: 14px; }")
        scene.doc.project_changed.connect(self._update_empty_hint)
        scene.doc.current_graph_changed.connect(self._update_empty_hint)
        self._update_empty_hint()

    # ------------------------------------------------------------------ zoom and fit
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom to an absolute factor, keeping the scene point under ``anchor`` (view coords) still."""
        factor = min(MAX_ZOOM, max(MIN_ZOOM, factor))
        rel = factor / self.zoom
        if math.isclose(rel, 1.0):
            return
        if anchor is None:
            self.scale(rel, rel)
        else:
            before = self.mapToScene(anchor.toPoint())
            old = self.transformationAnchor()
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
            self.scale(rel, rel)
            after = self.mapToScene(anchor.toPoint())
            delta = after - before
            self.translate(delta.x(), delta.y())
            self.setTransformationAnchor(old)
        self.zoom_changed.emit(self.zoom)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)  # shift+wheel scrolls
            return
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self.set_zoom(self.zoom * math.pow(1.0015, delta), event.position())
        event.accept()

    def fit_to_view(self) -> None:
        """Show every node, never magnified beyond 125 % (a tiny graph should not look huge)."""
        rect = self.node_scene.nodes_rect()
        if rect.isNull():
            self.resetTransform()
            self.centerOn(NODE_WIDTH / 2, NODE_HEIGHT / 2)
            self.zoom_changed.emit(self.zoom)
            return
        rect = rect.adjusted(-60, -60, 60, 60)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.25 or self.zoom < MIN_ZOOM:
            self.set_zoom(min(1.25, max(self.zoom, MIN_ZOOM)))
            self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom)

    def center_on_node(self, node_id: str) -> None:
        item = self.node_scene.nodes.get(node_id)
        if item is not None:
            self.centerOn(item.sceneBoundingRect().center())

    def visible_center(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def free_spot(self, near: QPointF) -> QPointF:
        """A top-left position near ``near`` that does not overlap an existing node."""
        x, y = near.x() - NODE_WIDTH / 2, near.y() - NODE_HEIGHT / 2
        for _ in range(40):
            rect = QRectF(x - 10, y - 10, NODE_WIDTH + 20, NODE_HEIGHT + 20)
            if not any(isinstance(i, NodeItem) for i in self.node_scene.items(rect)):
                break
            y += NODE_HEIGHT + 30
        return QPointF(round(x), round(y))

    def spaced_spot(self, x: float, y: float) -> tuple[float, float]:
        """Where a dropped node goes: where it was dropped, unless that is closer than DROP_GAP beside a node of
        the same row, where the wire between them would be too short to see; then it moves sideways."""
        for _ in range(12):
            rect = QRectF(x, y, NODE_WIDTH, NODE_HEIGHT)
            clash = next((r for r in (n.sceneBoundingRect() for n in self.node_scene.nodes.values())
                          if r.top() < rect.bottom() + 8 and r.bottom() > rect.top() - 8
                          and r.left() < rect.right() + DROP_GAP and r.right() > rect.left() - DROP_GAP), None)
            if clash is None:
                break
            if rect.center().x() >= clash.center().x():
                x = clash.right() + DROP_GAP
            else:
                x = clash.left() - DROP_GAP - NODE_WIDTH
        return float(round(x)), float(round(y))

    # ------------------------------------------------------------------ pan
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._pan_from is not None:
            p = event.position().toPoint()
            d = p - self._pan_from
            self._pan_from = p
            self.pan_by(-d.x(), -d.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.MiddleButton and self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def pan_by(self, dx: float, dy: float) -> None:
        """Scroll the view by view pixels (positive dx shows more of the right side)."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + int(dx))
        v.setValue(v.value() + int(dy))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            event.accept()
            return
        arrows = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if event.key() in arrows and self.node_scene.selected_node_ids() and not self.node_scene.locked:
            step = 20 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 5
            dx, dy = arrows[Qt.Key(event.key())]
            for nid in self.node_scene.selected_node_ids():
                item = self.node_scene.nodes[nid]
                item.set_position_silently(item.x() + dx * step, item.y() + dy * step)
                for e in item.edges:
                    e.update_path()
            self.node_scene.commit_moves(merge=True)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------------ drop from the palette
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(LAYER_MIME) and not self.node_scene.locked:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(LAYER_MIME) and not self.node_scene.locked:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        data = event.mimeData()
        if not data.hasFormat(LAYER_MIME):
            event.ignore()
            return
        type_id = bytes(data.data(LAYER_MIME).data()).decode("utf-8")
        pos = self.mapToScene(event.position().toPoint())
        try:
            nid = self.node_scene.doc.add_node(type_id, self.spaced_spot(pos.x() - NODE_WIDTH / 2,
                                                                         pos.y() - NODE_HEIGHT / 2))
        except EditRefusedError as exc:
            self.message.emit(str(exc))
            event.ignore()
            return
        self.node_scene.select_nodes([nid])
        self.setFocus()
        event.acceptProposedAction()

    # ------------------------------------------------------------------ empty canvas
    def _update_empty_hint(self, *_args: object) -> None:
        """An empty canvas says what to do first; it goes away with the first layer."""
        empty = not self.node_scene.doc.current_graph.nodes
        self.empty_hint.setVisible(empty)
        if empty:
            self._place_empty_hint()

    def _place_empty_hint(self) -> None:
        vp = self.viewport().rect()
        width = min(460, max(200, vp.width() - 40))
        self.empty_hint.setFixedWidth(width)
        self.empty_hint.adjustSize()
        self.empty_hint.move(vp.center().x() - width // 2, vp.center().y() - self.empty_hint.height() // 2)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if not self.empty_hint.isHidden():
            self._place_empty_hint()

    # ------------------------------------------------------------------ background
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt API
        c = self.node_scene.colors
        painter.fillRect(rect, c.background)
        if not self.show_grid or self.zoom < 0.35:
            return
        step = 20.0
        left = math.floor(rect.left() / step) * step
        top = math.floor(rect.top() / step) * step
        minor, major = [], []
        x = left
        while x < rect.right():
            (major if round(x / step) % 5 == 0 else minor).append((x, True))
            x += step
        y = top
        while y < rect.bottom():
            (major if round(y / step) % 5 == 0 else minor).append((y, False))
            y += step
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for lines, color in ((minor, c.grid_minor), (major, c.grid_major)):
            pen = QPen(color, 0)
            painter.setPen(pen)
            for v, vertical in lines:
                if vertical:
                    painter.drawLine(QPointF(v, rect.top()), QPointF(v, rect.bottom()))
                else:
                    painter.drawLine(QPointF(rect.left(), v), QPointF(rect.right(), v))

    def _on_scene_connection_refused(self, reason: str) -> None:
        """Say why right where the user let go, and in the status bar."""
        pos = self.mapFromGlobal(self.cursor().pos())
        QToolTip.showText(self.viewport().mapToGlobal(pos), reason, self.viewport())
        self.message.emit(reason)
