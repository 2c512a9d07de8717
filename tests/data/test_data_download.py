"""download_dataset without the network: file:// mirrors and a fake opener."""

from __future__ import annotations

import gzip
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from nnbuilder.data import DataError, download_dataset
from nnbuilder.data import download as download_module
from nnbuilder.data.idx import read_idx
from nnbuilder.paths import data_dir


def test_download_from_local_mirror_verifies_and_is_idempotent(tmp_path: Path, monkeypatch) -> None:
    mirror = (data_dir() / "fashion-mnist").as_uri()
    calls: list[tuple[int, int]] = []
    folder = download_dataset("fashion_mnist", progress=lambda d, t: calls.append((d, t)),
                              cache_dir=tmp_path, base_urls=[mirror])
    assert folder == tmp_path / "fashion-mnist"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                     "train-labels-idx1-ubyte.gz"]
    assert read_idx(folder / "t10k-labels-idx1-ubyte.gz", cache=False)[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == sum(p.stat().st_size for p in folder.iterdir())
    assert all(d <= t for d, t in calls)

    def no_network(*args, **kwargs):
        raise AssertionError("verified files must not be fetched again")

    monkeypatch.setattr(download_module, "_urlopen", no_network)
    assert download_dataset("fashion_mnist", cache_dir=tmp_path) == folder


def test_offline_raises_friendly_error(tmp_path: Path, monkeypatch) -> None:
    def offline(url: str, timeout: float):
        raise urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(download_module, "_urlopen", offline)
    with pytest.raises(DataError, match="no network connection; using the bundled copy"):
        download_dataset("mnist", cache_dir=tmp_path)
    assert list((tmp_path / "mnist").iterdir()) == []


def test_checksum_mismatch_is_rejected(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    fake = np.zeros((60000, 28, 28), dtype=np.uint8)
    header = bytes([0, 0, 8, 3]) + (60000).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
    (mirror / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(header + fake.tobytes(), 1))
    with pytest.raises(DataError, match=r"'train-images-idx3-ubyte\.gz' does not match the published checksum"):
        download_dataset("fashion_mnist", cache_dir=tmp_path / "cache", base_urls=[mirror.as_uri()])
    assert not any((tmp_path / "cache" / "fashion-mnist").iterdir())


def test_unknown_download() -> None:
    with pytest.raises(DataError, match="'cora' cannot be downloaded"):
        download_dataset("cora")
