"""The dashboard says "Overfitting" when a run's curves show it, in the hints strip above the plots."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from nnbuilder.project import DataConfig, Edge, Graph, Node, OptimizerConfig, Project, TrainingConfig

from .helpers import shown_harness
from .test_training_controller import wait_done


def _memoriser(epochs: int, validation_split: float = 0.5) -> Project:
    """A 64-64 MLP on 40 noisy spiral points: it learns them by heart within a few dozen epochs."""
    g = Graph()
    layers = [("input", "Input", {"shape": [2]}), ("h1", "Dense", {"units": 64, "activation": "relu"}),
              ("h2", "Dense", {"units": 64, "activation": "relu"}),
              ("out", "Dense", {"units": 2, "activation": "softmax"})]
    for i, (nid, typ, params) in enumerate(layers):
        g.add_node(Node(nid, typ, params, (i * 200.0, 0.0)))
        if i:
            g.add_edge(Edge(layers[i - 1][0], nid))
    return Project(graphs=[g], data=DataConfig("spiral", {"samples": 80, "noise": 0.5, "seed": 1}),
                   training=TrainingConfig(loss="sparse_categorical_crossentropy",
                                           optimizer=OptimizerConfig("adam", 0.01), epochs=epochs, batch_size=8,
                                           validation_split=validation_split, seed=0))


def _train(qtbot: Any, project: Project) -> Any:
    harness = shown_harness(qtbot, project)
    c = harness.controller
    c.warm_up()
    with qtbot.waitSignal(c.run_finished, timeout=120_000):
        assert c.train()
    wait_done(qtbot, c)
    c.dashboard.refresh_now()
    assert harness.errors == []
    return c.dashboard.panels["hints"]


def test_an_overfitting_run_gets_the_hint(qtbot: Any) -> None:
    banner = _train(qtbot, _memoriser(30))
    texts = banner.texts()
    assert any(t.startswith("Overfitting: the validation loss has risen") for t in texts), texts
    assert banner.isVisible() and "Dropout" in banner.label.text()
    shown = QTextDocument()  # what the label renders, as a student reads it
    shown.setHtml(banner.label.text())
    assert banner.label.textFormat() == Qt.TextFormat.RichText
    assert "with 'restore best weights'" in shown.toPlainText() and "&#" not in shown.toPlainText()


def test_a_short_run_that_does_not_overfit_stays_quiet(qtbot: Any) -> None:
    banner = _train(qtbot, _memoriser(3))
    assert not any(t.startswith("Overfitting") for t in banner.texts())
