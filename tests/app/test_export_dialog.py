"""File ▸ Export… and the Code tab: what the user sees is what ``nnbuilder export`` writes."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

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
    assert dialog.output.text() == str(tmp_path / "out")  # a path the user chose stays
    dialog.weights.setText(str(tmp_path / "missing.safetensors"))
    assert dialog.weights_choice.currentData() == "file"
    dialog.output.setText(str(tmp_path / "w.safetensors"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    assert dialog.status.text() == "The weights file 'missing.safetensors' does not exist."
    assert not (tmp_path / "w.safetensors").exists()
    dialog.reject()


def test_export_after_training_offers_the_last_run_and_writes_nothing_beside_the_project(
        window: Any, qtbot: Any, examples_dir: Path, tmp_path: Path) -> None:
    ort = pytest.importorskip("onnxruntime")
    folder = tmp_path / "project"
    folder.mkdir()
    project_file = folder / "spiral.nnb"
    shutil.copy(examples_dir / "spiral_playground.nnb", project_file)
    window.load_extensions()  # the training controller, as the app has it
    window.open_file(project_file, ask_to_save=False)
    c = window.training_controller
    c.epochs_spin.setValue(20)
    c.warm_up()
    with qtbot.waitSignal(c.run_finished, timeout=60_000):
        assert c.train()
    qtbot.waitUntil(lambda: not c.is_busy, timeout=30_000)
    before = sorted(p.name for p in folder.iterdir())

    dialog = window.open_export_dialog()
    choices = [dialog.weights_choice.itemData(i) for i in range(dialog.weights_choice.count())]
    assert choices == ["run", "file", "initial"]  # the last run by default; a file or the initial ones a click away
    assert dialog.weights_choice.currentData() == "run" and not dialog.weights.isEnabled()
    dialog.target.setCurrentIndex(dialog.target.findData("onnx"))
    dialog.output.setText(str(tmp_path / "spiral.onnx"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
    text = dialog.status.text()
    assert "Exported to" in text and "the last training run" in text and "initial weights" not in text, text
    session = ort.InferenceSession(str(tmp_path / "spiral.onnx"), providers=["CPUExecutionProvider"])
    x = np.asarray(c.trainer.dataset.x[:50], dtype=np.float32)
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    np.testing.assert_allclose(got, c.trainer.predict(x), atol=1e-5)  # the trained model, not the seeded one

    dialog.weights_choice.setCurrentIndex(dialog.weights_choice.findData("initial"))
    dialog.target.setCurrentIndex(dialog.target.findData("safetensors"))
    dialog.output.setText(str(tmp_path / "initial.safetensors"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    text = dialog.status.text()
    assert "initial weights (seed" in text and "--weights" not in text, text  # the GUI's words, not the CLI's
    assert "choose the last training run or a weights file under Weights" in text
    dialog.reject()
    assert sorted(p.name for p in folder.iterdir()) == before


def test_without_a_run_the_note_says_how_to_get_trained_weights_in_the_app(
        window: Any, qtbot: Any, examples_dir: Path, tmp_path: Path) -> None:
    window.open_file(examples_dir / "spiral_playground.nnb")
    dialog = window.open_export_dialog()
    assert dialog.weights_choice.currentData() == "initial"
    assert [dialog.weights_choice.itemData(i) for i in range(dialog.weights_choice.count())] == ["file", "initial"]
    dialog.target.setCurrentIndex(dialog.target.findData("safetensors"))
    dialog.output.setText(str(tmp_path / "w.safetensors"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert "--weights" not in dialog.status.text() and "train the network first" in dialog.status.text()
    dialog.weights_choice.setCurrentIndex(dialog.weights_choice.findData("file"))
    dialog.export_button.click()
    assert dialog.status.text().startswith("Choose the weights file")
    dialog.reject()


def test_a_run_still_training_is_not_offered(qtbot: Any, examples_dir: Path) -> None:
    from nnbuilder.app.document import Document
    from nnbuilder.app.widgets.export_dialog import ExportDialog

    doc = Document()
    doc.open(examples_dir / "spiral_playground.nnb")
    model = SimpleNamespace(state_dict=dict)
    running = ExportDialog(doc, trainer=SimpleNamespace(graph=doc.project.graph(), model=model, is_running=True))
    qtbot.addWidget(running)
    assert running.weights_choice.findData("run") == -1
    idle = ExportDialog(doc, trainer=SimpleNamespace(graph=doc.project.graph(), model=model, is_running=False))
    qtbot.addWidget(idle)
    assert idle.weights_choice.currentData() == "run"


def test_changing_the_format_keeps_a_path_the_user_typed(window: Any, qtbot: Any, examples_dir: Path,
                                                          tmp_path: Path) -> None:
    window.open_file(examples_dir / "spiral_playground.nnb")
    dialog = window.open_export_dialog()
    dialog.target.setCurrentIndex(dialog.target.findData("onnx"))
    assert Path(dialog.output.text()) == examples_dir.resolve() / "spiral_playground.onnx"  # the default follows
    dialog.output.clear()
    qtbot.keyClicks(dialog.output, str(tmp_path / "mine.onnx"))
    for target in ("safetensors", "python", "torchrun", "onnx"):
        dialog.target.setCurrentIndex(dialog.target.findData(target))
        assert dialog.output.text() == str(tmp_path / "mine.onnx")
    dialog.output.clear()  # an empty field takes the default again, and it follows the format
    dialog.target.setCurrentIndex(dialog.target.findData("torchrun"))
    assert Path(dialog.output.text()) == examples_dir.resolve() / "spiral_playground_torchrun"
    dialog.target.setCurrentIndex(dialog.target.findData("python"))
    assert Path(dialog.output.text()) == examples_dir.resolve() / "spiral_playground_python"
    dialog.reject()


def test_an_example_without_a_file_exports_under_its_own_name(window: Any, examples_dir: Path) -> None:
    from nnbuilder.app.widgets.export_dialog import default_output

    window.open_example(examples_dir / "fashion_mnist_mlp.nnb", ask_to_save=False)
    assert window.document.path is None
    dialog = window.open_export_dialog()
    assert Path(dialog.output.text()) == Path.home() / "fashion_mnist_mlp_python"
    dialog.target.setCurrentIndex(dialog.target.findData("onnx"))
    assert Path(dialog.output.text()) == Path.home() / "fashion_mnist_mlp.onnx"
    dialog.reject()
    # a project with neither a file nor an example's name: its own name, made file-safe
    assert default_output(None, "python", "Fashion-MNIST MLP (v2)") == Path.home() / "fashion_mnist_mlp_v2_python"
    assert default_output(None, "safetensors", "Réseau") == Path.home() / "reseau.export.safetensors"
    assert default_output(None, "onnx", "???") == Path.home() / "model.onnx"


class MessageBoxes:
    """Stands in for ``QMessageBox.exec``: records what each box says and clicks the scripted button, so the
    real box (text, buttons) is what the test checks, without a modal loop that would block it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.shown: list[tuple[str, str, list[str]]] = []
        self.defaults: list[str] = []  # the button Enter presses
        self.answers: list[str] = []
        monkeypatch.setattr(QMessageBox, "exec", lambda box: self._exec(box))

    def _exec(self, box: Any) -> int:
        buttons = sorted(b.text().replace("&", "") for b in box.buttons())  # their order is the platform's
        self.shown.append((box.text(), box.informativeText(), buttons))
        self.defaults.append(box.defaultButton().text().replace("&", "") if box.defaultButton() else "")
        assert self.answers, f"an unexpected question: {box.text()}"
        answer = self.answers.pop(0)
        next(b for b in box.buttons() if b.text().replace("&", "") == answer).click()
        return 0


def _export(dialog: Any, qtbot: Any) -> str:
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.export_button.isEnabled(), timeout=60_000)
    return dialog.status.text()


def test_exporting_again_asks_before_replacing_files_the_user_edited(
        window: Any, qtbot: Any, examples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    boxes = MessageBoxes(monkeypatch)
    window.open_example(examples_dir / "spiral_playground.nnb", ask_to_save=False)
    dialog = window.open_export_dialog()
    out = tmp_path / "exp_out"
    dialog.output.setText(str(out))
    assert "Exported to" in _export(dialog, qtbot)
    assert "Exported to" in _export(dialog, qtbot) and boxes.shown == []  # the same files again: nothing to lose

    model = out / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    boxes.answers = ["Cancel"]
    text = _export(dialog, qtbot)
    assert boxes.shown == [("Replace 1 file in exp_out? model.py",
                            "It differs from what this export writes (edited since the last export, or another "
                            "export's). Replace overwrites it; Cancel writes nothing.", ["Cancel", "Replace"])]
    assert boxes.defaults == ["Cancel"]  # a stray Enter keeps the user's edit
    assert text == f"Nothing was exported: the files in {out} are as they were."
    assert model.read_text(encoding="utf-8").endswith("# my edit\n")  # Cancel wrote nothing

    for name in ("train.py", "README.md"):
        (out / name).write_text("mine\n", encoding="utf-8")
    boxes.answers = ["Replace"]
    assert "Exported to" in _export(dialog, qtbot)
    assert boxes.shown[1][0] == "Replace 3 files in exp_out? model.py, train.py, README.md"  # asked once, for all
    assert model.read_text(encoding="utf-8") == window.code_panel.refresh_now()
    assert (out / "README.md").read_text(encoding="utf-8") != "mine\n"
    dialog.reject()


def test_a_file_the_save_dialog_already_confirmed_is_not_asked_about_again(
        window: Any, qtbot: Any, examples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    boxes = MessageBoxes(monkeypatch)
    window.open_example(examples_dir / "spiral_playground.nnb", ask_to_save=False)
    dialog = window.open_export_dialog()
    dialog.target.setCurrentIndex(dialog.target.findData("safetensors"))
    weights = tmp_path / "w.safetensors"
    dialog.output.setText(str(weights))
    assert "Exported to" in _export(dialog, qtbot)
    weights.write_bytes(b"edited")
    boxes.answers = ["Cancel"]  # a typed path: asked before the file is replaced
    assert _export(dialog, qtbot).startswith("Nothing was exported")
    assert boxes.shown[0][0] == f"Replace 1 file in {tmp_path.name}? w.safetensors"
    assert weights.read_bytes() == b"edited"

    # Browse… → the Save dialog asks "w.safetensors already exists. Replace it?" and returns the file
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(weights), ""))
    dialog._browse_output()
    assert "Exported to" in _export(dialog, qtbot)
    assert len(boxes.shown) == 1 and weights.read_bytes() != b"edited"  # not asked a second time
    weights.write_bytes(b"edited again")  # that answer was for that export: the next one asks again
    boxes.answers = ["Cancel"]
    _export(dialog, qtbot)
    assert len(boxes.shown) == 2 and weights.read_bytes() == b"edited again"
    # files written beside the confirmed one (weights, a README) are still asked about
    dialog._confirmed_by_file_dialog = weights
    assert dialog._to_ask_about([weights, tmp_path / "README.md"]) == [tmp_path / "README.md"]
    dialog.reject()
