"""The lecture's Fashion-MNIST MLP, built the way a student does it: drag, wire, type, then check."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QSpinBox

from nnbuilder.app.widgets.fields import ShapeEdit
from nnbuilder.project import load_project, project_to_dict

from .helpers import click_node, connect_ports, drop_from_palette


def _type_into_spin(spin: QSpinBox, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), text)
    QTest.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def test_build_lecture_mlp_by_mouse_then_undo_redo_save_reopen(window, dialogs, tmp_path, qtbot):
    doc = window.document
    window.view.set_zoom(0.8)
    vp = window.view.viewport().rect()
    y = vp.height() // 2
    xs = [int(vp.width() * f) for f in (0.12, 0.37, 0.62, 0.87)]
    inp = drop_from_palette(window, "Input", QPoint(xs[0], y))
    flat = drop_from_palette(window, "Flatten", QPoint(xs[1], y))
    hidden = drop_from_palette(window, "Dense", QPoint(xs[2], y))
    out = drop_from_palette(window, "Linear", QPoint(xs[3], y))  # the PyTorch name finds Dense
    assert [n.type for n in doc.current_graph.nodes] == ["Input", "Flatten", "Dense", "Dense"]

    connect_ports(window, inp, flat)
    connect_ports(window, flat, hidden)
    connect_ports(window, hidden, out)
    assert [(e.source, e.target) for e in doc.current_graph.edges] == [(inp, flat), (flat, hidden), (hidden, out)]

    click_node(window, inp)
    assert window.inspector.node_id == inp
    shape = window.inspector.editors["shape"]
    assert isinstance(shape, ShapeEdit)
    shape.setFocus()
    shape.selectAll()
    QTest.keyClicks(shape, "28, 28")
    QTest.keyClick(shape, Qt.Key.Key_Return)

    for node, units, activation in ((hidden, "128", "relu"), (out, "10", "softmax")):
        click_node(window, node)
        assert window.inspector.node_id == node
        _type_into_spin(window.inspector.editors["units"], units)
        combo = window.inspector.editors["activation"]
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findText(activation))

    summary = window.summary_panel.summary
    assert summary is not None and summary.total_params == 101_770
    assert "Total params: 101,770" in window.summary_panel.totals.text()
    # A new project trains on the spiral (2 numbers per sample): the 28×28 Input is flagged until the
    # student picks the lecture's data set.
    assert [p.node for p in doc.inference().errors()] == [inp]
    combo = window.settings_panel.dataset
    combo.setCurrentIndex(combo.findData("fashion_mnist"))
    combo.activated.emit(combo.currentIndex())
    assert doc.project.data.dataset == "fashion_mnist"
    assert doc.inference().ok
    node = window.scene.nodes[out]
    assert node.face.shape == "→ 10" and node.face.params == "1,290 params"
    built = project_to_dict(doc.project)

    steps = 0
    while doc.undo_stack.canUndo():
        doc.undo()
        steps += 1
    assert steps == 12  # 4 drops, 3 connections, shape, 128, relu, softmax, data set (10 units: the default)
    assert doc.current_graph.nodes == [] and window.scene.nodes == {}
    while doc.undo_stack.canRedo():
        doc.redo()
    assert project_to_dict(doc.project) == built
    assert window.summary_panel.summary.total_params == 101_770
    assert len(window.scene.nodes) == 4 and len(window.scene.edges) == 3

    target = tmp_path / "lecture_mlp.nnb"
    dialogs.answers["save_file"] = str(target)
    assert window.save()
    assert window.title_text() == "lecture_mlp.nnb — nnbuilder"
    assert project_to_dict(load_project(target)) == built
    assert window.open_file(target)
    assert project_to_dict(doc.project) == built
    assert not doc.is_modified
