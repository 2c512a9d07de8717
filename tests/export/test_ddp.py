"""train_ddp.py under torchrun on CPU: two processes, identical weights, falling loss, resume."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from nnbuilder.export import ExportError, export_project
from nnbuilder.project import load_project
from tests.conftest import EXAMPLES


def _torchrun(folder: Path, *args: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["OMP_NUM_THREADS"] = "1"
    torchrun = [sys.executable, "-m", "torch.distributed.run"]
    run = subprocess.run([*torchrun, "--standalone", "--nproc_per_node=2", "train_ddp.py", "--cpu", "--json", *args],
                         cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


@pytest.mark.skipif(not torch.distributed.is_available(), reason="this torch build has no torch.distributed")
def test_torchrun_two_processes_train_identically_and_resume(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    folder = tmp_path / "ddp"
    result = export_project(project, "torchrun", folder, base_dir=EXAMPLES)
    assert (folder / "train_ddp.py") in result.files
    assert shutil.which(sys.executable)
    first = _torchrun(folder, "--epochs", "2", "--out", "first.safetensors")
    assert first[0]["processes"] == 2 and first[0]["backend"] == "gloo"
    epochs = [r for r in first if "epoch" in r]
    assert [r["epoch"] for r in epochs] == [1, 2]
    assert epochs[1]["loss"] < epochs[0]["loss"]
    assert any(r.get("identical_weights") for r in first)
    checkpoint = torch.load(folder / "checkpoints" / "last.pt", weights_only=True)
    assert checkpoint["epoch"] == 2
    saved = load_file(str(folder / "first.safetensors"))
    assert all(torch.equal(saved[k], v) for k, v in checkpoint["model"].items())

    resumed = _torchrun(folder, "--epochs", "3", "--resume", "checkpoints/last.pt", "--out", "resumed.safetensors")
    assert resumed[0] == {"resumed_from": 2}
    assert [r["epoch"] for r in resumed if "epoch" in r] == [3]
    assert torch.load(folder / "checkpoints" / "last.pt", weights_only=True)["epoch"] == 3
    assert next(r for r in resumed if "epoch" in r)["loss"] < epochs[0]["loss"]
    assert any(r.get("identical_weights") for r in resumed)


def test_graph_networks_are_refused_with_a_reason(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "karate_club_gcn.nnb")
    with pytest.raises(ExportError, match="whole graph"):
        export_project(project, "torchrun", tmp_path / "x", base_dir=EXAMPLES)
