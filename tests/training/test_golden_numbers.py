"""The same seed gives the same numbers: histories recorded from the trainer before its run loop was rebuilt.

``golden_numbers.json`` holds, per bundled example (a few epochs, on the CPU, one torch thread), every
epoch's logs, the test logs, the best epoch and the training-set evaluation after the run. A change to the
training core that moves any of them changed what a student sees for the same project and seed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nnbuilder.data import Dataset, load_dataset
from nnbuilder.training import Finished, Trainer
from tests.training.conftest import example

GOLDEN = json.loads((Path(__file__).parent / "golden_numbers.json").read_text(encoding="utf-8"))


def _fashion_subset() -> Dataset:
    ds = load_dataset("fashion_mnist", {"normalize": True})
    return Dataset(id=ds.id, title=ds.title, task=ds.task, x=ds.x[:1200], y=ds.y[:1200], x_test=ds.x_test[:300],
                   y_test=ds.y_test[:300], class_names=ds.class_names)


def _run(name: str) -> tuple[Finished, Trainer]:
    epochs = {"linear_neuron_sse": 10, "spiral_playground": 4, "karate_club_gcn": 30, "fashion_mnist_mlp": 2,
              "skip_connection_moons": 3}
    project = example("spiral_playground" if name == "spiral_early" else name)
    if name in epochs:
        project.training.epochs = epochs[name]
    if name == "spiral_early":
        t = project.training
        t.epochs = 12
        t.early_stopping.enabled = True
        t.early_stopping.patience = 2
        t.early_stopping.monitor = "val_accuracy"
        t.optimizer.schedule = "step"
        t.optimizer.step_size = 3
    trainer = Trainer(project, device="cpu", dataset=_fashion_subset() if name == "fashion_mnist_mlp" else None)
    result = trainer.fit()
    assert isinstance(result, Finished), result
    return result, trainer


def _close(actual: Any, expected: Any) -> Any:
    if isinstance(expected, dict):
        return {k: _close(actual.get(k) if isinstance(actual, dict) else None, v) for k, v in expected.items()}
    if isinstance(expected, float):
        return pytest.approx(expected, rel=1e-6, abs=1e-9)
    return expected


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_same_seed_same_numbers(name: str) -> None:
    golden = GOLDEN[name]
    result, trainer = _run(name)
    history = [{k: v for k, v in h.items() if k != "seconds"} for h in result.history]
    assert len(history) == len(golden["history"])
    for got, want in zip(history, golden["history"], strict=True):
        assert set(got) == set(want)
        assert got == _close(got, want)
    assert result.best_epoch == golden["best_epoch"]
    assert result.stopped_early == golden["stopped_early"]
    if golden["test"] is None:
        assert result.test_logs is None
    else:
        assert result.test_logs == _close(result.test_logs, golden["test"])
    train_eval = trainer.evaluate("train")
    assert train_eval == _close(train_eval, golden["train_eval"])
