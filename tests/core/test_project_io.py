"""Project files: round trips, deterministic saves, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnbuilder.project import (
    Edge,
    Graph,
    Node,
    Project,
    ProjectError,
    dumps_project,
    load_project,
    loads_project,
    save_project,
)
from tests.conftest import EXAMPLES

MLP = EXAMPLES / "fashion_mnist_mlp.nnb"


def _doc() -> dict:
    return json.loads(MLP.read_text())


def _load_doc(doc: dict, tmp_path: Path) -> Project:
    f = tmp_path / "bad.nnb"
    f.write_text(json.dumps(doc))
    return load_project(f)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.nnb")), ids=lambda p: p.stem)
def test_load_save_load_is_identity(path: Path, tmp_path: Path) -> None:
    p1 = load_project(path)
    out = tmp_path / "copy.nnb"
    save_project(p1, out)
    p2 = load_project(out)
    assert p1 == p2
    # deterministic: the saved text is byte-identical to the committed example
    assert out.read_text() == path.read_text()


def test_save_is_stable_and_sorted(tmp_path: Path) -> None:
    p = load_project(MLP)
    p.graphs[0].nodes[1].position = (1 / 3, 2.0)
    text1 = dumps_project(p)
    text2 = dumps_project(loads_project(text1))
    assert text1 == text2
    assert '"position": [\n            0.33,\n            2\n' in text1


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "p.nnb"
    target.write_text("old content")
    p = load_project(MLP)

    # a failure while serialising must leave the old file untouched
    p.notes = float("nan")  # type: ignore[assignment]
    with pytest.raises(ProjectError, match=r"at \$\.notes: expected a number, found NaN"):
        save_project(p, target)
    assert target.read_text() == "old content"
    assert [x.name for x in tmp_path.iterdir()] == ["p.nnb"]
    p.notes = ""
    save_project(p, target)
    assert load_project(target) == p
    assert [x.name for x in tmp_path.iterdir()] == ["p.nnb"]


def _expect(doc: dict, tmp_path: Path, *fragments: str) -> str:
    with pytest.raises(ProjectError) as ei:
        _load_doc(doc, tmp_path)
    msg = str(ei.value)
    assert "bad.nnb" in msg
    for frag in fragments:
        assert frag in msg, msg
    return msg


def test_truncated_json(tmp_path: Path) -> None:
    f = tmp_path / "cut.nnb"
    f.write_text(MLP.read_text()[:200])
    with pytest.raises(ProjectError) as ei:
        load_project(f)
    assert "cut.nnb" in str(ei.value) and "not valid JSON" in str(ei.value) and "line" in str(ei.value)


def test_not_json_object_and_binary(tmp_path: Path) -> None:
    f = tmp_path / "list.nnb"
    f.write_text("[1, 2]")
    with pytest.raises(ProjectError, match=r"list.nnb at \$: expected an object"):
        load_project(f)
    b = tmp_path / "bin.nnb"
    b.write_bytes(b"\x80\x81\x82\xff")
    with pytest.raises(ProjectError, match="not a text"):
        load_project(b)
    with pytest.raises(ProjectError, match="no such file"):
        load_project(tmp_path / "missing.nnb")


def test_wrong_types(tmp_path: Path) -> None:
    doc = _doc()
    doc["training"]["epochs"] = "five"
    _expect(doc, tmp_path, "$.training.epochs", "whole number")
    doc = _doc()
    doc["graphs"][0]["nodes"][2]["params"]["units"] = "128"
    _expect(doc, tmp_path, "$.graphs[0].nodes[2].params.units", "hiddenlayer", "whole number")
    doc = _doc()
    doc["graphs"][0]["nodes"] = {"a": 1}
    _expect(doc, tmp_path, "$.graphs[0].nodes", "expected a list")


def test_unknown_layer_type(tmp_path: Path) -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"][1]["type"] = "Flattener"
    _expect(doc, tmp_path, "$.graphs[0].nodes[1].type", "unknown layer type 'Flattener'", "'flatten'")


def test_alias_type_resolves(tmp_path: Path) -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"][2]["type"] = "Linear"
    p = _load_doc(doc, tmp_path)
    assert p.graphs[0].nodes[2].type == "Dense"


def test_future_version(tmp_path: Path) -> None:
    doc = _doc()
    doc["version"] = 99
    _expect(doc, tmp_path, "$.version", "newer nnbuilder", "99")


def test_wrong_format_marker(tmp_path: Path) -> None:
    doc = _doc()
    doc["format"] = "keras"
    _expect(doc, tmp_path, "$.format", "not an nnbuilder project")


def test_dangling_edge(tmp_path: Path) -> None:
    doc = _doc()
    doc["graphs"][0]["edges"][0]["target"] = "ghost"
    _expect(doc, tmp_path, "$.graphs[0].edges[0].target", "'ghost'", "does not exist")


def test_duplicate_id(tmp_path: Path) -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"][1]["id"] = "input"
    _expect(doc, tmp_path, "$.graphs[0].nodes[1].id", "duplicate node id 'input'")


def test_param_out_of_range(tmp_path: Path) -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"][2]["params"]["units"] = 0
    _expect(doc, tmp_path, "$.graphs[0].nodes[2].params.units", "at least 1")
    doc = _doc()
    doc["training"]["validation_split"] = 1.5
    _expect(doc, tmp_path, "$.training.validation_split", "at most 0.9")
    doc = _doc()
    doc["graphs"][0]["nodes"][3]["params"]["activation"] = "swish"
    _expect(doc, tmp_path, "params.activation", "must be one of")


def test_unknown_param_and_field(tmp_path: Path) -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"][2]["params"]["neurons"] = 5
    _expect(doc, tmp_path, "params.neurons", "has no parameter 'neurons'", "units")
    doc = _doc()
    doc["training"]["epoch"] = 5
    _expect(doc, tmp_path, "$.training.epoch", "unknown field")


def test_bad_port(tmp_path: Path) -> None:
    doc = _doc()
    doc["graphs"][0]["edges"][0]["target_port"] = "graph"
    _expect(doc, tmp_path, "target_port", "no input port 'graph'")


def test_error_never_other_exception_on_garbage(tmp_path: Path) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
        max_leaves=10,
    )
    base = _doc()

    @settings(max_examples=150, deadline=None)
    @given(st.sampled_from(["format", "version", "name", "graphs", "data", "training", "notes"]), json_values)
    def fuzz(key: str, value: object) -> None:
        doc = json.loads(json.dumps(base))
        doc[key] = value
        try:
            loads_project(json.dumps(doc), "fuzz.nnb")
        except ProjectError as exc:
            assert "fuzz.nnb" in str(exc)

    fuzz()


def test_model_mutations_keep_invariants() -> None:
    g = Graph()
    g.add_node(Node("a", "Input", {"shape": [2]}))
    g.add_node(Node("b", "Dense", {"units": 3}))
    g.add_edge(Edge("a", "b"))
    with pytest.raises(ProjectError, match="already exists"):
        g.add_node(Node("a", "Dense"))
    with pytest.raises(ProjectError, match="already connected"):
        g.add_edge(Edge("a", "b"))
    assert g.would_create_cycle("b", "a")
    assert not g.would_create_cycle("a", "b")
    node, idx, removed = g.remove_node("a")
    assert idx == 0 and removed == [(0, Edge("a", "b"))] and g.edges == []
    assert g.new_id("Dense") == "dense_1"


def test_connection_rules_live_once_in_the_model() -> None:
    """The editor, inference and the reader give the same sentence for the same wrong wire."""
    from nnbuilder.compiler import infer
    from nnbuilder.project import Edge, Graph, Node, loads_project, project_to_dict
    from nnbuilder.project.model import ConnectRefusal

    g = Graph("model", "model", [Node("x", "Input", {"shape": [4]}), Node("g", "GraphInput", {}),
                                 Node("conv", "GCNConv", {"units": 2}), Node("d", "Dense", {})],
              [Edge("x", "conv"), Edge("g", "conv", "out", "graph")])
    wrong = Edge("g", "d")
    refusal = g.check_connect(wrong)
    assert isinstance(refusal, ConnectRefusal) and "sends a graph" in refusal.message
    g.edges.append(wrong)
    assert any(p.message == refusal.message for p in infer(g).problems)
    assert "already connected" in g.check_connect(Edge("x", "conv")).message
    assert "itself" in g.check_connect(Edge("d", "d")).message
    bad_port = g.check_connect(Edge("x", "d", "nope", "in"), in_graph=True)
    assert bad_port is not None and bad_port.field == "source_port"

    from nnbuilder.project import Project

    doc = project_to_dict(Project(name="p", graphs=[Graph("model", "model", [Node("x", "Input", {}),
                                                                            Node("d", "Dense", {})])]))
    doc["graphs"][0]["edges"] = [{"source": "x", "target": "d", "source_port": "nope", "target_port": "in"}]
    import json

    with pytest.raises(ProjectError, match=r"edges\[0\]\.source_port.*has no output port 'nope'"):
        loads_project(json.dumps(doc))
