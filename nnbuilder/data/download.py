"""Optional download of the canonical MNIST / Fashion-MNIST files into the per-user cache.

Never called automatically: the app works offline with the bundled copies, and a download is only started when
the student asks for it. Each file is checked against published digests (the upstream .gz MD5 that torchvision
and others pin, or the SHA-256 of the decompressed bytes recorded in resources/data/*/SOURCE.md) and its IDX
structure, and only moved into place once it passes, so a broken or partial download never shadows good data.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..fileio import atomic_write
from .errors import DataError
from .idx import GZIP_MAGIC, gunzip, parse_idx


@dataclass(frozen=True)
class RemoteFile:
    name: str
    gz_md5: str  # of the upstream .gz file
    raw_sha256: str | None  # of the decompressed IDX bytes, when known
    shape: tuple[int, ...]
    approx_size: int  # bytes of the .gz, only for progress before the server says


_DOWNLOADS: dict[str, tuple[str, str, tuple[str, ...], tuple[RemoteFile, ...]]] = {
    "fashion_mnist": (
        "Fashion-MNIST",
        "fashion-mnist",
        (
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        ),
        (
            RemoteFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                       "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", (60000, 28, 28), 26421880),
            RemoteFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
                       "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", (60000,), 29515),
            RemoteFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
                       "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", (10000, 28, 28), 4422102),
            RemoteFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310",
                       "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", (10000,), 5148),
        ),
    ),
    "mnist": (
        "MNIST",
        "mnist",
        ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"),
        (
            RemoteFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", None, (60000, 28, 28), 9912422),
            RemoteFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", None, (60000,), 28881),
            RemoteFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
                       "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", (10000, 28, 28), 1648877),
            RemoteFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c",
                       "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", (10000,), 4542),
        ),
    ),
}
_ALIASES = {"mnist_test": "mnist"}

# Indirection so tests can substitute a fake opener; nothing in the test suite may reach the network.
_urlopen: Callable[..., object] = urllib.request.urlopen
TIMEOUT_S = 30
_CHUNK = 1 << 16


def downloadable_datasets() -> list[str]:
    return list(_DOWNLOADS)


def download_dataset(
    dataset_id: str,
    progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
    base_urls: Sequence[str] | None = None,
) -> Path:
    """Fetch the four canonical IDX files of "mnist" or "fashion_mnist"; returns the folder holding them.

    ``progress(done, total)`` is called with bytes received so far and the expected total over all files.
    Files already downloaded and verified are not fetched again. Load the result with the ``idx`` data set.
    ``base_urls`` replaces the built-in mirrors (tests use a file:// folder).
    """
    key = _ALIASES.get(dataset_id, dataset_id)
    if key not in _DOWNLOADS:
        raise DataError(f"'{dataset_id}' cannot be downloaded; only {', '.join(_DOWNLOADS)} can.")
    title, folder_name, mirrors, files = _DOWNLOADS[key]
    if cache_dir is None:
        from nnbuilder.paths import user_cache_dir

        cache_dir = user_cache_dir() / "downloads"
    folder = Path(cache_dir) / folder_name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"The download folder '{folder}' cannot be created ({exc.strerror or exc}).") from exc
    urls = list(base_urls) if base_urls is not None else list(mirrors)
    total = sum(f.approx_size for f in files)
    done = 0
    for remote in files:
        target = folder / remote.name
        if target.is_file() and _verified(target.read_bytes(), remote) is None:
            done += target.stat().st_size
            total = max(total, done)
            if progress:
                progress(done, total)
            continue
        data = _fetch(title, remote, urls, done, total, progress)
        problem = _verified(data, remote)
        if problem:
            raise DataError(f"The downloaded {title} file '{remote.name}' {problem}; it was discarded.")
        done += len(data)
        total = max(total, done)
        _write_atomic(target, data)
    return folder


def _fetch(title: str, remote: RemoteFile, urls: list[str], done: int, total: int,
           progress: Callable[[int, int], None] | None) -> bytes:
    errors: list[str] = []
    offline = False
    for base in urls:
        url = base.rstrip("/") + "/" + remote.name
        try:
            with _urlopen(url, timeout=TIMEOUT_S) as response:  # type: ignore[attr-defined]
                chunks = []
                received = 0
                while True:
                    chunk = response.read(_CHUNK)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    received += len(chunk)
                    if progress:
                        progress(done + received, max(total, done + received))
                return b"".join(chunks)
        except urllib.error.HTTPError as exc:
            errors.append(f"{url}: HTTP {exc.code}")
        except OSError as exc:  # URLError, time-outs and refused connections are all OSErrors
            reason = getattr(exc, "reason", exc)
            errors.append(f"{url}: {reason}")
            # Name lookup, refused connections and time-outs mean "offline"; a missing local file does not.
            offline = offline or (isinstance(reason, OSError) and not isinstance(reason, FileNotFoundError))
    if offline:
        raise DataError(f"Could not download {title}: no network connection; using the bundled copy instead.")
    raise DataError(
        f"Could not download {title} ({'; '.join(errors)}); using the bundled copy instead."
    )


def _verified(data: bytes, remote: RemoteFile) -> str | None:
    """None when the file is the published one; otherwise what is wrong, as the end of a sentence."""
    if not data.startswith(GZIP_MAGIC):
        return "is not a gzip file"
    md5_ok = hashlib.md5(data, usedforsecurity=False).hexdigest() == remote.gz_md5
    try:
        raw = gunzip(data, Path(remote.name))
    except DataError:
        return "is damaged (it does not decompress)"
    sha_ok = remote.raw_sha256 is not None and hashlib.sha256(raw).hexdigest() == remote.raw_sha256
    if not (md5_ok or sha_ok):
        return "does not match the published checksum"
    try:
        array = parse_idx(raw, Path(remote.name))
    except DataError:
        return "is not a valid IDX file"
    if array.shape != remote.shape:
        return f"has shape {array.shape} instead of {remote.shape}"
    return None


def _write_atomic(target: Path, data: bytes) -> None:
    try:
        atomic_write(target, data)
    except OSError as exc:
        raise DataError(f"The downloaded file '{target.name}' could not be saved ({exc.strerror or exc}).") from exc
