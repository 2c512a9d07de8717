"""Run one callable in a QThread (evaluate on the test split, load weights) and hand back its result.

Short jobs still go off the GUI thread because their length depends on the data set: evaluating a CNN on
10,000 test images takes seconds, and a frozen window for seconds reads as a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot


class FunctionWorker(QObject):
    """Calls ``fn(*args, **kwargs)`` in its thread; ``returned`` or ``errored``, then always ``done``."""

    returned = Signal(object)
    errored = Signal(str, str)  # message, kind
    done = Signal()

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()  # parentless: moveToThread refuses objects that have a parent
        self._fn, self._args, self._kwargs = fn, args, kwargs

    @Slot()
    def run(self) -> None:
        from .training_worker import describe_exception

        try:
            result = self._fn(*self._args, **self._kwargs)
        except Exception as exc:  # noqa: BLE001 - every fault becomes a message, never a dead thread
            message, kind = describe_exception(exc)
            self.errored.emit(message, kind)
        else:
            self.returned.emit(result)
        finally:
            self.done.emit()


def start_in_thread(worker: QObject, on_finished: Callable[[], None] | None = None) -> QThread:
    """Move ``worker`` (which has ``run`` and ``done``) to a new QThread, wire the clean-up and start it.

    ``done`` quits the thread and deletes the worker in its own thread; the thread deletes itself once its
    ``finished`` has been delivered. ``on_finished`` is connected before the start so it cannot be missed.
    The caller must keep Python references to worker and thread until then: Python collecting a running
    QThread aborts the process. ``finished`` is emitted from the ending thread itself, so a handler that drops
    the last reference should ``wait()`` on the thread first (it returns at once by then).
    """
    thread = QThread()
    worker.moveToThread(thread)
    if on_finished is not None:
        thread.finished.connect(on_finished)
    thread.started.connect(worker.run)  # type: ignore[attr-defined]
    worker.done.connect(thread.quit)  # type: ignore[attr-defined]
    worker.done.connect(worker.deleteLater)  # type: ignore[attr-defined]
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread
