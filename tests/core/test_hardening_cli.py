"""The command line never aborts or prints a traceback: misspelt commands, no display, bad paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnbuilder.cli import EXIT_USAGE, EXIT_USER, main
from tests.conftest import EXAMPLES, ROOT

SPIRAL = str(EXAMPLES / "spiral_playground.nnb")


def _env(**extra: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    for k, v in extra.items():
        if v is not None:
            env[k] = v
    return env


def _run(args: list[str], **env: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nnbuilder", *args], capture_output=True, text=True,
                          env=_env(**env), timeout=120, cwd=ROOT)


def test_a_misspelt_command_is_a_usage_error_not_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["valdiate", SPIRAL]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "unknown command 'valdiate'" in err and "Did you mean 'validate'?" in err
    assert main(["frobnicate"]) == EXIT_USAGE
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


def test_without_a_display_the_app_says_so_in_one_sentence_and_exits_1() -> None:
    for args, env in (([], {}), ([SPIRAL], {}), ([], {"DISPLAY": ":4711"}),
                      ([], {"QT_QPA_PLATFORM": "xcb", "DISPLAY": "localhost:4711"})):
        r = _run(args, **env)
        assert r.returncode == EXIT_USER, (args, env, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("nnbuilder: the desktop app cannot start:"), r.stderr
        assert "Traceback" not in r.stderr and "Abort" not in r.stderr


def test_misspelt_command_in_a_subprocess_keeps_exit_2_without_a_display() -> None:
    r = _run(["valdiate", SPIRAL])
    assert r.returncode == EXIT_USAGE and "Traceback" not in r.stderr


def test_seed_beyond_64_bits_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ei:
        main(["train", SPIRAL, "--seed", str(2**64)])
    assert ei.value.code == EXIT_USAGE
    assert "--seed: must be between 0 and" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["folder", "under_a_file", "unwritable"])
def test_train_out_is_checked_before_training(bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if bad == "folder":
        out, expect = tmp_path, "is a folder"
    elif bad == "under_a_file":
        (tmp_path / "file").write_text("x")
        out, expect = tmp_path / "file" / "w.safetensors", "is a file, not a folder"
    else:
        out, expect = Path("/proc/nnbuilder-test/w.safetensors"), "cannot be written"
    assert main(["train", SPIRAL, "--epochs", "1", "--out", str(out)]) == EXIT_USER
    captured = capsys.readouterr()
    assert expect in captured.err
    assert "Epoch" not in captured.out  # refused before any training


def test_a_folder_as_weights_path_is_called_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", SPIRAL, "--weights", str(tmp_path)]) == EXIT_USER
    assert "is a folder, not a weights file" in capsys.readouterr().err


def test_validate_dev_zero_is_refused_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/dev/zero"]) == EXIT_USER
    assert "not a regular file" in capsys.readouterr().err


def test_summary_of_an_absurd_input_is_one_error_per_layer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "big.nnb"
    f.write_text('{"format": "nnbuilder-project", "version": 1, "graphs": [{"nodes": ['
                 '{"id": "in", "type": "Input", "params": {"shape": [100000000000000000000]}},'
                 '{"id": "d", "type": "Dense", "params": {"units": 10}}],'
                 '"edges": [{"source": "in", "target": "d"}]}]}')
    assert main(["summary", str(f)]) == EXIT_USER
    out = capsys.readouterr().out
    assert "error: in: in's output holds about 10^20 values per sample" in out
