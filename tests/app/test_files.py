"""File workflow: open/save, bad files, title and modified mark, quitting, recent files, autosave recovery."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nnbuilder.app.autosave import Autosaver, find_recoveries
from nnbuilder.app.main_window import MainWindow
from nnbuilder.app.settings import recent_files
from nnbuilder.project import load_project, project_to_dict


def test_corrupt_file_shows_the_error_and_changes_nothing(window, dialogs, tmp_path, examples_dir):
    assert window.open_file(examples_dir / "fashion_mnist_mlp.nnb")
    window.document.add_node("Dense")
    before = project_to_dict(window.document.project)
    path_before, count = window.document.path, window.document.undo_stack.count()
    bad = tmp_path / "broken.nnb"
    bad.write_text('{"format": "nnbuilder-project", "version": 1, "graphs": [', encoding="utf-8")
    dialogs.answers["save_changes"] = "discard"
    assert not window.open_file(bad)
    errors = dialogs.texts("error")
    assert len(errors) == 1 and "broken.nnb" in errors[0] and "not valid JSON" in errors[0]
    assert project_to_dict(window.document.project) == before
    assert window.document.path == path_before and window.document.undo_stack.count() == count
    assert window.document.is_modified


def test_bad_layer_type_names_the_node(window, dialogs, tmp_path, examples_dir):
    doc = json.loads((examples_dir / "fashion_mnist_mlp.nnb").read_text(encoding="utf-8"))
    doc["graphs"][0]["nodes"][2]["type"] = "Denseish"
    bad = tmp_path / "typo.nnb"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    assert not window.open_file(bad)
    (text,) = dialogs.texts("error")
    assert "hiddenlayer" in text and "Denseish" in text and "$.graphs[0].nodes[2].type" in text
    assert window.document.current_graph.nodes == []


def test_title_shows_file_name_and_modified_mark(window, dialogs, tmp_path):
    assert window.title_text() == "Untitled — nnbuilder"
    window.document.add_node("Input")
    assert window.title_text() == "Untitled* — nnbuilder"
    dialogs.answers["save_file"] = str(tmp_path / "mine")  # the .nnb suffix is added
    assert window.save()
    assert window.title_text() == "mine.nnb — nnbuilder"
    assert (tmp_path / "mine.nnb").is_file()
    window.document.undo()
    assert window.title_text() == "mine.nnb* — nnbuilder"
    window.document.redo()
    assert window.title_text() == "mine.nnb — nnbuilder"
    assert recent_files() == [str((tmp_path / "mine.nnb").resolve())]


def test_quit_with_unsaved_changes_asks(window, dialogs, tmp_path):
    window.document.add_node("Input")
    dialogs.answers["save_changes"] = "cancel"
    assert not window.close()
    assert window.isVisible()
    dialogs.answers["save_changes"] = "save"
    dialogs.answers["save_file"] = None  # the user cancels the file dialog
    assert not window.close()
    dialogs.answers["save_file"] = str(tmp_path / "kept.nnb")
    assert window.close()
    assert load_project(tmp_path / "kept.nnb").graph().nodes[0].type == "Input"
    assert [c[0] for c in dialogs.calls].count("save_changes") == 3


def test_new_and_templates_ask_before_discarding(window, dialogs):
    window.document.add_node("Input")
    dialogs.answers["save_changes"] = "cancel"
    assert not window.new_project()
    assert len(window.document.current_graph.nodes) == 1
    dialogs.answers["save_changes"] = "discard"
    assert window.new_from_template("GAN (generator + discriminator)")
    assert [g.name for g in window.document.project.graphs] == ["generator", "discriminator"]
    assert not window.document.is_modified


def test_examples_menu_lists_every_example_by_name(window, examples_dir):
    files = sorted(examples_dir.glob("*.nnb"))
    listed = window.example_files()
    assert sorted(p for _, p in listed) == files
    window._on_examples_menu_about_to_show()
    names = [a.text() for a in window.examples_menu.actions()]
    assert "Fashion-MNIST MLP" in names and len(names) == len(files)
    action = window.examples_menu.actions()[names.index("Fashion-MNIST MLP")]
    action.trigger()
    assert window.document.project.name == "Fashion-MNIST MLP"
    assert window.document.path is None  # an example opens as a copy; Save asks where
    assert window.title_text() == "fashion_mnist_mlp.nnb — nnbuilder"


def test_recent_menu(window, dialogs, examples_dir, tmp_path):
    target = tmp_path / "a.nnb"
    target.write_bytes((examples_dir / "perceptron_xor.nnb").read_bytes())
    assert window.open_file(target)
    window._on_recent_menu_about_to_show()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert texts[0] == "a.nnb"


def test_autosave_writes_a_recovery_file_and_clean_exit_removes_it(window, qtbot):
    saver = Autosaver(window.document, interval_ms=30, parent=window)
    window.document.add_node("Input")
    qtbot.waitUntil(lambda: saver.path.is_file(), timeout=3000)
    assert load_project(saver.path).graph().nodes[0].type == "Input"
    window.document.undo_stack.setClean()
    assert not saver.path.is_file()


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(proc.stdout)


def test_recovery_after_a_crash(window, dialogs, qtbot, tmp_path, examples_dir):
    assert window.open_file(examples_dir / "spiral_playground.nnb")
    window.document.add_node("Dropout", (100, 300))
    saved = window.autosaver.save_now()
    assert saved is not None
    edited = project_to_dict(window.document.project)
    # Pretend that process died: the recovery note names a pid that no longer runs.
    meta = json.loads(window.autosaver.meta_path.read_text())
    meta["pid"] = _dead_pid()
    window.autosaver.meta_path.write_text(json.dumps(meta))
    crashed = window.autosaver.path
    (found,) = find_recoveries(crashed.parent)
    assert found.original == str(examples_dir / "spiral_playground.nnb")

    second = MainWindow()
    qtbot.addWidget(second)
    second.show_dialog = dialogs  # type: ignore[method-assign]
    dialogs.answers["recover"] = True
    assert second.offer_recovery()
    assert project_to_dict(second.document.project) == edited
    assert second.document.is_modified
    assert second.title_text() == "spiral_playground.nnb* — nnbuilder"
    assert not crashed.exists()
    assert "did not close properly" in dialogs.texts("recover")[0]
    second.document.undo_stack.setClean()
    second.document._extra_modified = False


def test_declining_recovery_discards_it(window, dialogs, tmp_path):
    window.document.add_node("Input")
    window.autosaver.save_now()
    meta = json.loads(window.autosaver.meta_path.read_text())
    meta["pid"] = _dead_pid()
    window.autosaver.meta_path.write_text(json.dumps(meta))
    dialogs.answers["recover"] = False
    assert not window.offer_recovery()
    assert find_recoveries(window.autosaver.folder) == []


def test_geometry_and_docks_are_restored(qtbot, dialogs):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show_dialog = dialogs  # type: ignore[method-assign]
    first.show()
    first.docks["codeDock"].raise_()
    first.docks["paletteDock"].hide()
    first.resize(700, 500)  # fits the offscreen platform's 800×600 screen
    assert first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.restore_layout()
    second.show()
    assert second.docks["paletteDock"].isHidden()
    assert abs(second.width() - 700) < 30


def _last(dialogs, kind):
    """The options of the last ``kind`` dialog the window opened (where it started, what it proposed)."""
    return [c[3] for c in dialogs.calls if c[0] == kind][-1]


def test_save_as_of_an_example_starts_where_open_and_save_last_were(window, dialogs, tmp_path, examples_dir,
                                                                     qtbot):
    from pathlib import Path

    from tests.app.conftest import FakeDialogs

    ed2 = tmp_path / "ed2"
    ed2.mkdir()
    mine = ed2 / "mine.nnb"
    mine.write_text((examples_dir / "spiral_playground.nnb").read_text(encoding="utf-8"), encoding="utf-8")
    dialogs.answers["open_file"] = str(mine)
    assert window.open_file()  # File ▸ Open… in ed2
    assert window.open_example(examples_dir / "fashion_mnist_cnn.nnb")
    dialogs.answers["save_file"] = None  # the user looks where the dialog starts, then cancels
    window.save_action.trigger()  # Ctrl+S on the example's unsaved copy → Save As
    assert Path(_last(dialogs, "save_file")["suggested"]) == ed2 / "fashion_mnist_cnn.nnb"
    dialogs.answers["open_file"] = None
    window.open_action.trigger()  # Open… starts in the same folder
    assert Path(_last(dialogs, "open_file")["directory"]) == ed2

    ed3 = tmp_path / "ed3"
    ed3.mkdir()
    dialogs.answers["save_file"] = str(ed3 / "cnn")  # saved elsewhere: that folder is the one remembered
    assert window.save_as()
    dialogs.answers["save_file"] = None
    assert window.new_project()
    window.save_action.trigger()
    assert Path(_last(dialogs, "save_file")["suggested"]) == ed3 / "untitled.nnb"
    assert window.open_file(mine)
    window.save_as_action.trigger()  # a project with a file of its own: its own folder and name
    assert Path(_last(dialogs, "save_file")["suggested"]) == mine

    later = MainWindow()  # the next session remembers the folder too
    later.show_dialog = FakeDialogs()
    qtbot.addWidget(later)
    later.open_example(examples_dir / "spiral_playground.nnb")
    later.save_action.trigger()
    assert Path(_last(later.show_dialog, "save_file")["suggested"]) == ed2 / "spiral_playground.nnb"


def _docks_on_screen(window):
    """name -> (width, height) of each dock the user sees (a tab behind another is moved outside the window)."""
    return {name: (d.width(), d.height()) for name, d in window.docks.items()
            if d.isVisible() and not d.isFloating() and window.rect().intersects(d.geometry())}


def _canvas_share(window):
    """(canvas width / window width, canvas height / the height between the toolbars and the status bar)."""
    from PySide6.QtCore import QPoint

    top = window.view.mapTo(window, QPoint(0, 0)).y()
    return (window.view.width() / window.width(),
            window.view.height() / (window.statusBar().geometry().top() - top))


def test_a_small_window_keeps_the_canvas_first_and_the_docks_come_back(window, qtbot, examples_dir):
    from PySide6.QtWidgets import QApplication

    window.load_extensions()  # the Training tab joins Problems, Summary and Code below the canvas
    window.open_example(examples_dir / "fashion_mnist_cnn.nnb")  # its notes open on the right
    qtbot.wait(50)
    before = _docks_on_screen(window)
    assert {"paletteDock", "notesDock", "problemsDock"} <= set(before)
    wide_before, high_before = _canvas_share(window)
    for size, least in (((800, 550), (0.5, 0.55)), ((600, 430), (0.5, 0.5))):
        window.resize(*size)
        qtbot.waitUntil(lambda s=size: window.size().toTuple() == s)
        qtbot.wait(50)
        QApplication.processEvents()
        wide, high = _canvas_share(window)
        assert wide >= least[0] and high >= least[1], (size, window.view.size().toTuple(), _docks_on_screen(window))
    window.resize(1280, 820)
    qtbot.waitUntil(lambda: window.size().toTuple() == (1280, 820))
    qtbot.wait(50)
    QApplication.processEvents()
    after = _docks_on_screen(window)
    assert all(abs(a - b) <= 3 for name in before for a, b in zip(before[name], after[name], strict=True)), (
        before, after)  # a larger window gives the docks back the room they had
    assert _canvas_share(window) == pytest.approx((wide_before, high_before), abs=0.01)


def test_save_weights_of_an_unsaved_example_offers_to_save_the_project(window, dialogs, tmp_path, examples_dir,
                                                                       qtbot):
    """The weights go beside the project file; an example's copy has none, and Save weights used to end in an
    error. It asks to save the project first, and a cancelled Save As saves nothing."""
    window.load_extensions()
    assert window.open_example(examples_dir / "perceptron_blobs.nnb")
    c = window.training_controller
    with qtbot.waitSignal(c.run_finished, timeout=60_000):
        assert c.train()
    qtbot.waitUntil(lambda: not c.is_busy, timeout=10_000)
    dialogs.answers["question"] = True
    dialogs.answers["save_file"] = None  # the user cancels the file dialog
    assert c.save_weights() is None
    assert "needs a file name first. Save the project now?" in dialogs.texts("question")[-1]
    assert not dialogs.texts("error") and list(tmp_path.iterdir()) == []
    dialogs.answers["save_file"] = str(tmp_path / "blobs.nnb")
    saved = c.save_weights()
    assert saved == tmp_path / "blobs.weights.safetensors" and saved.is_file()
    assert (tmp_path / "blobs.nnb").is_file() and window.document.path == tmp_path / "blobs.nnb"
