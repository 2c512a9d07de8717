"""File ▸ Export… and the Code tab: what the user sees is what ``nnbuilder export`` writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nnbuilder.export import python_code
from nnbuilder.project import load_project


def test_code_tab_shows_exactly_the_exported_model_py(window: Any, examples_dir: Path, tmp_path: Path) -> None:
    window.open_file(examples_dir / "skip_connection_moons.nnb")
    text = window.code_panel.refresh_now()
    assert text == python_code(load_project(examples_dir / "skip_connection_moons.nnb"),
                               source_name="skip_connection_moons.nnb")
    assert "class SkipConnectionOnMoons(nn.Module):" in text


def test_file_export_writes_the_python_folder(window: Any, qtbot: Any, examples_dir: Path, tmp_path: Path) -> None:
    window.open_file(examples_dir / "spiral_playground.nnb")
    assert window.export_action in window.menuBar().actions()[0].menu().actions()
    dialog = window.open_export_dialog()
    assert dialog.output.text().endswith("spiral_playground_python")
    dialog.output.setText(str(tmp_path / "out"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    assert "Exported to" in dialog.status.text(), dialog.status.text()
    assert (tmp_path / "out" / "model.py").read_text() == window.code_panel.refresh_now()
    dialog.target.setCurrentIndex(dialog.target.findData("safetensors"))
    assert dialog.output.text().endswith("spiral_playground.export.safetensors")
    dialog.weights.setText(str(tmp_path / "missing.safetensors"))
    dialog.output.setText(str(tmp_path / "w.safetensors"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    assert dialog.status.text() == "The weights file 'missing.safetensors' does not exist."
    assert not (tmp_path / "w.safetensors").exists()
    dialog.reject()
