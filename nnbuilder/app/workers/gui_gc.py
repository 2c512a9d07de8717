"""Run Python's cyclic garbage collector in the GUI thread only.

The collector runs in whichever thread happens to allocate when a threshold trips. When it frees a Qt
wrapper in the training thread, shiboken hands the C++ deletion to the GUI thread, which then holds the GIL
while it waits for a Qt mutex the training thread holds, and both threads stop for good (seen here: a test
hung in ``QObject::~QObject`` called from ``runDeletionInMainThread``). So while the app runs, automatic
collection is off and a GUI-thread timer collects instead, as pyqtgraph's GarbageCollector is designed to.
"""

from __future__ import annotations

import gc
from typing import Any

_collector: Any = None


def collect_in_gui_thread(interval_s: float = 1.0) -> Any:
    """Install the GUI-thread collector once (needs a running QApplication); returns it."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=interval_s)
    return _collector


def freeze_long_lived_objects() -> None:
    """Move everything alive now (torch, Qt, the app) out of the collector's sight.

    With torch imported a full collection walks millions of objects (about 190 ms here), which the GUI-thread
    collector would otherwise pay in the middle of a training run as a visible freeze. Called once, right after
    the warm-up imports, so the one full collection happens while the window already says it is busy.
    """
    gc.collect()
    gc.freeze()
