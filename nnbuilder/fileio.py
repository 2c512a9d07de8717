"""The one way nnbuilder writes a file: atomically, keeping the file's mode and following symlinks.

Every file the product writes (projects, autosave copies and their notes, weights, caches, exports) goes
through :func:`atomic_write`, so a crash or ``kill -9`` mid-write leaves either the old file or the new
one, never a truncated mix. Pure Python, no torch, no Qt: the project model uses it too.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TMP_SUFFIX = ".nnbtmp"


def _target(path: Path) -> Path:
    """The real file behind ``path``: saving through a symlink updates what it points to, not the link."""
    try:
        return Path(os.path.realpath(path))
    except OSError:
        return path


def atomic_write(path: str | os.PathLike[str], data: bytes | str | Callable[[BinaryIO], None]) -> Path:
    """Write ``data`` (bytes, UTF-8 text, or a function that writes into a binary file) to ``path``.

    The bytes go to a hidden temporary file beside the target, are flushed to disk, and then replace the
    target in one rename. An existing file keeps its permission bits; a new one gets the usual mode
    (0666 minus the umask), not mkstemp's 0600. Returns the path actually written (a symlink's target).
    """
    target = _target(Path(path))
    mode: int | None = None
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=str(target.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target
