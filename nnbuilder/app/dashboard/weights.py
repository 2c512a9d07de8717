"""Weights and gradients: how each layer's weights spread over time, a weight matrix, the first convolution's
filters and the gradient norm per layer.

A weight histogram is one column per snapshot in an image (time to the right, weight value up), the
TensorBoard "distributions" view: it shows weights spreading, collapsing or exploding at a glance. Histograms
arrive with a power-of-two range per layer; when the range doubles, the stored columns are re-binned exactly
(``merge_histogram``), so the whole image keeps one value axis.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..workers.messages import ViewFrame, WeightsUpdate
from ..workers.views.weights import merge_histogram
from .legend import LegendColumn
from .panel import ViewPanel
from .style import (
    DIVERGING_LUT,
    SEQUENTIAL_LUT,
    LogAxis,
    PlotView,
    elide_title,
    place,
    prepare_axes,
    run_color,
    short_and_wide,
)

MAX_COLUMNS = 400  # older snapshots are thinned (every other one dropped) beyond this
GRAD_TITLE = "Gradient norm per layer"
# the perceptron rule updates weights without backpropagation, so its snapshots carry no gradient norms: an
# empty plot with a squashed log axis looked broken; the title says why it stays empty instead
NO_GRAD_TITLE = "Gradient norm per layer: none in this run (the perceptron rule updates weights without gradients)"


class _LayerHistory:
    def __init__(self, bins: int, r: float) -> None:
        self.columns = np.zeros((0, bins), dtype=np.float32)
        self.positions = np.zeros(0, dtype=np.float64)  # each column's place in the run, in epochs
        self.range = r

    def add(self, counts: np.ndarray, r: float, position: float) -> None:
        while r > self.range:
            self.columns = merge_histogram(self.columns)
            self.range *= 2.0
        while counts.size and r < self.range:  # a late, narrower histogram: widen it to the stored range
            counts = merge_histogram(counts)
            r *= 2.0
        self.columns = np.concatenate([self.columns, counts[None, :]], axis=0)
        self.positions = np.append(self.positions, float(position))
        if len(self.columns) > MAX_COLUMNS:
            self.columns = np.ascontiguousarray(self.columns[::2])
            self.positions = self.positions[::2].copy()

    def image(self) -> np.ndarray:
        """(bins, snapshots) float32 in [0, 1]: log counts scaled per column, so each snapshot is readable."""
        img = np.log1p(self.columns)
        peak = img.max(axis=1, keepdims=True)
        img = img / np.where(peak > 0, peak, 1.0)
        return np.ascontiguousarray(img.T, dtype=np.float32)


class EpochColumnsAxis(pg.AxisItem):
    """The histogram's time axis, labelled in epochs although the image has one column per snapshot.

    Snapshots are paced by time, not by epochs: a karate-club run of 100 epochs in 0.4 s leaves 5 of them, a
    CNN's first epoch a dozen. Counted in snapshots, the axis could not tell the student which epochs a column
    shows. The ticks sit at round epochs, placed between the columns taken before and after them.
    """

    LABEL_PX = 44.0  # pixels per label, so "100" and "120" never touch

    def __init__(self) -> None:
        super().__init__("bottom")
        self._positions = np.zeros(0, dtype=np.float64)

    def set_positions(self, positions: np.ndarray) -> None:
        """Each column's place in the run, in epochs (column i spans i..i+1 on the image's x axis)."""
        positions = np.maximum.accumulate(np.asarray(positions, dtype=np.float64)) if len(positions) else \
            np.zeros(0, dtype=np.float64)
        if positions.shape == self._positions.shape and np.array_equal(positions, self._positions):
            return
        self._positions = positions
        self.picture = None  # drawn again with the new ticks
        self.update()

    def column_of(self, epoch: float) -> float:
        """Where ``epoch`` lies on the image's x axis (between the columns taken before and after it)."""
        centers = np.arange(len(self._positions)) + 0.5
        return float(np.interp(epoch, self._positions, centers))

    def epoch_at(self, x: float) -> float:
        centers = np.arange(len(self._positions)) + 0.5
        return float(np.interp(x, centers, self._positions))

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[Any, list[float]]]:  # noqa: N803
        p = self._positions
        if len(p) == 0 or size <= 0 or maxVal <= minVal:
            return []
        px_per_x = size / (float(maxVal) - float(minVal))
        lo_x, hi_x = max(float(minVal), 0.5), min(float(maxVal), len(p) - 0.5)
        if px_per_x >= self.LABEL_PX:  # few columns: each under its own epoch (1 and 100, not 20 ... 80 between)
            return [(1.0, [i + 0.5 for i in range(len(p)) if lo_x <= i + 0.5 <= hi_x])]
        lo, hi = self.epoch_at(lo_x), self.epoch_at(hi_x)
        if hi <= lo:
            return []
        least = (hi - lo) / (px_per_x * (hi_x - lo_x)) * self.LABEL_PX  # a step whose labels stand apart
        spacing = next(m * 10.0 ** e for e in range(math.floor(math.log10(least)), 99) for m in (1, 2, 5)
                       if m * 10.0 ** e >= least)
        ticks = np.arange(math.ceil(lo / spacing - 1e-9), math.floor(hi / spacing + 1e-9) + 1) * spacing
        chosen: list[float] = []
        for epoch in ticks:  # where snapshots crowd (a slow start, a fast end) only labels that stand apart
            x = self.column_of(float(epoch))
            if not chosen or (x - chosen[-1]) * px_per_x >= self.LABEL_PX:
                chosen.append(x)
        return [(spacing, chosen)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Epochs to as many decimals as tell the labels apart: a snapshot taken just after an epoch began
        (epoch 11 + one batch of 200) read "11.005" beside "1" and "20"."""
        epochs = [self.epoch_at(v) for v in values]
        gaps = [b - a for a, b in zip(epochs, epochs[1:], strict=False) if b - a > 1e-9]
        gap = min(gaps) if gaps else max(abs(epochs[0]) if epochs else 1.0, 1.0)
        whole = all(abs(e - round(e)) < 1e-6 for e in epochs)
        decimals = 0 if whole or gap >= 2 else min(3, max(0, math.ceil(-math.log10(gap) + 0.3)))
        return [f"{e:.{decimals}f}" for e in epochs]


class WeightsPanel(ViewPanel):
    """The Weights tab; the layer picker drives the histogram and the matrix heatmap."""

    layer_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer_combo = QComboBox()
        self.layer_combo.setMinimumContentsLength(16)
        self.layer_combo.setToolTip("The layer whose weights the histogram and the heatmap show.")
        self.dead_label = QLabel()
        self.dead_label.setStyleSheet("color:#555")
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer:"))
        top.addWidget(self.layer_combo)
        top.addStretch(1)
        top.addWidget(self.dead_label)

        self.view = PlotView()
        self.hist_axis = EpochColumnsAxis()
        self.hist_plot = self.view.addPlot(title="Weight distribution", axisItems={"bottom": self.hist_axis})
        prepare_axes(self.hist_plot)
        self.hist_plot.setLabel("bottom", "epoch")
        self.hist_plot.setLabel("left", "weight value")
        self.hist_image = pg.ImageItem(axisOrder="row-major")
        self.hist_image.setLookupTable(SEQUENTIAL_LUT)
        self.hist_plot.addItem(self.hist_image)

        self.matrix_plot = self.view.addPlot(title="Weight matrix")
        prepare_axes(self.matrix_plot)
        self.matrix_plot.setLabel("bottom", "input")
        self.matrix_plot.setLabel("left", "unit")
        self.matrix_plot.invertY(True)
        self.matrix_image = pg.ImageItem(axisOrder="row-major")
        self.matrix_image.setLookupTable(DIVERGING_LUT)
        self.matrix_plot.addItem(self.matrix_image)
        self.view.nextRow()

        self.filter_plot = self.view.addPlot(title="First convolution layer's filters")
        elide_title(self.filter_plot)
        self.filter_plot.hideAxis("left")
        self.filter_plot.hideAxis("bottom")
        self.filter_plot.invertY(True)
        self.filter_plot.setAspectLocked(True)
        self.filter_image = pg.ImageItem(axisOrder="row-major")
        self.filter_image.setLookupTable(DIVERGING_LUT)
        self.filter_plot.addItem(self.filter_image)
        self.filter_note = pg.TextItem("No convolution layer in this network.", color="#777", anchor=(0.5, 0.5))
        self.filter_plot.addItem(self.filter_note)

        self.grad_plot = self.view.addPlot(title=GRAD_TITLE, axisItems={"left": LogAxis("left")})
        prepare_axes(self.grad_plot)
        self.grad_plot.setLabel("bottom", "epoch")
        self.grad_plot.setLogMode(False, True)
        # labels only where LogAxis puts them (decades first): in a short plot pyqtgraph's ran into each other
        self.grad_plot.getAxis("left").setStyle(maxTextLevel=0, autoReduceTextSpace=True)
        self.grad_plot.showGrid(x=False, y=False)
        # beside the plot, not inside it: anchored top right it covered the newest epochs, and in a short dock it
        # was cut off after two of a CNN's four layers
        self.grad_legend = LegendColumn(self.grad_plot, labelTextSize="8pt", brush=(255, 255, 255, 210),
                                        labelTextColor="#222").legend

        self._with_filters = True
        self._wide = False
        self._arrange(False)  # the filters appear only for networks with a convolution

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view)

        self._hist: dict[str, _LayerHistory] = {}
        self._matrices: dict[str, np.ndarray] = {}
        self._shapes: dict[str, tuple[int, ...]] = {}
        self._filters: np.ndarray | None = None
        self._filters_layer = ""
        self._grad_x: dict[str, list[float]] = {}
        self._grad_y: dict[str, list[float]] = {}
        self._grad_curves: dict[str, pg.PlotDataItem] = {}
        self._dead: dict[str, float] = {}
        self._epoch = 0
        self.snapshots = 0
        self.dirty = False
        self._show_grad_state()
        self.layer_combo.currentTextChanged.connect(self._on_layer_combo_changed)

    def begin_run(self, label: str) -> None:
        self.clear()

    def add_frame(self, frame: ViewFrame) -> None:
        self.add(frame.payload)

    def clear(self) -> None:
        """Forget the previous run: weights of different runs are not comparable snapshot by snapshot."""
        self._hist.clear()
        self._matrices.clear()
        self._shapes.clear()
        self._filters = None
        self._filters_layer = ""
        for curve in self._grad_curves.values():
            self.grad_legend.removeItem(curve)
            self.grad_plot.removeItem(curve)
        self._grad_curves.clear()
        self._grad_x.clear()
        self._grad_y.clear()
        self._dead.clear()
        self.snapshots = 0
        self._show_grad_state()
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.blockSignals(False)
        self.hist_image.clear()
        self.hist_axis.set_positions(np.zeros(0))
        self.hist_plot.setTitle("Weight distribution")  # not the last run's layer and epoch
        self.matrix_image.clear()
        self.matrix_plot.setTitle("Weight matrix")
        self.filter_image.clear()
        self.filter_plot.setTitle("First convolution layer's filters")
        self.filter_note.setVisible(True)
        self._arrange(False)
        self.dead_label.clear()
        self.dirty = True

    def _arrange(self, with_filters: bool | None = None, wide: bool | None = None) -> None:
        """Two rows (histogram and matrix; filters beside the gradient norms, or the gradient norms across the
        whole width: an empty filters panel for a network without convolutions said nothing), or all of them
        in one row when the dock is short and wide.

        In the window's default layout the Training dock is ~200 px tall and over 1,000 px wide: in two rows
        each plot area was 20-30 px high, its axis labels (5, 0, -5) piled on each other and the heatmaps
        were slivers. Side by side each plot gets the whole height.
        """
        with_filters = self._with_filters if with_filters is None else with_filters
        wide = self._wide if wide is None else wide
        if (with_filters, wide) == (self._with_filters, self._wide) and self.grad_plot in self.view.ci.items:
            return
        self._with_filters, self._wide = with_filters, wide
        plots = [self.hist_plot, self.matrix_plot] + ([self.filter_plot] if with_filters else []) + [self.grad_plot]
        if wide:
            cells = [(plot, 0, col, 1) for col, plot in enumerate(plots)]
        elif with_filters:
            cells = [(self.hist_plot, 0, 0, 1), (self.matrix_plot, 0, 1, 1), (self.filter_plot, 1, 0, 1),
                     (self.grad_plot, 1, 1, 1)]
        else:
            cells = [(self.hist_plot, 0, 0, 1), (self.matrix_plot, 0, 1, 1), (self.grad_plot, 1, 0, 2)]
        place(self.view.ci, cells, hidden=() if with_filters else (self.filter_plot,))
        self.filter_plot.setVisible(with_filters)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._arrange(wide=short_and_wide(self.view))

    def add(self, update: WeightsUpdate) -> None:
        """Store one snapshot (cheap); drawing happens in ``refresh``."""
        self.snapshots += 1
        self._epoch = update.epoch
        for name, counts in update.histograms.items():
            r = update.hist_ranges.get(name, 1.0)
            hist = self._hist.get(name)
            if hist is None:
                hist = self._hist[name] = _LayerHistory(len(counts), r)
            hist.add(np.asarray(counts, dtype=np.float32), r, update.position)
        self._matrices.update(update.matrices)
        self._shapes.update(update.shapes)
        if update.filters is not None:
            self._filters, self._filters_layer = update.filters, update.filters_layer
        for name, norm in update.grad_norms.items():
            self._grad_x.setdefault(name, []).append(update.position)
            self._grad_y.setdefault(name, []).append(float(norm))
        self._dead.update(update.dead_units)
        self.dirty = True

    def refresh(self) -> None:
        self.dirty = False
        known = [self.layer_combo.itemText(i) for i in range(self.layer_combo.count())]
        new = [n for n in self._hist if n not in known]
        if new:
            self.layer_combo.blockSignals(True)
            self.layer_combo.addItems(new)
            self.layer_combo.blockSignals(False)
            if not known:  # prefer a layer with a weight matrix to start with
                first = next((n for n in self._hist if n in self._matrices), self.layer_combo.itemText(0))
                self.layer_combo.setCurrentText(first)
        layer = self.layer_combo.currentText()
        hist = self._hist.get(layer)
        if hist is not None and len(hist.columns):
            img = hist.image()
            self.hist_image.setImage(img, levels=(0.0, 1.0), autoLevels=False)
            self.hist_image.setRect(QRectF(0, -hist.range, img.shape[1], 2 * hist.range))
            self.hist_axis.set_positions(hist.positions)
            self.hist_plot.setTitle(f"Weight distribution: {layer} (epoch {self._epoch})")
        matrix = self._matrices.get(layer)
        if matrix is not None:
            finite = matrix[np.isfinite(matrix)]
            peak = float(np.abs(finite).max()) if finite.size else 1.0
            peak = peak if peak > 0 else 1.0
            self.matrix_image.setImage(matrix, levels=(-peak, peak), autoLevels=False)
            shape = self._shapes.get(layer, matrix.shape)
            shown = "" if tuple(shape) == matrix.shape else f", shown at {matrix.shape[0]}×{matrix.shape[1]}"
            self.matrix_plot.setTitle(f"Weight matrix: {layer} {shape[0]}×{shape[1]} (±{peak:.2g}{shown})")
        elif layer:
            self.matrix_image.clear()
            self.matrix_plot.setTitle(f"Weight matrix: {layer} has none")
        if self._filters is not None:
            self._arrange(True)
            self.filter_note.setVisible(False)
            self.filter_image.setImage(self._filters, levels=(-1.0, 1.0), autoLevels=False)
            self.filter_plot.setTitle(f"Filters of {self._filters_layer}")
        for i, (name, ys) in enumerate(self._grad_y.items()):
            curve = self._grad_curves.get(name)
            if curve is None:
                color = run_color(i)
                curve = pg.PlotDataItem(pen=pg.mkPen(color, width=2), name=name, connect="finite")
                curve.setClipToView(True)
                curve.setDownsampling(auto=True, method="peak")
                self._grad_curves[name] = curve
                self.grad_plot.addItem(curve)
            y = np.asarray(ys, dtype=np.float32)
            y = np.where(y > 0, y, np.nan)  # log axis: a zero gradient has no place on it
            curve.setData(np.asarray(self._grad_x[name], dtype=np.float32), y)
        self._show_grad_state()
        if self._dead:
            parts = ", ".join(f"{k} {100 * v:.0f} %" for k, v in self._dead.items())
            self.dead_label.setText(f"Dead ReLU units: {parts}")

    def _show_grad_state(self) -> None:
        """Title and axis of the gradient plot: the plain title while there are curves or nothing has arrived
        yet; after snapshots without any gradient, a title that says why the plot is empty. The log axis'
        values show only with curves (without data its labels ran into each other)."""
        has_curves = bool(self._grad_curves)
        no_grads = self.snapshots > 0 and not has_curves
        title = NO_GRAD_TITLE if no_grads else GRAD_TITLE
        # only on a change: this runs at every refresh during training, and a new title re-lays the plot out
        if self.grad_plot.titleLabel.text != title:
            self.grad_plot.setTitle(title)
        axis = self.grad_plot.getAxis("left")
        if axis.style["showValues"] != has_curves:
            axis.setStyle(showValues=has_curves)

    def _on_layer_combo_changed(self, name: str) -> None:
        self.dirty = True
        self.refresh()
        self.layer_changed.emit(name)

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci
