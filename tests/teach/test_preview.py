"""The data-first preview shows the data set's own first rows, in the data's own units."""

from __future__ import annotations

import numpy as np

from nnbuilder.data import load_dataset
from nnbuilder.teach.preview import build_preview


def test_first_25_fashion_images_with_their_labels() -> None:
    ds = load_dataset("fashion_mnist", {"normalize": True})
    p = build_preview(ds)
    assert p.kind == "images" and p.images.shape == (25, 28, 28)
    np.testing.assert_array_equal(p.images, ds.x[:25])  # the first 25, not a shuffled pick
    assert p.labels[0] == ds.class_names[int(ds.y[0])]
    assert p.labels[:3] == ["Ankle boot", "T-shirt/top", "T-shirt/top"]  # Fashion-MNIST's first training images


def test_flattened_and_channel_images_come_back_as_pictures() -> None:
    flat = build_preview(load_dataset("mnist_test", {"flatten": True, "normalize": False}))
    chan = build_preview(load_dataset("mnist_test", {"channels": True}))
    assert flat.kind == chan.kind == "images"
    np.testing.assert_allclose(flat.images, chan.images, atol=1e-6)
    assert flat.images.max() <= 1.0


def test_points_series_and_graph() -> None:
    pts = build_preview(load_dataset("spiral", {"samples": 200}))
    assert pts.kind == "points" and pts.points.shape == (200, 2) and set(pts.classes) == {0, 1}
    series = build_preview(load_dataset("household_power", {"resolution": "minute", "window": 30}))
    assert series.kind == "series"
    raw = load_dataset("household_power", {"resolution": "minute", "window": 30, "scaling": "none"})
    # undoing the standardisation gives the readings in kW, as in the lecture's table (4.216 kW at 17:24)
    np.testing.assert_allclose(series.series[:30], raw.x[0, :, 0], atol=1e-4)
    assert abs(series.series[0] - 4.216) < 1e-3
    unit = build_preview(load_dataset("household_power", {"resolution": "minute", "window": 30, "scaling": "minmax"}))
    np.testing.assert_allclose(unit.series[:30], raw.x[0, :, 0], atol=1e-4)  # min-max undone as well
    assert "scaled to [0, 1] for training" in unit.summary and "standardised for training" in series.summary
    graph = build_preview(load_dataset("karate_club", {}))
    assert graph.kind == "graph" and graph.points.shape == (34, 2) and graph.edges.shape[0] == 2
    assert np.abs(graph.points).max() <= 1.0
    cora = build_preview(load_dataset("cora", {}))
    assert cora.points.shape[0] == 300 and "the neighbourhoods of each class's best-connected node" in cora.summary
    assert np.bincount(cora.classes, minlength=7).min() >= 15  # every topic (from node 0: nearly all one)

