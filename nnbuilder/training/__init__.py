"""Headless training: one run loop with pluggable steps, reporting plain events.

Importing this package does not import torch (the app imports it at start-up and pays for torch on a
worker thread via ``warm_up``); the heavy modules are loaded by ``Trainer`` when it is constructed.

    from nnbuilder.training import Trainer
    trainer = Trainer(project, callback=print)
    result = trainer.fit()          # Finished or Failed

Where things live (what the app builds against):

* ``events.py`` - the events (``TrainingStarted`` names the step, its losses, metrics and views;
  ``BatchEnd.losses``/``metrics`` are interval means, ``BatchEnd.running`` epoch-so-far means).
* ``steps/base.py`` - the ``Step`` protocol, the view names and how to plug in a new kind of training;
  ``steps/supervised.py`` (supervised, perceptron rule, graph/node classification) and ``steps/gan.py``.
* ``loop.py`` - ``RunLoop``: control (``pause``/``resume``/``stop``/``request_snapshot``, and
  ``step_once(which)`` while paused), pacing, NaN guard, faults, early stopping, best weights, checkpoints.
* ``split.py`` - ``Split``, the train/validation/test indices computed once (``Trainer.split``).
* ``gan_metrics.py`` - pure numpy: modes covered / high-quality share (VEEGAN) and failure hints (the same
  sentences arrive as ``EpochEnd.hints`` and ``Finished.hints``).
* ``faults.py`` - every exception -> (sentence, kind), by class: ``describe_fault`` during a run,
  ``describe_error`` around one (building a trainer, loading data or weights).
* ``samples.py`` - pure numpy/Pillow: ``sample_grid`` tiles generated images, ``write_samples`` .png/.npy.

``Trainer`` is the facade: it picks the step from the project (a generator and a discriminator graph make a
GAN run; otherwise the loss decides), and forwards control to its loop. ``trainer.step`` is the running
step (its probes feed the live views), ``trainer.split`` the split, ``trainer.step_once(which)`` a single
update while paused.
"""

from __future__ import annotations

from .devices import list_devices, pick_device, warm_up
from .errors import TrainingError
from .events import BatchEnd, EpochEnd, Failed, Finished, Snapshot, TrainingEvent, TrainingStarted
from .trainer import Trainer

__all__ = [
    "BatchEnd", "EpochEnd", "Failed", "Finished", "Snapshot", "Trainer", "TrainingError", "TrainingEvent",
    "TrainingStarted", "list_devices", "pick_device", "warm_up",
]
