"""``nnbuilder export`` from a terminal: files written, one-line errors, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnbuilder.cli import main
from tests.conftest import EXAMPLES


def test_export_python_writes_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "spiral"
    assert main(["export", str(EXAMPLES / "spiral_playground.nnb"), "--to", "python", "-o", str(out)]) == 0
    assert "Exported python to" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "data.npz", "model.py", "train.py"]


def test_export_safetensors_notes_initial_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "w.safetensors"
    assert main(["export", str(EXAMPLES / "perceptron_xor.nnb"), "--to", "safetensors", "-o", str(out)]) == 0
    assert "initial weights" in capsys.readouterr().err
    assert out.is_file()


def test_export_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["export", str(EXAMPLES / "spiral_playground.nnb"), "--to", "python", "--weights",
                 str(tmp_path / "none.safetensors"), "-o", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "none.safetensors" in err and "does not exist" in err
    code = main(["export", str(EXAMPLES / "spiral_playground.nnb"), "--to", "python", "--graph", "gen",
                 "-o", str(tmp_path / "o")])
    assert code == 1 and "no graph named 'gen'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["export", str(EXAMPLES / "spiral_playground.nnb"), "--to", "torchscript", "-o", "x"])
    assert exc.value.code == 2
