"""Launch time of the desktop app: process start to a usable window, as a ratio to the 2 s budget.

Each launch is a fresh ``python -m nnbuilder.app.main FILE`` subprocess (so imports are really paid)
with ``NNBUILDER_EXIT_WHEN_READY=1``: the app prints ``nnbuilder-ready`` once the window has been
shown and the event loop is idle, then quits. The same run measures a bare PySide6 window as the
baseline, so the ratio "ours / bare Qt" says what nnbuilder itself adds.

    python benchmarks/bench_app_launch.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 2.0
EXAMPLE = ROOT / "resources" / "examples" / "fashion_mnist_mlp.nnb"

BARE_QT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1360, 860); w.show()
QTimer.singleShot(0, lambda: (print("nnbuilder-ready", flush=True), app.quit()))
app.exec()
"""


def _launch(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    line = ""
    for line in proc.stdout:
        if line.startswith("nnbuilder-ready"):
            break
    elapsed = time.perf_counter() - t0
    proc.wait(timeout=30)
    if not line.startswith("nnbuilder-ready"):
        raise SystemExit(f"the app did not report ready (exit code {proc.returncode})")
    return elapsed, line.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.update(NNBUILDER_EXIT_WHEN_READY="1", NNBUILDER_SETTINGS_DIR=str(Path(tmp) / "settings"),
                   NNBUILDER_USER_DATA=str(Path(tmp) / "data"), PYTHONDONTWRITEBYTECODE="0")
        # One warm-up of each so both read the same (OS-cached) files.
        _launch([sys.executable, "-m", "nnbuilder.app.main", str(EXAMPLE)], env)
        _launch([sys.executable, "-c", BARE_QT], env)
        ours, bare, lines = [], [], []
        for _ in range(args.runs):
            t, line = _launch([sys.executable, "-m", "nnbuilder.app.main", str(EXAMPLE)], env)
            ours.append(t)
            lines.append(line)
            bare.append(_launch([sys.executable, "-c", BARE_QT], env)[0])
    med, med_bare = statistics.median(ours), statistics.median(bare)
    torch_loaded = any("torch=True" in ln for ln in lines)
    print(f"launch to usable window (median of {args.runs}, {EXAMPLE.name} open): {med:.2f} s")
    print(f"  ratio to the {BUDGET_S:.0f} s budget: {med / BUDGET_S:.2f}  ({'OK' if med <= BUDGET_S else 'OVER'})")
    print(f"  ratio to a bare PySide6 window ({med_bare:.2f} s): {med / med_bare:.2f}")
    print(f"  torch imported during start-up: {'yes (bad)' if torch_loaded else 'no'}")
    return 0 if med <= BUDGET_S and not torch_loaded else 1


if __name__ == "__main__":
    raise SystemExit(main())
