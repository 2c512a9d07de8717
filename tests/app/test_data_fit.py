"""The network's Input against the chosen data set, checked while drawing (no torch, no loading), and Train
refusing, with the reason in words, while the network has errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnbuilder.project import load_project

from .helpers import Harness, shown_harness

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def open_window(qtbot: Any, example: str) -> Harness:
    h = shown_harness(qtbot, load_project(EXAMPLES / example))
    qtbot.waitExposed(h.window)
    return h


def test_an_input_that_does_not_fit_the_data_is_an_error_on_the_input_before_train(qtbot: Any) -> None:
    h = open_window(qtbot, "spiral_playground.nnb")
    w, c = h.window, h.controller
    assert c.train_action.isEnabled() and not c.blocked_action.isVisible()
    w.document.set_param("input", "shape", [28, 28])
    rows = [r for r in w.problems_panel.rows() if r[2] == "input"]
    assert rows and rows[0][0] == "error" and "28×28" in rows[0][1] and "is 2" in rows[0][1]
    assert w.scene.nodes["input"].face.severity == "error"  # the Input turns red on the canvas
    assert "error" in w.counts_label.text()
    assert not c.train_action.isEnabled()
    assert c.blocked_action.isVisible() and "Cannot train yet" in c.blocked_label.full_text()
    assert "Set Input from data" in c.train_action.toolTip()
    assert not c.train() and not c._warm  # refused before loading torch, and it says why
    assert "Cannot train yet" in w.statusBar().currentMessage()

    button = w.settings_panel.set_input_button
    assert button.isEnabled()
    button.click()
    assert w.document.current_graph.node("input").params["shape"] == [2]
    assert c.train_action.isEnabled() and not c.blocked_action.isVisible()
    w.document.undo()  # one undoable step
    assert w.document.current_graph.node("input").params["shape"] == [28, 28]


def test_changing_the_data_set_rechecks_the_input(qtbot: Any) -> None:
    h = open_window(qtbot, "skip_connection_moons.nnb")
    w = h.window
    w.document.set_param("input", "shape", [3])
    assert any(r[2] == "input" and r[0] == "error" for r in w.problems_panel.rows())
    w.document.set_param("input", "shape", [2])
    assert not any(r[2] == "input" and r[0] == "error" for r in w.problems_panel.rows())
    w.document.set_data_setting("dataset", "karate_club")  # 34 features per member
    rows = [r for r in w.problems_panel.rows() if r[2] == "input"]
    assert rows and "is 34" in rows[0][1]
    assert "does not match" in w.settings_panel.sample_label.text()


def test_f5_and_ctrl_return_train(qtbot: Any) -> None:
    h = open_window(qtbot, "perceptron_xor.nnb")
    c = h.controller
    c.epochs_spin.setValue(1)
    keys = [s.toString() for s in c.train_action.shortcuts()]
    assert keys == ["F5", "Ctrl+Return"]
    h.window.activateWindow()
    h.window.view.setFocus()
    qtbot.waitUntil(h.window.view.hasFocus)
    with qtbot.waitSignal(c.run_finished, timeout=60_000):
        QTest.keyClick(h.window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not c.is_busy, timeout=30_000)
    assert len(c.dashboard.runs) == 1


def test_a_new_input_with_its_default_shape_fits_the_default_data(window: Any) -> None:
    nid = window.document.add_node("Input")
    assert "shape" not in window.document.current_graph.node(nid).params  # the default, 2 numbers
    assert window.document.input_mismatch() is None


def test_output_units_are_checked_against_the_data_sets_classes(qtbot: Any) -> None:
    """More output units than classes trained without a word (a perceptron with 3 Step units on the two blobs:
    one unit never the answer); fewer failed only after Train. Both are now said on the output while drawing."""
    h = open_window(qtbot, "perceptron_blobs.nnb")
    w, c = h.window, h.controller
    out = w.document.current_graph.nodes[-1].id
    assert not [r for r in w.problems_panel.rows() if r[2] == out and r[0] != "info"]  # 1 Step unit: yes/no
    w.document.set_param(out, "units", 3)
    (row,) = [r for r in w.problems_panel.rows() if r[2] == out and r[0] == "warning"]
    assert "has 3 units but the data set 'blobs' has 2 classes" in row[1] and "the last unit is never" in row[1]
    assert c.train_action.isEnabled()  # it trains, so a warning, not an error
    w.document.set_param(out, "units", 2)
    assert not [r for r in w.problems_panel.rows() if r[2] == out and r[0] == "warning"]  # one-hot: fine

    h2 = open_window(qtbot, "spiral_playground.nnb")
    w2, c2 = h2.window, h2.controller
    w2.document.set_param("output", "units", 1)
    (row,) = [r for r in w2.problems_panel.rows() if r[2] == "output" and r[0] == "error"]
    assert "has 1 unit but the data set 'spiral' has 2 classes: give it 2 units, one per class." in row[1]
    assert not c2.train_action.isEnabled() and not c2.train()
    w2.document.set_data_setting("dataset", "household_power")  # regression: no classes to count
    assert not [r for r in w2.problems_panel.rows() if "classes" in r[1]]


def test_a_convolution_fed_pictures_without_a_channel_axis_is_pointed_at_the_channels_box(qtbot: Any) -> None:
    """Fashion-MNIST without its channel axis gives 28×28: the problem on the Conv2D said only "add a Reshape",
    while the Channels box in Project settings (then Set Input from data) is the switch."""
    h = open_window(qtbot, "fashion_mnist_cnn.nnb")
    w = h.window
    doc = w.document
    project = doc.project
    first_conv = next(n.id for n in doc.current_graph.nodes if n.type == "Conv2d")
    doc.set_data_setting("options", dict(project.data.options, channels=False))
    assert doc.set_input_from_data().endswith("now takes 28×28, the shape of one sample.")
    rows = [r for r in w.problems_panel.rows() if r[2] == first_conv]
    assert rows and "add a Reshape" in rows[0][1]
    assert "tick Channels in Project settings and press Set Input from data" in rows[0][1] and "1×28×28" in rows[0][1]
