"""Small array transforms shared by the loaders and the trainer.

They are plain numpy so the app can preview data without importing torch, and they raise ``DataError`` with
a readable sentence because their arguments usually come straight from a form the student filled in.
"""

from __future__ import annotations

import numpy as np

from .errors import DataError

Arrays = tuple[np.ndarray, np.ndarray]


def one_hot(y: np.ndarray, num_classes: int) -> np.ndarray:
    """float32 (N, num_classes) indicator rows, for losses such as MSE that want a target per output unit."""
    y = np.asarray(y)
    if y.size and (not np.issubdtype(y.dtype, np.integer)):
        if not np.all(np.mod(y, 1) == 0):
            raise DataError("One-hot encoding needs whole-number class ids, but the labels contain fractions.")
        y = y.astype(np.int64)
    y = y.reshape(-1)
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise DataError(
            f"One-hot encoding needs class ids 0..{num_classes - 1}, but the labels range "
            f"{int(y.min())}..{int(y.max())}."
        )
    out = np.zeros((y.size, num_classes), dtype=np.float32)
    out[np.arange(y.size), y] = 1.0
    return out


def standardize(
    train: np.ndarray, *others: np.ndarray, axis: int | tuple[int, ...] = 0
) -> tuple[np.ndarray, ...]:
    """Scale to zero mean / unit std using statistics of ``train`` only, and apply the same scaling to ``others``.

    Using the training part alone is what keeps validation and test scores honest: their statistics must not
    shape the model's inputs. Returns ``(train_s, *others_s, mean, std)``; ``axis`` names the reduced axes,
    which must be leading ones (0, or (0, 1) for windows shaped (N, window, columns)) so mean/std broadcast.
    Constant features get std 1 so they become 0 instead of NaN.
    """
    train = np.asarray(train)
    if train.size == 0:
        raise DataError("Standardisation needs at least one training sample.")
    mean = train.mean(axis=axis, dtype=np.float64)
    std = train.std(axis=axis, dtype=np.float64)
    std = np.where(std > 1e-12, std, 1.0)
    mean32, std32 = mean.astype(np.float32), std.astype(np.float32)
    scaled = tuple(((np.asarray(a, dtype=np.float64) - mean) / std).astype(np.float32) for a in (train, *others))
    return (*scaled, mean32, std32)


#: Column scalings a data set offers (its ``scaling`` option), each with statistics from training rows only.
SCALINGS = ("standardize", "minmax", "none")


def minmax_scale(
    train: np.ndarray, *others: np.ndarray, axis: int | tuple[int, ...] = 0
) -> tuple[np.ndarray, ...]:
    """Scale so each column of ``train`` spans [0, 1], and apply the same map to ``others``.

    As with ``standardize``, only ``train`` sets the map, so validation or test values may fall outside [0, 1]
    (a reading higher than any seen in training): clipping them would hide exactly what the test is for.
    Returns ``(train_s, *others_s, minimum, span)``, with ``value = scaled * span + minimum``; a constant column
    gets span 1 so it becomes 0 instead of NaN.
    """
    train = np.asarray(train)
    if train.size == 0:
        raise DataError("Min-max scaling needs at least one training sample.")
    low = train.min(axis=axis).astype(np.float64)
    span = train.max(axis=axis).astype(np.float64) - low
    span = np.where(span > 1e-12, span, 1.0)
    scaled = tuple(((np.asarray(a, dtype=np.float64) - low) / span).astype(np.float32) for a in (train, *others))
    return (*scaled, low.astype(np.float32), span.astype(np.float32))


def scaling_stats(train: np.ndarray, scaling: str) -> tuple[np.ndarray, np.ndarray]:
    """(offset, scale) per column of ``train`` (rows on axis 0) for a ``scaling`` of ``SCALINGS``, in float64;
    the scaled value is ``(value - offset) / scale``, so ``value = scaled * scale + offset`` undoes it."""
    train = np.asarray(train, dtype=np.float64)
    columns = train.shape[1:]
    if scaling == "none":
        return np.zeros(columns), np.ones(columns)
    if train.size == 0:
        raise DataError("Scaling needs at least one training sample.")
    if scaling == "standardize":
        offset, scale = train.mean(axis=0), train.std(axis=0)
    elif scaling == "minmax":
        offset = train.min(axis=0)
        scale = train.max(axis=0) - offset
    else:
        raise DataError(f"The scaling must be one of {', '.join(SCALINGS)}, not {scaling!r}.")
    return offset, np.where(scale > 1e-12, scale, 1.0)


def split_indices(
    n: int, validation_split: float, seed: int, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a reproducible train/validation split of ``n`` samples.

    Without shuffling the validation part is the last rows, which is the only honest choice for ordered data.
    A non-zero split always keeps at least one sample on each side, so a tiny data set still trains.
    """
    if isinstance(validation_split, bool) or not 0.0 <= float(validation_split) < 1.0:
        raise DataError(f"The validation split must be a fraction from 0 up to (not including) 1, not {validation_split}.")
    n_val = int(round(n * float(validation_split)))
    if validation_split > 0 and n > 1:
        n_val = min(max(n_val, 1), n - 1)
    if n - n_val < 1:
        raise DataError(f"A data set with {n} samples is too small to split into training and validation.")
    if shuffle:
        order = np.random.default_rng(seed).permutation(n)
        return np.sort(order[n_val:]), np.sort(order[:n_val])
    return np.arange(n - n_val), np.arange(n - n_val, n)


def train_val_split(
    x: np.ndarray, y: np.ndarray, validation_split: float, seed: int, shuffle: bool = True
) -> tuple[Arrays, Arrays]:
    """((x_train, y_train), (x_val, y_val)); same seed and inputs give the same split on every machine."""
    if len(x) != len(y):
        raise DataError(f"Cannot split {len(x)} inputs with {len(y)} targets; the counts must match.")
    train_idx, val_idx = split_indices(len(x), validation_split, seed, shuffle)
    return (x[train_idx], y[train_idx]), (x[val_idx], y[val_idx])


def window_starts(length: int, window: int, horizon: int, stride: int) -> np.ndarray:
    """Start row of each window ``make_windows`` cuts, for mapping windows back to timestamps."""
    _check_window_args(length, window, horizon, stride)
    return np.arange(0, length - window - horizon + 1, stride, dtype=np.int64)


def make_windows(
    series: np.ndarray, target_index: int, window: int, horizon: int, stride: int = 1
) -> Arrays:
    """Cut a (T, columns) series into forecasting examples.

    x[i] = series[s : s + window] (all columns), y[i] = target column at s + window ... s + window + horizon - 1,
    for s = 0, stride, 2*stride, ... Returns float32 x (N, window, columns) and y (N, horizon).
    """
    series = np.asarray(series, dtype=np.float32)
    if series.ndim == 1:
        series = series[:, None]
    if series.ndim != 2:
        raise DataError(f"A time series must be a table of rows and columns, but it has {series.ndim} dimensions.")
    length, columns = series.shape
    if not -columns <= target_index < columns:
        raise DataError(f"The target column index {target_index} is outside the series' {columns} columns.")
    starts = window_starts(length, window, horizon, stride)
    x_view = np.lib.stride_tricks.sliding_window_view(series, window, axis=0)  # (T-window+1, C, window)
    x = np.ascontiguousarray(x_view[starts].transpose(0, 2, 1))
    target = series[:, target_index]
    y_view = np.lib.stride_tricks.sliding_window_view(target, horizon)  # (T-horizon+1, horizon)
    y = np.ascontiguousarray(y_view[starts + window])
    return x, y


def _check_window_args(length: int, window: int, horizon: int, stride: int) -> None:
    for name, value in (("window", window), ("horizon", horizon), ("stride", stride)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise DataError(f"The {name} must be a whole number of at least 1, not {value!r}.")
    if window + horizon > length:
        raise DataError(
            f"The window ({window}) plus horizon ({horizon}) is longer than the series ({length} rows); "
            "use a shorter window or more data."
        )
