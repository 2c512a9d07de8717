"""Inference refuses what would only fail later inside torch: wrong dtypes and sizes no computer holds."""

from __future__ import annotations

import json

import pytest
import torch

from nnbuilder.compiler import CompileError, build_module, infer
from nnbuilder.compiler.infer import WARN_PARAMS, memory_bytes
from nnbuilder.project import Edge, Graph, Node, ProjectError, TrainingConfig, loads_project


def _chain(*nodes: Node) -> Graph:
    g = Graph()
    for n in nodes:
        g.add_node(n)
    for a, b in zip(nodes, nodes[1:], strict=False):
        g.add_edge(Edge(a.id, b.id))
    return g


def _errors(g: Graph) -> list[tuple[str | None, str]]:
    return [(p.node, p.message) for p in infer(g, TrainingConfig(loss="mse")).errors()]


def test_token_ids_into_dense_are_refused_naming_the_dense() -> None:
    g = _chain(Node("tokens", "Input", {"shape": [5], "dtype": "int64"}), Node("hidden", "Dense", {"units": 3}))
    [(node, msg)] = _errors(g)
    assert node == "hidden"
    assert "hidden gets whole-number token ids (int64) from tokens" in msg
    assert "Embedding" in msg
    with pytest.raises(CompileError, match="hidden gets whole-number token ids"):
        build_module(g)


def test_floats_into_an_embedding_are_refused_naming_the_embedding() -> None:
    g = _chain(Node("x", "Input", {"shape": [5]}), Node("emb", "Embedding", {"input_dim": 10}),
               Node("flat", "Flatten"), Node("out", "Dense", {"units": 2}))
    [(node, msg)] = _errors(g)
    assert node == "emb"
    assert msg.startswith("emb looks up token ids, but x sends float32 values")


def test_token_ids_through_reshape_into_an_embedding_build_and_run() -> None:
    g = _chain(Node("ids", "Input", {"shape": [6], "dtype": "int64"}), Node("r", "Reshape", {"shape": [6]}),
               Node("emb", "Embedding", {"input_dim": 10, "output_dim": 4}), Node("flat", "Flatten"),
               Node("out", "Dense", {"units": 2}))
    assert _errors(g) == []
    model = build_module(g, TrainingConfig(loss="mse"))
    assert model(torch.randint(0, 10, (3, 6))).shape == (3, 2)


def test_a_merge_of_ids_and_floats_is_refused() -> None:
    g = Graph()
    g.add_node(Node("ids", "Input", {"shape": [4], "dtype": "int64"}))
    g.add_node(Node("x", "Input", {"shape": [4]}))
    g.add_node(Node("cat", "Concatenate"))
    g.add_edge(Edge("ids", "cat"))
    g.add_edge(Edge("x", "cat"))
    [(node, msg)] = _errors(g)
    assert node == "cat" and "token ids" in msg


def test_an_input_of_ten_to_the_twenty_values_is_refused_in_one_sentence() -> None:
    g = _chain(Node("in", "Input", {"shape": [10**20]}), Node("d", "Dense", {"units": 10}))
    errs = _errors(g)
    assert errs[0][0] == "in"
    assert "about 10^20 values per sample" in errs[0][1] and "cannot be built" in errs[0][1]
    assert all(msg.count(". ") <= 1 for _, msg in errs)


def test_layers_bigger_than_memory_are_refused_and_big_networks_warned() -> None:
    g = _chain(Node("in", "Input", {"shape": [1_000_000]}), Node("d", "Dense", {"units": 1_000_000}))
    [(node, msg)] = _errors(g)
    assert node == "d" and "1,000,001,000,000 values" in msg and "cannot be built" in msg
    width = 20_000
    assert width * width < memory_bytes() // 4
    g = _chain(Node("in", "Input", {"shape": [width]}), Node("d", "Dense", {"units": width}))
    inf = infer(g)
    assert inf.ok and inf.total_params > WARN_PARAMS
    assert any("parameters" in w.message and "laptops" in w.message for w in inf.warnings())


def test_dense_with_ten_to_the_eight_units_is_refused_when_the_file_is_read() -> None:
    doc = {"format": "nnbuilder-project", "version": 1, "graphs": [{"nodes": [
        {"id": "in", "type": "Input", "params": {"shape": [4]}},
        {"id": "d", "type": "Dense", "params": {"units": 10**8}}]}]}
    with pytest.raises(ProjectError, match=r"nodes\[1\]\.params\.units: Dense node 'd': units must be at most"):
        loads_project(json.dumps(doc))
