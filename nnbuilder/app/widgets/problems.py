"""The Problems panel: every problem of every graph from the latest inference, plus run-time problems.

It only reads ``Document.inference(...)``; clicking a row asks the window to select and centre the
node. Run-time problems (e.g. a training failure reported by the training controller) are added with
``add_runtime_problem`` and stay until ``clear_runtime_problems`` or the next edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ..document import Document

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_COLORS = {"error": "#D62728", "warning": "#E8A317", "info": "#2F80ED"}
NODE_ROLE = Qt.ItemDataRole.UserRole + 1
GRAPH_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class RuntimeProblem:
    severity: str
    message: str
    node: str | None = None
    graph: str | None = None
    source: str = "Training"


def severity_icon(severity: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(_COLORS.get(severity, "#888")))
    p.drawEllipse(1, 1, 12, 12)
    p.setPen(QColor("white"))
    p.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, "i" if severity == "info" else "!")
    p.end()
    return QIcon(pix)


class ProblemsPanel(QWidget):
    #: (graph name, node id) of a clicked problem.
    node_activated = Signal(str, str)
    #: Number of errors and warnings changed (for the dock title).
    counts_changed = Signal(int, int)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.runtime: list[RuntimeProblem] = []
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Problem", "Layer", "Graph"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed-but-adjustable widths: ResizeToContents re-measures every row on every edit.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 140)
        header.resizeSection(2, 120)
        header.setStretchLastSection(False)
        self.empty = QLabel("No problems — the network is valid.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tree)
        lay.addWidget(self.empty)
        self.tree.itemClicked.connect(self._on_tree_item_clicked)
        self.tree.itemActivated.connect(self._on_tree_item_clicked)
        document.project_changed.connect(self._on_document_project_changed)
        document.current_graph_changed.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ API for the training part
    def add_runtime_problem(self, message: str, severity: str = "error", node: str | None = None,
                            graph: str | None = None, source: str = "Training") -> None:
        """Show a problem that inference cannot know about (a failed training run, a NaN loss)."""
        self.runtime.append(RuntimeProblem(severity, message, node, graph, source))
        self.refresh()

    def clear_runtime_problems(self, source: str | None = None) -> None:
        self.runtime = [p for p in self.runtime if source is not None and p.source != source]
        self.refresh()

    def _on_document_project_changed(self) -> None:
        """A run-time problem describes the network as it was trained; any edit (or another project) makes it
        stale, and a stale "cannot be built" would contradict the valid network on screen."""
        self.runtime = []
        self.refresh()

    # ------------------------------------------------------------------ listing
    def rows(self) -> list[tuple[str, str, str | None, str]]:
        """(severity, message, node id, graph) for every listed problem, in display order."""
        out: list[tuple[str, str, str | None, str]] = []
        for p in self.runtime:
            out.append((p.severity, f"{p.source}: {p.message}", p.node, p.graph or self.doc.current_graph_name))
        graphs = sorted(self.doc.project.graphs, key=lambda g: g.name != self.doc.current_graph_name)
        for g in graphs:
            inf = self.doc.inference(g.name)
            probs = sorted(inf.problems, key=lambda p: SEVERITY_ORDER.get(p.severity, 3))
            out.extend((p.severity, p.message, p.node, g.name) for p in probs)
        return out

    def refresh(self, *args: object) -> None:
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        items = []
        several = len(self.doc.project.graphs) > 1
        self.tree.setColumnHidden(2, not several)
        errors = warnings = 0
        for severity, message, node, graph in self.rows():
            errors += severity == "error"
            warnings += severity == "warning"
            name = ""
            try:
                g = self.doc.graph(graph)
                if node and g.has_node(node):
                    name = g.node(node).display_name
            except Exception:  # noqa: BLE001 - a runtime problem may name a graph that is gone
                pass
            item = QTreeWidgetItem([message, name, graph])
            item.setIcon(0, severity_icon(severity))
            item.setToolTip(0, message)
            item.setData(0, NODE_ROLE, node)
            item.setData(0, GRAPH_ROLE, graph)
            items.append(item)
        self.tree.addTopLevelItems(items)
        self.tree.setUpdatesEnabled(True)
        has_rows = self.tree.topLevelItemCount() > 0
        self.tree.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self.counts_changed.emit(errors, warnings)

    def _on_tree_item_clicked(self, item: QTreeWidgetItem, column: int = 0) -> None:
        node = item.data(0, NODE_ROLE)
        graph = item.data(0, GRAPH_ROLE)
        if node:
            self.node_activated.emit(graph, node)
