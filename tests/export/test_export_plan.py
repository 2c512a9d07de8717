"""``plan_export`` works an export out in memory, so the app can ask before replacing files that differ.

What it must get right: nothing is on disk until ``write``; ``changed_files`` names exactly the existing files
whose content would change (an edited model.py), and not a data.npz that holds the same arrays in other
bytes (numpy stamps its members with the time); ``write`` gives what ``export_project`` gives.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from nnbuilder.export import ExportError, export_project, plan_export
from nnbuilder.project import load_project
from tests.conftest import EXAMPLES

FOLDER_FILES = ["model.py", "train.py", "README.md", "data.npz"]


def _restamped(blob: bytes) -> bytes:
    """The same zip members with another date: the bytes an export of the same arrays at another time has."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1999, 1, 2, 3, 4, 6)), src.read(info))
    assert out.getvalue() != blob
    return out.getvalue()


def test_a_planned_folder_export_writes_nothing_until_written(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    out = tmp_path / "exp_out"
    plan = plan_export(project, "python", out, base_dir=EXAMPLES)
    assert not out.exists()  # not even the folder
    assert [p.name for p in plan.files] == FOLDER_FILES
    assert plan.existing_files() == [] and plan.changed_files() == []
    result = plan.write()
    assert result.path == out and sorted(p.name for p in out.iterdir()) == sorted(FOLDER_FILES)
    assert [p.read_bytes() for p in result.files] == [plan.contents[p] for p in plan.files]


def test_changed_files_are_the_existing_ones_that_differ(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    out = tmp_path / "exp_out"
    export_project(project, "python", out, base_dir=EXAMPLES)
    npz = out / "data.npz"
    npz.write_bytes(_restamped(npz.read_bytes()))  # the same arrays, written at another time
    again = plan_export(project, "python", out, base_dir=EXAMPLES)
    assert [p.name for p in again.existing_files()] == FOLDER_FILES
    assert again.changed_files() == []  # re-exporting the same project loses nothing: no question

    with (out / "model.py").open("a", encoding="utf-8") as f:
        f.write("# my edit\n")
    (out / "README.md").write_text("my notes\n", encoding="utf-8")
    assert [p.name for p in plan_export(project, "python", out, base_dir=EXAMPLES).changed_files()] == [
        "model.py", "README.md"]
    assert "# my edit" in (out / "model.py").read_text(encoding="utf-8")  # planning wrote nothing

    project.training.epochs += 1  # another network's export: train.py differs too
    changed = plan_export(project, "python", out, base_dir=EXAMPLES).changed_files()
    assert [p.name for p in changed] == ["model.py", "train.py", "README.md"]


def test_a_planned_weights_file_and_its_errors(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    target = tmp_path / "sub" / "w.safetensors"
    plan = plan_export(project, "safetensors", target)
    assert not target.parent.exists() and plan.files == [target]
    assert plan.write().path == target and target.read_bytes() == plan.contents[target]
    target.write_bytes(b"edited")
    assert plan_export(project, "safetensors", target).changed_files() == [target]
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ExportError, match="is a file; give a folder"):
        plan_export(project, "python", tmp_path / "afile", base_dir=EXAMPLES)


def test_a_planned_onnx_file_leaves_nothing_beside_it(tmp_path: Path) -> None:
    pytest.importorskip("onnxscript")
    project = load_project(EXAMPLES / "spiral_playground.nnb")
    plan = plan_export(project, "onnx", tmp_path / "m.onnx")
    assert list(tmp_path.iterdir()) == []  # the conversion ran in a temporary folder elsewhere
    assert plan.files == [tmp_path / "m.onnx"] and plan.result.notes
    plan.write()
    assert [p.name for p in tmp_path.iterdir()] == ["m.onnx"]
    assert plan_export(project, "onnx", tmp_path / "m.onnx").changed_files() == []  # the same bytes again
