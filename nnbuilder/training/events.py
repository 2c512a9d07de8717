"""What a training run reports while it runs: plain dataclasses sent to a plain callback.

The app's worker forwards these across threads, so they hold only numbers, strings and numpy
arrays (copies), never tensors that the training thread keeps mutating.

Aggregates: ``BatchEnd.losses`` and ``BatchEnd.metrics`` are *interval* means over the batches since the
previous ``BatchEnd`` of the same epoch (a curve can plot them as they come); ``BatchEnd.running`` holds the
epoch-so-far means (what a Keras-style progress bar shows). ``EpochEnd.logs`` are the epoch's values.
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
    task: str  # classification | regression | node_classification | generation
    metrics: list[str]
    start_epoch: int = 1  # > 1 when continuing from kept weights
    notes: list[str] = field(default_factory=list)  # things the student should know (metric left out, no AMP on CPU)
    step: str = "supervised"  # supervised | perceptron | graph | gan: which training step runs
    losses: list[str] = field(default_factory=lambda: ["loss"])  # the names BatchEnd.losses will carry
    views: list[str] = field(default_factory=list)  # live views the step offers, e.g. "curves", "gan_lab"
    precision: str = "float32"  # "bfloat16" or "float16" when the forward passes run in mixed precision

    @property
    def where(self) -> str:
        """The device, and the precision when it is mixed: "cpu", "cuda:0 in float16 mixed precision"."""
        return self.device if self.precision == "float32" else f"{self.device} in {self.precision} mixed precision"


@dataclass
class BatchEnd:
    epoch: int  # 1-based
    batch: int  # 1-based within the epoch: the last batch this event covers
    batches: int
    loss: float  # running (epoch-so-far) mean of the step's first loss; kept for simple callers
    metrics: dict[str, float]  # interval values over the batches since the previous BatchEnd
    samples_per_second: float
    losses: dict[str, float] = field(default_factory=dict)  # interval means, e.g. {"loss_D": .., "loss_G": ..}
    running: dict[str, float] = field(default_factory=dict)  # epoch-so-far means of losses and metrics
    samples: int = 0  # training samples the interval covered
    manual: str = ""  # "D", "G" or "both" when this was one step taken by hand while paused


@dataclass
class EpochEnd:
    epoch: int
    epochs: int
    logs: dict[str, float]  # loss, accuracy, val_loss, val_accuracy, ... (GAN: loss_D, loss_G, D_x, D_G_z, ...)
    seconds: float
    lr: float = 0.0
    hints: list[str] = field(default_factory=list)  # plain sentences about how the run goes (a GAN's failures)


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
    hints: list[str] = field(default_factory=list)  # e.g. a GAN's "the discriminator won" sentences
    # the epoch whose weights the model holds after early stopping restored its best ones (None: the last)
    restored_epoch: int | None = None


@dataclass
class Failed:
    message: str  # a sentence for a student: what happened and what to try
    kind: str = "runtime"  # nan | oom | runtime | data | model
    epoch: int | None = None
    batch: int | None = None


TrainingEvent = TrainingStarted | BatchEnd | EpochEnd | Snapshot | Finished | Failed
