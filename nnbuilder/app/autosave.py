"""Autosave to a recovery file and recovery after a crash.

While a project has unsaved changes it is written every minute (atomically, with the core's
``save_project``) to ``user_data_dir()/recovery/recovery-<pid>.nnb`` beside a small JSON note
(original file, time). A clean exit or a save removes the file, so a recovery file whose process
is no longer running means nnbuilder did not close properly: the next start offers it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from ..paths import user_data_dir
from ..project import save_project
from .document import Document

AUTOSAVE_INTERVAL_MS = 60_000


def recovery_dir() -> Path:
    return user_data_dir() / "recovery"


@dataclass(frozen=True)
class Recovery:
    path: Path
    meta_path: Path
    original: str | None
    saved_at: float
    name: str

    def discard(self) -> None:
        for p in (self.path, self.meta_path):
            try:
                p.unlink()
            except FileNotFoundError:
                pass


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def find_recoveries(directory: Path | None = None) -> list[Recovery]:
    """Recovery files left by nnbuilder processes that are no longer running, newest first."""
    folder = directory or recovery_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("recovery-*.nnb"):
        meta_path = path.with_suffix(".json")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        pid = int(meta.get("pid", -1)) if str(meta.get("pid", "")).lstrip("-").isdigit() else -1
        if pid > 0 and _pid_alive(pid):
            continue
        found.append(Recovery(path, meta_path, meta.get("original"), float(meta.get("saved_at", path.stat().st_mtime)),
                              str(meta.get("name", path.stem))))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


class Autosaver(QObject):
    def __init__(self, document: Document, directory: Path | None = None,
                 interval_ms: int = AUTOSAVE_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.directory = directory
        self._changed = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()
        document.project_changed.connect(self._on_document_project_changed)
        document.modified_changed.connect(self._on_document_modified_changed)

    @property
    def folder(self) -> Path:
        return self.directory or recovery_dir()

    @property
    def path(self) -> Path:
        return self.folder / f"recovery-{os.getpid()}.nnb"

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")

    def save_now(self) -> Path | None:
        """Write the recovery file if there are unsaved changes not yet autosaved."""
        if not self.doc.is_modified or not self._changed:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        save_project(self.doc.project, self.path)
        meta = {"pid": os.getpid(), "saved_at": time.time(), "name": self.doc.display_name,
                "original": str(self.doc.path) if self.doc.path else None}
        self.meta_path.write_text(json.dumps(meta), encoding="utf-8")
        self._changed = False
        return self.path

    def discard(self) -> None:
        """Remove this process's recovery file (after a save or a clean exit)."""
        Recovery(self.path, self.meta_path, None, 0.0, "").discard()

    def _on_timer_timeout(self) -> None:
        try:
            self.save_now()
        except OSError:
            pass  # autosave must never interrupt work; the next tick tries again

    def _on_document_project_changed(self) -> None:
        self._changed = True

    def _on_document_modified_changed(self, modified: bool) -> None:
        if not modified:
            self._changed = False
            self.discard()
