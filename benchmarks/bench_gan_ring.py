"""The ring example's quality against the clock: modes covered and high-quality share (VEEGAN's definitions).

Trains resources/examples/gan_ring_2d.nnb as shipped (``nnbuilder train`` would run the same) and prints,
after each epoch, the seconds so far, modes covered out of 8 and the share of high-quality samples on 2,500
samples; then the first time both targets held and the final figures. The target: 8 of 8 modes and >= 70 %
high-quality samples within 60 s on the 2-core reference machine.

    python benchmarks/bench_gan_ring.py [--threads 1] [--seed 0] [--budget 60]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "resources" / "examples" / "gan_ring_2d.nnb"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=60.0, help="stop after this many seconds (default 60)")
    args = ap.parse_args()

    import torch

    from nnbuilder.project import load_project
    from nnbuilder.training import EpochEnd, Trainer

    torch.set_num_threads(args.threads)
    project = load_project(EXAMPLE)
    project.training.seed = args.seed
    reached: list[float] = []
    t0 = time.perf_counter()

    def on_event(event: object) -> None:
        if isinstance(event, EpochEnd):
            logs = event.logs
            now = time.perf_counter() - t0
            ok = logs["modes"] >= 8 and logs["high_quality"] >= 0.70
            if ok and not reached:
                reached.append(now)
            print(f"{now:6.1f} s  epoch {event.epoch:3d}  modes {logs['modes']:.0f}/8  high quality "
                  f"{logs['high_quality']:.1%}  loss_D {logs['loss_D']:.3f}  loss_G {logs['loss_G']:.3f}", flush=True)

    trainer = Trainer(project, device="cpu", callback=on_event)
    timer = threading.Timer(args.budget, trainer.stop)
    timer.start()
    t0 = time.perf_counter()
    result = trainer.fit()
    timer.cancel()
    seconds = time.perf_counter() - t0
    last = trainer.history[-1]
    print(f"final after {seconds:.1f} s ({len(trainer.history)} epochs, torch threads {torch.get_num_threads()}): "
          f"modes {last['modes']:.0f}/8, high quality {last['high_quality']:.1%}")
    if reached:
        print(f"targets (8/8 modes, >= 70 % high quality) first met after {reached[0]:.1f} s "
              f"(budget {args.budget:.0f} s)")
    else:
        print(f"targets (8/8 modes, >= 70 % high quality) NOT met within {seconds:.1f} s")
    return 0 if result is not None else 1


if __name__ == "__main__":
    raise SystemExit(main())
