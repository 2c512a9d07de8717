"""The Trainer's public surface: construction, fit's events, predict, evaluate, continuing, devices."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nnbuilder.training import (
    BatchEnd,
    EpochEnd,
    Failed,
    Finished,
    Trainer,
    TrainingError,
    TrainingStarted,
    list_devices,
    pick_device,
)
from tests.conftest import ROOT
from tests.training.conftest import blobs_dataset, chain_project, mlp_project


def test_importing_the_package_and_cli_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "import nnbuilder.training, nnbuilder.training.cli\n"
        "from nnbuilder.training import Trainer, TrainingError, pick_device, list_devices, warm_up\n"
        "from nnbuilder.cli import _parser\n"
        "_parser().parse_args(['train', 'x.nnb', '--json'])\n"
        "print('torch' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_devices() -> None:
    devices = list_devices()
    assert devices[0][0] == "auto" and devices[0][1].startswith("Auto (")
    assert "cpu" in dict(devices)
    assert pick_device("cpu") == "cpu"
    assert pick_device("auto") in {d for d, _ in devices}
    with pytest.raises(TrainingError, match="Unknown device"):
        pick_device("tpu")
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(TrainingError, match="cuda"):
            pick_device("cuda")


def test_fit_sends_events_in_order_and_learns() -> None:
    events: list[object] = []
    trainer = Trainer(mlp_project(epochs=4), dataset=blobs_dataset(), device="cpu", callback=events.append)
    result = trainer.fit()
    assert isinstance(result, Finished), result
    assert isinstance(events[0], TrainingStarted) and events[-1] is result
    started = events[0]
    assert started.epochs == 4 and started.num_train == 192 and started.num_val == 64
    assert started.batches_per_epoch == 12 and started.metrics == ["accuracy"]
    epoch_ends = [e for e in events if isinstance(e, EpochEnd)]
    assert [e.epoch for e in epoch_ends] == [1, 2, 3, 4]
    assert set(epoch_ends[-1].logs) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    batch_ends = [e for e in events if isinstance(e, BatchEnd)]
    # the last batch of every epoch is always reported
    assert sum(1 for e in batch_ends if e.batch == e.batches) == 4
    assert epoch_ends[-1].logs["val_accuracy"] >= 0.95
    assert len(trainer.history) == 4 and trainer.history[-1]["epoch"] == 4
    assert result.test_logs is not None and result.test_logs["accuracy"] >= 0.95
    assert trainer.evaluate("train")["accuracy"] >= 0.95
    assert set(trainer.evaluate("val")) == {"loss", "accuracy"}


def test_batch_events_are_time_throttled() -> None:
    events: list[object] = []
    project = mlp_project(epochs=2, batch_size=1, validation_split=0.0)
    trainer = Trainer(project, dataset=blobs_dataset(400), device="cpu", callback=events.append)
    result = trainer.fit()
    assert isinstance(result, Finished)
    batch_ends = [e for e in events if isinstance(e, BatchEnd)]
    seconds = sum(h["seconds"] for h in result.history)
    assert len(batch_ends) <= 2 + seconds / 0.05 + 2  # 800 batches, far fewer events
    assert all(e.samples_per_second > 0 for e in batch_ends)


def test_predict_gives_probabilities_once_and_keeps_train_mode() -> None:
    trainer = Trainer(mlp_project(epochs=3), dataset=blobs_dataset(), device="cpu")
    trainer.fit()
    x = np.array([[-2.0, -2.0], [2.0, 2.0]], dtype=np.float32)
    trainer.model.train()
    p = trainer.predict(x)
    assert trainer.model.training
    assert p.shape == (2, 2)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert p[0, 0] > 0.9 and p[1, 1] > 0.9
    # the same numbers as the student's model itself, which ends in Softmax
    import torch

    trainer.model.eval()
    with torch.no_grad():
        direct = trainer.model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(p, direct, rtol=1e-5, atol=1e-6)
    assert trainer.predict(x[0]).shape == (1, 2)  # one sample without the batch axis


def test_predict_from_inside_the_callback() -> None:
    seen: list[np.ndarray] = []
    trainer: Trainer

    def callback(event: object) -> None:
        if isinstance(event, EpochEnd):
            seen.append(trainer.predict(np.zeros((3, 2), dtype=np.float32)))

    trainer = Trainer(mlp_project(epochs=2), dataset=blobs_dataset(), device="cpu", callback=callback)
    assert isinstance(trainer.fit(), Finished)
    assert len(seen) == 2 and seen[0].shape == (3, 2)


def test_continue_training_numbers_epochs_on_and_keeps_weights() -> None:
    trainer = Trainer(mlp_project(epochs=2), dataset=blobs_dataset(), device="cpu")
    trainer.fit()
    events: list[object] = []
    trainer.callback = events.append
    result = trainer.fit(epochs=2, continue_training=True)
    assert isinstance(result, Finished)
    assert events[0].start_epoch == 3 and events[0].epochs == 4
    assert [h["epoch"] for h in trainer.history] == [1, 2, 3, 4]
    # starting over resets weights and history
    again = trainer.fit(epochs=1)
    assert isinstance(again, Finished) and [h["epoch"] for h in trainer.history] == [1]


def test_reset_weights_restores_the_seeded_initialisation() -> None:
    trainer = Trainer(mlp_project(), dataset=blobs_dataset(), device="cpu")
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    trainer.fit()
    trainer.reset_weights()
    for k, v in trainer.model.state_dict().items():
        assert v.equal(before[k]), k
    assert trainer.history == []


def test_shape_mismatch_is_a_failed_data_event_with_a_sentence() -> None:
    project = chain_project([("Dense", {"units": 2, "activation": "softmax"})], [3])
    events: list[object] = []
    result = Trainer(project, dataset=blobs_dataset(), device="cpu", callback=events.append).fit()
    assert isinstance(result, Failed) and result.kind == "data"
    assert "shaped 2" in result.message and "expects 3" in result.message
    assert events == [result]


def test_too_few_output_units_for_the_labels() -> None:
    project = chain_project([("Dense", {"units": 1})], [2])
    result = Trainer(project, dataset=blobs_dataset(), device="cpu").fit()
    assert isinstance(result, Failed) and result.kind == "data"
    assert "2 units" in result.message


def test_unknown_dataset_is_a_training_error() -> None:
    project = mlp_project()
    project.data.dataset = "no_such_set"
    with pytest.raises(TrainingError) as info:
        Trainer(project, device="cpu")
    assert info.value.kind == "data" and "no_such_set" in str(info.value)


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "rmsprop", "adagrad"])
@pytest.mark.parametrize("schedule", ["none", "step", "cosine", "exponential"])
def test_every_optimizer_and_schedule_trains(name: str, schedule: str) -> None:
    optimizer = {"name": name, "lr": 0.05, "schedule": schedule, "step_size": 1, "gamma": 0.5,
                 "momentum": 0.9 if name == "sgd" else 0.0, "nesterov": name == "sgd"}
    trainer = Trainer(mlp_project(epochs=2, optimizer=optimizer), dataset=blobs_dataset(128), device="cpu")
    result = trainer.fit()
    assert isinstance(result, Finished), getattr(result, "message", "")
    lrs = [h["lr"] for h in trainer.history]
    if schedule == "none":
        assert lrs == [0.05, 0.05]
    else:
        assert lrs[1] < lrs[0]


def _mixed_run(monkeypatch: pytest.MonkeyPatch, has_units: bool, epochs: int) -> tuple[Trainer, list[object]]:
    """A mixed-precision run on the CPU, with bfloat16 hardware said to be there or not (forced, so
    the tests run on every CPU: PyTorch emulates bfloat16 where the hardware is missing)."""
    from nnbuilder.training import devices

    monkeypatch.setattr(devices, "cpu_has_bf16_hardware", lambda: has_units)
    events: list[object] = []
    trainer = Trainer(mlp_project(epochs=epochs, mixed_precision=True), dataset=blobs_dataset(), device="cpu",
                      callback=events.append)
    assert isinstance(trainer.fit(), Finished)
    return trainer, events


def test_mixed_precision_on_a_cpu_without_bf16_units_is_a_note_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    trainer, events = _mixed_run(monkeypatch, False, 1)
    assert any("no AVX-512 BF16" in n and "float32" in n for n in events[0].notes)
    plain = Trainer(mlp_project(epochs=1, mixed_precision=False), dataset=blobs_dataset(), device="cpu")
    assert plain.fit().history[0]["loss"] == trainer.history[0]["loss"]  # float32 exactly, as without the setting


def test_mixed_precision_on_a_cpu_with_bf16_units_trains_in_bfloat16(monkeypatch: pytest.MonkeyPatch) -> None:
    mixed, events = _mixed_run(monkeypatch, True, 2)
    assert not any("Mixed precision" in n for n in events[0].notes)
    assert events[0].precision == "bfloat16"
    plain = Trainer(mlp_project(epochs=2), dataset=blobs_dataset(), device="cpu")
    assert isinstance(plain.fit(), Finished)
    a, b = plain.history[-1]["loss"], mixed.history[-1]["loss"]
    assert a != b and b == pytest.approx(a, rel=0.05)  # bfloat16 rounding: close, not the same numbers


@pytest.mark.parametrize(("caps", "expected"), [
    ({"amx_bf16": True, "amx_tile": True, "avx512_bf16": True}, True),  # Intel Sapphire Rapids and later
    ({"amx_bf16": False, "amx_tile": False, "avx512_bf16": True}, True),  # AMD Zen 4, Intel Cooper Lake
    ({"avx2": True, "avx512_f": True, "avx512_bf16": False}, False),  # AVX-512 without BF16: emulated, slower
    ({}, False),
])
def test_mixed_precision_takes_a_cpu_that_computes_bfloat16_in_hardware(
        monkeypatch: pytest.MonkeyPatch, caps: dict[str, bool], expected: bool) -> None:
    import torch

    from nnbuilder.training import devices

    monkeypatch.setattr(torch.cpu, "get_capabilities", lambda: caps)
    assert devices.cpu_has_bf16_hardware() is expected
    dtype, note = devices.autocast_plan("cpu", True)
    assert (dtype is torch.bfloat16) is expected and (note is None) is expected
    assert devices.autocast_plan("cpu", False) == (None, None)


def test_regression_metrics() -> None:
    from tests.training.conftest import regression_dataset

    project = chain_project([("Dense", {"units": 1})], [2], loss="mse", metrics=["mae", "rmse", "accuracy"],
                            epochs=20, batch_size=32, validation_split=0.2, optimizer={"lr": 0.05})
    events: list[object] = []
    trainer = Trainer(project, dataset=regression_dataset(), device="cpu", callback=events.append)
    result = trainer.fit()
    assert isinstance(result, Finished)
    assert any("accuracy is left out" in n for n in events[0].notes)
    logs = trainer.history[-1]
    assert {"loss", "mae", "rmse", "val_loss", "val_mae", "val_rmse"} <= set(logs)
    assert logs["val_mae"] < 0.2
    assert logs["rmse"] == pytest.approx(np.sqrt(trainer.history[-1]["loss"]), rel=0.3)
    assert trainer.predict(np.array([[1.0, 1.0]], dtype=np.float32)).shape == (1, 1)


def test_categorical_crossentropy_takes_class_ids_and_one_hot_rows() -> None:
    from nnbuilder.data import Dataset, one_hot

    ids = blobs_dataset()
    hot = Dataset(id="hot", title="one-hot blobs", task="classification", x=ids.x, y=one_hot(ids.y, 2),
                  x_test=ids.x_test, y_test=one_hot(ids.y_test, 2), class_names=["a", "b"])
    for dataset in (ids, hot):
        trainer = Trainer(mlp_project(loss="categorical_crossentropy", epochs=3), dataset=dataset, device="cpu")
        result = trainer.fit()
        assert isinstance(result, Finished) and result.test_logs["accuracy"] >= 0.95


def test_a_plain_network_on_a_graph_data_set_uses_its_node_split() -> None:
    from tests.training.conftest import example

    project = chain_project([("Dense", {"units": 16, "activation": "relu"}), ("Dense", {"units": 2})], [34],
                            epochs=5, validation_split=0.0)
    project.data = example("karate_club_gcn").data
    trainer = Trainer(project, device="cpu")
    result = trainer.fit()
    assert isinstance(result, Finished)
    assert trainer._prep.n_train == int(trainer.dataset.graph.train_mask.sum())
    assert result.test_logs is not None


def test_a_graph_network_needs_a_graph() -> None:
    from tests.training.conftest import example

    project = example("karate_club_gcn")
    project.data.dataset, project.data.options = "spiral", {}
    result = Trainer(project, device="cpu").fit()
    assert isinstance(result, Failed) and result.kind == "data" and "no graph" in result.message
