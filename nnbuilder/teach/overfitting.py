"""The overfitting hint: validation loss rising for several epochs while training loss still falls.

A pure rule over the per-epoch history (dicts with "loss" and "val_loss", as the trainer records them), so a
dashboard can show the sentence live and a test can check it on a recorded run. It asks for a trend, not one
bad epoch: validation loss is noisy, and a hint that cries wolf teaches students to ignore it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

PATIENCE = 3  # epochs without a new best validation loss before the hint may speak
MIN_RISE = 0.03  # the validation loss must be at least 3 % above its best
MIN_ABS_RISE = 0.01  # and 0.01 above it: near-zero losses wobble by large ratios
RECENT = 3  # "now" is the mean of the last epochs' validation losses, so one bad epoch is not a trend
NOISE_MULTIPLE = 2.0  # and the rise must be twice the curve's usual wobble from one epoch to the next
NOISE_EPOCHS = 10  # the wobble: the median epoch-to-epoch change over these last epochs


@dataclass(frozen=True)
class OverfittingHint:
    epoch: int  # 1-based, the last epoch of the history
    best_epoch: int  # 1-based epoch of the lowest validation loss
    best_val_loss: float
    val_loss: float
    train_loss_at_best: float
    train_loss: float

    @property
    def rising_epochs(self) -> int:
        return self.epoch - self.best_epoch

    @property
    def message(self) -> str:
        return (f"Overfitting: the validation loss has risen for {self.rising_epochs} epochs (from "
                f"{self.best_val_loss:.3f} at epoch {self.best_epoch} to {self.val_loss:.3f}) while the training "
                f"loss kept falling ({self.train_loss_at_best:.3f} → {self.train_loss:.3f}). The network is "
                "learning the training samples by heart. Stop earlier — early stopping with 'restore best "
                f"weights' keeps epoch {self.best_epoch}'s weights — or add Dropout between the Dense layers.")


def _series(history: Sequence[Mapping[str, float]], key: str) -> np.ndarray | None:
    values = [h.get(key) for h in history]
    if any(v is None for v in values):
        return None
    arr = np.asarray(values, dtype=np.float64)
    return arr if np.isfinite(arr).all() else None


def overfitting_hint(history: Sequence[Mapping[str, float]], patience: int = PATIENCE,
                     min_rise: float = MIN_RISE, min_abs_rise: float = MIN_ABS_RISE) -> OverfittingHint | None:
    """The hint for a run's history so far, or None while there is no sign of overfitting.

    Fires when all of these hold: the best validation loss is at least ``patience`` epochs old; the mean of the
    last ``RECENT`` validation losses is ``min_rise`` (relative) above it, and ``min_abs_rise`` and twice the
    curve's usual epoch-to-epoch wobble above it; validation loss has an upward trend since the best epoch
    (least-squares slope > 0); and training loss is lower now than at the best epoch with a downward trend.

    The mean and the wobble are there because a single noisy epoch fired it: the spiral playground's 200
    validation points wobble by ~0.01 an epoch, and the hint called a dip to 0.033 at epoch 94 followed by
    0.064 at epoch 100 "learning the training samples by heart", under curves that lie on each other.
    """
    val = _series(history, "val_loss")
    train = _series(history, "loss")
    if val is None or train is None or len(val) < patience + 2:
        return None
    best = int(np.argmin(val))
    since = len(val) - 1 - best
    if since < patience:
        return None
    now = float(val[-RECENT:].mean())
    wobble = float(np.median(np.abs(np.diff(val[-NOISE_EPOCHS - 1:]))))
    if now < val[best] * (1 + min_rise) or now < val[best] + max(min_abs_rise, NOISE_MULTIPLE * wobble):
        return None
    epochs = np.arange(best, len(val), dtype=np.float64)
    val_slope = np.polyfit(epochs, val[best:], 1)[0]
    train_slope = np.polyfit(epochs, train[best:], 1)[0]
    if val_slope <= 0 or train_slope >= 0 or train[-RECENT:].mean() >= train[best]:
        return None
    return OverfittingHint(epoch=len(val), best_epoch=best + 1, best_val_loss=float(val[best]),
                           val_loss=float(val[-1]), train_loss_at_best=float(train[best]),
                           train_loss=float(train[-1]))


def first_hint(history: Sequence[Mapping[str, float]], **kwargs: float) -> OverfittingHint | None:
    """The hint at the first epoch it would have fired during the run (what a live dashboard shows first)."""
    for n in range(1, len(history) + 1):
        hint = overfitting_hint(history[:n], **kwargs)  # type: ignore[arg-type]
        if hint is not None:
            return hint
    return None
