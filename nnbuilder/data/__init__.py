"""Headless data layer: built-in and user data sets as numpy arrays, ready for the trainer.

No Qt here, and no torch at import time (the app must start without paying for it): torch is imported only
inside ``GraphData.normalized_adjacency``. Every failure a student can cause surfaces as ``DataError``.
"""

from __future__ import annotations

from .dataset import Dataset, DatasetInfo, GraphData, OptionSpec
from .download import download_dataset
from .errors import DataError
from .preprocessing import (
    SCALINGS,
    Arrays,
    make_windows,
    minmax_scale,
    one_hot,
    split_indices,
    standardize,
    train_val_split,
)
from .registry import get_info, list_datasets, load_dataset, validate_options

__all__ = [
    "SCALINGS",
    "Arrays",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "GraphData",
    "OptionSpec",
    "download_dataset",
    "get_info",
    "list_datasets",
    "load_dataset",
    "make_windows",
    "minmax_scale",
    "one_hot",
    "split_indices",
    "standardize",
    "train_val_split",
    "validate_options",
]
