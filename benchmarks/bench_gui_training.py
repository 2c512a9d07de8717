"""Training from the GUI (worker thread + live dashboard) against the headless Trainer, and GUI freezes.

Prints, measured in one run on this machine (no assertions; targets from issue 5):
* wall time per epoch of ``Trainer.fit`` from the GUI path with live plots vs the headless Trainer on the same
  example and seed, and their ratio (target <= 1.10). Runs alternate (headless, GUI, headless, GUI, ...) and the
  median of each is compared, so load from other processes hits both sides alike.
* event-loop stalls during GUI runs: a 10 ms QTimer in the GUI thread; a stall is how late a tick came
  (gap - 10 ms). Targets: p99 <= 20 ms, max <= 100 ms. Measured in separate GUI runs, since the probe
  timer itself takes the GIL 100 times a second and would slow the timed runs.

Both sides run with the thread count the app uses (one core left for the GUI, see
``leave_a_core_for_the_gui``); the headless figure at torch's default thread count is printed too.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui_training.py [--reps 3] [--examples spiral_playground]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnbuilder.app.dashboard import Dashboard  # noqa: E402
from nnbuilder.app.main_window import MainWindow  # noqa: E402
from nnbuilder.project import load_project  # noqa: E402

EXAMPLES = {"spiral_playground": None, "fashion_mnist_mlp": 1}  # example -> epochs (None: the file's)


class BenchWindow(MainWindow):
    """The real main window with the training tools installed; error dialogs are recorded, not shown."""

    def __init__(self, project: Any, path: Path) -> None:
        super().__init__()
        self.errors: list[tuple[str, str]] = []
        self.load_extensions()
        self.controller = self.training_controller
        self.document.replace_project(project, path)
        self.resize(1280, 860)

    def show_dialog(self, kind: str, title: str, text: str = "", **options: Any) -> Any:
        self.errors.append((title, text))
        return "discard" if kind == "save_changes" else None


class StallMonitor(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.late: list[float] = []
        self._last = 0.0
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.late.append(max(0.0, now - self._last - 0.010))
        self._last = now


def headless_fit(project: Any, epochs: int) -> float:
    from nnbuilder.training import Trainer

    trainer = Trainer(project.copy(), base_dir=ROOT / "resources" / "examples")
    t0 = time.perf_counter()
    result = trainer.fit(epochs=epochs)
    seconds = time.perf_counter() - t0
    if type(result).__name__ != "Finished":
        raise SystemExit(f"headless run failed: {result}")
    return seconds / epochs


def gui_fit(app: QApplication, window: BenchWindow, monitor: StallMonitor | None, epochs: int, tab: int) -> float:
    c = window.controller
    c.epochs_spin.setValue(epochs)
    done: list[Any] = []
    c.run_finished.connect(done.append)
    c.run_failed.connect(lambda m, k: done.append((m, k)))
    if monitor is not None:
        monitor.start()
    # A real event loop, as in the app: it sleeps in C++ with the GIL released until an event comes.
    # (A processEvents()/sleep() polling loop would wake 1,000 times a second and take the GIL each time.)
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(50)

    def check() -> None:  # show the wanted tab once the data set made it visible; end with the run
        tabs = c.dashboard.tabs
        if tabs.currentIndex() != tab and tabs.isTabVisible(tab):
            tabs.setCurrentIndex(tab)
        if not c.is_busy:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    assert c.train()
    loop.exec()
    poll.stop()
    if monitor is not None:
        monitor.stop()
    c.run_finished.disconnect()
    c.run_failed.disconnect()
    if not done or isinstance(done[0], tuple):
        raise SystemExit(f"GUI run failed: {done} {window.errors}")
    return c.last_timing["fit_s"] / epochs


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--examples", nargs="*", default=list(EXAMPLES))
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    import torch

    default_threads = torch.get_num_threads()
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}, default threads {default_threads}")
    for name in args.examples:
        path = ROOT / "resources" / "examples" / f"{name}.nnb"
        project = load_project(path)
        epochs = EXAMPLES.get(name) or project.training.epochs
        project.training.epochs = epochs
        window = BenchWindow(project, path)
        window.show()
        c = window.controller
        t0 = time.perf_counter()
        c.warm_up()
        warm_s = time.perf_counter() - t0
        threads = torch.get_num_threads()
        # headless at torch's default thread count, for reference (not part of the ratio)
        torch.set_num_threads(default_threads)
        default_epoch = headless_fit(project, epochs)
        torch.set_num_threads(threads)
        headless_fit(project, min(epochs, 2))  # untimed: caches, allocator
        monitor = StallMonitor()
        # The session's first GUI run pays one-off costs (glyph caches, first paints, data set load);
        # it is reported on its own and left out of the medians, as the untimed headless run is.
        first = gui_fit(app, window, monitor, epochs, Dashboard.TAB_CURVES)
        first_late = [1000 * x for x in monitor.late]
        monitor.late.clear()
        head: list[float] = []
        gui: list[float] = []
        for rep in range(args.reps):
            head.append(headless_fit(project, epochs))
            # watch the curves on even runs and the prediction view (boundary or gallery) on odd ones
            second = Dashboard.TAB_IMAGES if name.startswith("fashion") else Dashboard.TAB_BOUNDARY
            tab = Dashboard.TAB_CURVES if rep % 2 == 0 else second
            gui.append(gui_fit(app, window, None, epochs, tab))
            # stalls are measured in runs of their own: the 100 Hz probe timer takes the GIL too
            gui_fit(app, window, monitor, epochs, tab)
        h, g = statistics.median(head), statistics.median(gui)
        late_ms = [1000 * x for x in monitor.late]
        print(f"\n== {name}: {epochs} epochs x {args.reps} runs each, torch threads {threads} "
              f"(warm-up in the GUI thread {warm_s:.2f} s)")
        print(f"headless Trainer      : {1000 * h:8.1f} ms/epoch (median; runs {', '.join(f'{1000 * x:.1f}' for x in head)})")
        print(f"GUI path, live plots  : {1000 * g:8.1f} ms/epoch (median; runs {', '.join(f'{1000 * x:.1f}' for x in gui)})")
        print(f"ratio GUI / headless  : {g / h:8.3f}   (target <= 1.10); best-of ratio {min(gui) / min(head):.3f}")
        print(f"headless, {default_threads} threads    : {1000 * default_epoch:8.1f} ms/epoch (torch default, for reference)")
        print(f"event-loop stall      : p50 {pct(late_ms, 0.5):.1f} ms, p99 {pct(late_ms, 0.99):.1f} ms, "
              f"max {max(late_ms, default=0.0):.1f} ms over {len(late_ms)} ticks   (targets p99 <= 20, max <= 100)")
        print(f"first GUI run (excluded): {1000 * first:8.1f} ms/epoch, stall p99 {pct(first_late, 0.99):.1f} ms, "
              f"max {max(first_late, default=0.0):.1f} ms")
        print(f"dashboard frames drawn: {c.dashboard.frames}")
        window.close()
        window.deleteLater()
        app.processEvents()


if __name__ == "__main__":
    main()
