"""A failed save never loses work: the window stays open and says why; autosave and recovery never crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from nnbuilder.app.autosave import Autosaver, find_recoveries
from nnbuilder.app.main_window import MainWindow
from nnbuilder.project import load_project, save_project


def _open_copy(window: MainWindow, examples_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "work" / "mine.nnb"
    save_project(load_project(examples_dir / "spiral_playground.nnb"), target)
    assert window.open_file(target)
    return target


def test_save_of_an_unwritable_value_names_the_field_and_keeps_the_file(window, dialogs, tmp_path, examples_dir):
    target = _open_copy(window, examples_dir, tmp_path)
    before = target.read_bytes()
    window.document.project.graphs[0].nodes[1].label = "bad \ud800"
    window.document.add_node("Dropout")  # an edit, so the document is modified
    assert not window.save()
    (text,) = dialogs.texts("error")
    assert "$.graphs[0].nodes[1].label" in text and "surrogate" in text and "still open" in text
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["mine.nnb"]
    assert window.document.is_modified


def test_closing_with_save_chosen_keeps_the_window_open_when_the_save_fails(window, dialogs, tmp_path,
                                                                           examples_dir, qtbot):
    _open_copy(window, examples_dir, tmp_path)
    window.document.project.data.options["noise"] = float("nan")
    window.document.add_node("Dropout")
    dialogs.answers["save_changes"] = "save"
    assert not window.close()
    assert window.isVisible()
    assert "$.data.options.noise" in dialogs.texts("error")[0]
    assert window.document.is_modified  # the edits are still there


def test_a_save_that_cannot_be_written_offers_save_as(window, dialogs, tmp_path, examples_dir):
    _open_copy(window, examples_dir, tmp_path)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    window.document.add_node("Dropout")
    dialogs.answers["save_file"] = [str(blocked / "x.nnb"), str(tmp_path / "elsewhere.nnb")]
    dialogs.answers["question"] = True
    assert window.save_as()
    (question,) = dialogs.texts("question")
    assert "could not be written" in question and "somewhere else" in question
    assert load_project(tmp_path / "elsewhere.nnb").graphs[0].nodes[-1].type == "Dropout"
    assert window.document.path == tmp_path / "elsewhere.nnb"


def test_declining_save_as_keeps_the_window_open(window, dialogs, tmp_path, examples_dir):
    _open_copy(window, examples_dir, tmp_path)
    (tmp_path / "blocked").write_text("x")
    window.document.path = tmp_path / "blocked" / "x.nnb"
    window.document.add_node("Dropout")
    dialogs.answers["save_changes"] = "save"
    dialogs.answers["question"] = False
    assert not window.close()
    assert window.document.is_modified


def test_autosave_never_raises_and_remembers_why(window, tmp_path, qtbot):
    saver = Autosaver(window.document, directory=tmp_path / "rec", interval_ms=20, parent=window)
    window.document.add_node("Input")
    window.document.project.data.options["x"] = float("inf")
    saver._changed = True
    saver._on_timer_timeout()  # what the timer calls; it must not raise
    assert saver.last_error is not None and "$.data.options.x" in saver.last_error
    del window.document.project.data.options["x"]
    saver._changed = True
    saver._on_timer_timeout()
    assert saver.path.is_file() and json.loads(saver.meta_path.read_text())["pid"] == os.getpid()
    assert sorted(p.name for p in saver.folder.iterdir()) == sorted([saver.path.name, saver.meta_path.name])


def test_malformed_recovery_notes_still_offer_the_recovery(tmp_path, examples_dir):
    folder = tmp_path / "rec"
    folder.mkdir()
    notes = ["[]", '{"saved_at": "yesterday"}', '{"saved_at": null}', '{"pid": "²"}', "not json",
             '{"pid": true, "saved_at": 1e400, "name": 5, "original": []}', '{"pid": 99999999999999999999}',
             '{"saved_at": NaN}', "\udcff"]
    for i, note in enumerate(notes):
        save_project(load_project(examples_dir / "spiral_playground.nnb"), folder / f"recovery-{9000 + i}.nnb")
        (folder / f"recovery-{9000 + i}.json").write_text(note, encoding="utf-8", errors="surrogateescape")
    found = find_recoveries(folder)
    assert len(found) == len(notes)
    assert all(isinstance(r.saved_at, float) and isinstance(r.name, str) for r in found)


def test_recovery_of_a_damaged_file_is_a_sentence(window, dialogs, tmp_path):
    folder = window.autosaver.folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recovery-999999.nnb").write_text('{"a":' * 5000 + "1" + "}" * 5000)
    dialogs.answers["recover"] = True
    assert not window.offer_recovery()
    assert "nested too deeply" in dialogs.texts("error")[0]


def test_open_and_paste_of_hostile_input_are_sentences(window, dialogs, tmp_path):
    assert not window.open_file("/dev/zero", ask_to_save=False)
    assert "not a regular file" in dialogs.texts("error")[-1]
    QGuiApplication.clipboard().setText("[" * 100_000)
    assert window.paste() == []
    doc = {"format": "nnbuilder-project", "version": 1, "name": "\ud800", "graphs": [{"nodes": []}]}
    QGuiApplication.clipboard().setText(json.dumps(doc))
    assert window.paste() == []
