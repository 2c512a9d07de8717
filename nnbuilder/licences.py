"""Licences of the libraries an installed nnbuilder carries, for Help > About.

A bundle ships these libraries' binaries, so their licences must be shown to its users (the LGPL
for Qt also lets a user swap in their own build of the Qt libraries in the bundle's folder). The
versions are those installed, read from package metadata so that opening About never imports torch.
"""

from __future__ import annotations

from importlib import metadata

# (shown name, distribution to read the version from, licence)
BUNDLED_LIBRARIES: tuple[tuple[str, str, str], ...] = (
    ("Python", "", "PSF License"),
    ("Qt 6 / PySide6", "PySide6_Essentials", "LGPL-3.0 (Qt and Qt for Python)"),
    ("PyTorch", "torch", "BSD-3-Clause"),
    ("NumPy", "numpy", "BSD-3-Clause (bundled OpenBLAS: BSD-3-Clause)"),
    ("pyqtgraph", "pyqtgraph", "MIT"),
    ("safetensors", "safetensors", "Apache-2.0"),
    ("Pillow", "Pillow", "MIT-CMU (HPND)"),
    ("SymPy", "sympy", "BSD-3-Clause (used by PyTorch)"),
    ("NetworkX", "networkx", "BSD-3-Clause (used by PyTorch)"),
    ("mpmath", "mpmath", "BSD-3-Clause (used by SymPy)"),
    ("Jinja2 / MarkupSafe", "Jinja2", "BSD-3-Clause (used by PyTorch)"),
    ("fsspec", "fsspec", "BSD-3-Clause (used by PyTorch)"),
    ("filelock", "filelock", "Unlicense (used by PyTorch)"),
    ("typing_extensions", "typing_extensions", "PSF-2.0"),
)


def _version(dist: str) -> str:
    if not dist:
        import sys

        return sys.version.split()[0]
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def library_lines() -> list[str]:
    """One line per bundled library: name, version when known, licence."""
    out = []
    for name, dist, licence in BUNDLED_LIBRARIES:
        v = _version(dist)
        out.append(f"• {name}{' ' + v if v else ''}: {licence}")
    return out
