"""``nnbuilder train`` and ``nnbuilder evaluate`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnbuilder.cli import main
from tests.conftest import EXAMPLES

KARATE = str(EXAMPLES / "karate_club_gcn.nnb")


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
