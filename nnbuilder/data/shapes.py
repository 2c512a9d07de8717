"""The shape of one sample of a built-in data set, worked out from its options without loading anything.

The editor checks the network's Input against it while the student draws: a mismatch (an Input of 28×28
with the 2-D spiral) is then a problem on the Input node at once, instead of a failure seconds after Train,
once torch and the data have loaded. Data sets read from the student's own files return None: their shape
is known only after reading them.
"""

from __future__ import annotations

from typing import Any

from .generated import GENERATED
from .registry import get_info

IMAGE_SIDE = 28
_GRAPH_FEATURES = {"karate_club": 34, "cora": 1433}
_CLASSES = {"fashion_mnist": 10, "mnist_test": 10, "karate_club": 2, "cora": 7, "ring8": 8}


def sample_shape(dataset_id: str, options: dict[str, Any] | None = None) -> tuple[int, ...] | None:
    """One sample's shape (without the batch axis), or None when only loading can tell."""
    try:
        info = get_info(dataset_id)
    except Exception:  # noqa: BLE001 - an unknown id is reported by the project reader, not here
        return None
    opts = {**info.defaults(), **(options or {})}
    if dataset_id in GENERATED or dataset_id == "ring8":
        return (2,)
    if dataset_id in ("fashion_mnist", "mnist_test"):
        if opts.get("flatten"):
            return (IMAGE_SIDE * IMAGE_SIDE,)
        return (1, IMAGE_SIDE, IMAGE_SIDE) if opts.get("channels") else (IMAGE_SIDE, IMAGE_SIDE)
    if dataset_id == "household_power":
        columns = list(opts.get("columns") or []) or ["Global_active_power"]
        return (int(opts["window"]), len(dict.fromkeys(columns)))
    if dataset_id in _GRAPH_FEATURES:
        return (_GRAPH_FEATURES[dataset_id],)
    return None


def class_count(dataset_id: str) -> int | None:
    """How many classes a built-in classification data set has, or None (regression, the student's files)."""
    if dataset_id in GENERATED:
        return 2
    return _CLASSES.get(dataset_id)
