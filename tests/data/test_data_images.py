"""Image loaders on the bundled data and on broken user files."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnbuilder.data import DataError, Dataset, load_dataset
from nnbuilder.data import idx as idx_module
from nnbuilder.data.idx import read_idx

MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_fashion_mnist_matches_source_md(fashion: Dataset) -> None:
    assert fashion.x.shape == (60000, 28, 28) and fashion.x.dtype == np.float32
    assert fashion.x_test is not None and fashion.y_test is not None
    assert fashion.x_test.shape == (10000, 28, 28) and fashion.x_test.dtype == np.float32
    assert fashion.y.dtype == np.int64 and fashion.y_test.dtype == np.int64
    assert np.bincount(fashion.y).tolist() == [6000] * 10
    assert np.bincount(fashion.y_test).tolist() == [1000] * 10
    assert fashion.y_test[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert fashion.x.min() == 0.0 and fashion.x.max() == 1.0
    assert fashion.num_classes == 10 and fashion.input_shape == (28, 28)
    assert fashion.class_names is not None and fashion.class_names[0] == "T-shirt/top"
    assert fashion.class_names[9] == "Ankle boot"
    assert "MIT" in fashion.attribution


def test_fashion_decoded_pixels_are_exact(fashion: Dataset) -> None:
    raw = read_idx(fashion_path("t10k-images-idx3-ubyte.gz"))
    assert raw.dtype == np.uint8 and raw.shape == (10000, 28, 28)
    np.testing.assert_allclose(fashion.x_test * 255.0, raw, atol=1e-4)


def fashion_path(name: str) -> Path:
    from nnbuilder.paths import data_dir

    return data_dir() / "fashion-mnist" / name


def test_mnist_test_split_and_counts() -> None:
    ds = load_dataset("mnist_test")
    assert ds.x.shape == (8000, 28, 28) and ds.x_test is not None and ds.x_test.shape == (2000, 28, 28)
    labels = np.concatenate([ds.y, ds.y_test])
    assert np.bincount(labels).tolist() == MNIST_TEST_COUNTS
    assert ds.y[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert ds.class_names == [str(d) for d in range(10)]
    whole = load_dataset("mnist_test", {"test_size": 0})
    assert whole.x.shape == (10000, 28, 28) and whole.x_test is None and whole.y_test is None


def test_layout_options() -> None:
    flat = load_dataset("mnist_test", {"flatten": True})
    assert flat.x.shape == (8000, 784) and flat.input_shape == (784,)
    chan = load_dataset("mnist_test", {"channels": True})
    assert chan.x.shape == (8000, 1, 28, 28) and chan.x_test is not None and chan.x_test.shape == (2000, 1, 28, 28)
    raw = load_dataset("mnist_test", {"normalize": False})
    assert raw.x.max() == 255.0 and raw.x.dtype == np.float32
    np.testing.assert_allclose(raw.x[:50] / 255.0, flat.x[:50].reshape(50, 28, 28), rtol=1e-6)
    with pytest.raises(DataError, match="flatten.*channels"):
        load_dataset("mnist_test", {"flatten": True, "channels": True})


def test_user_idx_files(small_idx: tuple[Path, Path, np.ndarray, np.ndarray]) -> None:
    images_path, labels_path, images, labels = small_idx
    ds = load_dataset("idx", {"images": images_path.name, "labels": labels_path.name}, base_dir=images_path.parent)
    assert ds.x.shape == (12, 5, 4) and ds.y.tolist() == labels.tolist()
    np.testing.assert_allclose(ds.x * 255.0, images, atol=1e-4)
    assert ds.class_names == ["0", "1", "2", "3"] and ds.num_classes == 4


def test_raw_uncompressed_idx(write_idx) -> None:
    images = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    img = write_idx("raw-images", images, compress=False)
    lab = write_idx("raw-labels", np.array([1, 0], dtype=np.uint8), compress=False)
    ds = load_dataset("idx", {"images": str(img), "labels": str(lab), "normalize": False})
    assert ds.x.tolist() == images.astype(np.float32).tolist()


def test_idx_bad_magic(write_text, small_idx) -> None:
    bad = write_text("notes.txt", "this is not an idx file at all")
    with pytest.raises(DataError, match=r"'notes\.txt' is not an IDX file.*magic"):
        load_dataset("idx", {"images": str(bad), "labels": str(small_idx[1])})


def test_idx_truncated(small_idx, tmp_path: Path) -> None:
    data = gzip.decompress(small_idx[0].read_bytes())
    cut = tmp_path / "cut-images.gz"
    cut.write_bytes(gzip.compress(data[:-7]))
    with pytest.raises(DataError, match=r"'cut-images\.gz' is truncated"):
        load_dataset("idx", {"images": str(cut), "labels": str(small_idx[1])})


def test_idx_truncated_gzip_stream(small_idx, tmp_path: Path) -> None:
    raw = small_idx[0].read_bytes()
    cut = tmp_path / "half.gz"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataError, match=r"'half\.gz' is a truncated gzip"):
        load_dataset("idx", {"images": str(cut), "labels": str(small_idx[1])})


def test_idx_label_count_mismatch(write_idx, small_idx) -> None:
    short = write_idx("short-labels.gz", np.zeros(11, dtype=np.uint8))
    with pytest.raises(DataError, match=r"label count.*'short-labels\.gz' has 11 labels.*'imgs\.gz' has 12 images"):
        load_dataset("idx", {"images": str(small_idx[0]), "labels": str(short)})


def test_idx_swapped_files(small_idx) -> None:
    with pytest.raises(DataError, match=r"'labs\.gz'.*swap"):
        load_dataset("idx", {"images": str(small_idx[1]), "labels": str(small_idx[0])})


def test_idx_missing_file(tmp_path: Path, small_idx) -> None:
    with pytest.raises(DataError, match=r"does not exist") as info:
        load_dataset("idx", {"images": "nope.gz", "labels": str(small_idx[1])}, base_dir=tmp_path)
    assert str(tmp_path / "nope.gz") in str(info.value)


def test_idx_extra_bytes(small_idx, tmp_path: Path) -> None:
    data = gzip.decompress(small_idx[1].read_bytes()) + b"\x00\x00"
    longer = tmp_path / "long-labels"
    longer.write_bytes(data)
    with pytest.raises(DataError, match=r"'long-labels' has 2 unexpected bytes"):
        load_dataset("idx", {"images": str(small_idx[0]), "labels": str(longer)})


def test_decode_cache_is_used_and_invalidated(small_idx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_cache = tmp_path / "own-cache"
    monkeypatch.setattr(idx_module, "CACHE_MIN_BYTES", 0)
    monkeypatch.setenv("NNBUILDER_CACHE", str(isolated_cache))
    images_path, labels_path, images, _ = small_idx
    read_idx(images_path)
    cached = list((isolated_cache / "decoded").glob("imgs.gz-*.npy"))
    assert len(cached) == 1
    # A cached copy with different content is served while the source is unchanged ...
    np.save(cached[0], np.full_like(images, 7))
    assert (read_idx(images_path) == 7).all()
    # ... and ignored once the source's mtime changes; the stale entry is replaced.
    st = images_path.stat()
    os.utime(images_path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert np.array_equal(read_idx(images_path), images)
    assert len(list((isolated_cache / "decoded").glob("imgs.gz-*.npy"))) == 1


def test_corrupt_cache_entry_is_ignored(small_idx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_cache = tmp_path / "own-cache"
    monkeypatch.setattr(idx_module, "CACHE_MIN_BYTES", 0)
    monkeypatch.setenv("NNBUILDER_CACHE", str(isolated_cache))
    images_path, _, images, _ = small_idx
    read_idx(images_path)
    (cached,) = (isolated_cache / "decoded").glob("imgs.gz-*.npy")
    cached.write_bytes(b"garbage")
    assert np.array_equal(read_idx(images_path), images)


def test_small_files_are_not_cached(small_idx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNBUILDER_CACHE", str(tmp_path / "own-cache"))
    assert np.array_equal(read_idx(small_idx[0]), small_idx[2])
    assert not (tmp_path / "own-cache").exists()


def test_bundled_files_are_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNBUILDER_CACHE", str(tmp_path / "own-cache"))
    load_dataset("mnist_test")
    names = sorted(p.name.split("-")[0] for p in (tmp_path / "own-cache" / "decoded").iterdir())
    assert names == ["t10k"]  # the 7.8 MB images file; the 10 kB labels file is not worth caching


def test_unwritable_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("NNBUILDER_CACHE", str(blocker / "cache"))  # cannot mkdir below a regular file
    ds = load_dataset("mnist_test")
    assert ds.y[:3].tolist() == [7, 2, 1] and ds.x.shape == (8000, 28, 28)
    assert not (blocker / "cache").exists()


def _png(path: Path, color: int | tuple[int, int, int], size: tuple[int, int], mode: str = "L") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)


def test_image_folder(tmp_path: Path) -> None:
    root = tmp_path / "pets"
    _png(root / "dog" / "a.png", 255, (10, 12))
    _png(root / "dog" / "b.jpg", (255, 255, 255), (40, 30), "RGB")
    _png(root / "cat" / "c.png", 0, (8, 8))
    (root / "cat" / "notes.txt").write_text("not an image")
    (root / ".hidden").mkdir()
    ds = load_dataset("image_folder", {"path": "pets", "size": 6}, base_dir=tmp_path)
    assert ds.class_names == ["cat", "dog"]
    assert ds.x.shape == (3, 6, 6) and ds.x.dtype == np.float32
    assert ds.y.tolist() == [0, 1, 1]
    assert ds.x[0].max() == 0.0 and ds.x[1].min() == 1.0 and ds.x[2].min() > 0.95
    colour = load_dataset("image_folder", {"path": str(root), "size": 6, "grayscale": False})
    assert colour.x.shape == (3, 3, 6, 6)
    chan = load_dataset("image_folder", {"path": str(root), "size": 6, "channels": True})
    assert chan.x.shape == (3, 1, 6, 6)


def test_image_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_dataset("image_folder", {"path": str(tmp_path / "missing")})
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match=r"'empty' has no class sub-folders"):
        load_dataset("image_folder", {"path": str(empty)})
    no_images = tmp_path / "noimg"
    (no_images / "a").mkdir(parents=True)
    (no_images / "a" / "readme.txt").write_text("hi")
    with pytest.raises(DataError, match=r"'noimg' has no images"):
        load_dataset("image_folder", {"path": str(no_images)})
    one_empty = tmp_path / "oneempty"
    _png(one_empty / "full" / "x.png", 3, (4, 4))
    (one_empty / "hollow").mkdir()
    with pytest.raises(DataError, match=r"class folder 'hollow' in 'oneempty' has no images"):
        load_dataset("image_folder", {"path": str(one_empty)})
    broken = tmp_path / "broken"
    _png(broken / "k" / "ok.png", 3, (4, 4))
    (broken / "k" / "bad.png").write_text("not really a png")
    with pytest.raises(DataError, match=r"image 'k/bad\.png' in 'broken' could not be read"):
        load_dataset("image_folder", {"path": str(broken)})
    a_file = tmp_path / "file.png"
    _png(a_file, 1, (2, 2))
    with pytest.raises(DataError, match=r"'file\.png' is a file"):
        load_dataset("image_folder", {"path": str(a_file)})
