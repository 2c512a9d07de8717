"""Inputs for the fuzz suite: the bundled examples, hand-made worst cases, and the checks every input meets.

``check_project_text`` is the contract the fuzz tests hold the loader to: only ProjectError escapes; what
loads saves, and reloads to the same text; inference and the summary never raise; and a network that
infers without errors builds and runs a forward pass (or is refused with a sentence).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nnbuilder.compiler import CompileError, build_module, infer, summarize_graph
from nnbuilder.layers import all_specs
from nnbuilder.project import Project, ProjectError, dumps_project, loads_project
from tests.conftest import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.nnb"))
EXAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in EXAMPLE_FILES]
LAYER_TYPES = sorted(s.type for s in all_specs())

# Only networks this small are built and run: the fuzzer easily draws layers of a billion weights,
# which inference accepts (with a warning) on a large machine but which would take minutes to allocate.
BUILD_MAX_PARAMS = 2_000_000
BUILD_MAX_VALUES = 1_000_000
FORWARD_BATCH = 3


def _base() -> dict[str, Any]:
    return json.loads(EXAMPLE_TEXTS[EXAMPLE_FILES.index(EXAMPLES / "spiral_playground.nnb")])


def _with(mutate: Any) -> str:
    doc = _base()
    mutate(doc)
    return json.dumps(doc)


def _chain_doc(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)]
    return {"format": "nnbuilder-project", "version": 1, "name": "worst", "graphs": [{"nodes": nodes, "edges": edges}]}


def _set(path: list[Any], value: Any) -> Any:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


#: name -> file text. Each one once escaped as a traceback, a crash, a hang or a file that would not save.
WORST_CASES: dict[str, str] = {
    "deep_nesting_1000": '{"a":' * 1000 + "1" + "}" * 1000,
    "deep_list_100000": "[" * 100_000 + "]" * 100_000,
    "version_4300_digits": '{"format": "nnbuilder-project", "version": ' + "9" * 4300 + "}",
    "version_4301_digits": '{"format": "nnbuilder-project", "version": ' + "9" * 4301 + "}",
    "nan_in_data_options": _with(_set(["data", "options"], {"noise": float("nan")})),
    "infinity_lr": _with(_set(["training", "optimizer", "lr"], float("inf"))),
    "lone_surrogate_name": _with(_set(["name"], "\ud800")),
    "lone_surrogate_label": _with(_set(["graphs", 0, "nodes", 1, "label"], "x\udfff")),
    "surrogate_key_in_options": _with(_set(["data", "options"], {"\ud800": 1})),
    "bom": "\ufeff" + EXAMPLE_TEXTS[0],
    "id_with_newline": _with(_set(["graphs", 0, "nodes", 1, "id"], "hidden1\n")),
    "epochs_1_5": _with(_set(["training", "epochs"], 1.5)),
    "version_0": _with(_set(["version"], 0)),
    "unknown_monitor": _with(_set(["training", "early_stopping", "monitor"], "val_los")),
    "input_10_to_20": json.dumps(_chain_doc([
        {"id": "in", "type": "Input", "params": {"shape": [10**20]}},
        {"id": "d", "type": "Dense", "params": {"units": 10}}])),
    "dense_10_to_8_units": json.dumps(_chain_doc([
        {"id": "in", "type": "Input", "params": {"shape": [4]}},
        {"id": "d", "type": "Dense", "params": {"units": 10**8}}])),
    "dense_beyond_memory": json.dumps(_chain_doc([
        {"id": "in", "type": "Input", "params": {"shape": [1_000_000]}},
        {"id": "d", "type": "Dense", "params": {"units": 1_000_000}}])),
    "int64_into_dense": json.dumps(_chain_doc([
        {"id": "tokens", "type": "Input", "params": {"shape": [5], "dtype": "int64"}},
        {"id": "d", "type": "Dense", "params": {"units": 3}}])),
    "float_into_embedding": json.dumps(_chain_doc([
        {"id": "x", "type": "Input", "params": {"shape": [5]}},
        {"id": "emb", "type": "Embedding", "params": {}},
        {"id": "f", "type": "Flatten"}, {"id": "d", "type": "Dense", "params": {"units": 2}}])),
    "label_output_activation": json.dumps(_chain_doc([
        {"id": "in", "type": "Input", "params": {"shape": [4]}},
        {"id": "d", "type": "Dense", "label": "output_activation", "params": {"units": 3}},
        {"id": "t", "type": "Dense", "label": "training", "params": {"units": 2}}])),
    "ids_named_like_module_attributes": json.dumps(_chain_doc(
        [{"id": "self", "type": "Input", "params": {"shape": [4]}}]
        + [{"id": n, "type": "Dense", "params": {"units": 2}} for n in
           ("training", "eval", "train", "to", "cpu", "type", "forward", "parameters", "graph", "meta", "code",
            "output_activation", "input_names", "node_modules", "state_dict", "cuda", "half", "float")])),
    "relu_chain": json.dumps(_chain_doc(
        [{"id": "in", "type": "Input", "params": {"shape": [4]}}]
        + [{"id": f"r{i}", "type": "ReLU"} for i in range(5)])),
    "nodes_50001": json.dumps({"format": "nnbuilder-project", "version": 1, "graphs": [
        {"nodes": [{"id": f"n{i}", "type": "ReLU"} for i in range(50_001)]}]}),
    "not_json": "this is not a project",
    "empty": "",
    "truncated_example": EXAMPLE_TEXTS[0][: len(EXAMPLE_TEXTS[0]) // 2],
}

#: hand-made worst cases that are valid projects (they load; they may still have network errors).
LOADABLE_WORST = {"bom", "input_10_to_20", "dense_beyond_memory", "int64_into_dense", "float_into_embedding",
                  "label_output_activation", "ids_named_like_module_attributes", "relu_chain"}


def _small_enough(inf: Any) -> bool:
    if inf.total_params > BUILD_MAX_PARAMS:
        return False
    for info in inf.nodes.values():
        size = 1
        for d in info.output_shape or ():
            size *= d
        if size > BUILD_MAX_VALUES:
            return False
    return True


def _forward(model: Any, graph: Any, inf: Any) -> None:
    import torch

    by_id = {n.id: n for n in graph.nodes}
    args = []
    for nid in inf.inputs:
        node = by_id[nid]
        if node.type == "GraphInput":
            args.append(torch.eye(FORWARD_BATCH))
            continue
        shape = (FORWARD_BATCH, *inf.nodes[nid].output_shape)
        if inf.nodes[nid].params.get("dtype") == "int64":
            args.append(torch.zeros(shape, dtype=torch.long))
        else:
            args.append(torch.rand(shape))
    model.eval()
    with torch.no_grad():
        model(*args)


def check_project_text(text: str, *, build: bool = True, file: str = "fuzzed.nnb") -> Project | None:
    """Hold the loader, the writer, inference, the summary and the compiler to their contract."""
    from tests.fuzz.conftest import OUTCOMES

    try:
        project = loads_project(text, file)
    except ProjectError as exc:
        OUTCOMES["refused"] += 1
        message = str(exc)
        assert message.startswith(file) and message.rstrip().endswith((".", ")")), message
        assert "\n" not in message, message  # one line: the CLI prints it as one
        return None
    OUTCOMES["loaded"] += 1
    saved = dumps_project(project)  # whatever loads also saves
    again = loads_project(saved)
    assert dumps_project(again) == saved  # ... and reloads to the very same text
    assert again == loads_project(dumps_project(again))
    for graph in project.graphs:
        inf = infer(graph, project.training)
        summary = summarize_graph(graph, project.training)
        summary.format()
        json.dumps(summary.to_dict(), allow_nan=False)
        for problem in inf.problems:
            assert problem.message and problem.message[0].isprintable(), problem
        if not build or not inf.ok or not _small_enough(inf):
            continue
        try:
            model = build_module(graph, project.training, inf)
        except CompileError as exc:  # a sentence for the user
            OUTCOMES["build refused"] += 1
            assert str(exc)
            continue
        _forward(model, graph, inf)
        OUTCOMES["built and ran"] += 1
    return project


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path
