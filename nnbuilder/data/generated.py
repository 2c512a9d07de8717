"""Two-class point sets in the style of the TensorFlow Playground.

Coordinates use the Playground's scale: the shapes span roughly [-5, 5] on both axes and noise can push a few
points a little further (about [-6, 6]). That scale is kept, rather than squashed to [-1, 1], so that students
who know the Playground see the same pictures and axis values; a small tanh/ReLU MLP trains fine on it.

``noise`` is the standard deviation, in coordinate units, of Gaussian jitter added to every point; for the
cluster sets (``gaussians``, ``blobs``) it is the spread of each cluster. Labels are 0 and 1, half each
(the odd sample goes to class 1), and rows are shuffled so any prefix mixes both classes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Generator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]

RADIUS = 5.0


def _halves(samples: int) -> tuple[int, int]:
    n0 = samples // 2
    return n0, samples - n0


def circle(samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 fills a disc of radius 2.5; class 0 a ring from 3.5 to 5 (the Playground's proportions)."""
    n0, n1 = _halves(samples)
    r = np.concatenate([rng.uniform(0.7 * RADIUS, RADIUS, n0), rng.uniform(0.0, 0.5 * RADIUS, n1)])
    angle = rng.uniform(0.0, 2 * np.pi, samples)
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x + rng.normal(0.0, noise, x.shape), y


def xor(samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in [-5, 5]^2 kept 0.3 away from the axes; class 1 where x*y > 0 (same-sign quadrants)."""
    n0, n1 = _halves(samples)
    padding = 0.3

    def corner(n: int, same_sign: bool) -> np.ndarray:
        mag = rng.uniform(padding, RADIUS, (n, 2))
        sx = rng.choice([-1.0, 1.0], n)
        sy = sx if same_sign else -sx
        return mag * np.stack([sx, sy], axis=1)

    x = np.concatenate([corner(n0, False), corner(n1, True)])
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x + rng.normal(0.0, noise, x.shape), y


def gaussians(samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two round clusters centred at (-2, -2) (class 0) and (2, 2) (class 1); noise = cluster std."""
    n0, n1 = _halves(samples)
    x = np.concatenate([rng.normal(-2.0, noise, (n0, 2)), rng.normal(2.0, noise, (n1, 2))])
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x, y


def spiral(samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved arms, 1.75 turns each, radius growing to 5 - the Playground's spiral."""
    n0, n1 = _halves(samples)

    def arm(n: int, delta: float) -> np.ndarray:
        i = np.arange(n) / max(n, 1)
        r = i * RADIUS
        t = 1.75 * i * 2 * np.pi + delta
        return np.stack([r * np.sin(t), r * np.cos(t)], axis=1)

    x = np.concatenate([arm(n0, np.pi), arm(n1, 0.0)])
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x + rng.normal(0.0, noise, x.shape), y


def moons(samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interlocking half circles (as scikit-learn's make_moons), centred and scaled by 3 to span ~[-4.5, 4.5]."""
    n0, n1 = _halves(samples)
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    x = (np.concatenate([upper, lower]) - np.array([0.5, 0.25])) * 3.0
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x + rng.normal(0.0, noise, x.shape), y


def blobs(samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two tight clusters 5.8 apart at (-2.5, 1.5) and (2.5, -1.5): linearly separable at the default noise.

    Meant for the single-neuron perceptron demo, which only converges when a separating line exists.
    """
    n0, n1 = _halves(samples)
    x = np.concatenate(
        [rng.normal((-2.5, 1.5), noise, (n0, 2)), rng.normal((2.5, -1.5), noise, (n1, 2))]
    )
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return x, y


# id -> (title, generator, default noise, description)
GENERATED: dict[str, tuple[str, Generator, float, str]] = {
    "circle": ("Circle", circle, 0.2, "A disc of one class inside a ring of the other; needs a hidden layer."),
    "xor": ("Exclusive or", xor, 0.2, "Opposite quadrants share a class; the classic problem a perceptron cannot solve."),
    "gaussians": ("Two Gaussians", gaussians, 1.0, "Two overlapping round clusters; a straight line separates most points."),
    "spiral": ("Spiral", spiral, 0.1, "Two interleaved spiral arms; needs a deeper network and patience."),
    "moons": ("Two moons", moons, 0.2, "Two interlocking half circles; a line gets most points, a curve gets all."),
    "blobs": ("Two blobs", blobs, 0.5, "Two well-separated clusters; linearly separable, for the perceptron."),
}


def generate(dataset_id: str, samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """float32 (samples, 2) points and int64 labels, identical for identical arguments."""
    _, func, _, _ = GENERATED[dataset_id]
    rng = np.random.default_rng(seed)
    x, y = func(samples, noise, rng)
    order = rng.permutation(samples)
    return x[order].astype(np.float32), y[order].astype(np.int64)
