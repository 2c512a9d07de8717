"""Where the app finds its bundled resources and keeps per-user files.

Resources live in the repository's top-level ``resources/`` folder; a packaged build
carries them inside the bundle (PyInstaller's ``sys._MEIPASS``, or beside the executable
for other freezers). ``NNBUILDER_RESOURCES`` overrides both, which is how tests and
installers point the app somewhere else without patching code. Nothing is ever written
there: an installed bundle is read-only, so caches, settings and recovery files go to the
user's folders below.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The folder holding examples/ and data/ shipped with the app."""
    env = os.environ.get("NNBUILDER_RESOURCES")
    if env:
        return Path(env)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def examples_dir() -> Path:
    return resources_dir() / "examples"


def data_dir() -> Path:
    return resources_dir() / "data"


def icons_dir() -> Path:
    return resources_dir() / "icons"


def is_bundled(path: str | Path) -> bool:
    """True for a file inside an installed app's resources, which is opened as a copy: the install
    folder may be read-only, and a Save there would overwrite the shipped example for every user.
    A checkout's resources/ is the developers' to edit, so this is False when not frozen."""
    if not getattr(sys, "frozen", False):
        return False
    try:
        Path(path).resolve().relative_to(resources_dir().resolve())
    except (ValueError, OSError):
        return False
    return True


def user_cache_dir() -> Path:
    """Per-user cache (decoded datasets, downloads); never required for the app to work."""
    env = os.environ.get("NNBUILDER_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "nnbuilder"


def user_data_dir() -> Path:
    """Per-user state such as autosave recovery files."""
    env = os.environ.get("NNBUILDER_USER_DATA")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or (Path.home() / ".local" / "share")
    return Path(base) / "nnbuilder"
