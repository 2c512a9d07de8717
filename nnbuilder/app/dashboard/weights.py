"""Weights and gradients: how each layer's weights spread over time, a weight matrix, the first convolution's
filters and the gradient norm per layer.

A weight histogram is one column per snapshot in an image (time to the right, weight value up), the
TensorBoard "distributions" view: it shows weights spreading, collapsing or exploding at a glance. Histograms
arrive with a power-of-two range per layer; when the range doubles, the stored columns are re-binned exactly
(``merge_histogram``), so the whole image keeps one value axis. Snapshots are paced by time, not by epochs, so
each column is drawn over the stretch of training it stands for, on a linear epoch axis like the plots beside
it (``column_edges``, ``uniform_columns``).
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
from ..workers.views.weights import MAX_CHANNELS, MAX_FILTERS, filter_mosaic, merge_histogram
from .legend import LegendColumn
from .panel import ViewPanel
from .style import (
    DIVERGING_LUT,
    SEQUENTIAL_LUT,
    LogAxis,
    PlotView,
    place,
    prepare_axes,
    run_color,
    short_and_wide,
)

MAX_COLUMNS = 400  # older snapshots are thinned (every other one dropped) beyond this
# columns of the resampled histogram image at most: more than a plot has pixels across, so only snapshots
# narrower than a pixel can drop out, and the per-update work stays a (bins × 2048) gather
MAX_GRID = 2048
FILTERS_TITLE = "First convolution layer's filters"
# the image items' colours, as a map for the filters' colour key (blue negative, white zero, red positive)
DIVERGING_MAP = pg.ColorMap(np.linspace(0.0, 1.0, len(DIVERGING_LUT)), DIVERGING_LUT)
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
        if len(self.positions) and float(position) <= self.positions[-1]:
            # no training between the two (a snapshot asked for at an epoch's last batch and one at its end):
            # on an epoch axis the older would be a column without width; the newer stands for the stretch
            self.columns[-1] = counts
            return
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


def column_edges(positions: np.ndarray) -> np.ndarray:
    """Where each histogram column begins and ends on the epoch axis: ``n + 1`` edges for ``n`` snapshots.

    A snapshot at position p shows the weights as the training up to p left them, so its column spans the
    training since the snapshot before it, ending at p, as an epoch's batches lie in (e - 1, e] on the Curves
    tab's axis. The first column starts where the first snapshot's epoch began (0 in a new run, 30 in one
    continued from epoch 30). The last column ends at the newest snapshot, as the gradient-norm curve beside it.
    """
    p = np.maximum.accumulate(np.asarray(positions, dtype=np.float64))
    if len(p) == 0:
        return np.zeros(0, dtype=np.float64)
    start = math.ceil(float(p[0]) - 1e-9) - 1.0  # the first snapshot's epoch's start (always below p[0])
    return np.concatenate([[start], p])


def uniform_columns(edges: np.ndarray, max_grid: int = MAX_GRID) -> np.ndarray | None:
    """For columns of unequal widths, which column each cell of an evenly spaced grid shows; None when the
    columns are already evenly spaced (the image is then drawn as it is, one image column per snapshot).

    An ImageItem's columns are all one width. Drawn one per snapshot, time-paced snapshots made the epoch axis
    uneven (half an epoch 35 px in one place and 63 px in another); resampled onto a grid fine enough for the
    narrowest column, each snapshot covers its own stretch of a linear axis, as one contiguous block. The work
    is O(grid) indices, and the image a (bins × grid) gather.
    """
    widths = np.diff(edges)
    total = float(edges[-1] - edges[0]) if len(edges) > 1 else 0.0
    if len(widths) == 0 or total <= 0 or float(np.ptp(widths)) <= 1e-6 * total:
        return None
    narrowest = float(widths[widths > 0].min())
    cells = int(min(max_grid, max(len(widths), math.ceil(total / narrowest - 1e-9))))
    centres = edges[0] + (np.arange(cells) + 0.5) * (total / cells)
    index = np.searchsorted(edges, centres, side="right") - 1
    return np.clip(index, 0, len(widths) - 1)


class IndexAxis(pg.AxisItem):
    """Whole-number ticks on the centres of an image's cells (0 … n - 1): a weight matrix's units and inputs,
    a filter's taps and input channels.

    pyqtgraph's own ticks count the image's edges: a 16×2 matrix's inputs read 0, 0.5, 1.0, 1.5, 2.0 and a
    10×10 matrix 0 … 10, as if there were eleven units. Index i's cell is centred at ``offset + i * pitch``;
    with many cells only every 2nd, 5th, 10th … index is labelled, so labels stand apart.
    """

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.count = 0
        self.pitch = 1.0
        self.offset = 0.0

    def set_cells(self, count: int, pitch: float = 1.0, offset: float = 0.0) -> None:
        """``count`` indices, index i's cell centred at ``offset + i * pitch`` on the view's axis."""
        if (count, pitch, offset) == (self.count, self.pitch, self.offset):
            return
        self.count, self.pitch, self.offset = count, pitch, offset
        self.picture = None  # drawn again with the new ticks
        self.update()

    def _label_px(self) -> float:
        """Room one label needs along the axis: its text's width across, a line's height up the side."""
        if self.orientation in ("left", "right"):
            return 16.0
        return 8.0 * len(str(max(self.count - 1, 0))) + 10.0

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[Any, list[float]]]:  # noqa: N803
        lo, hi = sorted((float(minVal), float(maxVal)))
        if self.count <= 0 or size <= 0 or hi <= lo or self.pitch <= 0:
            return []
        px_per_index = size / (hi - lo) * self.pitch
        step = next(m * 10**e for e in range(0, 12) for m in (1, 2, 5) if m * 10**e * px_per_index >= self._label_px())
        first = max(0, math.ceil((lo - self.offset) / self.pitch - 1e-9))
        last = min(self.count - 1, math.floor((hi - self.offset) / self.pitch + 1e-9))
        first = math.ceil(first / step) * step
        return [(step * self.pitch, [self.offset + i * self.pitch for i in range(first, last + 1, step)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [str(round((v - self.offset) / self.pitch)) for v in values]


def filters_title(layer: str, shape: tuple[int, ...]) -> str:
    """What the filters image shows, from the convolution's weight shape: how many filters, of how many taps
    (or pixels), and what happened to the input channels."""
    if len(shape) not in (3, 4):
        return f"Filters of {layer}"
    out, channels = shape[0], shape[1]
    count = f"{out} filters" if out <= MAX_FILTERS else f"first {MAX_FILTERS} of {out} filters"
    if len(shape) == 4:
        mean = f", mean over {channels} input channels" if channels > 1 else ""
        return f"Filters of {layer}: {count}, {shape[2]}×{shape[3]}{mean}"
    k = shape[2]
    shown = f" (first {MAX_CHANNELS} of {channels})" if channels > MAX_CHANNELS else ""
    if k == 1 and channels == 1:
        return f"Filters of {layer}: {count}, kernel size 1 on 1 input channel: one weight each"
    if k == 1:
        return f"Filters of {layer}: {count} × {channels} input channels{shown} (kernel size 1)"
    if channels == 1:
        return f"Filters of {layer}: {count} × {k} taps"
    return f"Filters of {layer}: {count} × {k} taps, {channels} input channels side by side{shown}"


def _peak(values: np.ndarray) -> float:
    """The largest finite magnitude (1 when there is none): the symmetric colour range of signed weights."""
    finite = values[np.isfinite(values)]
    peak = float(np.abs(finite).max()) if finite.size else 1.0
    return peak if peak > 0 else 1.0


EMPTY_NOTE = "Train the network: its weights appear here."


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
        self.hist_plot = self.view.addPlot(title="Weight distribution")
        prepare_axes(self.hist_plot)
        self.hist_plot.setLabel("bottom", "epoch")
        self.hist_plot.setLabel("left", "weight value")
        self.hist_image = pg.ImageItem(axisOrder="row-major")
        self.hist_image.setLookupTable(SEQUENTIAL_LUT)
        self.hist_plot.addItem(self.hist_image)
        self.hist_note = pg.TextItem(EMPTY_NOTE, color="#777", anchor=(0.5, 0.5))
        self.hist_plot.addItem(self.hist_note, ignoreBounds=True)
        self.hist_note.setPos(0.5, 0.5)

        self.matrix_plot = self.view.addPlot(title="Weight matrix",
                                             axisItems={"left": IndexAxis("left"), "bottom": IndexAxis("bottom")})
        prepare_axes(self.matrix_plot)
        self.matrix_plot.setLabel("bottom", "input")
        self.matrix_plot.setLabel("left", "unit")
        self.matrix_plot.invertY(True)
        self.matrix_image = pg.ImageItem(axisOrder="row-major")
        self.matrix_image.setLookupTable(DIVERGING_LUT)
        self.matrix_plot.addItem(self.matrix_image)
        self.view.nextRow()

        self.filter_plot = self.view.addPlot(title=FILTERS_TITLE,
                                             axisItems={"left": IndexAxis("left"), "bottom": IndexAxis("bottom")})
        prepare_axes(self.filter_plot)
        self.filter_plot.invertY(True)
        self.filter_image = pg.ImageItem(axisOrder="row-major")
        self.filter_image.setLookupTable(DIVERGING_LUT)
        self.filter_plot.addItem(self.filter_image)
        # the colour key: the filters' values in the weights' own units, blue negative and red positive
        self.filter_key = pg.ColorBarItem(values=(-1.0, 1.0), width=10, colorMap=DIVERGING_MAP, interactive=False,
                                          colorMapMenu=False)
        self.filter_key.setImageItem(self.filter_image, insert_in=self.filter_plot)
        self.filter_key.axis.enableAutoSIPrefix(False)
        self.filter_key.axis.setWidth(38)
        self.filter_key.setVisible(False)  # until there are filters to read it by
        self._filters_1d: bool | None = None
        self._show_filter_axes(False)
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
        self.hist_plot.setTitle("Weight distribution")  # not the last run's layer and epoch
        self.matrix_image.clear()
        self.matrix_plot.setTitle("Weight matrix")
        for name in ("left", "bottom"):
            self.matrix_plot.getAxis(name).set_cells(0)
        self.filter_image.clear()
        self.filter_plot.setTitle(FILTERS_TITLE)
        self.filter_key.setVisible(False)
        self._show_filter_axes(False)
        self.filter_note.setVisible(True)
        self._arrange(False)
        self.dead_label.clear()
        # Axes as before any run: the previous project's run left the histogram on epochs -1.5 ... 1.5 and
        # weights 0 ... -2, and the gradient norms on its 3 epochs, over empty plots that said nothing.
        for plot in (self.hist_plot, self.grad_plot):  # fixed until the next run's first snapshot (see add)
            plot.getViewBox().setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0), padding=0.0)
        self.hist_note.setVisible(True)
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
        if self.snapshots == 1:
            self.hist_note.setVisible(False)
            for plot in (self.hist_plot, self.grad_plot):
                plot.enableAutoRange()  # the data sets the ranges again
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
            edges = column_edges(hist.positions)
            index = uniform_columns(edges)
            if index is not None:
                img = np.ascontiguousarray(img[:, index])
            self.hist_image.setImage(img, levels=(0.0, 1.0), autoLevels=False)
            self.hist_image.setRect(QRectF(edges[0], -hist.range, edges[-1] - edges[0], 2 * hist.range))
            self.hist_plot.setTitle(f"Weight distribution: {layer} (epoch {self._epoch})")
        matrix = self._matrices.get(layer)
        if matrix is not None:
            peak = _peak(matrix)
            self.matrix_image.setImage(matrix, levels=(-peak, peak), autoLevels=False)
            shape = self._shapes.get(layer, matrix.shape)
            rows, cols = (shape[0], shape[1]) if len(shape) == 2 else matrix.shape
            # cell i centred on i (a strided matrix stretched over the real one's indices)
            self.matrix_image.setRect(QRectF(-0.5, -0.5, cols, rows))
            self.matrix_plot.getAxis("bottom").set_cells(cols)
            self.matrix_plot.getAxis("left").set_cells(rows)
            shown = "" if tuple(shape) == matrix.shape else f", shown at {matrix.shape[0]}×{matrix.shape[1]}"
            self.matrix_plot.setTitle(f"Weight matrix: {layer} {shape[0]}×{shape[1]} (±{peak:.2g}{shown})")
        elif layer:
            self.matrix_image.clear()
            self.matrix_plot.setTitle(f"Weight matrix: {layer} has none")
        if self._filters is not None:
            self._arrange(True)
            self.filter_note.setVisible(False)
            self._draw_filters(self._filters, tuple(self._shapes.get(self._filters_layer, ())))
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

    def _draw_filters(self, image: np.ndarray, shape: tuple[int, ...]) -> None:
        """The filters at their own scale (the colour key gives it), a 1-D convolution's as rows with axes."""
        if image.ndim == 3:  # a stack of (h, w) tiles rather than their mosaic: tile them here
            image = filter_mosaic(image[:, None])
        peak = _peak(image)
        self.filter_image.setImage(image, autoLevels=False)
        # levels through the key, which sets the image's: set on the image alone, the key kept showing ±1 (and
        # the key's first levels, given before there was an image, overrode the image's at its first picture)
        self.filter_key.setLevels((-peak, peak))
        self.filter_key.setVisible(True)
        one_d = len(shape) == 3
        self._show_filter_axes(one_d)
        rows, cols = image.shape
        if one_d:
            k = shape[2]
            self.filter_image.setRect(QRectF(-0.5, -0.5, cols, rows))  # filter i, tap j centred on (j, i)
            self.filter_plot.getAxis("left").set_cells(rows)
            if k > 1 and shape[1] > 1:  # input channels side by side, k taps each: label the channels
                self.filter_plot.getAxis("bottom").set_cells((cols + 1) // (k + 1), k + 1, (k - 1) / 2)
            else:
                self.filter_plot.getAxis("bottom").set_cells(cols)
            label = "tap" if shape[1] == 1 and k > 1 else "input channel" if k == 1 else \
                "input channel (taps left to right)"
            if self.filter_plot.getAxis("bottom").labelText != label:  # (a new label lays the plot out again)
                self.filter_plot.setLabel("bottom", label)
        else:
            self.filter_image.setRect(QRectF(0, 0, cols, rows))
        title = filters_title(self._filters_layer, shape)
        if self.filter_plot.titleLabel.text != title:
            self.filter_plot.setTitle(title)

    def _show_filter_axes(self, one_d: bool) -> None:
        """A 1-D convolution's filters are a matrix (filter × tap), read by its axes and drawn to fill the plot;
        2-D filters are small pictures in a mosaic, kept square and without axes."""
        if one_d == self._filters_1d:
            return
        self._filters_1d = one_d
        for name in ("left", "bottom"):
            self.filter_plot.showAxis(name, one_d)
        if one_d:
            self.filter_plot.setLabel("left", "filter")
        self.filter_plot.setAspectLocked(not one_d)
        self.filter_plot.enableAutoRange()  # the view follows the image to come, whatever was shown before

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
