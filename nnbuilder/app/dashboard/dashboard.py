"""The training dashboard: tabs of live plots fed by the training worker's signals.

Receiving and drawing are separate on purpose. The ``add_*`` / ``set_*`` methods (connected to the worker's
queued signals) only store data and mark a panel dirty; a QTimer at ≤ 30 Hz draws the visible panel when it is
dirty. So the drawing rate is bounded whatever the batch rate, hidden tabs cost nothing, and the GUI thread
holds the GIL (which it shares with the training thread) for as little as possible.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 - registers ImageExporter / SVGExporter under pg.exporters
from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnbuilder.training.events import EpochEnd, TrainingStarted

from ..widgets.elided_label import ElidedLabel
from ..workers.graph_view import GraphUpdate
from ..workers.messages import (
    VIEW_2D,
    VIEW_CLASSES,
    VIEW_IMAGES,
    VIEW_REGRESSION,
    VIEW_SERIES,
    BatchUpdate,
    BoundaryUpdate,
    DataView,
    GalleryUpdate,
    PredictionResult,
    SeriesUpdate,
    WeightsUpdate,
)
from .boundary import BoundaryPanel
from .curves import CurvesPanel
from .evaluate import EvaluatePanel
from .graph_view import GraphPanel
from .images import ImagesPanel
from .predictions import PredictionsPanel
from .runs import RunRecord, write_history_csv
from .style import run_color
from .weights import WeightsPanel

# While training, the GUI thread may use this share of a core. It shares the GIL with the training thread,
# so every millisecond of pyqtgraph painting (Python) is a millisecond the trainer waits: on a tiny model
# (the spiral: 0.3 ms per batch) drawing at a fixed 30 Hz cost it ~80 % of its speed.
FRAME_BUDGET = 0.08
SLOWEST_INTERVAL_MS = 250  # never fewer than 4 frames a second
IDLE_STATUS = "No training yet. Press Train (F5) to start."


class Dashboard(QWidget):
    """Live curves, weights and predictions of the runs since the app opened.

    Feed it from a TrainingWorker (the controller wires the signals): ``begin_run`` then ``set_data_view``,
    ``on_started``, ``add_batches`` (with the epoch ends), ``add_weights``, ``set_boundary``, ``set_gallery``,
    ``set_series``, and finally ``end_run``.
    """

    evaluate_requested = Signal()
    predict_requested = Signal(str, int)

    TAB_CURVES, TAB_WEIGHTS, TAB_BOUNDARY, TAB_IMAGES, TAB_PREDICTIONS, TAB_TEST, TAB_GRAPH = range(7)

    def __init__(self, parent: QWidget | None = None, refresh_hz: float = 30.0) -> None:
        super().__init__(parent)
        self.setObjectName("trainingDashboard")
        self.curves = CurvesPanel()
        self.weights = WeightsPanel()
        self.boundary = BoundaryPanel()
        self.images = ImagesPanel()
        self.predictions = PredictionsPanel()
        self.evaluate = EvaluatePanel()
        self.graph = GraphPanel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for panel, title, tip in (
            (self.curves, "Curves", "Loss and metrics of every run, per batch and per epoch"),
            (self.weights, "Weights", "Weight distributions, a weight matrix, filters and gradient norms"),
            (self.boundary, "Decision boundary", "What the model predicts over the whole 2-D input plane"),
            (self.images, "Images", "Validation images with their predicted labels, and the confusion matrix"),
            (self.predictions, "Predictions", "Predictions against the true values on the validation data"),
            (self.evaluate, "Test", "Evaluate on the test split and predict single samples"),
            (self.graph, "Graph", "The data set's graph, every node coloured by the class the model predicts"),
        ):
            index = self.tabs.addTab(panel, title)
            self.tabs.setTabToolTip(index, tip)
        self._panels = [self.curves, self.weights, self.boundary, self.images, self.predictions, self.evaluate,
                        self.graph]

        self.status_label = ElidedLabel(IDLE_STATUS)  # never widens the window, whatever the run reports
        self.log_check = QCheckBox("Log scale")
        self.log_check.setToolTip("Show the curves on a logarithmic y axis (loss often spans decades).")
        self.batch_check = QCheckBox("Per batch")
        self.batch_check.setChecked(True)
        self.batch_check.setToolTip("Show the smoothed value of every batch, not only the epoch values.")
        self.export_plot_button = QPushButton("Export plot…")
        self.export_plot_button.setToolTip("Save the plots of this tab as PNG or SVG. "
                                           "(Right-click a plot and choose Export… for a single plot.)")
        self.export_csv_button = QPushButton("Export CSV…")
        self.export_csv_button.setToolTip("Save every run's per-epoch metrics as a CSV table.")
        self.clear_button = QPushButton("Clear runs")
        self.clear_button.setToolTip("Forget the runs shown in the curves (the trained weights stay).")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.status_label, 1)
        for w in (self.log_check, self.batch_check, self.export_plot_button, self.export_csv_button,
                  self.clear_button):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

        self.runs: list[RunRecord] = []
        self.current: RunRecord | None = None
        self.data_view: DataView | None = None
        self._status = ""
        self._status_dirty = False
        self.frames = 0  # timer ticks that drew something (tests and benchmarks read it)
        self._fastest_ms = max(1, round(1000.0 / min(30.0, refresh_hz)))
        self._tick_wall = self._tick_cpu = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(self._fastest_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.log_check.toggled.connect(self._on_log_check_toggled)
        self.batch_check.toggled.connect(self._on_batch_check_toggled)
        self.export_plot_button.clicked.connect(self._on_export_plot_button_clicked)
        self.export_csv_button.clicked.connect(self._on_export_csv_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.evaluate.evaluate_requested.connect(self.evaluate_requested)
        self.evaluate.predict_requested.connect(self.predict_requested)
        self.set_view(None)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Ask a dock for room: two plots side by side need about this much to be readable."""
        return QSize(900, 420)

    # -- run lifecycle -----------------------------------------------------------------------------------
    def begin_run(self, label: str) -> RunRecord:
        """Start a new overlaid run; ``label`` says what changed since the previous one (legend text)."""
        run = RunRecord(index=len(self.runs) + 1, label=label, color=run_color(len(self.runs)))
        self.runs.append(run)
        self.current = run
        self.curves.add_run(run)
        self.weights.clear()
        self.predictions.clear()
        self.graph.clear()  # the run sends its graph again, with this run's predictions
        self.evaluate.set_available(False)
        self._set_status(f"{label}: preparing…")
        self._tick_wall, self._tick_cpu = time.perf_counter(), time.thread_time()
        self.timer.setInterval(self._fastest_ms)
        self.timer.start()
        return run

    def set_data_view(self, info: DataView) -> None:
        self.data_view = info
        self.set_view(info)
        self.images.validation_samples = self.predictions.validation_samples = int(info.num_val)
        if info.view == VIEW_2D:
            self.boundary.set_data(info)
        if info.view in (VIEW_IMAGES, VIEW_CLASSES):
            self.images.set_classes(info.class_names)
            self.images.show_gallery(info.view == VIEW_IMAGES)

    def set_view(self, info: DataView | None) -> None:
        """Show only the tabs that apply to the data set (boundary for 2-D, images for pictures, ...)."""
        view = None if info is None else info.view
        self.tabs.setTabVisible(self.TAB_BOUNDARY, view == VIEW_2D)
        self.tabs.setTabVisible(self.TAB_IMAGES, view in (VIEW_IMAGES, VIEW_CLASSES))
        self.tabs.setTabText(self.TAB_IMAGES, "Images" if view == VIEW_IMAGES else "Confusion matrix")
        self.tabs.setTabVisible(self.TAB_PREDICTIONS, view in (VIEW_SERIES, VIEW_REGRESSION))
        self.tabs.setTabVisible(self.TAB_GRAPH, self.graph.has_graph)

    def on_started(self, event: TrainingStarted) -> None:
        run = self.current
        if run is None:
            return
        for name in event.metrics:
            self.curves.ensure_plot(name)
        self.curves.set_epoch_span(event.epochs)
        if event.epochs - event.start_epoch >= 30:  # dots on 30+ epochs are clutter, and cost paint time
            self.curves.set_symbols(run, False)
        self._set_status(f"{run.label}: training on {event.device}, {event.num_train} samples, "
                         f"{event.batches_per_epoch} batches per epoch")

    def add_batches(self, update: BatchUpdate) -> None:
        """Store a coalesced update: its batches and any epoch ends it carries."""
        if self.current is None:
            return
        if len(update.x):
            self.current.add_batches(update.x, update.values)
        for event in update.epochs_ended:
            self.add_epoch(event)
        self.curves.dirty = True

    def add_epoch(self, event: EpochEnd) -> None:
        if self.current is None:
            return
        self.current.add_epoch(event.epoch, event.logs)
        self.curves.dirty = True
        shown = ", ".join(f"{k} {v:.4g}" for k, v in event.logs.items() if k != "lr")
        self._set_status(f"{self.current.label}: epoch {event.epoch}/{event.epochs}: {shown}")

    def add_weights(self, update: WeightsUpdate) -> None:
        self.weights.add(update)

    def set_boundary(self, update: BoundaryUpdate) -> None:
        self.boundary.set_boundary(update)

    def set_gallery(self, update: GalleryUpdate) -> None:
        self.images.set_gallery(update)

    def set_series(self, update: SeriesUpdate) -> None:
        self.predictions.set_series(update)

    def set_graph(self, update: GraphUpdate) -> None:
        first = not self.graph.has_graph
        self.graph.set_graph(update)
        if first and self.graph.has_graph:
            self.tabs.setTabVisible(self.TAB_GRAPH, True)
            self.tabs.setCurrentIndex(self.TAB_GRAPH)  # the view that shows what a GCN learns

    def end_run(self, outcome: str, model_available: bool = True, sizes: dict[str, int] | None = None) -> None:
        """Mark the run finished, draw what is pending on the visible tab, and stop the timer.

        Hidden tabs stay dirty and draw when shown: drawing all of them here at once would freeze the
        window for ~50 ms right when the run ends.
        """
        run = self.current
        if run is not None:
            run.finished = True
            run.outcome = outcome
            self._set_status(f"{run.label}: {outcome}")
            self.curves.finish_run(run)
        self.refresh_now()
        self.timer.stop()
        self.evaluate.set_available(model_available, sizes)

    # -- evaluate / predict answers ------------------------------------------------------------------------
    def set_model_available(self, on: bool, sizes: dict[str, int] | None = None) -> None:
        self.evaluate.set_available(on, sizes)

    def show_evaluation(self, logs: dict[str, float]) -> None:
        self.evaluate.show_evaluation(logs)

    def show_prediction(self, result: PredictionResult) -> None:
        self.evaluate.show_prediction(result)

    # -- drawing -------------------------------------------------------------------------------------------
    def _set_status(self, text: str) -> None:
        self._status = text
        self._status_dirty = True
        if not self.timer.isActive():
            self.status_label.setText(text)
            self._status_dirty = False

    def refresh_now(self, all_panels: bool = False) -> None:
        """Draw dirty panels now: the visible one, or all of them (end of run, before an export)."""
        panels = self._panels if all_panels else [self._panels[self.tabs.currentIndex()]]
        drew = False
        for panel in panels:
            if panel.dirty:
                panel.refresh()
                drew = True
        if self._status_dirty:
            self.status_label.setText(self._status)
            self._status_dirty = False
        if drew:
            self.frames += 1

    def _on_timer_timeout(self) -> None:
        """Draw, then space the next frame so the GUI thread stays within FRAME_BUDGET of one core (≤ 30 Hz).

        The measure is the GUI thread's CPU time since the previous tick (``time.thread_time``): drawing,
        the worker's signals, Qt's own painting, all of it. A simple feedback loop slows the frame rate when
        the share is over budget and speeds it up again when it is under.
        """
        now, cpu = time.perf_counter(), time.thread_time()
        elapsed, spent = now - self._tick_wall, cpu - self._tick_cpu
        self._tick_wall, self._tick_cpu = now, cpu
        if elapsed > 0 and self.timer.isActive():
            share = spent / elapsed
            interval = self.timer.interval() * (1.25 if share > FRAME_BUDGET else 0.9)
            self.timer.setInterval(int(min(SLOWEST_INTERVAL_MS, max(self._fastest_ms, interval))))
        if self.isVisible():
            self.refresh_now()

    def _on_tabs_current_changed(self, index: int) -> None:
        if 0 <= index < len(self._panels):
            self.refresh_now()

    def _on_log_check_toggled(self, on: bool) -> None:
        self.curves.set_log_y(on)

    def _on_batch_check_toggled(self, on: bool) -> None:
        self.curves.set_show_batches(on)

    def _on_clear_button_clicked(self) -> None:
        self.clear_runs()

    def clear_runs(self, keep_model: bool = True) -> None:
        """Forget the runs shown (a running one stays); with no run going, every view goes blank.

        ``keep_model=False`` (another project was opened) also forgets that a trained model exists.
        """
        keep = self.current if self.current is not None and not self.current.finished else None
        self.curves.clear_runs()
        self.runs = []
        if keep is not None:
            self.runs.append(keep)
            self.curves.add_run(keep)
            return
        self.current = None
        for panel in (self.weights, self.predictions, self.images, self.boundary, self.graph):
            panel.clear()
        self.evaluate.clear_answers()
        if not keep_model:
            self.evaluate.set_available(False, {})
            self.data_view = None
            self.set_view(None)
        self._set_status(IDLE_STATUS)
        self.refresh_now(all_panels=True)

    # -- export --------------------------------------------------------------------------------------------
    def export_plot(self, path: str | Path, tab: int | None = None) -> Path:
        """Save a tab's plots as PNG (any other suffix than .svg) or SVG with pyqtgraph's exporters."""
        path = Path(path)
        index = self.tabs.currentIndex() if tab is None else tab
        panel = self._panels[index]
        panel.dirty = True
        panel.refresh()
        item = panel.export_target()
        if path.suffix.lower() == ".svg":
            try:
                pg.exporters.SVGExporter(item).export(str(path))
            except Exception:  # noqa: BLE001 - pyqtgraph 0.14's SVG path parser fails on Qt >= 6.9 output
                _render_svg(item, path)
            return path
        else:
            exporter: Any = pg.exporters.ImageExporter(item)
            size = item.boundingRect().size()
            exporter.parameters()["width"] = max(400, int(size.width()))
        exporter.export(str(path))
        return path

    def export_history_csv(self, path: str | Path) -> int:
        """Write every run's per-epoch metrics; returns the number of rows."""
        return write_history_csv(self.runs, path)

    def _on_export_plot_button_clicked(self) -> None:
        title = self.tabs.tabText(self.tabs.currentIndex()).lower().replace(" ", "_")
        path, _ = QFileDialog.getSaveFileName(self, "Export plot", f"{title}.png", "PNG image (*.png);;SVG (*.svg)")
        if path:
            self.export_plot(path)

    def _on_export_csv_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export metrics", "metrics.csv", "CSV table (*.csv)")
        if path:
            self.export_history_csv(path)


def _render_svg(item: pg.GraphicsItem, path: Path) -> None:
    """SVG through Qt's own generator: what pyqtgraph's exporter does, minus its path rewriting.

    pyqtgraph 0.14 re-parses the path data Qt writes and fails on closed paths ("... Z") that recent Qt emits
    (pyqtgraph issues #3485, #3495). Rendering the scene rectangle straight into QSvgGenerator gives a valid
    vector file; lines may scale with the drawing instead of keeping a fixed width.
    """
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    source = item.sceneBoundingRect()
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(target.size().toSize())
    generator.setViewBox(target)
    generator.setTitle("nnbuilder plot")
    painter = QPainter(generator)
    try:
        item.scene().render(painter, target, source)
    finally:
        painter.end()
