"""Losses, targets and metrics: what "how wrong is the network" means for each loss name in a project.

Imported lazily (it imports torch at module level); ``nnbuilder.training`` itself stays torch-free.

Two ideas run through this module:

* The trainer runs a *training view* of the model (see ``views.py``) which, when it can, leaves out a
  final Softmax/Sigmoid so cross-entropy is computed from logits (one fused, exact kernel). When the view
  cannot peel the activation, cross-entropy falls back to Keras' formula on probabilities,
  NLL(log(clamp(p, 1e-7, 1 - 1e-7))); either way softmax is never applied twice.
* Logged losses are per-sample means whatever the batch size, so training and validation numbers are
  comparable. The ``sse`` loss (the lecture's J(w) = ½·Σ(y − ŷ)²) is optimised as a sum over the batch,
  as in the lecture, but logged as its per-sample mean ½·Σ_units(y − ŷ)².
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .errors import TrainingError

EPSILON = 1e-7  # Keras' backend epsilon, used to clip probabilities before log

CE_LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy")
VALUE_LOSSES = ("mse", "mae", "huber", "sse")
LOSSES = (*CE_LOSSES, "binary_crossentropy", *VALUE_LOSSES, "perceptron")
LOSS_ALIASES = {
    "crossentropy": "sparse_categorical_crossentropy",
    "cross_entropy": "sparse_categorical_crossentropy",
    "ce": "sparse_categorical_crossentropy",
    "bce": "binary_crossentropy",
    "mean_squared_error": "mse",
    "mean_absolute_error": "mae",
    "huber_loss": "huber",
    "sum_squared_error": "sse",
}
METRIC_ALIASES = {
    "acc": "accuracy",
    "mean_absolute_error": "mae",
    "mean_squared_error": "mse",
    "root_mean_squared_error": "rmse",
}
METRICS = ("accuracy", "mae", "mse", "rmse")

Tensor = torch.Tensor


def canonical_loss(name: str) -> str:
    key = str(name).strip().lower()
    key = LOSS_ALIASES.get(key, key)
    if key not in LOSSES:
        raise TrainingError(f"Unknown loss '{name}'; choose one of {', '.join(LOSSES)}.", kind="model")
    return key


def canonical_metrics(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        key = METRIC_ALIASES.get(str(name).strip().lower(), str(name).strip().lower())
        if key not in METRICS:
            raise TrainingError(f"Unknown metric '{name}'; choose from {', '.join(METRICS)}.", kind="model")
        if key not in out:
            out.append(key)
    return out


@dataclass
class Objective:
    """One loss, specialised to what the training view outputs and how the targets are encoded.

    output: "logits" | "probs" | "log_probs" | "values" | "step" - what the training view returns.
    target: "index" (int64 class ids), "dist" (float rows over classes), "float" (same shape as the output).
    sum_reduced: True when ``train`` sums over the batch (sse) instead of averaging; the trainer weights
    logged batch losses accordingly so the log is a per-sample mean either way.
    """

    loss: str
    output: str
    target: str
    units: int
    train: Callable[[Tensor, Tensor], Tensor]
    total: Callable[[Tensor, Tensor], Tensor]
    sum_reduced: bool = False

    task: str = "classification"

    @property
    def classifies(self) -> bool:
        """Whether 'accuracy' means something: class targets (also when fitted with a value loss such as sse)."""
        return self.task != "regression" or self.target in ("index", "dist") or \
            self.loss in ("binary_crossentropy", "perceptron")


def _log_probs(p: Tensor) -> Tensor:
    return torch.log(p.clamp(EPSILON, 1.0 - EPSILON))


def make_objective(loss: str, output: str, target: str, units: int) -> Objective:
    """The loss functions for a (loss name, view output, target encoding) triple."""
    if loss in CE_LOSSES:
        if output == "logits":
            if target == "index":
                return Objective(loss, output, target, units, F.cross_entropy,
                                 lambda o, y: F.cross_entropy(o, y, reduction="sum"))
            return Objective(loss, output, target, units, F.cross_entropy,
                             lambda o, y: F.cross_entropy(o, y, reduction="sum"))
        log_p = _log_probs if output == "probs" else (lambda o: o)  # log_probs: already log-softmax
        if target == "index":
            return Objective(loss, output, target, units, lambda o, y: F.nll_loss(log_p(o), y),
                             lambda o, y: F.nll_loss(log_p(o), y, reduction="sum"))
        return Objective(loss, output, target, units, lambda o, y: -(y * log_p(o)).sum(dim=1).mean(),
                         lambda o, y: -(y * log_p(o)).sum())
    if loss == "binary_crossentropy":
        if output == "logits":
            return Objective(loss, output, target, units, F.binary_cross_entropy_with_logits,
                             lambda o, y: F.binary_cross_entropy_with_logits(o, y, reduction="sum") / units)
        return Objective(loss, output, target, units,
                         lambda o, y: F.binary_cross_entropy(o.clamp(EPSILON, 1.0 - EPSILON), y),
                         lambda o, y: F.binary_cross_entropy(o.clamp(EPSILON, 1.0 - EPSILON), y,
                                                             reduction="sum") / units)
    if loss == "mse":
        return Objective(loss, output, target, units, F.mse_loss,
                         lambda o, y: F.mse_loss(o, y, reduction="sum") / units)
    if loss == "mae":
        return Objective(loss, output, target, units, F.l1_loss,
                         lambda o, y: F.l1_loss(o, y, reduction="sum") / units)
    if loss == "huber":
        return Objective(loss, output, target, units, lambda o, y: F.huber_loss(o, y, delta=1.0),
                         lambda o, y: F.huber_loss(o, y, reduction="sum", delta=1.0) / units)
    if loss == "sse":
        def sse(o: Tensor, y: Tensor) -> Tensor:
            return 0.5 * (o - y).pow(2).sum()

        return Objective(loss, output, target, units, sse, sse, sum_reduced=True)
    if loss == "perceptron":
        def errors(o: Tensor, y: Tensor) -> Tensor:  # o holds 0/1 step outputs
            return (o - y).abs().sum() / units

        return Objective(loss, "step", target, units, errors, errors, sum_reduced=True)
    raise TrainingError(f"Unknown loss '{loss}'.", kind="model")  # pragma: no cover - canonical_loss checked


# -- targets ---------------------------------------------------------------------------------------------
def target_encoding(loss: str, task: str, y: np.ndarray, units: int) -> str:
    """How targets are fed to ``loss``: class ids, class distributions, or float values."""
    if loss in CE_LOSSES:
        return "dist" if y.ndim == 2 and y.shape[1] > 1 else "index"
    return "float"


def prepare_targets(y: np.ndarray, objective: Objective, task: str, out_shape: tuple[int, ...],
                    what: str, layer: str) -> np.ndarray:
    """Targets as the loss wants them, or a TrainingError (kind "data") naming the mismatch."""
    units = objective.units
    y = np.asarray(y)
    integral = np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_)
    if objective.target == "index":
        y = y.reshape(len(y))
        if not integral:
            if not np.all(np.mod(y, 1) == 0):
                raise TrainingError(f"{what} has fractional targets, but {objective.loss} needs class ids; "
                                    "use a regression loss such as mse.", kind="data")
        y = y.astype(np.int64)
        if y.size and y.min() < 0:
            raise TrainingError(f"{what} has a negative class id ({int(y.min())}).", kind="data")
        if y.size and y.max() >= units:
            raise TrainingError(
                f"{what} has class ids up to {int(y.max())} ({int(y.max()) + 1} classes) but the output layer "
                f"'{layer}' has {units} unit{'s' if units != 1 else ''}; give it {int(y.max()) + 1} units.",
                kind="data")
        return y
    if objective.target == "dist":
        if y.shape[1] != units:
            raise TrainingError(f"{what} has one-hot targets over {y.shape[1]} classes but the output layer "
                                f"'{layer}' has {units} units.", kind="data")
        return y.astype(np.float32)
    # float targets shaped like the output
    per_sample = int(np.prod(out_shape)) if out_shape else 1
    if integral and task != "regression" and per_sample > 1 and (y.ndim == 1 or y.shape[1:] == (1,)):
        ids = y.reshape(-1).astype(np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= per_sample):
            raise TrainingError(f"{what} has class ids {int(ids.min())}..{int(ids.max())} but the output layer "
                                f"'{layer}' has {per_sample} units.", kind="data")
        out = np.zeros((len(ids), per_sample), dtype=np.float32)
        out[np.arange(len(ids)), ids] = 1.0
        return out.reshape((len(ids), *out_shape))
    target_size = int(np.prod(y.shape[1:])) if y.ndim > 1 else 1
    if target_size != per_sample:
        shape_text = "×".join(str(d) for d in out_shape) or "1"
        raise TrainingError(f"The model predicts {shape_text} value(s) per sample but {what} has {target_size} "
                            f"target value(s); set the output layer '{layer}' to {target_size} units.", kind="data")
    return y.astype(np.float32).reshape((len(y), *out_shape))


# -- metrics ---------------------------------------------------------------------------------------------
def predicted_classes(objective: Objective, out: Tensor) -> Tensor:
    if out.dim() > 1 and out.shape[1] > 1:
        return out.argmax(dim=1)
    flat = out.reshape(len(out))
    threshold = 0.0 if objective.output == "logits" else 0.5
    return (flat > threshold).long()


def target_classes(objective: Objective, y: Tensor) -> Tensor:
    if objective.target == "index":
        return y
    if y.dim() > 1 and y.shape[1] > 1:
        return y.argmax(dim=1)
    return (y.reshape(len(y)) > 0.5).long()


class MetricSums:
    """Running sums for the epoch's metrics, kept on the device so nothing syncs until ``values``."""

    def __init__(self, objective: Objective, metrics: list[str]) -> None:
        self.objective = objective
        self.metrics = metrics
        self.need_classes = "accuracy" in metrics
        self.need_errors = any(m in metrics for m in ("mae", "mse", "rmse"))
        self.correct: Tensor | float = 0.0
        self.abs_err: Tensor | float = 0.0
        self.sq_err: Tensor | float = 0.0
        self.count = 0
        self.elements = 0

    def update(self, out: Tensor, y: Tensor) -> None:
        if len(out) == 0:
            return
        self.count += len(out)
        if self.need_classes:
            hit = (predicted_classes(self.objective, out) == target_classes(self.objective, y)).sum()
            self.correct = self.correct + hit
        if self.need_errors:
            diff = out.float() - y.float()
            self.abs_err = self.abs_err + diff.abs().sum()
            self.sq_err = self.sq_err + diff.pow(2).sum()
            self.elements += diff.numel()

    def values(self) -> dict[str, float]:
        return self._from(float(self.correct), float(self.abs_err), float(self.sq_err), self.count, self.elements)

    def read(self) -> tuple[dict[str, float], dict[str, float]]:
        """(epoch-so-far values, values over the updates since the previous ``read``): one device read."""
        now = (float(self.correct), float(self.abs_err), float(self.sq_err), self.count, self.elements)
        before = getattr(self, "_mark", (0.0, 0.0, 0.0, 0, 0))
        self._mark = now
        delta = tuple(a - b for a, b in zip(now, before, strict=True))
        return self._from(*now), self._from(*delta)  # type: ignore[arg-type]

    def _from(self, correct: float, abs_err: float, sq_err: float, count: int, elements: int) -> dict[str, float]:
        out: dict[str, float] = {}
        if not count:
            return out
        if self.need_classes:
            out["accuracy"] = correct / count
        if self.need_errors and elements:
            mse = sq_err / elements
            for name in self.metrics:
                if name == "mae":
                    out["mae"] = abs_err / elements
                elif name == "mse":
                    out["mse"] = mse
                elif name == "rmse":
                    out["rmse"] = math.sqrt(mse) if math.isfinite(mse) else mse
        return {name: out[name] for name in self.metrics if name in out}


def usable_metrics(objective: Objective, metrics: list[str]) -> tuple[list[str], list[str]]:
    """(metrics the trainer computes, notes about the ones it leaves out and why)."""
    kept, notes = [], []
    for name in metrics:
        if name == "accuracy" and not objective.classifies:
            notes.append("accuracy is left out: the targets are numbers, not classes.")
        elif name in ("mae", "mse", "rmse") and objective.loss in CE_LOSSES:
            notes.append(f"{name} is left out: it measures numeric targets, and these are class ids.")
        else:
            kept.append(name)
    return kept, notes
