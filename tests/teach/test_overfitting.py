"""The overfitting hint fires on a real overfitting run and stays quiet on the lecture's 5 epochs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnbuilder.project import DataConfig, Edge, Graph, Node, OptimizerConfig, Project, TrainingConfig
from nnbuilder.teach.overfitting import first_hint, overfitting_hint
from nnbuilder.training import Trainer

# The epochs of ``nnbuilder train resources/examples/fashion_mnist_mlp.nnb --epochs 40 --json`` that finished on
# a CPU (the lecture's MLP, seed 0, validation split 0.3), one dict per epoch; see docs/examples.md.
LECTURE_RUN = Path(__file__).parent / "data" / "fashion_mnist_mlp_history.json"
# Loss and validation loss per epoch of resources/examples/spiral_playground.nnb (100 epochs) and
# fashion_mnist_mlp_40_epochs.nnb (40), as trained here with their seeds.
SPIRAL_RUN = Path(__file__).parent / "data" / "spiral_playground_history.json"
FORTY_EPOCHS_RUN = Path(__file__).parent / "data" / "fashion_mnist_mlp_40_epochs_history.json"


def small_spiral_run(epochs: int) -> list[dict[str, float]]:
    """A 64-64 MLP on 40 noisy spiral points: it learns them by heart within a few dozen epochs."""
    g = Graph()
    layers = [("input", "Input", {"shape": [2]}), ("h1", "Dense", {"units": 64, "activation": "relu"}),
              ("h2", "Dense", {"units": 64, "activation": "relu"}), ("out", "Dense", {"units": 2, "activation": "softmax"})]
    for i, (nid, typ, params) in enumerate(layers):
        g.add_node(Node(nid, typ, params, (i * 200.0, 0.0)))
        if i:
            g.add_edge(Edge(layers[i - 1][0], nid))
    project = Project(graphs=[g], data=DataConfig("spiral", {"samples": 80, "noise": 0.5, "seed": 1}),
                      training=TrainingConfig(loss="sparse_categorical_crossentropy",
                                              optimizer=OptimizerConfig("adam", 0.01), epochs=epochs, batch_size=8,
                                              validation_split=0.5, seed=0))
    trainer = Trainer(project)
    trainer.fit()
    return trainer.history


def test_fires_on_a_real_overfitting_run() -> None:
    history = small_spiral_run(30)
    hint = overfitting_hint(history)
    assert hint is not None
    assert hint.val_loss > hint.best_val_loss and hint.train_loss < hint.train_loss_at_best
    assert hint.rising_epochs >= 3
    assert "early stopping" in hint.message and "Dropout" in hint.message
    assert f"epoch {hint.best_epoch}" in hint.message


def test_quiet_on_the_lecture_5_epochs() -> None:
    history = json.loads(LECTURE_RUN.read_text())
    assert len(history) >= 5 and history[4]["val_loss"] < history[0]["val_loss"]
    for n in range(1, 6):
        assert overfitting_hint(history[:n]) is None
    first = first_hint(history)
    assert first is None or first.epoch > 5


def test_quiet_on_the_spiral_playground_whose_curves_lie_on_each_other() -> None:
    """Its 200 validation points wobble by ~0.01 an epoch: a dip to 0.033 at epoch 94 and 0.064 at epoch 100
    read as overfitting on the last epoch, and a bump at epoch 21 on its plateau did too."""
    history = json.loads(SPIRAL_RUN.read_text())
    assert len(history) == 100 and history[93]["val_loss"] < 0.035 < 0.06 < history[99]["val_loss"]
    assert [n for n in range(1, 101) if overfitting_hint(history[:n]) is not None] == []


def test_fires_once_the_forty_epoch_example_has_turned() -> None:
    """The overfitting example: lowest validation loss at epoch 15 (0.309), 0.420 at epoch 40. The hint said
    so at epoch 12 already, from a best of epoch 9 that epoch 15 beat; now it waits for the real turn."""
    history = json.loads(FORTY_EPOCHS_RUN.read_text())
    first = first_hint(history)
    assert first is not None and first.best_epoch == 15 and 17 <= first.epoch <= 20
    last = overfitting_hint(history)
    assert last is not None and last.best_epoch == 15 and last.val_loss > 0.4 and last.rising_epochs == 25
    assert all(overfitting_hint(history[:n]) is not None for n in range(24, 41))  # steady, not blinking


@pytest.mark.parametrize("history", [
    [{"loss": 1.0 - 0.1 * i, "val_loss": 1.0 - 0.08 * i} for i in range(8)],  # both falling
    [{"loss": 0.5, "val_loss": v} for v in (0.5, 0.45, 0.47, 0.44, 0.46, 0.43, 0.45)],  # noise around a fall
    [{"loss": 0.3 + 0.01 * i, "val_loss": 0.3 + 0.02 * i} for i in range(8)],  # both rising: not overfitting
    [{"loss": 0.4 - 0.01 * i} for i in range(8)],  # no validation data
    [{"loss": 1e-3 / (i + 1), "val_loss": 1e-4 * (1 + i)} for i in range(8)],  # tiny losses wobbling
])
def test_quiet_without_the_pattern(history: list[dict[str, float]]) -> None:
    assert overfitting_hint(history) is None
