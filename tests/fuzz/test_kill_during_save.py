"""kill -9 in the middle of saving, again and again: the file on disk is always a whole project, and no
temporary file outlives the next write.

The writers are forked (saving) or forked from a warmed-up helper process (autosave, which needs the Qt
document), so thirty kills take seconds rather than thirty interpreter start-ups.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nnbuilder.fileio import TMP_SUFFIX
from nnbuilder.project import Edge, Graph, Node, Project, load_project, save_project
from tests.conftest import ROOT

KILLS = int(os.environ.get("NNBUILDER_FUZZ_KILLS", "30"))

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def _project(n_nodes: int, name: str) -> Project:
    g = Graph()
    g.add_node(Node("in", "Input", {"shape": [8]}))
    prev = "in"
    for i in range(n_nodes):
        nid = f"d{i}"
        g.nodes.append(Node(nid, "Dense", {"units": 8}, (float(i), 0.0), label=f"layer {i} " + "x" * 40))
        g.edges.append(Edge(prev, nid))
        prev = nid
    return Project(name=name, graphs=[g])


def _strays(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((TMP_SUFFIX, ".tmp")))


def _kill_after(pid: int, rng: random.Random, lo: float, hi: float) -> None:
    time.sleep(rng.uniform(lo, hi))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the writer ended before the kill"


def test_kill_9_during_save_never_leaves_a_truncated_or_stray_file(tmp_path: Path) -> None:
    target = tmp_path / "p.nnb"
    versions = [_project(1500, "first"), _project(1600, "second")]
    save_project(versions[0], target)
    os.chmod(target, 0o640)
    expected = {json.dumps(json.loads(target.read_text()))}
    from nnbuilder.project import dumps_project

    expected |= {json.dumps(json.loads(dumps_project(v))) for v in versions}
    rng = random.Random(20261201)
    strays_seen = 0
    killed: list[int] = []
    for _ in range(KILLS):
        pid = os.fork()
        if pid == 0:  # the writer: save alternately until killed
            try:
                i = 0
                while True:
                    save_project(versions[i % 2], target)
                    i += 1
            finally:
                os._exit(0)
        _kill_after(pid, rng, 0.005, 0.06)
        killed.append(pid)
        text = target.read_text(encoding="utf-8")  # never truncated: always one whole version
        assert json.dumps(json.loads(text)) in expected
        assert load_project(target).name in ("first", "second")
        leftovers = _strays(tmp_path)
        # Each write first removes what dead writers left, so at most one stray exists at a time: this
        # writer's, or an earlier one's when the writers since were killed before their first write began.
        assert len(leftovers) <= 1, leftovers
        assert all(any(f".{p}." in name for p in killed) for name in leftovers), leftovers
        strays_seen += bool(leftovers)
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    save_project(versions[0], target)  # the next write clears what dead writers left
    assert _strays(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.nnb"]
    print(f"{KILLS} kills during save, {strays_seen} left a temporary file until the next write")


_AUTOSAVE_HELPER = r"""
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from nnbuilder.app.autosave import Autosaver
from nnbuilder.app.document import Document
from nnbuilder.project import load_project
folder = Path(sys.argv[1])
example = load_project(sys.argv[2])
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            from PySide6.QtCore import QCoreApplication
            app = QCoreApplication([])  # an event dispatcher for the autosave timer, in the child only
            doc = Document()
            doc.replace_project(example.copy(), None)
            saver = Autosaver(doc, directory=folder, interval_ms=10**9)
            doc.add_node("Dropout")
            saver.save_now()
            print("first", os.getpid(), flush=True)  # killed only after one whole autosave
            while True:
                doc.add_node("Dropout")
                saver.save_now()
        finally:
            os._exit(0)
    print("pid", pid, flush=True)
    os.waitpid(pid, 0)
"""


def test_kill_9_during_autosave_leaves_whole_recovery_files_and_readable_notes(tmp_path: Path) -> None:
    from nnbuilder.app.autosave import find_recoveries

    folder = tmp_path / "recovery"
    folder.mkdir()
    example = ROOT / "resources" / "examples" / "fashion_mnist_cnn.nnb"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    helper = subprocess.Popen([sys.executable, "-c", _AUTOSAVE_HELPER, str(folder), str(example)], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert helper.stdin is not None and helper.stdout is not None
    rng = random.Random(7)
    pids = []
    try:
        assert helper.stdout.readline().strip() == "ready"
        for _ in range(KILLS):
            helper.stdin.write("go\n")
            helper.stdin.flush()
            lines = dict(helper.stdout.readline().split() for _ in range(2))  # "pid N" and "first N", any order
            pid = int(lines["pid"])
            assert int(lines["first"]) == pid
            pids.append(pid)
            time.sleep(rng.uniform(0.0, 0.05))  # somewhere in the loop of later autosaves
            os.kill(pid, signal.SIGKILL)
    finally:
        helper.stdin.close()
        helper.wait(timeout=60)
    recoveries = find_recoveries(folder)
    by_pid = {int(r.path.stem.split("-")[1]): r for r in recoveries}
    assert sorted(by_pid) == sorted(pids)  # every killed writer's recovery is offered
    for pid, rec in by_pid.items():
        project = load_project(rec.path)  # whole, never truncated
        assert project.graphs[0].nodes[-1].type == "Dropout"
        if rec.meta_path.exists():
            note = json.loads(rec.meta_path.read_text())  # the note is atomic too
            assert note["pid"] == pid
    leftovers = _strays(folder)
    assert all(any(f".{pid}." in name for pid in pids) for name in leftovers), leftovers
    from nnbuilder.fileio import atomic_write

    atomic_write(folder / "recovery-1.json", "{}")  # any later write in the folder clears them
    assert _strays(folder) == []
    print(f"{KILLS} kills during autosave, {len(leftovers)} temporary files left until the next write")
