from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests away from the real per-user cache, settings and recovery files."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("NNBUILDER_USER_DATA", str(base / "user-data"))
    monkeypatch.setenv("NNBUILDER_CACHE", os.environ.get("NNBUILDER_TEST_CACHE", str(base / "cache")))
