"""The command line on fuzzed files: exit 0 or 1, one line on stderr for a refusal, never a traceback."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnbuilder.cli import EXIT_OK, EXIT_USAGE, EXIT_USER, main
from tests.conftest import ROOT
from tests.fuzz.cases import WORST_CASES, write
from tests.fuzz.conftest import TALLY, fuzz
from tests.fuzz.test_fuzz_project import mutated_documents

_TMP = Path(tempfile.mkdtemp(prefix="nnbuilder-fuzz-cli-"))


def _main(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def _check(code: int, out: str, err: str) -> None:
    assert code in (EXIT_OK, EXIT_USER), (code, err)
    assert "Traceback" not in out + err
    assert "unexpected error" not in err, err  # the CLI's last-resort handler means an nnbuilder bug
    if code == EXIT_USER and err.strip():
        last = err.strip().splitlines()[-1]
        assert last.startswith("nnbuilder: ") or last.endswith("(see above)."), err
    elif code == EXIT_USER:  # summary lists the network's errors on stdout
        assert "error" in out, out


@fuzz(scale=0.5)
@given(mutated_documents(), st.sampled_from([["validate"], ["summary"], ["summary", "--json"]]))
def test_validate_and_summary_on_mutated_files(text: str, command: list[str]) -> None:
    TALLY["cli in-process"] += 1
    path = write(_TMP, "fuzzed.nnb", text)
    _check(*_main([command[0], str(path), *command[1:]]))


@pytest.mark.parametrize("name", sorted(WORST_CASES))
def test_validate_and_summary_on_worst_cases(name: str) -> None:
    TALLY["cli worst case"] += 1
    path = write(_TMP, f"{name}.nnb", WORST_CASES[name])
    for command in (["validate"], ["summary", "--json"]):
        _check(*_main([command[0], str(path), *command[1:]]))


@pytest.mark.parametrize("args", [["/dev/zero"], [str(ROOT)], ["no-such-file.nnb"], ["bad\0name"]],
                         ids=["dev_zero", "folder", "missing", "nul"])
def test_bad_paths(args: list[str]) -> None:
    TALLY["cli bad path"] += 1
    for command in ("validate", "summary"):
        code, out, err = _main([command, *args])
        _check(code, out, err)
        assert code == EXIT_USER


def test_usage_errors_keep_exit_2() -> None:
    for args in (["valdiate", "x.nnb"], ["summary"], ["train", "x.nnb", "--seed", "-1"], ["validate", "--bogus"]):
        TALLY["cli usage"] += 1
        code, _, err = _main(args)
        assert code == EXIT_USAGE, (args, err)
        assert "Traceback" not in err


@pytest.mark.parametrize("name", ["deep_nesting_1000", "version_4301_digits", "input_10_to_20",
                                  "lone_surrogate_label"])
def test_worst_cases_in_a_real_process(name: str) -> None:
    """A few end-to-end runs: the installed entry point, a fresh interpreter, the real stdout encoding."""
    TALLY["cli subprocess"] += 1
    path = write(_TMP, f"{name}.nnb", WORST_CASES[name])
    for command in ("validate", "summary"):
        r = subprocess.run([sys.executable, "-m", "nnbuilder", command, str(path)], capture_output=True, text=True,
                           timeout=120, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        _check(r.returncode, r.stdout, r.stderr)
        assert r.returncode == EXIT_USER
