"""Does the Fashion-MNIST DCGAN make recognisable garments within 3 minutes? Measured, not eyeballed.

1. Trains a judge on real Fashion-MNIST: a small CNN written here (not part of nnbuilder), five epochs on the
   60,000 training images (kept in a temporary file for later runs), and prints its test accuracy and how
   many real test photos it is sure of. Five epochs, because a judge trained less (one epoch: 87 %) is
   unsure even of real photos (60 % get p >= 0.9), so the bar would measure the judge, not the samples;
   and not more, because a judge trained longer is sure of junk too. Two controls print how many pictures
   of uniform noise and samples of the untrained generator the judge is sure of: both should be far below
   the bar, or the bar says nothing.
2. Trains resources/examples/fashion_mnist_dcgan.nnb as shipped for at most ``--budget`` seconds (default
   180; the run is stopped by the clock if its epochs take longer). ``--clock cpu`` counts this process's
   CPU time divided by the torch threads instead of wall time, for a machine other work is sharing.
3. Generates 500 samples and lets the judge classify them. Targets: at least half get a class with
   probability >= 0.9, and at least 8 of the 10 classes appear among those confident samples. A conditional
   GAN (Class label layers) is asked for each class in turn (50 samples each), and the benchmark also prints
   how often the judge's class is the one asked for.
4. Saves a grid of the run's fixed noise's samples to docs/screenshots/gan_fashion_grid.png (a conditional GAN:
   8 noise vectors, one row each, in every class, one column each).

    python benchmarks/bench_gan_quality.py [--budget 180] [--threads 2] [--clock wall|cpu]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "resources" / "examples" / "fashion_mnist_dcgan.nnb"
GRID = ROOT / "docs" / "screenshots" / "gan_fashion_grid.png"


def train_judge(x, y, x_test, y_test, epochs: int, cache: Path):  # type: ignore[no-untyped-def]
    """A plain PyTorch CNN classifier (87 % test accuracy after one epoch, 91 % after five), kept in ``cache``."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    if cache.is_file():
        net.load_state_dict(torch.load(cache, weights_only=True))
        epochs = 0
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(len(x), generator=gen)
        for s in range(0, len(x), 128):
            idx = perm[s:s + 128]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(net(x[idx]), y[idx]).backward()
            opt.step()
    if epochs:
        torch.save(net.state_dict(), cache)
    net.eval()
    with torch.no_grad():
        pred = torch.cat([net(x_test[s:s + 1000]).argmax(1) for s in range(0, len(x_test), 1000)])
    return net, float((pred == y_test).float().mean())


def junk_controls(trainer, n: int):  # type: ignore[no-untyped-def]
    """Pictures that are not garments, for the judge to be unsure of: uniform noise, and the untrained generator.

    A judge trained too long calls such pictures confident too (a 10-epoch one is sure of 94 % of uniform noise),
    and then a high share of confident samples would say nothing about the generator.
    """
    import numpy as np

    shape = (n, *trainer.step.sample_shape)
    noise = np.random.default_rng(7).uniform(0.0, 1.0, shape).astype(np.float32)
    untrained = trainer.generate(n, seed=123)  # called before fit(): the generator's initial weights
    return [("pictures of uniform noise", noise), ("samples of the untrained generator", untrained)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--budget", type=float, default=180.0, help="GAN training seconds (default 180)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--judge-epochs", type=int, default=5)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="what the budget counts: wall seconds, or this process's CPU seconds divided by the torch "
                    "threads (what a quiet machine would give; use it when other work shares the CPU)")
    ap.add_argument("--judge-cache", default=None,
                    help="where the judge's weights are kept between runs (a plain state dict; default: a file "
                    "per number of judge epochs in the temporary folder)")
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--example", default=str(EXAMPLE), help="the GAN project to judge (default: the shipped example)")
    ap.add_argument("--grid", default=str(GRID), help="where the grid of the fixed noise's samples goes")
    args = ap.parse_args()

    import numpy as np
    import torch

    from nnbuilder.project import load_project
    from nnbuilder.training import EpochEnd, Trainer
    from nnbuilder.training.samples import write_samples

    torch.set_num_threads(args.threads)
    project = load_project(args.example)
    trainer = Trainer(project, device="cpu", callback=lambda e: print(
        f"  epoch {e.epoch}: {e.seconds:.0f} s, loss_D {e.logs['loss_D']:.3f}, loss_G {e.logs['loss_G']:.3f}, "
        f"D(x) {e.logs['D_x']:.2f}, D(G(z)) {e.logs['D_G_z']:.2f}", flush=True) if isinstance(e, EpochEnd) else None)
    ds = trainer.dataset
    x = torch.from_numpy(np.ascontiguousarray(ds.x, dtype=np.float32))
    y = torch.from_numpy(np.asarray(ds.y, dtype=np.int64))
    xt = torch.from_numpy(np.ascontiguousarray(ds.x_test, dtype=np.float32))
    yt = torch.from_numpy(np.asarray(ds.y_test, dtype=np.int64))
    t0 = time.perf_counter()
    cache = Path(args.judge_cache or Path(tempfile.gettempdir()) / f"nnbuilder-fashion-judge-{args.judge_epochs}ep.pt")
    judge, accuracy = train_judge(x, y, xt, yt, args.judge_epochs, cache)
    print(f"judge: a CNN trained on real Fashion-MNIST ({args.judge_epochs} epochs; {time.perf_counter() - t0:.0f} s "
          f"here), test accuracy {accuracy:.1%}", flush=True)
    with torch.no_grad():  # the same bar for real photos: how strict "p >= 0.9" is with this judge
        real_best = torch.softmax(judge(xt[: args.samples]), dim=1).max(dim=1).values
    print(f"reference: {float((real_best >= 0.9).float().mean()):.1%} of {args.samples} real test images get a class "
          "with p >= 0.9", flush=True)
    for what, junk in junk_controls(trainer, args.samples):  # a judge that is sure of junk would measure nothing
        with torch.no_grad():
            junk_best = torch.softmax(judge(torch.from_numpy(junk)), dim=1).max(dim=1).values
        print(f"control: {float((junk_best >= 0.9).float().mean()):.1%} of {args.samples} {what} get a class with "
              "p >= 0.9", flush=True)

    print(f"training the DCGAN for at most {args.budget:.0f} s ({project.training.epochs} epochs, batch "
          f"{project.training.batch_size}, torch threads {torch.get_num_threads()})")
    threads = torch.get_num_threads()
    done = threading.Event()
    t0, c0 = time.perf_counter(), time.process_time()

    def spent() -> float:
        if args.clock == "wall":
            return time.perf_counter() - t0
        return (time.process_time() - c0) / threads

    def watch() -> None:
        while not done.wait(0.2):
            if spent() >= args.budget:
                trainer.stop()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    result = trainer.fit()
    seconds = spent()
    done.set()
    print(f"GAN trained {seconds:.0f} s by the {args.clock} clock ({time.perf_counter() - t0:.0f} s wall): "
          f"{result.message if hasattr(result, 'message') else result}")

    samples = trainer.generate(args.samples, seed=123)
    with torch.no_grad():
        probs = torch.softmax(judge(torch.from_numpy(samples)), dim=1).numpy()
    best = probs.max(axis=1)
    classes = probs.argmax(axis=1)
    confident = best >= 0.9
    share = float(confident.mean())
    seen = sorted({int(c) for c in classes[confident]})
    names = ds.class_names or [str(i) for i in range(10)]
    counts = {names[c]: int((classes[confident] == c).sum()) for c in seen}
    print(f"of {args.samples} generated samples, {share:.1%} get a class with p >= 0.9 (target >= 50 %)")
    print(f"classes among them: {len(seen)}/10 (target >= 8): {counts}")
    asked = trainer.step.labels_for(args.samples)
    if asked is not None:  # a conditional GAN: is each sample of the class it was asked for?
        right = classes == asked
        print(f"conditional: the judge names the asked class for {float(right.mean()):.1%} of the samples; "
              f"{float((right & confident).mean()):.1%} are confident and of the asked class")
    grid = Path(args.grid)
    grid.parent.mkdir(parents=True, exist_ok=True)
    fixed = trainer.step.generate()
    write_samples(grid, fixed, trainer.step.grid_columns or None)
    print(f"grid of the fixed noise's {len(fixed)} samples: {grid}")
    met = share >= 0.5 and len(seen) >= 8
    print(f"RESULT {'met' if met else 'NOT met'}: {share:.1%} confident, {len(seen)}/10 classes, "
          f"{seconds:.0f} s of training ({args.clock} clock)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
