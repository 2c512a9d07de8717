"""Weights saved by the exported code load back into nnbuilder: app → export → train.py → app.

The exported ``model.py`` names a layer's tensors ``hidden.weight`` where the compiled module has
``hidden.0.weight``; ``load_state`` (the trainer, ``nnbuilder evaluate --weights``, the app) and the sketch
pad map them with the exporter's own naming, and a file of another network still gets the plain sentence.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from nnbuilder import build_model
from nnbuilder.cli import main
from nnbuilder.export import export_project, model_source
from nnbuilder.export.weights import compiled_names
from nnbuilder.project import load_project, save_project
from nnbuilder.teach.errors import TeachError
from nnbuilder.teach.sketch import sketch_model
from nnbuilder.training import Trainer, TrainingError
from nnbuilder.training.weights import load_state
from tests.conftest import EXAMPLES

from .conftest import chain, import_code, run_without_nnbuilder

MLP = EXAMPLES / "fashion_mnist_mlp.nnb"
CNN = EXAMPLES / "fashion_mnist_cnn.nnb"


def _shrink_data(folder: Path, rows: int = 320) -> None:
    """Keep the first rows of the exported data.npz, so the exported train.py runs one epoch of a few steps."""
    data = dict(np.load(folder / "data.npz"))
    np.savez(folder / "data.npz", **{k: v[:rows] for k, v in data.items()})


def _exported_model(folder: Path, project, weights: Path):  # type: ignore[no-untyped-def]
    module = import_code((folder / "model.py").read_text(), folder / "imported")
    model = getattr(module, model_source(project).class_name)()
    model.load_state_dict(load_file(str(weights)))  # strict: the file has the exported names
    return model.eval()


def _evaluate_json(project_file: Path, weights: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["evaluate", str(project_file), "--weights", str(weights), "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _accuracy(model, x: np.ndarray, y: np.ndarray) -> float:  # type: ignore[no-untyped-def]
    with torch.no_grad():
        out = model(torch.from_numpy(x.astype(np.float32)))
    return float((out.argmax(dim=1).numpy() == y).mean())


def test_mlp_weights_from_the_exported_train_py_load_back(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    project = load_project(MLP)
    folder = tmp_path / "mlp_python"
    export_project(project, "python", folder, base_dir=EXAMPLES, source_name=MLP.name)
    _shrink_data(folder)
    run = run_without_nnbuilder(["train.py", "--epochs", "1", "--out", "w.safetensors"], folder)
    assert run.returncode == 0, run.stderr
    weights = folder / "w.safetensors"
    assert "hiddenlayer.weight" in load_file(str(weights))  # the exported names, not hiddenlayer.0.weight
    exported = _exported_model(folder, project, weights)

    trainer = Trainer(project, base_dir=EXAMPLES, device="cpu")
    trainer.load_weights(weights)  # load_state, as the app's Continue/Evaluate and the CLI use it
    x, y = trainer.dataset.x_test, trainer.dataset.y_test
    with torch.no_grad():
        expected = exported(torch.from_numpy(x[:200].astype(np.float32))).numpy()
    np.testing.assert_allclose(trainer.predict(x[:200]), expected, atol=1e-6)
    assert (trainer.predict(x[:200]).argmax(1) == expected.argmax(1)).all()
    # nnbuilder evaluate --weights: the test accuracy is the exported model's on the same pictures
    scores = _evaluate_json(MLP, weights, capsys)
    assert scores["accuracy"] == pytest.approx(_accuracy(exported, x, y), abs=1e-9)
    assert scores["accuracy"] > 0.3  # trained: the seeded initial weights score about 0.1


def test_cnn_state_dict_of_the_exported_model_loads_back(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    project = load_project(CNN)
    folder = tmp_path / "cnn_python"
    export_project(project, "python", folder, base_dir=EXAMPLES, source_name=CNN.name)
    module = import_code((folder / "model.py").read_text(), folder / "imported")
    torch.manual_seed(1234)  # not nnbuilder's seeded start: a load that did nothing would show
    model = getattr(module, model_source(project).class_name)().eval()
    weights = tmp_path / "cnn.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(weights))
    assert "conv1.weight" in load_file(str(weights))

    trainer = Trainer(project, base_dir=EXAMPLES, device="cpu")
    trainer.load_weights(weights)
    x = trainer.dataset.x_test[:300]
    with torch.no_grad():
        expected = model(torch.from_numpy(x.astype(np.float32))).numpy()
    np.testing.assert_allclose(trainer.predict(x), expected, atol=1e-5)
    assert (trainer.predict(x).argmax(1) == expected.argmax(1)).all()
    scores = _evaluate_json(CNN, weights, capsys)
    assert scores["accuracy"] == pytest.approx(_accuracy(model, trainer.dataset.x_test, trainer.dataset.y_test),
                                               abs=1e-9)


def test_the_sketch_pad_reads_weights_saved_by_the_exported_code(tmp_path: Path) -> None:
    project = load_project(MLP)
    path = tmp_path / "mlp.nnb"
    save_project(project, path)
    module = import_code(model_source(project).code, tmp_path / "code")
    torch.manual_seed(7)
    exported = getattr(module, model_source(project).class_name)().eval()
    save_file({k: v.contiguous() for k, v in exported.state_dict().items()}, str(tmp_path / "mlp.weights.safetensors"))
    pad = sketch_model(project, project_path=path)
    picture = np.random.default_rng(0).random((28, 28))
    with torch.no_grad():
        expected = exported(torch.from_numpy(picture.astype(np.float32))[None]).numpy()[0]
    np.testing.assert_allclose(pad.probabilities(picture), expected, atol=1e-6)
    # a file of another network is still refused with the plain sentence
    shutil.copy(tmp_path / "mlp.weights.safetensors", tmp_path / "cnn.weights.safetensors")
    with pytest.raises(TeachError, match="saved from a different network"):
        sketch_model(load_project(CNN), project_path=tmp_path / "cnn.nnb")


def test_exported_weights_of_another_network_get_the_plain_sentence(tmp_path: Path) -> None:
    mlp = load_project(MLP)
    module = import_code(model_source(mlp).code, tmp_path / "code")
    weights = tmp_path / "mlp.safetensors"
    state = getattr(module, model_source(mlp).class_name)().state_dict()
    save_file({k: v.contiguous() for k, v in state.items()}, str(weights))
    with pytest.raises(TrainingError, match=r"^'mlp.safetensors' has no weights for the layer 'conv1' "
                                            r"\(conv1.0.weight\); it was saved from a different network.$"):
        Trainer(load_project(CNN), base_dir=EXAMPLES, device="cpu").load_weights(weights)
    wider = load_project(MLP)
    wider.graph().node("hiddenlayer").params["units"] = 64
    with pytest.raises(TrainingError, match=r"'hiddenlayer' needs hiddenlayer.0.weight shaped 64×784 but "
                                            r"'mlp.safetensors' holds 128×784; it was saved from a different"):
        Trainer(wider, base_dir=EXAMPLES, device="cpu").load_weights(weights)


def _layer_names(project, model) -> dict[str, str]:  # type: ignore[no-untyped-def]
    titles = {n.id: n.display_name for n in project.graph().nodes}
    return {module: titles[nid] for nid, module in model.node_modules.items()}


@pytest.mark.parametrize("labels", [
    ["Dense", "Dense", "Dense"],  # repeats: dense, dense_2, dense_3 in the network's order
    ["train", "Hidden layer", "forward"],  # names of nn.Module methods get a trailing underscore
    ["Schicht ü", "隐藏", "Ausgabe"],  # no ASCII at all: the exporter names the layer after its type
    ["dense_2", "Dense", "dense"],  # a label that looks like a repeat of another
])
def test_the_mapping_is_the_exporters_for_awkward_labels(labels: list[str], tmp_path: Path) -> None:
    project = chain([("Dense", {"units": 5, "activation": "relu"}), ("BatchNorm1D", {}),
                     ("Dense", {"units": 3, "activation": "relu"})], [4], labels=labels)
    source = model_source(project)
    module = import_code(source.code, tmp_path)
    torch.manual_seed(3)
    exported = getattr(module, source.class_name)()
    with torch.no_grad():
        for p in exported.parameters():
            p.uniform_(-1, 1)
        exported.get_submodule(source.attributes["layer1"]).running_mean.uniform_(-1, 1)
    exported.eval()
    save_file({k: v.contiguous() for k, v in exported.state_dict().items()}, str(tmp_path / "w.safetensors"))
    model = build_model(project).eval()
    load_state(model, tmp_path / "w.safetensors", _layer_names(project, model))
    x = torch.randn(6, 4)
    with torch.no_grad():
        torch.testing.assert_close(model(x), exported(x))
    from nnbuilder.export.weights import _exported_to_compiled

    assert compiled_names(exported.state_dict(), model, _layer_names(project, model)) == \
        _exported_to_compiled(model, source)  # the same mapping nnbuilder export --weights reads with


def test_weights_of_a_gan_pair_are_not_guessed(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "gan_ring_2d.nnb")
    trainer = Trainer(project, device="cpu")
    export_project(project, "safetensors", tmp_path / "g.safetensors")  # the generator alone, exported names
    with pytest.raises(TrainingError, match="saved from a different network"):
        trainer.load_weights(tmp_path / "g.safetensors")
