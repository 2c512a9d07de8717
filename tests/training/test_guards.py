"""The NaN/inf guard, early stopping with best weights, checkpoints, and faults becoming Failed events."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from nnbuilder.training import EpochEnd, Failed, Finished, Trainer
from nnbuilder.training.callbacks import BestTracker, EarlyStopping
from tests.training.conftest import blobs_dataset, chain_project, mlp_project, regression_dataset


def test_huge_learning_rate_gives_a_nan_failure_with_a_sentence() -> None:
    project = chain_project([("Dense", {"units": 1})], [2], loss="mse", metrics=["mae"], epochs=3,
                            batch_size=8, validation_split=0.0, optimizer={"name": "sgd", "lr": 1e6})
    events: list[object] = []
    trainer = Trainer(project, dataset=regression_dataset(), device="cpu", callback=events.append)
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    result = trainer.fit()
    assert isinstance(result, Failed) and result.kind == "nan"
    assert result.epoch == 1 and result.batch is not None and result.batch >= 1
    assert f"at epoch 1 batch {result.batch}" in result.message
    assert "learning rate 1e+06 is probably too high" in result.message
    assert events[-1] is result
    # no good epoch yet: the weights are the ones training started from, and they are finite
    for k, v in trainer.model.state_dict().items():
        assert torch.isfinite(v).all() and v.equal(before[k]), k


def test_injected_inf_is_caught_at_its_batch_and_weights_go_back_to_the_last_good_epoch() -> None:
    project = mlp_project(epochs=3, batch_size=16, validation_split=0.0)
    trainer = Trainer(project, dataset=blobs_dataset(256), device="cpu")
    kept: dict[int, dict[str, torch.Tensor]] = {}
    trainer.callback = lambda e: kept.__setitem__(e.epoch, {k: v.clone() for k, v in
                                                            trainer.model.state_dict().items()}) \
        if isinstance(e, EpochEnd) else None
    calls = [0]

    def poison(_m: object, _inp: object, out: torch.Tensor) -> torch.Tensor:
        calls[0] += 1
        if calls[0] == 16 + 5:  # epoch 2 (16 batches per epoch), batch 5
            return out * float("inf")
        return out

    trainer.model.get_submodule("layer0").register_forward_hook(poison)  # inf hidden activations
    result = trainer.fit()
    assert isinstance(result, Failed) and result.kind == "nan"
    assert (result.epoch, result.batch) == (2, 5)
    assert result.message.startswith("Loss became NaN at epoch 2 batch 5") or \
        result.message.startswith("Loss became infinite at epoch 2 batch 5")
    assert len(trainer.history) == 1
    for k, v in trainer.model.state_dict().items():
        assert v.equal(kept[1][k]), k
    # training can start again afterwards
    assert isinstance(trainer.fit(epochs=1, continue_training=True), Failed | Finished)


def test_early_stopping_restores_the_best_epoch(monkeypatch: object) -> None:
    project = mlp_project(epochs=10, validation_split=0.25)
    es = project.training.early_stopping
    es.enabled, es.monitor, es.patience, es.restore_best = True, "val_loss", 2, True
    trainer = Trainer(project, dataset=blobs_dataset(), device="cpu")
    scripted = iter([1.0, 0.5, 0.6, 0.45, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2])
    monkeypatch.setattr(trainer.step, "_validate", lambda: {"loss": next(scripted), "accuracy": 0.5})  # type: ignore[attr-defined]
    weights: dict[int, dict[str, torch.Tensor]] = {}
    trainer.callback = lambda e: weights.__setitem__(e.epoch, {k: v.clone() for k, v in
                                                               trainer.model.state_dict().items()}) \
        if isinstance(e, EpochEnd) else None
    result = trainer.fit()
    assert isinstance(result, Finished)
    assert result.stopped_early and len(result.history) == 6  # best at 4, then 2 worse epochs
    assert result.best_epoch == 4
    for k, v in trainer.model.state_dict().items():
        assert v.equal(weights[4][k]), k
    assert not any(v.equal(weights[6][k]) for k, v in trainer.model.state_dict().items() if "weight" in k)
    assert "restored from the best epoch (4)" in result.message


def test_early_stopping_rules() -> None:
    stopper = EarlyStopping(BestTracker("val_accuracy", min_delta=0.01), patience=2)
    assert not stopper.update(1, {"val_accuracy": 0.5})
    assert not stopper.update(2, {"val_accuracy": 0.505})  # not better by more than min_delta
    assert stopper.update(3, {"val_accuracy": 0.4})
    assert stopper.tracker.best_epoch == 1
    tracker = BestTracker("val_loss")
    assert tracker.update(1, {"val_loss": 1.0}) and not tracker.update(2, {"val_loss": math.nan})
    assert tracker.update(3, {"val_loss": 0.5}) and tracker.best_epoch == 3


def test_early_stopping_without_validation_watches_the_training_loss() -> None:
    project = mlp_project(epochs=2, validation_split=0.0)
    project.training.early_stopping.enabled = True
    events: list[object] = []
    result = Trainer(project, dataset=blobs_dataset(), device="cpu", callback=events.append).fit()
    assert isinstance(result, Finished)
    assert any("watches 'loss'" in n for n in events[0].notes)


def test_best_checkpoint_is_written_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "best.safetensors"
    trainer = Trainer(mlp_project(epochs=3), dataset=blobs_dataset(), device="cpu", checkpoint_path=path)
    result = trainer.fit()
    assert isinstance(result, Finished) and path.is_file()
    assert trainer.best_epoch == result.best_epoch is not None
    other = Trainer(mlp_project(), dataset=blobs_dataset(), device="cpu")
    other.load_weights(path)
    for k, v in other.model.state_dict().items():
        assert v.equal(trainer.best_state[k]), k


def test_a_runtime_fault_becomes_failed_with_where_it_happened() -> None:
    trainer = Trainer(mlp_project(epochs=2), dataset=blobs_dataset(), device="cpu")

    def boom(_m: object, _inp: object) -> None:
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (16x3 and 2x8)")

    trainer.model.get_submodule("layer0").register_forward_pre_hook(boom)
    result = trainer.fit()
    assert isinstance(result, Failed) and result.kind == "model"
    assert result.message.startswith("Training stopped at epoch 1 batch 1: the network cannot process this data")


def test_out_of_memory_is_reported_as_oom() -> None:
    trainer = Trainer(mlp_project(epochs=1, batch_size=64), dataset=blobs_dataset(), device="cpu")

    def boom(_m: object, _inp: object) -> None:
        raise MemoryError()

    trainer.model.get_submodule("layer0").register_forward_pre_hook(boom)
    result = trainer.fit()
    assert isinstance(result, Failed) and result.kind == "oom" and "batch size (now 64)" in result.message


def test_same_seed_repeats_exactly_and_another_seed_does_not() -> None:
    def run(seed: int) -> tuple[list[float], list[float]]:
        project = chain_project([("Dense", {"units": 8, "activation": "relu"}), ("Dropout", {"rate": 0.2}),
                                 ("Dense", {"units": 2, "activation": "softmax"})], [2],
                                loss="sparse_categorical_crossentropy", epochs=3, batch_size=8,
                                validation_split=0.2, seed=seed)
        batches: list[float] = []
        trainer = Trainer(project, dataset=blobs_dataset(), device="cpu", batch_event_interval=0.0,
                          callback=lambda e: batches.append(e.loss) if hasattr(e, "samples_per_second") else None)
        result = trainer.fit()
        assert isinstance(result, Finished)
        return [h[k] for h in result.history for k in ("loss", "val_loss")], batches

    a, b, c = run(1), run(1), run(2)
    assert a == b
    assert len(a[1]) == 3 * 26  # every batch reported when the interval is 0 (205 samples / 8)
    assert a[0] != c[0]
    assert np.all(np.isfinite(a[0]))
