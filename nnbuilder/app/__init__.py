"""The desktop app (PySide6): the only package that imports Qt. Start it with ``nnbuilder [FILE]``."""

from .compat import immortalize_singletons

# Before any Qt work happens (PySide6 6.12 on Python 3.11 would abort otherwise; see compat.py).
immortalize_singletons()
