"""Fixtures for the editor's Qt tests: isolated settings/recovery folders and a window whose dialogs
answer from a script instead of blocking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nnbuilder.app.main_window import MainWindow


class FakeDialogs:
    """Stands in for ``MainWindow.show_dialog``: records every call, returns scripted answers."""

    DEFAULTS: dict[str, Any] = {"question": False, "save_changes": "discard", "recover": False, "choice": "discard"}

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, dict[str, Any]]] = []
        self.answers: dict[str, Any] = {}

    def __call__(self, kind: str, title: str, text: str = "", **options: Any) -> Any:
        self.calls.append((kind, title, text, options))
        answer = self.answers.get(kind, self.DEFAULTS.get(kind))
        if isinstance(answer, list):
            return answer.pop(0)
        return answer

    def texts(self, kind: str) -> list[str]:
        return [c[2] for c in self.calls if c[0] == kind]


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNBUILDER_SETTINGS_DIR", str(tmp_path / "settings"))
    monkeypatch.setenv("NNBUILDER_USER_DATA", str(tmp_path / "user-data"))


@pytest.fixture
def dialogs() -> FakeDialogs:
    return FakeDialogs()


@pytest.fixture
def window(qtbot: Any, dialogs: FakeDialogs) -> Iterator[MainWindow]:
    w = MainWindow()
    w.show_dialog = dialogs  # type: ignore[method-assign]
    qtbot.addWidget(w)
    w.resize(1280, 820)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.document.undo_stack.setClean()


@pytest.fixture
def examples_dir() -> Any:
    from nnbuilder.paths import examples_dir as _examples_dir

    return _examples_dir()


@pytest.fixture(scope="package", autouse=True)
def _gui_thread_collector(qapp: Any) -> Iterator[None]:
    """As in the app: no automatic collection while these tests run; the rest of the session gets it back."""
    import gc

    from nnbuilder.app.workers import collect_in_gui_thread

    collector = collect_in_gui_thread()
    yield
    collector.timer.stop()
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_garbage_in_gui_thread() -> Iterator[None]:
    """Windows and dashboards of earlier tests are freed here, in the GUI thread, never by a collection that
    happens to run in a training thread (see nnbuilder/app/workers/gui_gc.py)."""
    import gc

    gc.collect()
    yield
    gc.collect()
