"""The one exception type the data layer lets escape.

The app shows ``str(error)`` to a student as is, so every message is a single plain sentence naming the
file or option and what is wrong with it; tracebacks are for developers and stay in ``__cause__``.
"""

from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """A data set could not be made; the message says which file or option and why, in plain words."""


def describe(path: Path | str) -> str:
    """Quote a file name the way every message does, so students can search for it in their folder."""
    return f"'{Path(path).name}'"
