"""The lecture's "balls on a surface": torch's own optimizers minimising a two-parameter loss.

Each ball is a 2-element tensor with ``requires_grad`` stepped by a real ``torch.optim`` optimizer, so what a
student sees is exactly what those classes do inside a network (nothing here re-implements an update rule).
Trajectories are computed up front (a few thousand tiny steps take milliseconds); the view only reveals
them step by step, so dragging a slider re-runs the race instantly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from .errors import TeachError

Fn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Surface:
    """A 2-D loss C(x, y) with the window it is drawn in and where a ball starts by default.

    ``fn`` works elementwise on tensors (the balls) and numpy arrays (the heatmap) alike, because it uses
    only arithmetic; ``lr_plain``/``lr_adaptive`` are learning rates at which the race is worth watching.
    """

    key: str
    title: str
    formula: str
    fn: Fn
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    minimum: tuple[float, float] | None
    lr_plain: float
    lr_adaptive: float
    note: str = ""

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.fn(x, y)

    def grid(self, resolution: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(xs, ys, values[len(xs), len(ys)]) over the drawing window, in float64."""
        xs = np.linspace(*self.x_range, resolution)
        ys = np.linspace(*self.y_range, resolution)
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        return xs, ys, np.asarray(self.fn(gx, gy), dtype=np.float64)  # type: ignore[arg-type]

    def value(self, x: float, y: float) -> float:
        return float(self.fn(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)))


def _beale(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


SURFACES: dict[str, Surface] = {
    s.key: s
    for s in (
        Surface("bowl", "Bowl", "C = x² + y²", lambda x, y: x**2 + y**2, (-2.0, 2.0), (-2.0, 2.0), (-1.6, 1.4),
                (0.0, 0.0), 0.05, 0.1,
                "The lecture's ball rolling into a bowl: every optimizer gets there."),
        Surface("elongated", "Elongated bowl", "C = 0.05·x² + 5·y²", lambda x, y: 0.05 * x**2 + 5 * y**2,
                (-4.0, 4.0), (-2.0, 2.0), (-3.5, 1.5), (0.0, 0.0), 0.12, 0.1,
                "Steep across, flat along: plain gradient descent settles across the valley at once, then "
                "crawls along it (~300 steps to the bottom); momentum gathers speed along it but swings across "
                "it; Nesterov's look-ahead damps the swing; RMSprop scales each direction and goes straight."),
        Surface("rosenbrock", "Rosenbrock", "C = (1 − x)² + 100·(y − x²)²",
                lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, (-2.0, 2.0), (-1.0, 3.0), (-1.2, 1.0),
                (1.0, 1.0), 0.001, 0.1,
                "A curved, nearly flat valley: finding it is easy, following it to (1, 1) is slow."),
        Surface("saddle", "Saddle", "C = x² − y²", lambda x, y: x**2 - y**2, (-2.0, 2.0), (-2.0, 2.0),
                (-1.8, 0.01), None, 0.05, 0.05,
                "Downhill in y, uphill in x: a ball that starts on the ridge crawls before it escapes."),
        Surface("beale", "Beale", "C = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²", _beale,
                (-4.5, 4.5), (-4.5, 4.5), (1.0, 1.5), (3.0, 0.5), 0.001, 0.05,
                "Flat plateaus and steep walls: step sizes that suit one place overshoot in another."),
    )
}


@dataclass(frozen=True)
class OptimizerChoice:
    """One ball: a name, a colour and how to make its torch optimizer from the two sliders."""

    name: str
    color: str
    adaptive: bool
    uses_momentum: bool

    def make(self, params: list[torch.Tensor], lr: float, momentum: float) -> torch.optim.Optimizer:
        if self.name == "SGD":
            return torch.optim.SGD(params, lr=lr)
        if self.name == "Momentum":
            return torch.optim.SGD(params, lr=lr, momentum=momentum)
        if self.name == "Nesterov":
            return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=momentum > 0)
        if self.name == "Adagrad":
            return torch.optim.Adagrad(params, lr=lr)
        if self.name == "RMSprop":
            return torch.optim.RMSprop(params, lr=lr)
        if self.name == "Adam":
            return torch.optim.Adam(params, lr=lr)
        raise TeachError(f"Unknown optimizer '{self.name}'; choose one of {', '.join(OPTIMIZERS)}.")


OPTIMIZERS: dict[str, OptimizerChoice] = {
    o.name: o
    for o in (
        OptimizerChoice("SGD", "#D62728", False, False),
        OptimizerChoice("Momentum", "#FF7F0E", False, True),
        OptimizerChoice("Nesterov", "#8C564B", False, True),
        OptimizerChoice("Adagrad", "#2CA02C", True, False),
        OptimizerChoice("RMSprop", "#1F77B4", True, False),
        OptimizerChoice("Adam", "#9467BD", True, False),
    )
}


@dataclass
class Trajectory:
    """Where one ball was before each step (``points[0]`` is the start) and the loss there.

    A ball whose loss becomes infinite or NaN, or that flies far off the surface, stops there; ``stopped``
    says why, in a sentence the view shows.
    """

    name: str
    points: np.ndarray  # (steps + 1, 2), float64
    losses: np.ndarray  # (steps + 1,)
    stopped: str = ""

    def at(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """The path and losses up to ``step`` (clamped to where the ball stopped)."""
        k = min(step, len(self.points) - 1)
        return self.points[: k + 1], self.losses[: k + 1]


def learning_rate(choice: OptimizerChoice, lr_plain: float, lr_adaptive: float) -> float:
    """Adaptive methods divide by the gradient's size, so their η is a step length, not a gradient scale."""
    return lr_adaptive if choice.adaptive else lr_plain


def run_optimizer(surface: Surface, name: str, start: tuple[float, float], lr: float, momentum: float = 0.9,
                  steps: int = 200) -> Trajectory:
    """Step ``torch.optim`` optimizer ``name`` ``steps`` times on ``surface`` from ``start`` (float64)."""
    if name not in OPTIMIZERS:
        raise TeachError(f"Unknown optimizer '{name}'; choose one of {', '.join(OPTIMIZERS)}.")
    if not (lr > 0 and math.isfinite(lr)):
        raise TeachError(f"The learning rate must be a positive number, not {lr}.")
    if not 0 <= momentum < 1:
        raise TeachError(f"Momentum must lie in [0, 1), not {momentum}.")
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = OPTIMIZERS[name].make([p], lr, momentum)
    span = max(surface.x_range[1] - surface.x_range[0], surface.y_range[1] - surface.y_range[0])
    cx = sum(surface.x_range) / 2
    cy = sum(surface.y_range) / 2
    points = [p.detach().numpy().copy()]
    losses: list[float] = []
    stopped = ""
    for _ in range(steps):
        opt.zero_grad()
        loss = surface(p[0], p[1])
        losses.append(float(loss.detach()))
        if not math.isfinite(losses[-1]):
            stopped = "its loss became infinite: the learning rate is too large here"
            break
        loss.backward()
        opt.step()
        here = p.detach().numpy().copy()
        if not np.isfinite(here).all():
            stopped = "it jumped to infinity: the learning rate is too large here"
            break
        points.append(here)
        if max(abs(here[0] - cx), abs(here[1] - cy)) > 10 * span:
            stopped = ("it rolled off the edge: this surface has no bottom" if surface.minimum is None
                       else "it left the surface: the learning rate is too large here")
            break
    else:
        losses.append(float(surface(p[0].detach(), p[1].detach())))
    if len(losses) < len(points):  # stopped after moving: the loss where it landed
        losses.append(float(surface(p[0].detach(), p[1].detach())))
    return Trajectory(name, np.array(points, dtype=np.float64), np.array(losses[: len(points)], dtype=np.float64),
                      stopped)


def race(surface: Surface | str, start: tuple[float, float] | None = None, *, lr_plain: float | None = None,
         lr_adaptive: float | None = None, momentum: float = 0.9, steps: int = 200,
         names: list[str] | None = None) -> dict[str, Trajectory]:
    """Every optimizer in ``names`` (all six by default) from one start point on one surface."""
    if isinstance(surface, str):
        if surface not in SURFACES:
            raise TeachError(f"Unknown surface '{surface}'; choose one of {', '.join(SURFACES)}.")
        surface = SURFACES[surface]
    start = surface.start if start is None else (float(start[0]), float(start[1]))
    plain = surface.lr_plain if lr_plain is None else lr_plain
    adaptive = surface.lr_adaptive if lr_adaptive is None else lr_adaptive
    return {n: run_optimizer(surface, n, start, learning_rate(OPTIMIZERS[n], plain, adaptive), momentum, steps)
            for n in (names or list(OPTIMIZERS))}
