"""The training worker: runs the headless Trainer in a QThread and forwards what it learns as Qt signals.

Why a worker and not a QThread subclass: a parentless QObject moved to a plain QThread keeps the thread's own
event loop, so ``deleteLater`` and queued calls work in it and the clean-up is the same for every job
(superqt's ``new_worker_qthread``). The trainer calls ``_on_trainer_event`` synchronously between batches in
this thread; everything expensive for the views (decision-boundary grid, gallery predictions, histograms,
GAN samples and the GAN Lab picture) happens here too, so the GUI thread only copies arrays into plot items.

Every view leaves through one signal, ``frame``, as ``ViewFrame(name, epoch, batch, position, payload)``; the
dashboard hands it to the panel registered under ``name``. What each view shows is computed by the pure
functions in ``views/``; this module only decides when, from the core's probes (``trainer.predict``,
``trainer.step.generate`` ...) and the core's split (``trainer.split``). Control (pause, resume, stop, one
step by hand) is the core's: the worker forwards each request to the trainer's run loop.

Rate limits keep the GUI thread (which shares the GIL with training) from becoming the bottleneck: batch
and epoch events are coalesced into at most 20 updates a second whatever their rate, the boundary grid and
the GAN Lab picture are recomputed at most every ~150 / 200 ms and only while their tab is visible, the
GAN's sample grid at most twice a second, weight snapshots are asked for at most every 0.2 s (epoch ends)
or 0.5 s (within long epochs), and the epoch-end gallery or series at most every 0.5 s.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from nnbuilder.teach.graph_layout import sample_nodes, spring_layout, subgraph_edges
from nnbuilder.teach.overfitting import overfitting_hint
from nnbuilder.training.events import (
    BatchEnd,
    EpochEnd,
    Failed,
    Finished,
    Snapshot,
    TrainingStarted,
)

from .messages import (
    STREAM_BOUNDARY,
    STREAM_CURVES,
    STREAM_GALLERY,
    STREAM_GAN_LAB,
    STREAM_GRAPH,
    STREAM_HINTS,
    STREAM_SAMPLES,
    STREAM_SERIES,
    STREAM_WEIGHTS,
    STREAMS_FOR_VIEW,
    VIEW_2D,
    VIEW_CLASSES,
    VIEW_IMAGES,
    VIEW_NONE,
    VIEW_REGRESSION,
    VIEW_SERIES,
    BatchUpdate,
    DataView,
    ViewFrame,
)
from .views import gan as gan_views
from .views.graph import GraphUpdate
from .views.supervised import (
    CONFUSION_MAX_SAMPLES,
    SERIES_MAX_POINTS,
    as_images,
    boundary_extent,
    boundary_update,
    gallery_update,
    series_update,
)
from .views.weights import HIST_BINS, filter_mosaic, merge_histogram, weights_update

PREDICT_CHUNK = 2048  # rows per predict call: each numpy gather holds the GIL, keep it to a few ms
SAMPLES_INTERVAL = 0.5  # the GAN sample grid refreshes at most twice a second
GAN_LAB_INTERVAL = 0.2

__all__ = ["HIST_BINS", "TrainingWorker", "as_images", "describe_exception", "filter_mosaic", "merge_histogram"]


def describe_exception(exc: BaseException) -> tuple[str, str]:
    """A student-readable sentence and a fault kind (nan, oom, runtime, data, model) for any exception.

    Our own errors (DataError, CompileError, TrainingError) already carry such a sentence; foreign ones get
    their type named so a bug report still says what happened.
    """
    name = type(exc).__name__
    text = str(exc).strip() or name
    kind = getattr(exc, "kind", None)
    if isinstance(kind, str) and kind:
        return text, kind
    lowered = text.lower()
    if isinstance(exc, MemoryError) or "out of memory" in lowered:
        return f"The device ran out of memory: {text}", "oom"
    if name == "DataError" or isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
        return text, "data"
    if name in ("CompileError", "ProjectError"):
        return text, "model"
    if name in ("TrainingError",):
        return text, "runtime"
    return f"Training stopped because of an error ({name}): {text}", "runtime"


HIDDEN_INTERVAL = 1.0  # seconds between frames of a view whose tab is hidden (kept for replay)
HIDDEN_FRAMES = 40  # ...and at least this many over a short run,
HIDDEN_MIN_GAP = 0.05  # but never closer than this (seconds)
TIMELINE_SHARE = 0.01  # share of the training thread each kind of those extra frames may take


class TrainingWorker(QObject):
    """Builds a Trainer in its thread, trains, and emits signals with copies; never touches a widget.

    Create it parentless in the GUI thread, connect its signals, then ``start_in_thread(worker)``. ``pause``,
    ``resume``, ``stop``, ``step_once`` and ``request_snapshot`` are plain thread-safe calls from the GUI thread
    that return at once; the trainer's run loop answers them at its next batch boundary. ``done`` is always
    the last signal; after it ``trainer`` holds the (idle) Trainer, or None when it could not be built, for
    evaluation and Continue.
    """

    prepared = Signal(object)  # DataView
    started = Signal(object)  # TrainingStarted
    frame = Signal(object)  # ViewFrame: one frame of one named view (curves, weights, boundary, gan_lab, ...)
    finished = Signal(object)  # Finished
    failed = Signal(str, str)  # message, kind (nan | oom | runtime | data | model)
    note = Signal(str)  # something worth a status-bar line that is not a fault
    timing = Signal(object)  # {"build_s": ..., "fit_s": ...}: where the run's wall time went
    released = Signal(object)  # the idle Trainer (or None), just before done
    initial_state = Signal(object)  # a fresh run's starting weights (CPU copies), for "restart from the same"
    done = Signal()

    def __init__(
        self,
        project: Any,
        *,
        epochs: int | None = None,
        device: str | None = None,
        base_dir: str | Path | None = None,
        continue_training: bool = False,
        initial_weights: Any = None,
        start_state: Any = None,
        dataset: Any = None,
        batch_interval: float = 0.05,
        boundary_interval: float = 0.15,
        snapshot_interval: float = 0.5,
        views_interval: float = 0.5,
        samples_interval: float = SAMPLES_INTERVAL,
        gan_lab_interval: float = GAN_LAB_INTERVAL,
        grid_size: int = 80,
    ) -> None:
        """``project`` must be a copy the GUI thread no longer mutates. ``initial_weights`` is a previous
        Trainer (its model's state is copied in) or a path to a safetensors file; either implies continuing.
        ``start_state`` is an earlier run's ``Trainer.initial_state()``: this (fresh) run starts from those
        weights wherever they still fit the network. ``dataset`` is an already loaded Dataset for this project's
        data settings (runs reuse it: loading Fashion-MNIST again would cost a second or more per run).
        """
        super().__init__()
        self._project = project
        self._epochs = epochs
        self._device = device
        self._base_dir = None if base_dir is None else str(base_dir)
        self._continue = bool(continue_training)
        self._initial_weights = initial_weights
        self._start_state = start_state
        self._dataset = dataset
        self._batch_interval = batch_interval
        self._intervals = {STREAM_BOUNDARY: boundary_interval, STREAM_GALLERY: views_interval,
                           STREAM_SERIES: views_interval, STREAM_SAMPLES: samples_interval,
                           STREAM_GAN_LAB: gan_lab_interval, STREAM_GRAPH: views_interval}
        self._snapshot_interval = snapshot_interval
        self._grid_size = grid_size

        self._lock = threading.Lock()
        # Requests made before the trainer exists, handed to it as soon as it does (the run loop owns them).
        self._early_stop = False
        self._early_pause = False
        self._flush_now = False  # set by pause(): send the last values at once, the run is about to wait
        self._visible: set[str] | None = None  # streams on screen (None: all); hidden ones wait for the end
        self.trainer: Any = None

        # Training-thread state, touched only by the callback.
        self._views: set[str] = set()  # streams this run sends
        self._view = VIEW_NONE
        self._pending_x: list[float] = []
        self._pending: dict[str, list[float]] = {}
        self._last_batch: BatchEnd | None = None
        self._pending_epochs: list[EpochEnd] = []
        self._history: list[dict[str, float]] = []
        self._watch_overfitting = False
        self._last_at: dict[str, float] = {}  # stream -> when it was last computed
        self._cost: dict[str, float] = {}  # stream -> seconds its cheapest frame took to compute
        self._run_start = 0.0
        self._shown_epoch: dict[str, int] = {}  # stream -> the epoch it last showed
        self._epochs_total = 1
        self._start_epoch = 1
        self._batches_per_epoch = 1
        self._done_batches = 0
        self._manual_steps: dict[str, int] = {}
        self._last_emit = 0.0
        self._last_snapshot_request = 0.0
        self._snapshot_pending = False
        self._hist_ranges: dict[str, float] = {}
        self._grid: np.ndarray | None = None
        self._extent: tuple[float, float, float, float] | None = None
        self._data_x: np.ndarray | None = None  # the data set's arrays (references, never copied whole)
        self._data_y: np.ndarray | None = None
        self._val_rows: np.ndarray | None = None
        self._series_x: np.ndarray | None = None
        self._gan: dict[str, Any] = {}  # fixed noise, real points, grid and extent of the GAN views
        self._hints: list[Any] = []
        self._view_failures: set[str] = set()
        self._graph_nodes: np.ndarray | None = None  # the drawn nodes of a graph data set
        self._graph_true: np.ndarray | None = None
        self._position = 0.0
        self._epoch = 0
        self._batch = 0

    # -- control, called from the GUI thread: forwarded to the core's run loop ------------------------------
    def _trainer_or_remember(self, stop: bool = False, pause: bool | None = None) -> Any:
        with self._lock:
            if stop:
                self._early_stop = True
            if pause is not None:
                self._early_pause = pause
            return self.trainer

    def pause(self) -> None:
        """Ask the run to wait before its next batch; returns at once."""
        trainer = self._trainer_or_remember(pause=True)
        self._flush_now = True
        if trainer is not None:
            trainer.pause()

    def resume(self) -> None:
        trainer = self._trainer_or_remember(pause=False)
        if trainer is not None:
            trainer.resume()

    def stop(self) -> None:
        """Ask the run to stop at its next batch boundary (also while paused); returns at once."""
        trainer = self._trainer_or_remember(stop=True)
        if trainer is not None:
            trainer.stop()

    def step_once(self, which: str) -> bool:
        """While paused: one update by hand ("D", "G" or "both" for a GAN); False when the run cannot now."""
        with self._lock:
            trainer = self.trainer
        if trainer is None:
            return False
        try:
            trainer.step_once(which)
        except Exception as exc:  # noqa: BLE001 - a refused step (not paused, unknown kind) is a note
            self.note.emit(describe_exception(exc)[0])
            return False
        return True

    def request_snapshot(self) -> None:
        with self._lock:
            trainer = self.trainer
        if trainer is not None:
            trainer.request_snapshot()

    def set_visible_views(self, names: set[str] | list[str] | None) -> None:
        """Which views the GUI shows now; costly hidden ones are computed only at the end of the run.

        Called from the GUI thread when the student switches tabs; one attribute write, which the training
        thread reads between batches. The boundary grid alone costs the spiral ~2 % of its speed.
        """
        self._visible = None if names is None else set(names)

    def set_live_views(self, boundary: bool = True, predictions: bool = True) -> None:
        """The older two-flag form of ``set_visible_views``."""
        names = {STREAM_CURVES, STREAM_WEIGHTS}
        if boundary:
            names.add(STREAM_BOUNDARY)
        if predictions:
            names.update((STREAM_GALLERY, STREAM_SERIES))
        self.set_visible_views(names)

    @property
    def stop_requested(self) -> bool:
        with self._lock:
            return self._early_stop

    # -- the job -------------------------------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """Runs in the worker thread (connected to QThread.started)."""
        try:
            self._run()
        except BaseException as exc:  # noqa: BLE001 - a fault here must never take the app down
            message, kind = describe_exception(exc)
            self.failed.emit(message, kind)
        finally:
            with self._lock:
                trainer = self.trainer
            self.released.emit(trainer)
            self.done.emit()

    def _run(self) -> None:
        from nnbuilder.training import Trainer

        t0 = time.perf_counter()
        try:
            trainer = Trainer(self._project, dataset=self._dataset, device=self._device,
                              callback=self._on_trainer_event,
                              base_dir=None if self._base_dir is None else Path(self._base_dir))
            continuing = self._continue
            if self._initial_weights is not None:
                continuing = self._load_initial_weights(trainer) or continuing
            if self._start_state is not None and not continuing:
                fresh = trainer.start_from(self._start_state)
                if fresh:
                    self.note.emit("Started from the same initial weights except for "
                                   + ", ".join(f"'{name}'" for name in fresh[:4])
                                   + (f" and {len(fresh) - 4} more" if len(fresh) > 4 else "")
                                   + ": new or resized since, so they start from new weights.")
            if not continuing:
                self.initial_state.emit(trainer.initial_state())
        except Exception as exc:  # noqa: BLE001 - building the model or loading data: report, don't raise
            message, kind = describe_exception(exc)
            self.failed.emit(message, kind)
            return
        self._initial_weights = self._start_state = None  # do not keep earlier runs' tensors alive longer
        with self._lock:
            self.trainer = trainer
            stop, pause = self._early_stop, self._early_pause
        if stop:
            self.finished.emit(Finished(history=[], stopped_by_user=True, message="Stopped before the first batch."))
            return
        if pause:
            trainer.pause()
        t1 = time.perf_counter()
        result = trainer.fit(epochs=self._epochs, continue_training=bool(self._continue or continuing))
        self.timing.emit({"build_s": t1 - t0, "fit_s": time.perf_counter() - t1})
        self._flush_batches()
        if isinstance(result, Failed):
            self.failed.emit(result.message, result.kind)
            return
        # After early stopping restored the best weights, the model is that epoch's: the last frames say so
        # (the Predictions tab read "epoch 19" over the forecasts of epoch 13's weights)
        restored = getattr(result, "restored_epoch", None)
        self._final_snapshot(trainer, restored)
        if not result.stopped_by_user:
            self._final_views(restored)
        else:  # the views paced by time, hidden tabs' too (the GAN Lab read epoch 142 of a run stopped at 159);
            self._final_views(stopped=True)  # the per-epoch ones keep the last whole epoch, as they were labelled
        if getattr(result, "hints", None):
            self._emit_hints(list(result.hints))
        self.finished.emit(result)

    def _load_initial_weights(self, trainer: Any) -> bool:
        """Copy weights from a previous Trainer or load a safetensors file; False (and a note) if they don't fit."""
        source = self._initial_weights
        try:
            if isinstance(source, str | Path):
                trainer.load_weights(str(source))
            else:
                trainer.model.load_state_dict(source.model.state_dict())
        except Exception as exc:  # noqa: BLE001 - a changed network: start fresh and say so
            self.note.emit(
                "The kept weights do not fit the network as it is now, so this run starts from new weights "
                f"({describe_exception(exc)[0]})"
            )
            return False
        return True

    # -- the trainer callback (training thread, between batches) ------------------------------------------
    def _on_trainer_event(self, event: Any) -> None:
        if isinstance(event, BatchEnd):
            self._on_trainer_batch(event)
        elif isinstance(event, EpochEnd):
            self._on_trainer_epoch(event)
        elif isinstance(event, Snapshot):
            self._on_trainer_snapshot(event)
        elif isinstance(event, TrainingStarted):
            self._on_trainer_started(event)
        # Finished and Failed also come back from fit(); they are handled there.

    def _on_trainer_started(self, event: TrainingStarted) -> None:
        with self._lock:
            stop = self._early_stop
        if stop:  # asked between the trainer's construction and its run: the loop only stops a running run
            self.trainer.stop()
        self._epochs_total = max(1, int(event.epochs))
        self._start_epoch = int(event.start_epoch or 1)
        self._batches_per_epoch = max(1, int(event.batches_per_epoch))
        self._done_batches = 0
        self._last_emit = self._run_start = time.perf_counter()
        try:
            self.prepared.emit(self._prepare_views(self.trainer, list(event.views), event.step))
        except Exception as exc:  # noqa: BLE001 - views are a luxury; training goes on without them
            self._view = VIEW_NONE
            self._views = {STREAM_CURVES, STREAM_WEIGHTS}
            self.note.emit(f"Live prediction views are off for this data set ({type(exc).__name__}: {exc}).")
        self.started.emit(replace(event, metrics=list(event.metrics), losses=list(event.losses),
                                  views=list(event.views)))
        self._live_views(time.perf_counter(), at_epoch_end=False, timed=False)  # the untrained picture

    def _on_trainer_batch(self, event: BatchEnd) -> None:
        """Gather one interval's values (the core reports interval means) for the next curves frame."""
        batches = max(1, event.batches)
        values = dict(event.losses) if event.losses else {"loss": float(event.loss)}
        values.update(event.metrics)
        manual = event.manual
        pausing, self._flush_now = self._flush_now, False  # the run parks right after this event: show it all
        if manual:
            self._flush_batches()  # what came before goes out on its own: a step by hand is one point
        pending = self._pending
        n = len(self._pending_x)
        for name, value in values.items():
            column = pending.setdefault(name, [])
            column.extend([float("nan")] * (n - len(column)))  # a value this run did not report before
            column.append(float(value))
        for name, column in pending.items():
            if name not in values:  # a step by hand of D alone reports no loss_G: keep the columns aligned
                column.append(float("nan"))
        self._epoch, self._batch = event.epoch, event.batch
        self._position = event.epoch - 1 + event.batch / batches
        self._pending_x.append(self._position)
        self._last_batch = event
        if manual:
            self._manual_steps[manual] = self._manual_steps.get(manual, 0) + 1
        else:
            self._done_batches = (event.epoch - self._start_epoch) * batches + event.batch
        now = time.perf_counter()
        # A step by hand happens while paused: its picture must not wait for the next interval.
        if manual or pausing or now - self._last_emit >= self._batch_interval:
            self._flush_batches(now)
        self._live_views(now, force=bool(manual or pausing), at_epoch_end=False)
        if now - self._last_snapshot_request >= self._snapshot_interval and not self._snapshot_pending:
            self._ask_snapshot(now)

    def _on_trainer_epoch(self, event: EpochEnd) -> None:
        now = time.perf_counter()
        self._position = float(event.epoch)
        self._epoch, self._batch = event.epoch, self._batches_per_epoch
        self._pending_epochs.append(replace(event, logs=dict(event.logs)))
        self._history.append(dict(event.logs))
        if now - self._last_emit >= self._batch_interval:
            self._flush_batches(now)
        self._live_views(now, at_epoch_end=True)
        self._update_hints(event)
        # Short epochs would otherwise see few snapshots: ask at each epoch end, within a tighter limit.
        if now - self._last_snapshot_request >= min(0.2, self._snapshot_interval) and not self._snapshot_pending:
            self._ask_snapshot(now)

    def _ask_snapshot(self, now: float) -> None:
        self._last_snapshot_request = now
        self._snapshot_pending = True
        self.trainer.request_snapshot()

    def _emit(self, name: str, payload: Any, epoch: int | None = None) -> None:
        self.frame.emit(ViewFrame(name, self._epoch if epoch is None else epoch, self._batch, self._position,
                                  payload))

    def _flush_batches(self, now: float | None = None) -> None:
        """Send every interval value and epoch end gathered since the last frame as one curves frame."""
        self._last_emit = time.perf_counter() if now is None else now
        if not (self._pending_x or self._pending_epochs):
            return
        last = self._last_batch
        if last is None:  # epoch ends without batch events (a trainer that reports only epochs)
            e = self._pending_epochs[-1]
            last = BatchEnd(epoch=e.epoch, batch=1, batches=1, loss=float("nan"), metrics={}, samples_per_second=0.0)
            self._done_batches = e.epoch - self._start_epoch + 1
        values = {k: np.asarray(v, dtype=np.float32) for k, v in self._pending.items()}
        x = np.asarray(self._pending_x, dtype=np.float32)
        epochs_ended, self._pending_epochs = self._pending_epochs, []
        self._pending_x = []
        self._pending = {}
        epochs_in_run = self._epochs_total - self._start_epoch + 1
        self._emit(STREAM_CURVES, BatchUpdate(
            epoch=last.epoch, batch=last.batch, batches=last.batches, epochs=self._epochs_total, x=x, values=values,
            samples_per_second=float(last.samples_per_second), done_batches=self._done_batches,
            total_batches=max(1, epochs_in_run * max(1, last.batches)), epochs_ended=epochs_ended,
        ), epoch=last.epoch)

    def _on_trainer_snapshot(self, event: Snapshot) -> None:
        self._snapshot_pending = False
        try:
            update = weights_update(event, self._position, self._hist_ranges)
        except Exception as exc:  # noqa: BLE001
            self._view_failed("weights", exc)
            return
        self._emit(STREAM_WEIGHTS, update, epoch=event.epoch)

    # -- when each view is computed (training thread) ------------------------------------------------------
    def _due(self, name: str, now: float, force: bool, at_epoch_end: bool) -> bool:
        if name not in self._views or name in self._view_failures:
            return False
        if name in (STREAM_GALLERY, STREAM_SERIES, STREAM_GRAPH) and not at_epoch_end and not force:
            return False  # predictions over the validation set: at epoch ends only
        interval = self._intervals.get(name, 0.5)
        visible = self._visible
        hidden = name != STREAM_SAMPLES and visible is not None and name not in visible
        last = self._last_at.get(name)
        if last is None:  # never computed: at once, except a hidden prediction view (a whole validation pass)
            last = self._run_start if hidden and name in (STREAM_GALLERY, STREAM_SERIES, STREAM_GRAPH) else -1e9
        since = now - last
        cost = self._cost.get(name, 0.0)
        if force or since >= (max(HIDDEN_INTERVAL, 8 * interval, cost / TIMELINE_SHARE) if hidden else interval):
            return True
        if not hidden:
            return False  # on screen: its own pace (the sample grid at most twice a second, as promised)
        # A hidden tab gets the slow frames above for the timeline's replay. A short run (the spiral's 100
        # epochs take 2 s) would leave it a handful, so at epoch ends there is also one every 1/40 of the
        # run's epochs. Each kind may take only TIMELINE_SHARE (1 %) of the training thread, judged by what
        # the view's cheapest frame cost.
        every = max(1, -(-(self._epochs_total - self._start_epoch + 1) // HIDDEN_FRAMES))
        return (at_epoch_end and since >= max(HIDDEN_MIN_GAP, cost / TIMELINE_SHARE)
                and self._epoch - self._shown_epoch.get(name, -10**9) >= every)

    def _live_views(self, now: float, force: bool = False, at_epoch_end: bool = True, timed: bool = True) -> None:
        """Compute the views that are due; ``timed=False`` keeps their cost out of the pacing (the first
        frame, before batch 1, also pays for warming the model up)."""
        for name, compute in ((STREAM_BOUNDARY, self._emit_boundary), (STREAM_GALLERY, self._emit_gallery),
                              (STREAM_SERIES, self._emit_series), (STREAM_SAMPLES, self._emit_samples),
                              (STREAM_GAN_LAB, self._emit_gan_lab), (STREAM_GRAPH, self._emit_graph)):
            if self._due(name, now, force, at_epoch_end):
                started = time.perf_counter()
                try:
                    compute()
                except Exception as exc:  # noqa: BLE001 - training must not die for a plot
                    self._view_failed(name, exc)
                # Measured after the work so a slow model cannot eat the whole interval.
                self._last_at[name] = time.perf_counter()
                if timed:  # the cheapest frame so far
                    self._cost[name] = min(self._cost.get(name, np.inf), self._last_at[name] - started)
                self._shown_epoch[name] = self._epoch

    def _final_views(self, restored: int | None = None, stopped: bool = False) -> None:
        """One last frame of each view, so the dashboard shows the trained model exactly (hidden tabs too).

        ``restored``: the epoch whose weights early stopping put back; the frames are labelled with it and
        drawn even where that epoch's frame was shown before (later epochs' frames have replaced it since).
        ``stopped``: the run was stopped mid-epoch; only the views paced by time are drawn again (cheap: a
        grid of points, 64 samples), under the epoch the run was in.
        """
        epoch = restored or int(self._position) or 1
        if not stopped:
            self._epoch = epoch
        self._visible = None
        for name, compute in ((STREAM_BOUNDARY, self._emit_boundary), (STREAM_GALLERY, self._emit_gallery),
                              (STREAM_SERIES, self._emit_series), (STREAM_SAMPLES, self._emit_samples),
                              (STREAM_GAN_LAB, self._emit_gan_lab), (STREAM_GRAPH, self._emit_graph)):
            if name not in self._views or name in self._view_failures:
                continue
            if stopped and name in (STREAM_GALLERY, STREAM_SERIES, STREAM_GRAPH):
                continue
            if restored is None and name in (STREAM_GALLERY, STREAM_SERIES, STREAM_GRAPH) \
                    and self._shown_epoch.get(name) == epoch:
                continue
            try:
                compute()
            except Exception as exc:  # noqa: BLE001
                self._view_failed(name, exc)

    def _view_failed(self, name: str, exc: BaseException) -> None:
        """Switch one live view off after its first failure; training must not die for a plot."""
        if name not in self._view_failures:
            self._view_failures.add(name)
            self.note.emit(f"The live {name.replace('_', ' ')} view stopped ({type(exc).__name__}: {exc}); "
                           "training goes on.")

    # -- hints -----------------------------------------------------------------------------------------------
    def _update_hints(self, event: EpochEnd | None = None) -> None:
        if STREAM_HINTS not in self._views or STREAM_HINTS in self._view_failures:
            return
        sentences = getattr(event, "hints", None)  # the core's own verdict on this epoch
        step = getattr(self.trainer, "step", None)
        try:
            if sentences is None and step is not None and hasattr(step, "epoch_hints"):
                sentences = step.epoch_hints(self._history)
            sentences = list(sentences or [])
            if self._watch_overfitting:  # the lecture's warning, said when the curves show it
                hint = overfitting_hint(self._history)
                if hint is not None:
                    sentences.append(hint.message)
        except Exception as exc:  # noqa: BLE001
            self._view_failed(STREAM_HINTS, exc)
            return
        self._emit_hints(sentences)

    def _emit_hints(self, sentences: list[str]) -> None:
        hints = gan_views.hints_from(sentences)
        if [h.text for h in hints] != [h.text for h in self._hints]:
            self._hints = hints
            self._emit(STREAM_HINTS, hints)

    # -- supervised views (training thread) -------------------------------------------------------------------
    def _predict(self, x: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Predictions for ``x`` (or for ``x[rows]``), a chunk at a time.

        Gathering 18,000 Fashion-MNIST rows in one fancy-indexing call copies 56 MB while holding the GIL
        (~40 ms of frozen window); chunks keep every such hold to a few milliseconds.
        """
        trainer = self.trainer
        n = len(x) if rows is None else len(rows)
        parts = []
        for i in range(0, n, PREDICT_CHUNK):
            chunk = x[i : i + PREDICT_CHUNK] if rows is None else x[rows[i : i + PREDICT_CHUNK]]
            parts.append(np.asarray(trainer.predict(chunk)))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def _split(self, trainer: Any) -> Any:
        """The core's split of this run (computed once by the trainer)."""
        split = getattr(trainer, "split", None)
        if split is None:
            from nnbuilder.training.split import compute_split

            training = self._project.training
            split = compute_split(trainer.dataset, float(training.validation_split), int(training.seed))
        return split

    def _prepare_views(self, trainer: Any, offered: list[str], step_kind: str) -> DataView:
        dataset = trainer.dataset
        x, y = dataset.x, dataset.y
        task = dataset.task
        num_test = 0 if dataset.x_test is None else len(dataset.x_test)
        split = self._split(trainer)
        train_idx, val_idx = np.asarray(split.train), np.asarray(split.val)
        if split.test is not None and not split.test_is_separate:
            num_test = len(split.test)
        gan = step_kind == "gan"
        view = VIEW_NONE
        if gan:
            view = VIEW_NONE
        elif task == "classification" and tuple(dataset.input_shape) == (2,):
            view = VIEW_2D
        elif task == "classification" and as_images(x[:1]) is not None:
            view = VIEW_IMAGES
        elif task in ("classification", "node_classification"):
            view = VIEW_CLASSES
        elif task == "regression":
            view = VIEW_SERIES if dataset.is_time_series else VIEW_REGRESSION
        if dataset.graph is not None and not gan:
            view = VIEW_NONE  # a GCN predicts all nodes at once; per-sample views do not apply
        views = set(offered) if offered else {STREAM_CURVES, STREAM_WEIGHTS, *STREAMS_FOR_VIEW.get(view, [])}
        if not gan and view == VIEW_NONE:
            views -= {STREAM_BOUNDARY, STREAM_GALLERY, STREAM_SERIES}
        if STREAM_GAN_LAB in views and tuple(dataset.input_shape) != (2,):
            views.discard(STREAM_GAN_LAB)
        step = getattr(trainer, "step", None)
        if any(v.startswith("gan") for v in views) and (step is None or not hasattr(step, "generate")):
            views -= {STREAM_SAMPLES, STREAM_GAN_LAB}  # a step without the GAN probes cannot feed them
        if step is not None and hasattr(step, "epoch_hints"):
            views.add(STREAM_HINTS)
        self._watch_overfitting = not gan and len(val_idx) > 0
        if self._watch_overfitting:
            views.add(STREAM_HINTS)
        if dataset.graph is not None and not gan:
            views.add(STREAM_GRAPH)
        info = DataView(
            title=str(dataset.title), task=task, view=view, input_shape=tuple(dataset.input_shape),
            class_names=list(dataset.class_names) if dataset.class_names else None,
            num_train=len(train_idx), num_val=len(val_idx), num_test=num_test,
            views=sorted(views), kind=step_kind or "supervised",
        )
        self._data_x, self._data_y = x, y
        self._val_rows = val_idx if len(val_idx) else None
        if view == VIEW_2D:
            self._setup_grid(dataset, x)
            info.extent = self._extent
            info.train_points = np.ascontiguousarray(x[train_idx], dtype=np.float32)
            info.train_labels = np.asarray(y[train_idx]).reshape(len(train_idx), -1)[:, -1].astype(np.int64)
            held = [(x[val_idx], y[val_idx])] + ([(dataset.x_test, dataset.y_test)] if dataset.x_test is not None
                                                 and len(dataset.x_test) else [])
            held = [(hx, hy) for hx, hy in held if len(hx)]  # the perceptron examples validate on nothing
            info.held_points = np.ascontiguousarray(
                np.concatenate([hx for hx, _ in held]) if held else np.zeros((0, 2)), dtype=np.float32)
            info.held_labels = (np.concatenate([np.asarray(hy).reshape(len(hy), -1)[:, -1] for _, hy in held])
                                if held else np.zeros(0)).astype(np.int64)
        elif view == VIEW_SERIES and self._val_rows is not None:
            starts = dataset.extra.get("window_start")
            window = int(dataset.extra.get("window", 0))
            if starts is not None:
                self._series_x = (np.asarray(starts)[val_idx] + window).astype(np.float32)
        if gan:
            self._prepare_gan(trainer, info)
        self._view = view
        self._views = views
        if STREAM_GRAPH in views:
            self._prepare_graph_view(dataset)
        return info

    def _setup_grid(self, dataset: Any, x: np.ndarray) -> None:
        extent = boundary_extent(x, dataset.extra.get("range"))
        n = self._grid_size
        self._grid = gan_views.plane_grid(extent, n)
        self._extent = extent

    def _emit_boundary(self) -> None:
        if self._grid is None or self._extent is None:
            return
        probs = self._predict(self._grid)
        self._emit(STREAM_BOUNDARY, boundary_update(probs, self._grid_size, self._extent, self._epoch,
                                                    self._position))

    def _emit_gallery(self) -> None:
        if self._val_rows is None or self._data_x is None or self._data_y is None:
            return
        rows = self._val_rows[:CONFUSION_MAX_SAMPLES]
        probs = self._predict(self._data_x, rows)
        images = np.asarray(self._data_x[rows[:25]]) if self._view == VIEW_IMAGES else None
        self._emit(STREAM_GALLERY, gallery_update(probs, np.asarray(self._data_y[rows]), self._epoch, images))

    def _emit_series(self) -> None:
        if self._val_rows is None or self._data_x is None or self._data_y is None:
            return
        step = max(1, len(self._val_rows) // SERIES_MAX_POINTS)
        rows = self._val_rows[::step]
        pred = self._predict(self._data_x, rows)
        in_time = self._view == VIEW_SERIES
        time_x = self._series_x[::step] if (in_time and self._series_x is not None) else None
        self._emit(STREAM_SERIES, series_update(pred, np.asarray(self._data_y[rows]), self._epoch,
                                                self.trainer.dataset.extra, time_x, step, in_time))


    def _prepare_graph_view(self, dataset: Any) -> None:
        """Lay the graph out once (a piece of it for Cora) and send it with the true classes."""
        try:
            g = dataset.graph
            y = np.asarray(dataset.y)
            true = (y.argmax(axis=1) if y.ndim > 1 and y.shape[1] > 1 else y.reshape(len(y))).astype(np.int64)
            nodes = sample_nodes(int(g.num_nodes), np.asarray(g.edges), classes=true)
            edges = subgraph_edges(nodes, np.asarray(g.edges))
            self._graph_nodes, self._graph_true = nodes, true[nodes]
            self._emit(STREAM_GRAPH, GraphUpdate(0, nodes, true[nodes], np.asarray(g.train_mask)[nodes].copy(),
                                                 int(g.num_nodes), positions=spring_layout(len(nodes), edges),
                                                 edges=edges), epoch=0)
        except Exception as exc:  # noqa: BLE001 - training must not die for a plot
            self._view_failed(STREAM_GRAPH, exc)

    def _emit_graph(self) -> None:
        nodes, true = self._graph_nodes, self._graph_true
        if nodes is None or true is None:
            return
        probs = np.asarray(self.trainer.predict_nodes(nodes), dtype=np.float32).reshape(len(nodes), -1)
        predicted = (probs.argmax(axis=1) if probs.shape[1] > 1 else (probs[:, 0] > 0.5)).astype(np.int64)
        self._emit(STREAM_GRAPH, GraphUpdate(self._epoch, nodes, true, np.zeros(0, bool), 0, predicted=predicted))

    def _final_snapshot(self, trainer: Any, restored: int | None = None) -> None:
        """The weights as the run left them: on a short run the last periodic snapshot may be many epochs old.
        Labelled with the ``restored`` epoch when early stopping put its weights back."""
        epoch = restored or int(self._position)
        if epoch <= 0 or trainer.model is None:
            return
        from nnbuilder.training.snapshot import take_snapshot

        try:
            self._on_trainer_snapshot(take_snapshot(trainer.model, None, epoch, 0))
        except Exception as exc:  # noqa: BLE001
            self._view_failed("weights", exc)

    # -- GAN views (training thread, or while the run is paused) ---------------------------------------------
    def _prepare_gan(self, trainer: Any, info: DataView) -> None:
        """Fix what the GAN views show for the whole run: the noise batches, the real points, the plane."""
        step = trainer.step
        seed = int(self._project.training.seed)
        gan: dict[str, Any] = {"grid_noise": step.fixed_noise}
        if tuple(trainer.dataset.input_shape) == (2,):
            real = np.asarray(step.real_samples(gan_views.REAL_POINTS), dtype=np.float32)
            extent = gan_views.points_extent(real)
            gan.update(real=np.ascontiguousarray(real), extent=extent,
                       plane=gan_views.plane_grid(extent, gan_views.HEAT_GRID),
                       lab_noise=step.sample_noise(gan_views.POINT_COUNT, seed=seed + 1))
            info.extent = extent
            info.train_points = gan["real"]
            gan["grid_noise"] = gan["lab_noise"]  # 2-D samples: the same points the GAN Lab view draws
        self._gan = gan

    def _g_steps(self) -> int:
        """Generator updates so far: one per iteration of the run, plus the steps taken by hand."""
        return self._done_batches + self._manual_steps.get("G", 0) + self._manual_steps.get("both", 0)

    def _d_steps(self) -> int:
        """Discriminator updates so far: ``d_steps`` per iteration (GAN Lab's k), plus those taken by hand."""
        k = int(getattr(self.trainer.step, "d_steps", 1) or 1)
        return k * (self._done_batches + self._manual_steps.get("both", 0)) + self._manual_steps.get("D", 0)

    def _emit_samples(self) -> None:
        step = self.trainer.step
        samples = np.asarray(step.generate(self._gan["grid_noise"]))
        columns = int(getattr(step, "grid_columns", 0) or 0)
        classes = list(step.class_names) if columns and samples.ndim > 2 else None
        grid = gan_views.sample_grid(samples, self._epoch, self._position, self._g_steps(), classes)
        if grid is not None:
            self._emit(STREAM_SAMPLES, grid)

    def _emit_gan_lab(self) -> None:
        gan = self._gan
        if "plane" not in gan:
            return
        step = self.trainer.step
        fake = np.asarray(step.generate(gan["lab_noise"]), dtype=np.float32).reshape(-1, 2)
        heat = np.asarray(step.discriminate(gan["plane"]), dtype=np.float32)
        gradient = np.asarray(step.generator_gradient(fake), dtype=np.float32).reshape(-1, 2)
        coverage = self._coverage(fake)
        self._emit(STREAM_GAN_LAB, gan_views.gan_lab_frame(
            gan["real"], fake, heat, gradient, gan["extent"], self._epoch, self._position, d_steps=self._d_steps(),
            g_steps=self._g_steps(), coverage=coverage))

    def _coverage(self, fake: np.ndarray) -> tuple[int, int, float] | None:
        """VEEGAN's modes covered and high-quality share, when the data set knows its modes (the core's
        definitions, in ``nnbuilder.training.gan_metrics``)."""
        extra = self.trainer.dataset.extra or {}
        means, std = extra.get("modes"), float(extra.get("mode_std", 0.0) or 0.0)
        if means is None or std <= 0:
            return None
        from nnbuilder.training.gan_metrics import mode_coverage

        means = np.asarray(means, dtype=np.float64)
        covered, high_quality = mode_coverage(fake, means, std)
        return int(covered), len(means), float(high_quality)
