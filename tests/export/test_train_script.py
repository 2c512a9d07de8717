"""The exported train.py trains like ``nnbuilder train``, and the folder runs with nnbuilder hidden."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file

from nnbuilder.export import ExportError, export_project
from nnbuilder.project import load_project
from nnbuilder.training import Trainer
from tests.conftest import EXAMPLES

from .conftest import import_code, run_without_nnbuilder


def _trainer_logs(project, epochs: int) -> list[dict]:
    trainer = Trainer(project, base_dir=EXAMPLES)
    result = trainer.fit(epochs=epochs)
    assert not hasattr(result, "kind"), getattr(result, "message", "")
    return [{k: v for k, v in h.items() if k not in ("epoch", "seconds", "lr")} for h in result.history]


def _script_logs(folder: Path, argv: list[str]) -> list[dict]:
    sys.path.insert(0, str(folder))
    try:
        for name in ("model", "train"):
            sys.modules.pop(name, None)
        train = import_code((folder / "train.py").read_text(), folder, "train")
        return train.main(argv)
    finally:
        sys.path.remove(str(folder))
        for name in ("model", "train"):
            sys.modules.pop(name, None)


@pytest.mark.parametrize("example, epochs", [
    ("spiral_playground", 4),       # cross-entropy from logits, Adam
    ("karate_club_gcn", 5),         # a whole graph per step, dropout
    ("perceptron_xor", 3),          # Rosenblatt's rule
    ("linear_neuron_sse", 3),       # the lecture's summed squared error
    ("skip_connection_moons", 2),   # merges
])
def test_train_py_repeats_nnbuilder_training(example: str, epochs: int, tmp_path: Path) -> None:
    project = load_project(EXAMPLES / f"{example}.nnb")
    export_project(project, "python", tmp_path, base_dir=EXAMPLES)
    script = _script_logs(tmp_path, ["--epochs", str(epochs), "--device", "cpu", "--json",
                                     "--out", str(tmp_path / "t.safetensors")])
    ours = _trainer_logs(project, epochs)
    assert len(script) == len(ours) == epochs
    for a, b in zip(script, ours, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key], abs=1e-5), (key, a, b)


@pytest.mark.parametrize("example, epochs", [("spiral_playground", 3), ("perceptron_xor", 2)])
def test_train_py_repeats_training_without_shuffling(example: str, epochs: int, tmp_path: Path) -> None:
    project = load_project(EXAMPLES / f"{example}.nnb")
    shuffled = _trainer_logs(project, epochs)
    project.training.shuffle = False
    export_project(project, "python", tmp_path, base_dir=EXAMPLES)
    assert "SHUFFLE = False" in (tmp_path / "train.py").read_text()
    script = _script_logs(tmp_path, ["--epochs", str(epochs), "--device", "cpu", "--json",
                                     "--out", str(tmp_path / "t.safetensors")])
    ours = _trainer_logs(project, epochs)
    assert ours != shuffled  # the batch order changed the run
    assert len(script) == len(ours) == epochs
    for a, b in zip(script, ours, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key], abs=1e-5), (key, a, b)


def test_lecture_mlp_train_py_matches_nnbuilder_train(tmp_path: Path) -> None:
    """One epoch both ways with the same seed (bigger batches keep it quick); the 5-epoch run is a benchmark."""
    project = load_project(EXAMPLES / "fashion_mnist_mlp.nnb")
    export_project(project, "python", tmp_path, base_dir=EXAMPLES)
    script = _script_logs(tmp_path, ["--epochs", "1", "--batch-size", "500", "--device", "cpu", "--json",
                                     "--out", str(tmp_path / "t.safetensors")])
    project.training.batch_size = 500
    ours = _trainer_logs(project, 1)
    assert script[-1]["val_accuracy"] > 0.7
    assert script[-1]["val_accuracy"] == pytest.approx(ours[-1]["val_accuracy"], abs=0.01)


def test_exported_folder_runs_without_nnbuilder(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    weights = tmp_path / "trained.safetensors"
    trainer = Trainer(project, base_dir=EXAMPLES)
    trainer.fit(epochs=2)
    trainer.save_weights(weights)
    out = tmp_path / "export"
    result = export_project(project, "python", out, weights=weights, base_dir=EXAMPLES)
    assert {p.name for p in result.files} == {"model.py", "train.py", "data.npz", "weights.safetensors", "README.md"}
    run = run_without_nnbuilder(["model.py"], out)
    assert run.returncode == 0, run.stderr
    assert "PlaygroundSpiral -> (4, 2)" in run.stdout
    run = run_without_nnbuilder(["train.py", "--epochs", "2", "--json", "--weights", "weights.safetensors"], out)
    assert run.returncode == 0, run.stderr
    epochs = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert [e["epoch"] for e in epochs] == [1, 2]
    assert set(load_file(str(out / "trained.safetensors"))) == set(load_file(str(out / "weights.safetensors")))


def test_images_are_stored_as_pixels_and_scaled_back_exactly(tmp_path: Path) -> None:
    import numpy as np

    from nnbuilder.export.data import load_project_dataset, plan_data

    project = load_project(EXAMPLES / "fashion_mnist_cnn.nnb")
    dataset = load_project_dataset(project, EXAMPLES)
    plan = plan_data(dataset)
    assert plan.pixels and plan.arrays["x"].dtype == np.uint8
    assert np.array_equal(plan.arrays["x"][:500].astype(np.float32) * np.float32(1 / 255), dataset.x[:500])


def test_a_loss_that_does_not_fit_stops_train_py_not_model_py(tmp_path: Path) -> None:
    from tests.export.conftest import chain

    project = chain([("Dense", {"units": 4})], [2, 2])
    project.data.dataset = "spiral"
    with pytest.raises(ExportError, match="training script cannot be written"):
        export_project(project, "python", tmp_path / "x")
    assert export_project(project, "safetensors", tmp_path / "w.safetensors").path.exists()


def test_exported_scripts_pass_the_linter(tmp_path: Path) -> None:
    """Generated files read like hand-written ones: no unused names, no long lines, nothing pyflakes flags."""
    import shutil
    import subprocess

    from nnbuilder.export.data import load_project_dataset, plan_data
    from nnbuilder.export.ddp_script import ddp_source
    from nnbuilder.export.pytorch import model_source
    from nnbuilder.export.train_script import plan_training, train_source

    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is in the test extra")
    for example in ("spiral_playground", "karate_club_gcn", "perceptron_xor", "linear_neuron_sse",
                    "household_power_lstm", "cora_gcn"):
        project = load_project(EXAMPLES / f"{example}.nnb")
        source = model_source(project)
        data = plan_data(load_project_dataset(project, EXAMPLES))
        plan = plan_training(project, source, data)
        folder = tmp_path / example
        folder.mkdir()
        (folder / "model.py").write_text(source.code)
        (folder / "train.py").write_text(train_source(project, source, data, plan))
        if plan.mode == "batches":
            (folder / "train_ddp.py").write_text(ddp_source(project, source, data, plan))
    run = subprocess.run([ruff, "check", "--isolated", "--select", "E,F,W,B", "--line-length", "120",
                          "--output-format", "concise", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout


@pytest.mark.parametrize("example", ["household_power_lstm", "spiral_playground", "cora_gcn"])
def test_train_py_data_and_split_are_nnbuilders(example: str, tmp_path: Path) -> None:
    import numpy as np

    from nnbuilder.export.data import load_project_dataset

    project = load_project(EXAMPLES / f"{example}.nnb")
    export_project(project, "python", tmp_path, base_dir=EXAMPLES)
    dataset = load_project_dataset(project, EXAMPLES)
    train_idx, val_idx = dataset.split_indices(project.training.validation_split, project.training.seed)
    sys.path.insert(0, str(tmp_path))
    try:
        train = import_code((tmp_path / "train.py").read_text(), tmp_path, "train")
        parts = train.load_data()
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("model", None)
    assert np.array_equal(parts["train_idx"].numpy(), train_idx)
    assert np.array_equal(parts["val_idx"].numpy(), val_idx)
    assert np.array_equal(parts["x"].numpy(), dataset.x)
    if dataset.x_test is not None:
        assert np.array_equal(parts["x_test"].numpy(), dataset.x_test)
