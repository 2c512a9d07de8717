"""Shared fixtures: an isolated decode cache, the (expensive) Fashion-MNIST load, and small file writers."""

from __future__ import annotations

import gzip
import os
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from nnbuilder.data import Dataset, load_dataset


def _test_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Same rule as tests/conftest.py: NNBUILDER_TEST_CACHE may keep decoded arrays between runs.
    return Path(os.environ.get("NNBUILDER_TEST_CACHE", str(tmp_path_factory.getbasetemp() / "cache")))


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the developer's real ~/.cache while testing (also if run without the root conftest)."""
    cache = _test_cache(tmp_path_factory)
    monkeypatch.setenv("NNBUILDER_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def fashion(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NNBUILDER_CACHE", str(_test_cache(tmp_path_factory)))
        return load_dataset("fashion_mnist")


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    dtype = {0x08: ">u1", 0x0C: ">i4", 0x0D: ">f4"}[type_code]
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.asarray(array).astype(dtype).tobytes()


@pytest.fixture
def write_idx(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, array: np.ndarray, compress: bool = True, type_code: int = 0x08) -> Path:
        data = idx_bytes(array, type_code)
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) if compress else data)
        return path

    return write


@pytest.fixture
def small_idx(write_idx: Callable[..., Path]) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    images = rng.integers(0, 256, (12, 5, 4), dtype=np.uint8)
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 3], dtype=np.uint8)
    return write_idx("imgs.gz", images), write_idx("labs.gz", labels), images, labels


@pytest.fixture
def write_text(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
