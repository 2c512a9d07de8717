"""What the dashboard remembers about each run: plain numpy buffers, no Qt.

Events append here as they arrive (cheap); the plots read the buffers from the refresh timer. Keeping the data
apart from the plot items is what lets the timer draw at a fixed rate whatever the event rate, and lets the
CSV export and the tests read the history without going through pyqtgraph.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


class GrowingArray:
    """An append-only float32 vector with amortised O(1) appends and a zero-copy contiguous view."""

    def __init__(self, capacity: int = 256) -> None:
        self._buf = np.empty(capacity, dtype=np.float32)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def extend(self, values: np.ndarray | list[float]) -> None:
        values = np.asarray(values, dtype=np.float32).ravel()
        need = self._n + len(values)
        if need > len(self._buf):
            grown = np.empty(max(need, 2 * len(self._buf)), dtype=np.float32)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown
        self._buf[self._n : need] = values
        self._n = need

    def append(self, value: float) -> None:
        self.extend([value])

    def view(self) -> np.ndarray:
        return self._buf[: self._n]


@dataclass
class RunRecord:
    """One training run: batch values (raw and smoothed), epoch logs and its legend label."""

    index: int
    label: str
    color: tuple[int, int, int]
    smoothing: float = 0.6  # EMA weight per point; points arrive every ~50 ms or per epoch, not per batch
    batch_x: GrowingArray = field(default_factory=GrowingArray)
    batch_raw: dict[str, GrowingArray] = field(default_factory=dict)
    batch_smooth: dict[str, GrowingArray] = field(default_factory=dict)
    epoch_x: dict[str, GrowingArray] = field(default_factory=dict)  # log key -> epochs at which it was logged
    epoch_values: dict[str, GrowingArray] = field(default_factory=dict)
    epoch_rows: list[dict[str, float]] = field(default_factory=list)
    _ema: dict[str, float] = field(default_factory=dict)
    _ema_steps: dict[str, int] = field(default_factory=dict)
    finished: bool = False
    outcome: str = ""

    def add_batches(self, x: np.ndarray, values: dict[str, np.ndarray]) -> None:
        self.batch_x.extend(x)
        w = self.smoothing
        for name, vals in values.items():
            raw = self.batch_raw.setdefault(name, GrowingArray())
            smooth = self.batch_smooth.setdefault(name, GrowingArray())
            # Keep all three buffers the same length even if a metric appears late.
            missing = len(self.batch_x) - len(vals) - len(raw)
            if missing > 0:
                raw.extend(np.full(missing, np.nan, dtype=np.float32))
                smooth.extend(np.full(missing, np.nan, dtype=np.float32))
            raw.extend(vals)
            ema, steps = self._ema.get(name, 0.0), self._ema_steps.get(name, 0)
            out = np.empty(len(vals), dtype=np.float32)
            for i, v in enumerate(np.asarray(vals, dtype=np.float64)):  # debiased EMA (TensorBoard's)
                if np.isfinite(v):
                    steps += 1
                    ema = w * ema + (1 - w) * v
                out[i] = ema / (1 - w**steps) if steps else np.nan
            self._ema[name], self._ema_steps[name] = ema, steps
            smooth.extend(out)

    def add_epoch(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch_rows.append({"epoch": float(epoch), **{k: float(v) for k, v in logs.items()}})
        for key, value in logs.items():
            self.epoch_x.setdefault(key, GrowingArray()).append(float(epoch))
            self.epoch_values.setdefault(key, GrowingArray()).append(float(value))


PLOTTED_SKIP = {"lr", "seconds", "time", "epoch"}
# Values that share a plot with others, because they are read against each other: a GAN's two losses (D's
# against G's, in the loss plot) and D's mean output on real and on generated samples.
SHARED_PLOTS = {"loss_D": "loss", "loss_G": "loss", "D_x": "d_output", "D_G_z": "d_output"}
SERIES_NAMES = {"loss_D": "loss D", "loss_G": "loss G", "D_x": "D(x) real", "D_G_z": "D(G(z)) generated"}


def base_key(log_key: str) -> str:
    """'val_accuracy' -> 'accuracy': the value a log key measures, on training or validation data."""
    return log_key[4:] if log_key.startswith("val_") else log_key


def plot_name(log_key: str) -> str | None:
    """Which plot an epoch log key belongs to: 'val_accuracy' -> 'accuracy', 'loss_G' -> 'loss'; None for
    non-curves like 'lr'."""
    base = base_key(log_key)
    return None if base in PLOTTED_SKIP else SHARED_PLOTS.get(base, base)


def write_history_csv(runs: list[RunRecord], path: str | Path) -> int:
    """Write one row per run and epoch (run, label, epoch, every logged value); returns the row count."""
    keys: list[str] = []
    for run in runs:
        for row in run.epoch_rows:
            for k in row:
                if k != "epoch" and k not in keys:
                    keys.append(k)
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["run", "label", "epoch", *keys])
        for run in runs:
            for row in run.epoch_rows:
                writer.writerow([run.index, run.label, int(row["epoch"]),
                                 *[("" if k not in row else repr(row[k])) for k in keys]])
                count += 1
    return count
