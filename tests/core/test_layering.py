"""The architecture's boundaries, checked by tools rather than memory."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is part of the test dependencies"
    r = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.returncode == 0 and ", 0 broken." in r.stdout, r.stdout


def test_loading_and_inferring_does_not_import_torch_or_qt() -> None:
    code = (
        "import sys\n"
        "from nnbuilder import load_project, summarize\n"
        "import nnbuilder.training, nnbuilder.compiler, nnbuilder.layers\n"
        "p = load_project('resources/examples/fashion_mnist_mlp.nnb')\n"
        "summarize(p)\n"
        "bad = [m for m in ('torch', 'PySide6', 'pyqtgraph') if m in sys.modules]\n"
        "print(bad)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_no_qt_imports_outside_app() -> None:
    offenders = []
    for path in (ROOT / "nnbuilder").rglob("*.py"):
        if "app" in path.relative_to(ROOT / "nnbuilder").parts[:1]:
            continue
        for line in path.read_text().splitlines():
            s = line.strip()
            if s.startswith(("import PySide6", "from PySide6", "import pyqtgraph", "from pyqtgraph")):
                offenders.append(str(path))
    assert offenders == []
