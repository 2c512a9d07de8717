"""Layer labels and ids can be anything a student types; submodule names must never clash with the model."""

from __future__ import annotations

import builtins
import keyword

import pytest
import torch
from torch import fx, nn

from nnbuilder.compiler import build_module, infer, module_names, summarize_graph
from nnbuilder.compiler.build import RESERVED_NAMES
from nnbuilder.project import Edge, Graph, Node, TrainingConfig


def _attribute_names() -> list[str]:
    model = fx.GraphModule(nn.Module(), fx.Graph())
    return sorted(set(dir(model)) | set(vars(model)) | set(dir(nn.Module)) | set(dir(fx.GraphModule)))


def test_reserved_names_cover_every_public_attribute_of_the_installed_torch() -> None:
    public = {n for n in _attribute_names() if not n.startswith("_")}
    missing = sorted(public - RESERVED_NAMES)
    assert not missing, f"add these to RESERVED_NAMES: {missing}"


def _chain(labels: list[str], *, as_ids: bool = False) -> Graph:
    g = Graph()
    g.add_node(Node("input", "Input", {"shape": [3]}, label=labels[0]))
    prev = "input"
    for i, label in enumerate(labels):
        nid = f"n{i}"
        if as_ids:
            nid = "x" + label if not label[:1].isalpha() and label[:1] != "_" else label
            if nid == "input" or not all(c.isalnum() or c in "_-" for c in nid):
                continue
        g.add_node(Node(nid, "Dense", {"units": 2}, label="" if as_ids else label))
        g.add_edge(Edge(prev, nid))
        prev = nid
    return g


def _check_builds_and_counts_match(g: Graph) -> None:
    names = module_names(g)
    assert len(set(names.values())) == len(names), "two nodes share a submodule name"
    for name in names.values():
        assert name.isidentifier() and not keyword.iskeyword(name), name
        assert name not in RESERVED_NAMES
    model = build_module(g, TrainingConfig(loss="mse"))
    summary = summarize_graph(g, TrainingConfig(loss="mse"))
    assert sum(p.numel() for p in model.parameters()) == summary.total_params
    for name in model.node_modules.values():
        assert getattr(model, name) is model.get_submodule(name), name
        assert isinstance(model.get_submodule(name), nn.Module)
    dense = [n for n in g.nodes if n.type == "Dense"]
    assert len(model.node_modules) == len(dense)
    out = model(torch.zeros(4, 3))
    assert out.shape == (4, 2)
    model.train()
    model.eval()
    assert model.training is False


@pytest.mark.parametrize("as_ids", [False, True], ids=["labels", "ids"])
def test_every_module_attribute_name_as_a_label_or_id_builds_and_runs(as_ids: bool) -> None:
    labels = sorted(set(_attribute_names()) | {"self", "output_activation", "input_names", "node_modules", "torch"})
    _check_builds_and_counts_match(_chain(labels, as_ids=as_ids))


def test_builtins_keywords_and_odd_text_as_labels() -> None:
    labels = sorted(set(dir(builtins)) | set(keyword.kwlist) | set(keyword.softkwlist)) + [
        "", "1st", "x²", "ﬁle", "größe", "a.b", "a b", "__init__", "_", "—", "hidden", "hidden", "hidden_2",
        "layer", "layer_layer", "dense 1", "dense_1",
    ]
    _check_builds_and_counts_match(_chain(labels))


def test_output_activation_label_no_longer_drops_a_layer() -> None:
    g = _chain(["in", "output_activation"])
    inf = infer(g, TrainingConfig(loss="mse"))
    model = build_module(g, TrainingConfig(loss="mse"), inf)
    assert sum(p.numel() for p in model.parameters()) == inf.total_params
    assert model.output_activation is None
    assert module_names(g)["n1"] == "output_activation_layer"
