"""The race's balls are torch's optimizers: the same steps by hand give the same points."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nnbuilder.teach import TeachError
from nnbuilder.teach.race import OPTIMIZERS, SURFACES, race, run_optimizer

HAND = {
    "SGD": lambda p, lr, m: torch.optim.SGD([p], lr=lr),
    "Momentum": lambda p, lr, m: torch.optim.SGD([p], lr=lr, momentum=m),
    "Nesterov": lambda p, lr, m: torch.optim.SGD([p], lr=lr, momentum=m, nesterov=True),
    "Adagrad": lambda p, lr, m: torch.optim.Adagrad([p], lr=lr),
    "RMSprop": lambda p, lr, m: torch.optim.RMSprop([p], lr=lr),
    "Adam": lambda p, lr, m: torch.optim.Adam([p], lr=lr),
}


def by_hand(surface_key: str, name: str, start: tuple[float, float], lr: float, momentum: float, steps: int):
    f = SURFACES[surface_key]
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = HAND[name](p, lr, momentum)
    points, losses = [p.detach().clone()], []
    for _ in range(steps):
        opt.zero_grad()
        loss = f(p[0], p[1])
        losses.append(loss.item())
        loss.backward()
        opt.step()
        points.append(p.detach().clone())
    losses.append(f(p[0], p[1]).item())
    return torch.stack(points).numpy(), np.array(losses)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_ball_follows_its_torch_optimizer_exactly(surface: str) -> None:
    s = SURFACES[surface]
    start = (s.start[0] + 0.1, s.start[1] - 0.05)  # not the default, as after a click
    result = race(surface, start, momentum=0.8, steps=60)
    assert list(result) == list(OPTIMIZERS)
    for name, traj in result.items():
        lr = s.lr_adaptive if OPTIMIZERS[name].adaptive else s.lr_plain
        points, losses = by_hand(surface, name, start, lr, 0.8, 60)
        if surface == "saddle":  # no bottom: the fast balls roll off the edge and stop there
            assert traj.stopped in ("", "it rolled off the edge: this surface has no bottom")
        else:
            assert traj.stopped == ""
        k = len(traj.points)
        assert k > 20
        np.testing.assert_array_equal(traj.points, points[:k])
        np.testing.assert_array_equal(traj.losses, losses[:k])


def test_optimizers_really_differ_on_the_elongated_bowl() -> None:
    result = race("elongated", steps=100)
    finals = {n: t.losses[-1] for n, t in result.items()}
    assert len({round(v, 6) for v in finals.values()}) == len(finals)
    assert finals["Momentum"] < finals["SGD"]  # the lecture's point: momentum helps along the flat valley
    assert all(t.losses[-1] < t.losses[0] for t in result.values())


def test_the_elongated_bowl_shows_what_its_sentence_says() -> None:
    """The window said "plain gradient descent zig-zags; momentum and the adaptive methods do not", under a map
    where momentum swung across the valley and plain descent ran straight along its floor."""
    result = race("elongated", steps=300)

    def steps_to_bottom(name: str) -> int:
        p = np.asarray(result[name].points)
        near = np.hypot(p[:, 0], p[:, 1]) < 0.1
        return int(np.argmax(near)) if near.any() else 10**9

    def swing(name: str) -> float:  # how far across the valley the ball goes once it has reached the floor
        return float(np.abs(np.asarray(result[name].points)[5:60, 1]).max())

    text = SURFACES["elongated"].note
    assert "crawls along it (~300 steps" in text and steps_to_bottom("SGD") > 250 and swing("SGD") < 0.05
    assert "swings across" in text and steps_to_bottom("Momentum") < 100 and swing("Momentum") > 0.5
    assert "damps the swing" in text and steps_to_bottom("Nesterov") < 40 and swing("Nesterov") < swing("Momentum") / 2
    assert "goes straight" in text and steps_to_bottom("RMSprop") < 30 and swing("RMSprop") < 0.05


def test_a_too_large_learning_rate_stops_the_ball_with_a_reason() -> None:
    traj = run_optimizer(SURFACES["bowl"], "SGD", (1.0, 1.0), lr=5.0, steps=200)
    assert "learning rate is too large" in traj.stopped
    assert len(traj.points) < 201 and len(traj.points) == len(traj.losses)


def test_bad_settings_are_sentences() -> None:
    with pytest.raises(TeachError, match="learning rate"):
        run_optimizer(SURFACES["bowl"], "SGD", (1.0, 1.0), lr=0.0)
    with pytest.raises(TeachError, match="Unknown surface 'cliff'"):
        race("cliff")
    with pytest.raises(TeachError, match="Momentum must lie"):
        run_optimizer(SURFACES["bowl"], "Momentum", (1.0, 1.0), lr=0.1, momentum=1.5)
