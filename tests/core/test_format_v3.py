"""Format version 3: ``training.shuffle`` and the data option ``scaling``; version-2 files keep their numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nnbuilder.data import DataError, load_dataset
from nnbuilder.project import FORMAT_VERSION, ProjectError, dumps_project, loads_project
from nnbuilder.project.migrate import v2_to_v3

DATA = Path(__file__).parent / "data"


def _v2(dataset: str, options: dict) -> dict:
    """A version-2 document (the v1 example file migrated one step) using ``dataset`` with ``options``."""
    doc = json.loads((DATA / "perceptron_blobs_v1.nnb").read_text())
    doc["version"] = 2
    doc["data"] = {"dataset": dataset, "options": options}
    return doc


@pytest.mark.parametrize(("old", "new"), [(True, "standardize"), (False, "none")])
def test_version_2_standardize_becomes_scaling(old: bool, new: str) -> None:
    doc = _v2("household_power", {"window": 3, "standardize": old, "horizon": 2})
    project = loads_project(json.dumps(doc))
    assert project.data.options == {"window": 3, "scaling": new, "horizon": 2}
    assert list(project.data.options) == ["window", "scaling", "horizon"]  # the key keeps its place
    assert project.training.shuffle is True
    saved = json.loads(dumps_project(project))
    assert saved["version"] == FORMAT_VERSION == 3 and saved["data"]["options"]["scaling"] == new
    assert "standardize" not in saved["data"]["options"]


def test_a_version_2_file_trains_on_the_same_numbers() -> None:
    """``standardize: false`` in version 2 gave raw values; the migrated ``scaling: none`` gives the same."""
    project = loads_project(json.dumps(_v2("household_power", {"window": 4, "standardize": False})))
    migrated = load_dataset(project.data.dataset, project.data.options)
    assert migrated.extra["scaling"] == "none"
    raw = load_dataset("household_power", {"window": 4, "test_fraction": 0.0, "scaling": "none"})
    np.testing.assert_array_equal(migrated.x, raw.x[: len(migrated.x)])  # the unscaled readings themselves
    default = loads_project(json.dumps(_v2("household_power", {"window": 4})))
    assert "scaling" not in default.data.options  # the default was and is standardisation
    assert load_dataset("household_power", default.data.options).extra["scaling"] == "standardize"


def test_migration_leaves_what_it_does_not_understand_for_the_option_check() -> None:
    odd = v2_to_v3(_v2("csv_table", {"path": "t.csv", "standardize": "yes"}))
    assert odd["data"]["options"] == {"path": "t.csv", "standardize": "yes"} and odd["version"] == 3
    both = v2_to_v3(_v2("csv_series", {"standardize": True, "scaling": "minmax"}))
    assert both["data"]["options"] == {"standardize": True, "scaling": "minmax"}
    other = v2_to_v3(_v2("moons", {"standardize": True}))  # never had the option: not rewritten
    assert other["data"]["options"] == {"standardize": True}
    with pytest.raises(DataError, match="now called 'scaling'"):
        load_dataset("csv_table", odd["data"]["options"])


def test_shuffle_round_trips_and_a_bad_value_names_the_field() -> None:
    doc = json.loads(dumps_project(loads_project(json.dumps(_v2("moons", {})))))
    keys = list(doc["training"])
    assert keys.index("shuffle") == keys.index("batch_size") + 1
    doc["training"]["shuffle"] = False
    project = loads_project(json.dumps(doc))
    assert project.training.shuffle is False
    assert json.loads(dumps_project(project))["training"]["shuffle"] is False
    doc["training"]["shuffle"] = "no"
    with pytest.raises(ProjectError) as err:
        loads_project(json.dumps(doc), "bad.nnb")
    assert "$.training.shuffle" in str(err.value) and "bad.nnb" in str(err.value)
