"""The JSON Schema shipped in the package agrees with the files the app writes and rejects."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from nnbuilder.layers import all_specs
from tests.conftest import EXAMPLES


def _schema() -> dict:
    return json.loads(resources.files("nnbuilder.project").joinpath("schema.json").read_text())


def test_schema_is_valid_and_lists_every_layer_type() -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    listed = set(schema["$defs"]["node"]["properties"]["type"]["examples"])
    assert listed == {s.type for s in all_specs()}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.nnb")), ids=lambda p: p.stem)
def test_examples_validate(path: Path) -> None:
    jsonschema.validate(json.loads(path.read_text()), _schema())


def test_schema_rejects_what_the_loader_rejects() -> None:
    doc = json.loads((EXAMPLES / "fashion_mnist_mlp.nnb").read_text())
    doc["training"]["epoch"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, _schema())


def test_schema_file_is_current() -> None:
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("make_schema", ROOT / "tools" / "make_schema.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    assert mod.build() == _schema(), "run tools/make_schema.py"
