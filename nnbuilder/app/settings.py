"""QSettings in one place: organisation/app names, test isolation, recent files.

``NNBUILDER_SETTINGS_DIR`` points the app at an INI file in that folder instead of the user's
settings, which is how tests and benchmarks run without touching (or being affected by) a real
user's window layout and recent files.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "nnbuilder"
APPLICATION = "nnbuilder"
SETTINGS_ENV = "NNBUILDER_SETTINGS_DIR"
MAX_RECENT = 10


def app_settings() -> QSettings:
    folder = os.environ.get(SETTINGS_ENV)
    if folder:
        return QSettings(str(Path(folder) / "nnbuilder.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]  # type: ignore[union-attr]


def recent_files() -> list[str]:
    """Most recent first; files that no longer exist are dropped."""
    return [p for p in _as_list(app_settings().value("recent_files")) if Path(p).is_file()]


def add_recent_file(path: str | Path) -> None:
    p = str(Path(path).resolve())
    files = [f for f in recent_files() if f != p]
    files.insert(0, p)
    s = app_settings()
    s.setValue("recent_files", files[:MAX_RECENT])
    s.sync()


def clear_recent_files() -> None:
    s = app_settings()
    s.setValue("recent_files", [])
    s.sync()
