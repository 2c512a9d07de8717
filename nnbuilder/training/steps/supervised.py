"""Supervised steps: mini-batch training with a loss, Rosenblatt's perceptron rule, and full-batch graph
(node classification) training - the three ways a single network learns from labelled data.

How the hot loop stays as fast as a hand-written one (``benchmarks/bench_trainer.py`` measures it):

* data become tensors once, on the device when they fit; each epoch does one gather of the shuffled
  training rows (with shuffle off, only the first epoch does), and every batch is then a slice view (no
  per-batch indexing or copies);
* the model runs through a *training view* (``views.py``) that is re-traced flat and, for a final
  softmax/sigmoid, computes the loss from logits;
* nothing reads a number back from the device per batch: batch losses are kept as device tensors and
  summed when an event is due (``ctx.due()``: every ~50 ms and at the end of each epoch); that is also when
  the run loop's NaN guard looks at them, which is why a NaN is reported a few batches late but with the
  batch where it started.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import TrainingError
from ..events import Snapshot
from ..loop import BatchFault, NonFinite, StopRequested
from ..split import Split, compute_split
from .base import VIEW_BOUNDARY, VIEW_CURVES, VIEW_GALLERY, VIEW_SERIES, VIEW_WEIGHTS, Plan

EVAL_CHUNK_VALUES = 1 << 22  # input values per evaluation chunk (16 MB of float32)
EVAL_CHUNK_ROWS = 2048  # and at most this many rows, so a stop request during validation is answered quickly
OUTPUT_BUFFER_VALUES = 1 << 24  # keep an epoch's outputs for metrics up to this size (64 MB), else per batch
DEVICE_DATA_SHARE = 0.4  # move data to a GPU when it needs less than this share of its free memory
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



class SupervisedStep:
    """One network trained on labelled data; ``kind`` is supervised, perceptron or graph (from loss and inputs).

    Built by ``Trainer`` (which compiles the model with the project's seed); see ``steps/base.py``.
    """

    uses_early_stopping = True

    def __init__(self, project: Any, graph: Any, dataset: Any, model: Any, inference: Any, device: Any) -> None:
        import torch

        self.project = project
        self.config = project.training
        self.graph = graph
        self.dataset = dataset
        self.model = model
        self.models = {"model": model}
        self.optimizers: dict[str, Any] = {}
        self._inference = inference
        self._torch_device = torch.device(device) if not isinstance(device, torch.device) else device
        self._view: Any = None
        self._view_kind = "values"
        self._optimizer: Any = None
        self._scheduler: Any = None
        self._scaler: Any = None
        self._gen: Any = None
        self._prep: _Prepared | None = None
        self._perceptron_layer: Any = None
        self._shuffled: tuple[Any, Any] | None = None  # reused per-epoch buffers of shuffled training rows
        self._in_order = False  # the buffers hold the training rows in order (shuffle off): no gather needed
        self._shuffle = bool(self.config.shuffle)
        self._view_hooks: tuple[str, ...] = ()
        self._batch_size = int(self.config.batch_size)
        self.split: Split | None = None
        self.stop_requested: Callable[[], bool] = lambda: False  # the run loop's stop, for long evaluations
        self.kind = "supervised"
        self.manual_steps: tuple[str, ...] = ()  # ("both",) once prepared for mini-batches
        self.task = getattr(dataset, "task", "classification")
        self.losses = ["loss"]
        self.metrics: list[str] = []
        self.views: list[str] = []

    @property
    def batch_size(self) -> int:
        return self._batch_size

    # -- Step protocol -------------------------------------------------------------------------------------
    def prepare(self) -> Plan:
        self._batch_size = max(1, int(self.config.batch_size))
        self._shuffle = bool(self.config.shuffle)
        prep = self._prepare()
        self._refresh_view()
        batches = 1 if prep.mode == "graph" else math.ceil(prep.n_train / self._batch_size)
        return Plan(num_train=prep.n_train, num_val=prep.n_val, batches_per_epoch=batches, notes=list(prep.notes))

    def make_optimizers(self, epochs: int) -> None:
        self._make_optimizer(epochs)

    def has_optimizers(self) -> bool:
        return self._optimizer is not None

    def drop_optimizers(self) -> None:
        self._optimizer = None
        self._scheduler = None
        self.optimizers = {}

    def begin(self, seed: int, fresh: bool) -> None:
        import torch

        if fresh or self._gen is None:
            self._gen = torch.Generator().manual_seed(int(seed))

    def run_epoch(self, epoch: int, ctx: Any) -> dict[str, float]:
        prep = self._prep
        assert prep is not None
        if prep.mode == "graph":
            return self._epoch_graph(epoch, ctx)
        return self._epoch_batches(epoch, ctx, prep.mode == "perceptron")

    def manual_step(self, which: str) -> dict[str, float]:
        """One mini-batch update on a random batch of training rows (the supervised 'step' button)."""
        import torch

        prep = self._prep
        assert prep is not None
        if prep.mode != "batches" or self._optimizer is None:
            raise TrainingError("Single steps work for mini-batch training with an optimizer.", kind="runtime")
        n = prep.n_train
        rows = prep.train_idx[torch.randint(0, n, (min(self._batch_size, n),), generator=self._gen)]
        xb = prep.x_all.index_select(0, rows.to(prep.x_all.device)).to(self._torch_device)
        yb = prep.y_all.index_select(0, rows.to(prep.y_all.device)).to(self._torch_device)
        self.model.train()
        self._view.train()
        self._optimizer.zero_grad(set_to_none=True)
        loss = prep.objective.train(self._view(xb), yb)
        loss.backward()
        self._optimizer.step()
        value = float(loss.detach())
        return {"loss": value / len(rows) if prep.objective.sum_reduced else value}

    def test_logs(self) -> dict[str, float] | None:
        return self._test_logs()

    def lr(self, name: str | None = None) -> float:
        return self._lr()

    def optimizer_name(self, name: str | None = None) -> str:
        return str(self.config.optimizer.name).lower()

    def end_epoch(self) -> None:
        if self._scheduler is not None:
            self._scheduler.step()

    def epoch_hints(self, history: list[dict[str, float]]) -> list[str]:
        return []

    def snapshot(self, epoch: int, batch: int) -> Snapshot:
        return self._take_snapshot(epoch, batch)

    def state_module(self) -> Any:
        """The module whose state dict is saved as the weights file."""
        return self.model

    def layer_names(self) -> dict[str, str]:
        return self._layer_names()

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

        from .. import objective as obj
        from ..views import hooks_signature, training_view

        ds = self.dataset
        inf = self._inference
        title = getattr(ds, "title", None) or getattr(ds, "id", "the data set")
        what = f"The data set '{title}'"
        loss = obj.canonical_loss(cfg.loss)
        metrics = obj.canonical_metrics(list(cfg.metrics))
        input_types = [self.graph.node(nid).type for nid in inf.inputs]
        labels = [nid for nid, t in zip(inf.inputs, input_types, strict=True) if t == "Label"]
        if labels:
            from ...compiler.data_checks import label_outside_gan

            raise TrainingError(label_outside_gan(self.graph.node(labels[0]).display_name), kind="model")
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
            split = compute_split(ds, float(cfg.validation_split), int(cfg.seed))
        except Exception as exc:  # noqa: BLE001 - DataError and friends: one sentence for the student
            raise TrainingError(str(exc), kind="data") from exc
        train_idx, val_idx = split.train, split.val
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
            train_idx=torch.from_numpy(np.array(train_idx, dtype=np.int64)),
            val_idx=torch.from_numpy(np.array(val_idx, dtype=np.int64)),
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
        self._in_order = False
        self._prep = prep
        self.split = split
        self.kind = mode if mode in ("graph", "perceptron") else "supervised"
        self.manual_steps = ("both",) if mode == "batches" else ()
        self.metrics = list(metrics)
        self.views = self._offered_views(x_np.shape[1:])
        return prep

    def _offered_views(self, sample_shape: tuple[int, ...]) -> list[str]:
        """The live views this run can feed (the app decides which it shows)."""
        ds = self.dataset
        views = [VIEW_CURVES, VIEW_WEIGHTS]
        if getattr(ds, "is_time_series", False):
            views.append(VIEW_SERIES)
        elif ds.task == "classification" and tuple(sample_shape) == (2,):
            views.append(VIEW_BOUNDARY)
        elif ds.task == "classification" and len(sample_shape) >= 2:
            views.append(VIEW_GALLERY)
        return views

    def _refresh_view(self) -> None:
        """Re-trace the training view if hooks were put on (or taken off) layer containers since it was made."""
        from .. import objective as obj
        from ..views import hooks_signature, training_view

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

        from ..optim import make_optimizer, no_parameters_message

        oc = self.config.optimizer
        params = [p for p in self.model.parameters() if p.requires_grad]
        lr = float(oc.lr)
        if not lr > 0 or not math.isfinite(lr):
            raise TrainingError(f"The learning rate must be a positive number, not {oc.lr}.", kind="model")
        self._scheduler = None
        if self._prep is not None and self._prep.mode == "perceptron":
            self._optimizer = None
            return
        if not params:
            raise TrainingError(no_parameters_message(self.model), kind="model")
        self._optimizer, self._scheduler = make_optimizer(params, oc, self._torch_device.type, epochs)
        self.optimizers = {"model": self._optimizer}
        self._scaler = None
        if self._amp_dtype() is torch.float16:  # float16 gradients underflow without loss scaling (CUDA only)
            self._scaler = torch.amp.GradScaler("cuda")

    def _amp_dtype(self) -> Any:
        from ..devices import autocast_plan

        return autocast_plan(str(self._torch_device), bool(self.config.mixed_precision))[0]

    def _autocast(self) -> Any:
        """A factory of autocast contexts when mixed precision applies (CUDA, or a CPU with bfloat16 matrix
        units), else None."""
        dtype = self._amp_dtype()
        if dtype is None:
            return None
        import torch

        kind = self._torch_device.type
        return lambda: torch.autocast(kind, dtype=dtype)

    def _lr(self) -> float:
        if self._optimizer is None:
            return float(self.config.optimizer.lr)
        return float(self._optimizer.param_groups[0]["lr"])

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
    def _epoch_batches(self, epoch: int, ctx: Any, perceptron: bool) -> dict[str, float]:
        import torch

        from ..objective import MetricSums

        prep = self._prep
        assert prep is not None
        dev = self._torch_device
        n = prep.n_train
        bs = min(self._batch_size, n)
        nb = (n + bs - 1) // bs
        last = nb - 1
        # shuffle off (Keras' shuffle=False): every epoch takes the training rows in their order, which for a
        # time series is time order; validation rows are never part of this
        idx = prep.train_idx[torch.randperm(n, generator=self._gen)] if self._shuffle else prep.train_idx
        x_all, y_all = prep.x_all, prep.y_all
        if prep.on_device:
            # one gather per epoch into buffers kept between epochs (a fresh 100 MB tensor each epoch costs
            # more in page faults than the copy itself); every batch below is then a slice view
            if self._shuffled is None or len(self._shuffled[0]) != n:
                self._shuffled = (x_all.new_empty((n, *x_all.shape[1:])), y_all.new_empty((n, *y_all.shape[1:])))
                self._in_order = False
            xs, ys = self._shuffled
            if not self._in_order:  # in order, the rows gathered for the first epoch serve every later one
                idx_dev = idx.to(x_all.device, non_blocking=True)
                torch.index_select(x_all, 0, idx_dev, out=xs)
                torch.index_select(y_all, 0, idx_dev, out=ys)
                self._in_order = not self._shuffle
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
        due = ctx.due
        ctx.mark_epoch_start()
        self.model.train()
        view.train()
        if perceptron:
            return self._epoch_perceptron(state, xs, ys, idx, bs, obuf, ctx)
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
                if b == last or due():
                    self._flush(state, b, e, bs, obuf, ys, ctx)
        except (StopRequested, NonFinite):
            raise
        except Exception as exc:
            raise BatchFault(epoch, b + 1) from exc
        return self._epoch_logs(state)

    def _epoch_perceptron(self, state: _Epoch, xs: Any, ys: Any, idx: Any, bs: int, obuf: Any,
                          ctx: Any) -> dict[str, float]:
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
        due = ctx.due
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
                    if b == last or due():
                        self._flush(state, b, e, bs, obuf, ys, ctx)
        except (StopRequested, NonFinite):
            raise
        except Exception as exc:
            raise BatchFault(state.epoch, b + 1) from exc
        finally:
            hook.remove()
        return self._epoch_logs(state)

    def _flush(self, state: _Epoch, b: int, e: int, bs: int, obuf: Any, ys: Any, ctx: Any) -> None:
        """Fold the batches since the last event into the running sums, check them, report interval means."""
        import torch

        prep = self._prep
        assert prep is not None
        pending = state.losses
        before = state.samples
        interval_loss = 0.0
        if pending:
            # summed in float64: float32 sums would round differently as event pacing cuts the epoch into other
            # chunks, so the same seed gave epoch losses that differed in the 8th digit on a busy machine
            stacked = torch.stack(pending).cpu().double()  # (MPS has no float64)
            if prep.objective.sum_reduced:
                weighted = stacked.sum()
            else:
                weighted = stacked.sum() * bs
                last_size = e - b * bs
                if last_size != bs:
                    weighted = weighted + stacked[-1] * (last_size - bs)
            value = float(weighted)
            if not math.isfinite(value):
                ctx.check_finite(stacked, state.flushed_batches + 1)
                raise NonFinite(state.epoch, state.flushed_batches + len(pending), value)  # finite parts, huge sum
            state.loss_sum += value
            interval_loss = value
            state.flushed_batches = b + 1
            pending.clear()
        if obuf is not None and e > state.samples:
            state.sums.update(obuf[state.samples:e], ys[state.samples:e])
        state.samples = e
        running_metrics, interval_metrics = state.sums.read()
        running = {"loss": state.loss_sum / max(1, e), **running_metrics}
        ctx.report(b + 1, state.batches, {"loss": interval_loss / max(1, e - before)}, interval_metrics, running,
                   e - before)

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

    def _epoch_graph(self, epoch: int, ctx: Any) -> dict[str, float]:
        """Kipf & Welling's set-up: every node goes through the network, the loss sees only training nodes."""
        import torch

        from ..objective import MetricSums

        prep = self._prep
        assert prep is not None
        idx = prep.train_idx.to(self._torch_device)
        state = _Epoch(epoch=epoch, batches=1, sums=MetricSums(prep.objective, prep.metrics))
        ctx.mark_epoch_start()
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
            raise BatchFault(epoch, 1) from exc
        value = float(loss.detach())
        if not math.isfinite(value):
            raise NonFinite(epoch, 1, value)
        n = len(idx)
        state.loss_sum = value * (1 if prep.objective.sum_reduced else n)
        state.samples = n
        with torch.no_grad():
            state.sums.update(out.detach()[idx].float(), prep.y_all[idx])
        running_metrics, interval_metrics = state.sums.read()
        mean = state.loss_sum / max(1, n)
        ctx.report(1, 1, {"loss": mean}, interval_metrics, {"loss": mean, **running_metrics}, n)
        return self._epoch_logs(state)

    def _take_snapshot(self, epoch: int, batch: int) -> Snapshot:
        from ..snapshot import take_snapshot

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

        from ..objective import MetricSums

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
                    if self.stop_requested():
                        raise StopRequested
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

        from ..objective import MetricSums

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

        from ..views import postprocess

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

