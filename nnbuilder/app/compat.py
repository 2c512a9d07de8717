"""Keep PySide6 6.12.0 from crashing CPython 3.11.

PySide6 6.12.0 returns ``None`` from void methods (``setPos``, ``update``, every ``QPainter.set*`` and
``draw*``...) without taking a reference. On Python >= 3.12 ``None`` is immortal (PEP 683) so that is
harmless; on 3.11 each call drops ``None``'s reference count by one, and after a few thousand calls
(one canvas repaint of a large graph, a few seconds of live plots) the interpreter aborts with
"Fatal Python error: none_dealloc".

The project's dependencies exclude that release (``pyproject.toml``), so this guard only matters where
6.12.0 was installed some other way: it does for 3.11 what PEP 683 does for 3.12 and lifts the counts
of ``None``, ``True`` and ``False`` so far that they can never reach zero. It runs when
``nnbuilder.app`` is imported, before any Qt work, and does nothing anywhere else.
"""

from __future__ import annotations

import ctypes
import sys
from importlib import metadata

_HEADROOM = 1 << 40
_done = False


def needs_guard() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            return metadata.version(dist).startswith("6.12.0")
        except metadata.PackageNotFoundError:
            continue
    return False


def immortalize_singletons() -> bool:
    """Lift None/True/False reference counts where the broken release runs; True when it changed something."""
    global _done
    if _done or not needs_guard():
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _HEADROOM
    _done = True
    return True
