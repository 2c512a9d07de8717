"""How fast the run loop answers Pause, Resume and Stop, for a supervised and a GAN run.

The promise is "answered within 100 ms": requests are looked at between batches, so the answer time is at
most one batch plus the loop's poll. Printed as each answer's time and its ratio to the 100 ms target
(below 1 meets it), median and worst of several tries, measured in one run. The requests come once the
first batch has been reported; one made while the data are still loading is answered when loading ends,
before any batch trains (tests/training/test_control.py checks that).

    python benchmarks/bench_control_latency.py [--tries 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnbuilder import load_project  # noqa: E402
from nnbuilder.training import BatchEnd, Trainer  # noqa: E402

TARGET_S = 0.1
EXAMPLES = ROOT / "resources" / "examples"


def _wait(condition, timeout: float = 30.0) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            raise SystemExit("timed out waiting for the run")
        time.sleep(0.0005)
    return time.perf_counter() - start


def _trainer(name: str, batches: list[int]) -> Trainer:
    project = load_project(EXAMPLES / name)
    project.training.epochs = 10_000  # longer than any try
    return Trainer(project, base_dir=EXAMPLES, device="cpu",
                   callback=lambda e: batches.append(e.batch) if isinstance(e, BatchEnd) else None)


def one_try(name: str) -> dict[str, float]:
    batches: list[int] = []
    trainer = _trainer(name, batches)
    thread = threading.Thread(target=trainer.fit, daemon=True)
    thread.start()
    _wait(lambda: bool(batches))  # training, past loading the data (a request then waits for the first batch)
    time.sleep(0.3)  # well into training
    out: dict[str, float] = {}
    trainer.pause()
    out["pause"] = _wait(lambda: trainer.is_paused)
    trainer.resume()
    out["resume"] = _wait(lambda: not trainer.is_paused)
    time.sleep(0.1)
    t0 = time.perf_counter()
    trainer.stop()
    thread.join(30)
    out["stop"] = time.perf_counter() - t0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tries", type=int, default=5)
    args = ap.parse_args()
    for name in ("fashion_mnist_mlp.nnb", "gan_ring_2d.nnb"):
        runs = [one_try(name) for _ in range(args.tries)]
        for what in ("pause", "resume", "stop"):
            values = [r[what] for r in runs]
            med, worst = statistics.median(values), max(values)
            print(f"{name:24s} {what:6s} median {med * 1000:7.1f} ms (ratio {med / TARGET_S:5.2f})   "
                  f"worst {worst * 1000:7.1f} ms (ratio {worst / TARGET_S:5.2f})   target ≤ 100 ms")


if __name__ == "__main__":
    main()
