"""The command line as a user runs it: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nnbuilder.cli import main
from tests.conftest import EXAMPLES, ROOT

MLP = str(EXAMPLES / "fashion_mnist_mlp.nnb")


def test_summary_prints_the_table(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["summary", MLP]) == 0
    out = capsys.readouterr().out
    assert "Total params: 101,770" in out and "hiddenlayer (Dense)" in out


def test_summary_json(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["summary", MLP, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["total_params"] == 101_770 and d["trainable_params"] == 101_770
    assert [r["params"] for r in d["layers"]] == [0, 100_480, 1_290]


def test_validate_ok_and_bad(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", MLP]) == 0
    assert "OK" in capsys.readouterr().out
    doc = json.loads(Path(MLP).read_text())
    doc["graphs"][0]["edges"].pop(0)  # input no longer feeds flatten
    bad = tmp_path / "broken.nnb"
    bad.write_text(json.dumps(doc))
    assert main(["validate", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "flatten gets no data" in captured.out and "broken.nnb" in captured.err


def test_user_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "cut.nnb"
    bad.write_text('{"format": "nnbuilder-project", "vers')
    r = subprocess.run([sys.executable, "-m", "nnbuilder", "summary", str(bad)], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and "cut.nnb" in r.stderr


def test_bad_usage_exits_2() -> None:
    r = subprocess.run([sys.executable, "-m", "nnbuilder", "summary"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "usage" in r.stderr
    r = subprocess.run([sys.executable, "-m", "nnbuilder", "summary", MLP, "--bogus"], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 2


def test_help_lists_commands() -> None:
    r = subprocess.run([sys.executable, "-m", "nnbuilder", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and "summary" in r.stdout and "validate" in r.stdout


def write_xor(tmp_path: Path, data: dict, name: str = "project.nnb") -> Path:
    """The perceptron XOR example with other data settings, saved in ``tmp_path``."""
    doc = json.loads((EXAMPLES / "perceptron_xor.nnb").read_text())
    doc["data"] = data
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def test_validate_reports_an_unknown_data_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(write_xor(tmp_path, {"dataset": "nope"}))]) == 1
    out, err = capsys.readouterr()
    assert "error: model: There is no data set called 'nope'" in out and "project.nnb" in err


def test_validate_accepts_a_user_file_that_is_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xor(tmp_path, {"dataset": "csv_table", "options": {"path": "points.csv"}})
    assert main(["validate", str(path)]) == 1
    assert "'points.csv'" in capsys.readouterr().out
    (tmp_path / "points.csv").write_text("a,b,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n")
    assert main(["validate", str(path)]) == 0
    assert "OK" in capsys.readouterr().out


def test_train_names_the_file_and_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xor(tmp_path, {"dataset": "nope"})
    assert main(["train", str(path), "--epochs", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"nnbuilder: {path} at $.data.dataset: There is no data set called 'nope'"), err
    assert err.count("\n") == 0
    path = write_xor(tmp_path, {"dataset": "npz", "options": {"path": "arrays.npz"}}, "npz.nnb")
    assert main(["train", str(path), "--epochs", "1"]) == 1
    err = capsys.readouterr().err
    assert f"{path} at $.data.options.path:" in err and "'arrays.npz'" in err


def test_validate_lists_the_output_units_warning_the_app_shows(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The app's Problems panel said "output has 64 units but the data set 'spiral' has 2 classes"; validate
    did not, because the check lived in the app."""
    doc = json.loads((EXAMPLES / "spiral_playground.nnb").read_text())
    next(n for n in doc["graphs"][0]["nodes"] if n["id"] == "output")["params"]["units"] = 64
    path = tmp_path / "wide.nnb"
    path.write_text(json.dumps(doc))
    assert main(["validate", str(path)]) == 0  # a warning: it trains
    out = capsys.readouterr().out
    assert "warning: model/output: output has 64 units but the data set 'spiral' has 2 classes" in out
    doc["graphs"][0]["nodes"][0]["params"]["shape"] = [28, 28]
    path.write_text(json.dumps(doc))
    assert main(["validate", str(path)]) == 1
    assert "error: model/input: input takes samples of 28×28, but every sample of the data set 'spiral' is 2" \
        in capsys.readouterr().out
