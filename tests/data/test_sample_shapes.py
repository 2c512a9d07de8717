"""``sample_shape`` must agree with what the loaders really hand out, for every built-in data set it knows."""

from __future__ import annotations

import pytest

from nnbuilder.data import load_dataset
from nnbuilder.data.shapes import sample_shape


@pytest.mark.parametrize(("dataset_id", "options"), [
    ("spiral", {}), ("moons", {}), ("xor", {}),
    ("mnist_test", {}), ("mnist_test", {"flatten": True}), ("mnist_test", {"channels": True}),
    ("household_power", {}), ("household_power", {"window": 12, "columns": ["Global_active_power", "Voltage"]}),
    ("karate_club", {}), ("cora", {}),
])
def test_sample_shape_matches_the_loaded_data(dataset_id: str, options: dict) -> None:
    assert sample_shape(dataset_id, options) == tuple(load_dataset(dataset_id, options).input_shape)


def test_files_and_unknown_ids_have_no_shape_before_loading() -> None:
    assert sample_shape("csv_table", {"path": "x.csv"}) is None
    assert sample_shape("no_such_data") is None


def test_the_household_target_carries_its_unit() -> None:
    assert load_dataset("household_power").extra["target_unit"] == "kW"
    assert load_dataset("household_power", {"target": "Voltage", "columns": ["Voltage"]}).extra["target_unit"] == "V"
