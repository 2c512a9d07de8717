"""The run loop: everything a training run does whatever the step (supervised, perceptron, graph, GAN).

It owns control - ``pause``/``resume``/``stop``/``request_snapshot`` from any thread, answered between
batches, and ``step_once`` for single updates while paused - and the pacing of ``BatchEnd`` events, the
NaN/inf guard with its plain sentence, fault classification (``faults.describe_fault``), early stopping,
best-weight restore, checkpoints of the best weights, and seeding. The step (``steps/base.py``) only trains.

Control is cooperative: every request sets one ``_wake`` event, so a step's hot loop tests a single
``Event`` per batch (``due``) and the loop sorts out what was asked when it serves.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from .callbacks import BestTracker, EarlyStopping, nan_message, resolve_monitor
from .devices import autocast_plan
from .errors import TrainingError
from .events import BatchEnd, EpochEnd, Failed, Finished, Snapshot, TrainingStarted
from .faults import describe_fault

BATCH_EVENT_INTERVAL = 0.05  # seconds between BatchEnd events (plus the last batch of every epoch)
PAUSE_POLL = 0.02  # how often a paused loop re-checks its events (it also wakes at once on any request)

Callback = Callable[[Any], None]


class StopRequested(Exception):
    """Raised inside a step by ``report``/``serve`` when the user asked to stop."""


class NonFinite(Exception):
    def __init__(self, epoch: int, batch: int, value: float, name: str = "loss") -> None:
        super().__init__(f"non-finite {name} {value} at epoch {epoch} batch {batch}")
        self.epoch, self.batch, self.value, self.name = epoch, batch, value, name


class BatchFault(Exception):
    """A step wraps an exception from a batch in this, so the message can name epoch and batch."""

    def __init__(self, epoch: int, batch: int) -> None:
        super().__init__(f"epoch {epoch} batch {batch}")
        self.epoch, self.batch = epoch, batch


class RunLoop:
    """Drives one step through epochs; see the module docstring. Not thread-safe except for control."""

    def __init__(self, step: Any, config: Any, device: str, callback: Callback | None = None, *,
                 snapshot_interval: float | None = None, checkpoint: Callable[[], Any] | None = None,
                 batch_event_interval: float = BATCH_EVENT_INTERVAL) -> None:
        self.step = step
        self.config = config
        self.device = device
        self.callback = callback
        self.snapshot_interval = snapshot_interval
        self.checkpoint = checkpoint
        self.batch_event_interval = float(batch_event_interval)
        self.history: list[dict[str, float]] = []
        self.best_epoch: int | None = None
        self.best_state: dict[str, Any] | None = None
        self._initial_state = self.copy_state()
        self._good_state: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._snapshot = threading.Event()
        self._manual: deque[str] = deque()
        self._running = False
        self._paused = False
        self._next_snapshot = math.inf
        self._next_emit = 0.0
        self._last_emit = 0.0
        self.epoch = 0

    # -- control (any thread) ----------------------------------------------------------------------------
    def pause(self) -> None:
        """Hold training between batches until ``resume`` or ``stop`` (also when asked before ``run``)."""
        self._pause.set()
        self._wake.set()

    def resume(self) -> None:
        self._pause.clear()
        self._wake.set()

    def stop(self) -> None:
        """Finish the running run after the current batch; without a run there is nothing to stop."""
        with self._lock:
            if not self._running:
                return
            self._stop.set()
            self._wake.set()

    def request_snapshot(self) -> None:
        """Ask for one ``Snapshot`` event after the current batch (also served while paused)."""
        self._snapshot.set()
        self._wake.set()

    def step_once(self, which: str = "both") -> None:
        """Queue one update by hand (GAN Lab's step buttons); meant for a paused run, whose loop runs it at
        once and reports it as a ``BatchEnd`` with ``manual=which``. ``which`` is one of the step's
        ``manual_steps`` ("D", "G" or "both" for a GAN)."""
        allowed = tuple(getattr(self.step, "manual_steps", ()))
        if not allowed:
            raise TrainingError("This kind of training has no single steps (they work for mini-batch and GAN "
                                "training).", kind="runtime")
        if which not in allowed:
            raise TrainingError(f"Unknown single step '{which}'; this run takes {', '.join(allowed)}.",
                                kind="runtime")
        self._manual.append(which)
        self._wake.set()

    @property
    def is_running(self) -> bool:
        return self._running

    def stop_requested(self) -> bool:
        """Whether the running run was asked to stop (a step checks it inside long evaluations)."""
        return self._running and self._stop.is_set()

    @property
    def is_paused(self) -> bool:
        """True while the loop is actually parked by ``pause``."""
        return self._paused

    # -- what a step calls (RunContext) ---------------------------------------------------------------------
    def due(self) -> bool:
        return self._wake.is_set() or time.perf_counter() >= self._next_emit

    def check_finite(self, values: Any, first_batch: int, names: list[str] | None = None) -> None:
        import torch

        finite = torch.isfinite(values)
        if bool(finite.all()):
            return
        rows = (~finite).reshape(len(values), -1)
        bad_row = int(torch.nonzero(rows.any(dim=1)).reshape(-1)[0])
        bad_col = int(torch.nonzero(rows[bad_row]).reshape(-1)[0])
        name = names[bad_col] if names and bad_col < len(names) else "loss"
        value = float(values.reshape(len(values), -1)[bad_row, bad_col])
        raise NonFinite(self.epoch, first_batch + bad_row, value, name)

    def report(self, batch: int, batches: int, losses: dict[str, float], metrics: dict[str, float],
               running: dict[str, float], samples: int, manual: str = "") -> None:
        now = time.perf_counter()
        elapsed = now - self._last_emit
        self._last_emit = now
        first = next(iter(losses), "loss")
        self._emit(BatchEnd(epoch=self.epoch, batch=batch, batches=batches,
                            loss=float(running.get(first, losses.get(first, 0.0))), metrics=metrics,
                            samples_per_second=samples / elapsed if elapsed > 0 else 0.0, losses=losses,
                            running=running, samples=samples, manual=manual))
        self._next_emit = time.perf_counter() + self.batch_event_interval
        if not manual:
            self.serve(batch, batches)

    def mark_epoch_start(self) -> None:
        """Start the pacing clock (a step calls this once its epoch's data are ready)."""
        self._last_emit = time.perf_counter()
        self._next_emit = self._last_emit + self.batch_event_interval

    def serve(self, batch: int, batches: int = 0) -> None:
        """Answer requests between batches: snapshots, stop, pause (with single steps while paused)."""
        if self.snapshot_interval and time.perf_counter() >= self._next_snapshot:
            self._next_snapshot = time.perf_counter() + float(self.snapshot_interval)
            self._take_snapshot(batch)
        if not self._wake.is_set():
            return
        self._wake.clear()
        if self._stop.is_set():
            raise StopRequested
        if self._snapshot.is_set():
            self._snapshot.clear()
            self._take_snapshot(batch)
        self._run_manual(batch, batches)
        while self._pause.is_set():
            self._paused = True
            self._wake.wait(PAUSE_POLL)
            self._wake.clear()
            if self._stop.is_set():
                self._paused = False
                raise StopRequested
            if self._snapshot.is_set():
                self._snapshot.clear()
                self._take_snapshot(batch)
            self._run_manual(batch, batches)
        self._paused = False

    def _run_manual(self, batch: int, batches: int) -> None:
        while self._manual:
            which = self._manual.popleft()
            try:
                values = self.step.manual_step(which)
            except (StopRequested, NonFinite):
                raise
            except Exception as exc:
                raise BatchFault(self.epoch, batch) from exc
            for name, value in values.items():
                if not math.isfinite(value):
                    raise NonFinite(self.epoch, batch, value, name)
            losses = {k: v for k, v in values.items() if k in self.step.losses}
            metrics = {k: v for k, v in values.items() if k not in losses}
            self.report(batch, batches, losses, metrics, dict(values), int(getattr(self.step, "batch_size", 0)),
                        manual=which)

    def _take_snapshot(self, batch: int) -> None:
        snap = getattr(self.step, "snapshot", None)
        if snap is not None:
            event = snap(self.epoch, batch)
            if isinstance(event, Snapshot):
                self._emit(event)

    # -- state copies ------------------------------------------------------------------------------------
    def copy_state(self) -> dict[str, Any]:
        return {name: {k: v.detach().clone() for k, v in m.state_dict().items()}
                for name, m in self.step.models.items()}

    def restore(self, state: dict[str, Any] | None) -> None:
        if state is None:
            return
        import torch

        with torch.no_grad():
            for name, m in self.step.models.items():
                saved = state[name]
                for k, v in m.state_dict().items():
                    v.copy_(saved[k])

    def remember_initial(self) -> None:
        """The weights a fresh run starts from (call after changing them outside a run, e.g. in a test)."""
        self._initial_state = self.copy_state()

    def reset(self) -> None:
        """Back to the initial weights with no history and no optimizer state."""
        self.restore(self._initial_state)
        self.step.drop_optimizers()
        self.history = []
        self.best_epoch = None
        self.best_state = None

    # -- events ------------------------------------------------------------------------------------------
    def _emit(self, event: Any) -> None:
        if self.callback is not None:
            self.callback(event)

    def _fail(self, message: str, kind: str, epoch: int | None = None, batch: int | None = None) -> Failed:
        failed = Failed(message=message, kind=kind, epoch=epoch, batch=batch)
        try:
            self._emit(failed)
        except Exception:  # noqa: BLE001 - the callback already failed us once; the return value still tells
            pass
        return failed

    # -- the run -----------------------------------------------------------------------------------------
    def run(self, epochs: int | None = None, continue_training: bool = False) -> Finished | Failed:
        """Train ``epochs`` epochs (default: the project's) in the calling thread; never raises for a fault.

        ``continue_training=False`` starts over from the seeded initial weights with an empty history; ``True``
        continues from the current weights, keeping optimizer state and numbering epochs on from the history.
        On a fault the weights are left as they were after the last good epoch.
        """
        import torch

        cfg = self.config
        with self._lock:
            if self._running:
                return Failed(message="This trainer is already training; stop it before starting again.",
                              kind="runtime")
            self._running = True
            self._stop.clear()
        step = self.step
        epochs = max(0, int(cfg.epochs if epochs is None else epochs))
        self.epoch = 0
        started = time.perf_counter()
        try:
            try:
                plan = step.prepare()
            except TrainingError as exc:
                return self._fail(exc.message, exc.kind)
            if not continue_training:
                self.reset()
                torch.manual_seed(int(cfg.seed))
            step.begin(int(cfg.seed), not continue_training)
            start_epoch = len(self.history) + 1
            last_epoch = start_epoch + epochs - 1
            try:
                if not step.has_optimizers():
                    step.make_optimizers(epochs)
            except TrainingError as exc:
                return self._fail(exc.message, exc.kind)
            self._good_state = self.copy_state()
            es_cfg = cfg.early_stopping
            monitor, note = resolve_monitor(es_cfg.monitor, plan.num_val > 0)
            es_enabled = bool(es_cfg.enabled) and bool(getattr(step, "uses_early_stopping", True))
            notes = list(plan.notes) + ([note] if note and es_enabled else [])
            amp_dtype, amp_note = autocast_plan(str(self.device), bool(cfg.mixed_precision))
            if amp_note:
                notes.append(amp_note)
            tracker = BestTracker(monitor, float(es_cfg.min_delta))
            stopper = EarlyStopping(tracker, int(es_cfg.patience)) if es_enabled else None
            self._emit(TrainingStarted(
                epochs=last_epoch, batches_per_epoch=plan.batches_per_epoch, num_train=plan.num_train,
                num_val=plan.num_val, device=self.device, task=step.task, metrics=list(step.metrics),
                start_epoch=start_epoch, notes=notes, step=step.kind, losses=list(step.losses),
                views=list(step.views),
                precision=str(amp_dtype).removeprefix("torch.") if amp_dtype is not None else "float32",
            ))
            self._next_snapshot = time.perf_counter() + self.snapshot_interval if self.snapshot_interval \
                else math.inf
            stopped_early = stopped_by_user = False
            hints: list[str] = []
            # A pause or stop asked while the data were being prepared is answered before the first batch,
            # not after it (preparing a big data set can take longer than a batch).
            self.epoch = start_epoch
            try:
                self.serve(0, plan.batches_per_epoch)
            except StopRequested:
                stopped_by_user = True
            for epoch in range(start_epoch, last_epoch + 1 if not stopped_by_user else start_epoch):
                self.epoch = epoch
                t0 = time.perf_counter()
                try:
                    logs = step.run_epoch(epoch, self)
                except StopRequested:
                    stopped_by_user = True
                    break
                seconds = time.perf_counter() - t0
                lr = step.lr()
                self.history.append({"epoch": epoch, **logs, "seconds": seconds, "lr": lr})
                self._good_state = self.copy_state()
                if stopper is not None:
                    before = tracker.best_epoch
                    stop_now = stopper.update(epoch, logs)
                    improved = tracker.best_epoch != before
                else:
                    stop_now, improved = False, tracker.update(epoch, logs)
                if improved:
                    self._remember_best(epoch)
                step.end_epoch()
                hints = step.epoch_hints(self.history)
                self._emit(EpochEnd(epoch=epoch, epochs=last_epoch, logs=dict(logs), seconds=seconds, lr=lr,
                                    hints=list(hints)))
                if stop_now:
                    stopped_early = epoch < last_epoch
                    break
                if self._stop.is_set():
                    stopped_by_user = True
                    break
            restored = False
            if es_enabled and es_cfg.restore_best and not stopped_by_user and self.best_state is not None \
                    and self.best_epoch is not None and self.history and self.best_epoch != self.history[-1]["epoch"]:
                self.restore(self.best_state)
                restored = True
            test_logs = None
            if not stopped_by_user:
                try:
                    test_logs = step.test_logs()
                except StopRequested:
                    stopped_by_user = True
            message = self._summary(stopped_early, stopped_by_user, restored, monitor, time.perf_counter() - started)
            finished = Finished(history=[dict(h) for h in self.history], stopped_early=stopped_early,
                                stopped_by_user=stopped_by_user, best_epoch=self.best_epoch, test_logs=test_logs,
                                message=message, hints=list(hints),
                                restored_epoch=self.best_epoch if restored else None)
            self._emit(finished)
            return finished
        except NonFinite as nf:
            self.restore(self._good_state)
            step.drop_optimizers()  # its moment estimates are NaN now
            msg = nan_message(nf.value, nf.epoch, nf.batch, step.optimizer_name(nf.name), step.lr(nf.name))
            if nf.name != "loss":
                msg = msg.replace("loss became", f"{nf.name} became", 1)
            return self._fail(msg[:1].upper() + msg[1:], "nan", nf.epoch, nf.batch)
        except BatchFault as fault:
            self.restore(self._good_state)
            step.drop_optimizers()
            message, kind = describe_fault(fault.__cause__, int(getattr(step, "batch_size", cfg.batch_size)))
            return self._fail(f"Training stopped at epoch {fault.epoch} batch {fault.batch}: {message}", kind,
                              fault.epoch, fault.batch)
        except Exception as exc:  # noqa: BLE001 - never raise out of run; say what happened
            self.restore(self._good_state)
            step.drop_optimizers()
            message, kind = describe_fault(exc, int(getattr(step, "batch_size", cfg.batch_size)))
            epoch = self.epoch or None
            prefix = f"Training stopped at epoch {epoch}: " if epoch is not None else "Training could not start: "
            return self._fail(prefix + message, kind, epoch)
        finally:
            with self._lock:
                self._running = False
                self._paused = False
                self._stop.clear()
                self._pause.clear()
                self._snapshot.clear()
                self._manual.clear()
                self._wake.clear()

    def _remember_best(self, epoch: int) -> None:
        self.best_epoch = epoch
        self.best_state = self.copy_state()
        if self.checkpoint is not None:
            self.checkpoint()

    def _summary(self, early: bool, by_user: bool, restored: bool, monitor: str, seconds: float) -> str:
        n = len(self.history)
        parts = [f"Trained {n} epoch{'s' if n != 1 else ''} in {seconds:.1f} s"]
        if by_user:
            parts.append("stopped by you")
        elif early:
            parts.append(f"stopped early: {monitor} had not improved for {self.config.early_stopping.patience} "
                         "epochs")
        if restored and self.best_epoch is not None:
            parts.append(f"weights restored from the best epoch ({self.best_epoch})")
        return "; ".join(parts) + "."
