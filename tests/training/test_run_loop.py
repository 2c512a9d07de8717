"""The run loop as callers see it: interval aggregates, one split, a second fit after stop, plain faults."""

from __future__ import annotations

import threading

import numpy as np

from nnbuilder.training import BatchEnd, EpochEnd, Failed, Finished, Trainer, TrainingStarted
from tests.training.conftest import blobs_dataset, chain_project, mlp_project


def test_batch_events_carry_interval_means_that_add_up_to_the_epoch() -> None:
    events: list[object] = []
    trainer = Trainer(mlp_project(epochs=2, batch_size=4), dataset=blobs_dataset(400), device="cpu",
                      callback=events.append, batch_event_interval=0.0)  # an event after every batch
    result = trainer.fit()
    assert isinstance(result, Finished)
    started = next(e for e in events if isinstance(e, TrainingStarted))
    assert started.step == "supervised" and started.losses == ["loss"] and "boundary" in started.views
    for epoch in (1, 2):
        batches = [e for e in events if isinstance(e, BatchEnd) and e.epoch == epoch]
        logs = next(e for e in events if isinstance(e, EpochEnd) and e.epoch == epoch).logs
        weighted = sum(b.losses["loss"] * b.samples for b in batches) / sum(b.samples for b in batches)
        assert abs(weighted - logs["loss"]) < 1e-5
        correct = sum(b.metrics["accuracy"] * b.samples for b in batches) / sum(b.samples for b in batches)
        assert abs(correct - logs["accuracy"]) < 1e-9
        assert abs(batches[-1].running["loss"] - logs["loss"]) < 1e-6  # running = epoch so far
        assert batches[-1].loss == batches[-1].running["loss"]


def test_the_split_is_computed_once_and_shared() -> None:
    ds = blobs_dataset(200)
    trainer = Trainer(mlp_project(validation_split=0.25), dataset=ds, device="cpu")
    split = trainer.split
    train, val = ds.split_indices(0.25, 0)
    assert np.array_equal(split.train, train) and np.array_equal(split.val, val)
    assert split.test_is_separate and split.num_train + split.num_val == 200
    assert not split.train.flags.writeable
    trainer.fit(epochs=1)
    assert trainer.split is split  # the same object: nobody recomputes it
    assert trainer._prep.n_train == split.num_train


def test_fit_after_a_stop_trains_again() -> None:
    trainer = Trainer(mlp_project(epochs=2), dataset=blobs_dataset(), device="cpu")
    first = trainer.fit()
    trainer.stop()  # nothing is running: must not stop the next run
    second = trainer.fit()
    assert isinstance(first, Finished) and isinstance(second, Finished)
    assert not second.stopped_by_user and len(second.history) == 2


def test_a_chain_of_relus_says_it_has_nothing_to_learn() -> None:
    project = chain_project([("ReLU", {}), ("ReLU", {})], [2], loss="sparse_categorical_crossentropy")
    result = Trainer(project, dataset=blobs_dataset(), device="cpu").fit()
    assert isinstance(result, Failed) and result.kind == "model"
    assert "no trainable parameters" in result.message and "frozen" not in result.message
    frozen = mlp_project()
    for node in frozen.graphs[0].nodes:
        node.trainable = False
    result = Trainer(frozen, dataset=blobs_dataset(), device="cpu").fit()
    assert isinstance(result, Failed) and "frozen" in result.message


def test_one_step_by_hand_while_paused() -> None:
    events: list[object] = []
    trainer = Trainer(mlp_project(epochs=50, batch_size=1), dataset=blobs_dataset(2000, test=False), device="cpu",
                      callback=events.append)
    trainer.pause()
    thread = threading.Thread(target=trainer.fit, daemon=True)
    thread.start()
    while not trainer.is_paused:
        thread.join(0.005)
    layer = trainer.model.get_submodule("layer0")[0]
    before = layer.weight.detach().clone()
    trainer.step_once("both")
    while not any(isinstance(e, BatchEnd) and e.manual for e in events):
        thread.join(0.005)
    manual = [e for e in events if isinstance(e, BatchEnd) and e.manual]
    assert len(manual) == 1 and manual[0].manual == "both" and np.isfinite(manual[0].losses["loss"])
    assert not layer.weight.detach().equal(before)  # one update happened
    assert trainer.is_paused  # and the run stays paused
    trainer.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_faults_are_classified_by_class() -> None:
    import torch

    from nnbuilder.compiler import CompileError
    from nnbuilder.data import DataError
    from nnbuilder.training import TrainingError
    from nnbuilder.training.faults import describe_error, describe_fault

    assert describe_fault(torch.OutOfMemoryError("CUDA out of memory"), 64)[1] == "oom"
    assert "batch size (now 64)" in describe_fault(MemoryError(), 64)[0]
    assert describe_fault(RuntimeError("mat1 and mat2 shapes cannot be multiplied (4x3 and 2x8)"), 4)[1] == "model"
    assert describe_fault(IndexError("Target 7 is out of bounds."), 4)[1] == "data"
    assert describe_fault(TrainingError("plain words", kind="data"), 4) == ("plain words", "data")
    assert describe_error(DataError("The file 'x.csv' does not exist.")) == ("The file 'x.csv' does not exist.", "data")
    assert describe_error(CompileError("The network cannot be built yet: ..."))[1] == "model"
    assert describe_error(FileNotFoundError(2, "No such file"))[1] == "data"
    assert describe_error(ValueError("odd"))[0] == "Training stopped because of an error (ValueError): odd"
