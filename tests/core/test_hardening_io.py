"""Regression tests for bad project files that used to escape as tracebacks or load but never save."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from nnbuilder.fileio import TMP_SUFFIX, atomic_write, clean_stale_temps
from nnbuilder.project import ProjectError, dumps_project, load_project, loads_project, save_project
from tests.conftest import EXAMPLES

SPIRAL = EXAMPLES / "spiral_playground.nnb"


def _doc() -> dict:
    return json.loads(SPIRAL.read_text())


def _refused(text: str, *fragments: str) -> str:
    with pytest.raises(ProjectError) as ei:
        loads_project(text, "bad.nnb")
    msg = str(ei.value)
    assert msg.startswith("bad.nnb")
    for frag in fragments:
        assert frag in msg, msg
    return msg


# -- what is read is checked as strictly as what is written ------------------------------------------------
def test_nan_in_data_options_is_refused_on_read_with_its_path() -> None:
    doc = _doc()
    doc["data"]["options"] = {"noise": float("nan"), "deep": [{"x": float("inf")}]}
    _refused(json.dumps(doc), "$.data.options", "found ")


def test_lone_surrogate_in_a_name_is_refused_on_read() -> None:
    doc = _doc()
    doc["name"] = "\ud800"
    _refused(json.dumps(doc), "at $.name", "surrogate")
    doc = _doc()
    doc["data"]["options"] = {"\udfff": 1}
    _refused(json.dumps(doc), "$.data.options", "field name")


def test_a_project_holding_a_surrogate_or_nan_is_not_saved_and_the_old_file_stays(tmp_path: Path) -> None:
    target = tmp_path / "p.nnb"
    save_project(loads_project(SPIRAL.read_text()), target)
    before = target.read_bytes()
    p = load_project(target)
    p.graphs[0].nodes[1].label = "bad \ud800"
    with pytest.raises(ProjectError, match=r"nodes\[1\]\.label"):
        save_project(p, target)
    p = load_project(target)
    p.data.options["x"] = float("nan")
    with pytest.raises(ProjectError, match=r"\$\.data\.options\.x"):
        save_project(p, target)
    assert target.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["p.nnb"]


def test_deep_nesting_and_huge_numbers_are_project_errors() -> None:
    _refused('{"a":' * 1000 + "1" + "}" * 1000, "nested too deeply")
    _refused("[" * 100_000 + "]" * 100_000, "nested too deeply")
    _refused('{"format": "nnbuilder-project", "version": ' + "9" * 4301 + "}", "thousands of digits")
    doc = _doc()
    doc["version"] = int("9" * 4300)
    _refused(json.dumps(doc), "$.version", "a number with 4300 digits")
    doc = _doc()
    doc["data"]["options"] = {"x": json.loads("[" * 40 + "]" * 40)}
    _refused(json.dumps(doc), "nested more than")


def test_wording_names_the_value_found() -> None:
    doc = _doc()
    doc["training"]["optimizer"]["lr"] = float("nan")
    _refused(json.dumps(doc), "$.training.optimizer.lr", "found NaN")
    doc["training"]["optimizer"]["lr"] = float("-inf")
    _refused(json.dumps(doc), "found -Infinity")
    doc = _doc()
    doc["training"]["epochs"] = 1.5
    assert _refused(json.dumps(doc)).endswith("expected a whole number, found 1.5.")
    doc = _doc()
    doc["version"] = 0
    assert _refused(json.dumps(doc)).endswith("expected a positive whole number, found 0.")
    doc = _doc()
    doc["training"]["epochs"] = 10**40
    _refused(json.dumps(doc), "must be at most 100000, found a number with 41 digits")


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    f = tmp_path / "bom.nnb"
    f.write_bytes(b"\xef\xbb\xbf" + SPIRAL.read_bytes())
    assert load_project(f) == load_project(SPIRAL)
    assert loads_project("\ufeff" + SPIRAL.read_text()) == load_project(SPIRAL)


def test_node_id_with_a_trailing_newline_is_refused() -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"][1]["id"] = "hidden1\n"
    _refused(json.dumps(doc), "$.graphs[0].nodes[1].id", "not a valid node id")


def test_unknown_early_stopping_monitor_is_refused_at_load() -> None:
    doc = _doc()
    doc["training"]["early_stopping"]["monitor"] = "val_los"
    _refused(json.dumps(doc), "$.training.early_stopping.monitor", "val_loss", "'val_los'")
    for ok in ("loss", "val_accuracy", "val_acc", "mae"):
        doc["training"]["early_stopping"]["monitor"] = ok
        assert loads_project(json.dumps(doc)).training.early_stopping.monitor == ok


def test_dev_zero_fifos_folders_and_huge_files_are_refused_without_reading_them(tmp_path: Path) -> None:
    for path, frag in (("/dev/zero", "not a regular file"), (str(tmp_path), "is a folder")):
        with pytest.raises(ProjectError, match=frag):
            load_project(path)
    fifo = tmp_path / "pipe.nnb"
    os.mkfifo(fifo)
    with pytest.raises(ProjectError, match="not a regular file"):
        load_project(fifo)  # opening a FIFO would block forever
    big = tmp_path / "big.nnb"
    with big.open("wb") as fh:
        fh.truncate(65 * 1024 * 1024)  # sparse: no disk used
    with pytest.raises(ProjectError, match="at most 64 MB"):
        load_project(big)
    with pytest.raises(ProjectError, match="usable file name"):
        load_project("bad\0name.nnb")


def test_absurd_node_counts_are_refused_with_a_sentence() -> None:
    doc = _doc()
    doc["graphs"][0]["nodes"] = [{"id": f"n{i}", "type": "ReLU"} for i in range(50_001)]
    doc["graphs"][0]["edges"] = []
    _refused(json.dumps(doc), "has 50,001 nodes", "at most 50,000")


def test_what_loads_saves_and_reloads_identically_after_normalising() -> None:
    doc = _doc()
    doc["training"]["optimizer"]["name"] = "ADAM"
    doc["graphs"][0]["nodes"][1]["params"]["units"] = 16.0
    once = dumps_project(loads_project(json.dumps(doc)))
    assert dumps_project(loads_project(once)) == once


# -- the atomic-write helper -------------------------------------------------------------------------------
def test_save_keeps_the_mode_and_follows_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real.nnb"
    save_project(load_project(SPIRAL), real)
    os.chmod(real, 0o640)
    link = tmp_path / "link.nnb"
    link.symlink_to(real)
    p = load_project(link)
    p.name = "changed"
    save_project(p, link)
    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert load_project(real).name == "changed"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["link.nnb", "real.nnb"]


def test_new_files_get_the_umask_mode_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_temporary_files_of_dead_writers_are_removed_on_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "p.nnb"
    dead = tmp_path / f".p.nnb.{2**22 + 12345}.0badc0de{TMP_SUFFIX}"  # above pid_max: never a live process
    mine = tmp_path / f".p.nnb.{os.getpid()}.0badc0de{TMP_SUFFIX}"
    legacy = tmp_path / ".p.nnb.abcd1234.tmp"
    other = tmp_path / f".q.nnb.{2**22 + 12345}.0badc0de{TMP_SUFFIX}"
    for f in (dead, mine, legacy, other):
        f.write_text("half a file")
    os.utime(legacy, (1, 1))
    atomic_write(target, "complete")
    names = sorted(x.name for x in tmp_path.iterdir())
    assert names == sorted([mine.name, "p.nnb"])  # a live writer's file stays; dead ones go, whatever their target
    assert clean_stale_temps(tmp_path) == 0


def test_writing_onto_a_folder_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "dir.nnb").mkdir()
    with pytest.raises(IsADirectoryError):
        atomic_write(tmp_path / "dir.nnb", "x")
    assert [x.name for x in tmp_path.iterdir()] == ["dir.nnb"]


def test_a_writer_that_fails_midway_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "p.bin"
    target.write_bytes(b"old")

    def boom(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b"partial")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_bytes() == b"old"
    assert [x.name for x in tmp_path.iterdir()] == ["p.bin"]


def test_odd_field_names_are_quoted_so_the_message_stays_on_one_line() -> None:
    doc = _doc()
    doc["\n"] = 1
    msg = _refused(json.dumps(doc), '$["\\n"]: unknown field')
    assert "\n" not in msg
    doc = _doc()
    doc["graphs"][0]["nodes"][1]["params"]["a b"] = 1
    _refused(json.dumps(doc), '$.graphs[0].nodes[1].params["a b"]', "no parameter 'a b'")
