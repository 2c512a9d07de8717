"""The one way nnbuilder writes a file: atomically, keeping the file's mode and following symlinks.

Every file the product writes (projects, autosave copies and their notes, caches, exports) goes through
:func:`atomic_write`, so a crash or ``kill -9`` mid-write leaves either the old file or the new one, never a
truncated mix. Pure Python, no torch, no Qt: the project model uses it too.

Where the system allows (Linux), the bytes go to an unnamed ``O_TMPFILE`` first, so a writer killed while
writing leaves nothing behind at all; it gets a name only for the instant between ``link`` and ``rename``.
Elsewhere the temporary file is named ``.<target>.<pid>.<random>.nnbtmp``: the pid lets the next write
beside the same target remove what a dead writer left, so stray files never pile up.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TMP_SUFFIX = ".nnbtmp"
#: Temporary files of an older scheme (``.<target>.<8 random>.tmp``) older than this are removed too.
LEGACY_TMP_AGE_S = 600.0

_OUR_TMP = re.compile(r"\.(\d+)\.[0-9a-f]{8}" + re.escape(TMP_SUFFIX))
_LEGACY_TMP = re.compile(r"[a-z0-9_]{8}\.tmp")


def _target(path: Path) -> Path:
    """The real file behind ``path``: saving through a symlink updates what it points to, not the link."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return path


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (True when that cannot be known)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would send CTRL_C_EVENT there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**31
    except OSError:
        return True
    return True


def clean_stale_temps(folder: str | os.PathLike[str], name: str | None = None) -> int:
    """Remove temporary files that dead writers left in ``folder``; returns how many were removed.

    Every ``.<file>.<pid>.<random>.nnbtmp`` whose process is gone is removed, whatever file it was for (each
    autosave process writes its own recovery file, so a dead one's leftovers would otherwise never be seen
    again). Files of the older ``.<name>.<random>.tmp`` scheme are removed for ``name`` only, once old.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    legacy_prefix = f".{name}." if name else None
    for entry in entries:
        entry_name = entry.name
        if not entry_name.startswith("."):
            continue
        try:
            if entry_name.endswith(TMP_SUFFIX):
                ours = _OUR_TMP.search(entry_name)
                if ours is None or ours.end() != len(entry_name):
                    continue
                stale = not pid_alive(int(ours.group(1)))
            elif legacy_prefix and entry_name.startswith(legacy_prefix) and \
                    _LEGACY_TMP.fullmatch(entry_name[len(legacy_prefix):]):
                stale = now - entry.stat(follow_symlinks=False).st_mtime > LEGACY_TMP_AGE_S
            else:
                continue
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue  # another writer removed it first, or it is not ours to remove
    return removed


def _new_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_all(fd: int, data: bytes | str | Callable[[BinaryIO], None]) -> None:
    with os.fdopen(fd, "wb", closefd=False) as fh:
        if callable(data):
            data(fh)
        else:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        fh.flush()
    os.fsync(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; not every system lets a folder be opened, which is fine."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def _tmp_path(target: Path) -> Path:
    return target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}"


def _write_unnamed(target: Path, data: bytes | str | Callable[[BinaryIO], None], mode: int) -> bool:
    """Write through an O_TMPFILE; False when this system or file system does not offer one."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        fd = os.open(target.parent, flag | os.O_WRONLY, mode)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return False
        raise
    tmp: Path | None = None
    try:
        _write_all(fd, data)
        os.fchmod(fd, mode)
        tmp = _tmp_path(target)
        try:
            os.link(f"/proc/self/fd/{fd}", tmp)
        except OSError as exc:
            tmp = None
            if exc.errno in (errno.EOPNOTSUPP, errno.EPERM, errno.ENOENT, errno.EXDEV, errno.EINVAL):
                return False
            raise
        os.replace(tmp, target)
        tmp = None
    finally:
        os.close(fd)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return True


def atomic_write(path: str | os.PathLike[str], data: bytes | str | Callable[[BinaryIO], None]) -> Path:
    """Write ``data`` (bytes, UTF-8 text, or a function that writes into a binary file) to ``path``.

    The bytes are flushed to disk in a temporary file beside the target, which then replaces the target in
    one rename. An existing file keeps its permission bits; a new one gets the usual mode (0666 minus the
    umask), not mkstemp's 0600. Returns the path actually written (a symlink's target).
    """
    target = _target(Path(path))
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
    mode = _new_mode(target)
    clean_stale_temps(target.parent, target.name)
    if not _write_unnamed(target, data, mode):
        tmp = _tmp_path(target)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            try:
                _write_all(fd, data)
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, mode)
                else:
                    os.chmod(tmp, mode)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    _fsync_dir(target.parent)
    return target
