"""Pause, resume, stop and snapshots, requested from another thread while fit runs."""

from __future__ import annotations

import time

from nnbuilder.training import BatchEnd, Finished, Snapshot, Trainer
from tests.training.conftest import blobs_dataset, chain_project, mlp_project, start_fit, wait_for

# How fast requests are answered (within 100 ms) is measured by benchmarks/bench_control_latency.py;
# these tests check that they are answered, and what happens then.


def _long_run(callback: object = None) -> Trainer:
    # batch size 1 over 2,000 samples x 50 epochs: far longer than any test waits
    project = mlp_project(epochs=50, batch_size=1, validation_split=0.1)
    return Trainer(project, dataset=blobs_dataset(2000, test=False), device="cpu", callback=callback)




def test_pause_resume_stop_are_answered() -> None:
    batches: list[BatchEnd] = []
    trainer = _long_run(lambda e: batches.append(e) if isinstance(e, BatchEnd) else None)
    thread, result = start_fit(trainer)
    wait_for(lambda: len(batches) >= 2)

    trainer.pause()
    wait_for(lambda: trainer.is_paused)
    count = len(batches)
    time.sleep(0.2)
    assert len(batches) <= count + 1  # nothing trains while paused (one event may be in flight)
    paused_at = (batches[-1].epoch, batches[-1].batch)

    trainer.resume()
    wait_for(lambda: not trainer.is_paused)
    wait_for(lambda: (batches[-1].epoch, batches[-1].batch) != paused_at)

    trainer.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert isinstance(result[0], Finished) and result[0].stopped_by_user
    assert not trainer.is_running


def test_stop_while_paused() -> None:
    trainer = _long_run()
    thread, result = start_fit(trainer)
    wait_for(lambda: trainer.is_running)
    trainer.pause()
    wait_for(lambda: trainer.is_paused)
    trainer.stop()
    thread.join(5)
    assert isinstance(result[0], Finished) and result[0].stopped_by_user


def test_stop_during_the_first_batch() -> None:
    trainer = _long_run()
    calls = []

    def stop_in_forward(_module: object, _inputs: object) -> None:
        calls.append(1)
        if len(calls) == 1:
            trainer.stop()

    hook = trainer.model.get_submodule("layer0").register_forward_pre_hook(stop_in_forward)
    result = trainer.fit()
    hook.remove()
    assert isinstance(result, Finished) and result.stopped_by_user
    assert result.history == [] and len(calls) == 1  # the first batch finished, no second one ran
    assert result.test_logs is None


def _ask_while_preparing(trainer: Trainer, ask: str) -> None:
    """Press Pause or Stop while the run is still preparing its data (before any batch)."""
    prepare = trainer.step.prepare

    def prepare_and_ask():  # type: ignore[no-untyped-def]
        plan = prepare()
        getattr(trainer, ask)()
        return plan

    trainer.step.prepare = prepare_and_ask  # type: ignore[method-assign]


def test_pause_asked_while_the_data_are_prepared_holds_before_the_first_batch() -> None:
    batches: list[BatchEnd] = []
    trainer = _long_run(lambda e: batches.append(e) if isinstance(e, BatchEnd) else None)
    _ask_while_preparing(trainer, "pause")
    thread, result = start_fit(trainer)
    wait_for(lambda: trainer.is_paused)
    time.sleep(0.1)
    assert batches == []  # not one batch trained
    trainer.resume()
    wait_for(lambda: len(batches) >= 1)
    trainer.stop()
    thread.join(5)
    assert isinstance(result[0], Finished) and result[0].stopped_by_user


def test_stop_asked_while_the_data_are_prepared_trains_nothing() -> None:
    batches: list[BatchEnd] = []
    trainer = _long_run(lambda e: batches.append(e) if isinstance(e, BatchEnd) else None)
    _ask_while_preparing(trainer, "stop")
    result = trainer.fit()
    assert isinstance(result, Finished) and result.stopped_by_user
    assert result.history == [] and batches == []
    assert result.message.startswith("Trained 0 epochs") and "stopped by you" in result.message


def test_snapshot_on_request_and_while_paused() -> None:
    snapshots: list[Snapshot] = []
    batches: list[BatchEnd] = []

    def callback(event: object) -> None:
        if isinstance(event, Snapshot):
            snapshots.append(event)
        elif isinstance(event, BatchEnd):
            batches.append(event)

    trainer = _long_run(callback)
    thread, result = start_fit(trainer)
    wait_for(lambda: len(batches) >= 1)
    trainer.request_snapshot()
    wait_for(lambda: len(snapshots) == 1)
    trainer.pause()
    wait_for(lambda: trainer.is_paused)
    trainer.request_snapshot()
    wait_for(lambda: len(snapshots) == 2)
    trainer.stop()
    thread.join(5)
    snap = snapshots[0]
    assert set(snap.weights) == {"layer0", "layer1"}
    assert snap.weights["layer0"].shape == (8, 2) and snap.weights["layer1"].shape == (2, 8)
    assert set(snap.grad_norms) == {"layer0", "layer1"} and all(v >= 0 for v in snap.grad_norms.values())
    assert set(snap.dead_units) == {"layer0"} and 0.0 <= snap.dead_units["layer0"] <= 1.0
    # copies: training on does not change what was sent
    first = snap.weights["layer0"].copy()
    assert (snapshots[0].weights["layer0"] == first).all()


def test_snapshot_interval() -> None:
    snapshots: list[Snapshot] = []
    project = mlp_project(epochs=6, batch_size=1, validation_split=0.0)
    trainer = Trainer(project, dataset=blobs_dataset(500, test=False), device="cpu",
                      callback=lambda e: snapshots.append(e) if isinstance(e, Snapshot) else None,
                      snapshot_interval=0.05)
    result = trainer.fit()
    seconds = sum(h["seconds"] for h in result.history)
    assert 1 <= len(snapshots) <= seconds / 0.05 + 2


def test_dead_units_counts_relu_units_that_never_fire() -> None:
    import torch

    trainer = Trainer(chain_project([("Dense", {"units": 4, "activation": "relu"}), ("Dense", {"units": 2})], [2]),
                      dataset=blobs_dataset(), device="cpu")
    with torch.no_grad():
        linear = trainer.model.get_submodule("layer0")[0]
        linear.bias[:2] = -1000.0  # two of four units can never be positive
    result: list[Snapshot] = []
    trainer.callback = lambda e: result.append(e) if isinstance(e, Snapshot) else None
    trainer.request_snapshot()
    trainer.fit(epochs=1, continue_training=True)
    assert result and result[0].dead_units["layer0"] >= 0.5
