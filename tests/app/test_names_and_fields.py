"""Layer names stay unique within a graph, and an inspector entry that cannot be used is explained under its
field and never dropped without a word (both found by a tester in the real window)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QWidget

from nnbuilder.app.main_window import MainWindow
from nnbuilder.project import Graph, Node, Project, save_project

from .helpers import chain_layers, click_node


def _layer_field(window: MainWindow, qtbot: Any, layer_type: str, param: str) -> tuple[str, QWidget]:
    """A new layer of ``layer_type``, selected, and its ``param`` field in the inspector, focused."""
    node = window.document.add_node(layer_type)
    window.scene.select_nodes([node])
    field = window.inspector.editors[param]
    _focus(qtbot, window, field)
    return node, field


def _focus(qtbot: Any, window: MainWindow, widget: QWidget) -> None:
    """Focus ``widget`` as a click would, once the inspector has shown its new form (a queued show)."""
    qtbot.waitUntil(widget.isVisible)
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def _type(field: QWidget, text: str, enter: bool = True) -> None:
    line = field.lineEdit() if hasattr(field, "lineEdit") else field
    line.selectAll()
    QTest.keyClicks(field, text)
    if enter:
        QTest.keyClick(field, Qt.Key.Key_Return)


def _note_under(window: MainWindow, field: QWidget) -> str:
    """The sentence the student reads right under ``field`` in the inspector ('' when there is none)."""
    panel = window.inspector
    bottom = field.mapTo(panel, field.rect().bottomLeft())
    for label in panel.findChildren(QLabel):
        if not (label.isVisible() and label.text()):
            continue
        top = label.mapTo(panel, label.rect().topLeft())
        if 0 <= top.y() - bottom.y() <= 8 and abs(top.x() - bottom.x()) <= 8:
            return label.text()
    return ""


def _names_on_canvas(window: MainWindow) -> list[str]:
    return [window.scene.nodes[n.id].face.name for n in window.document.current_graph.nodes]


def _rename(qtbot: Any, window: MainWindow, node_id: str, name: str) -> None:
    click_node(window, node_id)
    edit = window.inspector.name_edit
    assert edit is not None
    _focus(qtbot, window, edit)
    _type(edit, name)


# ---------------------------------------------------------------------------------------------- names
def test_a_name_another_layer_has_is_refused_with_a_sentence_and_the_old_name_is_kept(window: MainWindow,
                                                                                      qtbot: Any) -> None:
    doc = window.document
    _inp, dense, relu, _out = chain_layers(window, "Input", "Dense", "ReLU", "Output")
    _rename(qtbot, window, dense, "hidden")
    assert doc.current_graph.node(dense).label == "hidden"

    click_node(window, relu)
    edit = window.inspector.name_edit
    assert edit is not None
    _focus(qtbot, window, edit)
    steps = doc.undo_stack.count()
    _type(edit, "hidden", enter=False)
    taken = ("Another layer is already called 'hidden'; names tell layers apart in Problems, Summary and exported "
             "code.")
    assert _note_under(window, edit) == taken, "the taken name is flagged while it is typed"
    _type(edit, "hidden")  # and refused on Enter
    assert _note_under(window, edit) == taken
    assert "D62728" in edit.styleSheet() and edit.text() == "hidden"  # still there to be corrected
    assert doc.current_graph.node(relu).label == "" and doc.undo_stack.count() == steps
    assert _names_on_canvas(window).count("hidden") == 1

    window.view.setFocus()  # the student clicks away: the field shows the name in effect again, and says so
    qtbot.waitUntil(lambda: not edit.hasFocus())
    assert edit.text() == "" and edit.placeholderText() == relu
    assert _note_under(window, edit) == f"{taken} Kept {relu}."
    assert "hidden" in window.statusBar().currentMessage() and f"Kept {relu}." in window.statusBar().currentMessage()

    _focus(qtbot, window, edit)
    _type(edit, "activation")  # a free name is taken, and the note goes
    assert doc.current_graph.node(relu).label == "activation" and _note_under(window, edit) == ""
    doc.undo()
    assert doc.current_graph.node(relu).label == ""
    doc.redo()
    assert doc.current_graph.node(relu).label == "activation"


def test_a_name_that_is_another_layer_s_id_is_refused(window: MainWindow, qtbot: Any) -> None:
    """An unnamed layer shows its id: calling another layer "dense_1" would make two "dense_1" on the canvas."""
    doc = window.document
    _inp, dense, relu = chain_layers(window, "Input", "Dense", "ReLU")
    _rename(qtbot, window, relu, dense)
    assert doc.current_graph.node(relu).label == ""
    assert _note_under(window, window.inspector.name_edit).startswith(f"Another layer is already called '{dense}'")
    doc.rename_node(dense, "hidden")  # its id comes back on the canvas as soon as its name is cleared
    _rename(qtbot, window, relu, dense)
    assert doc.current_graph.node(relu).label == ""
    assert _note_under(window, window.inspector.name_edit).startswith(
        f"'{dense}' is the id of another layer (hidden)")
    assert sorted(_names_on_canvas(window)) == ["hidden", "input_1", "relu_1"]


def test_a_new_layer_never_gets_an_id_another_layer_shows_as_its_name(window: MainWindow) -> None:
    doc = window.document
    relu = doc.add_node("ReLU")
    doc.rename_node(relu, "dense_1")
    doc.add_node("Dense")
    names = _names_on_canvas(window)
    assert len(set(names)) == 2, names


def test_pasted_and_duplicated_layers_get_fresh_names_in_one_undo_step(window: MainWindow, qtbot: Any) -> None:
    doc = window.document
    _inp, dense, relu, _out = chain_layers(window, "Input", "Dense", "ReLU", "Output")
    doc.rename_node(dense, "hidden")
    doc.rename_node(relu, "act")
    window.scene.select_nodes([dense, relu])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    g = doc.current_graph
    pasted = window.scene.selected_node_ids()
    assert sorted(g.node(i).label for i in pasted) == ["act_2", "hidden_2"]
    steps = doc.undo_stack.count()
    QTest.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    dup = window.scene.selected_node_ids()
    assert sorted(g.node(i).label for i in dup) == ["act_3", "hidden_3"]
    names = _names_on_canvas(window)
    assert len(names) == 8 and len(set(names)) == 8, names
    assert doc.undo_stack.count() == steps + 1
    doc.undo()  # the duplicate goes as one step
    assert len(doc.current_graph.nodes) == 6
    doc.redo()
    assert sorted(_names_on_canvas(window)) == sorted(names)


def test_a_file_with_two_layers_of_one_name_still_opens_and_copies_get_fresh_names(window: MainWindow, qtbot: Any,
                                                                                   tmp_path: Path) -> None:
    graph = Graph(nodes=[Node("input_1", "Input", {"shape": [2]}, (0.0, 0.0)),
                         Node("dense_1", "Dense", {}, (240.0, 0.0), label="hidden"),
                         Node("relu_1", "ReLU", {}, (480.0, 0.0), label="hidden")])
    path = tmp_path / "old.nnb"
    save_project(Project(graphs=[graph]), path)
    window.document.open(path)
    assert _names_on_canvas(window) == ["input_1", "hidden", "hidden"]

    shared = ("Another layer is also called 'hidden'; give one of them another name: Names tell layers apart in "
              "Problems, Summary and exported code.")
    click_node(window, "relu_1")
    qtbot.waitUntil(lambda: _note_under(window, window.inspector.name_edit) == shared)
    _rename(qtbot, window, "relu_1", "hidden")  # keeping its name is no error, and the hint stays
    assert window.document.undo_stack.count() == 0
    assert _note_under(window, window.inspector.name_edit) == shared
    window.scene.select_nodes(["dense_1", "relu_1"])
    window.duplicate_selection()
    labels = [n.label for n in window.document.current_graph.nodes]
    assert labels == ["", "hidden", "hidden", "hidden_2", "hidden_3"]


# ---------------------------------------------------------------------------------------------- wrong entries
def test_a_wrong_shape_is_explained_under_the_field_then_kept_out_loud(window: MainWindow, qtbot: Any) -> None:
    doc = window.document
    inp, shape = _layer_field(window, qtbot, "Input", "shape")
    dtype = window.inspector.editors["dtype"]
    steps = doc.undo_stack.count()
    _type(shape, "abc")
    expected = "'abc' is not a shape: use positive whole numbers separated by commas (e.g. 28, 28)."
    assert _note_under(window, shape) == expected
    assert shape.text() == "abc" and doc.undo_stack.count() == steps

    _focus(qtbot, window, dtype)  # the student clicks away
    assert shape.text() == "2"
    assert _note_under(window, shape) == expected + " Kept 2."
    assert doc.current_graph.node(inp).params.get("shape", [2]) == [2]

    _focus(qtbot, window, shape)
    QTest.keyClick(shape, Qt.Key.Key_End)
    QTest.keyClicks(shape, ", 3")  # the next edit clears the note
    assert _note_under(window, shape) == ""
    QTest.keyClick(shape, Qt.Key.Key_Return)
    assert doc.current_graph.node(inp).params["shape"] == [2, 3] and _note_under(window, shape) == ""


def test_a_wrong_entry_left_by_clicking_another_layer_is_reported_in_the_status_bar(window: MainWindow,
                                                                                   qtbot: Any) -> None:
    inp, dense = chain_layers(window, "Input", "Dense")
    click_node(window, inp)
    shape = window.inspector.editors["shape"]
    _focus(qtbot, window, shape)
    _type(shape, "abc")
    click_node(window, dense)
    assert window.inspector.node_id == dense
    message = window.statusBar().currentMessage()
    assert message.startswith(f"{inp}: 'abc' is not a shape") and message.endswith("Kept 2.")


def test_a_number_out_of_range_is_explained_and_the_kept_value_said(window: MainWindow, qtbot: Any) -> None:
    doc = window.document
    dense, units = _layer_field(window, qtbot, "Dense", "units")
    steps = doc.undo_stack.count()
    _type(units, "0", enter=False)
    assert _note_under(window, units) == "'0' is too small: the smallest allowed is 1."
    QTest.keyClick(units, Qt.Key.Key_Return)
    assert units.text() == "10" and doc.undo_stack.count() == steps
    assert _note_under(window, units) == "'0' is too small: the smallest allowed is 1. Kept 10."

    _type(units, "0", enter=False)
    QTest.keyClick(units, Qt.Key.Key_Up)  # Qt does not step from a wrong entry: it puts 10 back, said as well
    assert units.text() == "10" and _note_under(window, units) == "'0' is too small: the smallest allowed is 1. Kept 10."
    QTest.keyClick(units, Qt.Key.Key_Up)  # the next change clears it
    assert units.text() == "11" and _note_under(window, units) == ""
    assert doc.current_graph.node(dense).params["units"] == 11

    _type(units, "5000000", enter=False)  # a digit past the maximum is kept and explained, not swallowed
    assert units.text() == "5000000"
    assert _note_under(window, units) == "'5000000' is too large: the largest allowed is 1000000."
    _type(units, "64")
    assert doc.current_graph.node(dense).params["units"] == 64 and _note_under(window, units) == ""


def test_a_rate_out_of_range_is_kept_out_loud_when_focus_leaves(window: MainWindow, qtbot: Any) -> None:
    doc = window.document
    drop, rate = _layer_field(window, qtbot, "Dropout", "rate")
    _type(rate, "5", enter=False)
    assert _note_under(window, rate) == "'5' is too large: the largest allowed is 0.99."
    _focus(qtbot, window, window.inspector.name_edit)
    assert rate.text() == "0.5"
    assert _note_under(window, rate) == "'5' is too large: the largest allowed is 0.99. Kept 0.5."
    assert doc.current_graph.node(drop).params.get("rate", 0.5) == 0.5
