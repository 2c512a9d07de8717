"""Palette, inspector, project settings, summary and code panels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QSpinBox

from nnbuilder import summarize
from nnbuilder.app.widgets.fields import ShapeEdit, parse_shape
from nnbuilder.layers import all_specs, get_spec
from nnbuilder.project import load_project


def test_palette_lists_every_layer_by_category_with_tooltips(window):
    palette = window.palette_panel
    assert set(palette.items) == {s.type for s in all_specs()}
    assert [palette.tree.topLevelItem(i).text(0) for i in range(palette.tree.topLevelItemCount())] == [
        "Core", "Activations", "Convolution", "Recurrent", "Graph", "Merge"]
    dense = palette.items["Dense"]
    assert dense.parent().text(0) == "Core"
    assert get_spec("Dense").doc in dense.toolTip(0) and "Linear" in dense.toolTip(0)


def test_palette_search_by_alias_and_double_click_adds(window):
    palette = window.palette_panel
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert palette.search_box.hasFocus()
    QTest.keyClicks(palette.search_box, "Linear")
    visible = [t for t, item in palette.items.items() if not item.isHidden()]
    assert "Dense" in visible and "Conv2d" not in visible
    assert palette.tree.currentItem() is palette.items["Dense"] or palette.visible_types()[0] in ("Dense", "Identity")
    palette.search_box.clear()
    QTest.keyClicks(palette.search_box, "lstm")
    QTest.keyClick(palette.search_box, Qt.Key.Key_Return)
    assert [n.type for n in window.document.current_graph.nodes] == ["LSTM"]
    palette.tree.scrollToItem(palette.items["LSTM"])
    QApplication.processEvents()
    rect = palette.tree.visualItemRect(palette.items["LSTM"])
    vp = palette.tree.viewport()
    # A real double-click is press, release, then a double-click press; QTest.mouseDClick sends only the last.
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    QTest.mouseDClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    nodes = window.document.current_graph.nodes
    assert [n.type for n in nodes] == ["LSTM", "LSTM"]
    assert nodes[0].position != nodes[1].position  # the second one finds a free spot


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.type)
def test_inspector_form_is_generated_from_the_spec(window, spec):
    nid = window.document.add_node(spec.type)
    window.scene.select_nodes([nid])
    editors = window.inspector.editors
    assert list(editors) == [p.name for p in spec.params]
    for p in spec.params:
        w = editors[p.name]
        if p.kind == "int":
            assert isinstance(w, QSpinBox)
            if p.minimum is not None:
                assert w.minimum() == p.minimum
            if p.maximum is not None:
                assert w.maximum() == p.maximum
            # a new Class label starts at the data set's number of classes, every other field at its default
            node = window.document.graph().node(nid)
            assert w.value() == node.params.get(p.name, p.default)
            assert spec.type != "Label" or w.value() == 2  # the new project's data set: two classes
        elif p.kind == "float":
            assert isinstance(w, QDoubleSpinBox)
            assert w.value() == pytest.approx(p.default)
        elif p.kind == "bool":
            assert isinstance(w, QCheckBox) and w.isChecked() == p.default
        elif p.kind == "choice":
            assert isinstance(w, QComboBox)
            assert [w.itemText(i) for i in range(w.count())] == list(p.choices)
            assert w.currentText() == p.default
        elif p.kind == "shape":
            assert isinstance(w, ShapeEdit) and parse_shape(w.text()) == list(p.default)
        assert w.toolTip() == p.doc


def test_a_pooling_stride_of_0_reads_as_the_pool_size(window):
    """MaxPooling2D's strides showed a bare "0", which read as a mistake; 0 means "as the pool size"."""
    nid = window.document.add_node("MaxPooling2D")
    window.scene.select_nodes([nid])
    box = window.inspector.editors["strides"]
    assert box.value() == 0 and box.text() == "= pool size"
    box.setValue(3)
    assert box.text() == "3" and window.document.current_graph.node(nid).params["strides"] == 3


def test_each_inspector_edit_is_one_undo_step_and_refreshes_on_undo(window):
    doc = window.document
    nid = doc.add_node("Conv2d")
    window.scene.select_nodes([nid])
    ed = window.inspector.editors
    count = doc.undo_stack.count()
    ed["filters"].setValue(8)
    ed["padding"].setCurrentText("same")
    ed["use_bias"].setChecked(False)
    assert doc.undo_stack.count() == count + 3
    assert doc.current_graph.node(nid).params == {"filters": 8, "padding": "same", "use_bias": False}
    doc.undo()
    assert ed["use_bias"].isChecked()
    assert doc.undo_stack.count() == count + 3  # refreshing the form did not push anything


def test_rename_in_the_inspector(window):
    doc = window.document
    nid = doc.add_node("Dense")
    window.scene.select_nodes([nid])
    name = window.inspector.name_edit
    name.setFocus()
    QTest.keyClicks(name, "hidden")
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert doc.current_graph.node(nid).label == "hidden"
    assert window.scene.nodes[nid].face.name == "hidden"
    doc.undo()
    assert doc.current_graph.node(nid).label == ""


def test_bad_shape_text_is_refused_without_a_command(window):
    doc = window.document
    nid = doc.add_node("Input")
    window.scene.select_nodes([nid])
    shape = window.inspector.editors["shape"]
    count = doc.undo_stack.count()
    shape.setText("28, zero")
    shape.editingFinished.emit()
    assert doc.undo_stack.count() == count
    assert "D62728" in shape.styleSheet()


def test_summary_matches_the_cli(window, examples_dir):
    window.open_file(examples_dir / "fashion_mnist_cnn.nnb")
    cli = summarize(load_project(examples_dir / "fashion_mnist_cnn.nnb"))
    panel = window.summary_panel
    assert panel.text() == cli.format()
    window.docks["summaryDock"].raise_()  # the table is filled while visible
    model = panel.table.model()
    assert model.rowCount() == len(cli.rows)
    for r, row in enumerate(cli.rows):
        assert model.index(r, 0).data() == f"{row.name} ({row.type})"
        assert model.index(r, 1).data() == row.shape_text
        assert model.index(r, 2).data() == f"{row.params:,}"
    assert f"Total params: {cli.total_params:,}" in panel.totals.text()


def test_project_settings_edit_through_undoable_commands(window):
    panel = window.settings_panel
    doc = window.document
    ids = [panel.dataset.itemData(i) for i in range(panel.dataset.count())]
    try:
        from nnbuilder.data import list_datasets

        assert ids == [i.id for i in list_datasets()]
    except ImportError:
        assert "spiral" in ids
    panel.dataset.setCurrentIndex(ids.index("moons"))
    panel.dataset.activated.emit(ids.index("moons"))
    assert doc.project.data.dataset == "moons"
    panel.loss.activated.emit(panel.loss.findData("mse"))
    assert doc.project.training.loss == "mse"
    panel.epochs.setValue(42)
    panel.batch_size.setValue(64)
    panel.lr.setValue(0.01)
    panel.validation_split.setValue(0.25)
    panel.metrics["mae"].setChecked(True)
    t = doc.project.training
    assert (t.epochs, t.batch_size, t.optimizer.lr, t.validation_split) == (42, 64, 0.01, 0.25)
    assert t.metrics == ["accuracy", "mae"]
    for _ in range(7):
        doc.undo()
    assert doc.project.data.dataset == "spiral" and doc.project.training.epochs == 10
    assert panel.epochs.value() == 10 and not panel.metrics["mae"].isChecked()


def test_code_panel_shows_the_module(window, examples_dir):
    window.open_file(examples_dir / "fashion_mnist_mlp.nnb")
    text = window.code_panel.refresh_now()
    assert "class FashionMNISTMLP(nn.Module):" in text
    assert "self.hiddenlayer = nn.Linear(784, 128)" in text
    assert "def forward(self, x: torch.Tensor, logits: bool = False)" in text
    nid = window.document.add_node("Dense", (900, 200))
    text = window.code_panel.refresh_now()
    assert text.startswith("# The network cannot be exported yet:")
    window.document.remove_items([nid])


def test_code_panel_builds_only_while_visible(window, qtbot, examples_dir):
    panel = window.code_panel
    window.open_file(examples_dir / "fashion_mnist_mlp.nnb")
    builds = panel.builds
    window.document.add_node("Dropout")
    qtbot.wait(400)
    assert panel.builds == builds  # hidden behind the Problems tab: nothing is built
    window.docks["codeDock"].raise_()
    qtbot.waitUntil(lambda: panel.builds > builds and not panel.stale, timeout=15000)


def test_about_box_names_every_bundled_dataset_source(window, dialogs) -> None:  # type: ignore[no-untyped-def]
    window.about_action.trigger()
    (text,) = dialogs.texts("info")
    for source in ("Zalando", "LeCun", "Hebrail", "Zachary", "McCallum", "CC BY 4.0", "MIT"):
        assert source in text, source
