"""Train bundled examples with their full budget and print one Markdown row each, for docs/examples.md.

Each example runs as ``nnbuilder train <file> --json`` in a fresh process (so import and data loading count,
as they do for a student), and the row gives the wall time, the last epoch's validation (or training) figures
and the test figures. The machine's load average is printed first: times on a shared machine are upper bounds.

    python docs/measure_examples.py perceptron_blobs spiral_playground ...
    python docs/measure_examples.py --threads 1 --epochs 40 fashion_mnist_mlp

``--threads N`` sets OMP_NUM_THREADS for the runs: on a small shared machine one thread can be many times
faster than torch's default, and the thread count changes the last digits of the sums, so a figure depends
on it. ``--epochs N`` overrides the projects' budgets (say so next to the figure).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"


def fmt(logs: dict[str, float], keys: tuple[str, ...]) -> str:
    return ", ".join(f"{k} {logs[k]:.3f}" for k in keys if k in logs)


def measure(name: str, threads: int | None = None, epochs: int | None = None) -> str:
    path = EXAMPLES / f"{name}.nnb"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    command = [sys.executable, "-m", "nnbuilder", "train", str(path), "--json"]
    if epochs is not None:
        command += ["--epochs", str(epochs)]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return f"| {name} | failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode} |"
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    epochs = [r for r in lines if "epoch" in r]
    final = next((r for r in lines if r.get("final")), {})
    last = epochs[-1] if epochs else {}
    keys = ("val_loss", "val_accuracy", "val_mae", "loss", "accuracy", "mae")
    test = {k[5:]: v for k, v in final.items() if k.startswith("test_") and isinstance(v, float)}
    return (f"| {name} | {len(epochs)} | {seconds:.0f} s | {fmt(last, keys)} | "
            f"{fmt(test, ('loss', 'accuracy', 'mae')) or '—'} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="example names (default: all)")
    parser.add_argument("--threads", type=int, help="torch CPU threads (OMP_NUM_THREADS) for the runs")
    parser.add_argument("--epochs", type=int, help="epochs instead of each project's own budget")
    args = parser.parse_args()
    names = args.names or sorted(p.stem for p in EXAMPLES.glob("*.nnb"))
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
          + (f", {args.threads} thread(s)" if args.threads else ""))
    print("| example | epochs run | wall time | last epoch | test |")
    print("|---|---|---|---|---|")
    for name in names:
        print(measure(name, args.threads, args.epochs), flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
