"""The exported model.py: same outputs and initial weights as the compiled module, for every example and layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from nnbuilder.export import ExportError, export_project, model_source, python_code
from nnbuilder.export.names import MODULE_ATTRIBUTES
from nnbuilder.export.weights import compile_model, exported_state
from nnbuilder.project import Edge, Graph, Node, Project, load_project
from tests.conftest import EXAMPLES

from .conftest import chain, import_code

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.nnb"))


def _inputs(source, batch: int = 5) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(1)
    out = []
    for (nid, _name, kind), dt in zip(source.inputs, source.input_dtypes, strict=True):
        if kind == "graph":
            a = (torch.rand(batch, batch, generator=gen) < 0.4).float()
            out.append(a + torch.eye(batch))
        elif dt == "int64":
            out.append(torch.randint(0, 3, (batch, *source.inference.nodes[nid].output_shape), generator=gen))
        else:
            out.append(torch.randn(batch, *source.inference.nodes[nid].output_shape, generator=gen))
    return out


def _check_equal(project: Project, tmp_path: Path) -> str:
    source = model_source(project)
    compiled = compile_model(project, source).eval()
    module = import_code(source.code, tmp_path)
    torch.manual_seed(int(project.training.seed))
    exported = getattr(module, source.class_name)()
    state = exported_state(compiled, source)
    # created in the compiler's order: the same seed gives the very same initial weights
    fresh = exported.state_dict()
    assert set(fresh) == set(state)
    for key, value in fresh.items():
        assert torch.equal(value, state[key]), key
    for p in compiled.parameters():  # different weights than the seeded ones, so equality is not by chance
        with torch.no_grad():
            p.add_(torch.randn_like(p) * 0.1)
    exported.load_state_dict(exported_state(compiled, source))
    exported.eval()
    args = _inputs(source)
    with torch.no_grad():
        want, got = compiled(*args), exported(*args)
    want = want if isinstance(want, tuple) else (want,)
    got = got if isinstance(got, tuple) else (got,)
    for w, g in zip(want, got, strict=True):
        assert w.shape == g.shape
        assert torch.allclose(w, g, atol=1e-5, rtol=0), (w - g).abs().max()
    if source.has_logits:
        with torch.no_grad():
            logits = exported(*args, logits=True)
        assert not torch.allclose(logits, got[0])
    return source.code


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_exports_to_code_equal_to_the_compiled_module(path: Path, tmp_path: Path) -> None:
    code = _check_equal(load_project(path), tmp_path)
    assert "nnbuilder" not in code.split('"""', 2)[2]  # only the docstring mentions where it came from
    tree = ast.parse(code)
    imports = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
               for a in n.names} | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imports <= {"torch", "torch.nn.functional", "nn", "Path", "pathlib", "load_file", "safetensors.torch"}


LAYER_CASES = [
    ([("Dense", {"units": 3, "activation": "leaky_relu", "use_bias": False})], [4]),
    ([("Dense", {"units": 3, "activation": "gelu"}), ("Dense", {"units": 2, "activation": "elu"})], [4]),
    ([("Dense", {"units": 2, "activation": "step"})], [4]),
    ([("Dense", {"units": 3, "activation": "log_softmax"})], [4]),
    ([("Dense", {"units": 1, "activation": "sigmoid"})], [4]),
    ([("Dense", {"units": 3}), ("Softmax", {"axis": 0})], [4]),
    ([("Dense", {"units": 3}), ("Dense", {"units": 2}), ("Sigmoid", {})], [4]),
    ([("Dense", {"units": 4}), ("Reshape", {"shape": [2, 2]}), ("Permute", {"dims": [2, 1]}), ("Flatten", {})], [3]),
    ([("BatchNorm1d", {"momentum": 0.2}), ("Dropout", {"rate": 0.3}), ("LayerNorm", {"epsilon": 1e-3})], [6]),
    ([("Conv1d", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "tanh"}),
      ("MaxPool1d", {"pool_size": 2}), ("GlobalAvgPool", {})], [2, 16]),
    ([("Conv2d", {"filters": 3, "kernel_size": 2, "strides": 1, "padding": "valid", "use_bias": False}),
      ("BatchNorm2d", {"epsilon": 1e-3}), ("AvgPool2d", {"pool_size": 2, "strides": 1}),
      ("MaxPool2d", {"pool_size": 2, "strides": 1}),
      ("Upsample", {"scale_factor": 2, "mode": "linear"}), ("ConvTranspose2d", {"filters": 2, "output_padding": 1}),
      ("ReLU", {}), ("LeakyReLU", {"negative_slope": 0.2}), ("ELU", {"alpha": 0.5}), ("GELU", {}), ("Tanh", {}),
      ("Step", {}), ("Identity", {}), ("Upsample", {"scale_factor": 2})], [1, 6, 6]),
    ([("LSTM", {"units": 3, "num_layers": 2, "dropout": 0.1, "bidirectional": True}),
      ("Dense", {"units": 2})], [5, 2]),
    ([("GRU", {"units": 3, "bidirectional": True, "return_sequences": True}), ("SimpleRNN", {"units": 2})], [5, 2]),
    ([("Embedding", {"input_dim": 3, "output_dim": 4}), ("Flatten", {}), ("Dense", {"units": 2}),
      ("LogSoftmax", {"axis": -1}), ("Output", {})], [5]),
]


@pytest.mark.parametrize("layers, shape", LAYER_CASES, ids=lambda v: "-".join(t for t, _ in v)
                         if isinstance(v, list) and v and isinstance(v[0], tuple) else None)
def test_every_layer_type_exports_to_equal_code(layers: list, shape: list, tmp_path: Path) -> None:
    dtype = "int64" if layers[0][0] == "Embedding" else "float32"
    _check_equal(chain(layers, shape, dtype=dtype), tmp_path)


def test_the_cases_cover_the_whole_catalog() -> None:
    from nnbuilder.layers import all_specs

    covered = {t for layers, _ in LAYER_CASES for t, _ in layers} | {"Input", "Add", "Multiply", "Concatenate",
                                                                   "GraphInput", "GCNConv", "Noise", "Label"}
    assert {s.type for s in all_specs()} <= covered


def test_merges_and_frozen_layers(tmp_path: Path) -> None:
    g = Graph()
    g.add_node(Node("a", "Input", {"shape": [3]}))
    g.add_node(Node("b", "Input", {"shape": [3]}))
    g.add_node(Node("d", "Dense", {"units": 3}, trainable=False))
    g.add_node(Node("m", "Multiply", {}))
    g.add_node(Node("c", "Concatenate", {"axis": 0}))
    for s, t in (("a", "d"), ("d", "m"), ("b", "m"), ("m", "c"), ("a", "c")):
        g.add_edge(Edge(s, t))
    project = Project(name="two inputs", graphs=[g])
    code = _check_equal(project, tmp_path)
    assert "requires_grad_(False)" in code
    assert "def forward(self, a: torch.Tensor, b: torch.Tensor)" in code


EVIL = 'x"); import os; os.system("echo x") #'


def test_labels_and_names_cannot_inject_code(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    labels = [EVIL, "class", "self", "forward", "train", "x", "123 go", "ünïcödé", EVIL, '"""\n', "\\", "\u2028"]
    layers = [("Dense", {"units": 3, "activation": "relu"}) for _ in labels]
    project = chain(layers, [3], name='"""; import os; os.system("echo x"); """', labels=labels)
    project.graphs[0].name = EVIL
    source = model_source(project)
    tree = ast.parse(source.code)
    calls = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert not any(c == "system" or c.endswith(".system") or c in ("eval", "exec") for c in calls)
    assert not any(isinstance(n, ast.Import) and any(a.name == "os" for a in n.names) for n in ast.walk(tree))
    attrs = list(source.attributes.values())
    assert len(set(attrs)) == len(attrs) == len(labels)
    assert all(a.isidentifier() and a.isascii() and a not in MODULE_ATTRIBUTES for a in attrs)
    assert "x_import_os_os_system_echo_x" in attrs
    # labels that shadow nn.Module methods (forward, train, self) compile and export alike
    _check_equal(chain(layers, [3], name=project.name, labels=labels), tmp_path / "a")
    import_code(source.code, tmp_path / "b")
    import runpy

    runpy.run_path(str(tmp_path / "b" / "model.py"), run_name="__main__")
    out = capfd.readouterr().out
    assert "x\n" not in out.replace("->", "")


def test_module_attribute_names_are_known() -> None:
    from torch import nn

    public = {n for n in dir(nn.Module) if not n.startswith("_")}
    assert public <= MODULE_ATTRIBUTES | {"__call__"}


def test_safetensors_export_loads_into_model_py(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "skip_connection_moons.nnb")
    result = export_project(project, "safetensors", tmp_path / "w.safetensors")
    assert "initial weights" in result.notes[0]
    state = load_file(str(result.path))
    assert {k.split(".")[0] for k in state} == {"dense_a", "skip", "dense_b", "output"}
    module = import_code(python_code(project), tmp_path)
    model = module.SkipConnectionOnMoons()
    model.load_state_dict(state)  # strict: every name matches
    # and an exported file is accepted back as --weights
    again = export_project(project, "safetensors", tmp_path / "again.safetensors", weights=result.path)
    assert load_file(str(again.path)).keys() == state.keys()


def test_wrong_weights_and_graph_are_named(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    other = load_project(EXAMPLES / "skip_connection_moons.nnb")
    w = export_project(other, "safetensors", tmp_path / "other.safetensors").path
    with pytest.raises(ExportError, match="different network"):
        export_project(project, "python", tmp_path / "out", weights=w)
    assert not (tmp_path / "out").exists()
    with pytest.raises(ExportError, match="does not exist"):
        export_project(project, "safetensors", tmp_path / "x.safetensors", weights=tmp_path / "missing.safetensors")
    from nnbuilder.project import ProjectError

    with pytest.raises(ProjectError, match="no graph named 'nope'"):
        export_project(project, "python", tmp_path / "out", graph="nope")


def test_broken_network_is_refused_with_its_problem() -> None:
    project = chain([("Dense", {"units": 3})], [2, 3, 4])
    with pytest.raises(ExportError, match="Flatten"):
        model_source(project)


def test_generator_graph_is_the_default() -> None:
    gen = chain([("Dense", {"units": 4, "activation": "tanh"})], [2]).graphs[0]
    gen.name, gen.role = "generator", "generator"
    disc = chain([("Dense", {"units": 1, "activation": "sigmoid"})], [4]).graphs[0]
    disc.name, disc.role = "discriminator", "discriminator"
    project = Project(name="gan", graphs=[disc, gen])
    assert model_source(project).graph is gen
    assert model_source(project, "discriminator").graph is disc
    assert "class Generator(nn.Module)" in model_source(project).code


def test_a_gan_graph_exports_as_model_py_only(tmp_path: Path) -> None:
    gen = chain([("Dense", {"units": 4, "activation": "tanh"})], [2]).graphs[0]
    gen.name, gen.role = "generator", "generator"
    project = Project(name="gan", graphs=[gen])
    result = export_project(project, "python", tmp_path / "gan")
    assert [p.name for p in result.files] == ["model.py"] and "no train.py" in result.notes[0]
    with pytest.raises(ExportError, match="two networks"):
        export_project(project, "torchrun", tmp_path / "ddp")


@pytest.mark.parametrize("role, first", [("generator", "noise"), ("discriminator", "image")])
def test_a_conditional_gans_networks_take_the_class_as_their_second_argument(role: str, first: str,
                                                                            tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "fashion_mnist_dcgan.nnb")
    source = model_source(project, role)
    assert f"def forward(self, {first}: torch.Tensor, label: torch.Tensor" in source.code
    assert "label, the class as 10 one-hot values" in source.code
    assert "    label = torch.nn.functional.one_hot(torch.tensor([3]), 10).float()" in source.code  # how to call it
    assert "one_hot(torch.arange(4) % 10, 10).float())" in source.code  # the file's own check gives one-hot rows
    compiled = compile_model(project, source).eval()
    exported = getattr(import_code(source.code, tmp_path), source.class_name)()
    exported.load_state_dict(exported_state(compiled, source))
    exported.eval()
    args = _inputs(source)
    args[1] = torch.nn.functional.one_hot(torch.arange(5) % 10, 10).float()
    with torch.no_grad():
        torch.testing.assert_close(exported(*args), compiled(*args))
        other = torch.nn.functional.one_hot((torch.arange(5) + 3) % 10, 10).float()
        assert not torch.allclose(exported(args[0], other), exported(*args))  # the class changes the output
