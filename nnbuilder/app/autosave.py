"""Autosave to a recovery file and recovery after a crash.

While a project has unsaved changes it is written every minute (atomically, with the core's
``save_project``) to ``user_data_dir()/recovery/recovery-<pid>.nnb`` beside a small JSON note
(original file, time). A clean exit or a save removes the file, so a recovery file whose process
is no longer running means nnbuilder did not close properly: the next start offers it.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer

from ..fileio import atomic_write, pid_alive
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


MAX_NOTE_BYTES = 64 * 1024


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":
        return pid == os.getpid()  # os.kill(pid, 0) would send CTRL_C_EVENT there
    return pid_alive(pid)


def _read_note(meta_path: Path) -> dict[str, Any]:
    """The note beside a recovery file; {} when it is missing, damaged or not an object."""
    try:
        with meta_path.open("rb") as fh:
            raw = fh.read(MAX_NOTE_BYTES + 1)
        meta = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_NOTE_BYTES else {}
    except (OSError, ValueError, RecursionError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _note_pid(meta: dict[str, Any]) -> int:
    pid = meta.get("pid")
    return pid if isinstance(pid, int) and not isinstance(pid, bool) and 0 < pid < 2**31 else -1


def _note_time(meta: dict[str, Any], path: Path) -> float:
    value = meta.get("saved_at")
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value < 1e11:
        return float(value)
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _note_text(meta: dict[str, Any], key: str, default: str | None) -> str | None:
    value = meta.get(key)
    return value if isinstance(value, str) and value else default


def find_recoveries(directory: Path | None = None) -> list[Recovery]:
    """Recovery files left by nnbuilder processes that are no longer running, newest first.

    A damaged or missing note never hides a recovery file: its time then comes from the file itself.
    """
    folder = directory or recovery_dir()
    try:
        if not folder.is_dir():
            return []
        paths = [p for p in folder.glob("recovery-*.nnb") if p.is_file()]
    except OSError:
        return []
    found = []
    for path in paths:
        meta_path = path.with_suffix(".json")
        meta = _read_note(meta_path)
        pid = _note_pid(meta)
        if pid > 0 and _pid_alive(pid):
            continue
        found.append(Recovery(path, meta_path, _note_text(meta, "original", None), _note_time(meta, path),
                              _note_text(meta, "name", path.stem) or path.stem))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


class Autosaver(QObject):
    def __init__(self, document: Document, directory: Path | None = None,
                 interval_ms: int = AUTOSAVE_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.directory = directory
        self._changed = False
        self.last_error: str | None = None  # why the last autosave failed (Save then says it too)
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
        atomic_write(self.meta_path, json.dumps(meta, ensure_ascii=True))
        self._changed = False
        return self.path

    def discard(self) -> None:
        """Remove this process's recovery file (after a save or a clean exit)."""
        Recovery(self.path, self.meta_path, None, 0.0, "").discard()

    def _on_timer_timeout(self) -> None:
        try:
            self.save_now()
        except Exception as exc:  # noqa: BLE001 - autosave must never interrupt work; the next tick tries again
            self.last_error = str(exc)

    def _on_document_project_changed(self) -> None:
        self._changed = True

    def _on_document_modified_changed(self, modified: bool) -> None:
        if not modified:
            self._changed = False
            self.discard()
