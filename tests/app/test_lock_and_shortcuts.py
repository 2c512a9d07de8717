"""Editing lock for training, keyboard shortcuts, and the torch-free start-up path."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from .helpers import connect_ports, drop_from_palette


def test_locking_blocks_edits_and_shows_a_banner(window):
    doc = window.document
    a = doc.add_node("Input", (0, 0))
    b = doc.add_node("Dense", (240, 0))
    window.view.fit_to_view()
    window.scene.select_nodes([b])
    count = doc.undo_stack.count()
    window.set_editing_locked(True, "Training — editing is locked")
    assert window.lock_banner.isVisible() and "Training — editing is locked" in window.lock_banner.text()
    assert not window.inspector.form_host.isEnabled()
    assert not window.settings_panel.host.isEnabled()
    assert not window.undo_action.isEnabled() and not window.delete_action.isEnabled()
    connect_ports(window, a, b)
    assert doc.current_graph.edges == []
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.delete_selection()
    window.document.undo()
    assert len(doc.current_graph.nodes) == 2 and doc.undo_stack.count() == count
    try:
        drop_from_palette(window, "Dense", QPoint(100, 100))
    except AssertionError:
        pass
    assert len(doc.current_graph.nodes) == 2
    assert not window.open_file(__file__)
    window.set_editing_locked(False)
    assert not window.lock_banner.isVisible() and window.inspector.form_host.isEnabled()
    connect_ports(window, a, b)
    assert len(doc.current_graph.edges) == 1


def test_shortcuts_are_bound(window):
    def keys(action):
        return [s.toString() for s in action.shortcuts()]

    assert "Del" in keys(window.delete_action)
    assert keys(window.undo_action) == ["Ctrl+Z"]
    assert "Ctrl+Shift+Z" in keys(window.redo_action)
    assert keys(window.copy_action) == ["Ctrl+C"] and keys(window.paste_action) == ["Ctrl+V"]
    assert keys(window.duplicate_action) == ["Ctrl+D"]
    assert window.new_action.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert window.save_action.shortcut().toString() == "Ctrl+S"
    assert keys(window.fit_action) == ["F"] and keys(window.find_action) == ["Ctrl+F"]


def test_shortcuts_work_from_the_keyboard(window, dialogs, tmp_path):
    doc = window.document
    window.view.setFocus()
    a = doc.add_node("Input")
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.current_graph.nodes == []
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [n.id for n in doc.current_graph.nodes] == [a]
    dialogs.answers["save_file"] = str(tmp_path / "k.nnb")
    QTest.keyClick(window.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "k.nnb").is_file() and not doc.is_modified
    QTest.keyClick(window.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert doc.current_graph.nodes == [] and doc.path is None
    dialogs.answers["open_file"] = str(tmp_path / "k.nnb")
    QTest.keyClick(window.view, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert doc.path == tmp_path / "k.nnb"


def test_arrow_keys_nudge_and_merge_into_one_step(window):
    doc = window.document
    a = doc.add_node("Dense", (0, 0))
    window.scene.select_nodes([a])
    window.view.setFocus()
    count = doc.undo_stack.count()
    for _ in range(3):
        QTest.keyClick(window.view, Qt.Key.Key_Right)
    QTest.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert doc.current_graph.node(a).position == (15.0, 20.0)
    assert doc.undo_stack.count() == count + 1
    doc.undo()
    assert doc.current_graph.node(a).position == (0.0, 0.0)


def test_startup_path_does_not_import_torch():
    code = ("import sys; from nnbuilder.app import main, main_window; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_theme_switch(window):
    window.set_theme("dark")
    assert window.scene.colors.dark
    window.set_theme("light")
    assert not window.scene.colors.dark


def test_letter_shortcuts_do_not_steal_typing(window):
    window.document.add_node("Dense", (3000, 3000))
    window.view.centerOn(0, 0)
    before = window.view.transform()
    box = window.palette_panel.search_box
    box.setFocus()
    QTest.keyClicks(box, "Flatten")
    assert box.text() == "Flatten"
    assert window.view.transform() == before  # "F" typed into the search box did not fit the view


def test_run_app_opens_a_file_and_reports_ready(tmp_path, examples_dir):
    env = dict(os.environ, NNBUILDER_EXIT_WHEN_READY="1", QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "nnbuilder.app.main", str(examples_dir / "fashion_mnist_mlp.nnb")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "nnbuilder-ready" in proc.stdout and "torch=False" in proc.stdout


def test_training_extension_attaches(window):
    from nnbuilder.app import training_controller

    if not callable(getattr(training_controller, "install", None)):
        pytest.skip("the training controller has no install() yet")
    docks = set(window.docks)
    window.load_extensions()
    assert set(window.docks) > docks  # the training dashboard dock was added through add_dock


def test_gradient_health_hook(window):
    a = window.document.add_node("Dense")
    item = window.scene.nodes[a]
    item.set_gradient_health(1e-9, 0.1)
    assert item.health_color().name() == "#e8a317"
    item.set_gradient_health(0.5, 0.0)
    assert item.health_color().name() == "#2ca02c"
    window.view.viewport().grab()
    item.set_gradient_health(None, None)
    assert item.health_color() is None


def test_gradient_health_repaints_only_when_its_colour_changes(window, monkeypatch):
    """Every weight snapshot brings a new norm; the node is redrawn only when the bar's colour changes."""
    a = window.document.add_node("Dense")
    item = window.scene.nodes[a]
    repaints: list[int] = []
    monkeypatch.setattr(item, "update", lambda *args: repaints.append(1))
    item.set_gradient_health(0.5, 0.0)  # the bar appears (green)
    assert len(repaints) == 1
    for norm in (0.4, 0.7, 1.3, 12.0):  # still green
        item.set_gradient_health(norm, 0.1)
    assert len(repaints) == 1
    assert item.gradient_health == (12.0, 0.1)  # the newest values are kept all the same
    item.set_gradient_health(1e-9, 0.1)  # vanishing: amber
    assert len(repaints) == 2 and item.health_color().name() == "#e8a317"
    item.set_gradient_health(None, None)  # the bar goes
    assert len(repaints) == 3


def test_status_bar_says_the_percentage_is_the_zoom(window):  # type: ignore[no-untyped-def]
    """A bare "86 %" right after "● valid" read as a score of the network; it names the zoom."""
    window.view.set_zoom(0.86)
    assert window.zoom_label.text() == "Zoom 86 %"
    assert "zoom" in window.zoom_label.toolTip().lower()
