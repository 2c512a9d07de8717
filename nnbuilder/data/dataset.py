"""The containers every loader returns.

Loaders do all validation up front, so a ``Dataset`` that exists is complete and consistent: the trainer and
the app never have to guess whether a shape or dtype is right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import DataError
from .preprocessing import Arrays, split_indices, train_val_split

if TYPE_CHECKING:  # pragma: no cover - typing only; torch is imported lazily at run time
    import torch

TASKS = ("classification", "regression", "node_classification")
CATEGORIES = ("Generated 2-D", "Images", "Time series", "Graphs", "Files")

# Dense adjacency is simpler for torch.mm and fast for small graphs; above this size a dense matrix wastes
# memory quadratically (Cora would be 29 MB dense, 50 kB sparse).
DENSE_ADJACENCY_MAX_NODES = 1000
#: Class ids count 0, 1, 2, ...; a few gaps are fine, but ids far beyond the number of labels (a 1 KB file
#: holding the id 2147483647) would make a class list that fills memory, so they are refused.
MAX_CLASSES = 100_000
MIN_CLASS_ID_ROOM = 1000


def class_count(labels: list[np.ndarray | None], source: str) -> int:
    """Classes implied by whole-number class ids (largest id + 1), bounded by what the labels can hold."""
    arrays = [a for a in labels if a is not None and a.size]
    if not arrays:
        return 1
    top = max(int(a.max()) for a in arrays)
    held = sum(int(a.size) for a in arrays)
    limit = min(MAX_CLASSES, max(held, MIN_CLASS_ID_ROOM))
    if top >= limit:
        raise DataError(
            f"The labels in {source} go up to {top:,}, but {held:,} labels cannot need that many classes; class ids "
            f"should count 0, 1, 2, ... (here at most {limit:,} classes)."
        )
    return top + 1


@dataclass
class GraphData:
    """Graph structure for node classification; node features and labels live in the owning ``Dataset``."""

    num_nodes: int
    edges: np.ndarray
    train_mask: np.ndarray
    val_mask: np.ndarray
    test_mask: np.ndarray

    def __post_init__(self) -> None:
        self.edges = np.asarray(self.edges, dtype=np.int64).reshape(2, -1)
        if self.edges.size and (self.edges.min() < 0 or self.edges.max() >= self.num_nodes):
            raise DataError(f"The graph has an edge to a node outside 0..{self.num_nodes - 1}.")
        for name in ("train_mask", "val_mask", "test_mask"):
            mask = np.asarray(getattr(self, name), dtype=bool)
            if mask.shape != (self.num_nodes,):
                raise DataError(f"The graph's {name} has shape {mask.shape}, expected ({self.num_nodes},).")
            setattr(self, name, mask)

    @property
    def num_edges(self) -> int:
        return int(self.edges.shape[1])

    def normalized_adjacency(self, sparse: bool | None = None) -> torch.Tensor:
        """GCN propagation matrix D^-1/2 (A + I) D^-1/2 (Kipf & Welling 2017) as float32.

        Self-loops keep each node's own features in the average, and the symmetric scaling keeps repeated
        propagation from blowing up or vanishing with node degree. Edges are treated as undirected and unweighted;
        duplicate edges count once. ``sparse=None`` picks dense for graphs up to DENSE_ADJACENCY_MAX_NODES nodes.
        """
        import torch

        n = self.num_nodes
        src, dst = self.edges
        off = src != dst
        rows = np.concatenate([src[off], dst[off], np.arange(n)])
        cols = np.concatenate([dst[off], src[off], np.arange(n)])
        # Deduplicate (i, j) pairs so an edge listed twice is not counted twice.
        keys = np.unique(rows * n + cols)
        rows, cols = keys // n, keys % n
        degree = np.bincount(rows, minlength=n).astype(np.float64)
        inv_sqrt = 1.0 / np.sqrt(degree)
        values = (inv_sqrt[rows] * inv_sqrt[cols]).astype(np.float32)
        if sparse is None:
            sparse = n > DENSE_ADJACENCY_MAX_NODES
        if not sparse:
            dense = np.zeros((n, n), dtype=np.float32)
            dense[rows, cols] = values
            return torch.from_numpy(dense)
        index = torch.from_numpy(np.stack([rows, cols]).astype(np.int64))
        # The unique keys are already in row-major order, i.e. coalesced; checking the invariants is cheap.
        return torch.sparse_coo_tensor(
            index, torch.from_numpy(values), (n, n), is_coalesced=True, check_invariants=True
        )


@dataclass
class Dataset:
    """A loaded data set, ready for training: arrays in the dtypes PyTorch expects, plus what the app shows."""

    id: str
    title: str
    task: str
    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    class_names: list[str] | None
    graph: GraphData | None = None
    attribution: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise DataError(f"Data set '{self.id}' has unknown task '{self.task}'.")
        if len(self.x) != len(self.y):
            raise DataError(f"Data set '{self.id}' has {len(self.x)} inputs but {len(self.y)} targets.")
        if (self.x_test is None) != (self.y_test is None):
            raise DataError(f"Data set '{self.id}' has test inputs without test targets or the reverse.")
        if self.x_test is not None and self.y_test is not None and len(self.x_test) != len(self.y_test):
            raise DataError(
                f"Data set '{self.id}' has {len(self.x_test)} test inputs but {len(self.y_test)} test targets."
            )

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self.x.shape[1:])

    @property
    def target_shape(self) -> tuple[int, ...]:
        """Per-sample target shape: () for class ids, (k,) for regression targets."""
        return tuple(int(d) for d in self.y.shape[1:])

    @property
    def num_classes(self) -> int | None:
        if self.task == "regression":
            return None
        if self.class_names is not None:
            return len(self.class_names)
        if not self.y.size:
            return 0
        return class_count([self.y, self.y_test], f"data set '{self.id}'")

    @property
    def is_time_series(self) -> bool:
        return bool(self.extra.get("time_series", False))

    def split_indices(
        self, validation_split: float, seed: int, shuffle: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Row indices of the training and validation parts; see ``split`` for the rules.

        Exposed separately so a trainer can index lazily (e.g. a torch Subset) instead of copying arrays.
        """
        if self.graph is not None:
            return np.flatnonzero(self.graph.train_mask), np.flatnonzero(self.graph.val_mask)
        if not self.is_time_series:
            return split_indices(len(self.x), validation_split, seed, shuffle)
        # Time series: the validation block is the last windows; training keeps only windows whose whole span
        # (inputs and targets) ends before the first validation window starts, so no time step is seen twice.
        n = len(self.x)
        train_idx, val_idx = split_indices(n, validation_split, seed, shuffle=False)
        starts = self.extra.get("window_start")
        span = self.extra.get("window_span")
        if starts is None or span is None or val_idx.size == 0:
            return train_idx, val_idx
        starts = np.asarray(starts)
        first_val_start = starts[val_idx].min()
        train_idx = train_idx[starts[train_idx] + int(span) <= first_val_start]
        if train_idx.size == 0:
            raise DataError(
                f"Validation split {validation_split} leaves no training windows in '{self.id}'; "
                "use a smaller validation split or a shorter window."
            )
        return train_idx, val_idx

    def split(self, validation_split: float, seed: int, shuffle: bool = True) -> tuple[Arrays, Arrays]:
        """Training and validation parts of (x, y), reproducible from ``seed``.

        Time series (``extra["time_series"]``) are never shuffled: validation is the last part of the series and
        training windows overlapping it in time are dropped, so validation never leaks into training. Graph data
        sets return the nodes of ``graph.train_mask`` / ``graph.val_mask`` (``validation_split`` is ignored);
        a GCN should instead feed all nodes and apply the masks to the loss.
        """
        if self.graph is None and not self.is_time_series:
            return train_val_split(self.x, self.y, validation_split, seed, shuffle)
        train_idx, val_idx = self.split_indices(validation_split, seed, shuffle)
        return (self.x[train_idx], self.y[train_idx]), (self.x[val_idx], self.y[val_idx])


@dataclass(frozen=True)
class OptionSpec:
    """One loader option, described well enough for the app to build a form field and validate it.

    kind: "int", "float", "bool", "choice", "str", "path", "column" (a column name or 0-based index) or
    "columns" (a list of those). ``range`` is inclusive (min, max) for numbers; ``choices`` lists allowed values.
    """

    name: str
    kind: str
    default: Any
    doc: str
    choices: tuple[Any, ...] | None = None
    range: tuple[float, float] | None = None
    required: bool = False


@dataclass(frozen=True)
class DatasetInfo:
    """A registry entry: what the data-set picker shows, without loading anything."""

    id: str
    title: str
    category: str
    description: str
    task: str
    options: list[OptionSpec] = field(default_factory=list)
    attribution: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", list(self.options))

    def defaults(self) -> dict[str, Any]:
        return {o.name: (list(o.default) if isinstance(o.default, list) else o.default) for o in self.options}
