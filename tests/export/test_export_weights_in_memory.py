"""``export_project`` takes weights in memory (the app's last run) as well as a file, without writing one."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from nnbuilder import build_model
from nnbuilder.export import ExportError, StateWeights, export_project
from nnbuilder.project import load_project
from tests.conftest import EXAMPLES


def test_a_state_dict_in_memory_is_exported_like_a_file(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    torch.manual_seed(99)  # not the project's seed: the export must hold these weights, not the seeded ones
    model = build_model(project)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    result = export_project(project, "safetensors", tmp_path / "run.safetensors",
                            weights=StateWeights(state, "the last training run"))
    assert result.notes == []  # no "initial weights" note
    file_path = tmp_path / "w.safetensors"
    from safetensors.torch import save_file

    save_file(state, str(file_path))
    from_file = export_project(project, "safetensors", tmp_path / "file.safetensors", weights=file_path)
    a, b = load_file(str(result.path)), load_file(str(from_file.path))
    assert a.keys() == b.keys() and all(a[k].equal(b[k]) for k in a)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.safetensors", "run.safetensors", "w.safetensors"]


def test_weights_of_a_network_changed_since_the_run_are_named(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    state = build_model(project).state_dict()
    changed = load_project(EXAMPLES / "spiral_playground.nnb")
    dense = next(n for n in changed.graph().nodes if n.type == "Dense")
    dense.params["units"] = int(dense.params["units"]) + 3
    with pytest.raises(ExportError, match=r"^The weights of the last training run hold .* but the network now "
                                          r"needs .*: it has changed since\. Train it again, or choose other weights\.$"):
        export_project(changed, "python", tmp_path / "out", weights=StateWeights(state, "the last training run"))
    assert not (tmp_path / "out").exists()


def test_the_cli_keeps_its_wording_and_the_app_passes_its_own(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    cli = export_project(project, "safetensors", tmp_path / "a.safetensors")
    assert cli.notes[0].endswith("pass --weights to export trained ones.")
    app = export_project(project, "safetensors", tmp_path / "b.safetensors", weights_hint="choose them under Weights")
    assert app.notes[0].endswith("; choose them under Weights.") and "--weights" not in app.notes[0]
