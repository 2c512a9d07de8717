"""Mixtures of Gaussians for GANs: the ring of eight used by the Unrolled-GAN and VEEGAN experiments.

Eight modes make mode collapse countable: a generator that has collapsed puts all its samples near one or
two of the means, and ``nnbuilder.training.gan_metrics.mode_coverage`` counts how many it reaches. The means
and the spread go into ``Dataset.extra`` (``modes``, ``mode_std``) so that metric needs nothing else.
"""

from __future__ import annotations

import numpy as np

RING_MODES = 8
RING_RADIUS = 2.0
RING_STD = 0.05


def ring_means(modes: int = RING_MODES, radius: float = RING_RADIUS) -> np.ndarray:
    """(modes, 2) float64 means evenly spaced on a circle, the first on the positive x axis."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def ring(samples: int, std: float = RING_STD, seed: int = 0, modes: int = RING_MODES,
         radius: float = RING_RADIUS) -> tuple[np.ndarray, np.ndarray]:
    """float32 (samples, 2) points, equally many per mode (the first ones get one more when it does not divide),
    and the int64 index of each point's mode; shuffled; identical for identical arguments."""
    rng = np.random.default_rng(seed)
    means = ring_means(modes, radius)
    labels = np.arange(samples) % modes
    rng.shuffle(labels)
    x = means[labels] + rng.normal(0.0, std, (samples, 2))
    return x.astype(np.float32), labels.astype(np.int64)
