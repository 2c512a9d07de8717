"""The catalogue, option validation, error wrapping and import hygiene."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnbuilder.data import DataError, list_datasets, load_dataset, validate_options
from nnbuilder.data import registry as registry_module

EXPECTED_IDS = {
    "circle", "xor", "gaussians", "spiral", "moons", "blobs", "ring8", "fashion_mnist", "mnist_test", "household_power",
    "karate_club", "cora", "idx", "npz", "csv_table", "csv_series", "image_folder",
}
CATEGORIES = {"Generated 2-D", "Images", "Time series", "Graphs", "Files"}
KINDS = {"int", "float", "bool", "choice", "str", "path", "column", "columns"}


def test_catalogue_describes_every_dataset() -> None:
    infos = list_datasets()
    assert {i.id for i in infos} == EXPECTED_IDS and len(infos) == len(EXPECTED_IDS)
    for info in infos:
        assert info.category in CATEGORIES and info.title and info.description
        assert info.task in ("classification", "regression", "node_classification")
        for spec in info.options:
            assert spec.kind in KINDS and spec.doc, (info.id, spec.name)
            if spec.kind == "choice":
                assert spec.default in spec.choices
            if spec.range is not None:
                assert spec.range[0] <= spec.default <= spec.range[1]
        if not any(s.required for s in info.options):
            assert validate_options(info, None) == info.defaults()
    by_id = {i.id: i for i in infos}
    assert {s.name for s in by_id["household_power"].options} >= {
        "resolution", "columns", "target", "window", "horizon", "stride", "scaling"}
    assert [i.category for i in infos if i.id in ("idx", "npz", "csv_table", "csv_series", "image_folder")] == [
        "Files"] * 5


def test_unknown_dataset_and_options() -> None:
    with pytest.raises(DataError, match=r"no data set called 'imagenet'"):
        load_dataset("imagenet")
    with pytest.raises(DataError, match=r"'circle' has no option 'nosie'.*samples, noise, seed"):
        load_dataset("circle", {"nosie": 0.1})
    with pytest.raises(DataError, match=r"option 'samples' of 'circle' must be a whole number, not 'many'"):
        load_dataset("circle", {"samples": "many"})
    with pytest.raises(DataError, match=r"option 'samples' of 'circle' must be between 4 and 100,000"):
        load_dataset("circle", {"samples": 1})
    with pytest.raises(DataError, match=r"option 'samples'.*whole number, not 10\.5"):
        load_dataset("circle", {"samples": 10.5})
    with pytest.raises(DataError, match=r"option 'normalize' of 'fashion_mnist' must be true or false"):
        load_dataset("fashion_mnist", {"normalize": "yes"})
    with pytest.raises(DataError, match=r"option 'resolution'.*one of 'hourly', 'minute'"):
        load_dataset("household_power", {"resolution": "daily"})
    with pytest.raises(DataError, match=r"option 'path' of 'csv_table' is required"):
        load_dataset("csv_table")
    with pytest.raises(DataError, match=r"option 'noise'.*not nan"):
        load_dataset("xor", {"noise": float("nan")})
    assert load_dataset("circle", {"samples": 20.0}).x.shape == (20, 2)  # 20.0 from JSON is a whole number


def test_relative_paths_use_base_dir(tmp_path: Path, write_text) -> None:
    write_text("t.csv", "a,b\n1,0\n2,1\n")
    ds = load_dataset("csv_table", {"path": "t.csv"}, base_dir=tmp_path)
    assert ds.extra["source"] == str(tmp_path / "t.csv")


def test_unexpected_errors_become_data_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    table = registry_module._registry()
    info, _ = table["circle"]

    def broken(options: dict) -> None:
        raise ValueError("boom")

    monkeypatch.setitem(table, "circle", (info, broken))
    with pytest.raises(DataError, match=r"'Circle' could not be loaded \(ValueError: boom\)") as caught:
        load_dataset("circle")
    assert isinstance(caught.value.__cause__, ValueError)


def test_import_is_light() -> None:
    code = (
        "import sys, nnbuilder.data as d; d.list_datasets(); d.load_dataset('circle');"
        "bad = [m for m in ('torch', 'PIL', 'PySide6', 'pyqtgraph') if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("dataset_id", ["circle", "xor", "gaussians", "spiral", "moons", "blobs"])
def test_generated_sets(dataset_id: str) -> None:
    ds = load_dataset(dataset_id)
    assert ds.x.shape == (500, 2) and ds.x.dtype == np.float32 and ds.y.dtype == np.int64
    assert np.bincount(ds.y).tolist() == [250, 250] and ds.num_classes == 2
    assert np.abs(ds.x).max() < 7.0
    again = load_dataset(dataset_id)
    assert np.array_equal(again.x, ds.x) and np.array_equal(again.y, ds.y)
    other = load_dataset(dataset_id, {"seed": 1, "samples": 101})
    assert other.x.shape == (101, 2) and np.bincount(other.y).tolist() == [50, 51]
    assert not np.array_equal(other.x[:100], ds.x[:100])
    assert ds.y[:20].min() == 0 and ds.y[:20].max() == 1  # shuffled: classes mixed early on


def test_generated_shapes_are_what_they_claim() -> None:
    circle = load_dataset("circle", {"noise": 0.0})
    r = np.hypot(circle.x[:, 0], circle.x[:, 1])
    assert r[circle.y == 1].max() <= 2.5 + 1e-5 and r[circle.y == 0].min() >= 3.5 - 1e-5
    xor = load_dataset("xor", {"noise": 0.0})
    assert np.array_equal(xor.y == 1, xor.x[:, 0] * xor.x[:, 1] > 0)
    blobs = load_dataset("blobs")
    w, b = perceptron(blobs.x, blobs.y)
    assert np.array_equal((blobs.x @ w + b > 0).astype(int), blobs.y)  # linearly separable


def perceptron(x: np.ndarray, y: np.ndarray, epochs: int = 100) -> tuple[np.ndarray, float]:
    w, b = np.zeros(2), 0.0
    sign = 2 * y - 1
    for _ in range(epochs):
        errors = 0
        for xi, si in zip(x, sign, strict=True):
            if si * (xi @ w + b) <= 0:
                w, b, errors = w + si * xi, b + si, errors + 1
        if errors == 0:
            break
    return w, b


def test_spiral_is_learnable_by_a_small_mlp() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # 500x16 matrices: extra threads only add contention
    try:
        accuracy = _train_spiral(torch)
    finally:
        torch.set_num_threads(threads)
    assert accuracy > 0.95


def _train_spiral(torch: Any) -> float:
    ds = load_dataset("spiral")
    x, y = torch.from_numpy(ds.x), torch.from_numpy(ds.y)
    net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                              torch.nn.Linear(16, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    for _ in range(800):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    return (net(x).argmax(1) == y).float().mean().item()


def test_split_is_seeded_and_disjoint() -> None:
    ds = load_dataset("moons", {"samples": 200})
    (xt, yt), (xv, yv) = ds.split(0.25, seed=7)
    (xt2, _), (xv2, _) = ds.split(0.25, seed=7)
    (_, _), (xv3, _) = ds.split(0.25, seed=8)
    assert len(xt) == 150 and len(xv) == 50 and len(yt) == 150 and len(yv) == 50
    assert np.array_equal(xv, xv2) and np.array_equal(xt, xt2) and not np.array_equal(xv, xv3)
    train_idx, val_idx = ds.split_indices(0.25, seed=7)
    assert not set(train_idx) & set(val_idx) and len(set(train_idx) | set(val_idx)) == 200
    (_, _), (xv4, _) = ds.split(0.25, seed=7, shuffle=False)
    assert np.array_equal(xv4, ds.x[150:])


def _example_datasets() -> list[tuple[str, str, dict]]:
    import json

    from nnbuilder.paths import examples_dir

    found: list[tuple[str, str, dict]] = []

    def walk(node: object, name: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("dataset"), str) and isinstance(node.get("options", {}), dict):
                found.append((name, node["dataset"], node.get("options", {})))
            for value in node.values():
                walk(value, name)
        elif isinstance(node, list):
            for value in node:
                walk(value, name)

    for path in sorted(examples_dir().glob("*.nnb")):
        walk(json.loads(path.read_text(encoding="utf-8")), path.name)
    return found


@pytest.mark.parametrize(("example", "dataset_id", "options"), _example_datasets() or [pytest.param(
    "", "", {}, marks=pytest.mark.skip(reason="no bundled examples"))])
def test_bundled_examples_name_valid_datasets(example: str, dataset_id: str, options: dict) -> None:
    info = next((i for i in list_datasets() if i.id == dataset_id), None)
    assert info is not None, f"{example} uses unknown data set {dataset_id!r}"
    validate_options(info, options)
