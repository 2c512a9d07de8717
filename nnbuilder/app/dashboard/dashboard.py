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

import numpy as np
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
from ..workers.messages import (
    STREAM_BOUNDARY,
    STREAM_CURVES,
    STREAM_GALLERY,
    STREAM_GAN_LAB,
    STREAM_GRAPH,
    STREAM_SAMPLES,
    STREAM_SERIES,
    STREAM_WEIGHTS,
    STREAMS_FOR_VIEW,
    BatchUpdate,
    BoundaryUpdate,
    DataView,
    GalleryUpdate,
    PredictionResult,
    SeriesUpdate,
    ViewFrame,
    WeightsUpdate,
)
from .panel import PANELS, PanelSpec, ViewPanel, register_panel
from .panels import register_builtin_panels
from .runs import RunRecord, write_history_csv
from .style import run_color
from .timeline import TimelineBar

# While training, the GUI thread may use this share of a core. It shares the GIL with the training thread,
# so every millisecond of pyqtgraph painting (Python) is a millisecond the trainer waits: on a tiny model
# (the spiral: 0.3 ms per batch) drawing at a fixed 30 Hz cost it ~80 % of its speed.
FRAME_BUDGET = 0.08
SLOWEST_INTERVAL_MS = 250  # never fewer than 4 frames a second
IDLE_STATUS = "No training yet. Press Train (F5) to start."
CLEARED_STATUS = ("Runs cleared. The model keeps its trained weights: Continue training goes on from them, "
                  "Reset weights starts afresh.")
# The views the timeline keeps and replays (the curves replay from the run's own buffers). Weights are not
# kept: a Dense layer's matrix per frame would cost megabytes for a picture the histograms already tell.
REPLAY_STREAMS = (STREAM_BOUNDARY, STREAM_GALLERY, STREAM_SERIES, STREAM_SAMPLES, STREAM_GAN_LAB, STREAM_GRAPH)
REPLAY_RUNS = 6  # runs whose frames stay kept; older runs still replay their curves

register_builtin_panels()


class Dashboard(QWidget):
    """Live curves, weights and predictions of the runs since the app opened.

    Feed it from a TrainingWorker (the controller wires the signals): ``begin_run`` then ``set_data_view``,
    ``on_started``, ``add_frame`` for every ViewFrame (curves, weights, boundary, samples, ...), and finally
    ``end_run``. One panel per registered view (``register_panel``); a panel's tab is shown when the run
    offers its view.
    """

    evaluate_requested = Signal()
    predict_requested = Signal(str, int)
    command_requested = Signal(str, str)  # view name, command (a panel's button asks the run for something)
    visible_views_changed = Signal(object)  # set of stream names on screen now (the worker skips the others)
    restart_requested = Signal(object)  # RunRecord: train again from the weights that run started from
    runs_cleared = Signal(bool)  # the runs shown were forgotten; True when a running run stayed

    # Tab indices of the built-in panels, in registration order (panels.py).
    TAB_CURVES, TAB_WEIGHTS, TAB_BOUNDARY, TAB_IMAGES, TAB_PREDICTIONS, TAB_GRAPH, TAB_TEST = range(7)

    register_panel = staticmethod(register_panel)

    def __init__(self, parent: QWidget | None = None, refresh_hz: float = 30.0) -> None:
        super().__init__(parent)
        self.setObjectName("trainingDashboard")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.specs: list[PanelSpec] = [spec for spec in PANELS.values() if spec.placement == "tab"]
        self.banner_specs: list[PanelSpec] = [spec for spec in PANELS.values() if spec.placement == "banner"]
        self.panels: dict[str, ViewPanel] = {}
        self._panels: list[ViewPanel] = []  # by tab index
        self._stream_panels: dict[str, list[ViewPanel]] = {}
        self._banners: list[ViewPanel] = []
        for spec in self.specs + self.banner_specs:
            panel = spec.factory()
            self.panels[spec.name] = panel
            for stream in spec.streams:
                self._stream_panels.setdefault(stream, []).append(panel)
            panel.command_requested.connect(lambda command, _n=spec.name: self.command_requested.emit(_n, command))
            panel.status_changed.connect(self._set_status)
            if spec.placement == "tab":
                index = self.tabs.addTab(panel, spec.title)
                self.tabs.setTabToolTip(index, spec.tip)
                self._panels.append(panel)
            else:
                self._banners.append(panel)
        self.curves: Any = self.panels["curves"]
        self.weights: Any = self.panels["weights"]
        self.boundary: Any = self.panels["boundary"]
        self.images: Any = self.panels["gallery"]
        self.predictions: Any = self.panels["series"]
        self.evaluate: Any = self.panels["test"]
        self.graph: Any = self.panels["graph"]

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
        for banner in self._banners:
            layout.addWidget(banner)
        # Above the plots, not below: in a short dock the bottom of the plots scrolls out of sight.
        self.timeline = TimelineBar()
        self.timeline.setVisible(False)  # until a run starts
        layout.addWidget(self.timeline)
        layout.addWidget(self.tabs, 1)

        self.runs: list[RunRecord] = []
        self.replaying = False  # the panels show a kept moment, not the newest frames
        self._shown_data: DataView | None = None
        self.current: RunRecord | None = None
        self._model_available = False  # a run left trained weights in the model (Clear runs keeps them)
        self.data_view: DataView | None = None
        self.project_kind = "supervised"  # what the open project trains, until a run's data view says more
        self.run_views: set[str] = set()  # the streams the current run offers
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
        self.timeline.changed.connect(self._on_timeline_changed)
        self.timeline.restart_requested.connect(self.restart_requested)
        self.set_view(None)

    def tab_index(self, name: str) -> int:
        """The tab of the panel registered as ``name`` (-1 for banners and unknown names)."""
        panel = self.panels.get(name)
        return self._panels.index(panel) if panel in self._panels else -1

    def show_view(self, name: str) -> bool:
        """Bring the tab of view ``name`` forward; False when this run does not offer it."""
        index = self.tab_index(name)
        if index < 0 or not self.tabs.isTabVisible(index):
            return False
        self.tabs.setCurrentIndex(index)
        return True

    def visible_streams(self) -> set[str]:
        """Streams whose panel is on screen now: the current tab's and the banners'."""
        names: set[str] = set()
        index = self.tabs.currentIndex()
        if 0 <= index < len(self.specs):
            names.update(self.specs[index].streams)
        for spec in self.banner_specs:
            names.update(spec.streams)
        return names

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Ask a dock for room: two plots side by side need about this much to be readable."""
        return QSize(900, 420)

    # -- run lifecycle -----------------------------------------------------------------------------------
    def begin_run(self, label: str, index: int | None = None) -> RunRecord:
        """Start a new overlaid run; ``label`` says what changed since the previous one (legend text) and
        ``index`` is the number in it (the timeline's "end of run 3" must name the run the legend calls run 3)."""
        self.timeline.stop_playing()
        self.leave_replay()
        run = RunRecord(index=index if index is not None else len(self.runs) + 1, label=label,
                        color=run_color(len(self.runs)))
        self.runs.append(run)
        for old in self.runs[:-REPLAY_RUNS]:
            old.snapshots.clear()
        self.timeline.set_busy(True)
        # shown (disabled) from the first run's start: appearing at its end, the bar pushed the tabs and plots
        # down under a pointer that was about to click them (a click meant for a tab moved the replay slider)
        self.timeline.setVisible(True)
        self.current = run
        self.curves.add_run(run)
        for name, panel in self.panels.items():
            if name != "curves":
                panel.begin_run(label)
        self.evaluate.set_available(False)
        self._set_status(f"{label}: preparing…")
        self._tick_wall, self._tick_cpu = time.perf_counter(), time.thread_time()
        self.timer.setInterval(self._fastest_ms)
        self.timer.start()
        return run

    def set_data_view(self, info: DataView) -> None:
        self.data_view = self._shown_data = info
        if self.current is not None:
            self.current.data_view = info
        self.set_view(info)
        self.images.validation_samples = self.predictions.validation_samples = int(info.num_val)
        for name in self.run_views:
            panel = self.panels.get(name)
            if panel is not None:
                panel.set_data(info)
        if "graph" in self.run_views:
            self.show_view("graph")  # for a GCN, the graph coloured by prediction is what shows it learning

    def set_view(self, info: DataView | None) -> None:
        """Show only the tabs that apply to the run (boundary for 2-D, images for pictures, GAN Lab, ...)."""
        views: set[str] = set()
        if info is not None:
            views = set(info.views) if info.views else set(STREAMS_FOR_VIEW.get(info.view, []))
        self.run_views = views
        kind = self.project_kind if info is None else info.kind
        for index, spec in enumerate(self.specs):
            panel = self._panels[index]
            always = spec.always and kind not in spec.extra.get("hidden_for", ())
            self.tabs.setTabVisible(index, always or spec.name in views)
            self.tabs.setTabText(index, panel.tab_title(info) or spec.title)
        self._on_tabs_current_changed(self.tabs.currentIndex())

    def set_project_kind(self, kind: str) -> None:
        """The open project's kind of training ("gan", "supervised"): before its first run the tabs that
        cannot apply to it (a classifier's Test tab for a GAN) are already hidden."""
        self.project_kind = kind
        if self.data_view is None:
            self.set_view(None)
        if not self.runs:  # and the curves' key promises no validation curves a GAN never draws
            self.curves.set_key(kind != "gan")

    def on_started(self, event: TrainingStarted) -> None:
        run = self.current
        if run is None:
            return
        run.start_epoch = int(event.start_epoch or 1)
        self.curves.start_run(run, list(getattr(event, "losses", ["loss"]) or ["loss"]), list(event.metrics),
                              validation=int(event.num_val) > 0)
        self.curves.set_epoch_span(event.epochs)
        if event.epochs - event.start_epoch >= 30:  # dots on 30+ epochs are clutter, and cost paint time
            self.curves.set_symbols(run, False)
        self._set_status(f"{run.label}: training on {event.where}, {event.num_train} samples, "
                         f"{event.batches_per_epoch} batches per epoch")

    def add_frame(self, frame: ViewFrame) -> None:
        """Hand one frame to the panels registered for its stream (they store it; the timer draws); the
        timeline keeps a copy for replay."""
        run = self.current
        if run is not None and not run.finished and frame.name in REPLAY_STREAMS:
            run.snapshots.add(frame)
        for panel in self._stream_panels.get(frame.name, ()):
            panel.add_frame(frame)

    # Typed shortcuts for the built-in streams (tests and scripts feed the dashboard directly).
    def add_batches(self, update: BatchUpdate) -> None:
        """Store a coalesced update: its batches and any epoch ends it carries."""
        x = float(update.x[-1]) if len(update.x) else float(update.epoch)
        self.add_frame(ViewFrame(STREAM_CURVES, update.epoch, update.batch, x, update))

    def add_epoch(self, event: EpochEnd) -> None:
        self.add_frame(ViewFrame(STREAM_CURVES, event.epoch, 0, float(event.epoch), BatchUpdate(
            event.epoch, 0, 1, event.epochs, _EMPTY, {}, 0.0, 0, 1, [event])))

    def add_weights(self, update: WeightsUpdate) -> None:
        self.add_frame(ViewFrame(STREAM_WEIGHTS, update.epoch, 0, update.position, update))

    def set_boundary(self, update: BoundaryUpdate) -> None:
        self.add_frame(ViewFrame(STREAM_BOUNDARY, update.epoch, 0, update.position, update))

    def set_gallery(self, update: GalleryUpdate) -> None:
        self.add_frame(ViewFrame(STREAM_GALLERY, update.epoch, 0, float(update.epoch), update))

    def set_series(self, update: SeriesUpdate) -> None:
        self.add_frame(ViewFrame(STREAM_SERIES, update.epoch, 0, float(update.epoch), update))

    def set_paused(self, paused: bool) -> None:
        """The run paused or resumed: panels with step buttons enable them; the paused picture is drawn."""
        for panel in self.panels.values():
            panel.set_paused(paused)
        self.refresh_now()

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
        for name, panel in self.panels.items():
            if name != "curves":
                panel.set_paused(False)
                panel.end_run(outcome)
        self.refresh_now()
        self.timer.stop()
        self.evaluate.set_available(model_available, sizes)
        self._model_available = model_available
        self.timeline.set_busy(False)
        if run is not None:
            source = next((r for r in self.runs if r.index == run.restarted_from), None)
            self.timeline.set_runs(self.runs, select=run, compare=source)
            self.timeline.setVisible(bool(self.timeline.runs))

    # -- evaluate / predict answers ------------------------------------------------------------------------
    def set_model_available(self, on: bool, sizes: dict[str, int] | None = None) -> None:
        self.evaluate.set_available(on, sizes)
        self._model_available = on
        if not on and not self.runs and self.status_label.text() == CLEARED_STATUS:
            self._set_status(IDLE_STATUS)  # the weights it spoke of are gone too

    def show_evaluation(self, logs: dict[str, float]) -> None:
        self.evaluate.show_evaluation(logs)

    def show_prediction(self, result: PredictionResult) -> None:
        self.evaluate.show_prediction(result)

    # -- the timeline: replay and A/B ------------------------------------------------------------------------
    def replay(self, run: RunRecord | None, position: float | None, compare: RunRecord | None = None) -> None:
        """Show ``run`` as it was at ``position`` epochs (None: its end), overlaid with ``compare``'s curves.

        The curves of every shown run are cut at the same position, so two runs started from the same weights
        are compared epoch for epoch; the other panels draw ``run``'s kept frames of that moment over ``run``'s
        own data set (which may differ from the latest run's).
        """
        latest = self.runs[-1] if self.runs else None
        if run is None or (run is latest and position is None and compare is None):
            self.leave_replay()
            if run is not None and run.outcome:
                self._set_status(f"{run.label}: {run.outcome}")
            return
        self.curves.set_cursor(position)
        self.curves.show_runs(None if compare is None else {run.index, compare.index})
        self.replaying = True
        if run.data_view is not None and run.data_view is not self._shown_data:
            self._show_data(run.data_view)
        at = run.end_position() if position is None else position
        # A/B pictures side by side only when both runs drew the same data set
        same_data = compare is not None and _same_data(run.data_view, compare.data_view)
        titles = (run.label.partition(":")[0], "" if compare is None else compare.label.partition(":")[0])
        for stream in run.snapshots.streams:
            frame = run.snapshots.at(stream, at)
            if frame is not None:
                other = compare.snapshots.at(stream, at) if same_data and compare is not None else None
                for panel in self._stream_panels.get(stream, ()):
                    self._give_layout(run, stream, panel, frame)
                    panel.show_snapshot(frame, other=other, titles=titles,
                                        other_data=None if compare is None else compare.data_view)
        versus = f", against run {compare.index}" if compare is not None else ""
        self._set_status(f"Replay of {run.label}: {self.timeline.describe() or f'epoch {at:.1f}'}{versus}")
        self.refresh_now()

    def leave_replay(self) -> None:
        """Back to the newest frames of the latest run (a new run starts, runs were cleared, the slider is
        at the latest run's end)."""
        if self.curves.cursor is not None:
            self.curves.set_cursor(None)
        if self.curves.shown_runs is not None:
            self.curves.show_runs(None)
        if not self.replaying:
            return
        self.replaying = False
        latest = self.runs[-1] if self.runs else None
        if latest is not None and latest.data_view is not None and latest.data_view is not self._shown_data:
            self._show_data(latest.data_view)
        if latest is not None:
            for stream in latest.snapshots.streams:
                frame = latest.snapshots.last(stream)
                for panel in self._stream_panels.get(stream, ()):
                    self._give_layout(latest, stream, panel, frame)
                    panel.show_snapshot(frame, live=True)
        self.refresh_now()

    @staticmethod
    def _give_layout(run: RunRecord, stream: str, panel: ViewPanel, frame: ViewFrame) -> None:
        """A graph's node positions come only in its run's first frame: replaying a later frame of another
        run than the one drawn last needs that run's layout first."""
        if stream == STREAM_GRAPH and getattr(frame.payload, "positions", None) is None:
            first = run.snapshots.frames(stream)[0]
            if first is not frame:
                panel.show_snapshot(first)

    def _show_data(self, info: DataView) -> None:
        """Tabs and data points of the run being shown (replaying an earlier run on another data set)."""
        self._shown_data = info
        self.set_view(info)
        for name in REPLAY_STREAMS:
            panel = self.panels.get(name)
            if panel is not None and name in self.run_views:
                panel.set_data(info)

    def _on_timeline_changed(self) -> None:
        bar = self.timeline
        self.replay(bar.run(), bar.position(), bar.compare())

    # -- drawing -------------------------------------------------------------------------------------------
    def _set_status(self, text: str) -> None:
        self._status = text
        self._status_dirty = True
        if not self.timer.isActive():
            self.status_label.setText(text)
            self._status_dirty = False

    def refresh_now(self, all_panels: bool = False) -> None:
        """Draw dirty panels now: the visible one, or all of them (end of run, before an export)."""
        index = self.tabs.currentIndex()
        panels = list(self._panels) if all_panels else ([self._panels[index]] if 0 <= index < len(self._panels) else [])
        panels += self._banners
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
        self.visible_views_changed.emit(self.visible_streams())

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
        self.leave_replay()
        self.curves.clear_runs()
        self.runs = []
        self.timeline.set_runs([])
        self.timeline.setVisible(False)
        if keep is not None:
            self.runs.append(keep)
            self.curves.add_run(keep)
            self.runs_cleared.emit(True)
            return
        self.current = None
        for name, panel in self.panels.items():  # every tab and banner: the hints of a run gone went too
            if name not in ("curves", "evaluate"):
                panel.clear()
        self.evaluate.clear_answers()
        if not keep_model:
            self.evaluate.set_available(False, {})
            self._model_available = False
            self.data_view = None
            self.set_view(None)
        # "No training yet" over a model that keeps its trained weights (Continue training, Test and Save
        # weights still use them) contradicted the buttons beside it
        self._set_status(CLEARED_STATUS if self._model_available else IDLE_STATUS)
        self.refresh_now(all_panels=True)
        self.runs_cleared.emit(False)

    # -- export --------------------------------------------------------------------------------------------
    def export_plot(self, path: str | Path, tab: int | None = None) -> Path:
        """Save a tab's plots as PNG (any other suffix than .svg) or SVG with pyqtgraph's exporters."""
        path = Path(path)
        index = self.tabs.currentIndex() if tab is None else tab
        panel = self._panels[index]
        panel.dirty = True
        panel.refresh()
        item = panel.export_target()
        if item is None:
            raise ValueError(f"The {self.tabs.tabText(index)} tab has no plot to export.")
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


_EMPTY = np.zeros(0, dtype=np.float32)


def _same_data(a: DataView | None, b: DataView | None) -> bool:
    """Two runs drew the same data set (perhaps split by another seed): their pictures can stand side by side."""
    if a is None or b is None:
        return False
    return a is b or (a.title == b.title and a.input_shape == b.input_shape and a.view == b.view
                      and a.extent == b.extent)


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
