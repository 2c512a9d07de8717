"""NodeScene: mirrors the document's current graph as NodeItems and EdgeItems.

Like Orange's canvas scene it listens to the document (``node_added`` -> add an item, ...), so
undo, paste, file loading and the canvas itself all update the picture the same way. User
gestures (connect by dragging a port, finish a move, double-click an edge) become Document intents;
refusals come back as a sentence via ``connection_refused``.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene, QGraphicsSceneMouseEvent

from ...compiler import Inference
from ...layers import fmt_shape, get_spec
from ...project import Edge
from ..document import Document, EditRefusedError
from ..theme import CanvasColors
from .items import EdgeItem, NodeFace, NodeItem, PortItem, bezier, node_tooltip

SNAP_RADIUS = 18.0


class NodeScene(QGraphicsScene):
    connection_refused = Signal(str)
    #: An edge was double-clicked: (Edge, scene position) — the view opens the layer picker.
    insert_requested = Signal(object, QPointF)
    #: An output port was dragged into empty space: (node id, port name, scene position).
    add_connected_requested = Signal(str, str, QPointF)
    #: Emitted after a user edit fails for a reason worth telling (status bar).
    message = Signal(str)

    def __init__(self, document: Document, parent: object | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.colors = CanvasColors()
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str, str, str], EdgeItem] = {}
        self.snap_to_grid = False
        self.locked = False
        self._reroute_pending = False
        self.last_refusal: str | None = None
        self._graph = document.current_graph_name
        self._drag_from: PortItem | None = None
        self._drag_line: QGraphicsPathItem | None = None
        self._drag_target: PortItem | None = None
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        d = document
        d.project_replaced.connect(self.rebuild)
        d.current_graph_changed.connect(self._on_document_current_graph_changed)
        d.node_added.connect(self._on_document_node_added)
        d.node_removed.connect(self._on_document_node_removed)
        d.node_moved.connect(self._on_document_node_moved)
        d.edge_added.connect(self._on_document_edge_added)
        d.edge_removed.connect(self._on_document_edge_removed)
        d.inference_changed.connect(self._on_document_inference_changed)
        self.rebuild()

    # ------------------------------------------------------------------ mirror
    @property
    def graph_name(self) -> str:
        return self._graph

    def rebuild(self) -> None:
        """Recreate every item for the document's current graph."""
        self._cancel_connection()
        self.clear()
        self.nodes.clear()
        self.edges.clear()
        self._graph = self.doc.current_graph_name
        g = self.doc.current_graph
        for n in g.nodes:
            self._add_node_item(n.id)
        for e in g.edges:
            self._add_edge_item(e)
        self.reroute()
        self.refresh_faces()

    def reroute(self) -> None:
        """Route every wire again, after nodes moved, came or went (one of them may now be in a wire's way)."""
        for item in self.edges.values():
            item.update_path()

    def refresh_theme(self) -> None:
        self.colors = CanvasColors()
        for item in self.nodes.values():
            item.update()
        self.update()

    def refresh_faces(self, inference: Inference | None = None) -> None:
        inf = inference or self.doc.inference(self._graph)
        g = self.doc.graph(self._graph)
        edge_problems = {p.edge.key: p.message for p in inf.problems if p.edge is not None}
        for n in g.nodes:
            item = self.nodes.get(n.id)
            info = inf.nodes.get(n.id)
            if item is None or info is None:
                continue
            spec = item.spec
            severity = info.severity
            if info.output_shape is not None and spec.outputs:
                shape = "→ graph" if spec.outputs[0].kind == "graph" else f"→ {fmt_shape(info.output_shape)}"
            elif not spec.outputs:
                shape = "output"
            else:
                shape = "?"
            params = f"{info.param_count:,} params" if info.param_count else ""
            tooltip = node_tooltip(spec, n.display_name, [(p.severity, p.message) for p in info.problems])
            item.set_face(NodeFace(spec.title, n.display_name, spec.describe(n.params), shape, params, severity,
                                   tooltip))
        for key, item in self.edges.items():
            problem = edge_problems.get(key)
            if problem != item.problem:
                item.problem = problem
                item.setToolTip(problem or "Double-click to insert a layer here.")
                item.update()

    def _add_node_item(self, node_id: str) -> NodeItem:
        n = self.doc.graph(self._graph).node(node_id)
        item = NodeItem(n.id, get_spec(n.type))
        item.set_position_silently(*n.position)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not self.locked)
        self.addItem(item)
        self.nodes[n.id] = item
        return item

    def _add_edge_item(self, e: Edge) -> EdgeItem | None:
        s, t = self.nodes.get(e.source), self.nodes.get(e.target)
        if s is None or t is None:
            return None
        sp, tp = s.port(e.source_port, True), t.port(e.target_port, False)
        if sp is None or tp is None:
            return None
        item = EdgeItem(e, sp, tp)
        self.addItem(item)
        item.update_path()  # now that it is in the scene, around the other nodes
        self.edges[e.key] = item
        s.edges.append(item)
        t.edges.append(item)
        sp.update()
        tp.update()
        return item

    def _on_document_current_graph_changed(self, name: str) -> None:
        if name != self._graph:
            self.rebuild()

    def _on_document_node_added(self, graph: str, node_id: str) -> None:
        if graph == self._graph:
            self._add_node_item(node_id)
            self.reroute()

    def _on_document_node_removed(self, graph: str, node_id: str) -> None:
        if graph != self._graph:
            return
        item = self.nodes.pop(node_id, None)
        if item is not None:
            self.removeItem(item)
            self.reroute()

    def _on_document_node_moved(self, graph: str, node_id: str) -> None:
        if graph != self._graph:
            return
        item = self.nodes.get(node_id)
        if item is not None:
            pos = self.doc.graph(graph).node(node_id).position
            if (item.pos().x(), item.pos().y()) != pos:
                item.set_position_silently(*pos)
            self._reroute_soon()

    def _reroute_soon(self) -> None:
        """Moves arrive one signal per node (a layout moves them all): route once, when they are done."""
        if not self._reroute_pending:
            self._reroute_pending = True
            QTimer.singleShot(0, self._on_reroute_timer)

    def _on_reroute_timer(self) -> None:
        self._reroute_pending = False
        self.reroute()

    def _on_document_edge_added(self, graph: str, edge: Edge) -> None:
        if graph == self._graph:
            self._add_edge_item(edge)

    def _on_document_edge_removed(self, graph: str, edge: Edge) -> None:
        if graph != self._graph:
            return
        item = self.edges.pop(edge.key, None)
        if item is None:
            return
        for node_item in (item.source_port.node, item.target_port.node):
            if item in node_item.edges:
                node_item.edges.remove(item)
        item.source_port.update()
        item.target_port.update()
        self.removeItem(item)

    def _on_document_inference_changed(self, graph: str) -> None:
        if graph == self._graph:
            self.refresh_faces()

    # ------------------------------------------------------------------ selection helpers
    def selected_node_ids(self) -> list[str]:
        """Selected nodes in the graph's order (stable, unlike Qt's selection order)."""
        selected = {i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)}
        graphs = {g.name: g for g in self.doc.project.graphs}
        if self._graph not in graphs:  # mid-way through replacing the project
            return []
        return [n.id for n in graphs[self._graph].nodes if n.id in selected]

    def selected_edges(self) -> list[Edge]:
        return [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_nodes(self, ids: list[str]) -> None:
        self.clearSelection()
        for nid in ids:
            item = self.nodes.get(nid)
            if item is not None:
                item.setSelected(True)

    def nodes_rect(self) -> QRectF:
        rect = QRectF()
        for item in self.nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def set_locked(self, locked: bool) -> None:
        self.locked = locked
        self._cancel_connection()
        for item in self.nodes.values():
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not locked)

    # ------------------------------------------------------------------ connecting by dragging a port
    def begin_connection(self, port: PortItem, pos: QPointF) -> None:
        self._drag_from = port
        line = QGraphicsPathItem()
        pen = QPen(QColor(self.colors.selection), 2, Qt.PenStyle.DashLine)
        line.setPen(pen)
        line.setZValue(5)
        self.addItem(line)
        self._drag_line = line
        self.update_connection(pos)

    def update_connection(self, pos: QPointF) -> None:
        if self._drag_from is None or self._drag_line is None:
            return
        target = self._port_near(pos, not self._drag_from.is_output)
        if target is not self._drag_target:
            if self._drag_target is not None:
                self._drag_target.highlight = None
                self._drag_target.update()
            self._drag_target = target
            if target is not None:
                target.highlight = "bad" if self._problem_for(self._drag_from, target) else "ok"
                target.update()
        end = target.scenePos() if target is not None else pos
        a, b = self._drag_from.scenePos(), end
        if not self._drag_from.is_output:
            a, b = b, a
        self._drag_line.setPath(bezier(a, b))

    def finish_connection(self, pos: QPointF) -> None:
        start = self._drag_from
        if start is None:
            return
        target = self._port_near(pos, not start.is_output)
        self._cancel_connection()
        if target is None:
            d = pos - start.scenePos()
            if start.is_output and (d.x() ** 2 + d.y() ** 2) > 40 ** 2 and not self.items(pos):
                self.add_connected_requested.emit(start.node_id, start.port.name, pos)
            return
        src, dst = (start, target) if start.is_output else (target, start)
        try:
            self.doc.connect(src.node_id, src.port.name, dst.node_id, dst.port.name, graph=self._graph)
        except EditRefusedError as exc:
            self.last_refusal = str(exc)
            self.connection_refused.emit(str(exc))

    def _problem_for(self, a: PortItem, b: PortItem) -> str | None:
        src, dst = (a, b) if a.is_output else (b, a)
        return self.doc.connection_problem(src.node_id, src.port.name, dst.node_id, dst.port.name, graph=self._graph)

    def _port_near(self, pos: QPointF, want_output: bool) -> PortItem | None:
        """The nearest port of the wanted direction within a few pixels (generous for touchpads)."""
        r = SNAP_RADIUS
        best, best_d = None, r * r
        for item in self.items(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r)):
            if isinstance(item, PortItem) and item.is_output == want_output and item is not self._drag_from:
                d = item.scenePos() - pos
                dist = d.x() ** 2 + d.y() ** 2
                if dist <= best_d:
                    best, best_d = item, dist
        if best is None:
            # Dropping on a node's body connects to its first free port of the right direction.
            for item in self.items(pos):
                if isinstance(item, NodeItem) and (self._drag_from is None or item is not self._drag_from.node):
                    ports = item.outputs if want_output else item.inputs
                    free = [p for p in ports if p.port.multiple or not item.port_connected(p)]
                    return (free or ports or [None])[0]
        return best

    def _cancel_connection(self) -> None:
        if self._drag_target is not None:
            self._drag_target.highlight = None
            self._drag_target.update()
        self._drag_target = None
        if self._drag_line is not None:
            self.removeItem(self._drag_line)
        self._drag_line = None
        self._drag_from = None

    # ------------------------------------------------------------------ moves become one command per drag
    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt API
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self.commit_moves()

    def commit_moves(self, merge: bool = False) -> None:
        """Turn items whose position differs from the project into one MoveNodes command."""
        g = self.doc.graph(self._graph)
        moved = {}
        for nid, item in self.nodes.items():
            pos = (item.pos().x(), item.pos().y())
            if g.has_node(nid) and tuple(g.node(nid).position) != pos:
                moved[nid] = pos
        if not moved:
            return
        try:
            self.doc.move_nodes(moved, merge=merge, graph=self._graph)
        except EditRefusedError as exc:
            self.message.emit(str(exc))
            for nid in moved:
                self.nodes[nid].set_position_silently(*g.node(nid).position)

    def request_insert(self, item: EdgeItem, pos: QPointF) -> None:
        if not self.locked:
            self.insert_requested.emit(item.edge, pos)
