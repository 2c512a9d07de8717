"""Graphics items: NodeItem (a layer), PortItem (its inputs/outputs) and EdgeItem (a connection).

Items only draw and forward gestures to the scene; they never change the project. A node's face
(title, name, key params, output shape, parameter count, problem state) is set from the latest
inference by the scene, and nodes are cached as device pixmaps so moving one node in a large graph
repaints quickly.
"""

from __future__ import annotations

import html
import math
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ...layers import LayerSpec, PortSpec
from ...project import Edge
from ..theme import CATEGORY_COLORS, CanvasColors

if TYPE_CHECKING:
    from .scene import NodeScene

NODE_WIDTH = 176.0
HEADER_HEIGHT = 26.0
NODE_HEIGHT = 78.0
PORT_LABEL_WIDTH, PORT_LABEL_HEIGHT = 44.0, 12.0
PORT_RADIUS = 6.0
PORT_HIT = 11.0
GRID = 20.0
NODE_PAD = 12.0  # the text's inset from the node's left and right edges
FOOTER_GAP = 8.0  # the least room between the output shape and the parameter count
HEADER_GAP = 8.0  # the least room between the type and the layer's name


def _colors(item: QGraphicsItem) -> CanvasColors:
    scene = item.scene()
    colors = getattr(scene, "colors", None)
    return colors if colors is not None else CanvasColors()


class NodeFace:
    """What a node shows; compared by value so unchanged nodes are not repainted after an edit."""

    __slots__ = ("title", "name", "details", "shape", "params", "severity", "tooltip")

    def __init__(self, title: str, name: str, details: str, shape: str, params: str, severity: str | None,
                 tooltip: str) -> None:
        self.title, self.name, self.details = title, name, details
        self.shape, self.params, self.severity, self.tooltip = shape, params, severity, tooltip

    def key(self) -> tuple[Any, ...]:
        return (self.title, self.name, self.details, self.shape, self.params, self.severity, self.tooltip)


def compact_count(n: int) -> str:
    """A count in three significant digits: 950 -> '950', 32,800 -> '32.8k', 1,234,567 -> '1.23M'."""
    if abs(n) < 1000:
        return str(n)
    for scale, suffix in ((1e3, "k"), (1e6, "M"), (1e9, "B")):
        text = f"{n / scale:.3g}"
        if "e" not in text and abs(float(text)) < 1000:
            return text + suffix
    return f"{n / 1e9:.0f}B"


def params_variants(params: str) -> list[str]:
    """The parameter count's footer texts, longest first: '32,800 params', '32.8k params', '32.8k'."""
    match = re.fullmatch(r"([\d,]+) params", params)
    if match is None:
        return [params]
    short = compact_count(int(match.group(1).replace(",", "")))
    return list(dict.fromkeys([params, f"{short} params", short]))


class Footer(NamedTuple):
    """A node's bottom row: the output shape on the left, the parameter count on the right, each in a rect of its
    own (the two never overlap), and whether either text had to be shortened to fit."""

    shape_rect: QRectF
    shape: str
    params_rect: QRectF
    params: str
    shortened: bool


def footer_layout(shape: str, params: str, font: QFont) -> Footer:
    """Fit ``shape`` and ``params`` side by side with ``FOOTER_GAP`` between them: the count gets shorter
    (32,800 params, 32.8k params, 32.8k) and, if that is not enough, the shape is elided. The full values are in
    the node's tooltip and the Inspector."""
    fm = QFontMetricsF(font)
    row = QRectF(NODE_PAD, HEADER_HEIGHT + 26, NODE_WIDTH - 2 * NODE_PAD, 20)

    def advance(text: str) -> float:
        return math.ceil(fm.horizontalAdvance(text)) + 1.0 if text else 0.0  # +1: no clipped last pixel

    variants = params_variants(params) if params else [""]
    shown_params = variants[-1]
    for text in variants:
        if advance(shape) + (FOOTER_GAP if text else 0.0) + advance(text) <= row.width():
            shown_params = text
            break
    params_w = advance(shown_params)
    room = row.width() - params_w - (FOOTER_GAP if shown_params else 0.0)
    shown_shape = shape
    if advance(shape) > room:
        shown_shape = fm.elidedText(shape, Qt.TextElideMode.ElideRight, room - 1.0)
    shape_rect = QRectF(row.left(), row.top(), min(advance(shown_shape), room), row.height())
    params_rect = QRectF(row.right() - params_w, row.top(), params_w, row.height())
    return Footer(shape_rect, shown_shape, params_rect, shown_params,
                  shown_shape != shape or shown_params != params)


NAME_SHARE = 0.55  # of the header's room, at least, for the layer's name when type and name do not both fit


def header_texts(title: str, name: str, title_font: QFont, name_font: QFont, room: float) -> tuple[str, str]:
    """The type (left, bold) and the layer's name (right) as the header shows them in ``room`` px: when both do
    not fit, the name keeps up to ``NAME_SHARE`` of the room and the type is cut first. A MaxPooling2D with an
    error mark showed its name "maxpool2d_1" as "m…1", and a student could not tell two such layers apart."""
    tfm, nfm = QFontMetricsF(title_font), QFontMetricsF(name_font)
    title_w, name_w = tfm.horizontalAdvance(title), nfm.horizontalAdvance(name)
    if title_w + HEADER_GAP + name_w <= room:
        return title, name
    keep = min(name_w, NAME_SHARE * room)
    shown_title = title
    if title_w > room - HEADER_GAP - keep:
        shown_title = tfm.elidedText(title, Qt.TextElideMode.ElideRight, max(room - HEADER_GAP - keep, 10.0))
    name_room = room - HEADER_GAP - tfm.horizontalAdvance(shown_title)
    return shown_title, nfm.elidedText(name, Qt.TextElideMode.ElideMiddle, max(name_room, 10.0))


class PortItem(QGraphicsItem):
    """A port circle on a node's left (inputs) or right (outputs) side; dragging one draws an edge."""

    def __init__(self, node: NodeItem, port: PortSpec, is_output: bool, index: int, count: int) -> None:
        super().__init__(node)
        self.node = node
        self.port = port
        self.is_output = is_output
        self.highlight: str | None = None  # "ok" | "bad" while a connection is dragged over it
        # A node with several ports on one side (GCNConv: in and graph) names each, outside the node, so the
        # student knows which wire goes where without hovering.
        self.show_label = count > 1
        body = NODE_HEIGHT - HEADER_HEIGHT
        y = HEADER_HEIGHT + body * (index + 1) / (count + 1)
        self.setPos(NODE_WIDTH if is_output else 0.0, y)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        kind = "graph" if port.kind == "graph" else "values"
        role = "output" if is_output else "input"
        many = " (accepts several connections)" if port.multiple else ""
        self.setToolTip(f"{role} '{port.name}' — {kind}{many}. Drag to connect.")

    @property
    def node_id(self) -> str:
        return self.node.node_id

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        hit = QRectF(-PORT_HIT, -PORT_HIT, 2 * PORT_HIT, 2 * PORT_HIT)
        return hit.united(self.label_rect()) if self.show_label else hit

    def label_rect(self) -> QRectF:
        """Where the port's name is written: above the wire, just outside the node."""
        if self.is_output:
            return QRectF(4, -PORT_LABEL_HEIGHT - 3, PORT_LABEL_WIDTH, PORT_LABEL_HEIGHT)
        return QRectF(-4 - PORT_LABEL_WIDTH, -PORT_LABEL_HEIGHT - 3, PORT_LABEL_WIDTH, PORT_LABEL_HEIGHT)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(QRectF(-PORT_HIT, -PORT_HIT, 2 * PORT_HIT, 2 * PORT_HIT))
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        c = _colors(self)
        edge_color = QColor(CATEGORY_COLORS.get(self.node.spec.category, "#888"))
        fill = c.port_fill
        if self.highlight == "ok":
            fill, edge_color = c.ok, c.ok
        elif self.highlight == "bad":
            fill, edge_color = c.error, c.error
        elif self.node.scene() is not None and self.node.port_connected(self):
            fill = edge_color
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(edge_color, 2))
        painter.setBrush(QBrush(fill))
        r = PORT_RADIUS + (1.5 if self.highlight else 0)
        if self.port.kind == "graph":
            path = QPainterPath()
            path.moveTo(0, -r)
            path.lineTo(r, 0)
            path.lineTo(0, r)
            path.lineTo(-r, 0)
            path.closeSubpath()
            painter.drawPath(path)
        else:
            painter.drawEllipse(QPointF(0, 0), r, r)
        if self.show_label:
            font = self.label_font()
            painter.setFont(font)
            # on a plate of the canvas's colour: the wire into the port above (GCNConv's "in", from a node
            # lower down) ran straight through "graph", and a struck-through name is hard to read
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(c.background)
            painter.drawRoundedRect(self.label_plate(), 3, 3)
            painter.setPen(c.muted)
            align = Qt.AlignmentFlag.AlignLeft if self.is_output else Qt.AlignmentFlag.AlignRight
            painter.drawText(self.label_rect(), int(align | Qt.AlignmentFlag.AlignBottom), self.port.name)

    @staticmethod
    def label_font() -> QFont:
        font = QApplication.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return font

    def label_plate(self) -> QRectF:
        """The backing behind the port's name: the text's own width, at the end of ``label_rect`` it is aligned to."""
        area = self.label_rect()
        width = min(QFontMetricsF(self.label_font()).horizontalAdvance(self.port.name) + 4.0, area.width())
        left = area.left() if self.is_output else area.right() - width
        return QRectF(left - 1.0, area.top(), width + 2.0, area.height() + 1.0)

    # -- gestures are handled by the scene (it knows the other ports and the document) --------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt API
        scene = self.scene()
        if event.button() == Qt.MouseButton.LeftButton and scene is not None and not scene.locked:
            scene.begin_connection(self, event.scenePos())
            event.accept()
            return
        event.ignore()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt API
        scene = self.scene()
        if scene is not None:
            scene.update_connection(event.scenePos())

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt API
        scene = self.scene()
        if scene is not None:
            scene.finish_connection(event.scenePos())

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802 - Qt API
        self.setScale(1.2)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802 - Qt API
        self.setScale(1.0)


class NodeItem(QGraphicsItem):
    """One layer node. Its position is the node's ``position`` (top-left corner) in the project."""

    def __init__(self, node_id: str, spec: LayerSpec) -> None:
        super().__init__()
        self.node_id = node_id
        self.spec = spec
        self.face = NodeFace(spec.title, node_id, "", "", "", None, "")
        self.edges: list[EdgeItem] = []
        self.gradient_health: tuple[float | None, float | None] | None = None
        self._syncing = False
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.inputs = [PortItem(self, p, False, i, len(spec.inputs)) for i, p in enumerate(spec.inputs)]
        self.outputs = [PortItem(self, p, True, i, len(spec.outputs)) for i, p in enumerate(spec.outputs)]

    # -- queries ---------------------------------------------------------------------------
    def port(self, name: str, is_output: bool) -> PortItem | None:
        for p in self.outputs if is_output else self.inputs:
            if p.port.name == name:
                return p
        return None

    def port_connected(self, port: PortItem) -> bool:
        for e in self.edges:
            if port is e.source_port or port is e.target_port:
                return True
        return False

    # -- face --------------------------------------------------------------------------------
    def set_face(self, face: NodeFace) -> None:
        if face.key() == self.face.key():
            return
        self.face = face
        tooltip = face.tooltip
        if self.footer().shortened:  # the node shows "32.8k" or an elided shape: the full values on hover
            full = " · ".join(html.escape(t) for t in (face.shape, face.params) if t)
            tooltip = f"{tooltip}<br>{full}" if tooltip else full
        self.setToolTip(tooltip)
        self.update()

    @staticmethod
    def small_font() -> QFont:
        """The font of the node's name, key params, output shape and parameter count."""
        base = QApplication.font()
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() - 1.0, 7.5))
        return small

    def footer(self) -> Footer:
        """Where the output shape and the parameter count are drawn (see ``footer_layout``)."""
        return footer_layout(self.face.shape, self.face.params, self.small_font())

    def set_gradient_health(self, norm: float | None, dead_share: float | None) -> None:
        """Training hook: show the layer's gradient norm and share of dead units as a thin bar at the
        bottom (green healthy, amber vanishing/mostly dead, red exploding); ``None, None`` clears it."""
        value = None if norm is None and dead_share is None else (norm, dead_share)
        before = self.health_color()
        self.gradient_health = value
        after = self.health_color()
        # Only the bar's colour is drawn, and the norm changes with every snapshot: repainting the node (and
        # the wires over it) for the same colour cost the GUI thread, which shares the GIL with training.
        if (before is None) != (after is None) or (after is not None and after.rgb() != before.rgb()):
            self.update()

    def health_color(self) -> QColor | None:
        if self.gradient_health is None:
            return None
        norm, dead = self.gradient_health
        if norm is not None and (norm != norm or norm > 1e3):
            return QColor("#D62728")
        if (norm is not None and norm < 1e-6) or (dead is not None and dead > 0.5):
            return QColor("#E8A317")
        return QColor("#2CA02C")

    def set_position_silently(self, x: float, y: float) -> None:
        """Move without snapping (document-driven moves, e.g. undo)."""
        self._syncing = True
        try:
            self.setPos(x, y)
        finally:
            self._syncing = False

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF(-3, -3, NODE_WIDTH + 6, NODE_HEIGHT + 6)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT), 8, 8)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        c = _colors(self)
        f = self.face
        cat = QColor(CATEGORY_COLORS.get(self.spec.category, "#888888"))
        rect = QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        border = c.node_border
        width = 1.2
        if f.severity == "error":
            border, width = c.error, 2.4
        elif f.severity == "warning":
            border, width = c.warning, 2.4
        if self.isSelected():
            border, width = c.selection, 2.8
        # body
        painter.setPen(QPen(border, width))
        fill = QColor(c.node_fill)
        if f.severity == "error":
            fill = _mix(fill, c.error, 0.10)
        elif f.severity == "warning":
            fill = _mix(fill, c.warning, 0.10)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 8, 8)
        # header band in the category colour
        header = QPainterPath()
        header.addRoundedRect(QRectF(0, 0, NODE_WIDTH, HEADER_HEIGHT + 8), 8, 8)
        clip = QPainterPath()
        clip.addRect(QRectF(0, 0, NODE_WIDTH, HEADER_HEIGHT))
        painter.setPen(Qt.PenStyle.NoPen)
        tint = QColor(cat)
        tint.setAlpha(70 if c.dark else 45)
        painter.setBrush(tint)
        painter.drawPath(header.intersected(clip).translated(0, 0))
        painter.setBrush(cat)
        painter.drawRect(QRectF(0.6, 8, 4, NODE_HEIGHT - 16))
        # outline again on top of the band, so the border stays crisp
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(border, width))
        painter.drawRoundedRect(rect, 8, 8)

        base = QApplication.font()
        title_font = QFont(base)
        title_font.setBold(True)
        title_font.setPointSizeF(max(base.pointSizeF(), 9.0))
        small = self.small_font()
        pad = NODE_PAD
        # title (type) left, name right
        marked = 14 if f.severity in ("error", "warning") else 0  # the error or warning mark at the right
        title, name = header_texts(f.title, f.name, title_font, small, NODE_WIDTH - 2 * pad - marked)
        painter.setFont(title_font)
        painter.setPen(c.text)
        painter.drawText(QRectF(pad, 0, NODE_WIDTH - 2 * pad, HEADER_HEIGHT),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(small)
        painter.setPen(c.muted)
        sfm = QFontMetricsF(small)
        painter.drawText(QRectF(pad, 0, NODE_WIDTH - 2 * pad - (14 if f.severity in ("error", "warning") else 0),
                                HEADER_HEIGHT), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, name)
        # details: key params
        painter.setPen(c.text)
        details = sfm.elidedText(f.details or " ", Qt.TextElideMode.ElideRight, NODE_WIDTH - 2 * pad)
        painter.drawText(QRectF(pad, HEADER_HEIGHT + 4, NODE_WIDTH - 2 * pad, 20),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, details)
        # output shape and parameter count, each in its own rect: a long shape beside a large count
        # ("→ 32×14×14" and "32,800 params") used to be drawn over each other
        footer = self.footer()
        painter.setPen(c.error if f.severity == "error" and f.shape == "?" else c.muted)
        painter.drawText(footer.shape_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, footer.shape)
        painter.setPen(c.muted)
        painter.drawText(footer.params_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         footer.params)
        # gradient health (while training)
        health = self.health_color()
        if health is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(health)
            painter.drawRoundedRect(QRectF(10, NODE_HEIGHT - 5, NODE_WIDTH - 20, 3), 1.5, 1.5)
        # problem badge
        if f.severity in ("error", "warning"):
            color = c.error if f.severity == "error" else c.warning
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            center = QPointF(NODE_WIDTH - 12, HEADER_HEIGHT / 2)
            painter.drawEllipse(center, 7, 7)
            painter.setPen(QColor("white"))
            painter.setFont(title_font)
            painter.drawText(QRectF(center.x() - 7, center.y() - 7, 14, 14), Qt.AlignmentFlag.AlignCenter, "!")

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802 - Qt API
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and not self._syncing:
            scene = self.scene()
            if scene is not None and getattr(scene, "snap_to_grid", False):
                p = QPointF(value)
                return QPointF(round(p.x() / GRID) * GRID, round(p.y() / GRID) * GRID)
        elif change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for e in self.edges:
                e.update_path()
        return super().itemChange(change, value)


class EdgeItem(QGraphicsPathItem):
    """A connection drawn as a cubic Bézier from an output port to an input port, with a wide hit shape."""

    def __init__(self, edge: Edge, source_port: PortItem, target_port: PortItem) -> None:
        super().__init__()
        self.edge = edge
        self.source_port = source_port
        self.target_port = target_port
        self.problem: str | None = None
        self._hover = False
        self._shape: QPainterPath | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(0)
        self.setToolTip("Double-click to insert a layer here.")
        self.update_path()

    def update_path(self) -> None:
        """Re-route around the other nodes (a skip connection must not vanish behind the layers it skips)."""
        scene = self.scene()
        own = (self.source_port.node, self.target_port.node)
        nodes = getattr(scene, "nodes", {}) if scene is not None else {}
        obstacles = [n.sceneBoundingRect() for n in nodes.values() if n not in own]
        self.setPath(route(self.source_port.scenePos(), self.target_port.scenePos(), obstacles,
                           [n.sceneBoundingRect() for n in own]))
        self._shape = None

    def set_endpoints(self, a: QPointF, b: QPointF) -> None:
        self.setPath(bezier(a, b))
        self._shape = None

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(14)
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            self._shape = stroker.createStroke(self.path())
        return self._shape

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.path().boundingRect().adjusted(-8, -8, 8, 8)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        c = _colors(self)
        color = c.edge_graph if self.source_port.port.kind == "graph" else c.edge
        width = 2.0
        if self.problem:
            color = c.error
        if self._hover:
            width = 3.0
        if self.isSelected():
            color, width = c.selection, 3.2
        pen = QPen(color, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        if self.source_port.port.kind == "graph":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802 - Qt API
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802 - Qt API
        self._hover = False
        self.update()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt API
        scene: NodeScene | None = self.scene()  # type: ignore[assignment]
        if scene is not None:
            scene.request_insert(self, event.scenePos())
        event.accept()


def bezier(a: QPointF, b: QPointF) -> QPainterPath:
    """A left-to-right S-curve; the handles grow with distance so back-edges loop around nicely."""
    dx = max(50.0, abs(b.x() - a.x()) * 0.5)
    path = QPainterPath(a)
    path.cubicTo(QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b)
    return path


ROUTE_GAP = 22.0  # clearance between a detouring wire and the nodes it passes


def _s_curve(path: QPainterPath, a: QPointF, b: QPointF) -> None:
    dx = max(12.0, abs(b.x() - a.x()) * 0.5)
    path.cubicTo(QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b)


def _crosses(path: QPainterPath, rect: QRectF, samples: int = 40) -> bool:
    return any(rect.contains(path.pointAtPercent(i / samples)) for i in range(1, samples))


def _back_route(a: QPointF, b: QPointF, blockers: list[QRectF]) -> QPainterPath:
    """A wire to a node further left (a network wrapped into bands): a U-turn out of ``a``, a lane that runs
    back between the nodes, and a U-turn into ``b``, instead of a loop across the canvas."""
    lo, hi = min(a.x(), b.x()) - 2 * ROUTE_GAP, max(a.x(), b.x()) + 2 * ROUTE_GAP
    spanned = [r for r in blockers if r.right() > lo and r.left() < hi]
    lane = (a.y() + b.y()) / 2
    for _ in range(len(spanned) + 1):
        hit = [r for r in spanned if r.top() - ROUTE_GAP < lane < r.bottom() + ROUTE_GAP]
        if not hit:
            break
        lane = max(r.bottom() for r in hit) + ROUTE_GAP
    turn = 2 * ROUTE_GAP
    path = QPainterPath(a)
    path.cubicTo(QPointF(a.x() + turn, a.y()), QPointF(a.x() + turn, lane), QPointF(a.x(), lane))
    path.lineTo(b.x(), lane)
    path.cubicTo(QPointF(b.x() - turn, lane), QPointF(b.x() - turn, b.y()), b)
    return path


def route(a: QPointF, b: QPointF, obstacles: list[QRectF], own: list[QRectF] | None = None) -> QPainterPath:
    """The S-curve from ``a`` to ``b``, or, when it would pass under other nodes, a path that leaves ``a``,
    runs along a horizontal lane above or below them (whichever is nearer) and comes down into ``b``.

    A wire back to the left (``b`` before ``a``) runs along a lane between the nodes (``own`` are the two
    nodes it joins, which that lane must not cross either).
    """
    plain = bezier(a, b)
    if b.x() - a.x() < 0:
        return _back_route(a, b, obstacles + list(own or []))
    if b.x() - a.x() < 2 * ROUTE_GAP:
        return plain
    hits = [r for r in obstacles if r.right() > a.x() and r.left() < b.x() and _crosses(plain, r)]
    if not hits:
        return plain
    lane_y = (a.y() + b.y()) / 2
    x1 = x2 = 0.0
    for _ in range(6):  # widen the detour until its lane is clear of every node it spans
        top = min(r.top() for r in hits) - ROUTE_GAP
        bottom = max(r.bottom() for r in hits) + ROUTE_GAP
        mid = (a.y() + b.y()) / 2
        lane_y = top if abs(mid - top) <= abs(bottom - mid) else bottom
        x1 = max(a.x() + ROUTE_GAP, min(r.left() for r in hits) - ROUTE_GAP)
        x2 = min(b.x() - ROUTE_GAP, max(r.right() for r in hits) + ROUTE_GAP)
        more = [r for r in obstacles if r not in hits and r.left() < x2 and r.right() > x1
                and r.top() - ROUTE_GAP < lane_y < r.bottom() + ROUTE_GAP]
        if not more:
            break
        hits += more
    if x2 < x1:
        x1 = x2 = (a.x() + b.x()) / 2
    path = QPainterPath(a)
    _s_curve(path, a, QPointF(x1, lane_y))
    path.lineTo(x2, lane_y)
    _s_curve(path, QPointF(x2, lane_y), b)
    return path


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(int(a.red() * (1 - t) + b.red() * t), int(a.green() * (1 - t) + b.green() * t),
                  int(a.blue() * (1 - t) + b.blue() * t))


def node_tooltip(spec: LayerSpec, name: str, problems: list[tuple[str, str]]) -> str:
    """Rich-text tooltip: the layer's one-line doc, then its problems coloured by severity."""
    colors = {"error": "#D62728", "warning": "#B7791F", "info": "#2F6FB5"}
    lines = [f"<b>{html.escape(spec.title)}</b> <i>{html.escape(name)}</i><br>{html.escape(spec.doc)}"]
    for severity, message in problems:
        lines.append(f"<br><span style='color:{colors.get(severity, '#000')}'><b>{severity.capitalize()}:</b> "
                     f"{html.escape(message)}</span>")
    return "".join(lines)
