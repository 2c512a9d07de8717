"""The teaching maths run headless: importing every nnbuilder.teach module loads no Qt and no app code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_teach_modules_import_no_qt_and_no_app() -> None:
    code = (
        "import sys, pkgutil, importlib, nnbuilder.teach as t\n"
        "for m in pkgutil.iter_modules(t.__path__): importlib.import_module('nnbuilder.teach.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')"
        " or n.startswith('nnbuilder.app'))\n"
        "print(len([m for m in pkgutil.iter_modules(t.__path__)]), bad)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert r.returncode == 0, r.stderr
    count, bad = r.stdout.strip().split(" ", 1)
    assert int(count) >= 6 and bad == "[]"
