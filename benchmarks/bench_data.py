"""Time to make Fashion-MNIST ready for training, cold (empty decode cache) and warm (cached).

Each measurement runs in a fresh interpreter so neither the OS allocator nor Python caches from an earlier
load flatter the numbers; only ``load_dataset`` itself is timed (not interpreter start or imports).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

BUDGET_S = 1.5
RUNS = 3
CHILD = (
    "import time, nnbuilder.data as d\n"
    "t = time.perf_counter(); ds = d.load_dataset('fashion_mnist'); t = time.perf_counter() - t\n"
    "assert ds.x.shape == (60000, 28, 28) and ds.y_test[:3].tolist() == [9, 2, 1]\n"
    "print(t)\n"
)


def _load_seconds(cache_dir: str) -> float:
    env = dict(os.environ, NNBUILDER_CACHE=cache_dir)
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    cold, warm = [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="nnbuilder-bench-") as cache:
            cold.append(_load_seconds(cache))
            warm.append(_load_seconds(cache))
    for name, times in (("cold", cold), ("warm", warm)):
        median = statistics.median(times)
        print(f"fashion_mnist {name} {median:.2f} s ({median / BUDGET_S:.2f} of budget)"
              f"  [runs: {', '.join(f'{t:.2f}' for t in times)}]")
    if statistics.median(cold) > BUDGET_S:
        sys.exit(1)


if __name__ == "__main__":
    main()
