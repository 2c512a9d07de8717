"""The project's data set copied next to the exported scripts, as one ``data.npz``.

The arrays are the ones nnbuilder trains on (after its loaders' preprocessing: scaling, windows,
standardisation from the training rows), so an exported script sees exactly what the app saw. 8-bit
images are stored as their pixels and scaled back in ``train.py`` when that reproduces the very same
float32 values, which keeps Fashion-MNIST at a quarter of the size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..data import DataError, load_dataset
from ..project.model import Project
from .errors import ExportError

PIXEL_SCALE = np.float32(1.0 / 255.0)


@dataclass
class DataPlan:
    """What ``train.py`` needs to know about ``data.npz`` to read it back."""

    dataset_id: str
    title: str
    task: str
    pixels: bool  # x (and x_test) hold uint8 pixels to be multiplied by 1/255
    has_test: bool
    graph: bool  # edges and masks are present
    time_series: bool
    window_span: int = 0
    class_names: list[str] = field(default_factory=list)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)


def load_project_dataset(project: Project, base_dir: Path | None) -> Any:
    try:
        return load_dataset(project.data.dataset, project.data.options, base_dir)
    except DataError as exc:
        raise ExportError(f"The data set could not be loaded for the export: {exc}") from exc


def _as_pixels(x: np.ndarray) -> np.ndarray | None:
    """uint8 pixels p with p * (1/255) == x exactly, or None when x is not such an image."""
    if x.dtype != np.float32 or x.size == 0:
        return None
    lo, hi = float(x.min()), float(x.max())
    if lo < 0.0 or hi > 1.0:
        return None
    p = np.rint(x * np.float32(255.0)).astype(np.uint8)
    return p if np.array_equal(p.astype(np.float32) * PIXEL_SCALE, x) else None


def plan_data(dataset: Any) -> DataPlan:
    """Arrays for ``data.npz`` and how to read them (pixels or floats, test part, graph, windows)."""
    x = np.asarray(dataset.x)
    arrays: dict[str, np.ndarray] = {}
    pixels = _as_pixels(x)
    x_test = None if dataset.x_test is None else np.asarray(dataset.x_test)
    test_pixels = _as_pixels(x_test) if (pixels is not None and x_test is not None and len(x_test)) else None
    use_pixels = pixels is not None and (x_test is None or not len(x_test) or test_pixels is not None)
    arrays["x"] = pixels if use_pixels else x
    arrays["y"] = np.asarray(dataset.y)
    has_test = x_test is not None and len(x_test) > 0
    if has_test:
        arrays["x_test"] = test_pixels if use_pixels else x_test
        arrays["y_test"] = np.asarray(dataset.y_test)
    graph = getattr(dataset, "graph", None)
    if graph is not None:
        arrays["edges"] = np.asarray(graph.edges, dtype=np.int64)
        arrays["train_mask"] = np.asarray(graph.train_mask, dtype=bool)
        arrays["val_mask"] = np.asarray(graph.val_mask, dtype=bool)
        arrays["test_mask"] = np.asarray(graph.test_mask, dtype=bool)
    time_series = bool(getattr(dataset, "is_time_series", False))
    span = 0
    if time_series and dataset.extra.get("window_start") is not None:
        arrays["window_start"] = np.asarray(dataset.extra["window_start"], dtype=np.int64)
        span = int(dataset.extra.get("window_span") or 0)
    for key in ("mean", "std", "min", "range"):  # standardisation's or min-max scaling's statistics
        if time_series and dataset.extra.get(key) is not None:
            arrays[f"input_{key}"] = np.asarray(dataset.extra[key], dtype=np.float32)
    return DataPlan(dataset_id=dataset.id, title=dataset.title, task=dataset.task, pixels=use_pixels,
                    has_test=has_test, graph=graph is not None, time_series=time_series and span > 0,
                    window_span=span, class_names=list(dataset.class_names or []), arrays=arrays)


def npz_bytes(plan: DataPlan) -> bytes:
    """``data.npz`` (compressed) in memory, so an export can be compared with the files on disk before it is
    written (numpy stamps each member with the time, so compare the members, not the bytes)."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **plan.arrays)
    return buf.getvalue()


def write_npz(plan: DataPlan, path: Path) -> Path:
    """``data.npz`` (compressed), written atomically."""
    from ..fileio import atomic_write

    return atomic_write(path, npz_bytes(plan))
