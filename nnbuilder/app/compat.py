"""Keep PySide6 6.12 from crashing CPython 3.11.

PySide6 6.12 returns ``None`` from void methods (``setPos``, ``update``, every ``QPainter.set*`` and
``draw*``...) without taking a reference. On Python >= 3.12 ``None`` is immortal (PEP 683) so that is
harmless; on 3.11 each call drops ``None``'s reference count by one, and after a few thousand calls
(one canvas repaint of a large graph) the interpreter aborts with "Fatal Python error: none_dealloc".

``immortalize_singletons`` does for 3.11 what PEP 683 does for 3.12: it lifts the counts of ``None``,
``True`` and ``False`` so far that they can never reach zero. It runs when ``nnbuilder.app`` is
imported, i.e. before any Qt work. (``app/workers/compat.py`` has the same guard for the training
worker; applying both is harmless.)
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40
_done = False


def immortalize_singletons() -> bool:
    """Lift None/True/False reference counts on CPython < 3.12; True when it changed something."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _HEADROOM
    _done = True
    return True
