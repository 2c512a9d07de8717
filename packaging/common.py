"""What goes into an nnbuilder bundle, shared by the Linux, Windows and macOS specs.

The exclusions are data, not code spread over spec files, so that a test can check them against
the modules nnbuilder really imports and the build can report how many bytes each rule removed.
Every rule was checked with the bundle itself: `make bundle-check` runs the CLI commands and the
app from a bundle built with all of them, and lists which of the bundle's Qt libraries the running
app actually mapped.

This module imports nothing from PyInstaller so that tests can read it without PyInstaller installed.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "nnbuilder"
MIME_TYPE = "application/x-nnbuilder-project"


def version() -> str:
    """The version in nnbuilder/__init__.py, read as text so building needs no import of the app."""
    text = (ROOT / "nnbuilder" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    if not m:
        raise SystemExit("nnbuilder/__init__.py: no __version__ line found")
    return m.group(1)


# Python modules left out of the analysis. Each is a module nnbuilder never imports (directly or
# through torch/numpy/pyqtgraph at run time); tests/packaging checks the list against nnbuilder's
# own imports.
EXCLUDED_MODULES: dict[str, str] = {
    # Qt modules the app does not use. The app imports QtCore, QtGui, QtWidgets and QtSvg; pyqtgraph's
    # curve items import QtOpenGL and QtOpenGLWidgets at module level, so those two stay; QtTest is
    # optional there (pyqtgraph falls back when it is missing).
    "PySide6.QtQml": "Qt Quick/QML is unused",
    "PySide6.QtQuick": "Qt Quick/QML is unused",
    "PySide6.QtQuickWidgets": "Qt Quick/QML is unused",
    "PySide6.QtQuickControls2": "Qt Quick/QML is unused",
    "PySide6.QtDesigner": "Qt Designer plugins are unused",
    "PySide6.QtUiTools": "no .ui files are loaded",
    "PySide6.QtNetwork": "no networking through Qt (downloads use urllib)",
    "PySide6.QtTest": "test helpers only",
    "PySide6.QtSql": "unused",
    "PySide6.QtDBus": "unused",
    "PySide6.QtXml": "unused",
    "PySide6.QtConcurrent": "unused",
    "PySide6.QtHelp": "unused",
    "PySide6.QtPrintSupport": "printing is not offered",
    "PySide6.QtSvgWidgets": "SVG is only written (QtSvg), never shown in a widget",
    "pyqtgraph.opengl": "3-D views are unused",
    "pyqtgraph.examples": "pyqtgraph's demo programs",
    "pyqtgraph.jupyter": "notebook widgets",
    "OpenGL": "pyqtgraph's OpenGL views are unused",
    # Development tools that are installed beside the app in a developer's environment.
    "tkinter": "unused GUI toolkit",
    "matplotlib": "plots are drawn with pyqtgraph",
    "IPython": "development only",
    "pytest": "development only",
    "_pytest": "development only",
    "hypothesis": "development only",
    "pytestqt": "development only",
    "importlinter": "development only",
    "grimp": "development only",
    "jsonschema": "development only (tests check the file format against the schema)",
    "ruff": "development only",
    "setuptools": "packaging tool, not used at run time",
    "pip": "packaging tool, not used at run time",
    "PyInstaller": "the builder itself",
    # torch parts that need a compiler, a GPU, or a board to run; a CPU classroom build never loads them.
    "torch.utils.tensorboard": "TensorBoard is not installed and not used",
    "torch.utils.benchmark": "benchmark harness",
    "torch.utils.cpp_extension": "compiling C++ extensions needs a compiler",
    "tensorboard": "unused",
    # ONNX export is the optional `onnx` extra (46 MB with onnxruntime); the bundled app says so in one sentence
    # and still exports Python code, safetensors and torchrun scripts.
    "onnx": "ONNX export is an optional extra",
    "onnxruntime": "only checks ONNX files (tests)",
    "onnxscript": "ONNX export is an optional extra",
    "ml_dtypes": "used by onnx only",
    # Pillow's AVIF codec (and its 4.9 MB libavif): datasets are PNG/JPEG image folders.
    "PIL._avif": "AVIF images are not read",
    "PIL.AvifImagePlugin": "AVIF images are not read",
    "PIL._imagingtk": "no tkinter",
}

# Excluded modules that something does import, inside try/except, and works without.
OPTIONAL_IMPORTS: dict[str, str] = {
    "PySide6.QtTest": "pyqtgraph.Qt imports it in a try block and stores a placeholder when it is missing",
    "onnx": "nnbuilder.export.onnx imports it in a try block and says ONNX export is not in this copy",
    "onnxscript": "likewise",
    "onnxruntime": "likewise: the exported file is checked only where onnxruntime is installed",
}

# Files dropped from the collected binaries and data, by path inside the bundle (fnmatch patterns,
# '/' separators). Each group is reported separately so the README can say what each saved.
EXCLUDED_FILES: dict[str, tuple[str, ...]] = {
    "torch test and benchmark programs": (
        "torch/test/*", "torch/bin/test_*", "torch/bin/*Test", "torch/bin/*.ptl", "torch/bin/upgrader_models*",
        "torch/lib/libjitbackend_test.so", "torch/lib/libtorchbind_test.so", "torch/lib/libbackend_with_compiler.so",
        "torch/lib/libaoti_custom_ops.so", "torch/bin/protoc*",
    ),
    "headers, static libraries and CMake files": (
        "*/include/*", "*.h", "*.hpp", "*.cuh", "*.a", "*.lib", "*/share/cmake/*", "*.cmake",
        "numpy/_core/lib/pkgconfig/*", "numpy/_core/include/*", "*.pyi", "*.pxd",
    ),
    "Qt Quick, QML and Designer files": (
        "PySide6/Qt/qml/*", "PySide6/Qt/lib/libQt6Qml*", "PySide6/Qt/lib/libQt6Quick*",
        "PySide6/Qt/lib/libQt6Designer*", "PySide6/Qt/lib/libQt6LabsStyleKit*", "PySide6/Qt/plugins/qmltooling/*",
        "PySide6/Qt/plugins/designer/*", "PySide6/Qt/lib/libQt6Network*", "PySide6/Qt/plugins/tls/*",
        "PySide6/Qt/plugins/networkinformation/*", "PySide6/Qt/plugins/sqldrivers/*", "PySide6/Qt/lib/libQt6Sql*", "PySide6/Qt/lib/libQt6Pdf*",
        "PySide6/Qt/plugins/wayland-graphics-integration-server/*", "PySide6/Qt/lib/libQt6WaylandCompositor*",
    ),
    # The app's own text is English only; Qt's translated dialog buttons would mix two languages.
    "Qt translations": ("PySide6/Qt/translations/*",),
    # importlib.metadata needs METADATA (versions for Help > About) and the licence files, not RECORD.
    "package RECORD files": ("*.dist-info/RECORD",),
    "the GTK platform theme and the GTK stack only it needs": (
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "libgtk-3.so*", "libgdk-3.so*", "libpangocairo-1.0.so*",
        "libpango-1.0.so*", "libpangoft2-1.0.so*", "libatk-1.0.so*", "libatk-bridge-2.0.so*", "libatspi.so*",
        "libcairo-gobject.so*", "libcairo.so*", "libgdk_pixbuf-2.0.so*", "libepoxy.so*", "libthai.so*",
        "libdatrie.so*", "libfribidi.so*", "libgraphite2.so*", "libharfbuzz.so*", "libpixman-1.so*",
        "libXcomposite.so*", "libXdamage.so*", "libXinerama.so*", "libXcursor.so*", "libXi.so*", "libXrandr.so*",
    ),
    "Qt platforms for kiosks and remote displays (EGLFS, VNC, Linux framebuffer)": (
        "PySide6/Qt/plugins/egldeviceintegrations/*", "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platforms/libqminimalegl.so", "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/platforms/libqlinuxfb.so", "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
        "PySide6/Qt/lib/libQt6EglFS*", "PySide6/Qt/lib/libQt6EglFs*",
        # TUIO touch events arrive over the network (and need QtNetwork).
        "PySide6/Qt/plugins/generic/libqtuiotouchplugin.so",
    ),
    "Qt developer tools": (
        "PySide6/designer", "PySide6/assistant", "PySide6/linguist", "PySide6/lrelease", "PySide6/lupdate",
        "PySide6/qmlformat", "PySide6/qmlls", "PySide6/qmllint", "PySide6/uic", "PySide6/rcc",
        "PySide6/Qt/libexec/*", "PySide6/Qt/metatypes/*", "PySide6/typesystems/*", "PySide6/scripts/*",
        "PySide6/glue/*", "PySide6/examples/*",
    ),
}

RESOURCES_DIRS = ("examples", "data", "icons")


def torch_modules_needing_source(torch_dir: Path) -> list[str]:
    """torch modules that read their own source when imported: config modules (install_config_module
    parses their comments), functions compiled with torch.jit.script at import time, and
    torch.jit._overload declarations (which warn on stderr when their source is missing).

    Only these keep their .py files in the bundle; the rest of torch is bytecode in the archive, which
    saves about 45 MB over torch's hook (it writes every .py beside the archive).
    """
    out = []
    needle = re.compile(r"install_config_module\(|jit\.script\b|_overload(_method)?\b")
    for py in torch_dir.rglob("*.py"):
        rel = py.relative_to(torch_dir.parent)
        if "testing/_internal" in rel.as_posix() and "config" not in py.name:
            continue
        try:
            text = py.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if needle.search(text):
            parts = list(rel.with_suffix("").parts)
            if parts[-1] != "__init__":  # a package's setting would cover all of its submodules
                out.append(".".join(parts))
    return sorted(out)


def _norm(dest: str) -> str:
    return dest.replace("\\", "/")


def match_excluded(dest: str) -> str | None:
    """The EXCLUDED_FILES group a bundle path falls in, or None to keep it."""
    d = _norm(dest)
    for group, patterns in EXCLUDED_FILES.items():
        for pat in patterns:
            if fnmatch.fnmatchcase(d, pat) or d == pat:
                return group
    return None


def filter_toc(entries: Iterable[tuple], report: dict[str, dict[str, int]]) -> list[tuple]:
    """Entries (dest, src, kind) without the excluded files; adds bytes and files removed to ``report``."""
    kept = []
    for entry in entries:
        dest, src = entry[0], entry[1]
        group = match_excluded(dest)
        if group is None and len(entry) > 2 and entry[2] == "SYMLINK":
            # A link at the top of the bundle to an excluded file goes with it (no dangling links).
            target = str(Path(_norm(dest)).parent / _norm(src)) if not _norm(src).startswith("/") else ""
            if match_excluded(target.removeprefix("./")):
                continue
        if group is None:
            kept.append(entry)
            continue
        size = 0
        try:
            size = Path(src).stat().st_size if src else 0
        except OSError:
            pass
        row = report.setdefault(group, {"files": 0, "bytes": 0})
        row["files"] += 1
        row["bytes"] += size
    return kept


def resources_datas() -> list[tuple[str, str]]:
    """(source, destination folder) pairs for examples, bundled datasets, icons and the user guide.

    The guide (F1) and the pages it links to are read from ``resources/docs`` in a bundle: without them the
    installed app said "The user guide is missing from this installation". Only the pages and their pictures
    go in, not the scripts that make the pictures.
    """
    out = []
    for name in RESOURCES_DIRS:
        folder = ROOT / "resources" / name
        if folder.is_dir():
            out.append((str(folder), f"resources/{name}"))
    docs = ROOT / "docs"
    out += [(str(page), "resources/docs") for page in sorted(docs.glob("*.md"))]
    if (docs / "screenshots").is_dir():
        out.append((str(docs / "screenshots"), "resources/docs/screenshots"))
    return out


def write_report(report: dict[str, dict[str, int]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True), encoding="utf-8")
