"""User tables: CSV files with one row per example, and NumPy .npz archives.

Task detection (option task="auto"):
* CSV: the target is a class label if any of its cells is not a number, or if all are whole numbers with at
  most ``MAX_AUTO_CLASSES`` distinct values (e.g. 0/1, or 1..5 star ratings); otherwise it is a number to
  predict (regression). Class ids follow the sorted labels (numerically when they are numbers).
* npz: an integer or boolean ``y`` means classification (class ids as stored), a float ``y`` regression.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .csvfile import MISSING_TOKENS, read_table
from .dataset import Dataset, class_count
from .errors import DataError, describe
from .preprocessing import minmax_scale, standardize

MAX_AUTO_CLASSES = 20


def load_csv_table(options: dict[str, Any]) -> Dataset:
    path = Path(options["path"])
    table = read_table(path, header=options["header"], min_rows=2)
    if table.num_columns < 2:
        raise DataError(f"{describe(path)} has only one column; it needs input columns and a target column.")
    target = table.column_index(options["target"], "target") if options["target"] != "" else table.num_columns - 1
    features = [i for i in range(table.num_columns) if i != target]
    x = np.stack([table.numeric_column(i) for i in features], axis=1).astype(np.float32)
    labels = [cell.strip() for cell in table.column_values(target)]
    for i, cell in enumerate(labels):
        if cell.lower() in MISSING_TOKENS:
            raise DataError(
                f"{describe(path)} line {table.lines[i]}, column '{table.header[target]}' (the target) is empty; "
                "every row needs a target value."
            )
    numeric = table.is_numeric_column(target)
    task = options["task"]
    if task == "auto":
        task = "regression"
        if not numeric:
            task = "classification"
        else:
            values = table.numeric_column(target)
            if np.all(values == np.round(values)) and len(np.unique(values)) <= MAX_AUTO_CLASSES:
                task = "classification"
    extra: dict[str, Any] = {"columns": [table.header[i] for i in features], "target": table.header[target],
                             "source": str(path)}
    class_names: list[str] | None = None
    if task == "classification":
        if numeric:
            values = table.numeric_column(target)
            classes = np.unique(values)
            y = np.searchsorted(classes, values).astype(np.int64)
            class_names = [_format_number(v) for v in classes]
        else:
            class_names = sorted(set(labels))
            lookup = {name: i for i, name in enumerate(class_names)}
            y = np.array([lookup[cell] for cell in labels], dtype=np.int64)
        if len(class_names) < 2:
            raise DataError(
                f"The target column '{table.header[target]}' of {describe(path)} has only one class "
                f"('{class_names[0]}'); a classifier needs at least two."
            )
    else:
        y = table.numeric_column(target).astype(np.float32)[:, None]
    # No test split here; statistics cover the whole pool the trainer later splits for validation.
    extra["scaling"] = options["scaling"]
    if options["scaling"] == "standardize":
        x, mean, std = standardize(x)
        extra.update(mean=mean, std=std)
    elif options["scaling"] == "minmax":
        x, low, span = minmax_scale(x)
        extra.update({"min": low, "range": span})
    return Dataset(
        id="csv_table", title=path.name, task=task, x=x, y=y, x_test=None, y_test=None,
        class_names=class_names, extra=extra,
    )


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def load_npz(options: dict[str, Any]) -> Dataset:
    path = Path(options["path"])
    if not path.exists():
        raise DataError(f"The file '{path}' does not exist.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(6)
    except OSError as exc:
        raise DataError(f"The file {describe(path)} could not be read ({exc.strerror or exc}).") from exc
    if magic == b"\x93NUMPY":
        raise DataError(f"{describe(path)} is a single .npy array; save x and y together with numpy.savez.")
    if not magic.startswith(b"PK"):
        raise DataError(f"{describe(path)} is not a NumPy .npz archive (save one with numpy.savez).")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = _read_npz_arrays(archive, path, options)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        if "allow_pickle" in str(exc) or "pickled" in str(exc):
            raise DataError(f"{describe(path)} holds Python objects, not plain number arrays.") from exc
        raise DataError(f"{describe(path)} is not a readable .npz archive ({exc}).") from exc
    x, y, x_test, y_test = arrays
    task = options["task"]
    if task == "auto":
        task = "classification" if (np.issubdtype(y.dtype, np.integer) or y.dtype == bool) else "regression"
    x = _as_inputs(x, path, options["x_key"])
    y = _as_targets(y, task, path, options["y_key"])
    if len(x) != len(y):
        raise DataError(f"{describe(path)} has {len(x)} rows in '{options['x_key']}' but {len(y)} in '{options['y_key']}'.")
    if x_test is not None and y_test is not None:
        x_test = _as_inputs(x_test, path, "x_test")
        y_test = _as_targets(y_test, task, path, "y_test")
        if x_test.shape[1:] != x.shape[1:]:
            raise DataError(f"{describe(path)}: the test inputs have shape {x_test.shape[1:]} per row "
                            f"but the training inputs {x.shape[1:]}.")
        if len(x_test) != len(y_test):
            raise DataError(f"{describe(path)} has {len(x_test)} test inputs but {len(y_test)} test targets.")
    class_names = None
    if task == "classification":
        class_names = [str(i) for i in range(class_count([y, y_test], describe(path)))]
    return Dataset(
        id="npz", title=path.name, task=task, x=x, y=y, x_test=x_test, y_test=y_test,
        class_names=class_names, extra={"source": str(path)},
    )


def _read_npz_arrays(archive: Any, path: Path, options: dict[str, Any]) -> tuple[np.ndarray, ...]:
    keys = list(archive.keys())

    def get(key: str, option: str) -> np.ndarray:
        if key not in keys:
            raise DataError(
                f"{describe(path)} has no array named '{key}' (option '{option}'); it has {', '.join(keys) or 'none'}."
            )
        return archive[key]

    x, y = get(options["x_key"], "x_key"), get(options["y_key"], "y_key")
    xt_key, yt_key = options["x_test_key"], options["y_test_key"]
    if not xt_key and not yt_key and "x_test" in keys and "y_test" in keys:
        xt_key, yt_key = "x_test", "y_test"
    if bool(xt_key) != bool(yt_key):
        raise DataError("The options 'x_test_key' and 'y_test_key' must be given together or both left empty.")
    if xt_key:
        return x, y, get(xt_key, "x_test_key"), get(yt_key, "y_test_key")
    return x, y, None, None


def _as_inputs(x: np.ndarray, path: Path, key: str) -> np.ndarray:
    if x.ndim < 1 or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise DataError(f"The array '{key}' in {describe(path)} does not hold numbers (it is {x.dtype}).")
    if x.ndim == 1:
        x = x[:, None]
    x = x.astype(np.float32)
    if not np.all(np.isfinite(x)):
        raise DataError(f"The array '{key}' in {describe(path)} contains NaN or infinite values.")
    return x


def _as_targets(y: np.ndarray, task: str, path: Path, key: str) -> np.ndarray:
    if y.ndim < 1 or not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise DataError(f"The array '{key}' in {describe(path)} does not hold numbers (it is {y.dtype}).")
    if task == "classification":
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise DataError(
                f"The labels '{key}' in {describe(path)} have shape {y.shape}; classification needs one class id "
                "per row (not one-hot rows)."
            )
        if not np.issubdtype(y.dtype, np.integer) and y.dtype != bool:
            if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
                raise DataError(f"The labels '{key}' in {describe(path)} are not whole-number class ids.")
        y = y.astype(np.int64)
        if y.size and y.min() < 0:
            raise DataError(f"The labels '{key}' in {describe(path)} include a negative class id ({int(y.min())}).")
        return y
    y = y.astype(np.float32)
    if not np.all(np.isfinite(y)):
        raise DataError(f"The targets '{key}' in {describe(path)} contain NaN or infinite values.")
    return y[:, None] if y.ndim == 1 else y
