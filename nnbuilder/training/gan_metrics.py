"""How a GAN is doing, as pure numpy on numbers the run already has: mode coverage and failure hints.

Mode coverage follows VEEGAN (Srivastava et al. 2017) on mixtures of Gaussians: a generated sample is *high
quality* when it lies within 3 standard deviations of its nearest mode's mean; a mode is *covered* when at
least one high-quality sample has it as its nearest mean. The hints put the usual failures (the
discriminator winning outright, the generator's loss running away, mode collapse) into sentences a student
can act on; the app shows them beside the curves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

HQ_STDS = 3.0  # VEEGAN: within three standard deviations of the nearest mean


def mode_coverage(samples: np.ndarray, means: np.ndarray, std: float) -> tuple[int, float]:
    """(modes covered, share of high-quality samples) for 2-D (or any-D) ``samples`` against ``means``."""
    if len(samples) == 0 or len(means) == 0:
        return 0, 0.0
    x = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    mu = np.asarray(means, dtype=np.float64).reshape(len(means), -1)
    d2 = ((x[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)
    nearest = np.argmin(d2, axis=1)
    dist = np.sqrt(d2[np.arange(len(x)), nearest])
    good = np.isfinite(dist) & (dist <= HQ_STDS * float(std))
    covered = int(len(np.unique(nearest[good])))
    return covered, float(good.mean())


def gan_hints(history: Sequence[dict[str, float]], modes_total: int | None = None) -> list[str]:
    """Sentences about the last epochs' logs (loss_D, loss_G, D_x, D_G_z, modes, high_quality); [] when fine.

    Looks at the most recent epoch, and at the trend of the last few for a loss that keeps growing, so a
    single noisy epoch does not raise an alarm.
    """
    if not history:
        return []
    last = history[-1]
    hints: list[str] = []
    loss_d = last.get("loss_D", math.nan)
    loss_g = last.get("loss_G", math.nan)
    d_x = last.get("D_x", math.nan)
    d_gz = last.get("D_G_z", math.nan)
    if loss_d < 0.05 and d_x > 0.95 and d_gz < 0.05:
        hints.append(
            f"The discriminator has won: its loss is almost 0 (loss_D {loss_d:.3f}) and it tells real from generated "
            f"samples almost perfectly (D(x) {d_x:.2f}, D(G(z)) {d_gz:.2f}), so the generator gets almost no "
            "gradient to learn from. Try a lower discriminator learning rate, fewer discriminator steps per "
            "generator step, label smoothing, or a smaller discriminator.")
    recent = [h.get("loss_G", math.nan) for h in history[-4:]]
    growing = len(recent) >= 3 and all(b > a for a, b in zip(recent, recent[1:], strict=False))
    if loss_g > 5.0 and (growing or len(history) == 1 or loss_g > 10.0):
        # "and rising" only where it rises; the activations' ranges hold for any data (the ring lies in ±2.1)
        state = f"is exploding (loss_G {loss_g:.2f} and rising)" if growing else f"is very high (loss_G {loss_g:.2f})"
        hints.append(
            f"The generator's loss {state}: the discriminator rejects everything it makes. Lower the "
            "discriminator's learning rate or raise the generator's, and check that the generator's last "
            "activation can reach the data's values (sigmoid gives 0..1, tanh -1..1, no activation any value).")
    modes = last.get("modes")
    if modes is not None and modes_total and math.isfinite(modes) and modes < modes_total:
        hq = last.get("high_quality", math.nan)
        if modes <= modes_total / 2 and hq >= 0.25:  # good samples, few places: collapse, not "not learned yet"
            hints.append(
                f"Mode collapse: the generated samples cover only {int(modes)} of the {modes_total} modes "
                f"({hq:.0%} of them are close to a mode). The generator found a few points that fool the "
                "discriminator and stays there. Train longer, lower the learning rates, or try the least-squares "
                "loss or more discriminator steps per generator step.")
    return hints
