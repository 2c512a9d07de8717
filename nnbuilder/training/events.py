"""What the trainer reports while it runs: plain dataclasses sent to a plain callback.

The app's worker forwards these across threads, so they hold only numbers, strings and numpy
arrays (copies), never tensors that the training thread keeps mutating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TrainingStarted:
    epochs: int
    batches_per_epoch: int
    num_train: int
    num_val: int
    device: str
    task: str  # classification | regression | node_classification
    metrics: list[str]
    start_epoch: int = 1  # > 1 when continuing from kept weights
    notes: list[str] = field(default_factory=list)  # things the student should know (metric left out, no AMP on CPU)


@dataclass
class BatchEnd:
    epoch: int  # 1-based
    batch: int  # 1-based within the epoch
    batches: int
    loss: float
    metrics: dict[str, float]
    samples_per_second: float


@dataclass
class EpochEnd:
    epoch: int
    epochs: int
    logs: dict[str, float]  # loss, accuracy, val_loss, val_accuracy, ...
    seconds: float
    lr: float = 0.0


@dataclass
class Snapshot:
    """Weights and gradient health, sent when asked for (the dashboard's weight views)."""

    epoch: int
    batch: int
    weights: dict[str, Any] = field(default_factory=dict)  # module name -> numpy array (weight matrix / filters)
    grad_norms: dict[str, float] = field(default_factory=dict)  # module name -> L2 norm of its gradients
    dead_units: dict[str, float] = field(default_factory=dict)  # ReLU-like module name -> share of dead units


@dataclass
class Finished:
    history: list[dict[str, float]]
    stopped_early: bool = False
    stopped_by_user: bool = False
    best_epoch: int | None = None
    test_logs: dict[str, float] | None = None
    message: str = ""


@dataclass
class Failed:
    message: str  # a sentence for a student: what happened and what to try
    kind: str = "runtime"  # nan | oom | runtime | data | model
    epoch: int | None = None
    batch: int | None = None


TrainingEvent = TrainingStarted | BatchEnd | EpochEnd | Snapshot | Finished | Failed
