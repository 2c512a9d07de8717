"""GANs end to end, headless: the ring's modes get covered, shapes that do not fit are named, control and the
NaN guard work as in supervised runs, single steps by hand, probes for the views, weights and ``generate``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from nnbuilder.cli import main
from nnbuilder.compiler.gan_checks import check_gan
from nnbuilder.project import load_project
from nnbuilder.training import BatchEnd, EpochEnd, Failed, Finished, Trainer, TrainingError, TrainingStarted
from tests.conftest import EXAMPLES
from tests.training.conftest import start_fit, wait_for

RING = EXAMPLES / "gan_ring_2d.nnb"


def _ring(epochs: int = 2, samples: int = 2048, **gan: object) -> Trainer:
    project = load_project(RING)
    project.data.options["samples"] = samples
    project.training.epochs = epochs
    for key, value in gan.items():
        setattr(project.training.gan, key, value)
    return Trainer(project, device="cpu")


def test_modes_covered_rises_on_the_ring() -> None:
    project = load_project(RING)
    project.training.epochs = 10  # a few seconds; the example's 60 epochs reach 8/8 (benchmarks/bench_gan_ring.py)
    events: list[EpochEnd] = []
    trainer = Trainer(project, device="cpu", callback=lambda e: events.append(e) if isinstance(e, EpochEnd) else None)
    result = trainer.fit()
    assert isinstance(result, Finished), result
    modes = [e.logs["modes"] for e in events]
    assert min(modes[:2]) < 6  # the untrained generator puts its points in a few places
    assert modes[-1] >= 6, modes
    assert set(events[-1].logs) >= {"loss_D", "loss_G", "D_x", "D_G_z", "modes", "high_quality"}


def test_events_name_the_gan_losses_and_views() -> None:
    events: list[object] = []
    trainer = _ring(epochs=1)
    trainer.callback = events.append
    trainer.batch_event_interval = 0.0
    assert isinstance(trainer.fit(), Finished)
    started = next(e for e in events if isinstance(e, TrainingStarted))
    assert started.step == "gan" and started.task == "generation"
    assert started.losses == ["loss_D", "loss_G"] and started.metrics == ["D_x", "D_G_z"]
    assert started.views == ["curves", "gan_samples", "gan_lab"]
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert len(batches) == started.batches_per_epoch == 2048 // 256
    for b in batches:
        assert set(b.losses) == {"loss_D", "loss_G"} and set(b.metrics) == {"D_x", "D_G_z"}
        assert 0.0 <= b.metrics["D_x"] <= 1.0 and b.samples == 256
    epoch = next(e for e in events if isinstance(e, EpochEnd))
    mean_d = float(np.mean([b.losses["loss_D"] for b in batches]))
    assert epoch.logs["loss_D"] == pytest.approx(mean_d, rel=1e-6)


def test_the_same_seed_trains_the_same_gan() -> None:
    a, b = _ring(epochs=1), _ring(epochs=1)
    ha, hb = a.fit().history, b.fit().history
    assert [{k: v for k, v in h.items() if k != "seconds"} for h in ha] == \
        [{k: v for k, v in h.items() if k != "seconds"} for h in hb]
    np.testing.assert_array_equal(a.step.generate(), b.step.generate())


@pytest.mark.parametrize("units", [True, False])
def test_mixed_precision_gan_on_the_cpu(monkeypatch: pytest.MonkeyPatch, units: bool) -> None:
    from nnbuilder.training import devices

    monkeypatch.setattr(devices, "cpu_has_bf16_hardware", lambda: units)
    events: list[object] = []
    mixed = _ring(epochs=2)
    mixed.project.training.mixed_precision = True
    mixed.callback = events.append
    assert isinstance(mixed.fit(), Finished)
    started = next(e for e in events if isinstance(e, TrainingStarted))
    plain = _ring(epochs=2)
    plain.fit()
    a, b = plain.history[-1], mixed.history[-1]
    if units:  # the forward passes in bfloat16: the same run within rounding, and the samples still float32
        assert not any("Mixed precision" in n for n in started.notes)
        assert started.where == "cpu in bfloat16 mixed precision"
        assert a["loss_D"] != b["loss_D"] and b["loss_D"] == pytest.approx(a["loss_D"], rel=0.1)
        assert mixed.step.generate().dtype == np.float32
    else:
        assert any("no AVX-512 BF16" in n for n in started.notes)
        assert started.precision == "float32" and started.where == "cpu"
        assert a["loss_D"] == b["loss_D"] and a["loss_G"] == b["loss_G"]


def _mismatched(tmp_path: Path, change: str) -> Path:
    doc = json.loads(RING.read_text())
    gen, disc = doc["graphs"]
    if change == "g_out":
        next(n for n in gen["nodes"] if n["id"] == "g_point")["params"]["units"] = 3
    elif change == "d_out":
        next(n for n in disc["nodes"] if n["id"] == "d_real")["params"]["units"] = 4
    elif change == "input":
        noise = next(n for n in gen["nodes"] if n["id"] == "noise")
        noise.update({"type": "Input", "params": {"shape": [2]}})
    path = tmp_path / f"{change}.nnb"
    path.write_text(json.dumps(doc))
    return path


def test_generator_output_that_does_not_fit_names_both_nodes(tmp_path: Path) -> None:
    project = load_project(_mismatched(tmp_path, "g_out"))
    messages = [p.message for p in check_gan(project, (2,), "Ring of 8 Gaussians")]
    assert any("generator's output 'g_point' (generator) gives 3 values" in m and
               "discriminator's input 'point' (discriminator) expects 2 values" in m for m in messages), messages
    assert any("The data set 'Ring of 8 Gaussians' gives real samples shaped 2" in m for m in messages), messages
    with pytest.raises(TrainingError) as err:
        Trainer(project, device="cpu")
    assert "'g_point'" in err.value.message and "'point'" in err.value.message and err.value.kind == "model"


def test_discriminator_must_end_in_one_score(tmp_path: Path) -> None:
    project = load_project(_mismatched(tmp_path, "d_out"))
    (problem,) = check_gan(project, (2,))
    assert problem.message.startswith("The discriminator must end in one score per sample")
    assert "'d_real' (discriminator) gives 4 values" in problem.message and problem.node == "d_real"


def test_a_generator_starting_from_an_input_is_told_to_use_noise(tmp_path: Path) -> None:
    project = load_project(_mismatched(tmp_path, "input"))  # a version-2 file: no migration rewrites it
    (problem,) = check_gan(project, (2,))
    assert "Input layer 'noise' (generator)" in problem.message and "Noise layer (latent size 2)" in problem.message


def test_validate_reports_the_cross_graph_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_mismatched(tmp_path, "g_out"))]) == 1
    assert "generator/g_point: The generator's output 'g_point'" in capsys.readouterr().out




def test_pause_single_steps_and_stop_in_a_gan_run() -> None:
    events: list[object] = []
    trainer = _ring(epochs=500, samples=8000)
    trainer.callback = events.append
    thread, result = start_fit(trainer)
    wait_for(lambda: any(isinstance(e, BatchEnd) for e in events))
    trainer.pause()
    wait_for(lambda: trainer.is_paused, timeout=1.0)
    count = len(events)
    time.sleep(0.15)
    assert len(events) <= count + 1  # nothing trains while paused
    g_before = [p.detach().clone() for p in trainer.step.generator.parameters()]
    d_before = [p.detach().clone() for p in trainer.step.discriminator.parameters()]
    trainer.step_once("D")
    wait_for(lambda: any(isinstance(e, BatchEnd) and e.manual == "D" for e in events))
    d_event = next(e for e in events if isinstance(e, BatchEnd) and e.manual == "D")
    assert set(d_event.losses) == {"loss_D"}
    assert all(a.equal(b) for a, b in zip(g_before, trainer.step.generator.parameters(), strict=True))
    assert not all(a.equal(b) for a, b in zip(d_before, trainer.step.discriminator.parameters(), strict=True))
    d_after = [p.detach().clone() for p in trainer.step.discriminator.parameters()]
    trainer.step_once("G")
    wait_for(lambda: any(isinstance(e, BatchEnd) and e.manual == "G" for e in events))
    assert all(a.equal(b) for a, b in zip(d_after, trainer.step.discriminator.parameters(), strict=True))
    assert not all(a.equal(b) for a, b in zip(g_before, trainer.step.generator.parameters(), strict=True))
    trainer.step_once("both")
    wait_for(lambda: any(isinstance(e, BatchEnd) and e.manual == "both" for e in events))
    with pytest.raises(TrainingError):
        trainer.step_once("generator")
    assert trainer.is_paused
    trainer.stop()
    thread.join(5)
    assert not thread.is_alive()  # answer times: benchmarks/bench_control_latency.py
    assert isinstance(result[0], Finished) and result[0].stopped_by_user


def test_nan_in_the_discriminator_fails_plainly_and_keeps_good_weights() -> None:
    trainer = _ring(epochs=3)
    kept: dict[int, dict[str, torch.Tensor]] = {}
    trainer.callback = lambda e: kept.__setitem__(e.epoch, {k: v.clone() for k, v in
                                                            trainer.step.discriminator.state_dict().items()}) \
        if isinstance(e, EpochEnd) else None
    calls = [0]

    def poison(_m: object, _inp: object, out: torch.Tensor) -> torch.Tensor:
        calls[0] += 1
        return out * float("nan") if calls[0] == 3 * 8 + 3 * 2 + 1 else out  # 3 forwards of D per iteration

    trainer.step.discriminator.get_submodule("d_real")[0].register_forward_hook(poison)
    result = trainer.fit()
    assert isinstance(result, Failed) and result.kind == "nan", result
    assert result.epoch == 2 and result.batch == 3
    assert result.message.startswith("Loss_D became NaN at epoch 2 batch 3")
    for k, v in trainer.step.discriminator.state_dict().items():
        assert v.equal(kept[1][k]), k


def test_probes_for_the_views() -> None:
    trainer = _ring(epochs=1)
    trainer.fit()
    step = trainer.step
    assert step.fixed_noise.shape == (64, 2)
    samples = step.generate()
    assert samples.shape == (64, 2) and samples.dtype == np.float32
    np.testing.assert_array_equal(samples, step.generate(step.fixed_noise))
    grid = np.stack(np.meshgrid(np.linspace(-3, 3, 7), np.linspace(-3, 3, 7)), -1).reshape(-1, 2)
    scores = step.discriminate(grid)
    assert scores.shape == (49,) and ((scores >= 0) & (scores <= 1)).all()
    arrows = step.generator_gradient(samples)
    assert arrows.shape == samples.shape and np.isfinite(arrows).all()
    moved = step.discriminate(samples + 1e-3 * arrows / (np.linalg.norm(arrows, axis=1, keepdims=True) + 1e-12))
    assert (moved >= step.discriminate(samples) - 1e-6).mean() > 0.9  # arrows point to where D says "real"
    assert step.real_samples(10).shape == (10, 2)
    assert trainer.split.num_train == 2048 and trainer.split.num_val == 0


def test_weights_round_trip_and_generate_writes_npy_and_png(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    weights = tmp_path / "ring.safetensors"
    assert main(["train", str(RING), "--epochs", "1", "--out", str(weights)]) == 0
    out = capsys.readouterr().out
    assert "loss_D" in out and "modes" in out
    points = tmp_path / "points.npy"
    assert main(["generate", str(RING), "--weights", str(weights), "-n", "100", "-o", str(points),
                 "--seed", "3"]) == 0
    arr = np.load(points, allow_pickle=False)
    assert arr.shape == (100, 2) and arr.dtype == np.float32
    trainer = Trainer(load_project(RING), device="cpu")
    trainer.load_weights(weights)
    np.testing.assert_allclose(trainer.generate(100, seed=3), arr, rtol=1e-6)
    assert main(["generate", str(RING), "--weights", str(weights), "-n", "4", "-o", str(tmp_path / "p.png")]) == 1
    assert "not images; save them as .npy" in capsys.readouterr().err


def test_generate_png_grid_for_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    from nnbuilder.data import Dataset, load_dataset

    project = load_project(EXAMPLES / "mnist_gan.nnb")
    ds = load_dataset("mnist_test", project.data.options)
    small = Dataset(id=ds.id, title=ds.title, task=ds.task, x=ds.x[:256], y=ds.y[:256], x_test=None, y_test=None,
                    class_names=ds.class_names)
    trainer = Trainer(project, dataset=small, device="cpu")
    assert isinstance(trainer.fit(epochs=1), Finished)
    weights = trainer.save_weights(tmp_path / "mnist.safetensors")
    png = tmp_path / "grid.png"
    assert main(["generate", str(EXAMPLES / "mnist_gan.nnb"), "--weights", str(weights), "-n", "16", "-o",
                 str(png)]) == 0
    assert "Wrote 16 samples (16×1×28×28)" in capsys.readouterr().out
    with Image.open(png) as img:
        assert img.size == (4 * 30 + 2, 4 * 30 + 2) and img.mode == "L"
    assert main(["generate", str(EXAMPLES / "mnist_gan.nnb"), "--weights", str(weights), "-n", "4", "-o",
                 str(tmp_path / "x.jpg")]) == 1
    assert ".png (a grid of images) or .npy" in capsys.readouterr().err


def test_weights_from_another_network_are_refused(tmp_path: Path) -> None:
    ring = _ring(epochs=1)
    weights = ring.save_weights(tmp_path / "ring.safetensors")
    other = Trainer(load_project(EXAMPLES / "spiral_playground.nnb"), device="cpu")
    with pytest.raises(TrainingError) as err:
        other.load_weights(weights)
    assert "different network" in err.value.message
