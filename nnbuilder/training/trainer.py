"""The headless trainer: one project + one data set -> a model trained batch by batch, with live events.

No Qt and no module-level torch import (the app imports this package at start-up); torch and the torch
helpers (``objective``, ``views``, ``snapshot``, ``weights``) are imported inside methods.

How the hot loop stays as fast as a hand-written one (``benchmarks/bench_trainer.py`` measures it):

* data become tensors once, on the device when they fit; each epoch does one gather of the shuffled
  training rows, and every batch is then a slice view (no per-batch indexing or copies);
* the model runs through a *training view* (``views.py``) that is re-traced flat and, for a final
  softmax/sigmoid, computes the loss from logits;
* nothing reads a number back from the device per batch: batch losses are kept as device tensors and
  summed when an event is due (every ~50 ms and at the end of each epoch); that is also when the NaN guard
  looks at them, which is why a NaN is reported a few batches late but with the batch where it started;
* pause/stop/snapshot requests are ``threading.Event``s; the loop only looks at one of them per batch.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..project.errors import ProjectError
from ..project.model import Project
from .callbacks import BestTracker, EarlyStopping, nan_message, resolve_monitor
from .devices import pick_device
from .errors import TrainingError
from .events import BatchEnd, EpochEnd, Failed, Finished, Snapshot, TrainingStarted

BATCH_EVENT_INTERVAL = 0.05  # seconds between BatchEnd events (plus the last batch of every epoch)
PAUSE_POLL = 0.02  # how often a paused loop re-checks its events (it also wakes at once on any request)
EVAL_CHUNK_VALUES = 1 << 22  # input values per evaluation chunk (16 MB of float32)
EVAL_CHUNK_ROWS = 2048  # and at most this many rows, so a stop request during validation is answered quickly
OUTPUT_BUFFER_VALUES = 1 << 24  # keep an epoch's outputs for metrics up to this size (64 MB), else per batch
DEVICE_DATA_SHARE = 0.4  # move data to a GPU when it needs less than this share of its free memory

Callback = Callable[[Any], None]


class _StopRequested(Exception):
    pass


class _NonFinite(Exception):
    def __init__(self, epoch: int, batch: int, value: float) -> None:
        super().__init__(f"non-finite loss {value} at epoch {epoch} batch {batch}")
        self.epoch, self.batch, self.value = epoch, batch, value


class _BatchFault(Exception):
    def __init__(self, epoch: int, batch: int) -> None:
        super().__init__(f"epoch {epoch} batch {batch}")
        self.epoch, self.batch = epoch, batch


@dataclass
class _Prepared:
    """The data set as device tensors, plus what the loss and metrics need; built once per trainer."""

    mode: str  # "batches" | "graph" | "perceptron"
    objective: Any
    metrics: list[str]
    notes: list[str]
    x_all: Any  # features of every sample (train and validation rows), as the model's input dtype
    y_all: Any  # encoded targets for x_all
    train_idx: Any  # int64 row indices (CPU) of the training part
    val_idx: Any
    test_idx: Any = None  # graph mode: test nodes
    x_test: Any = None
    y_test: Any = None
    adjacency: Any = None
    inputs: list[str] = field(default_factory=list)  # per model input: "x" or "graph"
    on_device: bool = True
    out_shape: tuple[int, ...] = ()
    data_ok: bool = True
    key: tuple[Any, ...] = ()

    @property
    def n_train(self) -> int:
        return int(len(self.train_idx))

    @property
    def n_val(self) -> int:
        return int(len(self.val_idx))


@dataclass
class _Epoch:
    """Running sums of one epoch; device tensors are read only when an event is due."""

    epoch: int
    batches: int
    losses: list[Any] = field(default_factory=list)
    flushed_batches: int = 0
    samples: int = 0
    loss_sum: float = 0.0
    sums: Any = None
    started: float = 0.0
    last_emit_time: float = 0.0
    last_emit_samples: int = 0


class Trainer:
    """Trains one graph of a project on its data set; see the module docstring for the design.

    Construction loads the data set (unless one is given) and compiles the model with the project's seed,
    raising ``TrainingError`` with a student-readable sentence when either fails. Everything that can go
    wrong while training is reported by ``fit`` as a ``Failed`` event instead of an exception.
    """

    def __init__(
        self,
        project: Project,
        graph: str | None = None,
        dataset: Any = None,
        device: str | None = None,
        callback: Callback | None = None,
        base_dir: Path | None = None,
        *,
        snapshot_interval: float | None = None,
        checkpoint_path: str | Path | None = None,
        batch_event_interval: float = BATCH_EVENT_INTERVAL,
    ) -> None:
        import torch

        from ..compiler import build_module, infer
        from ..data import DataError, load_dataset

        self.project = project
        self.config = project.training
        self.callback = callback
        self.snapshot_interval = snapshot_interval
        self.checkpoint_path = Path(checkpoint_path) if checkpoint_path else None
        try:
            self.graph = project.graph(graph)
        except ProjectError as exc:
            raise TrainingError(str(exc), kind="model") from exc
        self.device = pick_device(device if device is not None else self.config.device)
        self._torch_device = torch.device(self.device)
        if dataset is None:
            try:
                dataset = load_dataset(project.data.dataset, project.data.options, base_dir)
            except DataError as exc:
                raise TrainingError(str(exc), kind="data") from exc
        self.dataset = dataset
        self._inference = infer(self.graph, self.config)
        torch.manual_seed(int(self.config.seed))
        try:
            model = build_module(self.graph, self.config, self._inference)
        except ProjectError as exc:
            raise TrainingError(str(exc), kind="model") from exc
        except Exception as exc:  # noqa: BLE001 - a layer that cannot be built is a model problem
            raise TrainingError(f"The network could not be built: {exc}", kind="model") from exc
        self.model = model.to(self._torch_device)
        self._initial_state = self._copy_state()
        self.history: list[dict[str, float]] = []
        self.best_epoch: int | None = None
        self.best_state: dict[str, Any] | None = None
        self._view: Any = None
        self._view_kind = "values"
        self._optimizer: Any = None
        self._scheduler: Any = None
        self._scaler: Any = None
        self._gen: Any = None
        self._prep: _Prepared | None = None
        self._good_state: dict[str, Any] | None = None
        self._perceptron_layer: Any = None
        self._shuffled: tuple[Any, Any] | None = None  # reused per-epoch buffers of shuffled training rows
        self._view_hooks: tuple[str, ...] = ()
        self.batch_event_interval = float(batch_event_interval)
        self._batch_size = int(self.config.batch_size)
        # cooperative control: any request sets _wake, so the loop tests a single Event per batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._snapshot = threading.Event()
        self._running = False
        self._paused = False
        self._next_snapshot = math.inf

    # -- control (any thread) ----------------------------------------------------------------------------
    def pause(self) -> None:
        """Hold training between batches until ``resume`` or ``stop``."""
        self._pause.set()
        self._wake.set()

    def resume(self) -> None:
        self._pause.clear()
        self._wake.set()

    def stop(self) -> None:
        """Finish after the current batch; ``fit`` returns ``Finished(stopped_by_user=True)``."""
        self._stop.set()
        self._wake.set()

    def request_snapshot(self) -> None:
        """Ask for one ``Snapshot`` event after the current batch (also served while paused)."""
        self._snapshot.set()
        self._wake.set()

    @property
    def is_running(self) -> bool:
        return self._running

    @property
    def is_paused(self) -> bool:
        """True while the training loop is actually parked by ``pause``."""
        return self._paused

    # -- preparation -------------------------------------------------------------------------------------
    def _node_title(self, node_id: str) -> str:
        try:
            return self.graph.node(node_id).display_name
        except KeyError:
            return node_id

    def _layer_names(self) -> dict[str, str]:
        """Top-level module name -> the layer's name on the canvas."""
        return {module: self._node_title(nid) for nid, module in getattr(self.model, "node_modules", {}).items()}

    def _prepare(self) -> _Prepared:
        """Tensors, loss and metrics for the current settings; cached while the split settings stay the same."""
        cfg = self.config
        key = (float(cfg.validation_split), int(cfg.seed), cfg.loss, tuple(cfg.metrics))
        if self._prep is not None and self._prep.key == key:
            return self._prep
        import torch

        from . import objective as obj
        from .views import hooks_signature, training_view

        ds = self.dataset
        inf = self._inference
        title = getattr(ds, "title", None) or getattr(ds, "id", "the data set")
        what = f"The data set '{title}'"
        loss = obj.canonical_loss(cfg.loss)
        metrics = obj.canonical_metrics(list(cfg.metrics))
        input_types = [self.graph.node(nid).type for nid in inf.inputs]
        inputs = ["graph" if t == "GraphInput" else "x" for t in input_types]
        feature_inputs = [nid for nid, kind in zip(inf.inputs, inputs, strict=True) if kind == "x"]
        if len(feature_inputs) != 1:
            raise TrainingError(f"The network has {len(feature_inputs)} data inputs, but a data set gives one "
                                "array of samples; use exactly one Input layer.", kind="model")
        if "graph" in inputs and getattr(ds, "graph", None) is None:
            raise TrainingError(f"The network has a Graph input but {what} has no graph; choose a graph data "
                                "set such as the karate club or Cora.", kind="data")
        if len(inf.outputs) != 1:
            raise TrainingError(f"The network has {len(inf.outputs)} outputs; training needs exactly one.",
                                kind="model")
        in_node = feature_inputs[0]
        expected = tuple(inf.nodes[in_node].output_shape or ())
        actual = tuple(int(d) for d in ds.x.shape[1:])
        if expected != actual:
            hint = ""
            if len(actual) > 1 and expected == (int(np.prod(actual)),):
                hint = " or turn on the data set's 'flatten' option"
            elif len(actual) == len(expected) + 1 and actual[0] == 1 and actual[1:] == expected:
                hint = " or turn off the data set's 'channels' option"
            raise TrainingError(
                f"{what} gives samples shaped {_fmt(actual)} but the Input layer '{self._node_title(in_node)}' "
                f"expects {_fmt(expected)}; set the Input shape to {_fmt(actual)}{hint}.", kind="data")
        out_node = inf.outputs[0]
        out_shape = tuple(inf.nodes[out_node].output_shape or ())
        units = int(np.prod(out_shape)) if out_shape else 1
        out_layer = self._output_layer_title(out_node)

        view, kind, _activation = training_view(self.model, loss)
        self._view_hooks = hooks_signature(self.model)
        notes: list[str] = []
        mode = "graph" if "graph" in inputs else "batches"
        if loss == "perceptron":
            self._perceptron_layer = self._check_perceptron()
            mode = "perceptron" if mode == "batches" else mode
            if mode != "perceptron":
                raise TrainingError("The perceptron rule trains a single layer on separate samples, not a graph "
                                    "network; use cross-entropy.", kind="model")
        if loss in obj.CE_LOSSES and len(out_shape) != 1:
            raise TrainingError(f"The output layer '{out_layer}' gives {_fmt(out_shape)} per sample, but "
                                f"{loss} needs one score per class.", kind="model")
        target = obj.target_encoding(loss, ds.task, np.asarray(ds.y), units)
        objective = obj.make_objective(loss, kind, target, units)
        objective.task = ds.task
        metrics, metric_notes = obj.usable_metrics(objective, metrics)
        notes += metric_notes

        dtype = self.model.input_dtypes[inf.inputs.index(in_node)] if hasattr(self.model, "input_dtypes") \
            else torch.float32
        x_np = _as_input(ds.x, dtype, what)
        y_np = obj.prepare_targets(ds.y, objective, ds.task, out_shape, what, out_layer)
        data_ok = _finite(x_np) and _finite(y_np)
        if not data_ok:
            raise TrainingError(f"{what} contains missing (NaN) or infinite values; clean or fill them before "
                                "training.", kind="data")
        x_test = y_test = None
        if getattr(ds, "graph", None) is not None and mode != "graph":
            # a plain network on a graph data set's node features: the graph's test nodes are the test set
            test_rows = np.flatnonzero(ds.graph.test_mask)
            if len(test_rows):
                x_test, y_test = x_np[test_rows], y_np[test_rows]
        elif ds.x_test is not None and ds.y_test is not None and len(ds.x_test):
            x_test = _as_input(ds.x_test, dtype, what + "'s test part")
            y_test = obj.prepare_targets(ds.y_test, objective, ds.task, out_shape, what + "'s test part", out_layer)

        try:
            train_idx, val_idx = ds.split_indices(float(cfg.validation_split), int(cfg.seed), shuffle=True)
        except Exception as exc:  # noqa: BLE001 - DataError and friends: one sentence for the student
            raise TrainingError(str(exc), kind="data") from exc
        if len(train_idx) == 0:
            raise TrainingError(f"{what} leaves no samples for training; lower the validation split.", kind="data")

        dev = self._torch_device
        nbytes = x_np.nbytes + y_np.nbytes + (x_test.nbytes + y_test.nbytes if x_test is not None else 0)
        on_device = _fits_on(dev, nbytes * 2)  # x2: the per-epoch shuffled copy of the training rows
        place = dev if on_device else torch.device("cpu")
        x_all = _tensor(x_np).to(place)
        y_all = _tensor(y_np).to(place)
        prep = _Prepared(
            mode=mode, objective=objective, metrics=metrics, notes=notes, x_all=x_all, y_all=y_all,
            train_idx=torch.from_numpy(np.asarray(train_idx, dtype=np.int64)),
            val_idx=torch.from_numpy(np.asarray(val_idx, dtype=np.int64)),
            inputs=inputs, on_device=on_device, out_shape=out_shape, data_ok=data_ok, key=key,
        )
        if x_test is not None:
            prep.x_test = _tensor(x_test).to(place)
            prep.y_test = _tensor(y_test).to(place)
        if mode == "graph":
            g = ds.graph
            prep.adjacency = g.normalized_adjacency().to(dev)
            prep.x_all, prep.y_all = x_all.to(dev), y_all.to(dev)
            prep.test_idx = torch.from_numpy(np.flatnonzero(g.test_mask).astype(np.int64))
            prep.on_device = True
        self._view, self._view_kind = view, kind
        self._shuffled = None
        self._prep = prep
        return prep

    def _refresh_view(self) -> None:
        """Re-trace the training view if hooks were put on (or taken off) layer containers since it was made."""
        from . import objective as obj
        from .views import hooks_signature, training_view

        prep = self._prep
        if prep is None or hooks_signature(self.model) == self._view_hooks:
            return
        view, kind, _activation = training_view(self.model, prep.objective.loss)
        self._view_hooks = hooks_signature(self.model)
        if kind != prep.objective.output:
            old = prep.objective
            prep.objective = obj.make_objective(old.loss, kind, old.target, old.units)
            prep.objective.task = old.task
        self._view, self._view_kind = view, kind

    def _output_layer_title(self, out_node: str) -> str:
        node = self.graph.node(out_node)
        if node.type == "Output":
            incoming = self.graph.incoming(out_node)
            if incoming:
                return self._node_title(incoming[0].source)
        return node.display_name

    def _check_perceptron(self) -> Any:
        """The one Linear layer the perceptron rule updates; a TrainingError when the model is anything else."""
        from torch import nn

        linears = [m for m in self.model.modules() if isinstance(m, nn.Linear)]
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        owned = {id(p) for m in linears for p in m.parameters()}
        if len(linears) != 1 or any(id(p) not in owned for p in trainable):
            raise TrainingError("The perceptron rule trains one layer of Step neurons (Input -> Dense with a step "
                                "activation); for deeper networks use a differentiable loss such as "
                                "binary_crossentropy.", kind="model")
        return linears[0]

    # -- optimisation --------------------------------------------------------------------------------------
    def _make_optimizer(self, epochs: int) -> None:
        import torch

        oc = self.config.optimizer
        params = [p for p in self.model.parameters() if p.requires_grad]
        name = str(oc.name).strip().lower()
        lr, wd = float(oc.lr), float(oc.weight_decay)
        if not lr > 0 or not math.isfinite(lr):
            raise TrainingError(f"The learning rate must be a positive number, not {oc.lr}.", kind="model")
        self._scheduler = None
        if self._prep is not None and self._prep.mode == "perceptron":
            self._optimizer = None
            return
        if not params:
            raise TrainingError("The network has no trainable weights (every layer is frozen).", kind="model")
        fused = self._torch_device.type in ("cpu", "cuda")

        def adaptive(cls: Any, **kw: Any) -> Any:
            if fused:
                try:
                    return cls(params, fused=True, **kw)
                except (RuntimeError, TypeError, ValueError):
                    pass
            return cls(params, **kw)

        if name == "sgd":
            if oc.nesterov and oc.momentum <= 0:
                raise TrainingError("Nesterov momentum needs a momentum above 0 (e.g. 0.9).", kind="model")
            opt = torch.optim.SGD(params, lr=lr, momentum=float(oc.momentum), nesterov=bool(oc.nesterov),
                                  weight_decay=wd)
        elif name == "adam":
            opt = adaptive(torch.optim.Adam, lr=lr, weight_decay=wd)
        elif name == "adamw":
            opt = adaptive(torch.optim.AdamW, lr=lr, weight_decay=wd)
        elif name == "rmsprop":
            opt = torch.optim.RMSprop(params, lr=lr, momentum=float(oc.momentum), weight_decay=wd)
        elif name == "adagrad":
            opt = torch.optim.Adagrad(params, lr=lr, weight_decay=wd)
        else:
            raise TrainingError(f"Unknown optimizer '{oc.name}'; choose sgd, adam, adamw, rmsprop or adagrad.",
                                kind="model")
        self._optimizer = opt
        schedule = str(oc.schedule or "none").lower()
        sched = torch.optim.lr_scheduler
        if schedule == "step":
            self._scheduler = sched.StepLR(opt, step_size=max(1, int(oc.step_size)), gamma=float(oc.gamma))
        elif schedule == "exponential":
            self._scheduler = sched.ExponentialLR(opt, gamma=float(oc.gamma))
        elif schedule == "cosine":
            self._scheduler = sched.CosineAnnealingLR(opt, T_max=max(1, epochs))
        elif schedule not in ("none", ""):
            raise TrainingError(f"Unknown learning-rate schedule '{oc.schedule}'; choose none, step, cosine or "
                                "exponential.", kind="model")
        self._scaler = None
        if self.config.mixed_precision and self._torch_device.type == "cuda" and not torch.cuda.is_bf16_supported():
            self._scaler = torch.amp.GradScaler("cuda")

    def _autocast(self) -> Any:
        """A factory of autocast contexts when mixed precision applies (CUDA only), else None."""
        if not self.config.mixed_precision or self._torch_device.type != "cuda":
            return None
        import torch

        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return lambda: torch.autocast("cuda", dtype=dtype)

    def _lr(self) -> float:
        if self._optimizer is None:
            return float(self.config.optimizer.lr)
        return float(self._optimizer.param_groups[0]["lr"])

    # -- state copies ------------------------------------------------------------------------------------
    def _copy_state(self) -> dict[str, Any]:
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def _restore(self, state: dict[str, Any] | None) -> None:
        if state is None:
            return
        import torch

        with torch.no_grad():
            for k, v in self.model.state_dict().items():
                v.copy_(state[k])

    def reset_weights(self) -> None:
        """Back to the weights the trainer started with (the same seeded initialisation), forgetting history."""
        self._restore(self._initial_state)
        self._optimizer = None
        self._scheduler = None
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

    # -- fit ---------------------------------------------------------------------------------------------
    def fit(self, epochs: int | None = None, continue_training: bool = False) -> Finished | Failed:
        """Train for ``epochs`` epochs (default: the project's) in the calling thread.

        ``continue_training=False`` starts over from the seeded initial weights with an empty history;
        ``True`` continues from the current weights (after an earlier fit, ``load_weights`` or a
        state-dict copy), keeping the optimizer state and numbering epochs on from the history.
        Returns the ``Finished`` or ``Failed`` event it also sent to the callback; never raises for a
        training fault, and on a fault leaves the weights as they were after the last good epoch.
        """
        import torch

        cfg = self.config
        if self._running:
            return Failed(message="This trainer is already training; stop it before starting again.",
                          kind="runtime")
        epochs = max(0, int(cfg.epochs if epochs is None else epochs))
        self._batch_size = max(1, int(cfg.batch_size))
        self._running = True
        where: dict[str, int | None] = {"epoch": None}
        started = time.perf_counter()
        try:
            try:
                prep = self._prepare()
                self._refresh_view()
            except TrainingError as exc:
                return self._fail(exc.message, exc.kind)
            if not continue_training:
                self.reset_weights()
                torch.manual_seed(int(cfg.seed))
                self._gen = None
            if self._gen is None:
                self._gen = torch.Generator().manual_seed(int(cfg.seed))
            start_epoch = len(self.history) + 1
            last_epoch = start_epoch + epochs - 1
            try:
                if self._optimizer is None:
                    self._make_optimizer(epochs)
            except TrainingError as exc:
                return self._fail(exc.message, exc.kind)
            self._good_state = self._copy_state()
            es_cfg = cfg.early_stopping
            monitor, note = resolve_monitor(es_cfg.monitor, prep.n_val > 0)
            notes = list(prep.notes) + ([note] if note and es_cfg.enabled else [])
            if cfg.mixed_precision and self._torch_device.type != "cuda":
                notes.append("Mixed precision works on CUDA GPUs only; training in float32.")
            tracker = BestTracker(monitor, float(es_cfg.min_delta))
            stopper = EarlyStopping(tracker, int(es_cfg.patience)) if es_cfg.enabled else None
            batches = 1 if prep.mode == "graph" else math.ceil(prep.n_train / self._batch_size)
            self._emit(TrainingStarted(
                epochs=last_epoch, batches_per_epoch=batches, num_train=prep.n_train, num_val=prep.n_val,
                device=self.device, task=self.dataset.task, metrics=list(prep.metrics),
                start_epoch=start_epoch, notes=notes,
            ))
            self._next_snapshot = time.perf_counter() + self.snapshot_interval if self.snapshot_interval else math.inf
            stopped_early = stopped_by_user = False
            for epoch in range(start_epoch, last_epoch + 1):
                where["epoch"] = epoch
                t0 = time.perf_counter()
                try:
                    if prep.mode == "graph":
                        logs = self._epoch_graph(epoch, last_epoch)
                    else:
                        logs = self._epoch_batches(epoch, last_epoch, prep.mode == "perceptron")
                except _StopRequested:
                    stopped_by_user = True
                    break
                seconds = time.perf_counter() - t0
                lr = self._lr()
                entry = {"epoch": epoch, **logs, "seconds": seconds, "lr": lr}
                self.history.append(entry)
                self._good_state = self._copy_state()
                if stopper is not None:
                    before = tracker.best_epoch
                    stop_now = stopper.update(epoch, logs)
                    improved = tracker.best_epoch != before
                else:
                    stop_now, improved = False, tracker.update(epoch, logs)
                if improved:
                    self._remember_best(epoch)
                if self._scheduler is not None:
                    self._scheduler.step()
                self._emit(EpochEnd(epoch=epoch, epochs=last_epoch, logs=dict(logs), seconds=seconds, lr=lr))
                if stop_now:
                    stopped_early = epoch < last_epoch
                    break
                if self._stop.is_set():
                    stopped_by_user = True
                    break
            restored = False
            if es_cfg.enabled and es_cfg.restore_best and not stopped_by_user and self.best_state is not None \
                    and self.best_epoch is not None and self.history and self.best_epoch != self.history[-1]["epoch"]:
                self._restore(self.best_state)
                restored = True
            test_logs = None
            if not stopped_by_user:
                try:
                    test_logs = self._test_logs()
                except _StopRequested:
                    stopped_by_user = True
            message = self._summary(stopped_early, stopped_by_user, restored, monitor, time.perf_counter() - started)
            finished = Finished(history=[dict(h) for h in self.history], stopped_early=stopped_early,
                                stopped_by_user=stopped_by_user, best_epoch=self.best_epoch, test_logs=test_logs,
                                message=message)
            self._emit(finished)
            return finished
        except _NonFinite as nf:
            self._restore(self._good_state)
            self._optimizer = None  # its moment estimates are NaN now
            oc = self.config.optimizer
            msg = nan_message(nf.value, nf.epoch, nf.batch, str(oc.name).lower(), self._lr_at_failure())
            return self._fail(msg[:1].upper() + msg[1:], "nan", nf.epoch, nf.batch)
        except _BatchFault as fault:
            self._restore(self._good_state)
            self._optimizer = None
            message, kind = describe_fault(fault.__cause__, self._batch_size)
            return self._fail(f"Training stopped at epoch {fault.epoch} batch {fault.batch}: {message}", kind,
                              fault.epoch, fault.batch)
        except Exception as exc:  # noqa: BLE001 - never raise out of fit; say what happened
            self._restore(self._good_state)
            self._optimizer = None
            message, kind = describe_fault(exc, self._batch_size)
            epoch = where["epoch"]
            prefix = f"Training stopped at epoch {epoch}: " if epoch is not None else "Training could not start: "
            return self._fail(prefix + message, kind, epoch)
        finally:
            self._running = False
            self._paused = False
            self._stop.clear()
            self._pause.clear()
            self._snapshot.clear()
            self._wake.clear()

    def _lr_at_failure(self) -> float:
        return float(self.config.optimizer.lr) if self._optimizer is None else self._lr()

    def _remember_best(self, epoch: int) -> None:
        self.best_epoch = epoch
        self.best_state = self._copy_state()
        if self.checkpoint_path is not None:
            self.save_weights(self.checkpoint_path)

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

    def _test_logs(self) -> dict[str, float] | None:
        prep = self._prep
        if prep is None:
            return None
        if prep.mode == "graph":
            return self._evaluate_graph(prep.test_idx) if len(prep.test_idx) else None
        if prep.x_test is None:
            return None
        return self._evaluate_rows(prep.x_test, prep.y_test, None)

    # -- one epoch of mini-batches -------------------------------------------------------------------------
    def _epoch_batches(self, epoch: int, epochs: int, perceptron: bool) -> dict[str, float]:
        import torch

        from .objective import MetricSums

        prep = self._prep
        assert prep is not None
        dev = self._torch_device
        n = prep.n_train
        bs = min(self._batch_size, n)
        nb = (n + bs - 1) // bs
        last = nb - 1
        idx = prep.train_idx[torch.randperm(n, generator=self._gen)]
        x_all, y_all = prep.x_all, prep.y_all
        if prep.on_device:
            # one gather per epoch into buffers kept between epochs (a fresh 100 MB tensor each epoch costs
            # more in page faults than the copy itself); every batch below is then a slice view
            if self._shuffled is None or len(self._shuffled[0]) != n:
                self._shuffled = (x_all.new_empty((n, *x_all.shape[1:])), y_all.new_empty((n, *y_all.shape[1:])))
            xs, ys = self._shuffled
            idx_dev = idx.to(x_all.device, non_blocking=True)
            torch.index_select(x_all, 0, idx_dev, out=xs)
            torch.index_select(y_all, 0, idx_dev, out=ys)
        else:  # too big for the GPU: gather each batch on the CPU and copy it over
            xs = None
            ys = y_all.index_select(0, idx).to(dev)
        state = _Epoch(epoch=epoch, batches=nb, sums=MetricSums(prep.objective, prep.metrics))
        # metrics read the epoch's outputs when an event is due; keeping them costs one copy per batch, while
        # computing accuracy per batch would cost four kernels. Huge outputs fall back to per-batch sums.
        out_values = n * int(np.prod(prep.out_shape) if prep.out_shape else 1)
        obuf = torch.empty((n, *prep.out_shape), device=dev) \
            if prep.metrics and out_values <= OUTPUT_BUFFER_VALUES else None
        per_batch = state.sums if prep.metrics and obuf is None else None
        view = self._view
        opt = self._optimizer
        loss_fn = prep.objective.train
        autocast = self._autocast()
        scaler = self._scaler
        losses = state.losses
        append = losses.append
        wake = self._wake
        clock = time.perf_counter
        interval = self.batch_event_interval
        state.started = state.last_emit_time = clock()
        next_emit = state.started + interval
        self.model.train()
        view.train()
        if perceptron:
            return self._epoch_perceptron(state, xs, ys, idx, bs, obuf)
        b = 0
        try:
            for b in range(nb):
                s = b * bs
                e = s + bs if b < last else n
                if xs is not None:
                    xb = xs[s:e]
                else:
                    xb = x_all.index_select(0, idx[s:e]).to(dev, non_blocking=True)
                yb = ys[s:e]
                opt.zero_grad(set_to_none=True)
                if autocast is None:
                    out = view(xb)
                    loss = loss_fn(out, yb)
                    loss.backward()
                    opt.step()
                else:
                    with autocast():
                        out = view(xb)
                        loss = loss_fn(out, yb)
                    if scaler is None:
                        loss.backward()
                        opt.step()
                    else:
                        scaler.scale(loss).backward()
                        scaler.step(opt)
                        scaler.update()
                append(loss.detach())
                if obuf is not None:
                    obuf[s:e].copy_(out.detach())
                elif per_batch is not None:
                    per_batch.update(out.detach().float(), yb)
                if b == last or wake.is_set() or clock() >= next_emit:
                    self._flush(state, b, e, bs, obuf, ys)
                    next_emit = clock() + interval
        except (_StopRequested, _NonFinite):
            raise
        except Exception as exc:
            raise _BatchFault(epoch, b + 1) from exc
        return self._epoch_logs(state)

    def _epoch_perceptron(self, state: _Epoch, xs: Any, ys: Any, idx: Any, bs: int, obuf: Any) -> dict[str, float]:
        """Rosenblatt's rule, w <- w + lr·(y − ŷ)·x and b <- b + lr·(y − ŷ), summed over the batch; no autograd."""
        import torch

        prep = self._prep
        assert prep is not None
        layer = self._perceptron_layer
        lr = float(self.config.optimizer.lr)
        captured: list[Any] = []
        hook = layer.register_forward_hook(lambda _m, inp, out: captured.append((inp[0], out)))
        n = prep.n_train
        nb, last = state.batches, state.batches - 1
        units = prep.objective.units
        clock = time.perf_counter
        interval = self.batch_event_interval
        next_emit = clock() + interval
        b = 0
        try:
            with torch.no_grad():
                for b in range(nb):
                    s = b * bs
                    e = s + bs if b < last else n
                    xb = xs[s:e] if xs is not None else prep.x_all.index_select(0, idx[s:e]).to(self._torch_device)
                    yb = ys[s:e]
                    captured.clear()
                    self._view(xb)
                    inp, z = captured[-1]
                    y_hat = (z > 0).to(z.dtype)
                    err = yb.reshape(z.shape) - y_hat
                    layer.weight.add_(err.t() @ inp.reshape(len(inp), -1), alpha=lr)
                    if layer.bias is not None:
                        layer.bias.add_(err.sum(dim=0), alpha=lr)
                    state.losses.append(err.abs().sum() / units)
                    if obuf is not None:
                        obuf[s:e].copy_(y_hat.reshape(obuf[s:e].shape))
                    if b == last or self._wake.is_set() or clock() >= next_emit:
                        self._flush(state, b, e, bs, obuf, ys)
                        next_emit = clock() + interval
        except (_StopRequested, _NonFinite):
            raise
        except Exception as exc:
            raise _BatchFault(state.epoch, b + 1) from exc
        finally:
            hook.remove()
        return self._epoch_logs(state)

    def _flush(self, state: _Epoch, b: int, e: int, bs: int, obuf: Any, ys: Any) -> None:
        """Fold the batches since the last event into the running sums, check them, emit, serve requests."""
        import torch

        prep = self._prep
        assert prep is not None
        pending = state.losses
        if pending:
            stacked = torch.stack(pending)
            if prep.objective.sum_reduced:
                weighted = stacked.sum()
            else:
                weighted = stacked.sum() * bs
                last_size = e - b * bs
                if last_size != bs:
                    weighted = weighted + stacked[-1] * (last_size - bs)
            value = float(weighted)
            if not math.isfinite(value):
                bad = torch.nonzero(~torch.isfinite(stacked)).reshape(-1)
                first = int(bad[0]) if len(bad) else len(pending) - 1
                raise _NonFinite(state.epoch, state.flushed_batches + first + 1, float(stacked[first]))
            state.loss_sum += value
            state.flushed_batches = b + 1
            pending.clear()
        if obuf is not None and e > state.samples:
            state.sums.update(obuf[state.samples:e], ys[state.samples:e])
        state.samples = e
        now = time.perf_counter()
        elapsed = now - state.last_emit_time
        rate = (e - state.last_emit_samples) / elapsed if elapsed > 0 else 0.0
        state.last_emit_time, state.last_emit_samples = now, e
        self._emit(BatchEnd(epoch=state.epoch, batch=b + 1, batches=state.batches,
                            loss=state.loss_sum / max(1, e), metrics=state.sums.values(),
                            samples_per_second=rate))
        self._serve(state.epoch, b + 1)

    def _epoch_logs(self, state: _Epoch) -> dict[str, float]:
        prep = self._prep
        assert prep is not None
        logs = {"loss": state.loss_sum / max(1, state.samples), **state.sums.values()}
        if prep.n_val:
            val = self._validate()
            logs.update({f"val_{k}": v for k, v in val.items()})
        return logs

    def _validate(self) -> dict[str, float]:
        """Validation logs for the current weights (separate method so tests can script it)."""
        prep = self._prep
        assert prep is not None
        if prep.mode == "graph":
            return self._evaluate_graph(prep.val_idx)
        return self._evaluate_rows(prep.x_all, prep.y_all, prep.val_idx)

    # -- one full-batch epoch on a graph -----------------------------------------------------------------
    def _graph_inputs(self) -> list[Any]:
        prep = self._prep
        assert prep is not None
        return [prep.adjacency if kind == "graph" else prep.x_all for kind in prep.inputs]

    def _epoch_graph(self, epoch: int, epochs: int) -> dict[str, float]:
        """Kipf & Welling's set-up: every node goes through the network, the loss sees only training nodes."""
        import torch

        from .objective import MetricSums

        prep = self._prep
        assert prep is not None
        idx = prep.train_idx.to(self._torch_device)
        state = _Epoch(epoch=epoch, batches=1, sums=MetricSums(prep.objective, prep.metrics))
        state.started = state.last_emit_time = time.perf_counter()
        self.model.train()
        self._view.train()
        try:
            self._optimizer.zero_grad(set_to_none=True)
            autocast = self._autocast()
            inputs = self._graph_inputs()
            if autocast is None:
                out = self._view(*inputs)
                loss = prep.objective.train(out[idx], prep.y_all[idx])
            else:
                with autocast():
                    out = self._view(*inputs)
                    loss = prep.objective.train(out[idx], prep.y_all[idx])
            loss.backward()
            self._optimizer.step()
        except Exception as exc:
            raise _BatchFault(epoch, 1) from exc
        value = float(loss.detach())
        if not math.isfinite(value):
            raise _NonFinite(epoch, 1, value)
        n = len(idx)
        state.loss_sum = value * (1 if prep.objective.sum_reduced else n)
        state.samples = n
        with torch.no_grad():
            state.sums.update(out.detach()[idx].float(), prep.y_all[idx])
        now = time.perf_counter()
        self._emit(BatchEnd(epoch=epoch, batch=1, batches=1, loss=state.loss_sum / max(1, n),
                            metrics=state.sums.values(), samples_per_second=n / max(now - state.started, 1e-9)))
        self._serve(epoch, 1)
        return self._epoch_logs(state)

    # -- requests between batches --------------------------------------------------------------------------
    def _serve(self, epoch: int, batch: int) -> None:
        if self.snapshot_interval and time.perf_counter() >= self._next_snapshot:
            self._next_snapshot = time.perf_counter() + float(self.snapshot_interval)
            self._emit(self._take_snapshot(epoch, batch))
        if not self._wake.is_set():
            return
        self._wake.clear()
        if self._stop.is_set():
            raise _StopRequested
        if self._snapshot.is_set():
            self._snapshot.clear()
            self._emit(self._take_snapshot(epoch, batch))
        while self._pause.is_set():
            self._paused = True
            self._wake.wait(PAUSE_POLL)
            self._wake.clear()
            if self._stop.is_set():
                self._paused = False
                raise _StopRequested
            if self._snapshot.is_set():
                self._snapshot.clear()
                self._emit(self._take_snapshot(epoch, batch))
        self._paused = False

    def _take_snapshot(self, epoch: int, batch: int) -> Snapshot:
        from .snapshot import take_snapshot

        return take_snapshot(self.model, self._probe(), epoch, batch)

    def _probe(self) -> Callable[[], Any] | None:
        """A forward pass over a fixed small batch, used to count dead ReLU units."""
        prep = self._prep
        if prep is None:
            return None
        if prep.mode == "graph":
            inputs = self._graph_inputs()
            return lambda: self.model(*inputs)
        rows = prep.train_idx[:256]
        x = prep.x_all.index_select(0, rows.to(prep.x_all.device)).to(self._torch_device)
        return lambda: self.model(x)

    # -- evaluation and prediction -----------------------------------------------------------------------
    def _chunk(self, x: Any) -> int:
        per_row = max(1, int(np.prod(x.shape[1:])) if x.dim() > 1 else 1)
        return max(self._batch_size, min(EVAL_CHUNK_ROWS, EVAL_CHUNK_VALUES // per_row))

    def _evaluate_rows(self, x: Any, y: Any, rows: Any) -> dict[str, float]:
        """Loss and metrics over x[rows] (all rows when None), in eval mode, chunked to bound memory."""
        import torch

        from .objective import MetricSums

        prep = self._prep
        assert prep is not None
        obj = prep.objective
        n = len(rows) if rows is not None else len(x)
        if n == 0:
            return {}
        sums = MetricSums(obj, prep.metrics)
        total: Any = 0.0
        chunk = self._chunk(x)
        dev = self._torch_device
        autocast = self._autocast()
        was_training = self.model.training
        self.model.eval()
        self._view.eval()
        try:
            with torch.no_grad():
                for s in range(0, n, chunk):
                    if self._running and self._stop.is_set():
                        raise _StopRequested
                    if rows is not None:
                        r = rows[s:s + chunk].to(x.device)
                        xb, yb = x.index_select(0, r), y.index_select(0, r)
                    else:
                        xb, yb = x[s:s + chunk], y[s:s + chunk]
                    xb, yb = xb.to(dev, non_blocking=True), yb.to(dev, non_blocking=True)
                    if autocast is None:
                        out = self._view(xb)
                    else:
                        with autocast():
                            out = self._view(xb)
                    out = out.float()
                    if obj.output == "step":
                        out = (out > 0.5).float()
                    total = total + obj.total(out, yb)
                    sums.update(out, yb)
        finally:
            self.model.train(was_training)
            self._view.train(was_training)
        return {"loss": float(total) / n, **sums.values()}

    def _evaluate_graph(self, rows: Any) -> dict[str, float]:
        import torch

        from .objective import MetricSums

        prep = self._prep
        assert prep is not None
        if len(rows) == 0:
            return {}
        idx = rows.to(self._torch_device)
        was_training = self.model.training
        self.model.eval()
        self._view.eval()
        try:
            with torch.no_grad():
                out = self._view(*self._graph_inputs()).float()[idx]
        finally:
            self.model.train(was_training)
            self._view.train(was_training)
        y = prep.y_all[idx]
        sums = MetricSums(prep.objective, prep.metrics)
        sums.update(out, y)
        return {"loss": float(prep.objective.total(out, y)) / len(idx), **sums.values()}

    def _prepared_or_raise(self) -> _Prepared:
        prep = self._prepare()
        self._refresh_view()
        return prep

    def evaluate(self, split: str = "test") -> dict[str, float]:
        """Loss and metrics on "test", "val" or "train" with the current weights (TrainingError if empty)."""
        prep = self._prepared_or_raise()
        key = {"validation": "val", "training": "train"}.get(split, split)
        if key not in ("test", "val", "train"):
            raise TrainingError(f"Unknown split '{split}'; use test, val or train.", kind="data")
        if prep.mode == "graph":
            rows = {"test": prep.test_idx, "val": prep.val_idx, "train": prep.train_idx}[key]
            if rows is None or len(rows) == 0:
                raise TrainingError(f"The graph has no {key} nodes to evaluate.", kind="data")
            return self._evaluate_graph(rows)
        if key == "test":
            if prep.x_test is None:
                raise TrainingError(f"The data set '{self.dataset.title}' has no test part.", kind="data")
            return self._evaluate_rows(prep.x_test, prep.y_test, None)
        rows = prep.val_idx if key == "val" else prep.train_idx
        if len(rows) == 0:
            raise TrainingError("There is no validation data (the validation split is 0).", kind="data")
        return self._evaluate_rows(prep.x_all, prep.y_all, rows)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Model outputs for samples ``x``: class probabilities (softmax applied exactly once) or values.

        Works from inside the callback (it runs in eval mode under no_grad and restores the mode). For a
        graph network ``x`` must hold every node's features, since each node's output depends on its
        neighbours; ``predict_nodes`` predicts chosen nodes of the data set's own graph.
        """
        import torch

        from .views import postprocess

        prep = self._prepared_or_raise()
        dtype = self.model.input_dtypes[0] if hasattr(self.model, "input_dtypes") else torch.float32
        arr = _as_input(np.asarray(x), dtype, "The input")
        expected = tuple(int(d) for d in prep.x_all.shape[1:])
        if arr.shape[1:] != expected and arr.shape == expected:
            arr = arr[None]
        if arr.shape[1:] != expected:
            raise TrainingError(f"predict needs samples shaped {_fmt(expected)}, got {_fmt(arr.shape[1:])}.",
                                kind="data")
        was_training = self.model.training
        self.model.eval()
        self._view.eval()
        try:
            with torch.no_grad():
                xt = _tensor(arr).to(self._torch_device)
                if prep.mode == "graph":
                    if len(arr) != len(prep.x_all):
                        raise TrainingError(f"A graph network predicts all {len(prep.x_all)} nodes at once; "
                                            "pass every node's features or use predict_nodes.", kind="data")
                    outs = [self._view(*[prep.adjacency if k == "graph" else xt for k in prep.inputs])]
                else:
                    chunk = self._chunk(xt)
                    outs = [self._view(xt[s:s + chunk]) for s in range(0, len(xt), chunk)]
                out = torch.cat(outs).float() if outs else torch.empty(0)
                out = postprocess(out, self._view_kind, self.dataset.task, prep.objective.loss)
                return out.cpu().numpy()
        finally:
            self.model.train(was_training)
            self._view.train(was_training)

    def predict_nodes(self, nodes: np.ndarray | list[int] | None = None) -> np.ndarray:
        """Predictions for nodes of the data set's graph (all nodes when ``nodes`` is None)."""
        prep = self._prepared_or_raise()
        if prep.mode != "graph":
            raise TrainingError("predict_nodes is for graph networks; use predict.", kind="data")
        out = self.predict(prep.x_all.cpu().numpy())
        return out if nodes is None else out[np.asarray(nodes, dtype=np.int64)]

    # -- weights files -----------------------------------------------------------------------------------
    def save_weights(self, path: str | Path) -> Path:
        """Write the current weights as safetensors (with the project and graph names as metadata)."""
        from .weights import save_state

        return save_state(self.model, path, {"format": "nnbuilder-weights", "project": self.project.name,
                                             "graph": self.graph.name})

    def load_weights(self, path: str | Path) -> None:
        """Load weights saved by ``save_weights`` (or a .pt state dict); a mismatch names the file and layer."""
        from .weights import load_state

        load_state(self.model, path, self._layer_names())


# -- helpers ---------------------------------------------------------------------------------------------
def _fmt(shape: tuple[int, ...]) -> str:
    return "×".join(str(int(d)) for d in shape) if shape else "a single number"


def _as_input(x: np.ndarray, dtype: Any, what: str) -> np.ndarray:
    """The model input dtype as a C-contiguous array (no copy when it already is one)."""
    import torch

    if dtype == torch.long:
        arr = np.asarray(x)
        if not np.issubdtype(arr.dtype, np.integer):
            if not np.all(np.mod(arr, 1) == 0):
                raise TrainingError(f"{what} feeds an Embedding layer, which needs whole-number ids.", kind="data")
        return np.ascontiguousarray(arr, dtype=np.int64)
    return np.ascontiguousarray(x, dtype=np.float32)


def _tensor(a: np.ndarray) -> Any:
    """A tensor sharing ``a``'s memory, also when ``a`` is read-only (a memory-mapped cache): the trainer
    never writes to its data, so the copy torch.from_numpy's warning suggests would only cost memory."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.from_numpy(a)


def _finite(a: np.ndarray) -> bool:
    """Whether every value is a finite number, without a full-size temporary (isfinite of Fashion-MNIST
    would allocate 47 MB of booleans, torch.isfinite 270 MB): a float64 sum is NaN/inf exactly when some
    value is (finite float32 values cannot overflow it); only a non-finite sum is checked chunk by chunk."""
    if not np.issubdtype(a.dtype, np.floating) or a.size == 0:
        return True
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(a, dtype=np.float64)):
            return True
    flat = a.reshape(-1)
    step = 1 << 20
    return all(bool(np.isfinite(flat[i:i + step]).all()) for i in range(0, flat.size, step))


def _fits_on(device: Any, nbytes: int) -> bool:
    """Whether ``nbytes`` of data can live on ``device`` next to the model and activations."""
    import torch

    if device.type == "cpu":
        return True
    if device.type == "cuda":
        try:
            free, _total = torch.cuda.mem_get_info(device)
        except RuntimeError:
            return False
        return nbytes < DEVICE_DATA_SHARE * free
    return nbytes < 2 * 1024**3  # MPS shares the system memory; keep the copy modest


def describe_fault(exc: BaseException | None, batch_size: int) -> tuple[str, str]:
    """(sentence, kind) for an exception raised while training."""
    import torch

    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else type(exc).__name__
    oom = isinstance(exc, MemoryError | torch.OutOfMemoryError) or "out of memory" in text.lower() \
        or "can't allocate memory" in text.lower()
    if oom:
        return (f"the computer ran out of memory; try a smaller batch size (now {batch_size}) or a smaller "
                "network.", "oom")
    if isinstance(exc, TrainingError):
        return exc.message, exc.kind
    shape_words = ("shape", "size mismatch", "mat1 and mat2", "must match the size", "expected input",
                   "dimension", "sizes of tensors")
    if any(w in text.lower() for w in shape_words):
        return f"the network cannot process this data ({text}).", "model"
    if isinstance(exc, IndexError) or "out of bounds" in text.lower():
        return f"a target does not fit the output layer ({text}).", "data"
    return f"{type(exc).__name__}: {text}", "runtime"
