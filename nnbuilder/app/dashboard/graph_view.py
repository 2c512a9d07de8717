"""The Graph tab: the data set's graph with every node coloured by the class the model predicts, redrawn as
it trains, so a student sees the labels spread from the few labelled nodes (karate club: one per side)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..workers.messages import DataView, ViewFrame
from ..workers.views.graph import GraphUpdate
from .legend import LegendColumn
from .panel import ViewPanel
from .style import WRONG, PlotView, class_color, prepare_axes

RING_GAP = 8  # px a wrong node's ring is wider than the node
MAX_STRETCH = 5.0  # how much wider than its layout a drawing may be spread to fill a short, wide tab


def stretch_for(box_width: float, box_height: float, layout_width: float, layout_height: float) -> float:
    """How much to widen a node layout so it fills more of a box wider than the layout's shape (1 to 5).

    A force layout's shape means nothing, its neighbourhoods do; so in the default window's short, wide
    Training dock Cora's 400 nodes need not crowd a square ~170 px high in the middle of a 1,100 px tab,
    where they covered each other and their red "wrong" rings. Widening keeps every neighbour beside its
    neighbours; capped, so a graph stays a graph and not a band.
    """
    if min(box_width, box_height, layout_width, layout_height) <= 0:
        return 1.0
    room = (box_width / box_height) / (layout_width / layout_height)
    return float(min(max(room, 1.0), MAX_STRETCH))


class GraphPanel(ViewPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PlotView()
        self.plot = self.view.addPlot(title="Graph")
        prepare_axes(self.plot)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setAspectLocked(True)
        self.edges = pg.PlotDataItem(pen=pg.mkPen((150, 150, 150, 110), width=1), connect="pairs")
        self.points = pg.ScatterPlotItem(size=11, pxMode=True, pen=pg.mkPen((40, 40, 40), width=1))
        # a wrong node's ring stands apart from it: drawn as the node's outline, the red of "wrong" vanished
        # into nodes filled with the red of a class (Cora's Probabilistic_Methods)
        self.rings = pg.ScatterPlotItem(pxMode=True, brush=None, pen=pg.mkPen(WRONG, width=2))
        self.plot.addItem(self.edges)
        self.plot.addItem(self.rings)
        self.plot.addItem(self.points)
        # the colour key beside the graph: nodes are coloured by class, and without it a student could not tell
        # which colour is which topic (Cora's seven); in a column of its own, so it never covers nodes
        self.key = LegendColumn(self.plot, labelTextSize="8pt", labelTextColor="#222")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.class_names: list[str] | None = None
        self._layout: GraphUpdate | None = None
        self._pending: GraphUpdate | None = None
        self.updates = 0
        self.dirty = False
        self.stretch = 1.0
        self._wrong: np.ndarray | None = None  # bool per drawn node, once predictions have come
        self._restretch = QTimer(self)  # after the layout has given the plot its new size
        self._restretch.setSingleShot(True)
        self._restretch.setInterval(0)
        self._restretch.timeout.connect(self._place)
        self.plot.getViewBox().sigResized.connect(self._restretch.start)

    def begin_run(self, label: str) -> None:
        self.clear()  # the run sends its graph again, with this run's predictions

    def set_data(self, info: DataView) -> None:
        """Name each class colour in the key (the data set's class names; no key without them)."""
        self.class_names = list(info.class_names) if info.class_names else None
        self.key.legend.clear()
        for c, name in enumerate(self.class_names or []):
            sample = pg.ScatterPlotItem(symbol="o", size=10, brush=pg.mkBrush(*class_color(c)),
                                        pen=pg.mkPen((40, 40, 40), width=1))
            self.key.legend.addItem(sample, name)

    def add_frame(self, frame: ViewFrame) -> None:
        self.set_graph(frame.payload)

    def clear(self) -> None:
        self._layout = self._pending = None
        self._wrong = None
        self.stretch = 1.0
        self.edges.clear()
        self.points.clear()
        self.rings.clear()
        self.plot.setTitle("Graph")

    @property
    def has_graph(self) -> bool:
        return self._layout is not None

    def set_graph(self, update: GraphUpdate) -> None:
        if update.positions is not None:
            self._layout = update
            self.stretch = 0.0  # none drawn yet
            self._place()
        self._pending = update
        self.dirty = True

    def positions(self) -> np.ndarray | None:
        """Where the nodes are drawn: the run's layout, widened by ``stretch``."""
        layout = self._layout
        if layout is None or layout.positions is None:
            return None
        return layout.positions * np.array([self.stretch or 1.0, 1.0], dtype=np.float32)

    def _place(self) -> None:
        """Widen the drawing to the plot's shape (see ``stretch_for``); nodes and edges move together."""
        layout = self._layout
        if layout is None or layout.positions is None:
            return
        box = self.plot.getViewBox()
        pos = layout.positions
        span = pos.max(axis=0) - pos.min(axis=0) if len(pos) else np.ones(2)
        stretch = stretch_for(box.width(), box.height(), float(span[0]), float(span[1]))
        if self.stretch and abs(stretch - self.stretch) < 0.02 * self.stretch:
            return
        self.stretch = stretch
        pos = self.positions()
        assert pos is not None
        if layout.edges is not None and layout.edges.size:
            pairs = pos[layout.edges.T.reshape(-1)]
            self.edges.setData(pairs[:, 0], pairs[:, 1])
        else:
            self.edges.clear()
        if len(self.points.data) == len(pos):  # else a new run's graph: refresh() draws its nodes
            self.points.setData(pos=pos, brush=self.points.data["brush"], size=self.points.data["size"])
            self._draw_rings()
        self.plot.autoRange()

    def _draw_rings(self) -> None:
        """A red ring, with a gap, around each node whose predicted class is wrong."""
        pos, wrong, drawn = self.positions(), self._wrong, self.points.data
        if pos is None or wrong is None or not len(wrong) == len(pos) == len(drawn) or not wrong.any():
            self.rings.clear()
            return
        self.rings.setData(pos=pos[wrong], size=drawn["size"][wrong] + RING_GAP)

    def refresh(self) -> None:
        self.dirty = False
        update, self._pending = self._pending, None
        layout = self._layout
        if update is None or layout is None or layout.positions is None:
            return
        shown = update.predicted if update.predicted is not None else layout.true
        brushes = [pg.mkBrush(*class_color(int(c))) for c in shown]
        wrong = update.predicted is not None
        sizes = np.where(layout.train, 17, 11)
        self.points.setData(pos=self.positions(), brush=brushes, size=sizes)
        self._wrong = (np.asarray(shown) != np.asarray(layout.true)) if wrong else None
        self._draw_rings()
        part = len(layout.nodes) < layout.total_nodes
        subset = f" ({len(layout.nodes):,} of {layout.total_nodes:,} nodes shown)" if part else ""
        if update.predicted is None:
            head = f"Graph: nodes coloured by their true class{subset}"
        else:
            # "50 wrong (400 of 2,708 nodes shown)" read as 50 of 2,708, about 98 % right beside a validation
            # accuracy of 0.76: the count is of the nodes drawn, so say of how many
            n_wrong = int(np.sum(update.predicted != layout.true))
            of = f" of the {len(layout.nodes):,} shown ({layout.total_nodes:,} in the graph)" if part else ""
            # the count first: in a narrow tab the title elides at its end, and the key beside the plot already
            # says what the colours are
            head = f"Epoch {update.epoch}: {n_wrong}{of} wrong (red ring) — nodes coloured by predicted class"
        self.plot.setTitle(f"{head}<br><span style='font-size:8pt'>large nodes: the labelled "
                           "training nodes the loss sees</span>")
        self.updates += 1

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci
