"""What a packaged install relies on, checked without building one (`make bundle-check` builds one).

The bundle finds its resources through its own folder, writes only under the user's folders, opens
shipped examples as copies, prints its version, and the spec's exclusion list leaves in every module
the app really imports.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nnbuilder import paths
from nnbuilder.cli import main

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import common  # noqa: E402


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Pretend to run from a PyInstaller bundle installed in tmp_path/opt/nnbuilder."""
    internal = tmp_path / "opt" / "nnbuilder" / "_internal"
    (internal / "resources" / "examples").mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    monkeypatch.setattr(sys, "executable", str(internal.parent / "nnbuilder"))
    monkeypatch.delenv("NNBUILDER_RESOURCES", raising=False)
    return internal


def test_version_matches_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert capsys.readouterr().out.strip() == f"nnbuilder {declared}"
    assert common.version() == declared


def test_frozen_resources_come_from_the_bundle(frozen: Path) -> None:
    assert paths.resources_dir() == frozen / "resources"
    assert paths.examples_dir() == frozen / "resources" / "examples"
    assert paths.icons_dir() == frozen / "resources" / "icons"


def test_frozen_without_meipass_uses_the_executables_folder(frozen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS")
    assert paths.resources_dir() == frozen.parent / "resources"


def test_user_folders_are_outside_the_install_folder(frozen: Path, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    for var in ("NNBUILDER_CACHE", "NNBUILDER_USER_DATA"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    install = frozen.parent
    for folder in (paths.user_cache_dir(), paths.user_data_dir()):
        assert not folder.is_relative_to(install)
        assert folder.is_relative_to(tmp_path / "home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    assert paths.user_cache_dir() == tmp_path / "xdg-cache" / "nnbuilder"


def test_shipped_files_count_as_bundled_only_when_frozen(frozen: Path, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    example = frozen / "resources" / "examples" / "a.nnb"
    assert paths.is_bundled(example)
    assert not paths.is_bundled(tmp_path / "mine.nnb")
    monkeypatch.setattr(sys, "frozen", False)
    assert not paths.is_bundled(example)  # a checkout's examples are the developers' to edit


def _nnbuilder_imports() -> set[str]:
    found = set()
    for py in (ROOT / "nnbuilder").rglob("*.py"):
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _excluded(module: str) -> str | None:
    for ex in common.EXCLUDED_MODULES:
        if module == ex or module.startswith(ex + "."):
            return ex
    return None


def test_no_excluded_module_is_imported_by_nnbuilders_code() -> None:
    hits = {m: _excluded(m) for m in _nnbuilder_imports() if _excluded(m)}
    optional = {m for m, ex in hits.items() if ex in common.OPTIONAL_IMPORTS}  # imported in try blocks, said so
    assert {m: ex for m, ex in hits.items() if m not in optional} == {}


def test_no_excluded_module_is_loaded_when_the_app_and_a_training_step_run() -> None:
    """Imports made at run time (pyqtgraph loads QtOpenGL through importlib) count too."""
    probe = textwrap.dedent("""
        import importlib, pkgutil, sys
        import nnbuilder
        for m in pkgutil.walk_packages(nnbuilder.__path__, "nnbuilder."):
            if not m.name.endswith("__main__"):
                importlib.import_module(m.name)
        import pyqtgraph, torch
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from nnbuilder.app.main_window import MainWindow
        w = MainWindow()
        layer = torch.nn.Linear(2, 2)
        opt = torch.optim.Adam(layer.parameters())
        layer(torch.ones(1, 2)).sum().backward()
        opt.step()
        print("\\n".join(sorted(sys.modules)))
    """)
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=ROOT,
                       env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr[-2000:]
    loaded = r.stdout.split()
    assert "PySide6.QtOpenGL" in loaded  # the probe really reached pyqtgraph's curve items
    unexpected = {m for m in loaded if _excluded(m)} - set(common.OPTIONAL_IMPORTS)
    assert unexpected == set()
    # Nor may the file rules drop a Qt library or extension module that a loaded Qt module needs.
    for name in (m.split(".")[1] for m in loaded if m.startswith("PySide6.Qt")):
        for dest in (f"PySide6/{name}.abi3.so", f"PySide6/Qt/lib/libQt6{name[2:]}.so.6"):
            assert common.match_excluded(dest) is None, dest


def test_the_toc_filter_reports_savings_and_drops_links_to_excluded_files(tmp_path: Path) -> None:
    big = tmp_path / "libQt6Quick.so.6"
    big.write_bytes(b"x" * 1000)
    kept_file = tmp_path / "libQt6Core.so.6"
    kept_file.write_bytes(b"y")
    toc = [("PySide6/Qt/lib/libQt6Quick.so.6", str(big), "BINARY"),
           ("libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Quick.so.6", "SYMLINK"),
           ("PySide6/Qt/lib/libQt6Core.so.6", str(kept_file), "BINARY"),
           ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
           ("torch/include/ATen/core.h", str(big), "DATA")]
    report: dict[str, dict[str, int]] = {}
    kept = common.filter_toc(toc, report)
    assert [e[0] for e in kept] == ["PySide6/Qt/lib/libQt6Core.so.6", "libQt6Core.so.6"]
    assert report["Qt Quick, QML and Designer files"] == {"files": 1, "bytes": 1000}
    assert report["headers, static libraries and CMake files"]["files"] == 1


def test_desktop_entry_mime_type_and_icons_agree() -> None:
    linux = ROOT / "packaging" / "linux"
    desktop = (linux / "nnbuilder.desktop").read_text(encoding="utf-8")
    assert f"MimeType={common.MIME_TYPE};" in desktop and "Icon=nnbuilder" in desktop
    mime = ET.parse(linux / "nnbuilder-mime.xml").getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    (entry,) = mime.findall("m:mime-type", ns)
    assert entry.get("type") == common.MIME_TYPE
    assert [g.get("pattern") for g in entry.findall("m:glob", ns)] == ["*.nnb"]
    icons = ROOT / "resources" / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (icons / f"nnbuilder-{size}.png").is_file()
    for name in ("nnbuilder.svg", "nnbuilder.ico", "nnbuilder.icns"):
        assert (icons / name).stat().st_size > 0


def test_about_lists_the_bundled_libraries_licences() -> None:
    from nnbuilder.app.main_window import about_text

    text = about_text()
    for expected in ("LGPL-3.0", "PyTorch", "BSD-3-Clause", "pyqtgraph", "MIT", "safetensors", "Apache-2.0",
                     "Pillow", "HPND", "Fashion-MNIST"):
        assert expected in text, expected


def test_torch_config_modules_keep_their_source_in_the_bundle() -> None:
    """They parse their own comments when imported; without the .py the bundle fails at `import torch`."""
    import importlib.util

    spec = importlib.util.find_spec("torch")
    assert spec is not None and spec.origin is not None
    keep = common.torch_modules_needing_source(Path(spec.origin).parent)
    assert {"torch._dynamo.config", "torch.distributed.config", "torch._inductor.config"} <= set(keep)
    assert "torch.nn.modules.linear" not in keep
    assert "torch" not in keep  # a package key would cover all of torch


def test_the_bundle_ships_the_user_guide_and_every_page_and_picture_it_links_to(frozen: Path) -> None:
    """The installers shipped examples, data and icons only: F1 in an installed app said "The user guide is
    missing from this installation". Lay the bundle's resources out as PyInstaller would and follow the links."""
    import re
    import shutil

    for source, dest in common.resources_datas():
        if not dest.startswith("resources/docs"):
            continue
        target = frozen / dest
        target.mkdir(parents=True, exist_ok=True)
        src = Path(source)
        if src.is_dir():
            shutil.copytree(src, target, dirs_exist_ok=True)
        else:
            shutil.copy2(src, target / src.name)
    from nnbuilder.app.widgets.guide import guide_path

    guide = guide_path()
    assert guide == frozen / "resources" / "docs" / "user_guide_editor.md"
    docs = guide.parent
    assert not list(docs.glob("*.py"))  # the pages, not the scripts that make their pictures
    for page in docs.glob("*.md"):
        for link in re.findall(r"\]\(([^)#\s]+)[^)]*\)|src=\"([^\"]+)\"", page.read_text(encoding="utf-8")):
            target = next(part for part in link if part)
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (docs / target).is_file(), f"{page.name} links to {target}, which the bundle lacks"
