"""Fixtures for the trainer tests: small projects built in code, and one thread for torch.

Each test trains tiny networks, where a second intra-op thread only adds synchronisation (and on a
busy 2-core machine it can make a step 10x slower); one thread keeps the folder fast and its timing steady.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from nnbuilder.data import Dataset
from nnbuilder.project import Edge, Graph, Node, Project, TrainingConfig, load_project
from tests.conftest import EXAMPLES


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def chain_project(layers: list[tuple[str, dict]], input_shape: list[int], **training: object) -> Project:
    """Input -> layers... as a project; ``training`` overrides TrainingConfig fields (optimizer as a dict)."""
    g = Graph()
    g.add_node(Node("input", "Input", {"shape": input_shape}))
    prev = "input"
    for i, (typ, params) in enumerate(layers):
        nid = f"layer{i}"
        g.add_node(Node(nid, typ, dict(params)))
        g.add_edge(Edge(prev, nid))
        prev = nid
    cfg = TrainingConfig()
    optimizer = training.pop("optimizer", None)
    for key, value in training.items():
        setattr(cfg, key, value)
    if isinstance(optimizer, dict):
        for key, value in optimizer.items():
            setattr(cfg.optimizer, key, value)
    return Project(name="test", graphs=[g], training=cfg)


def blobs_dataset(n: int = 256, seed: int = 0, task: str = "classification", test: bool = True) -> Dataset:
    """Two well separated Gaussian clouds in 2-D, labels 0/1."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = (rng.normal(0.0, 0.5, (n, 2)) + np.where(y[:, None] == 1, 2.0, -2.0)).astype(np.float32)
    xt = yt = None
    if test:
        yt = rng.integers(0, 2, 64)
        xt = (rng.normal(0.0, 0.5, (64, 2)) + np.where(yt[:, None] == 1, 2.0, -2.0)).astype(np.float32)
    return Dataset(id="blobs_test", title="test blobs", task=task, x=x, y=y.astype(np.int64), x_test=xt,
                   y_test=None if yt is None else yt.astype(np.int64), class_names=["a", "b"])


def regression_dataset(n: int = 512, seed: int = 0) -> Dataset:
    """y = 3·x0 − 2·x1 + 0.5 plus a little noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    y = (3 * x[:, :1] - 2 * x[:, 1:] + 0.5 + rng.normal(0, 0.05, (n, 1))).astype(np.float32)
    return Dataset(id="line", title="line", task="regression", x=x, y=y, x_test=x[:64], y_test=y[:64],
                   class_names=None)


def mlp_project(**training: object) -> Project:
    training.setdefault("loss", "sparse_categorical_crossentropy")
    training.setdefault("validation_split", 0.25)
    training.setdefault("epochs", 3)
    training.setdefault("batch_size", 16)
    training.setdefault("optimizer", {"lr": 0.05})
    return chain_project([("Dense", {"units": 8, "activation": "relu"}),
                          ("Dense", {"units": 2, "activation": "softmax"})], [2], **training)


def example(name: str) -> Project:
    return load_project(EXAMPLES / f"{name}.nnb")


def start_fit(trainer: object) -> tuple[threading.Thread, list[object]]:
    """Run ``trainer.fit()`` in a thread, as the app's worker does; the result lands in the returned list."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(trainer.fit()), daemon=True)  # type: ignore[attr-defined]
    thread.start()
    return thread, result


def wait_for(condition: object, timeout: float = 20.0) -> float:
    """Seconds until condition() holds (polled every ms); fails the test when it never does."""
    start = time.perf_counter()
    while not condition():  # type: ignore[operator]
        assert time.perf_counter() - start < timeout, "timed out"
        time.sleep(0.001)
    return time.perf_counter() - start
