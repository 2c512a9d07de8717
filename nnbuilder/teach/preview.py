""""Look at your data first": what the data-first preview shows for each kind of data set.

The lecture looks at "the first 25" training pictures before building anything. The same idea for the other
kinds: the points of a 2-D set coloured by class, the series a forecaster learns from (in its own units), the
graph of a node-classification set, and the first rows of a table. "First" means the data set's own order (the
rows of the training file), as in the lecture, not a shuffled split.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .graph_layout import sample_nodes, spring_layout, subgraph_edges

FIRST = 25
MAX_SERIES_ROWS = 1000
MAX_GRAPH_NODES = 300


@dataclass
class Preview:
    kind: str  # "images", "points", "series", "graph" or "table"
    title: str
    summary: str
    images: np.ndarray | None = None  # (n, H, W) grey or (n, H, W, 3) colour, values in [0, 1]
    labels: list[str] = field(default_factory=list)
    points: np.ndarray | None = None  # (n, 2)
    classes: np.ndarray | None = None  # (n,) int
    class_names: list[str] = field(default_factory=list)
    series: np.ndarray | None = None  # (rows,) values in the data's units
    times: np.ndarray | None = None  # (rows,) seconds since the epoch, or row numbers
    series_name: str = ""
    edges: np.ndarray | None = None  # (2, e) among the shown nodes
    rows: list[list[str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    attribution: str = ""


def _label(ds: Any, y: Any) -> str:
    if ds.task == "regression":
        v = np.asarray(y).reshape(-1)
        return ", ".join(f"{x:.3g}" for x in v[:3]) + ("…" if v.size > 3 else "")
    cls = int(np.asarray(y).reshape(-1)[0])
    names = ds.class_names or []
    return names[cls] if 0 <= cls < len(names) else str(cls)


def _as_images(x: np.ndarray) -> np.ndarray | None:
    """(n, H, W) or (n, H, W, 3) in [0, 1] from the layouts loaders give, or None when x is not pictures."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 2:
        side = int(round(np.sqrt(arr.shape[1])))
        if side * side != arr.shape[1] or side < 8:
            return None
        arr = arr.reshape(len(arr), side, side)
    elif arr.ndim == 4 and arr.shape[1] in (1, 3):
        arr = arr[:, 0] if arr.shape[1] == 1 else np.moveaxis(arr, 1, -1)
    elif arr.ndim != 3:
        return None
    top = float(arr.max()) if arr.size else 1.0
    return np.clip(arr / (255.0 if top > 1.0 else 1.0), 0.0, 1.0)


def build_preview(ds: Any) -> Preview:
    """The preview of a loaded ``nnbuilder.data.Dataset``."""
    n = len(ds.x)
    summary = f"{n:,} training samples" + (f", {len(ds.x_test):,} test samples" if ds.x_test is not None else "")
    base = Preview(kind="table", title=ds.title, summary=summary, attribution=ds.attribution or "")
    if ds.graph is not None:
        return _graph_preview(ds, base)
    if ds.is_time_series:
        return _series_preview(ds, base)
    images = _as_images(ds.x[:FIRST]) if ds.x.ndim >= 2 else None
    if images is not None:
        base.kind = "images"
        base.images = images
        base.labels = [_label(ds, y) for y in ds.y[:FIRST]]
        base.summary += f"; the first {len(images)} of them, as the lecture shows them"
        return base
    x = np.asarray(ds.x)
    if x.ndim == 2 and x.shape[1] == 2:
        base.kind = "points"
        base.points = x.astype(np.float64)
        if ds.task != "regression":
            base.classes = np.asarray(ds.y).reshape(-1).astype(np.int64)
            base.class_names = list(ds.class_names or [str(i) for i in range(int(base.classes.max()) + 1)])
        return base
    base.columns = [f"x{i + 1}" for i in range(x.reshape(n, -1).shape[1])] + ["target"]
    base.rows = [[f"{v:.4g}" for v in row] + [_label(ds, y)] for row, y in
                 zip(x.reshape(n, -1)[:FIRST], ds.y[:FIRST], strict=True)]
    base.summary += f"; the first {min(n, FIRST)} rows"
    return base


def _series_preview(ds: Any, base: Preview) -> Preview:
    """Rebuild the series from the windows (each row once), in the data's own units (scaling undone)."""
    x = np.asarray(ds.x)
    extra = ds.extra
    window = x.shape[1]
    starts = np.asarray(extra.get("window_start", np.arange(len(x))), dtype=np.int64)
    keep = starts < MAX_SERIES_ROWS
    rows = (starts[keep][:, None] + np.arange(window)[None, :]).ravel()
    values = x[keep, :, 0].ravel().astype(np.float64)
    length = int(rows.max()) + 1 if rows.size else 0
    series = np.full(length, np.nan)
    series[rows] = values
    offset = np.asarray(extra.get("offset", [0.0]), dtype=np.float64).reshape(-1)
    scale = np.asarray(extra.get("scale", [1.0]), dtype=np.float64).reshape(-1)
    scaling = str(extra.get("scaling", "none"))
    if scaling != "none":
        series = series * scale[0] + offset[0]
    how = {"standardize": "standardised", "minmax": "scaled to [0, 1]"}.get(scaling)
    stamps = extra.get("timestamps")
    if stamps is not None and np.issubdtype(np.asarray(stamps).dtype, np.datetime64) and len(stamps) >= length:
        times = np.asarray(stamps[:length]).astype("datetime64[s]").astype(np.int64).astype(np.float64)
    else:
        times = np.arange(length, dtype=np.float64)
    columns = list(extra.get("columns") or ["value"])
    base.kind = "series"
    base.series, base.times, base.series_name = series, times, columns[0]
    base.summary += (f"; windows of {window} steps predicting {extra.get('horizon', '?')} of "
                     f"'{extra.get('target', columns[0])}'. Shown: '{columns[0]}', the first {length:,} readings"
                     + (f" ({how} for training, drawn in its own units)" if how else ""))
    return base


def _graph_preview(ds: Any, base: Preview) -> Preview:
    g = ds.graph
    classes = np.asarray(ds.y).reshape(-1).astype(np.int64)
    # a big graph: a piece grown from each topic's best-connected node, so every colour and the borders
    # between topics are in it (the 300 nodes nearest node 0 were nearly all one topic)
    shown = sample_nodes(int(g.num_nodes), np.asarray(g.edges), limit=MAX_GRAPH_NODES, classes=classes)
    e = subgraph_edges(shown, np.asarray(g.edges))
    base.kind = "graph"
    base.points = spring_layout(len(shown), e, iterations=150)
    base.edges = e
    base.classes = classes[shown]
    base.class_names = list(ds.class_names or [str(i) for i in range(int(base.classes.max()) + 1)])
    part = len(shown) < g.num_nodes
    base.summary = (f"{g.num_nodes:,} nodes, {g.num_edges:,} edges; {int(g.train_mask.sum())} labelled for training"
                    + (f". Shown: {len(shown)} nodes, the neighbourhoods of each class's best-connected node"
                       if part else ""))
    return base
