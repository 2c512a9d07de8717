"""An installed app opens its shipped examples as copies, so Save never writes into the install folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest


def test_an_example_opened_by_path_in_an_installed_app_is_an_unsaved_copy(
        window: Any, dialogs: Any, examples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv("NNBUILDER_RESOURCES", str(examples_dir.parent))  # the bundle's resources
    example = examples_dir / "spiral_playground.nnb"
    assert window.open_file(example)
    assert window.document.path is None  # Save asks where instead of overwriting the shipped file
    assert window.document.display_name == "spiral_playground.nnb"
    assert len(window.document.project.graphs[0].nodes) > 0


def test_in_a_checkout_the_same_file_opens_in_place(window: Any, examples_dir: Path) -> None:
    example = examples_dir / "spiral_playground.nnb"
    assert window.open_file(example)
    assert window.document.path == example
