"""The training worker: runs the headless Trainer in a QThread and forwards what it learns as Qt signals.

Why a worker and not a QThread subclass: a parentless QObject moved to a plain QThread keeps the thread's own
event loop, so ``deleteLater`` and queued calls work in it and the clean-up is the same for every job
(superqt's ``new_worker_qthread``). The trainer calls ``_on_trainer_event`` synchronously between batches in
this thread; everything expensive for the views (decision-boundary grid, gallery predictions, histograms)
happens here too, so the GUI thread only copies arrays into plot items.

Rate limits keep the GUI thread (which shares the GIL with training) from becoming the bottleneck: batch
and epoch events are coalesced into at most 20 updates a second whatever their rate, the boundary grid is
recomputed at most every ~150 ms, weight snapshots are asked for at most every 0.2 s (epoch ends) or
0.5 s (within long epochs), and the epoch-end gallery or series at most every 0.5 s.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from nnbuilder.training.events import (
    BatchEnd,
    EpochEnd,
    Failed,
    Finished,
    Snapshot,
    TrainingStarted,
)

from .messages import (
    VIEW_2D,
    VIEW_CLASSES,
    VIEW_IMAGES,
    VIEW_NONE,
    VIEW_REGRESSION,
    VIEW_SERIES,
    BatchUpdate,
    BoundaryUpdate,
    DataView,
    GalleryUpdate,
    SeriesUpdate,
    WeightsUpdate,
)

HIST_BINS = 64  # even, so doubling a histogram's range merges bin pairs exactly (see merge_histogram)
GALLERY_SIZE = 25
CONFUSION_MAX_SAMPLES = 10_000  # bounds the epoch-end cost on big validation sets
SERIES_MAX_POINTS = 5_000
MATRIX_MAX_ELEMENTS = 512 * 512  # larger Dense matrices are strided down before they cross threads
MAX_FILTERS = 64
PREDICT_CHUNK = 2048  # rows per predict call: each numpy gather holds the GIL, keep it to a few ms


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


def merge_histogram(counts: np.ndarray) -> np.ndarray:
    """Re-bin counts over [-R, R] into counts over [-2R, 2R] with the same number of bins, exactly.

    The old range becomes the middle half of the new one and each new bin there holds two old bins.
    """
    n = counts.shape[-1]
    out = np.zeros_like(counts)
    pairs = counts.reshape(*counts.shape[:-1], n // 2, 2).sum(axis=-1)
    out[..., n // 4 : n // 4 + n // 2] = pairs
    return out


def filter_mosaic(w: np.ndarray, max_filters: int = MAX_FILTERS) -> np.ndarray:
    """Tile convolution filters (out, in, kh, kw) or (out, in, k) into one float32 image, NaN between tiles.

    Multi-channel filters are averaged over their input channels; a 1-D filter is shown as an (in, k) tile, so
    each row of the tile is one input channel. Values are scaled to [-1, 1] by the largest magnitude so the
    image can be drawn with fixed levels.
    """
    w = np.asarray(w, dtype=np.float32)[:max_filters]
    tiles = w.mean(axis=1) if w.ndim == 4 else w  # (out, kh, kw) or (out, in, k)
    n, th, tw = tiles.shape
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    mosaic = np.full((rows * (th + 1) - 1, cols * (tw + 1) - 1), np.nan, dtype=np.float32)
    scale = float(np.nanmax(np.abs(tiles))) if tiles.size else 1.0
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    for i in range(n):
        r, c = divmod(i, cols)
        mosaic[r * (th + 1) : r * (th + 1) + th, c * (tw + 1) : c * (tw + 1) + tw] = tiles[i] / scale
    return np.ascontiguousarray(mosaic)


def as_images(x: np.ndarray) -> np.ndarray | None:
    """Samples as displayable images (n, H, W) or (n, H, W, 3), or None when they are not images."""
    if x.ndim == 2:  # flattened: show square ones (784 -> 28x28)
        side = int(round(np.sqrt(x.shape[1])))
        return x.reshape(len(x), side, side) if side * side == x.shape[1] and side >= 4 else None
    if x.ndim == 3 and min(x.shape[1:]) >= 4:
        return x
    if x.ndim == 4:
        if x.shape[1] in (1, 3) and min(x.shape[2:]) >= 4:  # channels first
            return x[:, 0] if x.shape[1] == 1 else np.moveaxis(x, 1, -1)
        if x.shape[-1] in (1, 3) and min(x.shape[1:3]) >= 4:  # channels last
            return x[..., 0] if x.shape[-1] == 1 else x
    return None


class TrainingWorker(QObject):
    """Builds a Trainer in its thread, trains, and emits signals with copies; never touches a widget.

    Create it parentless in the GUI thread, connect its signals, then ``start_in_thread(worker)``. ``pause``,
    ``resume``, ``stop`` and ``request_snapshot`` are plain thread-safe calls from the GUI thread that return
    at once; the trainer answers them at its next batch boundary. ``done`` is always the last signal; after it
    ``trainer`` holds the (idle) Trainer, or None when it could not be built, for evaluation and Continue.
    """

    prepared = Signal(object)  # DataView
    started = Signal(object)  # TrainingStarted
    batches = Signal(object)  # BatchUpdate (batches and epoch ends, coalesced)
    weights = Signal(object)  # WeightsUpdate
    boundary = Signal(object)  # BoundaryUpdate
    gallery = Signal(object)  # GalleryUpdate
    series = Signal(object)  # SeriesUpdate
    graph = Signal(object)  # GraphUpdate: graph data sets, nodes coloured by predicted class
    finished = Signal(object)  # Finished
    failed = Signal(str, str)  # message, kind (nan | oom | runtime | data | model)
    note = Signal(str)  # something worth a status-bar line that is not a fault
    timing = Signal(object)  # {"build_s": ..., "fit_s": ...}: where the run's wall time went
    released = Signal(object)  # the idle Trainer (or None), just before done
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
        dataset: Any = None,
        batch_interval: float = 0.05,
        boundary_interval: float = 0.15,
        snapshot_interval: float = 0.5,
        views_interval: float = 0.5,
        grid_size: int = 80,
    ) -> None:
        """``project`` must be a copy the GUI thread no longer mutates. ``initial_weights`` is a previous
        Trainer (its model's state is copied in) or a path to a safetensors file; either implies continuing.
        ``dataset`` is an already loaded Dataset for this project's data settings (runs reuse it: loading
        Fashion-MNIST again would cost a second or more per run).
        """
        super().__init__()
        self._project = project
        self._epochs = epochs
        self._device = device
        self._base_dir = None if base_dir is None else str(base_dir)
        self._continue = bool(continue_training)
        self._initial_weights = initial_weights
        self._dataset = dataset
        self._batch_interval = batch_interval
        self._boundary_interval = boundary_interval
        self._snapshot_interval = snapshot_interval
        self._views_interval = views_interval
        self._grid_size = grid_size

        self._lock = threading.Lock()
        self._live_boundary = True
        self._live_predictions = True
        self._graph_nodes: np.ndarray | None = None  # the drawn nodes of a graph data set
        self._graph_true: np.ndarray | None = None
        self._stop_requested = False
        self._pause_requested = False
        self.trainer: Any = None

        # Training-thread state, touched only by the callback.
        self._view = VIEW_NONE
        self._pending_x: list[float] = []
        self._pending: dict[str, list[float]] = {}
        self._last_batch: BatchEnd | None = None
        self._pending_epochs: list[EpochEnd] = []
        self._acc_epoch, self._acc_batch = 0, 0
        self._acc_means: dict[str, float] = {}
        self._last_views = -1e9
        self._views_epoch = 0  # the epoch the gallery / series views last showed
        self._epochs_total = 1
        self._start_epoch = 1
        self._batches_per_epoch = 1
        self._done_batches = 0
        self._last_emit = 0.0
        self._last_boundary = -1e9
        self._last_snapshot_request = 0.0
        self._snapshot_pending = False
        self._hist_ranges: dict[str, float] = {}
        self._grid: np.ndarray | None = None
        self._extent: tuple[float, float, float, float] | None = None
        self._data_x: np.ndarray | None = None  # the data set's arrays (references, never copied whole)
        self._data_y: np.ndarray | None = None
        self._val_rows: np.ndarray | None = None
        self._val_order: np.ndarray | None = None
        self._series_x: np.ndarray | None = None
        self._view_failures: set[str] = set()
        self._position = 0.0

    # -- control, called from the GUI thread -------------------------------------------------------------
    def pause(self) -> None:
        """Ask the trainer to wait before its next batch; returns at once."""
        with self._lock:
            self._pause_requested = True
            trainer = self.trainer
        if trainer is not None:
            trainer.pause()

    def resume(self) -> None:
        with self._lock:
            self._pause_requested = False
            trainer = self.trainer
        if trainer is not None:
            trainer.resume()

    def stop(self) -> None:
        """Ask the trainer to stop at its next batch boundary (also while paused); returns at once."""
        with self._lock:
            self._stop_requested = True
            trainer = self.trainer
        if trainer is not None:
            trainer.stop()
            trainer.resume()  # a paused trainer must wake up to see the stop

    def request_snapshot(self) -> None:
        with self._lock:
            trainer = self.trainer
        if trainer is not None:
            trainer.request_snapshot()

    def set_live_views(self, boundary: bool = True, predictions: bool = True) -> None:
        """Which prediction views the GUI shows now; the others are computed only at the end of the run.

        Called from the GUI thread when the student switches tabs; two plain attribute writes, which the
        training thread reads between batches. The boundary grid alone costs the spiral ~2 % of its speed.
        """
        self._live_boundary = bool(boundary)
        self._live_predictions = bool(predictions)

    @property
    def stop_requested(self) -> bool:
        with self._lock:
            return self._stop_requested

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
        except Exception as exc:  # noqa: BLE001 - building the model or loading data: report, don't raise
            message, kind = describe_exception(exc)
            self.failed.emit(message, kind)
            return
        self._initial_weights = None  # do not keep a previous trainer alive longer than needed
        with self._lock:
            self.trainer = trainer
            stop, pause = self._stop_requested, self._pause_requested
        if stop:
            self.finished.emit(Finished(history=[], stopped_by_user=True, message="Stopped before the first batch."))
            return
        if pause:
            trainer.pause()
        try:
            self.prepared.emit(self._prepare_views(trainer))
        except Exception as exc:  # noqa: BLE001 - views are a luxury; training goes on without them
            self._view = VIEW_NONE
            self.note.emit(f"Live prediction views are off for this data set ({type(exc).__name__}: {exc}).")
        t1 = time.perf_counter()
        if self._continue or continuing:
            result = trainer.fit(epochs=self._epochs, continue_training=True)
        else:
            result = trainer.fit(epochs=self._epochs)
        self.timing.emit({"build_s": t1 - t0, "fit_s": time.perf_counter() - t1})
        self._flush_batches()
        if isinstance(result, Failed):
            self.failed.emit(result.message, result.kind)
            return
        self._final_snapshot(trainer)
        if not result.stopped_by_user:
            self._final_views(trainer)
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
            self._epochs_total = max(1, int(event.epochs))
            self._start_epoch = int(getattr(event, "start_epoch", 1) or 1)
            self._batches_per_epoch = max(1, int(event.batches_per_epoch))
            self._done_batches = 0
            self._last_emit = time.perf_counter()
            self.started.emit(replace(event, metrics=list(event.metrics)))
        # Finished and Failed also come back from fit(); they are handled there.

    def _on_trainer_batch(self, event: BatchEnd) -> None:
        """Turn the trainer's epoch-to-date means into the mean of the batches since its previous event.

        The trainer reports a BatchEnd every ~50 ms (and at each epoch's last batch) with the running mean
        since the epoch began; plotting those would draw a saw-tooth that restarts every epoch. The mean
        over just the new batches is ``(m_k·b_k − m_{k−1}·b_{k−1}) / (b_k − b_{k−1})`` (exact but for a
        smaller last batch), which is what a per-batch curve should show.
        """
        batches = max(1, event.batches)
        if event.epoch != self._acc_epoch or event.batch <= self._acc_batch:
            self._acc_epoch, self._acc_batch, self._acc_means = event.epoch, 0, {}
        prev_b, prev = self._acc_batch, self._acc_means
        k = event.batch - prev_b
        means = {"loss": float(event.loss), **{n: float(v) for n, v in event.metrics.items()}}
        pending = self._pending
        for name, mean in means.items():
            old = prev.get(name)
            value = mean if old is None or prev_b == 0 else (mean * event.batch - old * prev_b) / k
            pending.setdefault(name, []).append(value)
        self._acc_batch, self._acc_means = event.batch, means
        self._position = event.epoch - 1 + event.batch / batches
        self._pending_x.append(self._position)
        self._last_batch = event
        self._done_batches = (event.epoch - self._start_epoch) * batches + event.batch
        now = time.perf_counter()
        # While a pause is pending, send at once: the last batch before the pause must not wait for resume.
        if now - self._last_emit >= self._batch_interval or self._pause_requested:
            self._flush_batches(now)
        if self._view == VIEW_2D and self._live_boundary and now - self._last_boundary >= self._boundary_interval:
            self._emit_boundary(event.epoch, now)
        if now - self._last_snapshot_request >= self._snapshot_interval and not self._snapshot_pending:
            self._ask_snapshot(now)

    def _on_trainer_epoch(self, event: EpochEnd) -> None:
        now = time.perf_counter()
        self._position = float(event.epoch)
        self._pending_epochs.append(replace(event, logs=dict(event.logs)))
        if now - self._last_emit >= self._batch_interval:
            self._flush_batches(now)
        if self._view == VIEW_2D:
            if self._live_boundary and now - self._last_boundary >= self._boundary_interval:
                self._emit_boundary(event.epoch, now)
        elif self._live_predictions and now - self._last_views >= self._views_interval:
            self._emit_epoch_views(event.epoch)
            if self._graph_nodes is not None:
                self._emit_graph(event.epoch)
        # Short epochs would otherwise see few snapshots: ask at each epoch end, within a tighter limit.
        if now - self._last_snapshot_request >= min(0.2, self._snapshot_interval) and not self._snapshot_pending:
            self._ask_snapshot(now)

    def _ask_snapshot(self, now: float) -> None:
        self._last_snapshot_request = now
        self._snapshot_pending = True
        self.trainer.request_snapshot()

    def _emit_epoch_views(self, epoch: int) -> None:
        """Gallery and confusion matrix, or predictions against truth: at epoch ends, at most every ~0.5 s."""
        if self._view in (VIEW_IMAGES, VIEW_CLASSES):
            self._emit_gallery(epoch)
        elif self._view in (VIEW_SERIES, VIEW_REGRESSION):
            self._emit_series(epoch)
        else:
            return
        self._views_epoch = epoch
        self._last_views = time.perf_counter()  # after the work, so a slow model cannot eat the interval

    def _flush_batches(self, now: float | None = None) -> None:
        """Send every batch value and epoch end gathered since the last update as one BatchUpdate."""
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
        self.batches.emit(BatchUpdate(
            epoch=last.epoch, batch=last.batch, batches=last.batches, epochs=self._epochs_total, x=x, values=values,
            samples_per_second=float(last.samples_per_second), done_batches=self._done_batches,
            total_batches=max(1, epochs_in_run * max(1, last.batches)), epochs_ended=epochs_ended,
        ))

    def _on_trainer_snapshot(self, event: Snapshot) -> None:
        self._snapshot_pending = False
        try:
            update = self._weights_update(event)
        except Exception as exc:  # noqa: BLE001
            self._view_failed("weights", exc)
            return
        self.weights.emit(update)

    # -- views (training thread) ---------------------------------------------------------------------------
    def _view_failed(self, name: str, exc: BaseException) -> None:
        """Switch one live view off after its first failure; training must not die for a plot."""
        if name not in self._view_failures:
            self._view_failures.add(name)
            self.note.emit(f"The live {name} view stopped ({type(exc).__name__}: {exc}); training goes on.")
        if name == "prediction" and self._view != VIEW_NONE:
            self._view = VIEW_NONE

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

    def _validation_indices(self, trainer: Any) -> np.ndarray:
        """Rows the trainer validates on: its own record when it keeps one, else the dataset's split rule."""
        for name in ("val_indices", "val_index", "validation_indices"):
            idx = getattr(trainer, name, None)
            if idx is not None:
                return np.asarray(idx)
        dataset = trainer.dataset
        training = self._project.training
        return dataset.split_indices(float(training.validation_split), int(training.seed))[1]

    def _prepare_views(self, trainer: Any) -> DataView:
        dataset = trainer.dataset
        x, y = dataset.x, dataset.y
        task = dataset.task
        num_test = 0 if dataset.x_test is None else len(dataset.x_test)
        try:
            train_idx, val_idx = dataset.split_indices(
                float(self._project.training.validation_split), int(self._project.training.seed))
        except Exception:  # noqa: BLE001 - graph data sets and odd splits: fall back to no validation view
            train_idx, val_idx = np.arange(len(x)), np.arange(0)
        trainer_val = self._validation_indices(trainer)
        if len(trainer_val):
            val_idx = trainer_val
        view = VIEW_NONE
        if task == "classification" and dataset.input_shape == (2,):
            view = VIEW_2D
        elif task == "classification" and as_images(x[:1]) is not None:
            view = VIEW_IMAGES
        elif task in ("classification", "node_classification"):
            view = VIEW_CLASSES
        elif task == "regression":
            view = VIEW_SERIES if dataset.is_time_series else VIEW_REGRESSION
        if dataset.graph is not None:
            view = VIEW_NONE  # a GCN predicts all nodes at once; per-sample views do not apply
            self._prepare_graph_view(dataset)
        info = DataView(
            title=str(dataset.title), task=task, view=view, input_shape=tuple(dataset.input_shape),
            class_names=list(dataset.class_names) if dataset.class_names else None,
            num_train=len(train_idx), num_val=len(val_idx), num_test=num_test,
        )
        self._data_x, self._data_y = x, y
        self._val_rows = np.asarray(val_idx) if len(val_idx) else None
        if view == VIEW_2D:
            self._setup_grid(dataset, x)
            info.extent = self._extent
            info.train_points = np.ascontiguousarray(x[train_idx], dtype=np.float32)
            info.train_labels = np.asarray(y[train_idx]).reshape(len(train_idx), -1)[:, -1].astype(np.int64)
            held = [(x[val_idx], y[val_idx])] + ([(dataset.x_test, dataset.y_test)] if num_test else [])
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
        self._view = view
        return info

    def _setup_grid(self, dataset: Any, x: np.ndarray) -> None:
        rng = dataset.extra.get("range")
        if rng is not None:
            lo, hi = float(rng[0]), float(rng[1])
            extent = (lo, hi, lo, hi)
        else:
            lo_xy, hi_xy = x.min(axis=0), x.max(axis=0)
            pad = 0.1 * np.maximum(hi_xy - lo_xy, 1e-6)
            extent = (float(lo_xy[0] - pad[0]), float(hi_xy[0] + pad[0]),
                      float(lo_xy[1] - pad[1]), float(hi_xy[1] + pad[1]))
        n = self._grid_size
        xs = np.linspace(extent[0], extent[1], n, dtype=np.float32)
        ys = np.linspace(extent[2], extent[3], n, dtype=np.float32)
        gx, gy = np.meshgrid(xs, ys)  # row i is y = ys[i]
        self._grid = np.ascontiguousarray(np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=np.float32)
        self._extent = extent

    def _emit_boundary(self, epoch: int, now: float | None = None) -> None:
        self._last_boundary = time.perf_counter() if now is None else now
        if self._grid is None or self._extent is None:
            return
        try:
            probs = np.asarray(self._predict(self._grid), dtype=np.float32)
        except Exception as exc:  # noqa: BLE001
            self._view_failed("prediction", exc)
            return
        n = self._grid_size
        probs = probs.reshape(len(self._grid), -1)
        if probs.shape[1] == 1:
            grid = probs[:, 0]
        elif probs.shape[1] == 2:
            grid = probs[:, 1]
        else:
            grid = probs
        shape = (n, n) if grid.ndim == 1 else (n, n, grid.shape[1])
        self.boundary.emit(BoundaryUpdate(np.ascontiguousarray(grid.reshape(shape)), self._extent, epoch,
                                          self._position))
        # Measured after the work so a slow predict (big model) cannot eat the whole interval.
        self._last_boundary = time.perf_counter()

    def _emit_gallery(self, epoch: int) -> None:
        if self._val_rows is None or self._data_x is None or self._data_y is None:
            return
        try:
            rows = self._val_rows[:CONFUSION_MAX_SAMPLES]
            yv = np.asarray(self._data_y[rows]).reshape(len(rows), -1)
            true = (yv.argmax(axis=1) if yv.shape[1] > 1 else yv[:, 0]).astype(np.int64)
            probs = np.asarray(self._predict(self._data_x, rows), dtype=np.float32).reshape(len(rows), -1)
            if probs.shape[1] == 1:  # one sigmoid unit: probability of class 1
                probs = np.concatenate([1 - probs, probs], axis=1)
            predicted = probs.argmax(axis=1).astype(np.int64)
            k = max(probs.shape[1], int(true.max()) + 1 if len(true) else 0)
            confusion = np.bincount(true * k + predicted, minlength=k * k).reshape(k, k)
            images = None
            n = min(GALLERY_SIZE, len(rows))
            if self._view == VIEW_IMAGES:
                shown = as_images(np.asarray(self._data_x[rows[:n]]))
                images = None if shown is None else np.ascontiguousarray(shown, dtype=np.float32)
            self.gallery.emit(GalleryUpdate(
                epoch=epoch, images=images, predicted=predicted[:n].copy(), true=true[:n].copy(),
                confidence=probs[np.arange(n), predicted[:n]].astype(np.float32), confusion=confusion,
                confusion_samples=len(rows),
            ))
        except Exception as exc:  # noqa: BLE001
            self._view_failed("prediction", exc)

    def _emit_series(self, epoch: int) -> None:
        if self._val_rows is None or self._data_x is None or self._data_y is None:
            return
        try:
            step = max(1, len(self._val_rows) // SERIES_MAX_POINTS)
            rows = self._val_rows[::step]
            yv = np.asarray(self._data_y[rows])
            pred = np.asarray(self._predict(self._data_x, rows), dtype=np.float32).reshape(len(rows), -1)[:, 0]
            truth = yv.reshape(len(yv), -1)[:, 0].astype(np.float32)
            extra = self.trainer.dataset.extra
            y_label = "value"
            unscaled = bool(extra.get("standardized") and "target_std" in extra)
            if unscaled:  # back to the units the student knows
                mean, std = float(extra.get("target_mean", 0.0)), float(extra["target_std"])
                pred, truth = pred * std + mean, truth * std + mean
            if extra.get("target"):
                y_label = str(extra["target"])
                if extra.get("target_unit"):  # e.g. "Global_active_power (kW)"
                    y_label += f" ({extra['target_unit']})"
            if self._view == VIEW_SERIES:
                x = (self._series_x[::step] if self._series_x is not None
                     else np.arange(len(rows), dtype=np.float32) * step)
                update = SeriesUpdate(epoch, np.ascontiguousarray(x, dtype=np.float32), truth, pred, scatter=False,
                                      x_label="time step (row)", y_label=y_label, unscaled=unscaled)
            else:
                update = SeriesUpdate(epoch, truth.copy(), truth, pred, scatter=True, x_label=f"true {y_label}",
                                      y_label=f"predicted {y_label}", unscaled=unscaled)
            self.series.emit(update)
        except Exception as exc:  # noqa: BLE001
            self._view_failed("prediction", exc)

    def _prepare_graph_view(self, dataset: Any) -> None:
        """Lay the graph out once (a piece of it for Cora) and send it with the true classes."""
        from .graph_view import GraphUpdate, sample_nodes, spring_layout, subgraph_edges

        try:
            g = dataset.graph
            nodes = sample_nodes(int(g.num_nodes), np.asarray(g.edges))
            edges = subgraph_edges(nodes, np.asarray(g.edges))
            y = np.asarray(dataset.y)
            true = (y.argmax(axis=1) if y.ndim > 1 and y.shape[1] > 1 else y.reshape(len(y))).astype(np.int64)
            self._graph_nodes, self._graph_true = nodes, true[nodes]
            self.graph.emit(GraphUpdate(0, nodes, true[nodes], np.asarray(g.train_mask)[nodes].copy(),
                                        int(g.num_nodes), positions=spring_layout(len(nodes), edges), edges=edges))
        except Exception as exc:  # noqa: BLE001
            self._graph_nodes = None
            self._view_failed("graph", exc)

    def _emit_graph(self, epoch: int) -> None:
        from .graph_view import GraphUpdate

        nodes = self._graph_nodes
        if nodes is None or self._graph_true is None:
            return
        try:
            probs = np.asarray(self.trainer.predict_nodes(nodes), dtype=np.float32).reshape(len(nodes), -1)
            predicted = (probs.argmax(axis=1) if probs.shape[1] > 1 else (probs[:, 0] > 0.5)).astype(np.int64)
            self.graph.emit(GraphUpdate(epoch, nodes, self._graph_true, np.zeros(0, bool), 0, predicted=predicted))
            self._last_views = time.perf_counter()
        except Exception as exc:  # noqa: BLE001
            self._graph_nodes = None
            self._view_failed("graph", exc)

    def _final_snapshot(self, trainer: Any) -> None:
        """The weights as the run left them: on a short run the last periodic snapshot may be many epochs old."""
        epoch = int(self._position)
        if epoch <= 0 or trainer.model is None:
            return
        from nnbuilder.training.snapshot import take_snapshot

        try:
            self._on_trainer_snapshot(take_snapshot(trainer.model, None, epoch, 0))
        except Exception as exc:  # noqa: BLE001
            self._view_failed("weights", exc)

    def _final_views(self, trainer: Any) -> None:
        """One last update of the prediction views, so the dashboard shows the trained model exactly."""
        epoch = int(self._position) or 1
        if self._view == VIEW_2D:
            self._emit_boundary(epoch)
        elif self._views_epoch != epoch:
            self._emit_epoch_views(epoch)
        if self._graph_nodes is not None:
            self._emit_graph(epoch)

    def _weights_update(self, event: Snapshot) -> WeightsUpdate:
        update = WeightsUpdate(epoch=event.epoch, position=self._position, grad_norms=dict(event.grad_norms),
                               dead_units=dict(event.dead_units))
        for name, w in event.weights.items():
            w = np.asarray(w)
            if w.size == 0 or not np.issubdtype(w.dtype, np.floating):
                continue
            w32 = w.astype(np.float32, copy=False)
            finite = w32[np.isfinite(w32)]
            peak = float(np.abs(finite).max()) if finite.size else 0.0
            r = self._hist_ranges.get(name)
            if r is None:  # a power of two, so later doublings keep bins aligned
                r = float(2.0 ** np.ceil(np.log2(max(peak, 1e-3))))
            while peak > r and r < 1e30:
                r *= 2.0
            self._hist_ranges[name] = r
            counts, _ = np.histogram(finite, bins=HIST_BINS, range=(-r, r))
            update.histograms[name] = counts.astype(np.float32)
            update.shapes[name] = tuple(int(d) for d in w.shape)
            update.hist_ranges[name] = r
            if w.ndim == 2:
                rs = max(1, int(np.ceil(w.shape[0] / 512)))
                cs = max(1, int(np.ceil(w.shape[1] / 512)))
                update.matrices[name] = np.ascontiguousarray(w32[::rs, ::cs], dtype=np.float32)
            elif w.ndim in (3, 4) and update.filters is None:
                update.filters = filter_mosaic(w32)
                update.filters_layer = name
        return update
