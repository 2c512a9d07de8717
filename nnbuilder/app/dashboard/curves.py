"""Loss and metric curves: every run since the app opened, overlaid, per batch (smoothed) and per epoch.

One plot per quantity (loss, accuracy, ...); values read against each other share one (a GAN's loss D and
loss G; D(x) and D(G(z))), each in its own colour. Each run owns three curves per value, created once when the run
(or the plot) appears: the smoothed per-batch trace (thin, pale), the training value per epoch (solid, dots)
and the validation value per epoch (dashed, triangles). ``refresh`` only re-sends the data of runs that
changed since the last draw, so finished runs cost nothing per frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..workers.messages import ViewFrame
from .legend import LegendColumn
from .panel import ViewPanel
from .runs import SERIES_NAMES, SHARED_PLOTS, RunRecord, base_key, plot_name
from .style import LogAxis, PlotView, inner_width, place, prepare_axes, run_color, short_and_wide

_TITLES = {"loss": "Loss", "accuracy": "Accuracy", "mae": "Mean absolute error", "mse": "Mean squared error",
           # short: in a short dock four plots share a row, and the legend names D(x) real and D(G(z)) generated
           "d_output": "D's output", "modes": "Modes covered",
           "high_quality": "High-quality share"}  # within 3 std of a mode
# Values that share a plot (a GAN's loss D and loss G) differ by line and dot: loss D solid with dots, loss G
# dashed with squares. With one run they also have colours of their own; with several, each run has its colour
# (as a classifier's runs do) and the key names the runs: fixed series colours made every run look the same.
_SERIES_COLORS = {"loss_D": run_color(3), "loss_G": run_color(0), "D_x": run_color(2), "D_G_z": run_color(4)}
_SERIES_STYLE = {"loss_D": (Qt.PenStyle.SolidLine, "o"), "loss_G": (Qt.PenStyle.DashLine, "s"),
                 "D_x": (Qt.PenStyle.SolidLine, "o"), "D_G_z": (Qt.PenStyle.DashLine, "s")}
_KEY_GREY = (90, 90, 90)
_COLUMNS = 2


def _title(name: str) -> str:
    return _TITLES.get(name, name.replace("_", " ").capitalize())


class _RunCurves:
    """The three curves one run draws in one plot.

    Built empty and hidden, then ``dress``-ed for a run: building (three PlotDataItems with their curve and
    scatter children, added to the scene) is what costs, ~3 ms each on a small machine, so the panel builds
    spares while nothing trains and a new run only dresses them (see ``CurvesPanel._stock_spares``).
    """

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.batch = pg.PlotDataItem(connect="finite")
        self.train = pg.PlotDataItem(symbol="o", symbolSize=5, symbolPen=None, connect="finite")
        self.val = pg.PlotDataItem(symbol="t1", symbolSize=7, symbolPen=None, connect="finite")
        for item in (self.batch, self.train, self.val):
            item.setVisible(False)
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
            plot.addItem(item)
        self.batch.setZValue(-1)

    def dress(self, run: RunRecord, key: str, legend: bool, show_batches: bool, by_run: bool = False) -> None:
        """Colour and label the curves for value ``key`` of ``run``, and show them."""
        self.paint(run, key, by_run)
        if legend and self.plot.legend is not None:
            self.train.opts["name"] = _legend_text(run, key)
            self.plot.legend.addItem(self.train, self.train.opts["name"])
        self.batch.setVisible(show_batches)
        self.train.setVisible(True)
        self.val.setVisible(True)

    def paint(self, run: RunRecord, key: str, by_run: bool) -> None:
        """Pens for ``key`` of ``run``: the series' own colour, or the run's (``by_run``: several runs shown)."""
        color = run.color if by_run or key not in _SERIES_COLORS else _SERIES_COLORS[key]
        style, symbol = _SERIES_STYLE.get(key, (Qt.PenStyle.SolidLine, "o"))
        self.batch.setPen(pg.mkPen((*color, 70), width=1))
        self.train.setPen(pg.mkPen(color, width=2, style=style))
        self.train.setSymbolBrush(color)
        if self.train.opts["symbol"] is not None:
            self.train.setSymbol(symbol)
        self.val.setPen(pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine))
        self.val.setSymbolBrush(color)

    def set_label(self, label: str, legend: pg.LegendItem | None) -> None:
        if legend is not None:
            legend.removeItem(self.train)
            legend.addItem(self.train, label)


KEY_LABEL_CHARS = 30


def _short(label: str) -> str:
    return label if len(label) <= KEY_LABEL_CHARS else label[: KEY_LABEL_CHARS - 1].rstrip(" ,:") + "…"


def _legend_text(run: RunRecord, key: str) -> str:
    return f"{SERIES_NAMES[key]} · {run.label}" if key in SERIES_NAMES else run.label


KEY_WITH_VALIDATION = ("<span style='color:#555'>thin line: each batch (smoothed) · solid ●: training, per epoch · "
                       "dashed ▲: validation, per epoch</span>")
# a GAN (or a run with a validation split of 0) has no validation curves: the key promised a dashed line
KEY_TRAINING_ONLY = "<span style='color:#555'>thin line: each batch (smoothed) · solid ●: per epoch</span>"


class CurvesPanel(ViewPanel):
    """The Curves tab; the dashboard calls ``refresh`` from its timer when ``dirty`` and visible."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PlotView()
        self.key = self.view.addLabel(KEY_WITH_VALIDATION, colspan=_COLUMNS, size="9pt")
        self._with_validation = True
        self.view.nextRow()
        self._columns = _COLUMNS
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.plots: dict[str, pg.PlotItem] = {}
        self.legend: pg.LegendItem | None = None
        self._curves: dict[tuple[int, str], _RunCurves] = {}  # (run index, value key) -> its three curves
        self._keys: dict[str, list[str]] = {}  # plot -> the value keys drawn in it
        self._runs: list[RunRecord] = []
        self._drawn: dict[int, tuple[int, int]] = {}  # run index -> (batches, epochs) already drawn
        self._log_y = False
        self._show_batches = True
        self._x_end = 1.0
        self._ranges: dict[str, tuple[float, float, float, float]] = {}  # plot -> x0, x1, y0, y1 last set
        self._manual: set[str] = set()  # plots the student zoomed or panned: hands off
        self.cursor: float | None = None  # replay: draw every run only up to this position (in epochs)
        self.shown_runs: set[int] | None = None  # A/B: only these runs' curves (None: every run)
        self._cursor_lines: dict[str, pg.InfiniteLine] = {}
        self._spares: dict[str, list[_RunCurves]] = {}  # plot -> curves built ahead, hidden, for the next run
        self._key_samples: dict[str, list[pg.PlotDataItem]] = {}  # plot -> its key's rows for shared values
        self._series_key_stale = False
        self._stock_timer = QTimer(self)
        self._stock_timer.setSingleShot(True)
        self._stock_timer.setInterval(0)
        self._stock_timer.timeout.connect(self._stock_spares)
        self.dirty = False
        self.ensure_key("loss")

    # -- structure ----------------------------------------------------------------------------------------
    def ensure_plot(self, name: str) -> pg.PlotItem:
        """The plot for ``name``, created (once) with curves for every run already known."""
        plot = self.plots.get(name)
        if plot is not None:
            return plot
        i = len(self.plots)
        columns = self._columns
        plot = self.view.addPlot(row=1 + i // columns, col=i % columns, title=_title(name),
                                 axisItems={"left": LogAxis("left")})  # log scale: labels that stay apart
        plot.setLabel("bottom", "epoch")
        plot.showGrid(x=False, y=False)  # grid lines cost 2/3 of a repaint (alpha-blended over the area)
        plot.setLogMode(False, self._log_y)
        plot.getAxis("left").setStyle(maxTextLevel=0 if self._log_y else 2)
        plot.disableAutoRange()
        prepare_axes(plot)
        plot.getViewBox().sigRangeChangedManually.connect(lambda *_a, _n=name: self._manual.add(_n))
        if name == "loss" or name in SHARED_PLOTS.values():  # runs (and a GAN's values) differ by colour: say which
            column = LegendColumn(plot, labelTextSize="8pt", brush=(255, 255, 255, 210), labelTextColor="#222")
            if name == "loss":
                self.legend = column.legend
        self.plots[name] = plot
        line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((60, 60, 60, 160), width=1,
                                                                     style=Qt.PenStyle.DotLine))
        line.setVisible(self.cursor is not None)
        if self.cursor is not None:
            line.setValue(self.cursor)
        plot.addItem(line, ignoreBounds=True)
        self._cursor_lines[name] = line
        self._keys.setdefault(name, [])
        if name not in SHARED_PLOTS.values():
            self.ensure_key(name)
        self._drawn.clear()
        self._arrange()  # a third plot in a short dock: all of them in one row
        return plot

    # -- arrangement ----------------------------------------------------------------------------------------
    def _wanted_columns(self) -> int:
        """Two plots a row, or all of them (up to four) in one row when the dock is short and wide: a GAN's
        four plots in two rows of a default window's Training dock were ~40 px high each, their axis labels
        (8, 6, 4, 2, 0) piled on each other."""
        n = len(self.plots)
        return min(n, 4) if n > _COLUMNS and short_and_wide(self.view) else _COLUMNS

    def _arrange(self) -> None:
        columns = self._wanted_columns()
        if columns == self._columns:
            self._even_columns()
            return
        self._columns = columns
        place(self.view.ci, [(self.key, 0, 0, columns)]
              + [(plot, 1 + i // columns, i % columns, 1) for i, plot in enumerate(self.plots.values())])
        self._even_columns()

    def _even_columns(self) -> None:
        """Columns of equal width: sized by their titles and legends, a GAN's loss plot (short title, two legend
        entries) was squeezed to 70 px beside the long-titled D(x) plot, its epoch labels run together."""
        grid = self.view.ci.layout
        columns = self._columns
        room = inner_width(self.view) - grid.horizontalSpacing() * (columns - 1)
        width = max(1.0, room / columns)
        for c in range(max(grid.columnCount(), 4)):
            grid.setColumnFixedWidth(c, width if c < columns else 0.0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._arrange()

    def ensure_key(self, key: str) -> None:
        """Curves for value ``key`` (a base log key such as 'loss' or 'loss_G') in every known run."""
        name = plot_name(key)
        if name is None:
            return
        plot = self.ensure_plot(name)
        keys = self._keys[name]
        if key not in keys:
            keys.append(key)
        for run in self._runs:
            if (run.index, key) not in self._curves:
                spares = self._spares.get(name)
                curves = spares.pop() if spares else _RunCurves(plot)
                curves.dress(run, key, legend=name == "loss" and key not in SERIES_NAMES,
                             show_batches=self._show_batches and self._visible_run(run), by_run=self._by_run())
                self._curves[(run.index, key)] = curves
                self._drawn.pop(run.index, None)
                self._series_key_stale = self._series_key_stale or key in SERIES_NAMES
        self._stock_later()

    def _stock_later(self) -> None:
        if not self._stock_timer.isActive():
            self._stock_timer.start()

    def _stock_spares(self) -> None:
        """Build the next run's curves ahead, one plot's worth per idle moment, while no run is training.

        A run used to build them when it started: for two values, six PlotDataItems, ~15-25 ms of the GUI
        thread holding the GIL just as the training thread starts too, which made the largest stall of a run.
        """
        if self._runs and not self._runs[-1].finished:
            return  # never while training: the next finish_run stocks again
        for name, plot in self.plots.items():
            spares = self._spares.setdefault(name, [])
            if len(spares) < max(1, len(self._keys.get(name, ()))):
                spares.append(_RunCurves(plot))
                self._stock_timer.start()  # the rest in later idle moments
                return

    def set_epoch_span(self, last_epoch: float) -> None:
        """The x axis spans the whole run from its start, so it never rescales (and repaints) while training."""
        self._x_end = max(self._x_end, float(last_epoch))
        self.dirty = True

    def add_run(self, run: RunRecord, metrics: list[str] | None = None) -> None:
        self._manual.clear()
        self._runs.append(run)
        for name in metrics or []:
            self.ensure_key(name)
        for keys in list(self._keys.values()):
            for key in list(keys):
                self.ensure_key(key)
        self.dirty = True

    def start_run(self, run: RunRecord, losses: list[str], metrics: list[str], validation: bool = True) -> None:
        """The run's step named its losses and metrics: make their plots before the first value arrives.
        ``validation``: the run has validation data (the key mentions its dashed curves only if a run has)."""
        self.set_key(validation or any(r.has_validation for r in self._runs if r is not run))
        run.has_validation = validation
        for key in [*losses, *metrics]:
            self.ensure_key(key)
        if "loss" not in losses and not any(k == "loss" for r in self._runs for k in r.epoch_values):
            self._drop_key("loss")  # a GAN has no single loss; an empty plain "loss" curve would puzzle
        self.dirty = True

    def set_key(self, validation: bool) -> None:
        """The key above the plots, with or without the dashed validation curves."""
        if validation != self._with_validation:
            self._with_validation = validation
            self.key.setText(KEY_WITH_VALIDATION if validation else KEY_TRAINING_ONLY, size="9pt")

    def _drop_key(self, key: str) -> None:
        for (index, k), curves in list(self._curves.items()):
            if k == key:
                for item in (curves.batch, curves.train, curves.val):
                    if self.legend is not None:
                        self.legend.removeItem(item)
                    curves.plot.removeItem(item)
                del self._curves[(index, k)]
        for keys in self._keys.values():
            if key in keys:
                keys.remove(key)

    def add_frame(self, frame: ViewFrame) -> None:
        """Store a coalesced update (its interval values and any epoch ends) in the current run's buffers."""
        if not self._runs:
            return
        run = self._runs[-1]
        update = frame.payload
        if len(update.x):
            run.add_batches(update.x, update.values)
        for event in update.epochs_ended:
            run.add_epoch(event.epoch, event.logs)
        if update.epochs_ended:
            event = update.epochs_ended[-1]
            shown = ", ".join(f"{k} {v:.4g}" for k, v in event.logs.items() if k != "lr")
            self.status_changed.emit(f"{run.label}: epoch {event.epoch}/{event.epochs}: {shown}")
        self.dirty = True

    def finish_run(self, run: RunRecord) -> None:
        """A finished run's curves no longer change: paint each from a pixmap cache from now on.

        Runs pile up (that is the point of overlaying them) and every new point of the live run repaints the
        plot area, old curves included; from the cache that is a copy, not a re-stroke of thousands of points.
        """
        from PySide6.QtWidgets import QGraphicsItem

        # the axis spans what the runs did, not what a stopped one planned: 3,000 epochs stopped at 159 left
        # every later run a sliver at the axis' left edge
        self._x_end = max([1.0] + [r.end_position() for r in self._runs])
        self.dirty = True
        for (index, _name), curves in self._curves.items():
            if index == run.index:
                for item in (curves.batch, curves.train, curves.val):
                    for part in (item.curve, item.scatter):
                        part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._stock_later()

    def set_symbols(self, run: RunRecord, on: bool) -> None:
        """Dots on the per-epoch curves of ``run`` (off for long runs)."""
        for (index, _name), curves in self._curves.items():
            if index == run.index:
                curves.train.setSymbol(_SERIES_STYLE.get(_name, (None, "o"))[1] if on else None)
                curves.val.setSymbol("t1" if on else None)

    def relabel(self, run: RunRecord) -> None:
        for (index, key), curves in self._curves.items():
            if index == run.index and plot_name(key) == "loss" and key not in SERIES_NAMES:
                curves.set_label(_legend_text(run, key), self.legend)
        self._series_key_stale = True

    def clear_runs(self) -> None:
        for curves in self._curves.values():
            for item in (curves.batch, curves.train, curves.val):
                if self.legend is not None:
                    self.legend.removeItem(item)
                curves.plot.removeItem(item)
        self._curves.clear()
        self._runs.clear()
        self._series_key_stale = True
        self._drawn.clear()
        self._ranges.clear()
        self._manual.clear()
        self._x_end = 1.0
        self.shown_runs = None
        self.set_cursor(None)
        # metric plots belong to a task (an accuracy plot means nothing for a regression): start from loss
        for name in [n for n in self.plots if n != "loss"]:
            self.view.removeItem(self.plots.pop(name))
            self._cursor_lines.pop(name, None)
            self._spares.pop(name, None)
        self._columns = 0  # arranged anew for the plots that are left
        self._arrange()
        # ...and so do the values: a GAN's loss D / loss G or D(x) must not come back for the next project's run
        self._keys = {"loss": []}
        self.ensure_key("loss")
        self.plots["loss"].getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0.0)
        self.dirty = True

    # -- replay (the timeline) ----------------------------------------------------------------------------
    def set_cursor(self, position: float | None) -> None:
        """Replay: every run drawn up to ``position`` epochs, with a line there; None shows everything."""
        self.cursor = None if position is None else float(position)
        for line in self._cursor_lines.values():
            line.setVisible(self.cursor is not None)
            if self.cursor is not None:
                line.setValue(self.cursor)
        self._drawn.clear()
        self.dirty = True

    def show_runs(self, indices: set[int] | None) -> None:
        """A/B: draw only the runs numbered ``indices`` (legend included); None brings every run back."""
        self.shown_runs = None if indices is None else set(indices)
        for (index, key), curves in self._curves.items():
            on = self.shown_runs is None or index in self.shown_runs
            for item in (curves.batch, curves.train, curves.val):
                item.setVisible(on and (item is not curves.batch or self._show_batches))
            in_legend = plot_name(key) == "loss" and key not in SERIES_NAMES
            legend = self.legend if plot_name(key) == "loss" else None
            if in_legend and legend is not None:
                run = next((r for r in self._runs if r.index == index), None)
                legend.removeItem(curves.train)
                if on and run is not None:
                    legend.addItem(curves.train, _legend_text(run, key))
        self._ranges.clear()
        self._series_key_stale = True
        self.dirty = True

    def _visible_run(self, run: RunRecord) -> bool:
        return self.shown_runs is None or run.index in self.shown_runs

    def _by_run(self) -> bool:
        """Several runs are shown: colours tell runs apart (and lines and dots a GAN's values)."""
        return sum(1 for r in self._runs if self._visible_run(r)) > 1

    def _update_series_key(self) -> None:
        """Pens and keys of the plots whose values share them (a GAN's loss D and loss G): a row per value in its
        line and dot, in its colour for one run, in grey with several, and then (in the loss plot's key) a row
        per run in its colour, named by what changed. A row per value and run ("loss D · run 2: generator lr
        0.001 → 0.0002, …") made the keys wider than their plots and pushed the last plot off the tab."""
        self._series_key_stale = False
        by_run = self._by_run()
        runs = {r.index: r for r in self._runs}
        for (index, key), curves in self._curves.items():
            if key in SERIES_NAMES and index in runs:
                curves.paint(runs[index], key, by_run)
        for name, samples in self._key_samples.items():
            plot = self.plots.get(name)
            if plot is not None and plot.legend is not None:
                for item in samples:
                    plot.legend.removeItem(item)
        self._key_samples = {}
        for name, plot in self.plots.items():
            keys = [k for k in self._keys.get(name, []) if k in SERIES_NAMES]
            if not keys or plot.legend is None:
                continue
            samples = []
            for key in keys:
                style, symbol = _SERIES_STYLE[key]
                color = _KEY_GREY if by_run else _SERIES_COLORS[key]
                samples.append(pg.PlotDataItem(pen=pg.mkPen(color, width=2, style=style), symbol=symbol,
                                               symbolBrush=color, symbolPen=None, symbolSize=6, name=SERIES_NAMES[key]))
            if by_run and name == "loss":  # a GAN's four plots share a row: long labels are cut (whole in Replay)
                samples += [pg.PlotDataItem(pen=pg.mkPen(r.color, width=3), name=_short(r.label))
                            for r in self._runs if self._visible_run(r)]
            for item in samples:
                plot.legend.addItem(item, item.opts["name"])
            self._key_samples[name] = samples

    # -- options ------------------------------------------------------------------------------------------
    def set_log_y(self, on: bool) -> None:
        self._log_y = bool(on)
        self._ranges.clear()
        self.dirty = True
        for plot in self.plots.values():
            plot.setLogMode(False, self._log_y)
            # on a log axis only the labels LogAxis spaces apart; its unlabelled ticks mark the multiples
            plot.getAxis("left").setStyle(maxTextLevel=0 if self._log_y else 2)

    def set_show_batches(self, on: bool) -> None:
        self._show_batches = bool(on)
        for (index, _key), curves in self._curves.items():
            curves.batch.setVisible(self._show_batches and (self.shown_runs is None or index in self.shown_runs))

    # -- drawing ------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Send changed runs' buffers to their curves; buffers are views, so nothing is copied here."""
        self.dirty = False
        if self._series_key_stale:
            self._update_series_key()
        cursor = self.cursor
        for run in self._runs:
            state = (len(run.batch_x), len(run.epoch_rows))
            if self._drawn.get(run.index) == state:
                continue
            for log_key in list(run.batch_raw) + list(run.epoch_values):
                key = base_key(log_key)
                if plot_name(key) is not None and (run.index, key) not in self._curves:
                    self.ensure_key(key)
            x = run.batch_x.view()
            nb = len(x) if cursor is None else int(np.searchsorted(x, cursor + 1e-6, side="right"))
            for (index, key), curves in self._curves.items():
                if index != run.index:
                    continue
                smooth = run.batch_smooth.get(key)
                if smooth is not None and len(smooth) == len(x):
                    curves.batch.setData(x[:nb], smooth.view()[:nb])
                for log_key, item in ((key, curves.train), ("val_" + key, curves.val)):
                    ys = run.epoch_values.get(log_key)
                    if ys is not None:
                        ex = run.epoch_x[log_key].view()
                        ne = len(ex) if cursor is None else int(np.searchsorted(ex, cursor + 1e-6, side="right"))
                        item.setData(ex[:ne], ys.view()[:ne])
            self._drawn[run.index] = state
        for name in self.plots:
            self._keep_range(name)

    def _keep_range(self, name: str) -> None:
        """Set the view range ourselves, only when the data leave it or fill less than half of it.

        pyqtgraph's auto-range moves the axes on nearly every frame, and an axis repaint (its tick text)
        is the costliest thing the dashboard draws: ~5 ms each, with the GIL held, which the training
        thread then waits for. With hysteresis the axes change a few times per run.
        """
        if name in self._manual:
            return
        lo, hi = np.inf, -np.inf
        for run in self._runs:
            if not self._visible_run(run):
                continue
            arrays = []
            for key in self._keys.get(name, [name]):
                arrays += [run.epoch_values[k].view() for k in (key, "val_" + key) if k in run.epoch_values]
                if self._show_batches and key in run.batch_smooth:
                    arrays.append(run.batch_smooth[key].view())
            for a in arrays:
                if self._log_y:
                    a = a[a > 0]
                    a = np.log10(a) if a.size else a
                a = a[np.isfinite(a)]
                if a.size:
                    lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
        if not np.isfinite(lo):
            return
        x0, x1 = 0.0, self._x_end
        old = self._ranges.get(name)
        if old is not None and old[0] == x0 and old[1] == x1:
            span = old[3] - old[2]
            if old[2] <= lo and hi <= old[3] and (hi - lo) > 0.5 * span:
                return
        # a flat curve (8 of 8 modes all run long) gets a span of its own size, not 1e-6: its ticks read
        # 7.95 / 8 / 8.05, not 7.99999995 / 8.00000000 / 8.00000005
        span = max(hi - lo, 0.1 * max(abs(lo), abs(hi)), 1e-6) if not self._log_y else max(hi - lo, 0.1)
        y0, y1 = lo - 0.08 * span, hi + 0.08 * span
        self._ranges[name] = (x0, x1, y0, y1)
        self.plots[name].getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    def export_target(self) -> pg.GraphicsItem:
        return self.view.ci
