"""Restarting from a run's initial weights: the same start gives the same run; changed layers start fresh."""

from __future__ import annotations

from pathlib import Path

import torch

from nnbuilder.project import load_project
from nnbuilder.training import Trainer

ROOT = Path(__file__).resolve().parents[2]
SPIRAL = ROOT / "resources" / "examples" / "spiral_playground.nnb"
RING = ROOT / "resources" / "examples" / "gan_ring_2d.nnb"


def _spiral(seed: int = 0, epochs: int = 3):  # type: ignore[no-untyped-def]
    project = load_project(SPIRAL)
    project.training.epochs = epochs
    project.training.seed = seed
    return project


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[m].keys() == b[m].keys() and all(torch.equal(a[m][k], b[m][k]) for k in a[m]) for m in a)


def test_a_trainer_started_from_another_runs_weights_repeats_that_run_exactly() -> None:
    a = Trainer(_spiral(seed=0))
    start = a.initial_state()
    history_a = a.fit().history

    # Another seed gives other initial weights (and would give another run)...
    b = Trainer(_spiral(seed=3))
    assert not _same(b.initial_state(), start)
    b.config.seed = 0  # ...the batches in the same order as run A from here on
    assert b.start_from(start) == []
    assert _same(b.initial_state(), start)
    history_b = b.fit().history
    assert [row["loss"] for row in history_b] == [row["loss"] for row in history_a]
    assert [row["val_accuracy"] for row in history_b] == [row["val_accuracy"] for row in history_a]

    # and fit() without continue goes back to that start, not to the trainer's own seeded weights
    b.fit()
    assert [row["loss"] for row in b.history] == [row["loss"] for row in history_a]


def test_layers_that_changed_shape_start_fresh_and_are_named() -> None:
    start = Trainer(_spiral()).initial_state()
    project = _spiral()
    graph = project.graph()
    dense = [n for n in graph.nodes if n.type == "Dense"]
    dense[0].params["units"] = int(dense[0].params["units"]) + 3  # this layer and the next change shape
    changed = Trainer(project)
    own = changed.initial_state()
    fresh = changed.start_from(start)
    assert fresh and fresh[0] == dense[0].display_name
    assert len(fresh) == 2  # the resized layer and the one reading from it
    after = changed.initial_state()
    kept = [k for k in after["model"] if k in start["model"] and after["model"][k].shape == start["model"][k].shape]
    assert kept and all(torch.equal(after["model"][k], start["model"][k]) for k in kept)
    renewed = [k for k in after["model"] if k not in kept]
    assert renewed and all(torch.equal(after["model"][k], own["model"][k]) for k in renewed)


def test_a_gan_restarts_both_networks_from_the_same_weights() -> None:
    project = load_project(RING)
    project.training.epochs = 1
    a = Trainer(project)
    start = a.initial_state()
    assert set(start) == {"generator", "discriminator"}
    other = load_project(RING)
    other.training.seed = 11
    b = Trainer(other)
    assert not _same(b.initial_state(), start)
    assert b.start_from(start) == []
    assert _same(b.initial_state(), start)
