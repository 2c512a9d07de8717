"""Mixed precision against float32, on the examples where the convolutions dominate (the DCGAN and the CNN).

Prints, per example, the ratio of epoch times measured in one run (mixed / float32; below 1 is faster) and the
last epoch's losses of both, so a speed-up that costs the run its accuracy shows.

* Both trainers train the same project on the same subset of Fashion-MNIST; only ``mixed_precision`` differs.
* Epochs alternate (float32, mixed, float32, ...) so a machine that gets busier slows both alike; the
  median and fastest ratios are printed.
* On a CPU the setting only takes effect where bfloat16 is computed in hardware (Intel AMX, AVX-512 BF16);
  elsewhere the script says so and measures nothing, because both sides would run the same float32 code.
  On CUDA pass ``--device``.

    python benchmarks/bench_mixed_precision.py [--rows 12800] [--rounds 3] [--threads 2] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLES = ROOT / "resources" / "examples"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=12800, help="training images per epoch (default 12800)")
    ap.add_argument("--rounds", type=int, default=3, help="epochs per side (default 3)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--examples", default="fashion_mnist_dcgan,fashion_mnist_cnn")
    args = ap.parse_args()

    import torch

    from nnbuilder.data import Dataset, load_dataset
    from nnbuilder.project import load_project
    from nnbuilder.training import Trainer
    from nnbuilder.training.devices import autocast_plan

    torch.set_num_threads(args.threads)
    dtype, note = autocast_plan(args.device, True)
    if dtype is None:
        print(f"nothing to compare on {args.device}: {note}")
        return 0
    print(f"device {args.device}: mixed precision computes in {str(dtype).removeprefix('torch.')}; torch threads "
          f"{torch.get_num_threads()}; {args.rows} training images per epoch")
    for name in args.examples.split(","):
        trainers = {}
        for mixed in (False, True):
            project = load_project(EXAMPLES / f"{name}.nnb")
            project.training.mixed_precision = mixed
            project.training.validation_split = 0.0
            full = load_dataset(project.data.dataset, project.data.options)
            ds = Dataset(id=full.id, title=full.title, task=full.task, x=full.x[:args.rows], y=full.y[:args.rows],
                         x_test=None, y_test=None, class_names=full.class_names)
            trainers[mixed] = Trainer(project, dataset=ds, device=args.device)
            trainers[mixed].fit(epochs=1)  # warm-up: allocator, first optimizer step, oneDNN kernels
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.rounds):
            for mixed in (False, True):
                result = trainers[mixed].fit(epochs=1, continue_training=True)
                times[mixed].append(result.history[-1]["seconds"])
        for mixed in (False, True):
            last = trainers[mixed].history[-1]
            losses = ", ".join(f"{k} {v:.4f}" for k, v in last.items() if k.startswith("loss") or k == "accuracy")
            label = "mixed  " if mixed else "float32"
            print(f"{name} {label} epochs (s): {' '.join(f'{t:.2f}' for t in times[mixed])}; last epoch {losses}")
        median = statistics.median(times[True]) / statistics.median(times[False])
        print(f"RATIO {name} mixed/float32 epoch time: median {median:.3f}, fastest "
              f"{min(times[True]) / min(times[False]):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
