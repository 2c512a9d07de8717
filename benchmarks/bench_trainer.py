"""Trainer vs a minimal hand-written PyTorch loop on the lecture model, and peak RSS of `nnbuilder train`.

Prints ratios measured in one run (ours / baseline; the issue's target is <= 1.05), never a bare verdict.

* The model: resources/examples/fashion_mnist_mlp.nnb (Flatten -> Dense(128, relu) -> Dense(10, softmax)),
  batch 32, validation split 0.3 (42,000 training rows), Adam(lr=1e-3).
* The baseline: what a competent PyTorch user writes for that model - ``nn.Sequential`` ending in logits,
  ``F.cross_entropy``, ``Adam(fused=True)``, the training rows preloaded as one tensor, a permutation once
  per epoch and slice views per batch, then a validation pass (loss and accuracy) every epoch, since the
  Trainer's epoch includes one too. Both run on the same preloaded tensors and the same thread count.
* Epochs alternate (baseline, trainer, baseline, ...) so a busy machine slows both alike; the ratio of
  medians and of the fastest epochs are both printed.
* With ``keras`` importable, Keras 3 on the torch backend trains the same model for comparison.

    python benchmarks/bench_trainer.py [--epochs 5] [--threads N] [--no-rss]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "resources" / "examples" / "fashion_mnist_mlp.nnb"


def baseline_runner(x_train, y_train, x_val, y_val, batch_size: int, seed: int):  # type: ignore[no-untyped-def]
    """A closure running one epoch of the hand-written loop; returns its wall time in seconds."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    gen = torch.Generator().manual_seed(seed)
    n = len(x_train)
    logs: list[dict[str, float]] = []

    def epoch() -> float:
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n, generator=gen)
        xs, ys = x_train[perm], y_train[perm]
        total = torch.zeros(())
        for s in range(0, n, batch_size):
            xb, yb = xs[s:s + batch_size], ys[s:s + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.detach() * len(xb)
        model.eval()
        with torch.no_grad():
            out = model(x_val)
            val_loss = F.cross_entropy(out, y_val).item()
            val_acc = (out.argmax(1) == y_val).float().mean().item()
        logs.append({"loss": total.item() / n, "val_loss": val_loss, "val_accuracy": val_acc})
        return time.perf_counter() - t0

    return epoch, logs


def compare(epochs: int) -> tuple[float, float]:
    import torch

    from nnbuilder import load_project
    from nnbuilder.data import load_dataset
    from nnbuilder.training import Trainer, warm_up

    warm_up()
    project = load_project(EXAMPLE)
    cfg = project.training
    t0 = time.perf_counter()
    dataset = load_dataset(project.data.dataset, project.data.options)
    print(f"data: Fashion-MNIST loaded in {time.perf_counter() - t0:.2f} s; x {dataset.x.shape}, "
          f"batch {cfg.batch_size}, validation split {cfg.validation_split}, torch threads {torch.get_num_threads()}")
    train_idx, val_idx = dataset.split_indices(cfg.validation_split, cfg.seed)
    x = torch.from_numpy(dataset.x)
    y = torch.from_numpy(dataset.y)
    x_train, y_train = x[train_idx], y[train_idx]
    x_val, y_val = x[val_idx], y[val_idx]
    print(f"      {len(x_train)} training rows, {len(x_val)} validation rows")
    base_epoch, base_logs = baseline_runner(x_train, y_train, x_val, y_val, cfg.batch_size, cfg.seed)

    events = [0]
    trainer = Trainer(project, dataset=dataset, device="cpu", callback=lambda e: events.__setitem__(0, events[0] + 1))
    # one untimed epoch each: first-touch allocations and lazy imports
    base_epoch()
    trainer.fit(epochs=1)
    base_times, ours_times = [], []
    for _ in range(epochs):
        base_times.append(base_epoch())
        trainer.fit(epochs=1, continue_training=True)
        ours_times.append(trainer.history[-1]["seconds"])
    b_med, o_med = statistics.median(base_times), statistics.median(ours_times)
    print(f"baseline epochs (s): {' '.join(f'{t:.3f}' for t in base_times)}")
    print(f"trainer  epochs (s): {' '.join(f'{t:.3f}' for t in ours_times)}")
    print(f"baseline last epoch: loss {base_logs[-1]['loss']:.4f} val_accuracy {base_logs[-1]['val_accuracy']:.4f}")
    last = trainer.history[-1]
    print(f"trainer  last epoch: loss {last['loss']:.4f} val_accuracy {last['val_accuracy']:.4f} "
          f"({events[0]} events sent)")
    ratio_med = o_med / b_med
    ratio_min = min(ours_times) / min(base_times)
    print(f"RATIO trainer/baseline epoch time: median {ratio_med:.3f}, fastest {ratio_min:.3f} (target <= 1.05)")
    return ratio_med, ratio_min


def keras_compare(epochs: int, trainer_seconds: float | None) -> None:
    try:
        os.environ.setdefault("KERAS_BACKEND", "torch")
        import keras  # type: ignore[import-not-found]
    except ImportError:
        print("keras: not importable here; the Keras 3 comparison is skipped.")
        return
    import numpy as np

    from nnbuilder.data import load_dataset

    ds = load_dataset("fashion_mnist", {"normalize": True})
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(128, "relu"),
                              keras.layers.Dense(10, "softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    times: list[float] = []

    class Timer(keras.callbacks.Callback):  # type: ignore[misc]
        def on_epoch_begin(self, epoch, logs=None):  # type: ignore[no-untyped-def]
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):  # type: ignore[no-untyped-def]
            times.append(time.perf_counter() - self.t0)

    model.fit(ds.x, ds.y.astype(np.int64), batch_size=32, epochs=epochs, validation_split=0.3, verbose=0,
              callbacks=[Timer()])
    k = statistics.median(times)
    print(f"keras {keras.__version__} (backend {keras.backend.backend()}): median epoch {k:.3f} s")
    if trainer_seconds:
        print(f"RATIO trainer/keras epoch time: {trainer_seconds / k:.3f}")


def peak_rss() -> None:
    """Run the real CLI in a child process and read its peak resident set size."""
    cmd = [sys.executable, "-m", "nnbuilder", "train", str(EXAMPLE), "--json"]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        print(f"nnbuilder train failed: {r.stderr.strip()}")
        return
    records = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    epochs = [rec for rec in records if "epoch" in rec]
    final = records[-1]
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux reports kB
    print(f"nnbuilder train fashion_mnist_mlp.nnb: {len(epochs)} epochs in {seconds:.1f} s (incl. start-up), "
          f"val_accuracy {epochs[-1]['val_accuracy']:.4f}, test_accuracy {final.get('test_accuracy', float('nan')):.4f}")
    print(f"RATIO peak RSS / 1.5 GB budget: {rss_mb / 1536:.3f} ({rss_mb:.0f} MB)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5, help="timed epochs per side")
    p.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's choice)")
    p.add_argument("--no-rss", action="store_true", help="skip the peak-RSS run of the CLI")
    args = p.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    ratio_med, _ = compare(args.epochs)
    keras_compare(args.epochs, None)
    if not args.no_rss:
        peak_rss()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
