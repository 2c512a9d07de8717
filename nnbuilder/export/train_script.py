"""``train.py``: the project's training set-up as a plain script (torch, numpy, safetensors).

It repeats what nnbuilder's trainer does for this project - the same data and split, loss, optimizer,
schedule, metrics and early stopping, the same seeding and batch order - so the same seed and epochs
give the same validation accuracy as ``nnbuilder train``. Only the branches this project needs are
written, so the script stays short enough to read in one sitting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..project.model import Project
from .data import DataPlan
from .names import safe_text
from .pytorch import ModelSource

CE_LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy")
VALUE_LOSSES = ("mse", "mae", "huber", "sse")
LOSSES = (*CE_LOSSES, "binary_crossentropy", *VALUE_LOSSES, "perceptron")
LOSS_ALIASES = {
    "crossentropy": "sparse_categorical_crossentropy", "cross_entropy": "sparse_categorical_crossentropy",
    "ce": "sparse_categorical_crossentropy", "bce": "binary_crossentropy", "mean_squared_error": "mse",
    "mean_absolute_error": "mae", "huber_loss": "huber", "sum_squared_error": "sse",
}
METRIC_ALIASES = {"acc": "accuracy", "mean_absolute_error": "mae", "mean_squared_error": "mse",
                  "root_mean_squared_error": "rmse"}
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
SCHEDULES = ("none", "step", "cosine", "exponential")


@dataclass
class TrainPlan:
    """The decisions behind the script, also used by ``train_ddp.py``."""

    mode: str  # batches | graph | perceptron
    loss: str
    kind: str  # logits | probs | log_probs | values | step
    use_logits: bool  # call model(..., logits=True)
    target: str  # index | dist | float
    units: int
    out_shape: tuple[int, ...]
    metrics: list[str]
    classifies: bool
    monitor: str
    one_hot: bool = False  # integer class ids become one-hot rows for a value loss


def _canonical_loss(name: str) -> str:
    from .errors import ExportError

    key = LOSS_ALIASES.get(str(name).strip().lower(), str(name).strip().lower())
    if key not in LOSSES:
        raise ExportError(f"The training loss '{safe_text(name)}' is unknown; choose one of {', '.join(LOSSES)}.")
    return key


def plan_training(project: Project, source: ModelSource, data: DataPlan) -> TrainPlan:
    """Loss, output kind, targets and metrics for this project, as nnbuilder's trainer decides them."""
    from .errors import ExportError

    cfg = project.training
    inf = source.inference
    loss = _canonical_loss(cfg.loss)
    if len(inf.outputs) != 1:
        raise ExportError(f"The graph '{safe_text(source.graph.name)}' has {len(inf.outputs)} outputs; a training "
                          "script needs exactly one.")
    kinds = [k for _n, _v, k in source.inputs]
    if kinds.count("x") != 1:
        raise ExportError("A training script needs exactly one data Input layer.")
    mode = "graph" if "graph" in kinds else "batches"
    if mode == "graph" and not data.graph:
        raise ExportError(f"The network has a Graph input but the data set '{safe_text(data.title)}' has no graph.")
    if loss == "perceptron":
        if mode == "graph" or len(source.attributes) != 1:
            raise ExportError("The perceptron rule trains one layer of Step neurons (Input -> Dense with a step "
                              "activation); a training script cannot apply it to this network.")
        mode = "perceptron"
    out_shape = tuple(inf.nodes[inf.outputs[0]].output_shape or ())
    units = 1
    for d in out_shape:
        units *= int(d)
    act = inf.output_activation()
    if loss in CE_LOSSES:
        kind = "logits" if act in ("softmax", "log_softmax", None) else "probs"
    elif loss == "binary_crossentropy":
        kind = "logits" if act in ("sigmoid", None) else "probs"
    elif loss == "perceptron":
        kind = "step"
    else:
        kind = "values"
    use_logits = kind == "logits" and act is not None
    if use_logits and not source.has_logits:  # the activation cannot be left out: compute on its values
        use_logits = False
        kind = "log_probs" if act == "log_softmax" else "probs"
    y = data.arrays["y"]
    if loss in CE_LOSSES:
        target = "dist" if y.ndim == 2 and y.shape[1] > 1 else "index"
    else:
        target = "float"
    classifies = data.task != "regression" or target in ("index", "dist") or loss in ("binary_crossentropy",
                                                                                         "perceptron")
    metrics: list[str] = []
    for name in cfg.metrics:
        key = METRIC_ALIASES.get(str(name).strip().lower(), str(name).strip().lower())
        if key == "accuracy" and not classifies:
            continue
        if key in ("mae", "mse", "rmse") and loss in CE_LOSSES:
            continue
        if key in ("accuracy", "mae", "mse", "rmse") and key not in metrics:
            metrics.append(key)
    monitor = (cfg.early_stopping.monitor or "val_loss").strip()
    monitor = {"acc": "accuracy", "val_acc": "val_accuracy"}.get(monitor, monitor)
    integral = np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_)
    one_hot = target == "float" and integral and data.task != "regression" and units > 1 and (
        y.ndim == 1 or y.shape[1:] == (1,))
    return TrainPlan(mode=mode, loss=loss, kind=kind, use_logits=use_logits, target=target, units=units,
                     out_shape=out_shape, metrics=metrics, classifies=classifies, monitor=monitor, one_hot=one_hot)


def _loss_code(plan: TrainPlan) -> str:
    """``loss_fn`` (batch mean, what is optimised) and ``loss_sum`` (for logs) for the plan."""
    loss, kind = plan.loss, plan.kind
    u = plan.units
    if loss in CE_LOSSES:
        if kind == "logits":
            return ("def loss_fn(out, y):\n    return F.cross_entropy(out, y)\n\n\n"
                    "def loss_sum(out, y):\n    return F.cross_entropy(out, y, reduction=\"sum\")\n")
        log_p = "torch.log(out.clamp(EPSILON, 1.0 - EPSILON))" if kind == "probs" else "out"
        if plan.target == "index":
            return (f"def loss_fn(out, y):\n    return F.nll_loss({log_p}, y)\n\n\n"
                    f"def loss_sum(out, y):\n    return F.nll_loss({log_p}, y, reduction=\"sum\")\n")
        return (f"def loss_fn(out, y):\n    return -(y * {log_p}).sum(dim=1).mean()\n\n\n"
                f"def loss_sum(out, y):\n    return -(y * {log_p}).sum()\n")
    if loss == "binary_crossentropy":
        if kind == "logits":
            return ("def loss_fn(out, y):\n    return F.binary_cross_entropy_with_logits(out, y)\n\n\n"
                    f"def loss_sum(out, y):\n    return F.binary_cross_entropy_with_logits(out, y, reduction=\"sum\") / {u}\n")
        return ("def loss_fn(out, y):\n    return F.binary_cross_entropy(out.clamp(EPSILON, 1.0 - EPSILON), y)\n\n\n"
                "def loss_sum(out, y):\n"
                f"    return F.binary_cross_entropy(out.clamp(EPSILON, 1.0 - EPSILON), y, reduction=\"sum\") / {u}\n")
    fn = {"mse": "F.mse_loss(out, y{})", "mae": "F.l1_loss(out, y{})", "huber": "F.huber_loss(out, y{}, delta=1.0)"}
    if loss in fn:
        mean, total = fn[loss].format(""), fn[loss].format(', reduction="sum"')
        return (f"def loss_fn(out, y):\n    return {mean}\n\n\n"
                f"def loss_sum(out, y):\n    return {total} / {u}\n")
    if loss == "sse":
        return ("def loss_fn(out, y):\n    \"\"\"The lecture's J(w) = 1/2 * sum of squared errors, summed over the batch.\"\"\"\n"
                "    return 0.5 * (out - y).pow(2).sum()\n\n\nloss_sum = loss_fn\n")
    # perceptron: the number of wrong outputs (per unit)
    return (f"def loss_fn(out, y):\n    return (out - y).abs().sum() / {u}\n\n\nloss_sum = loss_fn\n")


def _target_code(plan: TrainPlan) -> str:
    if plan.target == "index":
        return "y.reshape(len(y)).astype(np.int64)"
    if plan.target == "dist":
        return "y.astype(np.float32)"
    shape = ", ".join(str(d) for d in plan.out_shape)
    if plan.one_hot:
        return f"np.eye({plan.units}, dtype=np.float32)[y.reshape(-1).astype(np.int64)].reshape(len(y), {shape})"
    return f"y.astype(np.float32).reshape(len(y), {shape})"


def _optimizer_code(project: Project) -> tuple[str, str]:
    from .errors import ExportError

    oc = project.training.optimizer
    name = str(oc.name).strip().lower()
    if name not in OPTIMIZERS:
        raise ExportError(f"The optimizer '{safe_text(oc.name)}' is unknown; choose {', '.join(OPTIMIZERS)}.")
    if name == "sgd":
        opt = ("torch.optim.SGD(params, lr=LEARNING_RATE, momentum=MOMENTUM, nesterov=NESTEROV,\n"
               "                                weight_decay=WEIGHT_DECAY)")
    elif name in ("adam", "adamw"):
        cls = "Adam" if name == "adam" else "AdamW"
        opt = (f"torch.optim.{cls}(params, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY,\n"
               f"                             fused=device.type in (\"cpu\", \"cuda\"))")
    elif name == "rmsprop":
        opt = ("torch.optim.RMSprop(params, lr=LEARNING_RATE, momentum=MOMENTUM,\n"
               "                                    weight_decay=WEIGHT_DECAY)")
    else:
        opt = "torch.optim.Adagrad(params, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)"
    schedule = str(oc.schedule or "none").lower()
    if schedule not in SCHEDULES:
        raise ExportError(f"The learning-rate schedule '{safe_text(oc.schedule)}' is unknown; choose "
                          f"{', '.join(SCHEDULES)}.")
    sched = {
        "none": "None",
        "step": "torch.optim.lr_scheduler.StepLR(optimizer, step_size=STEP_SIZE, gamma=GAMMA)",
        "exponential": "torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=GAMMA)",
        "cosine": "torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, epochs))",
    }[schedule]
    return opt, sched


def train_source(project: Project, source: ModelSource, data: DataPlan, plan: TrainPlan) -> str:
    """The text of ``train.py``."""
    cfg = project.training
    oc = cfg.optimizer
    es = cfg.early_stopping
    opt, sched = _optimizer_code(project)
    cls = source.class_name
    call_tail = ", logits=True" if plan.use_logits else ""
    mode = plan.mode
    settings = [
        f"EPOCHS = {int(cfg.epochs)}",
        f"BATCH_SIZE = {int(cfg.batch_size)}",
        f"SHUFFLE = {bool(cfg.shuffle)!r}" + ("  # one full-graph step per epoch: nothing to shuffle" if mode == "graph"
                                             else "  # False: the training rows in their order every epoch"),
        f"SEED = {int(cfg.seed)}",
        f"VALIDATION_SPLIT = {float(cfg.validation_split)!r}" + ("  # the graph's own masks are used instead"
                                                                 if data.graph else ""),
        f"LEARNING_RATE = {float(oc.lr)!r}",
        f"MOMENTUM = {float(oc.momentum)!r}",
        f"NESTEROV = {bool(oc.nesterov)!r}",
        f"WEIGHT_DECAY = {float(oc.weight_decay)!r}",
        f"STEP_SIZE = {max(1, int(oc.step_size))}",
        f"GAMMA = {float(oc.gamma)!r}",
        f"EARLY_STOPPING = {bool(es.enabled)!r}",
        f"MONITOR = {json.dumps(plan.monitor)}",
        f"PATIENCE = {int(es.patience)}",
        f"MIN_DELTA = {float(es.min_delta)!r}",
        f"RESTORE_BEST = {bool(es.restore_best)!r}",
        f"METRICS = {json.dumps(plan.metrics)}",
    ]
    title = safe_text(project.name)
    notes = []
    if cfg.mixed_precision:
        notes.append("# The project asks for mixed precision (16-bit forward passes); this script trains in float32.")
    loss_name = plan.loss
    x_line = "x = data[\"x\"].astype(np.float32) * np.float32(1 / 255)  # 8-bit pixels scaled to [0, 1]" \
        if data.pixels else f"x = data[\"x\"].astype(np.{_x_dtype(source)})"
    xt_line = "x_test = data[\"x_test\"].astype(np.float32) * np.float32(1 / 255)" \
        if data.pixels else f"x_test = data[\"x_test\"].astype(np.{_x_dtype(source)})"
    parts: list[str] = []
    parts.append(f'''"""Train {title} as nnbuilder does, in plain PyTorch.

    python train.py                      # the project's settings (below)
    python train.py --epochs 3 --device cuda --out trained.safetensors

Data: data.npz next to this file holds the data set "{safe_text(data.title)}" exactly as nnbuilder
prepared it (its loader's scaling, windows and standardisation); the split, loss ({loss_name}),
optimizer ({safe_text(oc.name)}), schedule, metrics and early stopping below repeat the project's settings.
Needs torch 2.4+, numpy and safetensors.
"""

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
{{functional}}from safetensors.torch import load_file, save_file

from model import {cls}

HERE = Path(__file__).resolve().parent

''')
    if notes:
        parts.append("\n".join(notes) + "\n")
    parts.append("# The project's training settings\n" + "\n".join(settings) + "\n")
    parts.append("EPSILON = 1e-7  # probabilities are clipped to [EPSILON, 1 - EPSILON] before a log\n")
    parts.append(f"LOSS = {json.dumps(loss_name)}\nOUTPUT = {json.dumps(plan.kind)}  # what the training forward returns\n")
    parts.append("\n\n")

    # -- data -------------------------------------------------------------------------------------------
    data_fn = ['''def load_data():
    """Inputs, encoded targets and the train/validation/test parts, as tensors."""
    data = np.load(HERE / "data.npz")
    ''' + x_line + '''
    y = encode_targets(data["y"])''']
    if mode == "graph" or data.graph:
        data_fn.append('''    train_idx = np.flatnonzero(data["train_mask"])
    val_idx = np.flatnonzero(data["val_mask"])''')
    elif data.time_series:
        data_fn.append('''    train_idx, val_idx = time_series_split(len(x), VALIDATION_SPLIT, data["window_start"], WINDOW_SPAN)''')
    else:
        data_fn.append('''    train_idx, val_idx = split_indices(len(x), VALIDATION_SPLIT, SEED)''')
    data_fn.append('''    parts = {"x": torch.from_numpy(x), "y": torch.from_numpy(y),
             "train_idx": torch.from_numpy(train_idx.astype(np.int64)),
             "val_idx": torch.from_numpy(val_idx.astype(np.int64))}''')
    if mode == "graph":
        data_fn.append('''    parts["adjacency"] = normalized_adjacency(len(x), data["edges"])
    parts["test_idx"] = torch.from_numpy(np.flatnonzero(data["test_mask"]).astype(np.int64))''')
    elif data.graph:
        data_fn.append('''    test_rows = np.flatnonzero(data["test_mask"])  # a plain network on a graph's nodes: its test nodes
    if len(test_rows):
        parts["x_test"], parts["y_test"] = parts["x"][test_rows], parts["y"][test_rows]''')
    elif data.has_test:
        data_fn.append('''    ''' + xt_line + '''
    parts["x_test"] = torch.from_numpy(x_test)
    parts["y_test"] = torch.from_numpy(encode_targets(data["y_test"]))''')
    data_fn.append("    return parts\n")
    parts.append("\n".join(data_fn) + "\n\n")
    parts.append(f'''def encode_targets(y):
    """Targets in the form the loss wants."""
    return {_target_code(plan)}


''')
    if mode == "graph" or data.graph:
        pass
    elif data.time_series:
        parts.append(f'''WINDOW_SPAN = {int(data.window_span)}  # time steps one example covers (window + horizon)


def time_series_split(n, validation_split, window_start, span):
    """The last windows validate; training keeps only windows that end before the first of them starts,
    so no time step is seen by both parts."""
    n_val = int(round(n * validation_split))
    if validation_split > 0 and n > 1:
        n_val = min(max(n_val, 1), n - 1)
    train_idx, val_idx = np.arange(n - n_val), np.arange(n - n_val, n)
    if len(val_idx):
        train_idx = train_idx[window_start[train_idx] + span <= window_start[val_idx].min()]
    return train_idx, val_idx


''')
    else:
        parts.append('''def split_indices(n, validation_split, seed):
    """A reproducible random split; a non-zero split keeps at least one sample on each side."""
    n_val = int(round(n * validation_split))
    if validation_split > 0 and n > 1:
        n_val = min(max(n_val, 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


''')
    if mode == "graph":
        parts.append('''def normalized_adjacency(n, edges):
    """D^-1/2 (A + I) D^-1/2 of the undirected graph (dense up to 1000 nodes, sparse above)."""
    src, dst = edges
    off = src != dst
    rows = np.concatenate([src[off], dst[off], np.arange(n)])
    cols = np.concatenate([dst[off], src[off], np.arange(n)])
    keys = np.unique(rows * n + cols)
    rows, cols = keys // n, keys % n
    inv_sqrt = 1.0 / np.sqrt(np.bincount(rows, minlength=n).astype(np.float64))
    values = (inv_sqrt[rows] * inv_sqrt[cols]).astype(np.float32)
    if n <= 1000:
        dense = np.zeros((n, n), dtype=np.float32)
        dense[rows, cols] = values
        return torch.from_numpy(dense)
    index = torch.from_numpy(np.stack([rows, cols]).astype(np.int64))
    return torch.sparse_coo_tensor(index, torch.from_numpy(values), (n, n), is_coalesced=True,
                                   check_invariants=True)


''')

    # -- loss and metrics -------------------------------------------------------------------------------
    parts.append(_loss_code(plan) + "\n\n")
    threshold = "0.0" if plan.kind == "logits" else "0.5"
    target_classes = "y" if plan.target == "index" else \
        "y.argmax(dim=1) if y.dim() > 1 and y.shape[1] > 1 else (y.reshape(len(y)) > 0.5).long()"
    parts.append(f'''class Metrics:
    """Running sums of the loss and METRICS over an epoch or an evaluation."""

    def __init__(self):
        self.loss = 0.0
        self.count = 0
        self.correct = 0.0
        self.abs_err = 0.0
        self.sq_err = 0.0
        self.elements = 0

    def update(self, out, y, loss_total):
        self.loss += float(loss_total)
        self.count += len(out)
        if "accuracy" in METRICS:
            if out.dim() > 1 and out.shape[1] > 1:
                predicted = out.argmax(dim=1)
            else:
                predicted = (out.reshape(len(out)) > {threshold}).long()
            target = {target_classes}
            self.correct += float((predicted == target).sum())
        if any(m in METRICS for m in ("mae", "mse", "rmse")):
            diff = out.float() - y.float()
            self.abs_err += float(diff.abs().sum())
            self.sq_err += float(diff.pow(2).sum())
            self.elements += diff.numel()

    def values(self, prefix=""):
        logs = {{prefix + "loss": self.loss / max(1, self.count)}}
        for name in METRICS:
            if name == "accuracy":
                logs[prefix + name] = self.correct / max(1, self.count)
            elif name == "mae":
                logs[prefix + name] = self.abs_err / max(1, self.elements)
            elif name == "mse":
                logs[prefix + name] = self.sq_err / max(1, self.elements)
            elif name == "rmse":
                logs[prefix + name] = math.sqrt(self.sq_err / max(1, self.elements))
        return logs


''')

    # -- model and optimizer ----------------------------------------------------------------------------
    parts.append(f'''def make_model(device, weights=None):
    """The model with nnbuilder's seeded initial weights (or saved ones)."""
    torch.manual_seed(SEED)
    model = {cls}()
    if weights is not None:
        model.load_state_dict(load_file(str(weights)))
    return model.to(device)


def make_optimizer(model, device, epochs):
''')
    if mode == "perceptron":
        parts.append('''    return None, None  # the perceptron rule updates the weights itself


''')
    else:
        parts.append(f'''    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = {opt}
    scheduler = {sched}
    return optimizer, scheduler


''')

    # -- one epoch --------------------------------------------------------------------------------------
    if mode == "batches":
        parts.append(f'''def forward(model, x):
    return model(x{call_tail})


def train_epoch(model, optimizer, x, y, generator, batch_size):
    """One pass over the training rows (shuffled unless SHUFFLE is False), one optimizer step per batch."""
    model.train()
    order = torch.randperm(len(x), generator=generator) if SHUFFLE else torch.arange(len(x))
    xs, ys = x[order.to(x.device)], y[order.to(y.device)]
    sums = Metrics()
    batch_size = min(batch_size, len(xs))
    for start in range(0, len(xs), batch_size):
        xb, yb = xs[start:start + batch_size], ys[start:start + batch_size]
        optimizer.zero_grad(set_to_none=True)
        out = forward(model, xb)
        loss = loss_fn(out, yb)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            sums.update(out.detach(), yb, {"loss" if plan.loss == "sse" else "loss.detach() * len(xb)"})
    return sums


@torch.no_grad()
def evaluate(model, x, y, chunk=2048):
    model.eval()
    sums = Metrics()
    for start in range(0, len(x), chunk):
        xb, yb = x[start:start + chunk], y[start:start + chunk]
        out = forward(model, xb).float()
        sums.update(out, yb, loss_sum(out, yb))
    return sums


''')
    elif mode == "perceptron":
        layer = next(iter(source.attributes.values()))
        parts.append(f'''def forward(model, x):
    return model(x)


def train_epoch(model, optimizer, x, y, generator, batch_size):
    """Rosenblatt's rule per batch: w += lr * (y - y_hat) * x and b += lr * (y - y_hat); no gradients."""
    layer = model.{layer}
    seen = []
    hook = layer.register_forward_hook(lambda _m, inputs, output: seen.append((inputs[0], output)))
    order = torch.randperm(len(x), generator=generator) if SHUFFLE else torch.arange(len(x))
    xs, ys = x[order.to(x.device)], y[order.to(y.device)]
    sums = Metrics()
    batch_size = min(batch_size, len(xs))
    try:
        with torch.no_grad():
            for start in range(0, len(xs), batch_size):
                xb, yb = xs[start:start + batch_size], ys[start:start + batch_size]
                seen.clear()
                model(xb)
                inputs, z = seen[-1]
                y_hat = (z > 0).to(z.dtype)
                err = yb.reshape(z.shape) - y_hat
                layer.weight.add_(err.t() @ inputs.reshape(len(inputs), -1), alpha=LEARNING_RATE)
                if layer.bias is not None:
                    layer.bias.add_(err.sum(dim=0), alpha=LEARNING_RATE)
                sums.update(y_hat.reshape(yb.shape), yb, err.abs().sum() / {plan.units})
    finally:
        hook.remove()
    return sums


@torch.no_grad()
def evaluate(model, x, y, chunk=2048):
    model.eval()
    sums = Metrics()
    for start in range(0, len(x), chunk):
        xb, yb = x[start:start + chunk], y[start:start + chunk]
        out = (forward(model, xb).float() > 0.5).float()
        sums.update(out, yb, loss_sum(out, yb))
    return sums


''')
    else:  # graph
        parts.append(f'''def forward(model, x, adjacency):
    return model(x, adjacency{call_tail})


def train_epoch(model, optimizer, parts):
    """Kipf & Welling's set-up: every node goes through the network, the loss sees only training nodes."""
    model.train()
    idx = parts["train_idx"]
    optimizer.zero_grad(set_to_none=True)
    out = forward(model, parts["x"], parts["adjacency"])
    loss = loss_fn(out[idx], parts["y"][idx])
    loss.backward()
    optimizer.step()
    sums = Metrics()
    with torch.no_grad():
        sums.update(out.detach()[idx].float(), parts["y"][idx], {"loss" if plan.loss == "sse" else "loss.detach() * len(idx)"})
    return sums


@torch.no_grad()
def evaluate_nodes(model, parts, idx):
    model.eval()
    out = forward(model, parts["x"], parts["adjacency"]).float()[idx]
    sums = Metrics()
    sums.update(out, parts["y"][idx], loss_sum(out, parts["y"][idx]))
    return sums


''')

    # -- early stopping ---------------------------------------------------------------------------------
    parts.append('''class EarlyStopping:
    """Keras' rule: stop after PATIENCE epochs in which MONITOR did not beat its best by more than MIN_DELTA."""

    def __init__(self, monitor, patience, min_delta):
        self.monitor, self.patience, self.min_delta = monitor, patience, abs(min_delta)
        self.mode = "max" if monitor.removeprefix("val_") == "accuracy" else "min"
        self.best = None
        self.best_epoch = None
        self.wait = 0

    def improved(self, epoch, logs):
        value = logs.get(self.monitor)
        if value is None or not math.isfinite(value):
            return False
        if self.best is None:
            better = True
        elif self.mode == "max":
            better = value - self.min_delta > self.best
        else:
            better = value + self.min_delta < self.best
        if better:
            self.best, self.best_epoch = value, epoch
        return better

    def should_stop(self, improved):
        self.wait = 0 if improved else self.wait + 1
        return self.wait >= max(1, self.patience)


''')

    # -- main -------------------------------------------------------------------------------------------
    if mode == "graph":
        setup = '''    parts = {k: v.to(device) for k, v in parts.items()}
    has_val = len(parts["val_idx"]) > 0'''
        epoch_call = '''        logs = train_epoch(model, optimizer, parts).values()
        if has_val:
            logs.update(evaluate_nodes(model, parts, parts["val_idx"]).values("val_"))'''
        test_call = '''    if len(parts["test_idx"]):
        test = evaluate_nodes(model, parts, parts["test_idx"]).values()'''
    else:
        setup = '''    x, y = parts["x"].to(device), parts["y"].to(device)
    train_idx, val_idx = parts["train_idx"].to(device), parts["val_idx"].to(device)
    x_train, y_train = x[train_idx], y[train_idx]
    x_val, y_val = x[val_idx], y[val_idx]
    has_val = len(val_idx) > 0'''
        epoch_call = '''        logs = train_epoch(model, optimizer, x_train, y_train, generator, args.batch_size).values()
        if has_val:
            logs.update(evaluate(model, x_val, y_val).values("val_"))'''
        test_call = '''    if "x_test" in parts:
        test = evaluate(model, parts["x_test"].to(device), parts["y_test"].to(device)).values()'''
    parts.append(f'''def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--weights", help="start from these weights (safetensors) instead of the seeded ones")
    parser.add_argument("--out", default=str(HERE / "trained.safetensors"), help="where to save the weights")
    parser.add_argument("--json", action="store_true", help="print one JSON object per epoch")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    device = torch.device(args.device)
    parts = load_data()
{setup}
    model = make_model(device, args.weights)
    optimizer, scheduler = make_optimizer(model, device, args.epochs)
    torch.manual_seed(SEED)  # dropout draws the same masks as in nnbuilder
{{generator}}
    monitor = MONITOR if has_val or not MONITOR.startswith("val_") else MONITOR.removeprefix("val_")
    stopper = EarlyStopping(monitor, PATIENCE, MIN_DELTA)
    best_state = None
    history = []
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
{epoch_call}
        history.append(logs)
        improved = stopper.improved(epoch, logs)
        if improved and EARLY_STOPPING and RESTORE_BEST:
            best_state = {{k: v.detach().clone() for k, v in model.state_dict().items()}}
        stop = EARLY_STOPPING and stopper.should_stop(improved)
        if scheduler is not None:
            scheduler.step()
        seconds = time.perf_counter() - started
        if args.json:
            print(json.dumps({{"epoch": epoch, **logs, "seconds": round(seconds, 4)}}), flush=True)
        else:
            print(f"Epoch {{epoch}}/{{args.epochs}} - {{seconds:.1f}}s - "
                  + " - ".join(f"{{k}}: {{v:.4f}}" for k, v in logs.items()), flush=True)
        if stop:
            print(f"Stopped early: {{monitor}} had not improved for {{PATIENCE}} epochs.", flush=True)
            break
    if best_state is not None and stopper.best_epoch != len(history):
        model.load_state_dict(best_state)
        print(f"Weights restored from the best epoch ({{stopper.best_epoch}}).", flush=True)
    test = None
{test_call}
    if test is not None:
        if args.json:
            print(json.dumps({{"final": True, **{{"test_" + k: v for k, v in test.items()}}}}), flush=True)
        else:
            print("Test: " + " - ".join(f"{{k}}: {{v:.4f}}" for k, v in test.items()))
    state = {{k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}}
    save_file(state, args.out)
    if not args.json:
        print(f"Weights saved to {{args.out}}")
    return history


if __name__ == "__main__":
    main()
''')
    text = "".join(parts)
    text = text.replace("{functional}", "import torch.nn.functional as F\n" if "F." in text else "", 1)
    generator = "" if mode == "graph" else \
        "    generator = torch.Generator().manual_seed(SEED)  # and batches come in the same order\n"
    return text.replace("{generator}\n", generator, 1)


def _x_dtype(source: ModelSource) -> str:
    for dt in source.input_dtypes:
        if dt != "graph":
            return dt
    return "float32"
