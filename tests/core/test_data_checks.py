"""The checks that need the data settings (``compiler.data_checks``): pure, shared by the app and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnbuilder.compiler import infer
from nnbuilder.compiler.data_checks import add_data_checks, dataset_problems, output_mismatch
from nnbuilder.project import Project, load_project
from tests.conftest import EXAMPLES
from tests.core.graphs import chain

XOR = EXAMPLES / "perceptron_xor.nnb"




def spiral_project(*layers: tuple[str, str, dict]) -> Project:
    """Input(2) → layers on the 2-class spiral, trained with cross-entropy (the project's default loss)."""
    project = Project()
    project.graphs = [chain(("input", "Input", {"shape": [2]}), *layers)]
    project.data.dataset = "spiral"
    return project


def write_xor(tmp_path: Path, data: dict, name: str = "project.nnb") -> Path:
    doc = json.loads(XOR.read_text())
    doc["data"] = data
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


# ------------------------------------------------------------------------------ defect 1: the data set exists
def test_an_unknown_data_set_is_an_error_that_names_it_and_the_choices(tmp_path: Path) -> None:
    project = load_project(write_xor(tmp_path, {"dataset": "nope"}))
    (problem,) = dataset_problems(project, tmp_path)
    assert problem.is_error and problem.field == "data.dataset"
    assert "There is no data set called 'nope'" in problem.message
    assert "Project settings ▸ Data set" in problem.message and "spiral" in problem.message
    inf = add_data_checks(project, project.graph(), base_dir=tmp_path)
    assert not inf.ok and inf.problems[0].message == problem.message and inf.problems[0].node is None


def test_a_misspelt_data_set_suggests_the_close_one(tmp_path: Path) -> None:
    project = load_project(write_xor(tmp_path, {"dataset": "spirl"}))
    (problem,) = dataset_problems(project, tmp_path)
    assert "Did you mean 'spiral'?" in problem.message


def test_a_user_file_that_exists_is_not_flagged_and_a_missing_one_is_named(tmp_path: Path) -> None:
    path = write_xor(tmp_path, {"dataset": "csv_table", "options": {"path": "points.csv"}})
    project = load_project(path)
    (problem,) = dataset_problems(project, tmp_path)
    assert problem.field == "data.options.path"
    assert "'points.csv'" in problem.message and str(tmp_path / "points.csv") in problem.message
    assert "does not exist" in problem.message
    (tmp_path / "points.csv").write_text("a,b,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n")
    assert dataset_problems(project, tmp_path) == []
    assert add_data_checks(project, project.graph(), base_dir=tmp_path).ok


def test_a_relative_path_is_not_judged_without_the_project_folder(tmp_path: Path) -> None:
    """An unsaved project: where a relative path points is not known, and a file that is there must never be
    reported missing."""
    project = load_project(write_xor(tmp_path, {"dataset": "csv_table", "options": {"path": "points.csv"}}))
    assert dataset_problems(project, None) == []
    project.data.options = {"path": str(tmp_path / "gone.csv")}  # absolute: checked all the same
    (problem,) = dataset_problems(project, None)
    assert "gone.csv" in problem.message


def test_an_image_folder_is_a_folder(tmp_path: Path) -> None:
    project = load_project(write_xor(tmp_path, {"dataset": "image_folder", "options": {"path": "pictures"}}))
    (problem,) = dataset_problems(project, tmp_path)
    assert "The folder 'pictures'" in problem.message
    (tmp_path / "pictures").mkdir()
    assert dataset_problems(project, tmp_path) == []


def test_every_example_has_a_loadable_data_set() -> None:
    for path in sorted(EXAMPLES.glob("*.nnb")):
        assert dataset_problems(load_project(path), path.parent) == [], path.name


# ------------------------------------------------------------------------------ defect 3: the layer to change
@pytest.mark.parametrize("tail", [[("relu_1", "ReLU", {})],
                                  [("relu_1", "ReLU", {}), ("output_1", "Output", {})],
                                  [("drop", "Dropout", {}), ("relu_1", "ReLU", {})]],
                         ids=["relu", "relu_output", "dropout_relu"])
def test_the_units_problem_names_the_dense_not_the_relu(tail: list[tuple[str, str, dict]]) -> None:
    project = spiral_project(("dense_1", "Dense", {"units": 10}), *tail)
    graph = project.graph()
    problem = output_mismatch(project, graph, infer(graph, project.training))
    assert problem is not None and problem.severity == "warning" and problem.node == "dense_1"
    assert problem.message.startswith("dense_1 has 10 units but the data set 'spiral' has 2 classes")
    assert "give dense_1 2 units, one per class" in problem.message
    assert "relu_1 has" not in problem.message
    inf = add_data_checks(project, graph)
    assert [p.node for p in inf.problems if "classes" in p.message] == ["dense_1"]
    assert any("classes" in p.message for p in inf.nodes["dense_1"].problems)


def test_the_units_problem_on_the_dense_output_itself_is_unchanged() -> None:
    project = spiral_project(("output", "Dense", {"units": 1}))
    graph = project.graph()
    problem = output_mismatch(project, graph, infer(graph, project.training))
    assert problem is not None and problem.node == "output" and problem.severity == "error"
    assert problem.message == ("output has 1 unit but the data set 'spiral' has 2 classes: give it 2 units, "
                               "one per class.")


def test_without_a_units_layer_the_output_keeps_the_problem_and_says_what_to_add() -> None:
    project = Project()
    project.graphs = [chain(("input", "Input", {"shape": [10]}), ("relu_1", "ReLU", {}))]
    project.data.dataset = "spiral"
    graph = project.graph()
    problem = output_mismatch(project, graph, infer(graph, project.training))
    assert problem is not None and problem.node == "relu_1"
    assert "relu_1 gives 10 values but the data set 'spiral' has 2 classes" in problem.message
    assert "add a Dense layer with 2 units, one per class, after input" in problem.message
