"""Headless training: ``Trainer`` runs a project's network on its data set and reports plain events.

Importing this package does not import torch (the app imports it at start-up and pays for torch on a
worker thread via ``warm_up``); the heavy modules are loaded by ``Trainer`` when it is constructed.

    from nnbuilder.training import Trainer
    trainer = Trainer(project, callback=print)
    result = trainer.fit()          # Finished or Failed
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
