"""Mutated examples and worst cases against the loader/writer/compiler contract (see cases.py)."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnbuilder.compiler.build import RESERVED_NAMES
from tests.fuzz.cases import (
    EXAMPLE_FILES,
    EXAMPLE_TEXTS,
    LAYER_TYPES,
    LOADABLE_WORST,
    WORST_CASES,
    check_project_text,
)
from tests.fuzz.conftest import TALLY, fuzz

NASTY_TEXT = ["", " ", "\n", "\ud800", "a\udfffb", "\x00", "hidden1\n", "é", "ﬁ", "²", "🙂", "x" * 300,
              "val_los", "../../etc/passwd", "NaN", "1e400", "Infinity", "null", "$.graphs", "__class__",
              *sorted(RESERVED_NAMES)[:40], *LAYER_TYPES]
NASTY_NUMBERS = [0, -1, 1, 2, 3, 7, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**20, -(10**20),
                 int("9" * 4300), 0.5, 1.5, -0.0, 1e-300, 1e300, float("nan"), float("inf"), float("-inf")]

scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(NASTY_NUMBERS), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(NASTY_TEXT), st.text(max_size=12),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(NASTY_TEXT) | st.text(max_size=6), inner,
                                                 max_size=4)), max_leaves=12)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


@st.composite
def mutated_documents(draw: st.DrawFn) -> str:
    """An example with a few structural mutations, then sometimes a few damaged characters."""
    doc = json.loads(draw(st.sampled_from(EXAMPLE_TEXTS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "delete", "add_key", "duplicate", "retype", "param",
                                   "wire", "deepen"]))
        parent = _get(doc, path[:-1]) if path else None
        here = _get(doc, path)
        if op == "replace" and path:
            parent[path[-1]] = draw(json_values)
        elif op == "delete" and path and isinstance(parent, dict | list):
            del parent[path[-1]]
        elif op == "add_key" and isinstance(here, dict):
            here[draw(st.sampled_from(NASTY_TEXT))] = draw(json_values)
        elif op == "duplicate" and isinstance(here, list) and here:
            here.append(copy.deepcopy(draw(st.sampled_from(here))))
        elif op in ("retype", "param", "wire"):
            graphs = doc.get("graphs") if isinstance(doc, dict) else None
            if not isinstance(graphs, list) or not graphs or not isinstance(graphs[0], dict):
                continue
            nodes = graphs[0].get("nodes")
            if not isinstance(nodes, list) or not nodes or not isinstance(nodes[-1], dict):
                continue
            node = draw(st.sampled_from([n for n in nodes if isinstance(n, dict)]))
            if op == "retype":
                node["type"] = draw(st.sampled_from(LAYER_TYPES))
                node["params"] = {}
            elif op == "param":
                if not isinstance(node.get("params"), dict):
                    node["params"] = {}
                key = draw(st.sampled_from(["units", "shape", "dtype", "filters", "kernel_size", "strides",
                                            "padding", "activation", "rate", "axis", "dims", "input_dim",
                                            "output_dim", "pool_size", "scale_factor", "return_sequences"]))
                node["params"][key] = draw(st.one_of(json_values, st.integers(0, 70),
                                                     st.lists(st.integers(0, 40), max_size=4),
                                                     st.sampled_from(["int64", "same", "valid", "relu"])))
            else:
                ids = [n.get("id") for n in nodes if isinstance(n, dict)]
                edges = graphs[0].setdefault("edges", [])
                if isinstance(edges, list):
                    edges.append({"source": draw(st.sampled_from(ids)), "target": draw(st.sampled_from(ids)),
                                  "target_port": draw(st.sampled_from(["in", "graph", "in", "bogus"]))})
        elif op == "deepen" and path:
            depth = draw(st.integers(1, 60))
            parent[path[-1]] = json.loads("[" * depth + "]" * depth)
    text = json.dumps(doc, allow_nan=True, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 4)) == 0:  # text-level damage
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.integers(0, len(text)))
            kind = draw(st.sampled_from(["cut", "insert", "delete", "bom"]))
            if kind == "cut":
                text = text[:i]
            elif kind == "insert":
                text = text[:i] + draw(st.sampled_from(["{", "}", "[", ",", '"', "\\", "NaN", "\ufeff", "9" * 50,
                                                        "\\ud800", "\x00"])) + text[i:]
            elif kind == "delete":
                text = text[:i] + text[i + draw(st.integers(1, 20)):]
            else:
                text = "\ufeff" + text
    return text


@fuzz(scale=1.5)
@given(mutated_documents())
def test_mutated_examples_meet_the_contract(text: str) -> None:
    TALLY["mutated project"] += 1
    check_project_text(text)


@pytest.mark.parametrize("name", sorted(WORST_CASES))
def test_worst_cases_meet_the_contract(name: str) -> None:
    TALLY["worst case"] += 1
    project = check_project_text(WORST_CASES[name])
    assert (project is not None) == (name in LOADABLE_WORST), name


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_loads_builds_and_runs(path: Any) -> None:
    TALLY["example"] += 1
    assert check_project_text(path.read_text(encoding="utf-8")) is not None


@fuzz(scale=1.0)
@given(st.sampled_from(EXAMPLE_TEXTS), st.data())
def test_any_value_at_any_place_of_an_example(text: str, data: st.DataObject) -> None:
    """One value anywhere, drawn from the nasty ones: a denser search of the fields than mutated_documents."""
    TALLY["one value"] += 1
    doc = json.loads(text)
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths))
    _get(doc, path[:-1])[path[-1]] = data.draw(scalars)
    check_project_text(json.dumps(doc, allow_nan=True), build=False)


def test_nan_is_never_written() -> None:
    for name in LOADABLE_WORST:
        project = check_project_text(WORST_CASES[name], build=False)
        assert project is not None
        from nnbuilder.project import dumps_project

        assert not any(isinstance(v, float) and not math.isfinite(v)
                       for v in _floats(json.loads(dumps_project(project))))


def _floats(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _floats(v)]
    if isinstance(value, list):
        return [x for v in value for x in _floats(v)]
    return [value]


@st.composite
def random_networks(draw: st.DrawFn) -> str:
    """An Input of random shape and dtype, then a few random layers with random parameters, sometimes a
    skip connection: the search for networks that infer cleanly but fail in torch."""
    from nnbuilder.layers import get_spec

    rank = draw(st.integers(1, 3))
    shape = draw(st.lists(st.integers(1, 12), min_size=rank, max_size=rank))
    nodes: list[dict[str, Any]] = [{"id": "in", "type": "Input",
                                    "params": {"shape": shape, "dtype": draw(st.sampled_from(["float32", "int64"]))}}]
    edges: list[dict[str, Any]] = []
    kinds = [t for t in LAYER_TYPES if t not in ("Input", "GraphInput", "GCNConv")]
    for i in range(draw(st.integers(1, 6))):
        spec = get_spec(draw(st.sampled_from(kinds)))
        params: dict[str, Any] = {}
        for p in spec.params:
            if draw(st.booleans()):
                continue
            if p.kind == "int":
                params[p.name] = draw(st.integers(int(p.minimum or 0), min(int(p.maximum or 16), 16)))
            elif p.kind == "float":
                params[p.name] = draw(st.floats(p.minimum or 0.0, min(p.maximum or 1.0, 1.0)))
            elif p.kind == "bool":
                params[p.name] = draw(st.booleans())
            elif p.kind == "choice":
                params[p.name] = draw(st.sampled_from(p.choices))
            elif p.kind == "shape":
                params[p.name] = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
        nid = f"n{i}"
        nodes.append({"id": nid, "type": spec.type, "params": params})
        for port in spec.inputs:
            sources = [nodes[-2]["id"]] + ([draw(st.sampled_from([n["id"] for n in nodes[:-1]]))]
                                           if port.multiple else [])
            for src in dict.fromkeys(sources):
                edges.append({"source": src, "target": nid, "target_port": port.name})
    doc = {"format": "nnbuilder-project", "version": 1, "graphs": [{"nodes": nodes, "edges": edges}],
           "training": {"loss": "mse"}}
    return json.dumps(doc)


@fuzz(scale=2.0)
@given(random_networks())
def test_random_networks_that_infer_cleanly_build_and_run(text: str) -> None:
    TALLY["random network"] += 1
    check_project_text(text)
