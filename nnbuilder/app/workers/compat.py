"""Work around PySide6 6.12's reference-count bug on Python 3.11.

PySide6 6.12 returns ``None`` (and passes ``True``/``False`` through signals) without taking a reference,
which costs nothing on Python >= 3.12, where those singletons are immortal (PEP 683), but on Python 3.11 drops
their reference count by one per call: after a few thousand ``setPos``/``update`` calls the interpreter
aborts with "Fatal Python error: none_dealloc". A live dashboard makes that many calls within seconds.

``immortalize_singletons`` does for 3.11 what PEP 683 does for 3.12: it lifts the three counts so far that
they can never reach zero. It must run before PySide6 does much work, and is a no-op on 3.12+.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40  # a trillion stolen references; the process would run for years before using them up
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
