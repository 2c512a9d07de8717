"""The training worker on its own: a real Trainer in a real QThread, no window.

What matters here is the contract with the GUI thread: only copies (numpy, plain numbers) cross, batch
updates are coalesced to ~30 a second whatever the batch rate, nothing is lost on the way, and the thread
and worker are gone afterwards whatever happened.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import shiboken6
from PySide6.QtCore import QObject

from nnbuilder.app.workers import TrainingWorker, start_in_thread
from nnbuilder.app.workers.messages import BatchUpdate, BoundaryUpdate, DataView, ViewFrame, WeightsUpdate
from nnbuilder.app.workers.training_worker import HIDDEN_FRAMES, HIDDEN_MIN_GAP
from nnbuilder.project import Graph, Node, load_project

ROOT = Path(__file__).resolve().parents[2]
SPIRAL = ROOT / "resources" / "examples" / "spiral_playground.nnb"


class Recorder(QObject):
    """Collects every signal of one worker with its arrival time, in the GUI thread.

    The slots are methods defined in the body of a QObject class living in the GUI thread, so PySide queues
    them, exactly like the controller's. (A lambda, or a function attached to the class afterwards, has no
    thread affinity and would run in the worker's thread.)
    """

    def __init__(self, worker: TrainingWorker) -> None:
        super().__init__()
        self.events: list[tuple[str, float, Any]] = []
        self.done = False
        self.threads: set[int] = set()
        worker.prepared.connect(self._on_worker_prepared)
        worker.started.connect(self._on_worker_started)
        worker.frame.connect(self._on_worker_frame)
        worker.finished.connect(self._on_worker_finished)
        worker.released.connect(self._on_worker_released)
        worker.failed.connect(self._on_worker_failed)
        worker.done.connect(self._on_worker_done)

    def _on_worker_prepared(self, value: Any) -> None:
        self._record("prepared", value)

    def _on_worker_started(self, value: Any) -> None:
        self._record("started", value)

    def _on_worker_frame(self, frame: ViewFrame) -> None:
        """Every view arrives as a ViewFrame; record its payload under the view's name."""
        self._record(frame.name, frame.payload)

    def _on_worker_finished(self, value: Any) -> None:
        self._record("finished", value)

    def _on_worker_released(self, value: Any) -> None:
        self._record("released", value)

    def _record(self, name: str, value: Any) -> None:
        self.threads.add(threading.get_ident())
        self.events.append((name, time.perf_counter(), value))

    def _on_worker_failed(self, message: str, kind: str) -> None:
        self._record("failed", (message, kind))

    def _on_worker_done(self) -> None:
        self.done = True

    def of(self, name: str) -> list[Any]:
        return [v for n, _, v in self.events if n == name]


def run_worker(qtbot: Any, worker: TrainingWorker, timeout_ms: int = 60_000) -> tuple[Recorder, Any]:
    recorder = Recorder(worker)
    finished: list[bool] = []
    thread = start_in_thread(worker, on_finished=lambda: finished.append(True))
    qtbot.waitUntil(lambda: bool(finished), timeout=timeout_ms)
    return recorder, thread


def test_signals_are_coalesced_complete_and_plain_data(qtbot: Any) -> None:
    project = load_project(SPIRAL)
    project.training.epochs = 30
    t0 = time.perf_counter()
    rec, thread = run_worker(qtbot, TrainingWorker(project))
    seconds = time.perf_counter() - t0
    assert rec.done and rec.of("failed") == []
    assert rec.threads == {threading.get_ident()}  # every signal arrived in the GUI thread (queued)
    (info,) = rec.of("prepared")
    assert isinstance(info, DataView) and info.view == "2d" and info.train_points.dtype == np.float32
    assert len(info.train_points) == 480 and len(info.held_points) == 120
    updates: list[BatchUpdate] = rec.of("curves")
    xs = np.concatenate([u.x for u in updates])
    assert np.all(np.diff(xs) > 0) and xs[-1] == 30.0  # in order, through the last batch of the last epoch
    assert [e.epoch for u in updates for e in u.epochs_ended] == list(range(1, 31))  # none lost to coalescing
    assert updates[-1].done_batches == updates[-1].total_batches == 900
    # an update may carry only epoch ends (its batches went out in the previous one)
    assert all("loss" in u.values or (len(u.x) == 0 and u.epochs_ended) for u in updates)
    losses = np.concatenate([u.values["loss"] for u in updates if "loss" in u.values])
    assert np.all(np.isfinite(losses)) and losses[-5:].mean() < losses[:5].mean()
    for u in updates:
        assert u.x.dtype == np.float32 and all(v.dtype == np.float32 for v in u.values.values())
    # at most ~30 updates a second (plus the final flush), whatever the batch rate
    assert len(updates) <= 30 * seconds + 2, (len(updates), seconds)
    boundaries: list[BoundaryUpdate] = rec.of("boundary")
    # one per 0.15 s, plus on a short run one per 1/40 of its epochs, at most 20 a second
    assert 2 <= len(boundaries) <= seconds / 0.15 + min(HIDDEN_FRAMES, seconds / HIDDEN_MIN_GAP) + 3
    # spread over the run, for replay (the last epoch twice: its own frame and the trained model's)
    assert len({b.epoch for b in boundaries}) >= min(10, len(boundaries) - 1)
    assert boundaries[-1].probs.shape == (80, 80) and boundaries[-1].probs.dtype == np.float32
    assert 0.0 <= float(boundaries[-1].probs.min()) and float(boundaries[-1].probs.max()) <= 1.0
    weights: list[WeightsUpdate] = rec.of("weights")
    assert weights and all(isinstance(c, np.ndarray) for w in weights for c in w.histograms.values())
    assert any(w.grad_norms for w in weights)
    (result,) = rec.of("finished")
    assert len(result.history) == 30 and not result.stopped_by_user
    (trainer,) = rec.of("released")
    assert trainer is not None and trainer.model is not None
    # the names of the events say the order: prepared, started, ..., finished, released
    names = [n for n, _, _ in rec.events]
    assert names.index("prepared") < names.index("started") < names.index("finished") < names.index("released")
    qtbot.waitUntil(lambda: not shiboken6.isValid(thread), timeout=2000)  # deleteLater ran


def test_a_network_that_cannot_be_built_fails_with_a_sentence(qtbot: Any) -> None:
    project = load_project(SPIRAL)
    # the Dense layer is not connected to anything, so the compiler refuses the graph
    project.graphs = [Graph("model", "model", [Node("input", "Input", {"shape": [2]}),
                                               Node("dense", "Dense", {"units": 2})], [])]
    rec, thread = run_worker(qtbot, TrainingWorker(project))
    assert rec.done and rec.of("finished") == [] and rec.of("released") == [None]
    ((message, kind),) = rec.of("failed")
    assert kind in ("model", "runtime") and message and "Traceback" not in message
    qtbot.waitUntil(lambda: not shiboken6.isValid(thread), timeout=2000)


def test_stop_before_start_and_controls_are_thread_safe(qtbot: Any) -> None:
    project = load_project(SPIRAL)
    worker = TrainingWorker(project)
    worker.pause()
    worker.resume()
    worker.stop()  # before the thread even started: the run ends before its first batch
    assert worker.stop_requested
    rec, _ = run_worker(qtbot, worker)
    (result,) = rec.of("finished")
    assert result.stopped_by_user and rec.of("curves") == []


def test_view_pacing_keeps_the_sample_grid_at_two_a_second_and_hidden_views_for_replay(qtbot: Any) -> None:
    """On screen a view keeps its own pace (the GAN's sample grid at most twice a second); a hidden one still
    sends a few frames spread over the run, for the timeline."""
    project = load_project(ROOT / "resources" / "examples" / "gan_ring_2d.nnb")
    project.training.epochs = 30
    worker = TrainingWorker(project)
    worker.set_visible_views({"curves", "gan_samples"})  # GAN Lab's tab hidden
    t0 = time.perf_counter()
    rec, _thread = run_worker(qtbot, worker)
    seconds = time.perf_counter() - t0
    assert rec.done and rec.of("failed") == []
    grids = rec.of("gan_samples")
    assert 2 <= len(grids) <= 2 * seconds + 3, (len(grids), seconds)
    lab = rec.of("gan_lab")
    assert len(lab) >= 3 and len({frame.epoch for frame in lab}) >= 3  # the start, the end and some between


def test_after_early_stopping_the_last_frames_name_the_restored_epoch(qtbot: Any) -> None:
    """Early stopping put epoch N's weights back, but the last frames said the last epoch (the Predictions tab
    read "epoch 19" over the forecasts of epoch 13's weights); they now name the epoch whose weights they show."""
    from nnbuilder.project import EarlyStoppingConfig

    project = load_project(SPIRAL)
    project.data.options.update({"samples": 80, "noise": 0.5, "seed": 1})  # a few noisy points: learnt by heart
    project.training.validation_split = 0.5
    project.training.batch_size = 8
    project.training.epochs = 60
    project.training.early_stopping = EarlyStoppingConfig(enabled=True, monitor="val_loss", patience=4)
    rec, _thread = run_worker(qtbot, TrainingWorker(project))
    (result,) = rec.of("finished")
    assert result.stopped_early and result.best_epoch is not None
    last_epoch = len(result.history)
    assert result.restored_epoch == result.best_epoch < last_epoch
    boundaries: list[BoundaryUpdate] = rec.of("boundary")
    weights: list[WeightsUpdate] = rec.of("weights")
    assert boundaries[-1].epoch == result.best_epoch and weights[-1].epoch == result.best_epoch
    assert boundaries[-1].position == weights[-1].position == last_epoch  # at the run's end on the timeline
