"""QSettings in one place: organisation/app names, test isolation, recent files, the last folder used.

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
LAST_FOLDER_KEY = "files/last_folder"


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


def last_folder() -> Path:
    """The folder a project was last opened from or saved to, where Open and Save As start.

    Both dialogs start in the same place: left to themselves, Save As of an example (a name, no folder)
    opened in the folder the app was launched from while Open remembered the user's. Settings from before
    this key fall back to the newest recent file's folder, then the home folder.
    """
    value = app_settings().value(LAST_FOLDER_KEY)
    candidates = [Path(str(value))] if value else []
    candidates += [Path(f).parent for f in recent_files()[:1]]
    return next((p for p in candidates if p.is_dir()), Path.home())


def set_last_folder(path: str | Path) -> None:
    """Remember ``path``'s folder (``path`` is the project file opened or saved) for the next Open or Save As."""
    s = app_settings()
    s.setValue(LAST_FOLDER_KEY, str(Path(path).resolve().parent))
    s.sync()
