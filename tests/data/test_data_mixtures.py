"""The ring of eight Gaussians: the modes and spread the GAN metrics rely on."""

from __future__ import annotations

import numpy as np
import pytest

from nnbuilder.data import DataError, load_dataset
from nnbuilder.data.mixtures import ring, ring_means


def test_ring8_has_eight_tight_modes_on_a_circle_of_radius_2() -> None:
    ds = load_dataset("ring8", {})
    assert ds.x.shape == (8000, 2) and ds.x.dtype == np.float32 and ds.task == "classification"
    means = np.asarray(ds.extra["modes"])
    assert means.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 2.0)
    assert ds.extra["mode_std"] == 0.05
    assert np.bincount(ds.y).tolist() == [1000] * 8
    for k in range(8):
        pts = ds.x[ds.y == k]
        np.testing.assert_allclose(pts.mean(axis=0), means[k], atol=0.01)
        assert 0.045 < pts.std(axis=0).mean() < 0.055
    assert ds.y[:16].tolist() != sorted(ds.y[:16].tolist())  # shuffled


def test_ring8_is_seeded_and_checked() -> None:
    a, b = ring(100, 0.05, seed=3), ring(100, 0.05, seed=3)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], ring(100, 0.05, seed=4)[0])
    np.testing.assert_allclose(ring_means(4, 1.0), [[1, 0], [0, 1], [-1, 0], [0, -1]], atol=1e-12)
    with pytest.raises(DataError) as err:
        load_dataset("ring8", {"std": 0})
    assert "std" in str(err.value)
