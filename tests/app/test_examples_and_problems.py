"""Every example opens clean; a wrong graph shows the expected problems on the expected nodes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnbuilder.app.templates import TEMPLATES
from nnbuilder.paths import examples_dir
from nnbuilder.project import Project

EXAMPLES = sorted(examples_dir().glob("*.nnb"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_opens_without_errors_or_warnings(window, dialogs, path):
    assert window.open_file(path), dialogs.calls
    doc = window.document
    for g in doc.project.graphs:
        doc.set_current_graph(g.name)
        bad = [(p.severity, p.message) for p in doc.inference(g.name).problems if p.severity != "info"]
        assert bad == []
        assert set(window.scene.nodes) == {n.id for n in g.nodes}
        assert len(window.scene.edges) == len(g.edges)
        assert all(item.face.severity in (None, "info") for item in window.scene.nodes.values())
    assert all(row[0] == "info" for row in window.problems_panel.rows())
    assert "valid" in window.counts_label.text()


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_templates_are_valid(window, name):
    assert window.new_from_template(name)
    for g in window.document.project.graphs:
        problems = [p for p in window.document.inference(g.name).problems if p.severity != "info"]
        if name == "Empty":
            assert [p.message for p in problems] == [
                "The network is empty: drag an Input and some layers onto the canvas."]
        else:
            assert problems == []


def test_gan_template_shows_a_graph_switcher(window):
    window.new_from_template("GAN (generator + discriminator)")
    assert window.graph_tabs.isVisibleTo(window) and window.graph_tabs.count() == 2
    assert window.document.current_graph_name == "generator"
    assert "noise" in window.scene.nodes
    window.graph_tabs.setCurrentIndex(1)
    assert window.document.current_graph_name == "discriminator"
    assert set(window.scene.nodes) == {"image", "d_flatten", "d_hidden", "d_real"}
    window.document.add_node("Dropout")
    assert len(window.document.project.graph("discriminator").nodes) == 5
    assert len(window.document.project.graph("generator").nodes) == 4
    window.new_project()
    assert not window.graph_tabs.isVisibleTo(window)


def _wrong_graph(window) -> dict[str, str]:
    doc = window.document
    doc.set_data_setting("dataset", "fashion_mnist")
    doc.set_data_setting("options", {"channels": True})  # 1×28×28 samples: the Input below fits them
    ids = {
        "input": doc.add_node("Input", (0, 0), params={"shape": [1, 28, 28]}),
        "dense": doc.add_node("Dense", (240, 0)),
        "orphan": doc.add_node("Dense", (240, 200)),
        "relu": doc.add_node("ReLU", (480, 0)),
    }
    doc.connect(ids["input"], "out", ids["dense"], "in")
    doc.connect(ids["dense"], "out", ids["relu"], "in")
    return ids


def test_wrong_graph_shows_expected_problems_on_expected_nodes(window):
    ids = _wrong_graph(window)
    rows = window.problems_panel.rows()
    by_node = {}
    for severity, message, node, _graph in rows:
        by_node.setdefault(node, []).append((severity, message))
    assert any(s == "error" and "add a Flatten before it" in m for s, m in by_node[ids["dense"]])
    assert any(s == "error" and "gets no data" in m for s, m in by_node[ids["orphan"]])
    assert ids["input"] not in by_node
    assert window.scene.nodes[ids["dense"]].face.severity == "error"
    assert window.scene.nodes[ids["orphan"]].face.severity == "error"
    assert window.scene.nodes[ids["input"]].face.severity is None
    assert "error" in window.counts_label.text()
    assert window.docks["problemsDock"].windowTitle().startswith("Problems (")


def test_clicking_a_problem_selects_and_centres_its_node(window):
    ids = _wrong_graph(window)
    window.view.centerOn(8000, 8000)
    tree = window.problems_panel.tree
    row = next(i for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1)
               == ids["orphan"])
    item = tree.topLevelItem(row)
    rect = tree.visualItemRect(item)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert window.scene.selected_node_ids() == [ids["orphan"]]
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    node_centre = window.scene.nodes[ids["orphan"]].sceneBoundingRect().center()
    assert (centre - node_centre).manhattanLength() < 10
    assert window.inspector.node_id == ids["orphan"]


def test_fixing_the_graph_clears_the_problems(window):
    ids = _wrong_graph(window)
    window.document.set_param(ids["input"], "shape", [784])
    window.document.set_data_setting("options", {"flatten": True})  # the data now gives 784 numbers too
    window.document.remove_items([ids["orphan"]])
    assert [r for r in window.problems_panel.rows() if r[0] != "info"] == []
    assert "valid" in window.counts_label.text()


def test_runtime_problems_api(window):
    ids = _wrong_graph(window)
    panel = window.problems_panel
    panel.add_runtime_problem("The loss became NaN in epoch 3.", "error", node=ids["dense"])
    assert panel.rows()[0] == ("error", "Training: The loss became NaN in epoch 3.", ids["dense"], "model")
    panel.clear_runtime_problems()
    assert not any(r[1].startswith("Training:") for r in panel.rows())
    panel.add_runtime_problem("The loss became NaN in epoch 3.", "error", node=ids["dense"])
    window.document.set_param(ids["dense"], "units", 12)  # the run described a network that is gone
    assert not any(r[1].startswith("Training:") for r in panel.rows())


def test_a_generator_that_does_not_fit_its_discriminator_is_a_problem_before_train(window):
    from nnbuilder.project import load_project

    path = examples_dir() / "gan_ring_2d.nnb"
    window.document.replace_project(load_project(path), path)
    assert all(window.document.inference(g.name).ok for g in window.document.project.graphs)
    gen = window.document.project.graph("generator")
    last = gen.nodes[-1]
    window.document.set_param(last.id, "units", 3, graph="generator")
    problems = [p.message for p in window.document.inference("generator").problems if p.severity == "error"]
    assert any("discriminator" in m and "3" in m for m in problems), problems
    window.document.undo_stack.undo()
    assert window.document.inference("generator").ok and window.document.inference("discriminator").ok


# ---------------------------------------------------------------------------------------- the data set itself
def _xor_with_data(tmp_path, data: dict, name: str = "xor.nnb"):  # type: ignore[no-untyped-def]
    import json

    doc = json.loads((examples_dir() / "perceptron_xor.nnb").read_text())
    doc["data"] = data
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def _data_rows(window) -> list[tuple[str, str, str | None, str]]:  # type: ignore[no-untyped-def]
    return [r for r in window.problems_panel.rows() if "data set" in r[1] and r[2] is None]


def test_an_unknown_data_set_is_a_problem_as_soon_as_the_file_opens(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    """It opened "valid" with Train enabled; only Train said "There is no data set called 'nope'"."""
    from .helpers import Harness

    path = _xor_with_data(tmp_path, {"dataset": "nope"})
    h = Harness(Project(), None)
    qtbot.addWidget(h.window)
    w = h.window
    assert w.open_file(path, ask_to_save=False)
    (row,) = _data_rows(w)
    assert row[0] == "error" and "There is no data set called 'nope'" in row[1]
    assert "Project settings ▸ Data set" in row[1] and "spiral" in row[1]
    assert "valid" not in w.counts_label.text() and "error" in w.counts_label.text()
    assert not h.controller.train_action.isEnabled()
    assert "no data set called 'nope'" in h.controller.blocked_label.full_text()

    w.document.set_data_setting("dataset", "xor")  # picking one in Project settings mends it
    assert _data_rows(w) == [] and h.controller.train_action.isEnabled()
    w.document.set_data_setting("dataset", "nope")  # and changing it to a wrong one says so at once
    assert [r[0] for r in _data_rows(w)] == ["error"]


def test_a_user_data_file_is_found_next_to_the_project(window, tmp_path):  # type: ignore[no-untyped-def]
    path = _xor_with_data(tmp_path, {"dataset": "csv_table", "options": {"path": "points.csv"}})
    assert window.open_file(path, ask_to_save=False)
    (row,) = [r for r in window.problems_panel.rows() if r[0] == "error"]
    assert "'points.csv'" in row[1] and str(tmp_path / "points.csv") in row[1] and row[2] is None
    (tmp_path / "points.csv").write_text("a,b,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n")
    assert window.open_file(path, ask_to_save=False)
    assert [r for r in window.problems_panel.rows() if r[0] != "info"] == []
    assert "valid" in window.counts_label.text()

    other = tmp_path / "elsewhere"
    other.mkdir()
    window.document.save(other / "xor.nnb")  # Save As into a folder without the file: points.csv is not there
    (row,) = [r for r in window.problems_panel.rows() if r[0] == "error"]
    assert str(other / "points.csv") in row[1]


def test_the_units_problem_is_on_the_dense_before_a_relu(window):  # type: ignore[no-untyped-def]
    """Input → Dense(10) → ReLU on the 2-class spiral said "relu_1 has 10 units … give it 2 units": a ReLU
    has no Units field."""
    doc = window.document
    doc.set_data_setting("dataset", "spiral")
    ids = [doc.add_node("Input", (0, 0)), doc.add_node("Dense", (240, 0)), doc.add_node("ReLU", (480, 0))]
    doc.connect(ids[0], "out", ids[1], "in")
    doc.connect(ids[1], "out", ids[2], "in")
    dense, relu = doc.current_graph.node(ids[1]), doc.current_graph.node(ids[2])
    (row,) = [r for r in window.problems_panel.rows() if "classes" in r[1]]
    assert row[0] == "warning" and row[2] == dense.id
    assert row[1].startswith(f"{dense.display_name} has 10 units but the data set 'spiral' has 2 classes")
    assert f"{relu.display_name} has" not in row[1]
    assert window.scene.nodes[dense.id].face.severity == "warning"
    doc.set_param(dense.id, "units", 2)
    assert not [r for r in window.problems_panel.rows() if "classes" in r[1]]
