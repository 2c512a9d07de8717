"""The Document and its undo commands, without any window: the one mutation path of the app."""

from __future__ import annotations

import pytest

from nnbuilder.app.document import Document, EditRefusedError
from nnbuilder.app.layout import layered_layout
from nnbuilder.project import Edge, load_project, project_to_dict


@pytest.fixture
def doc(qapp):
    d = Document()
    yield d
    d.undo_stack.clear()


def _chain(doc: Document, *types: str) -> list[str]:
    ids = [doc.add_node(t, (i * 240.0, 0.0)) for i, t in enumerate(types)]
    for a, b in zip(ids, ids[1:], strict=False):
        doc.connect(a, "out", b, "in")
    return ids


def test_every_intent_is_one_undo_step_and_undo_restores_exactly(doc):
    ids = _chain(doc, "Input", "Flatten", "Dense", "Dense")
    doc.set_param(ids[0], "shape", [28, 28])
    doc.set_param(ids[2], "units", 128)
    doc.rename_node(ids[2], "hidden")
    doc.move_nodes({ids[1]: (200.0, 50.0)})
    snapshot = project_to_dict(doc.project)
    count = doc.undo_stack.count()
    doc.remove_items([ids[1], ids[2]])
    assert doc.undo_stack.count() == count + 1
    assert [n.id for n in doc.current_graph.nodes] == [ids[0], ids[3]]
    assert doc.current_graph.edges == []
    doc.undo()
    assert project_to_dict(doc.project) == snapshot
    doc.redo()
    doc.undo()
    assert project_to_dict(doc.project) == snapshot


def test_inference_follows_every_change(doc):
    seen = []
    doc.inference_changed.connect(seen.append)
    ids = _chain(doc, "Input", "Flatten", "Dense")
    doc.set_param(ids[0], "shape", [28, 28])
    assert doc.inference().nodes[ids[2]].output_shape == (10,)
    assert doc.inference().total_params == 784 * 10 + 10
    doc.set_param(ids[2], "units", 128)
    assert doc.inference().total_params == 784 * 128 + 128
    doc.undo()
    assert doc.inference().total_params == 784 * 10 + 10
    assert seen and set(seen) == {"model"}


def test_connection_refusals_say_why(doc):
    a, b, c = _chain(doc, "Input", "Dense", "Dense")
    assert "cycle" in doc.connection_problem(c, "out", b, "in")
    assert "itself" in doc.connection_problem(b, "out", b, "in")
    assert "already connected" in doc.connection_problem(a, "out", b, "in")
    d = doc.add_node("Dense")
    reason = doc.connection_problem(d, "out", c, "in")
    assert "already connected to" in reason and "takes one input" in reason
    g = doc.add_node("GraphInput")
    assert "sends a graph" in doc.connection_problem(g, "out", d, "in")
    gcn = doc.add_node("GCNConv")
    assert "needs a Graph node" in doc.connection_problem(a, "out", gcn, "graph")
    assert doc.connection_problem(g, "out", gcn, "graph") is None
    add = doc.add_node("Add")
    doc.connect(b, "out", add, "in")
    assert doc.connection_problem(d, "out", add, "in") is None  # merge ports take several inputs
    with pytest.raises(EditRefusedError, match="cycle"):
        doc.connect(c, "out", b, "in")


def test_moves_merge_only_when_asked(doc):
    nid = doc.add_node("Dense", (0, 0))
    base = doc.undo_stack.count()
    doc.move_nodes({nid: (5, 0)}, merge=True)
    doc.move_nodes({nid: (10, 0)}, merge=True)
    doc.move_nodes({nid: (15, 0)}, merge=True)
    assert doc.undo_stack.count() == base + 1
    doc.move_nodes({nid: (100, 0)})
    assert doc.undo_stack.count() == base + 2
    doc.undo()
    doc.undo()
    assert doc.current_graph.node(nid).position == (0.0, 0.0)


def test_set_param_is_checked_against_its_spec(doc):
    nid = doc.add_node("Dense")
    with pytest.raises(EditRefusedError, match="units"):
        doc.set_param(nid, "units", 0)
    with pytest.raises(EditRefusedError):
        doc.set_param(nid, "activation", "banana")
    count = doc.undo_stack.count()
    doc.set_param(nid, "units", 10)  # the default, already in effect: no command
    doc.set_param(nid, "units", 10)
    assert doc.undo_stack.count() <= count + 1


def test_insert_on_edge_is_one_macro(doc):
    a, b = _chain(doc, "Input", "Dense")
    edge = doc.current_graph.edges[0]
    count = doc.undo_stack.count()
    new = doc.insert_node_on_edge(edge, "Dropout")
    assert doc.undo_stack.count() == count + 1
    assert [(e.source, e.target) for e in doc.current_graph.edges] == [(a, new), (new, b)]
    doc.undo()
    assert doc.current_graph.edges == [edge]
    with pytest.raises(EditRefusedError):
        doc.insert_node_on_edge(edge, "Input")


def test_copy_and_paste_keep_internal_edges_with_fresh_ids(doc):
    a, b, c = _chain(doc, "Input", "Dense", "Dense")
    doc.set_param(b, "units", 64)
    text = doc.copy_nodes([b, c])
    new = doc.paste(text, (40, 40))
    assert len(new) == 2 and not set(new) & {a, b, c}
    g = doc.current_graph
    assert g.node(new[0]).params["units"] == 64
    assert g.node(new[0]).position == (g.node(b).position[0] + 40, g.node(b).position[1] + 40)
    assert Edge(new[0], new[1]) in g.edges
    assert doc.paste("not a project") == []
    doc.undo()
    assert [n.id for n in g.nodes] == [a, b, c]


def test_settings_commands(doc):
    doc.set_training_setting("optimizer.lr", 0.01)
    doc.set_training_setting("epochs", 7)
    doc.set_training_setting("metrics", ["accuracy", "mae"])
    doc.project.data.options = {"samples": 100}
    doc.set_data_setting("dataset", "moons")
    assert doc.project.data.options == {}  # another data set's options do not carry over
    assert doc.project.training.optimizer.lr == 0.01 and doc.project.training.epochs == 7
    doc.undo()
    assert doc.project.data.dataset == "spiral" and doc.project.data.options == {"samples": 100}
    doc.undo()
    doc.undo()
    doc.undo()
    assert doc.project.training.optimizer.lr == 0.001 and doc.project.training.epochs == 10


def test_loss_change_reinfers_every_graph(doc):
    ids = _chain(doc, "Input", "Dense")
    doc.set_param(ids[1], "activation", "sigmoid")
    assert any("sigmoid" in p.message for p in doc.inference().warnings())
    doc.set_training_setting("loss", "binary_crossentropy")
    assert not any("sigmoid" in p.message for p in doc.inference().warnings())  # sigmoid suits this loss


def test_lock_blocks_every_edit(doc):
    nid = doc.add_node("Dense")
    doc.set_editing_locked(True, "Training — editing is locked")
    for call in (lambda: doc.add_node("Dense"), lambda: doc.set_param(nid, "units", 3),
                 lambda: doc.remove_items([nid]), lambda: doc.set_training_setting("epochs", 3),
                 lambda: doc.move_nodes({nid: (1, 1)}), lambda: doc.rename_node(nid, "x")):
        with pytest.raises(EditRefusedError, match="locked"):
            call()
    doc.undo()
    assert doc.current_graph.has_node(nid)
    doc.set_editing_locked(False)
    doc.undo()
    assert not doc.current_graph.has_node(nid)


def test_modified_and_save(doc, tmp_path):
    assert not doc.is_modified
    doc.add_node("Input")
    assert doc.is_modified
    doc.save(tmp_path / "a.nnb")
    assert not doc.is_modified and doc.display_name == "a.nnb"
    assert project_to_dict(load_project(tmp_path / "a.nnb")) == project_to_dict(doc.project)
    doc.undo()
    assert doc.is_modified


def test_layered_layout_flows_left_to_right(doc, examples_dir):
    p = load_project(examples_dir / "skip_connection_moons.nnb")
    g = p.graph()
    pos = layered_layout(g)
    for e in g.edges:
        assert pos[e.source][0] < pos[e.target][0]
    assert len(set(pos.values())) == len(pos)  # no two nodes on the same spot


def test_commands_import_only_the_model_half() -> None:
    """The editor (intents, undo, lock) builds on the model; undo commands see only the model."""
    import ast
    from pathlib import Path

    import nnbuilder.app.commands as commands
    from nnbuilder.app.document import Document
    from nnbuilder.app.project_model import ProjectModel

    tree = ast.parse(Path(commands.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "document" not in imported and "project_model" in imported
    assert issubclass(Document, ProjectModel)
    assert not hasattr(ProjectModel, "undo_stack") and not hasattr(ProjectModel, "add_node")


def test_a_new_class_label_takes_the_data_sets_number_of_classes(qapp) -> None:
    from tests.conftest import EXAMPLES

    ring = Document(load_project(EXAMPLES / "gan_ring_2d.nnb"))  # ring8: 8 classes
    nid = ring.add_node("Label", (0.0, 300.0), graph="generator")
    assert ring.project.role_graph("generator").node(nid).params["classes"] == 8
    fashion = Document(load_project(EXAMPLES / "fashion_mnist_dcgan.nnb"))
    assert fashion.project.role_graph("generator").node(fashion.add_node("Class label", (0.0, 600.0))).params[
        "classes"] == 10
    own = ring.add_node("Label", (0.0, 500.0), params={"classes": 3}, graph="discriminator")
    assert ring.project.role_graph("discriminator").node(own).params["classes"] == 3  # given: kept
