"""nnbuilder's GAN step vs a hand-written PyTorch DCGAN loop on the same models and batches.

Prints the ratio of epoch times measured in one run (ours / baseline; the target is <= 1.05).

* The models: resources/examples/fashion_mnist_dcgan.nnb compiled by nnbuilder; the baseline trains deep
  copies of the same two modules, so both sides run identical layers with identical initial weights. The
  example is conditional: both sides give each batch's classes to both networks, one-hot.
* The baseline is the PyTorch DCGAN tutorial's loop as a competent user writes it: real images preloaded as
  one tensor, a permutation per epoch and slice views per batch, ``D(real)``, ``D(G(z).detach())``, one
  backward for D, then G's step on the same fake batch (D's weights frozen for it), the tutorial's Sigmoid +
  BCELoss, ``Adam(betas=(0.5, 0.999), fused=True)`` for both. (nnbuilder computes BCE from D's logits.)
* Both sides use ``d_steps = 1``, batch 64, the same data subset and thread count; epochs alternate
  (baseline, nnbuilder, ...) so a busy machine slows both alike; the median and fastest ratios are printed.

    python benchmarks/bench_gan_step.py [--rows 6400] [--rounds 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "resources" / "examples" / "fashion_mnist_dcgan.nnb"


def baseline_runner(generator, discriminator, real, labels, classes: int, batch_size: int, latent: int,  # type: ignore[no-untyped-def]
                    seed: int):
    """A closure running one epoch of the hand-written loop; returns its wall time in seconds. With ``classes``
    (a conditional GAN, whose compiled networks take ``(noise, label)`` and ``(image, label)``), each batch's
    classes go to both networks one-hot, as a user would write it."""
    import torch
    import torch.nn.functional as F
    G = copy.deepcopy(generator)
    D_full = copy.deepcopy(discriminator)
    D = D_full  # ends in its sigmoid: the tutorial's Sigmoid + BCELoss
    opt_d = torch.optim.Adam(D_full.parameters(), lr=5e-4, betas=(0.5, 0.999), fused=True)
    opt_g = torch.optim.Adam(G.parameters(), lr=5e-4, betas=(0.5, 0.999), fused=True)
    gen = torch.Generator().manual_seed(seed)
    n = len(real)
    nb = n // batch_size
    d_params = [p for p in D_full.parameters()]

    def epoch() -> float:
        t0 = time.perf_counter()
        G.train()
        D_full.train()
        perm = torch.randperm(n, generator=gen)
        xs = real[perm]
        ys = labels[perm] if classes else None
        for b in range(nb):
            xb = xs[b * batch_size:(b + 1) * batch_size]
            z = torch.randn((batch_size, latent), generator=gen)
            c = F.one_hot(ys[b * batch_size:(b + 1) * batch_size], classes).float() if classes else None
            opt_d.zero_grad(set_to_none=True)
            fake = G(z, c) if classes else G(z)
            out_real = D(xb, c) if classes else D(xb)
            out_fake = D(fake.detach(), c) if classes else D(fake.detach())
            loss_d = F.binary_cross_entropy(out_real, torch.ones_like(out_real)) + \
                F.binary_cross_entropy(out_fake, torch.zeros_like(out_fake))
            loss_d.backward()
            opt_d.step()
            opt_g.zero_grad(set_to_none=True)
            for p in d_params:
                p.requires_grad_(False)
            out = D(fake, c) if classes else D(fake)
            loss_g = F.binary_cross_entropy(out, torch.ones_like(out))
            loss_g.backward()
            for p in d_params:
                p.requires_grad_(True)
            opt_g.step()
        float(loss_d.detach()) + float(loss_g.detach())  # the last values, as a user printing them would
        return time.perf_counter() - t0

    return epoch


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=6400, help="real images per epoch (default 6400 = 100 batches)")
    ap.add_argument("--rounds", type=int, default=5, help="epochs per side (default 5)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = ap.parse_args()

    import numpy as np
    import torch

    from nnbuilder.data import Dataset, load_dataset
    from nnbuilder.project import load_project
    from nnbuilder.training import Trainer

    torch.set_num_threads(args.threads)
    project = load_project(EXAMPLE)
    full = load_dataset(project.data.dataset, project.data.options)
    ds = Dataset(id=full.id, title=full.title, task=full.task, x=full.x[:args.rows], y=full.y[:args.rows],
                 x_test=None, y_test=None, class_names=full.class_names)
    trainer = Trainer(project, dataset=ds, device="cpu")
    step = trainer.step
    real = torch.from_numpy(np.ascontiguousarray(ds.x, dtype=np.float32))
    labels = torch.from_numpy(np.asarray(ds.y, dtype=np.int64))
    assert not step.classes or (step.generator.input_names[0] == "noise" and step.discriminator.input_names[0] ==
                                "image"), "the baseline passes (noise, label) and (image, label)"
    baseline = baseline_runner(step.generator, step.discriminator, real, labels, step.classes,
                               project.training.batch_size, step.latent, 0)
    print(f"data: Fashion-MNIST, {args.rows} images 1×28×28, batch {project.training.batch_size}, d_steps "
          f"{project.training.gan.d_steps}, torch threads {torch.get_num_threads()}"
          f"{f', conditional on {step.classes} classes' if step.classes else ''}")
    baseline()  # warm-up both sides (allocator, first Adam step)
    trainer.fit(epochs=1)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(args.rounds):
        base.append(baseline())
        result = trainer.fit(epochs=1, continue_training=True)
        ours.append(result.history[-1]["seconds"])
    print("baseline epochs (s): " + " ".join(f"{t:.3f}" for t in base))
    print("nnbuilder epochs (s): " + " ".join(f"{t:.3f}" for t in ours))
    last = trainer.history[-1]
    print(f"nnbuilder last epoch: loss_D {last['loss_D']:.3f} loss_G {last['loss_G']:.3f} D_x {last['D_x']:.2f} "
          f"D_G_z {last['D_G_z']:.2f}")
    print(f"RATIO nnbuilder/baseline GAN epoch time: median {statistics.median(ours) / statistics.median(base):.3f}, "
          f"fastest {min(ours) / min(base):.3f} (target <= 1.05)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
