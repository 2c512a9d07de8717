"""The Problems panel, the Inspector and the toolbar as a student uses them: nothing stale, nothing hidden,
nothing that jumps."""

from __future__ import annotations

from typing import Any

from nnbuilder.app.main_window import MainWindow


def test_a_training_failure_goes_away_when_the_network_is_edited(window: MainWindow) -> None:
    d = window.document
    dense = d.add_node("Dense")
    window.report_problem("The network cannot be built yet: dense_2 needs an input.")
    assert "Training: The network cannot be built yet" in window.problems_panel.rows()[0][1]
    d.set_param(dense, "units", 8)
    assert not any(r[1].startswith("Training:") for r in window.problems_panel.rows())


def test_a_training_failure_does_not_follow_into_another_project(window: MainWindow, examples_dir: Any) -> None:
    window.report_problem("The network cannot be built yet: dense_2 needs an input.")
    assert "error" in window.counts_label.text()
    assert window.open_example(examples_dir / "spiral_playground.nnb")
    assert window.problems_panel.runtime == []
    assert "valid" in window.counts_label.text()


def test_the_problems_title_counts_every_listed_row(window: MainWindow, examples_dir: Any) -> None:
    assert window.open_example(examples_dir / "spiral_playground.nnb")  # softmax + cross-entropy: a note
    window.report_problem("Training diverged.")  # an error
    rows = window.problems_panel.rows()
    assert {r[0] for r in rows} >= {"info", "error"}
    assert window.docks["problemsDock"].windowTitle() == f"Problems ({len(rows)})"


def _visible(dock: Any) -> bool:
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def test_choosing_a_layer_brings_the_inspector_forward(window: MainWindow, qtbot: Any) -> None:
    dense = window.document.add_node("Dense")
    window.docks["settingsDock"].raise_()
    qtbot.waitUntil(lambda: _visible(window.docks["settingsDock"]))
    assert not _visible(window.docks["inspectorDock"])
    window.scene.select_nodes([dense])
    qtbot.waitUntil(lambda: _visible(window.docks["inspectorDock"]))


def test_ctrl_z_in_an_inspector_field_undoes_the_last_change(window: MainWindow, qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    d = window.document
    dense = d.add_node("Dense")
    window.scene.select_nodes([dense])
    d.set_param(dense, "units", 64)
    field = window.inspector.editors["units"]
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    QTest.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert d.current_graph.node(dense).params.get("units") != 64, "Ctrl+Z in the field did not undo"


def test_the_toolbar_does_not_jump_as_the_undo_text_grows(window: MainWindow) -> None:
    bar = window.main_toolbar
    button = bar.widgetForAction(window.undo_action)
    before = button.sizeHint().width()
    dense = window.document.add_node("Dense")
    window.document.set_param(dense, "activation", "tanh")
    assert button.sizeHint().width() == before
    assert window.undo_action.text() == "&Undo" and "activation" in window.undo_action.toolTip()


def test_help_opens_the_bundled_user_guide(window: MainWindow, qtbot: Any) -> None:
    window.guide_action.trigger()
    guide = window._guide
    qtbot.waitUntil(guide.isVisible)
    assert "Building a network" in guide.browser.toPlainText()
    widths = guide.image_widths()
    assert widths and all(0 < w <= guide.browser.width() for w in widths)  # no sideways scrolling


def test_project_settings_fit_their_dock_without_a_sideways_scroll(window: MainWindow) -> None:
    panel = window.settings_panel
    window.docks["settingsDock"].raise_()
    assert panel.host.minimumSizeHint().width() <= panel.width(), "the form is wider than its dock"
