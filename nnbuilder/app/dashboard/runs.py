"""What the dashboard remembers about each run: plain numpy buffers, no Qt.

Events append here as they arrive (cheap); the plots read the buffers from the refresh timer. Keeping the data
apart from the plot items is what lets the timer draw at a fixed rate whatever the event rate, and lets the
CSV export and the tests read the history without going through pyqtgraph.
"""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

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


def payload_bytes(payload: Any) -> int:
    """Roughly what a frame's payload holds in memory: its numpy arrays, one level into dataclasses and dicts."""
    total = 0
    values = [getattr(payload, f.name) for f in fields(payload)] if is_dataclass(payload) else [payload]
    for value in values:
        if isinstance(value, np.ndarray):
            total += value.nbytes
        elif isinstance(value, dict):
            total += sum(v.nbytes for v in value.values() if isinstance(v, np.ndarray))
    return total + 200


class SnapshotStore:
    """The frames of one run's views, kept so the run can be replayed after it ends (the timeline).

    Frames arrive in time order, per stream. Memory stays bounded and the kept frames stay evenly spread
    over the whole run: a stream keeps every ``stride``-th frame it received (plus always the newest), and
    when it holds more than ``per_stream`` frames, or the store passes ``budget`` bytes, the stride of that
    (the largest) stream doubles and the frames off the new stride go. Halving the list instead would keep
    thinning the oldest frames again each time, until the start of a long run was nearly gone.
    """

    def __init__(self, per_stream: int = 240, budget: int = 48 * 1024 * 1024) -> None:
        self.per_stream = max(4, int(per_stream))
        self.budget = int(budget)
        self._frames: dict[str, list[Any]] = {}
        self._positions: dict[str, list[float]] = {}
        self._numbers: dict[str, list[int]] = {}  # each kept frame's arrival number
        self._received: dict[str, int] = {}
        self._stride: dict[str, int] = {}
        self._bytes: dict[str, int] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._frames.values())

    @property
    def streams(self) -> list[str]:
        return [name for name, frames in self._frames.items() if frames]

    @property
    def nbytes(self) -> int:
        return sum(self._bytes.values())

    def add(self, frame: Any) -> None:
        """Keep ``frame`` (a ViewFrame) as the stream's newest."""
        name, position = frame.name, float(frame.position)
        frames = self._frames.setdefault(name, [])
        positions = self._positions.setdefault(name, [])
        numbers = self._numbers.setdefault(name, [])
        stride = self._stride.setdefault(name, 1)
        number = self._received.get(name, 0)
        self._received[name] = number + 1
        if numbers and numbers[-1] % stride:  # the previous newest was kept only for being the newest
            self._drop(name, len(frames) - 1)
        frames.append(frame)
        positions.append(position)
        numbers.append(number)
        self._bytes[name] = self._bytes.get(name, 0) + payload_bytes(frame.payload)
        if len(frames) > self.per_stream:
            self._coarsen(name)
        while self.nbytes > self.budget:
            largest = max(self._bytes, key=lambda n: self._bytes[n])
            if len(self._frames[largest]) <= 2:
                break
            self._coarsen(largest)

    def _drop(self, name: str, i: int) -> None:
        self._bytes[name] -= payload_bytes(self._frames[name].pop(i).payload)
        self._positions[name].pop(i)
        self._numbers[name].pop(i)

    def _coarsen(self, name: str) -> None:
        stride = self._stride[name] * 2
        self._stride[name] = stride
        numbers = self._numbers[name]
        keep = [i for i, n in enumerate(numbers) if n % stride == 0 or i == len(numbers) - 1]
        for key in ("_frames", "_positions", "_numbers"):
            store = getattr(self, key)
            store[name] = [store[name][i] for i in keep]
        self._bytes[name] = sum(payload_bytes(f.payload) for f in self._frames[name])

    def at(self, name: str, position: float) -> Any | None:
        """The newest frame of ``name`` taken at or before ``position`` (the first frame before any)."""
        positions = self._positions.get(name)
        if not positions:
            return None
        i = bisect.bisect_right(positions, float(position) + 1e-9) - 1
        return self._frames[name][max(i, 0)]

    def last(self, name: str) -> Any | None:
        frames = self._frames.get(name)
        return frames[-1] if frames else None

    def positions(self, name: str) -> list[float]:
        return list(self._positions.get(name, []))

    def frames(self, name: str) -> list[Any]:
        """The kept frames of ``name``, oldest first (the store's own list: read, don't change)."""
        return self._frames.get(name, [])

    def end(self) -> float:
        """The latest position any stream reached."""
        return max((p[-1] for p in self._positions.values() if p), default=0.0)

    def clear(self) -> None:
        for store in (self._frames, self._positions, self._numbers, self._received, self._stride, self._bytes):
            store.clear()


SMOOTHING_SPAN = 0.1  # epochs: the batch trace's EMA reaches back about this far at most


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
    _ema_kept: dict[str, float] = field(default_factory=dict)  # the product of the weights kept (to debias)
    _span_sum: float = 0.0  # epochs the batch points so far cover, and how many points: their mean span
    _span_count: int = 0
    finished: bool = False
    outcome: str = ""
    has_validation: bool = True  # the run has validation data (a GAN has none): dashed curves to explain
    # For the timeline: the views' frames, the data they were drawn over, and what a restart needs.
    snapshots: SnapshotStore = field(default_factory=SnapshotStore)
    data_view: Any = None  # the run's DataView
    start_epoch: int = 1
    initial_state: Any = None  # the weights the run started from ({model: {key: cpu tensor}}), or None
    settings: dict[str, str] | None = None  # run_settings() of the run, to label a restart by what changed
    continued: bool = False  # started from an earlier run's trained weights
    restarted_from: int | None = None  # the run whose initial weights this one started from

    def end_position(self) -> float:
        """Where the run got to, in epochs (the x of its last batch or epoch end, or its last frame)."""
        ends = [self.snapshots.end()]
        if len(self.batch_x):
            ends.append(float(self.batch_x.view()[-1]))
        if self.epoch_rows:
            ends.append(float(self.epoch_rows[-1]["epoch"]))
        return max(ends)

    def add_batches(self, x: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """Append batch points; each is the mean of the batches since the previous one.

        The smoothed trace is an EMA that weighs each point by the share of an epoch it covers, against the
        mean so far: points are paced by time, so one may cover a hundred batches and the next, cut short by
        an epoch's end, one. Weighed alike, the one-batch point of the XOR perceptron (a loss of 0 or 1) threw
        the thin line from 0.49 up to 0.69, a spike the epoch means (0.55) never had. And it smooths over no
        more than about SMOOTHING_SPAN of an epoch: where each point is already the mean of a whole epoch (a
        small data set), smoothing them again only made the line lag two epochs behind the epoch means
        (moons: 0.27 where the epoch said 0.195).
        """
        start = float(self.batch_x.view()[-1]) if len(self.batch_x) else float(self.start_epoch - 1)
        self.batch_x.extend(x)
        positions = np.asarray(x, dtype=np.float64)
        spans = np.diff(positions, prepend=start) if len(positions) else positions
        ratios = np.ones(len(spans))
        for i, span in enumerate(spans):
            if np.isfinite(span) and span > 0:
                self._span_sum += float(span)
                self._span_count += 1
                reference = min(self._span_sum / self._span_count, SMOOTHING_SPAN)
                ratios[i] = min(span / reference, 8.0)
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
            ema, kept = self._ema.get(name, 0.0), self._ema_kept.get(name, 1.0)
            out = np.empty(len(vals), dtype=np.float32)
            offset = len(ratios) - len(vals)  # a metric that appeared late lines up with the last points
            for i, v in enumerate(np.asarray(vals, dtype=np.float64)):  # debiased EMA (TensorBoard's), weighed
                if np.isfinite(v):
                    a = w ** ratios[offset + i] if offset + i >= 0 else w
                    ema = a * ema + (1 - a) * v
                    kept *= a
                out[i] = ema / (1 - kept) if kept < 1.0 else np.nan
            self._ema[name], self._ema_kept[name] = ema, kept
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
