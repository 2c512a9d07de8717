"""Forecasting data sets: sliding windows over a table of readings.

Leakage rules, because a forecaster that has peeked at the future looks great and is useless:
* the test set is the last ``test_fraction`` of the rows, and its windows lie wholly inside that block;
* scaling statistics (standardisation's mean and standard deviation, min-max's minimum and maximum) come
  from the rows before the test block only;
* ``Dataset.split`` takes validation from the end of the training windows and drops windows that overlap it.

Missing readings are filled by linear interpolation in row order (edges copy the nearest reading), which
suits slowly varying sensor values better than a forward fill's flat steps; the count is in extra["filled"].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nnbuilder.paths import data_dir

from .csvfile import Table, read_table
from .dataset import Dataset
from .errors import DataError, describe
from .preprocessing import make_windows, scaling_stats, window_starts

HOUSEHOLD_ATTRIBUTION = (
    "Individual household electric power consumption, Hebrail & Berard (EDF R&D), UCI ML Repository, CC BY 4.0."
)
MINUTE_FILE = "household_power_consumption_20061216-20070119_1min.txt.gz"
HOURLY_FILE = "household_power_consumption_hourly_20061216-20101126.csv.gz"
HOUSEHOLD_COLUMNS = [
    "Global_active_power", "Global_reactive_power", "Voltage", "Global_intensity",
    "Sub_metering_1", "Sub_metering_2", "Sub_metering_3",
]
HOURLY_ONLY_COLUMNS = ["sub_metering_4"]
#: Units of the columns as loaded (per-minute means at both resolutions), for axis labels.
HOUSEHOLD_UNITS = {"Global_active_power": "kW", "Global_reactive_power": "kW", "Voltage": "V",
                   "Global_intensity": "A", "Sub_metering_1": "Wh", "Sub_metering_2": "Wh", "Sub_metering_3": "Wh",
                   "sub_metering_4": "Wh"}


def fill_missing(values: np.ndarray, names: list[str] | None = None, where: str = "the series") -> tuple[np.ndarray, int]:
    """Linear interpolation over NaNs along rows, per column; returns the filled array and how many were NaN."""
    values = np.array(values, dtype=np.float64, copy=True)
    missing = np.isnan(values)
    count = int(missing.sum())
    if count:
        index = np.arange(len(values))
        for c in range(values.shape[1]):
            bad = missing[:, c]
            if bad.all():
                name = f"'{names[c]}'" if names else str(c + 1)
                raise DataError(f"Column {name} of {where} has no values at all.")
            if bad.any():
                values[bad, c] = np.interp(index[bad], index[~bad], values[~bad, c])
    return values, count


def build_series_dataset(
    *,
    dataset_id: str,
    title: str,
    values: np.ndarray,
    names: list[str],
    inputs: list[int],
    target: int,
    timestamps: np.ndarray | None,
    options: dict[str, Any],
    attribution: str = "",
    source: str = "",
) -> Dataset:
    """Window a (T, columns) float array into a forecasting ``Dataset``; see the module docstring for the rules."""
    window, horizon, stride = int(options["window"]), int(options["horizon"]), int(options["stride"])
    test_fraction = float(options.get("test_fraction", 0.1))
    used = list(inputs) + ([target] if target not in inputs else [])
    what = f"'{title}'"
    series, filled = fill_missing(values[:, used], [names[i] for i in used], what)
    target_pos = used.index(target)
    n_in = len(inputs)
    length = len(series)
    cut = length - int(round(length * test_fraction))
    if window + horizon > cut:
        raise DataError(
            f"The window ({window}) plus horizon ({horizon}) is longer than the training part of {what} "
            f"({cut} of {length} rows); use a shorter window."
        )
    if cut < length and window + horizon > length - cut:
        raise DataError(
            f"The window ({window}) plus horizon ({horizon}) is longer than the test part of {what} (the last "
            f"{length - cut} rows); use a shorter window or a larger test_fraction."
        )
    scaling = str(options["scaling"])
    offset, scale = scaling_stats(series[:cut], scaling)
    scaled = ((series - offset) / scale).astype(np.float32)
    x, y = make_windows(scaled[:cut], target_pos, window, horizon, stride)
    starts = window_starts(cut, window, horizon, stride)
    x_test = y_test = None
    test_starts = np.zeros(0, dtype=np.int64)
    if scaling == "standardize":  # the statistics under their own names, as data.npz exports them
        extra_stats = {"mean": offset[:n_in].astype(np.float32), "std": scale[:n_in].astype(np.float32)}
    elif scaling == "minmax":
        extra_stats = {"min": offset[:n_in].astype(np.float32), "range": scale[:n_in].astype(np.float32)}
    else:
        extra_stats = {}
    if cut < length:
        x_test, y_test = make_windows(scaled[cut:], target_pos, window, horizon, stride)
        test_starts = window_starts(length - cut, window, horizon, stride) + cut
        x_test = np.ascontiguousarray(x_test[:, :, :n_in])
    extra: dict[str, Any] = {
        "time_series": True,
        "columns": [names[i] for i in inputs],
        "target": names[target],
        "window": window, "horizon": horizon, "stride": stride,
        "window_start": starts, "test_window_start": test_starts, "window_span": window + horizon,
        "test_start_row": cut, "num_rows": length,
        # value = scaled * scale + offset, per input column and for the target (0 and 1 when not scaled)
        "scaling": scaling,
        "offset": offset[:n_in].astype(np.float32), "scale": scale[:n_in].astype(np.float32),
        "target_offset": float(offset[target_pos]), "target_scale": float(scale[target_pos]),
        "filled": filled, "timestamps": timestamps, "source": source, **extra_stats,
    }
    return Dataset(
        id=dataset_id, title=title, task="regression",
        x=np.ascontiguousarray(x[:, :, :n_in]), y=y, x_test=x_test, y_test=y_test,
        class_names=None, attribution=attribution, extra=extra,
    )


def _minute_timestamps(table: Table) -> np.ndarray:
    iso = []
    for date, time in zip(table.column_values(0), table.column_values(1), strict=True):
        day, month, year = date.strip().split("/")
        iso.append(f"{year}-{month.zfill(2)}-{day.zfill(2)}T{time.strip()}")
    return np.array(iso, dtype="datetime64[s]")


def load_household_power(options: dict[str, Any]) -> Dataset:
    """UCI household power, per minute (Dec 2006 - Jan 2007) or per hour (2006 - 2010).

    The hourly file stores per-hour sums (missing minutes counted as 0). They are divided by 60 so both
    resolutions share units (mean kW, V, A; Wh per minute for sub-metering), and hours with no readings at all
    (Voltage sum 0) are treated as missing and interpolated. Partly missing hours stay slightly low.
    """
    hourly = options["resolution"] == "hourly"
    path = data_dir() / "household-power" / (HOURLY_FILE if hourly else MINUTE_FILE)
    table = read_table(path, header="yes", min_rows=2)
    available = HOUSEHOLD_COLUMNS + (HOURLY_ONLY_COLUMNS if hourly else [])
    names = list(options["columns"]) or ["Global_active_power"]

    def resolve(ref: Any, option: str) -> str:
        match = [c for c in available if c.lower() == str(ref).strip().lower()]
        if not match:
            raise DataError(
                f"The household power data ({options['resolution']}) has no column '{ref}' (option '{option}'); "
                f"choose from {', '.join(available)}."
            )
        return match[0]

    inputs = list(dict.fromkeys(resolve(c, "columns") for c in names))
    target = resolve(options["target"], "target")
    used = list(dict.fromkeys([*inputs, target]))
    values = np.stack([table.numeric_column(table.column_index(c), allow_missing=True) for c in used], axis=1)
    if hourly:
        voltage = table.numeric_column(table.column_index("Voltage"), allow_missing=True)
        values = values / 60.0
        values[voltage == 0] = np.nan
        timestamps = np.array([v.strip().replace(" ", "T") for v in table.column_values(0)], dtype="datetime64[s]")
    else:
        timestamps = _minute_timestamps(table)
    dataset = build_series_dataset(
        dataset_id="household_power", title=f"Household power ({options['resolution']})",
        values=values, names=used, inputs=list(range(len(inputs))), target=used.index(target),
        timestamps=timestamps, options=options, attribution=HOUSEHOLD_ATTRIBUTION, source=str(path),
    )
    dataset.extra["target_unit"] = HOUSEHOLD_UNITS.get(target, "")
    return dataset


def load_csv_series(options: dict[str, Any]) -> Dataset:
    """A user's table of readings, one row per time step in time order; see build_series_dataset for the rules."""
    path = Path(options["path"])
    table = read_table(path, header=options["header"], min_rows=2)
    time_col = table.column_index(options["time_column"], "time_column") if options["time_column"] != "" else None
    if options["columns"]:
        inputs = list(dict.fromkeys(table.column_index(c, "columns") for c in options["columns"]))
    else:
        inputs = [i for i in range(table.num_columns) if i != time_col and table.is_numeric_column(i)]
        if not inputs:
            raise DataError(f"{describe(path)} has no numeric columns to forecast from.")
    target = table.column_index(options["target"], "target") if options["target"] != "" else inputs[-1]
    used = list(dict.fromkeys([*inputs, target]))
    if time_col is not None and time_col in used:
        raise DataError(f"The time column '{table.header[time_col]}' of {describe(path)} cannot also be a data column.")
    values = np.stack([table.numeric_column(i, allow_missing=True) for i in used], axis=1)
    timestamps = None
    if time_col is not None:
        raw = [v.strip() for v in table.column_values(time_col)]
        try:
            timestamps = np.array(raw, dtype="datetime64[s]")
        except ValueError:
            timestamps = np.array(raw)
    return build_series_dataset(
        dataset_id="csv_series", title=path.name, values=values, names=[table.header[i] for i in used],
        inputs=list(range(len(inputs))), target=used.index(target), timestamps=timestamps,
        options=options, source=str(path),
    )
