"""The TensorFlow Playground view: the model's class probabilities as a heatmap behind the data points.

Training points are filled, held-out points (validation and test) hollow, both in their class colour, so a
student sees at once whether the boundary fits the points it learned from and the ones it never saw.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..workers.messages import BoundaryUpdate, DataView, ViewFrame
from .legend import LegendColumn
from .panel import ViewPanel
from .style import BOUNDARY_LUT, CLASS_COLORS, UNLIMITED, Blank, DataWidth, PlotView, class_color, place, prepare_axes


class BoundaryPanel(ViewPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PlotView()
        self.plot = self.view.addPlot(title="Decision boundary")
        prepare_axes(self.plot)
        self.plot.setAspectLocked(True)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen((40, 40, 40), width=0.6), brush=pg.mkBrush(120, 120, 120),
                                               name="training (filled)")
        self.held_points = pg.ScatterPlotItem(size=7, brush=pg.mkBrush("w"), pen=pg.mkPen(90, 90, 90, width=1.6), name="validation / test (hollow)")
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.held_points)
        # beside the plot: over it, it hid a corner of the data once the plot is as wide as the data (below)
        key = LegendColumn(self.plot, labelTextSize="8pt", labelTextColor="#222")
        self.legend = key.legend
        self.legend.addItem(self.train_points, "training (filled)")
        self.legend.addItem(self.held_points, "validation / test (hollow)")
        # the title over the plot and its key together: over the plot alone, as wide as the data, the spiral's
        # read "Decision… (epoch 100)" in the default window; the key starts below it
        grid = self.plot.layout
        grid.removeItem(self.plot.titleLabel)
        grid.removeItem(key)
        grid.addItem(self.plot.titleLabel, 0, 1, 1, 3)
        grid.addItem(key, 1, 3, 3, 1)
        # A/B on the timeline: the compared run's boundary at the same moment, beside this one, same points.
        self.plot_b = self.view.addPlot(row=0, col=1, title="")
        prepare_axes(self.plot_b)
        self.plot_b.setAspectLocked(True)
        self.plot_b.setLabel("bottom", "x₁")
        self.image_b = pg.ImageItem(axisOrder="row-major")
        self.image_b.setZValue(-10)
        self.plot_b.addItem(self.image_b)
        self.train_points_b = pg.ScatterPlotItem(size=6, pen=pg.mkPen((40, 40, 40), width=0.6))
        self.held_points_b = pg.ScatterPlotItem(size=7, brush=pg.mkBrush("w"), pen=pg.mkPen(90, 90, 90, width=1.6))
        self.plot_b.addItem(self.train_points_b)
        self.plot_b.addItem(self.held_points_b)
        self.plot_b.setVisible(False)
        # the plots in columns 1 and 2, between two stretching blanks: centred once they are as wide as the data
        place(self.view.ci, [(item, 0, col, 1) for col, item in enumerate((Blank(), self.plot, self.plot_b, Blank()))])
        self._fit = DataWidth(self, self.view, [self.plot, self.plot_b])
        self._fold_compared_column()
        self._compare: tuple[BoundaryUpdate, str, str] | None = None
        self._compare_data: DataView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._brushes = [pg.mkBrush(c) for c in CLASS_COLORS]
        self._pens = [pg.mkPen(c, width=1.6) for c in CLASS_COLORS]
        self._pending: BoundaryUpdate | None = None
        self.updates = 0  # boundary images drawn (only while the tab is visible)
        self.received = 0  # boundary grids received from the worker
        self.dirty = False
        self.extent: tuple[float, float, float, float] | None = None

    def set_data(self, info: DataView) -> None:
        """Draw the points once per run; only the image behind them changes while training."""
        self.image.clear()
        self._pending = None
        if info.train_points is None or info.train_labels is None:
            self.train_points.clear()
            self.held_points.clear()
            return
        self._set_points(info, self.train_points, self.held_points)
        # the key names only the kinds of points drawn: "validation / test (hollow)" beside none at all
        # (the perceptron examples keep no validation split) sent students looking for them
        self._key_held(len(self.held_points.data) > 0)
        self.extent = info.extent
        self._fit.set_extent(info.extent)
        if info.extent is not None:
            x0, x1, y0, y1 = info.extent
            for plot in (self.plot, self.plot_b):  # not linked: two aspect-locked links feed back and run away
                plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)
        self.dirty = True

    def _key_held(self, shown: bool) -> None:
        in_key = any(sample.item is self.held_points for sample, _label in self.legend.items)
        if shown and not in_key:
            self.legend.addItem(self.held_points, "validation / test (hollow)")
        elif not shown and in_key:
            self.legend.removeItem(self.held_points)

    def _fold_compared_column(self) -> None:
        """A hidden compared plot still held its minimum width in the layout, taken from the one shown."""
        grid = self.view.ci.layout
        if self.plot_b.isVisible():
            grid.setColumnMinimumWidth(2, 0.0)
            grid.setColumnMaximumWidth(2, UNLIMITED)
        else:
            grid.setColumnFixedWidth(2, 0.0)

    def _set_points(self, info: DataView, train: pg.ScatterPlotItem, held: pg.ScatterPlotItem) -> None:
        if info.train_points is None or info.train_labels is None:
            train.clear()
            held.clear()
            return
        n = len(self._brushes)
        train.setData(pos=info.train_points, brush=[self._brushes[int(c) % n] for c in info.train_labels])
        if info.held_points is not None and info.held_labels is not None and len(info.held_points):
            held.setData(pos=info.held_points, pen=[self._pens[int(c) % n] for c in info.held_labels],
                         brush=pg.mkBrush("w"))
        else:
            held.clear()

    def clear(self) -> None:
        """Another project: its data set's points and boundary do not belong here."""
        self.image.clear()
        self.train_points.clear()
        self.held_points.clear()
        self._compare = None
        self.plot_b.setVisible(False)
        self._fold_compared_column()
        self._pending = None
        self.extent = None
        self._fit.set_extent(None)
        self.plot.setTitle("Decision boundary")

    def add_frame(self, frame: ViewFrame) -> None:
        self.set_boundary(frame.payload)

    def show_snapshot(self, frame: ViewFrame, live: bool = False, other: ViewFrame | None = None,
                      titles: tuple[str, str] = ("", ""), other_data: DataView | None = None) -> None:
        """Replay: this run's boundary then; with ``other``, the compared run's beside it (A/B)."""
        self._pending = frame.payload
        self._compare = None if other is None else (other.payload, titles[0], titles[1])
        if other_data is not None and other_data is not self._compare_data:
            self._compare_data = other_data
            self._set_points(other_data, self.train_points_b, self.held_points_b)
        self.dirty = True

    def set_boundary(self, update: BoundaryUpdate) -> None:
        self._pending = update  # only the newest grid is worth drawing
        self.received += 1
        self.dirty = True

    def refresh(self) -> None:
        self.dirty = False
        update, self._pending = self._pending, None
        if update is None:
            return
        self._paint(self.image, update)
        compare = self._compare
        if self.plot_b.isVisible() != (compare is not None):
            self.plot_b.setVisible(compare is not None)
            self._fold_compared_column()
            self._fit.fit()
        if compare is not None:
            other, title_a, title_b = compare
            self._paint(self.image_b, other)
            self.plot.setTitle(f"{title_a} (epoch {update.epoch})")
            self.plot_b.setTitle(f"{title_b} (epoch {other.epoch})")
        else:
            self.plot.setTitle(f"Decision boundary (epoch {update.epoch})")
        self.updates += 1

    def _paint(self, image: pg.ImageItem, update: BoundaryUpdate) -> None:
        probs = update.probs
        if probs.ndim == 2:
            image.setImage(probs, levels=(0.0, 1.0), lut=BOUNDARY_LUT, autoLevels=False)
        else:  # several classes: the winning class's colour, paler where the model is unsure
            k = probs.shape[2]
            colors = np.array([class_color(i) for i in range(k)], dtype=np.float32)
            top = probs.argmax(axis=2)
            conf = (probs.max(axis=2) - 1.0 / k) / (1.0 - 1.0 / k)
            alpha = (0.15 + 0.55 * np.clip(conf, 0.0, 1.0))[..., None]
            rgb = (255.0 * (1 - alpha) + colors[top] * alpha).astype(np.uint8)
            image.setImage(np.ascontiguousarray(rgb), levels=(0, 255), lut=None, autoLevels=False)
        x0, x1, y0, y1 = update.extent
        image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci
