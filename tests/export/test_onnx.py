"""ONNX through torch.export, compared with onnxruntime; recurrent layers and a missing onnx are named."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from nnbuilder.export import ExportError, export_project
from nnbuilder.export.pytorch import model_source
from nnbuilder.export.weights import compile_model
from nnbuilder.project import load_project
from tests.conftest import EXAMPLES

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is in the test extra")
pytest.importorskip("onnxscript")

# One example per family keeps CI short; benchmarks/export_examples.py exports every example.
FAMILIES = ["skip_connection_moons", "fashion_mnist_cnn", "karate_club_gcn"]


@pytest.mark.parametrize("example", FAMILIES)
def test_onnx_file_equals_pytorch_at_two_batch_sizes(example: str, tmp_path: Path) -> None:
    project = load_project(EXAMPLES / f"{example}.nnb")
    result = export_project(project, "onnx", tmp_path / "m.onnx")
    assert any("onnxruntime" in n for n in result.notes)
    source = model_source(project)
    model = compile_model(project, source).eval()
    session = ort.InferenceSession(str(result.path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    for n in (2, 7):
        args = []
        for (nid, _name, kind) in source.inputs:
            if kind == "graph":
                a = torch.rand(n, n)
                args.append((a + a.T) / (2 * n))
            else:
                args.append(torch.randn(n, *source.inference.nodes[nid].output_shape))
        got = session.run(None, {k: a.numpy() for k, a in zip(names, args, strict=True)})[0]
        with torch.no_grad():
            want = model(*args).numpy()
        assert got.shape == want.shape
        assert np.max(np.abs(got - want)) <= 1e-4


def test_recurrent_layers_that_cannot_vary_sequence_length_are_named(tmp_path: Path) -> None:
    """The household-power examples fail the same way (benchmarks/export_examples.py); a small one is quicker."""
    from tests.export.conftest import chain

    project = chain([("SimpleRNN", {"units": 3}), ("Dense", {"units": 1})], [6, 2], labels=["memory", "out"])
    with pytest.raises(ExportError) as info:
        export_project(project, "onnx", tmp_path / "m.onnx")
    message = str(info.value)
    assert "memory (SimpleRNN)" in message and "at 6 time steps" in message and "no file was written" in message
    assert not list(tmp_path.iterdir())


def test_missing_onnx_packages_get_a_clear_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxscript", None)
    with pytest.raises(ExportError, match=r"pip install 'nnbuilder\[onnx\]'"):
        export_project(load_project(EXAMPLES / "spiral_playground.nnb"), "onnx", tmp_path / "m.onnx")


def test_the_installed_app_without_onnx_says_what_it_can_do_instead(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(ExportError, match="not part of this installed copy") as err:
        export_project(load_project(EXAMPLES / "spiral_playground.nnb"), "onnx", tmp_path / "m.onnx")
    assert "export to Python" in str(err.value) and not (tmp_path / "m.onnx").exists()
