"""tools/make_examples.py and the shipped resources/examples/*.nnb agree.

The shipped files were once edited by hand while the generator stayed behind, so rerunning it would have
silently thrown away measured figures and settings. These tests regenerate every example into a temporary
folder and fail as soon as either side changes without the other.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import EXAMPLES, ROOT

SHIPPED = sorted(EXAMPLES.glob("*.nnb"))
HINT = "edit tools/make_examples.py and rerun it, rather than editing the .nnb by hand"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "tools" / "make_examples.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated once per module: every comparison reads the same run, and it never touches resources/."""
    out = tmp_path_factory.mktemp("examples")
    _generator().main(out)
    return out


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """The JSON path of the first difference between two documents, so a failure points at one field.

    Types are compared strictly because Python's == takes true for 1 and 1.0 for 1, which a file does not.
    """
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r} != {type(b).__name__} {b!r}"
    if isinstance(a, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if key not in a or key not in b:
                return f"{path}.{key}: only in the {'shipped' if key in b else 'generated'} file"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{path}: {len(a)} items generated, {len(b)} shipped"
        return None
    if a != b:
        return f"{path}: generated {a!r}, shipped {b!r}"
    return None


def test_first_difference_names_the_field() -> None:
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == "$.a[1].b: generated 2, shipped 3"
    assert first_difference({"s": True}, {"s": 1}) is not None
    assert first_difference({"a": 1}, {"a": 1, "b": 2}) == "$.b: only in the shipped file"
    assert first_difference([1], [1, 2]) == "$: 1 items generated, 2 shipped"
    assert first_difference({"x": [1.5, "y"]}, {"x": [1.5, "y"]}) is None


def test_generator_writes_exactly_the_shipped_files(generated: Path) -> None:
    made = {p.name for p in generated.glob("*.nnb")}
    shipped = {p.name for p in SHIPPED}
    assert made == shipped, (f"generated but not shipped: {sorted(made - shipped)}; "
                             f"shipped but not generated: {sorted(shipped - made)}")


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda p: p.stem)
def test_shipped_example_is_what_the_generator_writes(generated: Path, shipped: Path) -> None:
    made = generated / shipped.name
    assert made.exists(), f"{shipped.name}: tools/make_examples.py does not write it"
    ours, theirs = json.loads(made.read_text(encoding="utf-8")), json.loads(shipped.read_text(encoding="utf-8"))
    diff = first_difference(ours, theirs)
    assert diff is None, f"{shipped.name} differs from the generator at {diff}; {HINT}"
    # Same content but other formatting (key order, indentation) would still churn the diff on the next run.
    # read_text's universal newlines keep a CRLF checkout from failing here.
    assert made.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8"), (
        f"{shipped.name}: same JSON, different formatting; {HINT}")
