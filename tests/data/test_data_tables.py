"""CSV tables and .npz archives, good and broken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnbuilder.data import DataError, load_dataset

IRIS_LIKE = """sepal,petal,species
5.1,1.4,setosa
4.9,1.5,setosa
6.3,4.9,virginica
5.8,5.1,virginica
6.0,4.0,versicolor
5.5,3.9,versicolor
"""


def test_csv_string_target_is_classification(write_text) -> None:
    path = write_text("iris.csv", IRIS_LIKE)
    ds = load_dataset("csv_table", {"path": str(path)})
    assert ds.task == "classification"
    assert ds.class_names == ["setosa", "versicolor", "virginica"]
    assert ds.y.tolist() == [0, 0, 2, 2, 1, 1] and ds.y.dtype == np.int64
    assert ds.x.shape == (6, 2) and ds.x.dtype == np.float32
    np.testing.assert_allclose(ds.x.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(ds.x.std(axis=0), 1, atol=1e-5)
    assert ds.extra["mean"][0] == pytest.approx(np.mean([5.1, 4.9, 6.3, 5.8, 6.0, 5.5]), rel=1e-6)
    assert ds.extra["columns"] == ["sepal", "petal"] and ds.extra["target"] == "species"
    raw = load_dataset("csv_table", {"path": str(path), "scaling": "none"})
    assert raw.x[:, 0].tolist() == pytest.approx([5.1, 4.9, 6.3, 5.8, 6.0, 5.5])
    unit = load_dataset("csv_table", {"path": str(path), "scaling": "minmax"})
    assert unit.x[:, 0].tolist() == pytest.approx([(v - 4.9) / 1.4 for v in (5.1, 4.9, 6.3, 5.8, 6.0, 5.5)])
    assert unit.x.min(axis=0).tolist() == [0, 0] and unit.x.max(axis=0).tolist() == [1, 1]
    assert unit.extra["scaling"] == "minmax" and unit.extra["min"].tolist() == pytest.approx([4.9, 1.4])
    assert unit.extra["range"].tolist() == pytest.approx([1.4, 3.7]) and "mean" not in unit.extra


def test_csv_integer_and_float_targets(write_text) -> None:
    ints = write_text("stars.csv", "f,stars\n0.5,5\n0.1,1\n0.3,3\n0.2,1\n")
    ds = load_dataset("csv_table", {"path": str(ints)})
    assert ds.task == "classification" and ds.class_names == ["1", "3", "5"] and ds.y.tolist() == [2, 0, 1, 0]
    floats = write_text("price.csv", "size;rooms;price\n50;2;100.5\n70;3;150.25\n90;4;210\n")
    reg = load_dataset("csv_table", {"path": str(floats), "scaling": "none"})
    assert reg.task == "regression" and reg.class_names is None and reg.num_classes is None
    assert reg.y.shape == (3, 1) and reg.y.dtype == np.float32 and reg.y[:, 0].tolist() == [100.5, 150.25, 210.0]
    many = write_text("many.csv", "a,b\n" + "".join(f"{i},{i * 7}\n" for i in range(30)))
    assert load_dataset("csv_table", {"path": str(many)}).task == "regression"  # 30 distinct whole numbers
    forced = load_dataset("csv_table", {"path": str(ints), "task": "regression"})
    assert forced.task == "regression" and forced.y[:, 0].tolist() == [5, 1, 3, 1]


def test_csv_headerless_and_target_by_index(write_text) -> None:
    path = write_text("plain.csv", "1,2,0\n3,4,1\n5,6,0\n")
    ds = load_dataset("csv_table", {"path": str(path), "scaling": "none"})
    assert ds.extra["columns"] == ["column 1", "column 2"] and ds.y.tolist() == [0, 1, 0]
    first = load_dataset("csv_table", {"path": str(path), "target": 0, "scaling": "none"})
    assert first.extra["target"] == "column 1" and first.x[:, 0].tolist() == [2, 4, 6]
    assert first.class_names == ["1", "3", "5"]


def test_csv_table_errors(write_text) -> None:
    path = write_text("iris.csv", IRIS_LIKE)
    with pytest.raises(DataError, match=r"'iris\.csv' has no column 'colour' \(option 'target'\)"):
        load_dataset("csv_table", {"path": str(path), "target": "colour"})
    bad = write_text("bad.csv", "a,b,label\n1,2,x\n3,four,y\n")
    with pytest.raises(DataError, match=r"'bad\.csv' line 3, column 'b': 'four' is not a number"):
        load_dataset("csv_table", {"path": str(bad)})
    ragged = write_text("ragged.csv", "a,b,label\n1,2,x\n3,4,y,extra\n")
    with pytest.raises(DataError, match=r"'ragged\.csv' line 3 has 4 values but the first row has 3"):
        load_dataset("csv_table", {"path": str(ragged)})
    hole = write_text("hole.csv", "a,b,label\n1,,x\n3,4,y\n")
    with pytest.raises(DataError, match=r"'hole\.csv' line 2, column 'b' has a missing value"):
        load_dataset("csv_table", {"path": str(hole)})
    no_target = write_text("notarget.csv", "a,label\n1,x\n3,\n")
    with pytest.raises(DataError, match=r"'notarget\.csv' line 3, column 'label' \(the target\) is empty"):
        load_dataset("csv_table", {"path": str(no_target)})
    empty = write_text("empty.csv", "\n\n")
    with pytest.raises(DataError, match=r"'empty\.csv' is empty"):
        load_dataset("csv_table", {"path": str(empty)})
    one_class = write_text("one.csv", "a,label\n1,x\n3,x\n")
    with pytest.raises(DataError, match=r"only one class"):
        load_dataset("csv_table", {"path": str(one_class)})


def test_npz_classification_with_test_arrays(tmp_path: Path) -> None:
    path = tmp_path / "digits.npz"
    x = np.arange(24, dtype=np.uint8).reshape(6, 2, 2)
    np.savez(path, x=x, y=np.array([0, 1, 2, 0, 1, 2]), x_test=x[:2], y_test=np.array([2, 1]))
    ds = load_dataset("npz", {"path": "digits.npz"}, base_dir=tmp_path)
    assert ds.task == "classification" and ds.x.dtype == np.float32 and ds.x.shape == (6, 2, 2)
    assert ds.x_test is not None and ds.x_test.shape == (2, 2, 2) and ds.y_test.tolist() == [2, 1]
    assert ds.num_classes == 3 and ds.y.dtype == np.int64


def test_npz_regression_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "reg.npz"
    np.savez(path, inputs=np.ones((4, 3)), target=np.array([0.5, 1.5, 2.5, 3.5]))
    ds = load_dataset("npz", {"path": str(path), "x_key": "inputs", "y_key": "target"})
    assert ds.task == "regression" and ds.y.shape == (4, 1) and ds.y.dtype == np.float32
    assert ds.x_test is None


def test_npz_errors(tmp_path: Path) -> None:
    path = tmp_path / "keys.npz"
    np.savez(path, a=np.ones(3), b=np.ones(3))
    with pytest.raises(DataError, match=r"'keys\.npz' has no array named 'x'.*it has a, b"):
        load_dataset("npz", {"path": str(path)})
    objects = tmp_path / "objects.npz"
    np.savez(objects, x=np.array([{"a": 1}, None], dtype=object), y=np.array([0, 1]))
    with pytest.raises(DataError, match=r"'objects\.npz' holds Python objects"):
        load_dataset("npz", {"path": str(objects)})
    counts = tmp_path / "counts.npz"
    np.savez(counts, x=np.ones((5, 2)), y=np.zeros(4, dtype=int))
    with pytest.raises(DataError, match=r"'counts\.npz' has 5 rows in 'x' but 4 in 'y'"):
        load_dataset("npz", {"path": str(counts)})
    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(DataError, match=r"'text\.npz' is not a NumPy \.npz archive"):
        load_dataset("npz", {"path": str(text)})
    single = tmp_path / "single.npy"
    np.save(single, np.ones(3))
    with pytest.raises(DataError, match=r"'single\.npy' is a single \.npy array"):
        load_dataset("npz", {"path": str(single)})
    nan = tmp_path / "nan.npz"
    np.savez(nan, x=np.array([[1.0], [np.nan]]), y=np.array([0, 1]))
    with pytest.raises(DataError, match=r"'x' in 'nan\.npz' contains NaN"):
        load_dataset("npz", {"path": str(nan)})
    with pytest.raises(DataError, match="does not exist"):
        load_dataset("npz", {"path": str(tmp_path / "absent.npz")})
