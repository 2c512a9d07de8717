"""Shape inference problems, the compiler on DAGs, and the summary the lecture shows."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from nnbuilder import build_model, load_project, summarize
from nnbuilder.compiler import CompileError, infer
from nnbuilder.project import Edge, Graph, Node, TrainingConfig
from tests.conftest import EXAMPLES
from tests.core.graphs import chain


def messages(inf, node: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.message for p in inf.problems if node is None or p.node == node]


def test_lecture_summary_counts() -> None:
    s = summarize(load_project(EXAMPLES / "fashion_mnist_mlp.nnb"))
    assert [(r.name, r.type, r.params) for r in s.rows] == [
        ("flatten", "Flatten", 0), ("hiddenlayer", "Dense", 100_480), ("outputlayer", "Dense", 1_290)]
    assert s.total_params == 101_770 and s.trainable_params == 101_770
    text = s.format()
    assert "hiddenlayer (Dense)" in text and "(None, 128)" in text and "100,480" in text
    assert "Total params: 101,770" in text


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.nnb")), ids=lambda p: p.stem)
def test_every_example_is_clean_and_compiles(path: Path) -> None:
    project = load_project(path)
    for g in project.graphs:
        inf = infer(g, project.training)
        assert [p for p in inf.problems if p.severity != "info"] == []
    model = build_model(project)
    assert sum(p.numel() for p in model.parameters()) == summarize(project).total_params


def test_dense_after_image_says_add_flatten() -> None:
    g = chain(("in", "Input", {"shape": [1, 28, 28]}), ("d", "Dense", {"units": 10}))
    inf = infer(g)
    assert not inf.ok
    assert messages(inf, "d") == ["d: Dense expects a flat input but gets 1×28×28 — add a Flatten before it."]
    assert inf.nodes["d"].severity == "error" and inf.nodes["d"].output_shape is None


def test_conv_needs_channels() -> None:
    g = chain(("in", "Input", {"shape": [28, 28]}), ("c", "Conv2d", {}))
    assert "add a Reshape to 1×28×28" in messages(infer(g), "c")[0]


def test_cycle_is_reported_on_each_node() -> None:
    g = chain(("in", "Input", {"shape": [4]}), ("a", "Dense", {"units": 4}), ("b", "Dense", {"units": 4}))
    g.add_node(Node("m", "Add"))
    g.edges = [Edge("in", "m"), Edge("m", "a"), Edge("a", "b"), Edge("b", "m")]
    inf = infer(g)
    for nid in ("a", "b", "m"):
        assert any("part of a cycle" in m for m in messages(inf, nid)), nid
    assert g.would_create_cycle("b", "a")


def test_no_input_and_disconnected_nodes() -> None:
    g = chain(("d", "Dense", {"units": 3}))
    inf = infer(g)
    assert any("no Input layer" in m for m in messages(inf))
    assert "d gets no data" in messages(inf, "d")[0]


def test_a_generator_layer_without_data_is_told_to_reach_the_noise() -> None:
    g = chain(("z", "Noise", {"latent": 8}), ("a", "Dense", {"units": 4}))
    g.add_node(Node("loose", "Dense", {"units": 2}))
    assert messages(infer(g), "loose")[0] == "loose gets no data: connect it (through other layers) to the Noise layer."
    g.add_node(Node("x", "Input", {"shape": [3]}))
    assert messages(infer(g), "loose")[0].endswith("to an Input.")


def test_node_not_connected_to_output_is_a_warning() -> None:
    g = chain(("in", "Input", {"shape": [4]}), ("a", "Dense", {"units": 4}), ("out", "Output", {}))
    g.add_node(Node("side", "Dense", {"units": 2}))
    g.add_edge(Edge("in", "side"))
    inf = infer(g)
    assert inf.ok
    assert messages(inf, "side") == ["side is not connected to the output, so it does not affect the result."]
    assert inf.nodes["side"].severity == "warning"
    assert inf.outputs == ["out"]


def test_loose_ends_without_output_node_warn() -> None:
    g = chain(("in", "Input", {"shape": [4]}), ("a", "Dense", {"units": 4}))
    g.add_node(Node("b", "Dense", {"units": 2}))
    g.add_edge(Edge("in", "b"))
    inf = infer(g)
    assert any("2 ends" in m for m in messages(inf, "a")) and any("2 ends" in m for m in messages(inf, "b"))


def test_merge_shape_mismatch() -> None:
    g = Graph()
    for nid, t, p in [("in", "Input", {"shape": [4]}), ("a", "Dense", {"units": 3}), ("b", "Dense", {"units": 5}),
                      ("add", "Add", {})]:
        g.add_node(Node(nid, t, p))
    g.edges = [Edge("in", "a"), Edge("in", "b"), Edge("a", "add"), Edge("b", "add")]
    assert messages(infer(g), "add") == ["add: Add needs inputs of the same shape but gets 3, 5."]


def test_too_many_inputs_on_single_port() -> None:
    g = Graph()
    for nid, t, p in [("in", "Input", {"shape": [4]}), ("a", "Dense", {"units": 3}), ("b", "Dense", {"units": 3}),
                      ("r", "ReLU", {})]:
        g.add_node(Node(nid, t, p))
    g.edges = [Edge("in", "a"), Edge("in", "b"), Edge("a", "r"), Edge("b", "r")]
    msg = messages(infer(g), "r")[0]
    assert "2 connections into 'in'" in msg and "Add or Concatenate" in msg


def test_softmax_with_cross_entropy_is_explained_not_an_error() -> None:
    p = load_project(EXAMPLES / "fashion_mnist_mlp.nnb")
    inf = infer(p.graph(), p.training)
    infos = [x for x in inf.problems if x.severity == "info"]
    assert inf.ok and len(infos) == 1 and infos[0].node == "outputlayer"
    assert "not applied twice" in infos[0].message
    assert inf.output_activation() == "softmax"


def test_graph_port_kind_mismatch() -> None:
    g = Graph()
    for nid, t, p in [("in", "Input", {"shape": [4]}), ("gcn", "GCNConv", {"units": 2})]:
        g.add_node(Node(nid, t, p))
    g.edges = [Edge("in", "gcn"), Edge("in", "gcn", "out", "graph")]
    assert "needs a Graph node" in messages(infer(g), "gcn")[0]


def test_bad_param_value_in_memory_is_a_problem_not_a_crash() -> None:
    g = chain(("in", "Input", {"shape": [4]}), ("d", "Dense", {"units": -3}))
    assert "at least 1" in messages(infer(g), "d")[0]
    with pytest.raises(CompileError, match="cannot be built"):
        from nnbuilder.compiler import build_module

        build_module(g)


def test_dag_with_skip_connection_and_concat_runs() -> None:
    p = load_project(EXAMPLES / "skip_connection_moons.nnb")
    model = build_model(p)
    out = model(torch.randn(7, 2))
    assert out.shape == (7, 2)
    assert torch.allclose(out.sum(dim=1), torch.ones(7), atol=1e-5)
    names = dict(model.named_children())
    assert {"dense_a", "dense_b", "skip", "add", "concat", "output"} <= set(names)
    # the skip connection really feeds the Add: zeroing dense_b's path changes nothing when skip carries it
    code = model.code
    assert "add = self.add(dense_b, skip)" in code and "concat = self.concat(add, dense_a)" in code


def test_several_inputs_and_outputs() -> None:
    g = Graph()
    for nid, t, p in [("x1", "Input", {"shape": [3]}), ("x2", "Input", {"shape": [5]}), ("cat", "Concatenate", {}),
                      ("h", "Dense", {"units": 4}), ("o1", "Dense", {"units": 1}), ("o2", "Dense", {"units": 2}),
                      ("out1", "Output", {}), ("out2", "Output", {})]:
        g.add_node(Node(nid, t, p))
    g.edges = [Edge("x1", "cat"), Edge("x2", "cat"), Edge("cat", "h"), Edge("h", "o1"), Edge("h", "o2"),
               Edge("o1", "out1"), Edge("o2", "out2")]
    from nnbuilder.compiler import build_module

    m = build_module(g)
    a, b = m(torch.randn(2, 3), torch.randn(2, 5))
    assert a.shape == (2, 1) and b.shape == (2, 2)
    assert m.input_names == ["x1", "x2"]


def test_labels_become_module_names_and_frozen_nodes_are_non_trainable() -> None:
    g = chain(("in", "Input", {"shape": [4]}), ("a", "Dense", {"units": 4}), ("b", "Dense", {"units": 2}))
    g.node("a").label = "hidden layer"
    g.node("a").trainable = False
    from nnbuilder.compiler import build_module, summarize_graph

    m = build_module(g)
    assert "hidden_layer" in dict(m.named_children())
    assert all(not p.requires_grad for p in m.hidden_layer.parameters())
    s = summarize_graph(g)
    assert s.total_params == 30 and s.trainable_params == 10 and s.non_trainable_params == 20


def test_inference_is_torch_free_and_handles_300_nodes() -> None:
    g = Graph()
    g.add_node(Node("in", "Input", {"shape": [8]}))
    prev = "in"
    for i in range(299):
        nid = f"d{i}"
        g.add_node(Node(nid, "Dense" if i % 2 == 0 else "ReLU", {"units": 8} if i % 2 == 0 else {}))
        g.add_edge(Edge(prev, nid))
        prev = nid
    inf = infer(g, TrainingConfig(loss="mse"))
    assert inf.ok and len(inf.order) == 300
    assert inf.total_params == 150 * 72


def test_gan_graphs_get_loss_notes_that_fit_their_role() -> None:
    """The generator's sigmoid makes pixels, not probabilities; the discriminator is scored by the GAN loss."""
    from pathlib import Path

    from nnbuilder.compiler.infer import infer
    from nnbuilder.project import load_project

    project = load_project(Path(__file__).resolve().parents[2] / "resources" / "examples" / "fashion_mnist_dcgan.nnb")
    generator, discriminator = project.role_graph("generator"), project.role_graph("discriminator")
    assert generator is not None and discriminator is not None

    def notes(graph):  # type: ignore[no-untyped-def]
        return [p.message for p in infer(graph, project.training).problems]

    assert not any("g_up2" in m for m in notes(generator)), notes(generator)
    said = "d_real ends in sigmoid: the trainer computes binary cross-entropy from the value before the sigmoid"
    assert any(said in m for m in notes(discriminator))
    # ...and it does: the GAN step scores the discriminator's logits
    from nnbuilder.training import Trainer

    assert Trainer(project, device="cpu").step._d_kind == "logits"
    project.training.loss = "mse"  # the supervised loss setting does not score a discriminator
    assert any(said in m for m in notes(discriminator))
    project.training.gan.loss = "least_squares"
    assert not any("d_real ends in" in m for m in notes(discriminator)), notes(discriminator)
