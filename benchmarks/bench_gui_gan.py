"""A GAN trained from the GUI (worker thread + live sample grid) against the headless Trainer, and GUI freezes.

Prints, measured in one run on this machine (no assertions):
* wall time per epoch of the GAN example from the GUI path, with the Samples tab (the live grid from a fixed
  noise batch) or the GAN Lab tab on screen, against the headless Trainer on the same example and seed, and
  their ratio (target <= 1.10 with the live grid). Each GUI run follows its own headless run and the median of
  these pairs' ratios is printed per tab, so load from other processes that comes and goes hits both sides of a
  pair alike. The GAN Lab tab (the discriminator over the plane, with arrows, five times a second) is a view of
  its own and gets its own line.
* event-loop stalls while the GAN trains: a 10 ms QTimer in the GUI thread; a stall is how late a tick came
  (gap - 10 ms). Targets: p99 <= 20 ms, max <= 100 ms. Measured in separate GUI runs (the probe timer takes
  the GIL 100 times a second and would slow the timed runs).
* how many sample grids and GAN Lab pictures the dashboard received and drew.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui_gan.py [--reps 3] [--examples gan_ring_2d]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_gui_training import BenchWindow, StallMonitor, gui_fit, headless_fit, pct  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnbuilder.project import load_project  # noqa: E402

EXAMPLES = {"gan_ring_2d": None, "mnist_gan": 1}  # example -> epochs (None: the file's)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--examples", nargs="*", default=["gan_ring_2d"])
    parser.add_argument("--epochs", type=int, default=0, help="epochs per run (0: the example's own)")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    import torch

    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}")
    for name in args.examples:
        path = ROOT / "resources" / "examples" / f"{name}.nnb"
        project = load_project(path)
        epochs = args.epochs or EXAMPLES.get(name) or project.training.epochs
        project.training.epochs = epochs
        window = BenchWindow(project, path)
        window.show()
        c = window.controller
        c.warm_up()
        threads = torch.get_num_threads()
        headless_fit(project, min(epochs, 2))  # untimed: caches, allocator
        d = c.dashboard
        samples_tab, lab_tab = d.tab_index("gan_samples"), d.tab_index("gan_lab")
        monitor = StallMonitor()
        first = gui_fit(app, window, None, epochs, samples_tab)  # one-off costs, left out of the medians
        tabs = {"Samples (live grid)": samples_tab} | ({"GAN Lab": lab_tab} if lab_tab >= 0 else {})
        head: list[float] = []
        gui: dict[str, list[float]] = {t: [] for t in tabs}
        ratio: dict[str, list[float]] = {t: [] for t in tabs}
        frames: dict[str, int] = {t: 0 for t in tabs}
        for rep in range(args.reps):
            for label, tab in tabs.items():  # each GUI run right after its own headless run: a pair
                h = headless_fit(project, epochs)
                g = gui_fit(app, window, None, epochs, tab)
                head.append(h)
                gui[label].append(g)
                ratio[label].append(g / h)
                # the panels count what they received since their run began
                frames[label] += d.panels["gan_samples" if tab == samples_tab else "gan_lab"].received
            gui_fit(app, window, monitor, epochs, samples_tab if rep % 2 == 0 or lab_tab < 0 else lab_tab)
        h = statistics.median(head)
        late_ms = [1000 * x for x in monitor.late]
        print(f"\n== {name}: {epochs} epochs, {args.reps} pairs (headless run, GUI run) per tab, torch threads {threads}")
        print(f"headless Trainer        : {1000 * h:8.1f} ms/epoch (median; runs {', '.join(f'{1000 * x:.1f}' for x in head)})")
        for label in tabs:
            g = statistics.median(gui[label])
            target = "   (target <= 1.10)" if label.startswith("Samples") else ""
            print(f"GUI, {label:19}: {1000 * g:8.1f} ms/epoch (median; runs {', '.join(f'{1000 * x:.1f}' for x in gui[label])})")
            print(f"  ratio GUI / headless  : {statistics.median(ratio[label]):8.3f}{target} (median over the pairs: "
                  f"{', '.join(f'{x:.3f}' for x in ratio[label])}); {frames[label]} pictures received")
        print(f"event-loop stall        : p50 {pct(late_ms, 0.5):.1f} ms, p99 {pct(late_ms, 0.99):.1f} ms, "
              f"max {max(late_ms, default=0.0):.1f} ms over {len(late_ms)} ticks   (targets p99 <= 20, max <= 100)")
        print(f"first GUI run (excluded): {1000 * first:8.1f} ms/epoch; dashboard frames drawn {d.frames}")
        window.close()
        window.deleteLater()
        app.processEvents()
        time.sleep(0.1)


if __name__ == "__main__":
    main()
