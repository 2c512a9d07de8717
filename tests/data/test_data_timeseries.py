"""Forecasting windows: the bundled household power series and user CSV series, with the no-leakage rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnbuilder.data import DataError, Dataset, load_dataset, make_windows


def raw_series(ds: Dataset) -> np.ndarray:
    """The training-part target series, rebuilt from window=1/horizon=1 windows."""
    assert ds.extra["window"] == 1 and ds.extra["horizon"] == 1 and ds.extra["stride"] == 1
    return np.concatenate([ds.x[:1, 0, 0], ds.y[:, 0]])


def test_household_hourly_shapes_and_metadata() -> None:
    ds = load_dataset("household_power")
    assert ds.task == "regression" and ds.extra["time_series"] is True
    assert ds.x.shape == (31106, 24, 1) and ds.y.shape == (31106, 1)
    assert ds.x_test is not None and ds.x_test.shape == (3435, 24, 1) and ds.y_test.shape == (3435, 1)
    assert ds.x.dtype == np.float32 and ds.y.dtype == np.float32
    stamps = ds.extra["timestamps"]
    assert len(stamps) == 34589 and ds.extra["num_rows"] == 34589 and ds.extra["test_start_row"] == 31130
    assert str(stamps[0]) == "2006-12-16T17:00:00" and str(stamps[-1]) == "2010-11-26T21:00:00"
    assert ds.extra["filled"] == 421  # hours with no readings at all, per SOURCE.md
    assert ds.num_classes is None and "CC BY 4.0" in ds.attribution


def test_household_hourly_values_are_per_minute_means() -> None:
    ds = load_dataset("household_power", {"window": 1, "scaling": "none", "test_fraction": 0.0})
    series = raw_series(ds)
    assert len(series) == 34589
    assert series[0] == pytest.approx(152.024 / 60, rel=1e-6)
    assert series[1] == pytest.approx(217.932 / 60, rel=1e-6)


def test_household_minute_fills_question_marks_by_interpolation() -> None:
    ds = load_dataset("household_power", {"resolution": "minute", "window": 1, "scaling": "none",
                                          "test_fraction": 0.0})
    assert ds.extra["filled"] == 5
    s = raw_series(ds)
    assert len(s) == 48424 and s[0] == pytest.approx(4.216) and s[1] == pytest.approx(5.360)
    # File lines 6841-6842 ('?' at 2006-12-21 11:23 and 11:24) are data rows 6839 and 6840.
    assert str(ds.extra["timestamps"][6839]) == "2006-12-21T11:23:00"
    step = (s[6841] - s[6838]) / 3
    assert s[6839] == pytest.approx(s[6838] + step, rel=1e-5)
    assert s[6840] == pytest.approx(s[6838] + 2 * step, rel=1e-5)


def test_standardisation_uses_training_rows_only() -> None:
    plain = load_dataset("household_power", {"window": 1, "scaling": "none", "test_fraction": 0.0})
    series = raw_series(plain)
    cut = 31130
    scaled = load_dataset("household_power", {"window": 1})
    assert scaled.extra["mean"][0] == pytest.approx(series[:cut].mean(), rel=1e-5)
    assert scaled.extra["std"][0] == pytest.approx(series[:cut].std(), rel=1e-5)
    # The statistics would differ if the test rows leaked in.
    assert abs(series.mean() - series[:cut].mean()) > 1e-3
    train = raw_series(scaled)
    assert abs(train.mean()) < 1e-4 and train.std() == pytest.approx(1.0, abs=1e-4)
    restored = scaled.x_test[:, 0, 0] * scaled.extra["std"][0] + scaled.extra["mean"][0]
    np.testing.assert_allclose(restored, series[cut : cut + len(restored)], rtol=1e-5)
    assert scaled.extra["scaling"] == "standardize"
    assert scaled.extra["target_offset"] == pytest.approx(scaled.extra["mean"][0])
    assert scaled.extra["target_scale"] == pytest.approx(scaled.extra["std"][0])


def test_minmax_scaling_spans_training_rows_with_their_statistics_only() -> None:
    plain = load_dataset("household_power", {"window": 1, "scaling": "none", "test_fraction": 0.0})
    series = raw_series(plain)
    cut = 31130
    ds = load_dataset("household_power", {"window": 1, "scaling": "minmax"})
    assert ds.extra["scaling"] == "minmax" and "mean" not in ds.extra
    low, high = series[:cut].min(), series[:cut].max()
    assert ds.extra["min"][0] == pytest.approx(low, rel=1e-6)
    assert ds.extra["range"][0] == pytest.approx(high - low, rel=1e-6)
    train = raw_series(ds)  # every row before the test block, inputs and targets alike
    assert len(train) == cut and train.min() == pytest.approx(0.0, abs=1e-6) and train.max() == pytest.approx(1.0)
    # The test rows were not looked at: their own maximum is lower, so they never reach 1.
    assert series[cut:].max() < high and ds.x_test.max() < 1.0
    restored = ds.x_test[:, 0, 0] * ds.extra["range"][0] + ds.extra["min"][0]
    np.testing.assert_allclose(restored, series[cut : cut + len(restored)], rtol=1e-5)
    assert (ds.extra["target_offset"], ds.extra["target_scale"]) == pytest.approx((low, high - low), rel=1e-6)


def test_minmax_ignores_a_spike_in_the_test_block(write_text) -> None:
    # A spike in the test block must not move the scaling; one in the training rows must.
    values = [1.0, 3.0, 2.0, 5.0, 4.0, 2.0, 3.0, 1.0, 100.0, 2.0]
    path = write_text("spike.csv", "v\n" + "\n".join(map(str, values)) + "\n")
    ds = load_dataset("csv_series", {"path": str(path), "window": 1, "scaling": "minmax", "test_fraction": 0.2})
    assert ds.extra["min"][0] == 1.0 and ds.extra["range"][0] == 4.0  # rows 0-7 span 1..5
    assert ds.x.min() == 0.0 and ds.y.max() == 1.0
    assert ds.y_test[0, 0] == pytest.approx((2.0 - 1.0) / 4.0) and ds.x_test[0, 0, 0] == pytest.approx(99 / 4)
    flat = write_text("flat.csv", "a,b\n" + "\n".join(f"{i},7" for i in range(10)) + "\n")
    const = load_dataset("csv_series", {"path": str(flat), "columns": ["a", "b"], "target": "a", "window": 1,
                                        "scaling": "minmax", "test_fraction": 0.0})
    assert np.all(const.x[:, :, 1] == 0.0) and const.extra["range"][1] == 1.0  # a constant column: 0, not NaN


def test_the_old_standardize_option_is_named_as_renamed() -> None:
    with pytest.raises(DataError, match=r"'standardize' of 'household_power' is now called 'scaling'"):
        load_dataset("household_power", {"standardize": False})
    with pytest.raises(DataError, match=r"'scaling' of 'csv_series' must be one of 'standardize', 'minmax'"):
        load_dataset("csv_series", {"path": "x.csv", "scaling": "zscore"})


def test_test_windows_lie_after_training_windows() -> None:
    ds = load_dataset("household_power", {"window": 48, "horizon": 6, "stride": 3})
    starts, test_starts, span = ds.extra["window_start"], ds.extra["test_window_start"], ds.extra["window_span"]
    cut = ds.extra["test_start_row"]
    assert span == 54 and (starts + span).max() <= cut and test_starts.min() >= cut
    assert (test_starts + span).max() <= ds.extra["num_rows"]
    assert np.all(np.diff(starts) == 3) and ds.y.shape[1] == 6


def test_time_series_split_puts_validation_last_without_overlap() -> None:
    ds = load_dataset("household_power", {"window": 24})
    (xt, yt), (xv, yv) = ds.split(0.2, seed=3, shuffle=True)  # shuffle is ignored for series
    train_idx, val_idx = ds.split_indices(0.2, seed=99)
    starts, span = ds.extra["window_start"], ds.extra["window_span"]
    assert len(val_idx) == round(0.2 * len(ds.x)) and np.array_equal(val_idx, np.arange(len(ds.x) - len(val_idx), len(ds.x)))
    assert (starts[train_idx] + span).max() <= starts[val_idx].min()  # no shared time step
    assert len(train_idx) == len(ds.x) - len(val_idx) - (span - 1)
    np.testing.assert_array_equal(xv, ds.x[val_idx])
    np.testing.assert_array_equal(xt, ds.x[train_idx])
    assert len(yt) == len(xt) and len(yv) == len(xv)


def test_household_columns_and_target() -> None:
    ds = load_dataset("household_power", {"columns": ["Global_active_power", "Voltage"], "window": 5,
                                          "scaling": "none"})
    assert ds.x.shape[1:] == (5, 2) and ds.extra["columns"] == ["Global_active_power", "Voltage"]
    np.testing.assert_allclose(ds.y[:-5, 0], ds.x[5:, 0, 0])  # y is the next power reading
    # Mean volts over the hour, not the hourly sum (row 0 is a partial hour: the file starts at 17:24).
    assert ds.x[0, 1, 1] == pytest.approx(14074.81 / 60, rel=1e-6)
    other = load_dataset("household_power", {"columns": ["voltage"], "target": "Global_active_power", "window": 5,
                                             "scaling": "none"})
    assert other.x.shape[1:] == (5, 1) and other.extra["columns"] == ["Voltage"]
    np.testing.assert_allclose(other.y, ds.y)
    with pytest.raises(DataError, match=r"no column 'Wattage'.*'columns'"):
        load_dataset("household_power", {"columns": ["Wattage"]})
    with pytest.raises(DataError, match=r"no column 'sub_metering_4'"):
        load_dataset("household_power", {"resolution": "minute", "columns": ["sub_metering_4"]})


def test_csv_series_with_gaps_and_times(write_text) -> None:
    rows = ["date,temp,humidity"] + [f"2024-01-{d:02d},{d * 1.5},{50 + d}" for d in range(1, 21)]
    rows[5] = "2024-01-05,,55"  # missing temperature on day 5 -> interpolated between days 4 and 6
    path = write_text("weather.csv", "\n".join(rows) + "\n")
    ds = load_dataset("csv_series", {"path": str(path), "target": "temp", "window": 3, "horizon": 2,
                                     "scaling": "none", "time_column": "date", "test_fraction": 0.25})
    assert ds.extra["columns"] == ["temp", "humidity"] and ds.extra["filled"] == 1
    assert ds.x.shape == (11, 3, 2) and ds.y.shape == (11, 2)
    assert ds.x_test is not None and ds.x_test.shape == (1, 3, 2)
    assert ds.x[2, :, 0].tolist() == [4.5, 6.0, 7.5]  # day 5 filled with 7.5
    assert ds.y[0].tolist() == [6.0, 7.5]
    assert str(ds.extra["timestamps"][0]).startswith("2024-01-01")


def test_csv_series_errors(write_text) -> None:
    short = write_text("short.csv", "a,b\n1,2\n3,4\n5,6\n")
    with pytest.raises(DataError, match=r"window \(24\) plus horizon \(1\) is longer.*'short\.csv'"):
        load_dataset("csv_series", {"path": str(short)})
    text = write_text("text.csv", "a,b\n1,2\n3,4\n5,x7\n7,8\n")
    with pytest.raises(DataError, match=r"'text\.csv' line 4, column 'b': 'x7' is not a number"):
        load_dataset("csv_series", {"path": str(text), "columns": ["a", "b"], "window": 1})
    ragged = write_text("ragged.csv", "a,b\n1,2\n3\n5,6\n")
    with pytest.raises(DataError, match=r"'ragged\.csv' line 3 has 1 value but the first row has 2"):
        load_dataset("csv_series", {"path": str(ragged), "window": 1})
    blank = write_text("blank.csv", "a,b\n1,\n2,\n3,?\n4,\n")
    with pytest.raises(DataError, match=r"Column 'b' of 'blank\.csv' has no values at all"):
        load_dataset("csv_series", {"path": str(blank), "window": 1})
    with pytest.raises(DataError, match=r"'short\.csv' has no column 'c'.*'a', 'b'"):
        load_dataset("csv_series", {"path": str(short), "target": "c", "window": 1})


def test_make_windows_layout() -> None:
    series = np.stack([np.arange(10), np.arange(10) * 10], axis=1)
    x, y = make_windows(series, target_index=1, window=3, horizon=2, stride=2)
    assert x.shape == (3, 3, 2) and y.shape == (3, 2)
    assert x[:, :, 0].tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    assert y.tolist() == [[30, 40], [50, 60], [70, 80]]
    with pytest.raises(DataError, match=r"window \(9\) plus horizon \(2\) is longer than the series \(10 rows\)"):
        make_windows(series, 0, 9, 2)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist") as info:
        load_dataset("csv_series", {"path": "gone.csv"}, base_dir=tmp_path)
    assert "gone.csv" in str(info.value)
