"""The training-step protocol: what one kind of training (supervised, perceptron, graph, GAN) provides.

The run loop (``nnbuilder.training.loop.RunLoop``) owns everything that is the same for every kind of
training: pause/resume/stop, single steps taken by hand while paused, event pacing, the NaN/inf guard and
its sentence, fault classification, early stopping, best-weight restore, checkpoints, devices and seeds.
A *step* owns only what differs: its models and optimizers, how one epoch of updates goes, its named losses
and metrics, and the live views it can feed.

How to plug in a new kind of training
-------------------------------------
Write a class with the attributes and methods of ``Step`` below (no base class needed; ``Step`` is a
``typing.Protocol``). In ``run_epoch`` do the updates batch by batch; after a batch, when ``ctx.due()`` is
true, read your pending device values, pass any loss tensors through ``ctx.check_finite`` (the loop turns
a non-finite value into the plain NaN message) and call ``ctx.report(...)`` with *interval* means - that
emits ``BatchEnd`` and serves pause/stop, so a step never looks at control itself. Name your losses and
metrics in ``losses``/``metrics`` and the views you feed in ``views``; then pick the step in
``nnbuilder.training.steps.make_step``. The app's worker computes each view's data by calling the step's
probes (the methods listed per kind below) from the training callback, i.e. on the training thread, or
while the run is paused or finished.

Probes a view may call
----------------------
* every step: ``models`` (name -> ``nn.Module``), ``split`` (``nnbuilder.training.split.Split``)
* supervised / perceptron / graph: ``predict(x) -> np.ndarray`` (probabilities or values)
* GAN (``steps/gan.py``): ``fixed_noise`` (the noise batch whose samples the gallery shows, fixed for the
  run), ``sample_noise(n, seed=None)``, ``generate(noise) -> np.ndarray`` (samples in the data's shape),
  ``discriminate(points) -> np.ndarray`` (D's probability that each sample is real, shape (N,)),
  ``generator_gradient(points) -> np.ndarray`` (the direction the generator's loss pushes each sample,
  -dL_G/dx, the arrows of GAN Lab), ``real_samples(n) -> np.ndarray``.

Single steps by hand (GAN Lab's step buttons): while paused, ``RunLoop.step_once(which)`` (or
``Trainer.step_once``) with ``which`` in ``step.manual_steps`` - "D", "G", "both" for a GAN; "both" for
mini-batch training; none for the perceptron rule and graphs - queues one update that the loop thread runs
at once; its losses arrive as a ``BatchEnd`` with ``manual`` set to ``which``. Other values raise
``TrainingError`` at the call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

#: View names a step may list in ``views`` (the dashboard registers one panel per name).
VIEW_CURVES = "curves"  # loss and metric curves (every step)
VIEW_WEIGHTS = "weights"  # weight matrices / filters / gradient health from ``Snapshot`` events
VIEW_BOUNDARY = "boundary"  # 2-D classifier: decision regions from ``predict`` on a grid
VIEW_GALLERY = "gallery"  # image classifier: sample images with predictions
VIEW_SERIES = "series"  # time series: forecast against the truth
VIEW_GAN_SAMPLES = "gan_samples"  # GAN: grid of samples of ``fixed_noise`` (images or 2-D scatter)
VIEW_GAN_LAB = "gan_lab"  # GAN on 2-D data: real + fake points, D heatmap, generator-gradient arrows


@dataclass
class Plan:
    """What a step tells the loop (and ``TrainingStarted``) before the first epoch."""

    num_train: int
    num_val: int
    batches_per_epoch: int
    notes: list[str] = field(default_factory=list)


class RunContext(Protocol):
    """What the run loop hands a step inside ``run_epoch``."""

    epoch: int

    def due(self) -> bool:
        """True when a ``BatchEnd`` is due (the pacing interval passed, or a control request waits)."""
        ...

    def check_finite(self, values: Any, first_batch: int, names: list[str] | None = None) -> None:
        """Raise the loop's NaN fault when a (stacked) loss tensor holds NaN or inf; ``first_batch`` is the
        1-based batch of its first row, so the message names the batch where it started."""
        ...

    def report(self, batch: int, batches: int, losses: dict[str, float], metrics: dict[str, float],
               running: dict[str, float], samples: int) -> None:
        """Emit one ``BatchEnd`` (interval ``losses``/``metrics``) and serve pause/stop/snapshot requests."""
        ...


@runtime_checkable
class Step(Protocol):
    """One kind of training. See the module docstring for how the loop drives it."""

    kind: str  # supervised | perceptron | graph | gan
    task: str  # classification | regression | node_classification | generation
    losses: list[str]  # names of the values in BatchEnd.losses, the first is the main one
    metrics: list[str]
    views: list[str]
    manual_steps: tuple[str, ...]  # what step_once accepts (empty: no single steps)
    uses_early_stopping: bool  # whether training.early_stopping applies
    models: dict[str, Any]  # name -> torch.nn.Module; the loop copies/restores their states
    optimizers: dict[str, Any]  # name -> torch.optim.Optimizer, made by make_optimizers
    split: Any  # nnbuilder.training.split.Split, set by the first prepare()
    batch_size: int
    stop_requested: Any  # set by the loop: () -> bool, checked inside long evaluations

    def prepare(self) -> Plan:
        """Tensors, loss and checks; raises TrainingError with a sentence. Cheap when called again."""
        ...

    def make_optimizers(self, epochs: int) -> None:
        """(Re)create optimizers and schedules; called before the first epoch and after a fault."""
        ...

    def has_optimizers(self) -> bool:
        ...

    def drop_optimizers(self) -> None:
        """Forget optimizer state (after a NaN its moment estimates are NaN too)."""
        ...

    def begin(self, seed: int, fresh: bool) -> None:
        """Seed the step's own generators (shuffling, noise) at the start of a run; ``fresh`` is a new run."""
        ...

    def run_epoch(self, epoch: int, ctx: RunContext) -> dict[str, float]:
        """Train one epoch, calling ``ctx.report`` as batches finish; return the epoch's logs (with val_)."""
        ...

    def manual_step(self, which: str) -> dict[str, float]:
        """One update taken by hand while paused; returns its losses/metrics."""
        ...

    def test_logs(self) -> dict[str, float] | None:
        ...

    def lr(self, name: str | None = None) -> float:
        """The current learning rate (of the optimizer behind loss ``name`` for a GAN: loss_D -> D's)."""
        ...

    def optimizer_name(self, name: str | None = None) -> str:
        """sgd, adam, ... (for the NaN sentence, which advises per optimizer)."""
        ...

    def end_epoch(self) -> None:
        """Advance learning-rate schedules."""
        ...

    def epoch_hints(self, history: list[dict[str, float]]) -> list[str]:
        """Plain sentences about how the run is going (a GAN's failure modes); empty when fine."""
        ...

    def snapshot(self, epoch: int, batch: int) -> Any:
        """A ``Snapshot`` event of weights and gradient health (served on request)."""
        ...

    def state_module(self) -> Any:
        """The ``nn.Module`` whose state dict is the weights file (a GAN: both networks, prefixed)."""
        ...

    def layer_names(self) -> dict[str, str]:
        """Top-level module name in ``state_module`` -> the layer's name on the canvas (for load errors)."""
        ...
