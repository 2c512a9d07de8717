"""The command line as a user runs it: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
