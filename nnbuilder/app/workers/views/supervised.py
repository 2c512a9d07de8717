"""Views of a supervised model's predictions: the decision boundary over the 2-D plane, the gallery with the
confusion matrix, and predictions against the truth (time series or scatter)."""

from __future__ import annotations

import numpy as np

from ..messages import BoundaryUpdate, GalleryUpdate, SeriesUpdate

GALLERY_SIZE = 25
CONFUSION_MAX_SAMPLES = 10_000  # bounds the epoch-end cost on big validation sets
SERIES_MAX_POINTS = 5_000


def as_images(x: np.ndarray) -> np.ndarray | None:
    """Samples as displayable images (n, H, W) or (n, H, W, 3), or None when they are not images."""
    if x.ndim == 2:  # flattened: show square ones (784 -> 28x28)
        side = int(round(np.sqrt(x.shape[1])))
        return x.reshape(len(x), side, side) if side * side == x.shape[1] and side >= 4 else None
    if x.ndim == 3 and min(x.shape[1:]) >= 4:
        return x
    if x.ndim == 4:
        if x.shape[1] in (1, 3) and min(x.shape[2:]) >= 4:  # channels first
            return x[:, 0] if x.shape[1] == 1 else np.moveaxis(x, 1, -1)
        if x.shape[-1] in (1, 3) and min(x.shape[1:3]) >= 4:  # channels last
            return x[..., 0] if x.shape[-1] == 1 else x
    return None


def boundary_extent(x: np.ndarray, value_range: tuple[float, float] | None) -> tuple[float, float, float, float]:
    """The square the boundary covers: the data set's declared range, else the points plus 10 %."""
    if value_range is not None:
        lo, hi = float(value_range[0]), float(value_range[1])
        return (lo, hi, lo, hi)
    lo_xy, hi_xy = x.min(axis=0), x.max(axis=0)
    pad = 0.1 * np.maximum(hi_xy - lo_xy, 1e-6)
    return (float(lo_xy[0] - pad[0]), float(hi_xy[0] + pad[0]), float(lo_xy[1] - pad[1]), float(hi_xy[1] + pad[1]))


def boundary_update(probs: np.ndarray, n: int, extent: tuple[float, float, float, float], epoch: int,
                    position: float) -> BoundaryUpdate:
    """Class probabilities on an n × n grid -> p(class 1) for two classes (or one sigmoid unit), else all."""
    probs = np.asarray(probs, dtype=np.float32).reshape(n * n, -1)
    if probs.shape[1] == 1:
        grid = probs[:, 0]
    elif probs.shape[1] == 2:
        grid = probs[:, 1]
    else:
        grid = probs
    shape = (n, n) if grid.ndim == 1 else (n, n, grid.shape[1])
    return BoundaryUpdate(np.ascontiguousarray(grid.reshape(shape)), extent, epoch, position)


def class_ids(y: np.ndarray) -> np.ndarray:
    """Integer class per row from ids or one-hot rows."""
    yv = np.asarray(y).reshape(len(y), -1)
    return (yv.argmax(axis=1) if yv.shape[1] > 1 else yv[:, 0]).astype(np.int64)


def gallery_update(probs: np.ndarray, y: np.ndarray, epoch: int, images: np.ndarray | None) -> GalleryUpdate:
    """Predicted and true classes of the first ``GALLERY_SIZE`` rows and the confusion matrix of all of them."""
    true = class_ids(y)
    probs = np.asarray(probs, dtype=np.float32).reshape(len(true), -1)
    if probs.shape[1] == 1:  # one sigmoid unit: probability of class 1
        probs = np.concatenate([1 - probs, probs], axis=1)
    predicted = probs.argmax(axis=1).astype(np.int64)
    k = max(probs.shape[1], int(true.max()) + 1 if len(true) else 0)
    confusion = np.bincount(true * k + predicted, minlength=k * k).reshape(k, k)
    n = min(GALLERY_SIZE, len(true))
    shown = None if images is None else as_images(np.asarray(images[:n]))
    return GalleryUpdate(
        epoch=epoch, images=None if shown is None else np.ascontiguousarray(shown, dtype=np.float32),
        predicted=predicted[:n].copy(), true=true[:n].copy(),
        confidence=probs[np.arange(n), predicted[:n]].astype(np.float32), confusion=confusion,
        confusion_samples=len(true),
    )


def to_target_units(values: np.ndarray, extra: dict) -> tuple[np.ndarray, bool]:
    """Regression values back in the units the student knows when the targets were scaled (standardised or
    min-max) for training: value = scaled * target_scale + target_offset; (values, whether they were scaled)."""
    if str(extra.get("scaling", "none")) == "none" or "target_scale" not in extra:
        return values, False
    return values * float(extra["target_scale"]) + float(extra.get("target_offset", 0.0)), True


def target_label(extra: dict) -> str:
    """The regression target's name and unit, e.g. "Global_active_power (kW)"; "value" when unnamed."""
    label = str(extra.get("target") or "value")
    return f"{label} ({extra['target_unit']})" if extra.get("target") and extra.get("target_unit") else label


def series_update(pred: np.ndarray, y: np.ndarray, epoch: int, extra: dict, time_x: np.ndarray | None,
                  step: int, in_time: bool) -> SeriesUpdate:
    """Predictions against the truth, back in the units the student knows when the targets were scaled
    (standardised or min-max) for training: value = scaled * target_scale + target_offset."""
    pred = np.asarray(pred, dtype=np.float32).reshape(len(y), -1)[:, 0]
    truth = np.asarray(y).reshape(len(y), -1)[:, 0].astype(np.float32)
    scaling = str(extra.get("scaling", "none"))
    pred, unscaled = to_target_units(pred, extra)
    truth, _ = to_target_units(truth, extra)
    y_label = target_label(extra)
    if in_time:
        x = time_x if time_x is not None else np.arange(len(y), dtype=np.float32) * step
        return SeriesUpdate(epoch, np.ascontiguousarray(x, dtype=np.float32), truth, pred, scatter=False,
                            x_label="time step (row)", y_label=y_label, unscaled=unscaled,
                            scaling=scaling if unscaled else "none")
    return SeriesUpdate(epoch, truth.copy(), truth, pred, scatter=True, x_label=f"true {y_label}",
                        y_label=f"predicted {y_label}", unscaled=unscaled,
                        scaling=scaling if unscaled else "none")
