"""The public array helpers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbuilder.data import DataError, one_hot, split_indices, standardize, train_val_split


def test_one_hot() -> None:
    out = one_hot(np.array([2, 0, 1]), 3)
    assert out.dtype == np.float32 and out.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    with pytest.raises(DataError, match=r"class ids 0\.\.1, but the labels range 0\.\.2"):
        one_hot(np.array([0, 2]), 2)


def test_standardize_uses_training_statistics_only() -> None:
    train = np.array([[1.0, 10.0], [3.0, 10.0]])
    test = np.array([[5.0, 12.0]])
    train_s, test_s, mean, std = standardize(train, test)
    assert mean.tolist() == [2.0, 10.0] and std.tolist() == [1.0, 1.0]  # constant column: std 1, not 0
    assert train_s.tolist() == [[-1.0, 0.0], [1.0, 0.0]]
    assert test_s.tolist() == [[3.0, 2.0]] and test_s.dtype == np.float32
    windows = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    *_, m, s = standardize(windows, axis=(0, 1))
    assert m.shape == (4,) and m[0] == pytest.approx(np.mean([0, 4, 8, 12, 16, 20]))


def test_train_val_split_sizes_and_errors() -> None:
    x, y = np.arange(10)[:, None], np.arange(10)
    (xt, yt), (xv, yv) = train_val_split(x, y, 0.3, seed=0)
    assert len(xt) == 7 and len(xv) == 3 and np.array_equal(xt[:, 0], yt) and np.array_equal(xv[:, 0], yv)
    (xt, _), (xv, _) = train_val_split(x, y, 0.0, seed=0)
    assert len(xt) == 10 and len(xv) == 0
    with pytest.raises(DataError, match="validation split must be a fraction"):
        train_val_split(x, y, 1.0, seed=0)
    with pytest.raises(DataError, match="10 inputs with 9 targets"):
        train_val_split(x, y[:9], 0.2, seed=0)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 500), fraction=st.floats(0.0, 0.95), seed=st.integers(0, 2**31 - 1), shuffle=st.booleans())
def test_split_indices_partition(n: int, fraction: float, seed: int, shuffle: bool) -> None:
    train, val = split_indices(n, fraction, seed, shuffle)
    assert len(train) >= 1 and len(train) + len(val) == n
    assert np.array_equal(np.sort(np.concatenate([train, val])), np.arange(n))
    if fraction > 0:
        assert len(val) >= 1
    again = split_indices(n, fraction, seed, shuffle)
    assert np.array_equal(again[0], train) and np.array_equal(again[1], val)
    if not shuffle and len(val):
        assert train.max() < val.min()
