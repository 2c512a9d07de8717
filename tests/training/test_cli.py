"""``nnbuilder train``, ``evaluate``, ``generate`` and a GAN project's ``summary`` from the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nnbuilder.cli import main
from tests.conftest import EXAMPLES

KARATE = str(EXAMPLES / "karate_club_gcn.nnb")
RING = str(EXAMPLES / "gan_ring_2d.nnb")
MNIST_GAN = str(EXAMPLES / "mnist_gan.nnb")


@pytest.fixture
def ring_weights(tmp_path: Path) -> Path:
    """Untrained weights of the ring GAN: enough for load checks and evaluation, and quick to make."""
    from nnbuilder.project import load_project
    from nnbuilder.training import Trainer

    return Trainer(load_project(RING), device="cpu").save_weights(tmp_path / "ring.safetensors")


def test_train_json_lines_and_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = tmp_path / "karate.safetensors"
    assert main(["train", KARATE, "--epochs", "30", "--json", "--seed", "0", "--out", str(weights)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    records = [json.loads(line) for line in out]
    epochs, final = records[:-1], records[-1]
    assert [r["epoch"] for r in epochs] == list(range(1, 31))
    for r in epochs:
        assert {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"} <= set(r)
        assert isinstance(r["loss"], float) and r["seconds"] >= 0
    assert final["final"] is True and final["epochs"] == 30
    assert {"test_loss", "test_accuracy"} <= set(final) and weights.is_file()

    assert main(["evaluate", KARATE, "--weights", str(weights), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["split"] == "test"
    assert scores["accuracy"] == pytest.approx(final["test_accuracy"])
    assert scores["loss"] == pytest.approx(final["test_loss"], rel=1e-5)


def test_train_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", str(EXAMPLES / "perceptron_blobs.nnb"), "--epochs", "2", "--batch-size", "4"]) == 0
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "Trained 2 epochs" in out


def test_user_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", str(tmp_path / "missing.nnb")]) == 1
    assert main(["train", KARATE, "--device", "quantum"]) == 1
    assert "Unknown device 'quantum'" in capsys.readouterr().err
    assert main(["evaluate", KARATE, "--weights", str(tmp_path / "none.safetensors")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]
    with pytest.raises(SystemExit):
        main(["train", KARATE, "--epochs", "0"])


def test_weights_of_another_gan_name_the_layer_and_network(ring_weights: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", MNIST_GAN, "--weights", str(ring_weights), "-o", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == ("nnbuilder: 'ring.safetensors' has no weights for the layer 'g_hidden' of the generator "
                   "'generator' (generator.g_hidden.0.weight); it was saved from a different network."), err


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_graph_is_refused_for_a_gan(command: str, ring_weights: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [command, RING, "--graph", "generator", *(["--weights", str(ring_weights)] if command == "evaluate" else [])]
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: nnbuilder {command}")
    assert (f"nnbuilder {command}: error: --graph picks one network of a project with several graphs and does not "
            "apply to a GAN, which trains its generator and discriminator together.") in err
    assert "class ids" not in err


def test_evaluate_a_gan_on_its_training_data_by_default(ring_weights: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", RING, "--weights", str(ring_weights), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["split"] == "train" and {"loss_D", "loss_G", "D_x", "D_G_z"} <= set(scores)
    assert main(["evaluate", RING, "--weights", str(ring_weights)]) == 0
    assert capsys.readouterr().out.startswith("train: loss_D: ")
    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    assert "train for a GAN project" in " ".join(capsys.readouterr().out.split())


def test_summary_of_a_gan_shows_both_networks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", RING]) == 0
    out = capsys.readouterr().out
    generator, _, discriminator = out.partition("Discriminator (graph 'discriminator')\n")
    assert generator.startswith("Generator (graph 'generator')\nModel: ")
    assert "g_point (Dense)" in generator and "Total params: 17,154" in generator
    assert "d_real (Dense)" in discriminator and "Total params: 17,025" in discriminator
    assert main(["summary", RING, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["generator"]["graph"], d["discriminator"]["graph"]) == ("generator", "discriminator")
    assert (d["generator"]["total_params"], d["discriminator"]["total_params"]) == (17_154, 17_025)
    assert main(["summary", RING, "--graph", "discriminator"]) == 0  # one network on request
    out = capsys.readouterr().out
    assert out.startswith('Model: "GAN: ring of 8 Gaussians / discriminator"') and "Generator" not in out


def test_train_prints_the_mode_count_as_a_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", RING, "--epochs", "1", "--batch-size", "1024", "--seed", "0"]) == 0
    epoch = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Epoch 1/1"))
    assert re.search(r" - modes: \d+ - ", epoch), epoch
    assert re.search(r" - high_quality: \d\.\d{4}$", epoch) and re.search(r"loss_D: \d+\.\d{4} ", epoch), epoch


def test_a_reader_that_stops_early_is_no_error() -> None:
    """``nnbuilder summary f.nnb | head -3``: the closed pipe used to end in "unexpected error (BrokenPipeError
    ...); this is a bug in nnbuilder" on stderr."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "nnbuilder", "summary", str(EXAMPLES / "gan_ring_2d.nnb")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written (importing takes a second)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and err == "", err
