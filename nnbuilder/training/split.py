"""The train / validation / test split, computed once per run by the core and read by every consumer.

The trainer computes a ``Split`` when it prepares its data and exposes it as ``Trainer.split`` (and
``step.split``); the app's worker, views and evaluation read these indices instead of recomputing them, so
the rows a boundary or gallery view calls "validation" are the rows the trainer validated on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Split:
    """Row indices into ``dataset.x`` (int64, read-only); ``test`` indexes ``dataset.x`` only for graph
    data sets (their test nodes); otherwise the test part is ``dataset.x_test`` as a whole."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray | None = None
    test_is_separate: bool = False  # True when the test part is dataset.x_test / y_test

    @property
    def num_train(self) -> int:
        return int(len(self.train))

    @property
    def num_val(self) -> int:
        return int(len(self.val))


def _frozen(a: Any) -> np.ndarray:
    arr = np.array(a, dtype=np.int64, copy=True)
    arr.setflags(write=False)
    return arr


def compute_split(dataset: Any, validation_split: float, seed: int) -> Split:
    """The split for ``dataset`` under the project's validation share and seed (the trainer's rules:
    shuffled rows, time series in order, graph data sets by their masks). Raises the data set's DataError."""
    train, val = dataset.split_indices(float(validation_split), int(seed), shuffle=True)
    graph = getattr(dataset, "graph", None)
    if graph is not None:
        return Split(_frozen(train), _frozen(val), _frozen(np.flatnonzero(graph.test_mask)), False)
    separate = getattr(dataset, "x_test", None) is not None and len(dataset.x_test) > 0
    return Split(_frozen(train), _frozen(val), None, separate)
