"""Karate club and Cora: features, labels, edges, masks and the GCN propagation matrix."""

from __future__ import annotations

import numpy as np
import pytest

from nnbuilder.data import GraphData, load_dataset

CORA_COUNTS = {
    "Neural_Networks": 818, "Probabilistic_Methods": 426, "Genetic_Algorithms": 418, "Theory": 351,
    "Case_Based": 298, "Reinforcement_Learning": 217, "Rule_Learning": 180,
}


def dense_reference(graph: GraphData) -> np.ndarray:
    a = np.zeros((graph.num_nodes, graph.num_nodes))
    a[graph.edges[0], graph.edges[1]] = 1
    a[graph.edges[1], graph.edges[0]] = 1
    a += np.eye(graph.num_nodes)
    d = 1 / np.sqrt(a.sum(axis=1))
    return d[:, None] * a * d[None, :]


def test_karate_club() -> None:
    ds = load_dataset("karate_club")
    assert ds.task == "node_classification" and ds.graph is not None
    assert ds.x.shape == (34, 34) and np.array_equal(ds.x, np.eye(34, dtype=np.float32))
    assert np.bincount(ds.y).tolist() == [17, 17] and ds.class_names == ["Mr. Hi", "Officer"]
    g = ds.graph
    assert g.num_nodes == 34 and g.edges.shape == (2, 78) and g.edges.dtype == np.int64
    assert np.all(g.edges[0] < g.edges[1])
    assert np.flatnonzero(g.train_mask).tolist() == [0, 33]
    assert (g.train_mask.astype(int) + g.val_mask + g.test_mask == 1).all()
    assert g.val_mask.sum() == 16 and g.test_mask.sum() == 16
    weight = ds.extra["edge_weight"]
    assert weight.shape == (78,) and weight[0] == 4 and weight[-1] == 5  # edges 0-1 and 32-33 in the CSV
    degree = np.bincount(g.edges.ravel(), minlength=34)
    assert degree[33] == 17 and degree[0] == 16
    three = load_dataset("karate_club", {"labelled_per_class": 3}).graph
    assert three is not None and three.train_mask.sum() == 6 and three.train_mask[[0, 33]].all()
    assert np.bincount(ds.y[three.train_mask]).tolist() == [3, 3]


def test_karate_adjacency_is_kipf_normalised() -> None:
    g = load_dataset("karate_club").graph
    assert g is not None
    a = g.normalized_adjacency()
    assert not a.is_sparse and tuple(a.shape) == (34, 34) and str(a.dtype) == "torch.float32"
    np.testing.assert_allclose(a.numpy(), dense_reference(g), rtol=1e-6)
    assert float(a[0, 0]) == pytest.approx(1 / 17)
    assert float(a[0, 1]) == pytest.approx(1 / np.sqrt(17 * 10))


def test_cora() -> None:
    ds = load_dataset("cora")
    assert ds.x.shape == (2708, 1433) and ds.x.dtype == np.float32 and ds.y.dtype == np.int64
    np.testing.assert_allclose(ds.x.sum(axis=1), 1.0, rtol=1e-5)
    assert ds.class_names is not None and ds.num_classes == 7
    assert {name: int((ds.y == k).sum()) for k, name in enumerate(ds.class_names)} == CORA_COUNTS
    g = ds.graph
    assert g is not None and g.num_edges == 5278
    assert g.train_mask.sum() == 140 and g.val_mask.sum() == 500 and g.test_mask.sum() == 1000
    assert not (g.train_mask & g.val_mask).any() and not (g.val_mask & g.test_mask).any()
    assert not (g.train_mask & g.test_mask).any()
    assert np.bincount(ds.y[g.train_mask]).tolist() == [20] * 7
    raw = load_dataset("cora", {"row_normalize": False})
    assert raw.x.sum() == 49216 and set(np.unique(raw.x)) == {0.0, 1.0}
    again = load_dataset("cora").graph
    other = load_dataset("cora", {"seed": 1}).graph
    assert again is not None and other is not None
    assert np.array_equal(again.train_mask, g.train_mask) and not np.array_equal(other.train_mask, g.train_mask)


def test_cora_adjacency_is_sparse_and_correct() -> None:
    g = load_dataset("cora").graph
    assert g is not None
    a = g.normalized_adjacency()
    assert a.is_sparse and tuple(a.shape) == (2708, 2708) and a._nnz() == 2 * 5278 + 2708
    np.testing.assert_allclose(a.to_dense().numpy(), dense_reference(g), rtol=1e-5, atol=1e-7)


def test_graph_split_uses_masks() -> None:
    ds = load_dataset("karate_club")
    (xt, yt), (xv, yv) = ds.split(0.5, seed=0)
    assert xt.shape == (2, 34) and yt.tolist() == [0, 1] and len(xv) == 16
