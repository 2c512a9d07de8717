"""Small hostile data files are refused with a sentence instead of filling memory or misnaming the path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnbuilder.data import load_dataset
from nnbuilder.data.errors import DataError
from tests.data.conftest import idx_bytes


def test_a_1kb_idx_labels_file_with_a_huge_class_id_is_refused(tmp_path: Path) -> None:
    images = tmp_path / "images.idx"
    labels = tmp_path / "labels.idx"
    images.write_bytes(idx_bytes(np.zeros((4, 2, 2), dtype=np.uint8)))
    labels.write_bytes(idx_bytes(np.array([0, 1, 2, 2147483647]), 0x0C))
    assert labels.stat().st_size < 1024
    with pytest.raises(DataError, match=r"'labels.idx' go up to 2,147,483,647, but 4 labels"):
        load_dataset("idx", {"images": str(images), "labels": str(labels)})


def test_an_npz_whose_labels_reach_ten_to_the_twelve_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "data.npz"
    np.savez(f, x=np.zeros((3, 2), dtype=np.float32), y=np.array([0, 1, 10**12]))
    with pytest.raises(DataError, match=r"'data.npz' go up to 1,000,000,000,000"):
        load_dataset("npz", {"path": str(f)})


def test_a_few_gaps_in_class_ids_are_still_fine(tmp_path: Path) -> None:
    f = tmp_path / "data.npz"
    np.savez(f, x=np.zeros((3, 2), dtype=np.float32), y=np.array([0, 5, 999]))
    assert load_dataset("npz", {"path": str(f)}).num_classes == 1000


def test_dev_zero_as_a_csv_path_is_not_called_a_folder() -> None:
    with pytest.raises(DataError) as ei:
        load_dataset("csv_table", {"path": "/dev/zero"})
    assert "not a regular file" in str(ei.value) and "folder" not in str(ei.value)


def test_a_folder_as_a_csv_path_is_called_a_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is a folder"):
        load_dataset("csv_table", {"path": str(tmp_path)})
