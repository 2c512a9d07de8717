"""Per-epoch decisions: early stopping, best-epoch tracking, and the words for a NaN.

Plain Python on floats (no torch), so the rules are easy to test and read; the trainer does the
weight copying they ask for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def mode_for(monitor: str) -> str:
    """'max' for scores that grow when the model improves (accuracy), 'min' for losses and errors."""
    return "max" if monitor.removeprefix("val_") == "accuracy" else "min"


@dataclass
class BestTracker:
    """Remembers the best value of a monitored log entry; ``update`` says whether this epoch is a new best.

    ``min_delta`` follows Keras: an improvement must beat the best by more than min_delta.
    """

    monitor: str
    min_delta: float = 0.0
    best: float | None = None
    best_epoch: int | None = None

    @property
    def mode(self) -> str:
        return mode_for(self.monitor)

    def update(self, epoch: int, logs: dict[str, float]) -> bool:
        value = logs.get(self.monitor)
        if value is None or not math.isfinite(value):
            return False
        delta = abs(self.min_delta)
        if self.best is None:
            improved = True
        elif self.mode == "max":
            improved = value - delta > self.best
        else:
            improved = value + delta < self.best
        if improved:
            self.best, self.best_epoch = value, epoch
        return improved


@dataclass
class EarlyStopping:
    """Stop after ``patience`` epochs without improvement of ``monitor`` (Keras' EarlyStopping)."""

    tracker: BestTracker
    patience: int = 5
    wait: int = 0

    def update(self, epoch: int, logs: dict[str, float]) -> bool:
        """Record an epoch; True when training should stop now."""
        if self.tracker.update(epoch, logs):
            self.wait = 0
            return False
        self.wait += 1
        return self.wait >= max(1, self.patience)


def resolve_monitor(monitor: str, has_validation: bool) -> tuple[str, str | None]:
    """The log key to watch, and a note when it had to change (no validation data -> training value)."""
    key = (monitor or "val_loss").strip()
    aliases = {"acc": "accuracy", "val_acc": "val_accuracy"}
    key = aliases.get(key, key)
    if key.startswith("val_") and not has_validation:
        plain = key.removeprefix("val_")
        return plain, f"There is no validation data, so early stopping watches '{plain}' instead of '{key}'."
    return key, None


def high_lr(optimizer: str, lr: float) -> bool:
    """Whether ``lr`` is far above what the optimizer usually tolerates (adaptive ones want ~1e-3)."""
    limit = 0.5 if optimizer in ("sgd",) else 0.05
    return lr > limit


def format_lr(lr: float) -> str:
    """5.0, 0.001, 1e+06: plain decimals where they read well, exponents for the extremes."""
    return repr(float(lr)) if 1e-4 <= abs(lr) < 1e5 else f"{lr:g}"


def nan_message(value: float, epoch: int, batch: int, optimizer: str, lr: float, data_ok: bool = True) -> str:
    """The sentence a student sees when the loss stops being a number."""
    what = "NaN" if math.isnan(value) else "infinite"
    where = f"loss became {what} at epoch {epoch} batch {batch}"
    if high_lr(optimizer, lr):
        return f"{where}: learning rate {format_lr(lr)} is probably too high; try {0.01 if optimizer == 'sgd' else 0.001}."
    if not data_ok:
        return f"{where}: the data contains missing or infinite values."
    return (f"{where}: the weights blew up; try a smaller learning rate (now {format_lr(lr)}), standardising the "
            "inputs, or a loss that suits the output layer.")
